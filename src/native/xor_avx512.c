/* xor kernel for AVX512: the single-pass body of kern_body.h */
#include "isa_avx512.h"
#define KB_U 8 /* 8 x 64 bytes per source per step: measured a little faster than 4 */

#define KB_WANT_XOR
#include "kern_body.h"
