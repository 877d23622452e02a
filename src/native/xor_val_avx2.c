/* xor_val kernel for AVX2: the single-pass body of kern_body.h */
#include "isa_avx2.h"
#define KB_WANT_XOR_VAL
#include "kern_body.h"
