/* GF(2^8) arithmetic with the RAID6 polynomial 0x11d and generator {02} (lib/raid6/mktables.c). */
#include "raidtx.h"

uint8_t gf_exp[512];
uint8_t gf_log[256];
uint8_t gf_inv[256];

/* Fills the tables; idempotent, and called once at module load before any worker exists. */
void gf_init(void)
{
	unsigned x = 1;
	for (int i = 0; i < 255; i++) {
		gf_exp[i] = gf_exp[i + 255] = (uint8_t)x;
		gf_log[x] = (uint8_t)i;
		x = gf_mul2((uint8_t)x);
	}
	gf_exp[510] = gf_exp[0];
	gf_exp[511] = gf_exp[1];
	gf_log[0] = 0;
	gf_inv[0] = 0;
	for (int a = 1; a < 256; a++)
		gf_inv[a] = gf_exp[(255 - gf_log[a]) % 255];
}

uint8_t gf_2data_pbmul(int faila, int failb)
{
	return gf_inv[gf_exp[failb - faila] ^ 1];
}

uint8_t gf_2data_qmul(int faila, int failb)
{
	return gf_inv[gf_exp[faila] ^ gf_exp[failb]];
}

uint8_t gf_datap_qmul(int faila)
{
	return gf_inv[gf_exp[faila]];
}

void gf_nibble_tables(uint8_t c, uint8_t lo[16], uint8_t hi[16])
{
	for (int i = 0; i < 16; i++) {
		lo[i] = gf_mul(c, (uint8_t)i);
		hi[i] = gf_mul(c, (uint8_t)(i << 4));
	}
}

/* gf2p8affineqb: result bit i of each byte = parity(matrix byte (7 - i) & x). For y = c * x the
 * row of output bit i holds bit j when bit i of c * 2^j is set. */
uint64_t gf_affine_matrix(uint8_t c)
{
	uint64_t m = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t row = 0;
		for (int j = 0; j < 8; j++)
			if (gf_mul(c, (uint8_t)(1u << j)) & (1u << i))
				row |= (uint8_t)(1u << j);
		m |= (uint64_t)row << (8 * (7 - i));
	}
	return m;
}
