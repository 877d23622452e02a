/* pq kernel for AVX512: the single-pass body of kern_pq.h */
#include "isa_avx512.h"
#include "kern_pq.h"
