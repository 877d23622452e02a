/* recov kernels (2data and datap) for NEON (arm64): the single-pass body of kern_recov.h */
#if defined(__aarch64__)
#include "isa_neon.h"
#include "kern_recov.h"
#endif
