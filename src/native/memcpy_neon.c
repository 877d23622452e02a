/* memcpy for NEON (arm64): 4 x 16 bytes per step, the tail by the base kernel */
#if defined(__aarch64__)
#include <arm_neon.h>
#include "raidtx.h"

void memcpy_neon(uint8_t *dest, const uint8_t *src, size_t len)
{
	size_t i = 0;
	for (; i + 64 <= len; i += 64)
		vst1q_u8_x4(dest + i, vld1q_u8_x4(src + i));
	memcpy_base(dest + i, src + i, len - i);
}
#endif
