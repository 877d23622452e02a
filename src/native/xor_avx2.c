/* xor kernel for AVX2: the single-pass body of kern_body.h */
#include "isa_avx2.h"
#define KB_WANT_XOR
#include "kern_body.h"
