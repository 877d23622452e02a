/* recov kernels (2data and datap) for AVX2: the single-pass body of kern_recov.h */
#include "isa_avx2.h"
#include "kern_recov.h"
