/* Portable RAID6 recovery, byte for byte lib/raid6/recov.c, fused into one pass: the syndrome of
 * the surviving members (failed members read as zero: dp, dq) is computed per byte and solved at
 * once, so no scratch pages are needed. */
#include "raidtx.h"

/* raid6_2data_recov: D_b = pbmul*(P^dp) ^ qmul*(Q^dq); D_a = D_b ^ P ^ dp */
void recov_2data_base_range(size_t start, size_t end, int n, const uint8_t *const *data,
			    uint8_t pbmul, uint8_t qmul, const uint8_t *p, const uint8_t *q,
			    uint8_t *da, uint8_t *db)
{
	for (size_t i = start; i < end; i++) {
		uint8_t dp = 0, dq = 0;
		for (int z = n - 1; z >= 0; z--) {
			dq = gf_mul2(dq) ^ data[z][i];
			dp ^= data[z][i];
		}
		uint8_t px = p[i] ^ dp;
		uint8_t b = gf_mul(pbmul, px) ^ gf_mul(qmul, q[i] ^ dq);
		db[i] = b;
		da[i] = b ^ px;
	}
}

/* raid6_datap_recov: D_x = qmul*(Q^dq); P = dp ^ D_x (P is rebuilt, its old content unused) */
void recov_datap_base_range(size_t start, size_t end, int n, const uint8_t *const *data,
			    uint8_t qmul, uint8_t *p, const uint8_t *q, uint8_t *dx)
{
	for (size_t i = start; i < end; i++) {
		uint8_t dp = 0, dq = 0;
		for (int z = n - 1; z >= 0; z--) {
			dq = gf_mul2(dq) ^ data[z][i];
			dp ^= data[z][i];
		}
		uint8_t x = gf_mul(qmul, q[i] ^ dq);
		dx[i] = x;
		p[i] = dp ^ x;
	}
}

void recov_2data_base(size_t len, int n, const uint8_t *const *data, int faila, int failb,
		      const uint8_t *p, const uint8_t *q, uint8_t *da, uint8_t *db)
{
	recov_2data_base_range(0, len, n, data, gf_2data_pbmul(faila, failb),
			       gf_2data_qmul(faila, failb), p, q, da, db);
}

void recov_datap_base(size_t len, int n, const uint8_t *const *data, int faila, uint8_t *p,
		      const uint8_t *q, uint8_t *dx)
{
	recov_datap_base_range(0, len, n, data, gf_datap_qmul(faila), p, q, dx);
}
