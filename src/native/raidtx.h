/* raidtx native engine: kernel signatures, GF(2^8) tables and the dispatch tables.
 *
 * Kernels only ever see raw pointers of equal length `len`. Data pointers handed to a kernel are
 * never NULL: the driver (ops.c) substitutes a zero block for NULL members and for the failed
 * members of a recovery. Kernels are free of allocation and of argument checks; record.c checks
 * every argument before anything reaches them. */
#ifndef RAIDTX_H
#define RAIDTX_H

#include <stddef.h>
#include <stdint.h>
#include "contract.h"

/* ---- GF(2^8), polynomial 0x11d, generator {02} (gf.c) ---- */
extern uint8_t gf_exp[512]; /* gf_exp[i] = g^i, doubled so gf_exp[a + b] needs no mod */
extern uint8_t gf_log[256]; /* gf_log[0] is unused */
extern uint8_t gf_inv[256]; /* gf_inv[0] = 0 */
void gf_init(void);
static inline uint8_t gf_mul(uint8_t a, uint8_t b)
{
	return (a && b) ? gf_exp[gf_log[a] + gf_log[b]] : 0;
}
static inline uint8_t gf_mul2(uint8_t a)
{
	return (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1d : 0));
}
/* multiplier constants of lib/raid6/recov.c */
uint8_t gf_2data_pbmul(int faila, int failb); /* raid6_gfexi[failb - faila] */
uint8_t gf_2data_qmul(int faila, int failb);  /* raid6_gfinv[gfexp[faila] ^ gfexp[failb]] */
uint8_t gf_datap_qmul(int faila);             /* raid6_gfinv[gfexp[faila]] */
/* SIMD helpers: products of c with the 16 low nibbles and the 16 high nibbles (for pshufb/tbl) */
void gf_nibble_tables(uint8_t c, uint8_t lo[16], uint8_t hi[16]);
/* 8x8 bit matrix for gf2p8affineqb that multiplies by c in 0x11d (gf2p8mulb would use 0x11b) */
uint64_t gf_affine_matrix(uint8_t c);

/* ---- kernel signatures ---- */

/* dest = src[0] ^ ... ^ src[nsrc-1]; nsrc >= 1; dest may be one of src (same start) */
typedef void (*xor_gen_fn)(size_t len, int nsrc, const uint8_t *const *src, uint8_t *dest);
/* mismatch[g] = 1 if the XOR of src is non-zero in granule g, else 0 (ceil(len/gran) entries);
 * returns 1 if non-zero anywhere. Writes nothing else. */
typedef int (*xor_val_fn)(size_t len, int nsrc, const uint8_t *const *src, size_t gran,
			  uint8_t *mismatch);
/* P = xor of data, Q = sum g^i data[i]; p or q may be NULL (not written, not both);
 * xordst: P ^= .., Q ^= .. */
typedef void (*pq_gen_fn)(size_t len, int n, const uint8_t *const *data, uint8_t *p, uint8_t *q,
			  int xordst);
/* flags[g] = bit0 if P differs in granule g, bit1 if Q differs; returns the OR of all flags.
 * p or q may be NULL (not checked). Writes nothing but flags. */
typedef unsigned (*pq_val_fn)(size_t len, int n, const uint8_t *const *data, const uint8_t *p,
			      const uint8_t *q, size_t gran, uint8_t *flags);
/* data[faila] and data[failb] point at zeros; writes da, db (raid6_2data_recov) */
typedef void (*recov_2data_fn)(size_t len, int n, const uint8_t *const *data, int faila,
			       int failb, const uint8_t *p, const uint8_t *q, uint8_t *da, uint8_t *db);
/* data[faila] points at zeros; writes dx and p (p is not read: raid6_datap_recov) */
typedef void (*recov_datap_fn)(size_t len, int n, const uint8_t *const *data, int faila,
			       uint8_t *p, const uint8_t *q, uint8_t *dx);
typedef void (*memcpy_fn)(uint8_t *dest, const uint8_t *src, size_t len);
typedef void (*memset_fn)(uint8_t *dest, int value, size_t len);

#define RAIDTX_KERNELS(isa)                                                                   \
	void xor_gen_##isa(size_t, int, const uint8_t *const *, uint8_t *);                   \
	int xor_val_##isa(size_t, int, const uint8_t *const *, size_t, uint8_t *);            \
	void pq_gen_##isa(size_t, int, const uint8_t *const *, uint8_t *, uint8_t *, int);    \
	unsigned pq_val_##isa(size_t, int, const uint8_t *const *, const uint8_t *,           \
			      const uint8_t *, size_t, uint8_t *);                            \
	void recov_2data_##isa(size_t, int, const uint8_t *const *, int, int, const uint8_t *, \
			       const uint8_t *, uint8_t *, uint8_t *);                        \
	void recov_datap_##isa(size_t, int, const uint8_t *const *, int, uint8_t *,            \
			       const uint8_t *, uint8_t *);                                   \
	void memcpy_##isa(uint8_t *, const uint8_t *, size_t);                                \
	void memset_##isa(uint8_t *, int, size_t);

