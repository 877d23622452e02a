/* pq kernel for AVX512: the single-pass body of kern_body.h */
#include "isa_avx512.h"
#define KB_WANT_PQ
#include "kern_body.h"
