/* AVX-512BW primitives for the kern_<op>.h bodies (built with -mavx512f -mavx512bw -mavx512vl).
 * Multiply by 2 in 0x11d: bytes with the top bit set get 0x1d xored in after the add (the
 * compare/mask/xor of lib/raid6/avx512.c); constant multiplies use pshufb nibble tables. */
#include <immintrin.h>
#include "raidtx.h"

#define V __m512i
#define VW 64
#define LD(p) _mm512_loadu_si512((const void *)(p))
#define ST(p, v) _mm512_storeu_si512((void *)(p), (v))
#define XOR(a, b) _mm512_xor_si512((a), (b))
#define XOR3(a, b, c) _mm512_ternarylogic_epi64((a), (b), (c), 0x96)
#define ORXOR(acc, a, b) _mm512_ternarylogic_epi64((acc), (a), (b), 0xf6)
#define ZERO() _mm512_setzero_si512()
#define ANY(v) (_mm512_test_epi64_mask((v), (v)) != 0)

#define KB_MASKED
#define MASK_T __mmask64
#define MASK(nb) ((nb) >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (nb)) - 1))
#define LDM(m, p) _mm512_maskz_loadu_epi8((m), (const void *)(p))
#define STM(p, m, v) _mm512_mask_storeu_epi8((void *)(p), (m), (v))

#ifndef ISA_GFNI
static inline __m512i avx512_mul2x(__m512i q, __m512i d)
{
	const __m512i poly = _mm512_set1_epi8(0x1d);
	__m512i carry = _mm512_maskz_mov_epi8(_mm512_movepi8_mask(q), poly);
	return _mm512_ternarylogic_epi64(_mm512_add_epi8(q, q), carry, d, 0x96);
}
#define MUL2X(q, d) avx512_mul2x((q), (d))

typedef struct {
	__m512i lo, hi;
} mulc512_t;
static inline mulc512_t avx512_mulc_init(uint8_t c)
{
	uint8_t lo[16], hi[16];
	gf_nibble_tables(c, lo, hi);
	mulc512_t t;
	t.lo = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)lo));
	t.hi = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)hi));
	return t;
}
static inline __m512i avx512_mulc(mulc512_t t, __m512i x)
{
	const __m512i m = _mm512_set1_epi8(0x0f);
	__m512i l = _mm512_shuffle_epi8(t.lo, _mm512_and_si512(x, m));
	__m512i h = _mm512_shuffle_epi8(t.hi, _mm512_and_si512(_mm512_srli_epi16(x, 4), m));
	return _mm512_xor_si512(l, h);
}
#define MULC_T mulc512_t
#define MULC_INIT(c) avx512_mulc_init(c)
#define MULC(t, x) avx512_mulc((t), (x))
#define KB_SUFFIX(name) name##_avx512
#else
/* GFNI: one gf2p8affineqb with the 8x8 bit matrix of "multiply by c" in 0x11d */
#define GF_MATRIX_MUL2 0x8001828488102040ULL /* gf_affine_matrix(2) */
#define MUL2X(q, d)                                                                         \
	_mm512_xor_si512(                                                                   \
	    _mm512_gf2p8affine_epi64_epi8((q), _mm512_set1_epi64((long long)GF_MATRIX_MUL2), 0), \
	    (d))
#define MULC_T __m512i
#define MULC_INIT(c) _mm512_set1_epi64((long long)gf_affine_matrix(c))
#define MULC(t, x) _mm512_gf2p8affine_epi64_epi8((x), (t), 0)
#define KB_SUFFIX(name) name##_gfni
#endif
