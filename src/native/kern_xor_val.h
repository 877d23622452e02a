/* xor_val body: per-granule "is the XOR of the sources non-zero", OR-accumulated in registers.
 * Instantiated by the xor_val_<isa>.c files after their isa_<isa>.h (see kern_common.h). */
#ifndef KERN_XOR_VAL_H
#define KERN_XOR_VAL_H
#include "kern_common.h"

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
