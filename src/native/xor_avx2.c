/* xor kernel for AVX2: the single-pass body of kern_xor.h */
#include "isa_avx2.h"
#include "kern_xor.h"
