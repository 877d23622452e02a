/* xor_gen body: dest = src[0] ^ ... ^ src[nsrc-1], XOR3 folding two sources per load step.
 * Instantiated by the xor_<isa>.c files after their isa_<isa>.h (see kern_common.h). */
#ifndef KERN_XOR_H
#define KERN_XOR_H
#include "kern_common.h"

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
