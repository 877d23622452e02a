/* Portable RAID6 syndrome check: recompute P and Q byte by byte and compare; never writes a block. */
#include "raidtx.h"

/* bit0: P differs somewhere in [start, end); bit1: Q differs (a NULL p or q is not checked) */
unsigned pq_val_base_range(size_t start, size_t end, int n, const uint8_t *const *data,
			   const uint8_t *p, const uint8_t *q)
{
	unsigned bits = 0;
	for (size_t i = start; i < end; i++) {
		uint8_t wp = 0, wq = 0;
		for (int z = n - 1; z >= 0; z--) {
			wq = gf_mul2(wq) ^ data[z][i];
			wp ^= data[z][i];
		}
		if (p && p[i] != wp)
			bits |= RAIDTX_P_RESULT;
		if (q && q[i] != wq)
			bits |= RAIDTX_Q_RESULT;
	}
	return bits;
}

unsigned pq_val_base(size_t len, int n, const uint8_t *const *data, const uint8_t *p,
		     const uint8_t *q, size_t gran, uint8_t *flags)
{
	unsigned any = 0;
	for (size_t g = 0, start = 0; start < len; g++, start += gran) {
		size_t end = len - start > gran ? start + gran : len;
		flags[g] = (uint8_t)pq_val_base_range(start, end, n, data, p, q);
		any |= flags[g];
	}
	return any;
}
