/* GFNI + AVX-512BW primitives (compiled with -mgfni -mavx512f -mavx512bw -mavx512vl) */
#define ISA_GFNI
#include "isa_avx512.h"
