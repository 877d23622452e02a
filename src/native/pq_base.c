/* Portable RAID6 syndrome (lib/raid6/int.uc, one byte at a time):
 * P = D_0 ^ ... ^ D_{n-1}; Q = g^0 D_0 ^ ... ^ g^{n-1} D_{n-1}, by Horner's rule from the top. */
#include "raidtx.h"

void pq_gen_base_range(size_t start, size_t end, int n, const uint8_t *const *data, uint8_t *p,
		       uint8_t *q, int xordst)
{
	for (size_t i = start; i < end; i++) {
		uint8_t wp = 0, wq = 0;
		for (int z = n - 1; z >= 0; z--) {
			wq = gf_mul2(wq) ^ data[z][i];
			wp ^= data[z][i];
		}
		if (p)
			p[i] = xordst ? p[i] ^ wp : wp;
		if (q)
			q[i] = xordst ? q[i] ^ wq : wq;
	}
}

void pq_gen_base(size_t len, int n, const uint8_t *const *data, uint8_t *p, uint8_t *q, int xordst)
{
	pq_gen_base_range(0, len, n, data, p, q, xordst);
}
