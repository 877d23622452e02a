/* pq kernel for NEON (arm64): the single-pass body of kern_pq.h */
#if defined(__aarch64__)
#include "isa_neon.h"
#include "kern_pq.h"
#endif
