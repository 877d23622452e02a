/* xor kernel for NEON (arm64): the single-pass body of kern_body.h */
#if defined(__aarch64__)
#include "isa_neon.h"
#define KB_WANT_XOR
#include "kern_body.h"
#endif
