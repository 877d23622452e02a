/* xor kernel for AVX512: the single-pass body of kern_xor.h */
#include "isa_avx512.h"
#define KB_U 8 /* 8 x 64 bytes per source per step: measured a little faster than 4 */

#include "kern_xor.h"
