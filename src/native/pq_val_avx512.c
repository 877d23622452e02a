/* pq_val kernel for AVX512: the single-pass body of kern_pq_val.h */
#include "isa_avx512.h"
#include "kern_pq_val.h"
