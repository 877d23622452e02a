/* pq_val body: per-granule P/Q difference bits, nothing written but the flags.
 * Instantiated by the pq_val_<isa>.c files after their isa_<isa>.h (see kern_common.h). */
#ifndef KERN_PQ_VAL_H
#define KERN_PQ_VAL_H
#include "kern_common.h"

/* bit0/bit1: P/Q differ somewhere in [start, end) */
KB_INL unsigned kb_pq_val_range(size_t start, size_t end, int n, const uint8_t *const *d,
				const uint8_t *P, const uint8_t *Q, int hp, int hq)
{
	size_t i = start;
	V ap = ZERO(), aq = ZERO();
	for (; i + KB_STEP <= end; i += KB_STEP) {
		V p[KB_U], q[KB_U];
		kb_synd(d, n, i, hp, p, q);
		for (int u = 0; u < KB_U; u++) {
			if (hp)
				ap = ORXOR(ap, p[u], LD(P + i + u * VW));
			if (hq)
				aq = ORXOR(aq, q[u], LD(Q + i + u * VW));
		}
	}
	for (; i + VW <= end; i += VW) {
		V p, q;
		kb_synd1(d, n, i, hp, &p, &q);
		if (hp)
			ap = ORXOR(ap, p, LD(P + i));
		if (hq)
			aq = ORXOR(aq, q, LD(Q + i));
	}
	unsigned bits = (hp && ANY(ap) ? RAIDTX_P_RESULT : 0u) |
			(hq && ANY(aq) ? RAIDTX_Q_RESULT : 0u);
	if (i < end) {
#ifdef KB_MASKED
		MASK_T m = MASK(end - i);
		V p, q;
		kb_synd_m(d, n, i, m, hp, &p, &q);
		if (hp && ANY(XOR(p, LDM(m, P + i))))
			bits |= RAIDTX_P_RESULT;
		if (hq && ANY(XOR(q, LDM(m, Q + i))))
			bits |= RAIDTX_Q_RESULT;
#else
		bits |= pq_val_base_range(i, end, n, d, P, Q);
#endif
	}
	return bits;
}

KB_INL unsigned kb_pq_val(size_t len, int n, const uint8_t *const *d, const uint8_t *P,
			  const uint8_t *Q, size_t gran, uint8_t *flags, int hp, int hq)
{
	unsigned any = 0;
	for (size_t g = 0, start = 0; start < len; g++, start += gran) {
		size_t end = len - start > gran ? start + gran : len;
		flags[g] = (uint8_t)kb_pq_val_range(start, end, n, d, P, Q, hp, hq);
		any |= flags[g];
	}
	return any;
}

unsigned KB_SUFFIX(pq_val)(size_t len, int n, const uint8_t *const *d, const uint8_t *p,
			   const uint8_t *q, size_t gran, uint8_t *flags)
{
	if (p && q)
		return kb_pq_val(len, n, d, p, q, gran, flags, 1, 1);
	if (p)
		return kb_pq_val(len, n, d, p, q, gran, flags, 1, 0);
	return kb_pq_val(len, n, d, p, q, gran, flags, 0, 1);
}

#endif
