/* memcpy for AVX2: 4 vectors per step, the tail by the base kernel. Overlapping views never
 * get here (ops.c sends them to memmove). */
#include <immintrin.h>
#include "raidtx.h"

void memcpy_avx2(uint8_t *dest, const uint8_t *src, size_t len)
{
	size_t i = 0;
	for (; i + 4 * 32 <= len; i += 4 * 32) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(src + i));
		__m256i b = _mm256_loadu_si256((const __m256i *)(src + i + 32));
		__m256i c = _mm256_loadu_si256((const __m256i *)(src + i + 2 * 32));
		__m256i d = _mm256_loadu_si256((const __m256i *)(src + i + 3 * 32));
		_mm256_storeu_si256((__m256i *)(dest + i), a);
		_mm256_storeu_si256((__m256i *)(dest + i + 32), b);
		_mm256_storeu_si256((__m256i *)(dest + i + 2 * 32), c);
		_mm256_storeu_si256((__m256i *)(dest + i + 3 * 32), d);
	}
	for (; i + 32 <= len; i += 32)
		_mm256_storeu_si256((__m256i *)(dest + i), _mm256_loadu_si256((const __m256i *)(src + i)));
	memcpy_base(dest + i, src + i, len - i);
}
