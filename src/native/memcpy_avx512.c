/* memcpy for AVX512: 4 vectors per step, the tail by the base kernel. Overlapping views never
 * get here (ops.c sends them to memmove). */
#include <immintrin.h>
#include "raidtx.h"

void memcpy_avx512(uint8_t *dest, const uint8_t *src, size_t len)
{
	size_t i = 0;
	for (; i + 4 * 64 <= len; i += 4 * 64) {
		__m512i a = _mm512_loadu_si512((const void *)(src + i));
		__m512i b = _mm512_loadu_si512((const void *)(src + i + 64));
		__m512i c = _mm512_loadu_si512((const void *)(src + i + 2 * 64));
		__m512i d = _mm512_loadu_si512((const void *)(src + i + 3 * 64));
		_mm512_storeu_si512((void *)(dest + i), a);
		_mm512_storeu_si512((void *)(dest + i + 64), b);
		_mm512_storeu_si512((void *)(dest + i + 2 * 64), c);
		_mm512_storeu_si512((void *)(dest + i + 3 * 64), d);
	}
	for (; i + 64 <= len; i += 64)
		_mm512_storeu_si512((void *)(dest + i), _mm512_loadu_si512((const void *)(src + i)));
	memcpy_base(dest + i, src + i, len - i);
}
