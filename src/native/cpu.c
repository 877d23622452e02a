/* CPU features at run time. A vector ISA counts only when the CPU has it AND the OS saves its
 * register state (XCR0 via xgetbv): AVX2 needs XMM|YMM, AVX-512 also opmask and ZMM state. */
#include "raidtx.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t xgetbv0(void)
{
	uint32_t eax, edx;
	__asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
	return ((uint64_t)edx << 32) | eax;
}

static unsigned detect(void)
{
	unsigned a, b, c, d, f = 0;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (d & bit_SSE2)
		f |= CPU_SSE2;
	int osxsave = (c & bit_OSXSAVE) != 0, avx = (c & bit_AVX) != 0;
	if (!osxsave || !avx)
		return f;
	uint64_t xcr0 = xgetbv0();
	int ymm_ok = (xcr0 & 0x6) == 0x6;     /* XMM, YMM */
	int zmm_ok = (xcr0 & 0xe6) == 0xe6;   /* + opmask, ZMM_Hi256, Hi16_ZMM */
	if (!ymm_ok || __get_cpuid_max(0, 0) < 7)
		return f;
	__cpuid_count(7, 0, a, b, c, d);
	if (b & bit_AVX2)
		f |= CPU_AVX2;
	if (zmm_ok) {
		if (b & bit_AVX512F)
			f |= CPU_AVX512F;
		if (b & bit_AVX512BW)
			f |= CPU_AVX512BW;
		if (b & bit_AVX512VL)
			f |= CPU_AVX512VL;
	}
	if (c & bit_GFNI)
		f |= CPU_GFNI;
	return f;
}
#elif defined(__aarch64__)
static unsigned detect(void)
{
	return CPU_NEON; /* Advanced SIMD is mandatory in AArch64 */
}
#else
static unsigned detect(void)
{
	return 0;
}
#endif

unsigned cpu_features(void)
{
	static int done;
	static unsigned f;
	if (!done) { /* first call happens at module load, on the JS thread */
		f = detect();
		done = 1;
	}
	return f;
}

const char *cpu_feature_name(unsigned bit)
{
	switch (bit) {
	case CPU_SSE2: return "sse2";
	case CPU_AVX2: return "avx2";
	case CPU_AVX512F: return "avx512f";
	case CPU_AVX512BW: return "avx512bw";
	case CPU_AVX512VL: return "avx512vl";
	case CPU_GFNI: return "gfni";
	case CPU_NEON: return "neon";
	default: return NULL;
	}
}
