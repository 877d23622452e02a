/* Portable XOR: the specification the SIMD kernels are judged against (like ISA-L raid_base.c). */
#include "raidtx.h"

/* dest[i] = src[0][i] ^ ... ^ src[nsrc-1][i] for start <= i < end */
void xor_gen_base_range(size_t start, size_t end, int nsrc, const uint8_t *const *src,
			uint8_t *dest)
{
	for (size_t i = start; i < end; i++) {
		uint8_t x = 0;
		for (int s = 0; s < nsrc; s++)
			x ^= src[s][i];
		dest[i] = x;
	}
}

void xor_gen_base(size_t len, int nsrc, const uint8_t *const *src, uint8_t *dest)
{
	xor_gen_base_range(0, len, nsrc, src, dest);
}
