/* What every single-pass kernel body shares (kern_xor.h, kern_pq.h, ...): the step size and the
 * syndrome of U vectors of every member, folded in registers.
 *
 * The including <op>_<isa>.c file first includes its isa_<isa>.h, which defines the vector
 * primitives: V (vector type), VW (bytes), KB_SUFFIX(name), LD(p), ST(p, v), XOR(a, b),
 * XOR3(a, b, c), ORXOR(acc, a, b) = acc | (a ^ b), ZERO(), ANY(v) (non-zero?), MUL2X(q, d) = 2*q ^ d,
 * MULC_T (state type of a constant multiplier), MULC_INIT(c) -> MULC_T, MULC(t, x) = c*x.
 * Optional KB_MASKED: MASK_T, MASK(nbytes), LDM(m, p), STM(p, m, v) for tails; otherwise tails
 * run the base kernels' byte loops. Each kernel makes a single pass: U vectors of every member are
 * loaded, folded into P (xor) and Q (Horner: Q = 2*Q ^ D_z from the top member down) in registers,
 * and the result is stored, compared (val) or solved (recovery) before the next U vectors are read. */
#ifndef KERN_COMMON_H
#define KERN_COMMON_H
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

#endif
