/* memset for AVX2: 4 vector stores per step, the tail by the base kernel. */
#include <immintrin.h>
#include "raidtx.h"

void memset_avx2(uint8_t *dest, int value, size_t len)
{
	const __m256i v = _mm256_set1_epi8((char)value);
	size_t i = 0;
	for (; i + 4 * 32 <= len; i += 4 * 32) {
		_mm256_storeu_si256((__m256i *)(dest + i), v);
		_mm256_storeu_si256((__m256i *)(dest + i + 32), v);
		_mm256_storeu_si256((__m256i *)(dest + i + 2 * 32), v);
		_mm256_storeu_si256((__m256i *)(dest + i + 3 * 32), v);
	}
	for (; i + 32 <= len; i += 32)
		_mm256_storeu_si256((__m256i *)(dest + i), v);
	memset_base(dest + i, value, len - i);
}
