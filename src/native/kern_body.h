/* One SIMD body for the XOR and RAID6 kernels, instantiated per ISA by the <op>_<isa>.c files.
 *
 * The including file defines the vector primitives, then includes this file once per op with
 * KB_WANT_<OP> set. Each kernel makes a single pass: U vectors of every member are loaded, folded
 * into P (xor) and Q (Horner: Q = 2*Q ^ D_z from the top member down) in registers, and the result
 * is stored, compared (val) or solved (recovery) before the next U vectors are read.
 *
 * Required: V (vector type), VW (bytes), KB_SUFFIX(name), LD(p), ST(p, v), XOR(a, b), XOR3(a, b, c),
 * ORXOR(acc, a, b) = acc | (a ^ b), ZERO(), ANY(v) (non-zero?), MUL2X(q, d) = 2*q ^ d, MULC_T (state type
 * of a constant multiplier), MULC_INIT(c) -> MULC_T, MULC(t, x) = c*x.
 * Optional KB_MASKED: MASK_T, MASK(nbytes), LDM(m, p), STM(p, m, v) for tails; otherwise tails
 * run the base kernels' byte loops. */
#include "raidtx.h"

#ifndef KB_U
#define KB_U 4 /* vectors per member per step */
#endif
#define KB_INL static inline __attribute__((always_inline))
#define KB_STEP (KB_U * VW)

/* P and Q of U vectors at byte i (wantp = 0 leaves p unused) */
KB_INL void kb_synd(const uint8_t *const *d, int n, size_t i, int wantp, V *p, V *q)
{
	const uint8_t *s = d[n - 1] + i;
	for (int u = 0; u < KB_U; u++)
		p[u] = q[u] = LD(s + u * VW);
	for (int z = n - 2; z >= 0; z--) {
		s = d[z] + i;
		for (int u = 0; u < KB_U; u++) {
			V x = LD(s + u * VW);
			q[u] = MUL2X(q[u], x);
			if (wantp)
				p[u] = XOR(p[u], x);
		}
	}
}

/* one vector at byte i (the loops after the unrolled one) */
KB_INL void kb_synd1(const uint8_t *const *d, int n, size_t i, int wantp, V *p, V *q)
{
	V wp, wq;
	wp = wq = LD(d[n - 1] + i);
	for (int z = n - 2; z >= 0; z--) {
		V x = LD(d[z] + i);
		wq = MUL2X(wq, x);
		if (wantp)
			wp = XOR(wp, x);
	}
	*p = wp;
	*q = wq;
}

#ifdef KB_MASKED
KB_INL void kb_synd_m(const uint8_t *const *d, int n, size_t i, MASK_T m, int wantp, V *p, V *q)
{
	V wp, wq;
	wp = wq = LDM(m, d[n - 1] + i);
	for (int z = n - 2; z >= 0; z--) {
		V x = LDM(m, d[z] + i);
		wq = MUL2X(wq, x);
		if (wantp)
			wp = XOR(wp, x);
	}
	*p = wp;
	*q = wq;
}
#endif

#ifdef KB_WANT_XOR
KB_INL void kb_xor(size_t len, int nsrc, const uint8_t *const *src, uint8_t *dest)
{
	size_t i = 0;
	for (; i + KB_STEP <= len; i += KB_STEP) {
		V a[KB_U];
		const uint8_t *s = src[0] + i;
		for (int u = 0; u < KB_U; u++)
			a[u] = LD(s + u * VW);
		int k = 1;
		for (; k + 1 < nsrc; k += 2) {
			const uint8_t *s1 = src[k] + i, *s2 = src[k + 1] + i;
			for (int u = 0; u < KB_U; u++)
				a[u] = XOR3(a[u], LD(s1 + u * VW), LD(s2 + u * VW));
		}
		if (k < nsrc) {
			s = src[k] + i;
			for (int u = 0; u < KB_U; u++)
				a[u] = XOR(a[u], LD(s + u * VW));
		}
		for (int u = 0; u < KB_U; u++)
			ST(dest + i + u * VW, a[u]);
	}
	for (; i + VW <= len; i += VW) {
		V a = LD(src[0] + i);
		for (int k = 1; k < nsrc; k++)
			a = XOR(a, LD(src[k] + i));
		ST(dest + i, a);
	}
	if (i < len) {
#ifdef KB_MASKED
		MASK_T m = MASK(len - i);
		V a = LDM(m, src[0] + i);
		for (int k = 1; k < nsrc; k++)
			a = XOR(a, LDM(m, src[k] + i));
		STM(dest + i, m, a);
#else
		xor_gen_base_range(i, len, nsrc, src, dest);
#endif
	}
}

