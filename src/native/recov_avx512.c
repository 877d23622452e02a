/* recov kernels (2data and datap) for AVX512: the single-pass body of kern_recov.h */
#include "isa_avx512.h"
#include "kern_recov.h"
