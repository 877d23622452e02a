/* pq_gen body: P and Q in one pass; p or q may be NULL, xordst folds into the existing P/Q.
 * Instantiated by the pq_<isa>.c files after their isa_<isa>.h (see kern_common.h). */
#ifndef KERN_PQ_H
#define KERN_PQ_H
#include "kern_common.h"

KB_INL void kb_pq(size_t len, int n, const uint8_t *const *d, uint8_t *P, uint8_t *Q, int hp,
		  int hq, int xd)
{
	size_t i = 0;
	for (; i + KB_STEP <= len; i += KB_STEP) {
		V p[KB_U], q[KB_U];
		kb_synd(d, n, i, hp, p, q);
		for (int u = 0; u < KB_U; u++) {
			if (hp)
				ST(P + i + u * VW, xd ? XOR(p[u], LD(P + i + u * VW)) : p[u]);
			if (hq)
				ST(Q + i + u * VW, xd ? XOR(q[u], LD(Q + i + u * VW)) : q[u]);
		}
	}
	for (; i + VW <= len; i += VW) {
		V p, q;
		kb_synd1(d, n, i, hp, &p, &q);
		if (hp)
			ST(P + i, xd ? XOR(p, LD(P + i)) : p);
		if (hq)
			ST(Q + i, xd ? XOR(q, LD(Q + i)) : q);
	}
	if (i < len) {
#ifdef KB_MASKED
		MASK_T m = MASK(len - i);
		V p, q;
		kb_synd_m(d, n, i, m, hp, &p, &q);
		if (hp)
			STM(P + i, m, xd ? XOR(p, LDM(m, P + i)) : p);
		if (hq)
			STM(Q + i, m, xd ? XOR(q, LDM(m, Q + i)) : q);
#else
		pq_gen_base_range(i, len, n, d, P, Q, xd);
#endif
	}
}

void KB_SUFFIX(pq_gen)(size_t len, int n, const uint8_t *const *d, uint8_t *p, uint8_t *q,
		       int xordst)
{
	if (p && q)
		xordst ? kb_pq(len, n, d, p, q, 1, 1, 1) : kb_pq(len, n, d, p, q, 1, 1, 0);
	else if (p)
		xordst ? kb_pq(len, n, d, p, q, 1, 0, 1) : kb_pq(len, n, d, p, q, 1, 0, 0);
	else
		xordst ? kb_pq(len, n, d, p, q, 0, 1, 1) : kb_pq(len, n, d, p, q, 0, 1, 0);
}

#endif
