/* pq_val kernel for NEON (arm64): the single-pass body of kern_body.h */
#if defined(__aarch64__)
#include "isa_neon.h"
#define KB_WANT_PQ_VAL
#include "kern_body.h"
#endif
