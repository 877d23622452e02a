/* pq kernel for AVX2: the single-pass body of kern_pq.h */
#include "isa_avx2.h"
#include "kern_pq.h"
