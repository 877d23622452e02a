/* NEON (AArch64 Advanced SIMD) primitives for the kern_<op>.h bodies. Tails use the base kernels. */
#include <arm_neon.h>
#include "raidtx.h"

#define V uint8x16_t
#define VW 16
#define KB_U 8 /* 8 x 16 bytes per member per step */
#define LD(p) vld1q_u8((const uint8_t *)(p))
#define ST(p, v) vst1q_u8((uint8_t *)(p), (v))
#define XOR(a, b) veorq_u8((a), (b))
#define XOR3(a, b, c) veorq_u8(veorq_u8((a), (b)), (c))
#define ORXOR(acc, a, b) vorrq_u8((acc), veorq_u8((a), (b)))
#define ZERO() vdupq_n_u8(0)
#define ANY(v) (vmaxvq_u8(v) != 0)

/* 2*q ^ d: the arithmetic shift right by 7 makes 0xff of bytes whose top bit is set */
static inline uint8x16_t neon_mul2x(uint8x16_t q, uint8x16_t d)
{
	uint8x16_t carry = vandq_u8(vreinterpretq_u8_s8(vshrq_n_s8(vreinterpretq_s8_u8(q), 7)),
				    vdupq_n_u8(0x1d));
	return veorq_u8(veorq_u8(vshlq_n_u8(q, 1), carry), d);
}
#define MUL2X(q, d) neon_mul2x((q), (d))

typedef struct {
	uint8x16_t lo, hi;
} mulc128_t;
static inline mulc128_t neon_mulc_init(uint8_t c)
{
	uint8_t lo[16], hi[16];
	gf_nibble_tables(c, lo, hi);
	mulc128_t t;
	t.lo = vld1q_u8(lo);
	t.hi = vld1q_u8(hi);
	return t;
}
static inline uint8x16_t neon_mulc(mulc128_t t, uint8x16_t x)
{
	return veorq_u8(vqtbl1q_u8(t.lo, vandq_u8(x, vdupq_n_u8(0x0f))),
			vqtbl1q_u8(t.hi, vshrq_n_u8(x, 4)));
}
#define MULC_T mulc128_t
#define MULC_INIT(c) neon_mulc_init(c)
#define MULC(t, x) neon_mulc((t), (x))
#define KB_SUFFIX(name) name##_neon
