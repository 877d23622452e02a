/* Kernel tables, one per op, chosen once at load by priority (like lib/raid6/algos.c).
 * The base kernel is always valid and sits in the same table. */
#include <string.h>
#include "raidtx.h"

const char *const raidtx_op_names[OP_COUNT] = {"xor", "xor_val", "pq", "pq_val",
					       "recov_2data", "recov_datap", "memcpy", "memset"};

static int always(void) { return 1; }
#if defined(__x86_64__)
#define HAS(bits) ((cpu_features() & (bits)) == (bits))
static int has_avx2(void) { return HAS(CPU_AVX2); }
static int has_avx512(void) { return HAS(CPU_AVX512F | CPU_AVX512BW | CPU_AVX512VL); }
static int has_gfni(void) { return HAS(CPU_AVX512F | CPU_AVX512BW | CPU_AVX512VL | CPU_GFNI); }
#define X86(op, name, prio) {#name, has_##name, (void (*)(void))op##_##name, prio},
#else
#define X86(op, name, prio)
#endif
#if defined(__aarch64__)
static int has_neon(void) { return (cpu_features() & CPU_NEON) != 0; }
#define NEON(op, prio) {"neon", has_neon, (void (*)(void))op##_neon, prio},
#else
#define NEON(op, prio)
#endif
#define BASE(op) {"base", always, (void (*)(void))op##_base, 0},

/* priorities from `raidtx bench --op OP --kernel NAME` on Zen 5 (higher wins). Plain XOR streams
 * from L2/L3 and the 256-bit kernels measured equal or faster there (and spare older CPUs AVX-512 down-clocking);
 * memset stays with libc's, which was as fast as or faster than the vector loops. */
static const struct raidtx_kernel t_xor[] = {
	BASE(xor_gen) X86(xor_gen, avx2, 25) X86(xor_gen, avx512, 20) NEON(xor_gen, 10)};
static const struct raidtx_kernel t_xor_val[] = {
	BASE(xor_val) X86(xor_val, avx2, 25) X86(xor_val, avx512, 20) NEON(xor_val, 10)};
static const struct raidtx_kernel t_pq[] = {BASE(pq_gen) X86(pq_gen, avx2, 10)
	X86(pq_gen, avx512, 20) X86(pq_gen, gfni, 30) NEON(pq_gen, 10)};
static const struct raidtx_kernel t_pq_val[] = {BASE(pq_val) X86(pq_val, avx2, 10)
	X86(pq_val, avx512, 20) X86(pq_val, gfni, 30) NEON(pq_val, 10)};
static const struct raidtx_kernel t_2data[] = {BASE(recov_2data) X86(recov_2data, avx2, 10)
	X86(recov_2data, avx512, 20) X86(recov_2data, gfni, 30) NEON(recov_2data, 10)};
static const struct raidtx_kernel t_datap[] = {BASE(recov_datap) X86(recov_datap, avx2, 10)
	X86(recov_datap, avx512, 20) X86(recov_datap, gfni, 30) NEON(recov_datap, 10)};
static const struct raidtx_kernel t_memcpy[] = {
	BASE(memcpy) X86(memcpy, avx2, 10) X86(memcpy, avx512, 20) NEON(memcpy, -10)};
static const struct raidtx_kernel t_memset[] = {
	BASE(memset) X86(memset, avx2, -10) X86(memset, avx512, -10) NEON(memset, -10)};

#define N(t) ((int)(sizeof(t) / sizeof((t)[0])))
static const struct {
	const struct raidtx_kernel *t;
	int n;
} tables[OP_COUNT] = {{t_xor, N(t_xor)},       {t_xor_val, N(t_xor_val)}, {t_pq, N(t_pq)},
		      {t_pq_val, N(t_pq_val)}, {t_2data, N(t_2data)},     {t_datap, N(t_datap)},
		      {t_memcpy, N(t_memcpy)}, {t_memset, N(t_memset)}};

/* the kernel each op runs; written on the JS thread only (load, selectKernel) */
static const struct raidtx_kernel *selected[OP_COUNT];

static const struct raidtx_kernel *best(int op)
{
	const struct raidtx_kernel *b = NULL;
	for (int i = 0; i < tables[op].n; i++)
		if (tables[op].t[i].valid() && (!b || tables[op].t[i].priority > b->priority))
			b = &tables[op].t[i];
	return b;
}

void dispatch_init(void)
{
	for (int op = 0; op < OP_COUNT; op++)
		if (!selected[op])
			selected[op] = best(op);
}

int dispatch_op_index(const char *name)
{
	for (int i = 0; i < OP_COUNT; i++)
		if (!strcmp(name, raidtx_op_names[i]))
			return i;
	return -1;
}

const struct raidtx_kernel *dispatch_table(int op, int *count)
{
	*count = tables[op].n;
	return tables[op].t;
}

const struct raidtx_kernel *dispatch_selected(int op)
{
	return selected[op];
}

int dispatch_select(int op, const char *name)
{
	if (!strcmp(name, "auto")) {
		selected[op] = best(op);
		return 0;
	}
	for (int i = 0; i < tables[op].n; i++)
		if (!strcmp(tables[op].t[i].name, name)) {
			if (!tables[op].t[i].valid())
				return -2;
			selected[op] = &tables[op].t[i];
			return 0;
		}
	return -1;
}