void KB_SUFFIX(xor_gen)(size_t len, int nsrc, const uint8_t *const *src, uint8_t *dest)
{
	kb_xor(len, nsrc, src, dest);
}
#endif

#ifdef KB_WANT_XOR_VAL
/* 1 if the XOR of the sources is non-zero in [start, end) */
KB_INL int kb_xor_val_range(size_t start, size_t end, int nsrc, const uint8_t *const *src)
{
	size_t i = start;
	V acc[KB_U];
	for (int u = 0; u < KB_U; u++)
		acc[u] = ZERO();
	for (; i + KB_STEP <= end; i += KB_STEP) {
		V a[KB_U];
		for (int u = 0; u < KB_U; u++)
			a[u] = LD(src[0] + i + u * VW);
		int k = 1;
		for (; k + 1 < nsrc; k += 2) {
			const uint8_t *s1 = src[k] + i, *s2 = src[k + 1] + i;
			for (int u = 0; u < KB_U; u++)
				a[u] = XOR3(a[u], LD(s1 + u * VW), LD(s2 + u * VW));
		}
		if (k < nsrc)
			for (int u = 0; u < KB_U; u++)
				acc[u] = ORXOR(acc[u], a[u], LD(src[k] + i + u * VW));
		else
			for (int u = 0; u < KB_U; u++)
				acc[u] = ORXOR(acc[u], a[u], ZERO());
	}
	for (; i + VW <= end; i += VW) {
		V a = LD(src[0] + i);
		for (int k = 1; k < nsrc - 1; k++)
			a = XOR(a, LD(src[k] + i));
		acc[0] = ORXOR(acc[0], a, LD(src[nsrc - 1] + i));
	}
	int any = 0;
	for (int u = 0; u < KB_U; u++)
		any |= ANY(acc[u]);
	if (i < end && !any) {
#ifdef KB_MASKED
		MASK_T m = MASK(end - i);
		V a = LDM(m, src[0] + i);
		for (int k = 1; k < nsrc; k++)
			a = XOR(a, LDM(m, src[k] + i));
		any = ANY(a);
#else
		any = xor_val_base_range(i, end, nsrc, src);
#endif
	}
	return any;
}

int KB_SUFFIX(xor_val)(size_t len, int nsrc, const uint8_t *const *src, size_t gran,
		       uint8_t *mismatch)
{
	int any = 0;
	for (size_t g = 0, start = 0; start < len; g++, start += gran) {
		size_t end = len - start > gran ? start + gran : len;
		mismatch[g] = (uint8_t)kb_xor_val_range(start, end, nsrc, src);
		any |= mismatch[g];
	}
	return any;
}
#endif

#ifdef KB_WANT_PQ
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

#ifdef KB_WANT_PQ_VAL
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
	unsigned bits = (hp && ANY(ap) ? 1u : 0u) | (hq && ANY(aq) ? 2u : 0u);
	if (i < end) {
#ifdef KB_MASKED
		MASK_T m = MASK(end - i);
		V p, q;
		kb_synd_m(d, n, i, m, hp, &p, &q);
		if (hp && ANY(XOR(p, LDM(m, P + i))))
			bits |= 1;
		if (hq && ANY(XOR(q, LDM(m, Q + i))))
			bits |= 2;
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

#ifdef KB_WANT_RECOV
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
