/* memset for AVX512: 4 vector stores per step, the tail by the base kernel. */
#include <immintrin.h>
#include "raidtx.h"

void memset_avx512(uint8_t *dest, int value, size_t len)
{
	const __m512i v = _mm512_set1_epi8((char)value);
	size_t i = 0;
	for (; i + 4 * 64 <= len; i += 4 * 64) {
		_mm512_storeu_si512((void *)(dest + i), v);
		_mm512_storeu_si512((void *)(dest + i + 64), v);
		_mm512_storeu_si512((void *)(dest + i + 2 * 64), v);
		_mm512_storeu_si512((void *)(dest + i + 3 * 64), v);
	}
	for (; i + 64 <= len; i += 64)
		_mm512_storeu_si512((void *)(dest + i), v);
	memset_base(dest + i, value, len - i);
}
