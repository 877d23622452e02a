/* Portable XOR check: is src[0] ^ ... ^ src[nsrc-1] zero? Reads only. */
#include "raidtx.h"

/* 1 if the XOR of the sources is non-zero somewhere in [start, end) */
int xor_val_base_range(size_t start, size_t end, int nsrc, const uint8_t *const *src)
{
	for (size_t i = start; i < end; i++) {
		uint8_t x = 0;
		for (int s = 0; s < nsrc; s++)
			x ^= src[s][i];
		if (x)
			return 1;
	}
	return 0;
}

int xor_val_base(size_t len, int nsrc, const uint8_t *const *src, size_t gran, uint8_t *mismatch)
{
	int any = 0;
	for (size_t g = 0, start = 0; start < len; g++, start += gran) {
		size_t end = len - start > gran ? start + gran : len;
		mismatch[g] = (uint8_t)xor_val_base_range(start, end, nsrc, src);
		any |= mismatch[g];
	}
	return any;
}
