/* memset for NEON (arm64): 4 x 16 bytes per step, the tail by the base kernel */
#if defined(__aarch64__)
#include <arm_neon.h>
#include "raidtx.h"

void memset_neon(uint8_t *dest, int value, size_t len)
{
	uint8x16x4_t v = {{vdupq_n_u8((uint8_t)value), vdupq_n_u8((uint8_t)value),
			   vdupq_n_u8((uint8_t)value), vdupq_n_u8((uint8_t)value)}};
	size_t i = 0;
	for (; i + 64 <= len; i += 64)
		vst1q_u8_x4(dest + i, v);
	memset_base(dest + i, value, len - i);
}
#endif
