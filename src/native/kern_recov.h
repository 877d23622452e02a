/* recov_2data and recov_datap bodies: the survivors' syndrome in registers, then lib/raid6/recov.c's
 * solution, fused in the same pass.
 * Instantiated by the recov_<isa>.c files after their isa_<isa>.h (see kern_common.h). */
#ifndef KERN_RECOV_H
#define KERN_RECOV_H
#include "kern_common.h"

/* raid6_2data_recov fused: dp, dq of the survivors in registers, then
 * D_b = pbmul*(P^dp) ^ qmul*(Q^dq), D_a = D_b ^ P ^ dp */
void KB_SUFFIX(recov_2data)(size_t len, int n, const uint8_t *const *d, int faila, int failb,
			    const uint8_t *P, const uint8_t *Q, uint8_t *da, uint8_t *db)
{
	uint8_t pbc = gf_2data_pbmul(faila, failb), qmc = gf_2data_qmul(faila, failb);
	MULC_T pb = MULC_INIT(pbc), qm = MULC_INIT(qmc);
	size_t i = 0;
	for (; i + KB_STEP <= len; i += KB_STEP) {
		V p[KB_U], q[KB_U];
		kb_synd(d, n, i, 1, p, q);
		for (int u = 0; u < KB_U; u++) {
			size_t o = i + u * VW;
			V px = XOR(p[u], LD(P + o));
			V b = XOR(MULC(pb, px), MULC(qm, XOR(q[u], LD(Q + o))));
			ST(db + o, b);
			ST(da + o, XOR(b, px));
		}
	}
	for (; i + VW <= len; i += VW) {
		V p, q;
		kb_synd1(d, n, i, 1, &p, &q);
		V px = XOR(p, LD(P + i));
		V b = XOR(MULC(pb, px), MULC(qm, XOR(q, LD(Q + i))));
		ST(db + i, b);
		ST(da + i, XOR(b, px));
	}
	if (i < len) {
#ifdef KB_MASKED
		MASK_T m = MASK(len - i);
		V p, q;
		kb_synd_m(d, n, i, m, 1, &p, &q);
		V px = XOR(p, LDM(m, P + i));
		V b = XOR(MULC(pb, px), MULC(qm, XOR(q, LDM(m, Q + i))));
		STM(db + i, m, b);
		STM(da + i, m, XOR(b, px));
#else
		recov_2data_base_range(i, len, n, d, pbc, qmc, P, Q, da, db);
#endif
	}
}

/* raid6_datap_recov fused: D_x = qmul*(Q^dq), P = dp ^ D_x */
void KB_SUFFIX(recov_datap)(size_t len, int n, const uint8_t *const *d, int faila, uint8_t *P,
			    const uint8_t *Q, uint8_t *dx)
{
	uint8_t qmc = gf_datap_qmul(faila);
	MULC_T qm = MULC_INIT(qmc);
	size_t i = 0;
	for (; i + KB_STEP <= len; i += KB_STEP) {
		V p[KB_U], q[KB_U];
		kb_synd(d, n, i, 1, p, q);
		for (int u = 0; u < KB_U; u++) {
			size_t o = i + u * VW;
			V x = MULC(qm, XOR(q[u], LD(Q + o)));
			ST(dx + o, x);
			ST(P + o, XOR(p[u], x));
		}
	}
	for (; i + VW <= len; i += VW) {
		V p, q;
		kb_synd1(d, n, i, 1, &p, &q);
		V x = MULC(qm, XOR(q, LD(Q + i)));
		ST(dx + i, x);
		ST(P + i, XOR(p, x));
	}
	if (i < len) {
#ifdef KB_MASKED
		MASK_T m = MASK(len - i);
		V p, q;
		kb_synd_m(d, n, i, m, 1, &p, &q);
		V x = MULC(qm, XOR(q, LDM(m, Q + i)));
		STM(dx + i, m, x);
		STM(P + i, m, XOR(p, x));
#else
		recov_datap_base_range(i, len, n, d, qmc, P, Q, dx);
#endif
	}
}

#endif
