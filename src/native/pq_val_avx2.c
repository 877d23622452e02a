/* pq_val kernel for AVX2: the single-pass body of kern_pq_val.h */
#include "isa_avx2.h"
#include "kern_pq_val.h"
