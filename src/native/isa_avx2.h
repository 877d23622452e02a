/* AVX2 vector primitives for the kern_<op>.h bodies (built with -mavx2). Tails use the base kernels. */
#include <immintrin.h>
#include "raidtx.h"

#define V __m256i
#define VW 32
#define LD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define ST(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))
#define XOR(a, b) _mm256_xor_si256((a), (b))
#define XOR3(a, b, c) _mm256_xor_si256(_mm256_xor_si256((a), (b)), (c))
#define ORXOR(acc, a, b) _mm256_or_si256((acc), _mm256_xor_si256((a), (b)))
#define ZERO() _mm256_setzero_si256()
#define ANY(v) (!_mm256_testz_si256((v), (v)))

/* 2*q ^ d: blendv picks 0x1d where the top bit of q is set */
static inline __m256i avx2_mul2x(__m256i q, __m256i d)
{
	__m256i carry = _mm256_blendv_epi8(_mm256_setzero_si256(), _mm256_set1_epi8(0x1d), q);
	return _mm256_xor_si256(_mm256_xor_si256(_mm256_add_epi8(q, q), carry), d);
}
#define MUL2X(q, d) avx2_mul2x((q), (d))

typedef struct {
	__m256i lo, hi;
} mulc256_t;
static inline mulc256_t avx2_mulc_init(uint8_t c)
{
	uint8_t lo[16], hi[16];
	gf_nibble_tables(c, lo, hi);
	mulc256_t t;
	t.lo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)lo));
	t.hi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)hi));
	return t;
}
static inline __m256i avx2_mulc(mulc256_t t, __m256i x)
{
	const __m256i m = _mm256_set1_epi8(0x0f);
	__m256i l = _mm256_shuffle_epi8(t.lo, _mm256_and_si256(x, m));
	__m256i h = _mm256_shuffle_epi8(t.hi, _mm256_and_si256(_mm256_srli_epi16(x, 4), m));
	return _mm256_xor_si256(l, h);
}
#define MULC_T mulc256_t
#define MULC_INIT(c) avx2_mulc_init(c)
#define MULC(t, x) avx2_mulc((t), (x))
#define KB_SUFFIX(name) name##_avx2
