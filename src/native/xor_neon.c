/* xor kernel for NEON (arm64): the single-pass body of kern_xor.h */
#if defined(__aarch64__)
#include "isa_neon.h"
#include "kern_xor.h"
#endif