RAIDTX_KERNELS(base)
RAIDTX_KERNELS(avx2)
RAIDTX_KERNELS(avx512)
RAIDTX_KERNELS(neon)
/* GFNI (with AVX-512BW) only where a multiply by a constant pays */
void pq_gen_gfni(size_t, int, const uint8_t *const *, uint8_t *, uint8_t *, int);
unsigned pq_val_gfni(size_t, int, const uint8_t *const *, const uint8_t *, const uint8_t *,
		     size_t, uint8_t *);
void recov_2data_gfni(size_t, int, const uint8_t *const *, int, int, const uint8_t *,
		      const uint8_t *, uint8_t *, uint8_t *);
void recov_datap_gfni(size_t, int, const uint8_t *const *, int, uint8_t *, const uint8_t *,
		      uint8_t *);

/* Byte-range versions of the base kernels: SIMD kernels finish their tails with these.
 * They work on bytes [start, end) of every block. */
void xor_gen_base_range(size_t start, size_t end, int nsrc, const uint8_t *const *src,
			uint8_t *dest);
int xor_val_base_range(size_t start, size_t end, int nsrc, const uint8_t *const *src);
void pq_gen_base_range(size_t start, size_t end, int n, const uint8_t *const *data, uint8_t *p,
		       uint8_t *q, int xordst);
unsigned pq_val_base_range(size_t start, size_t end, int n, const uint8_t *const *data,
			   const uint8_t *p, const uint8_t *q);
void recov_2data_base_range(size_t start, size_t end, int n, const uint8_t *const *data,
			    uint8_t pbmul, uint8_t qmul, const uint8_t *p, const uint8_t *q,
			    uint8_t *da, uint8_t *db);
void recov_datap_base_range(size_t start, size_t end, int n, const uint8_t *const *data,
			    uint8_t qmul, uint8_t *p, const uint8_t *q, uint8_t *dx);

/* ---- dispatch (dispatch.c, cpu.c) ---- */
enum raidtx_op {
	OP_XOR,
	OP_XOR_VAL,
	OP_PQ,
	OP_PQ_VAL,
	OP_RECOV_2DATA,
	OP_RECOV_DATAP,
	OP_MEMCPY,
	OP_MEMSET,
	OP_COUNT
};
extern const char *const raidtx_op_names[OP_COUNT];

struct raidtx_kernel {
	const char *name;
	int (*valid)(void);
	void (*fn)(void); /* cast to the op's kernel type */
	int priority;
};

/* CPU features as seen at run time, including OS support for the register state (cpu.c) */
enum {
	CPU_SSE2 = 1 << 0,
	CPU_AVX2 = 1 << 1,
	CPU_AVX512F = 1 << 2,
	CPU_AVX512BW = 1 << 3,
	CPU_AVX512VL = 1 << 4,
	CPU_GFNI = 1 << 5,
	CPU_NEON = 1 << 6,
};
unsigned cpu_features(void);
const char *cpu_feature_name(unsigned bit);

void dispatch_init(void);
/* the op's index in raidtx_op_names, or -1 */
int dispatch_op_index(const char *name);
/* the kernel table of an op; *count receives its length */
const struct raidtx_kernel *dispatch_table(int op, int *count);
const struct raidtx_kernel *dispatch_selected(int op);
/* 0 on success, -1 unknown name, -2 not valid on this CPU; name "auto" restores the choice */
int dispatch_select(int op, const char *name);

/* ---- operations (ops.c): the driver between parsed records and kernels ---- */
struct raidtx_rec {
	int op;
	void (*kernel)(void); /* chosen on the JS thread when the record is parsed */
	size_t len;
	int n;              /* srcs or data members */
	uint8_t **blocks;   /* data: n pointers (NULL = zeros); xor: n + 1, blocks[0] = dest */
	uint8_t *dest, *p, *q, *src;
	int accumulate;     /* xor */
	int xordst;         /* pq */
	size_t gran;        /* val ops */
	uint8_t *flags;     /* xor_val mismatch or pq_val flags, may be NULL */
	int32_t *suspect;   /* pq_val, may be NULL */
	int faila, failb;
	int value;          /* memset */
};
/* runs one validated record; returns the op's result (val bits, else 0) */
int raidtx_execute(const struct raidtx_rec *r);
/* bytes the record reads and writes in all, as the core's recordBytes counts them: what the
 * inline threshold of contract.h is compared with */
uint64_t raidtx_rec_bytes(const struct raidtx_rec *r);

#endif
