/* The driver between a validated record and its kernel. It hides NULL data blocks and the failed
 * members of a recovery behind a block of zeros (so kernels never see NULL), cuts long val
 * operations into granule groups, and names the suspect member of a pq_val mismatch. Runs on
 * worker threads: raw pointers only, no allocation. */
#include <string.h>
#include "raidtx.h"

#define ZSEG 16384 /* bytes per step when zeros stand in for a member */
static const uint8_t zeros[ZSEG] __attribute__((aligned(64)));

static inline size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ptrs[z] = data[z] + off, or zeros where data[z] is NULL or z is a failed member */
static void offset_ptrs(const uint8_t **ptrs, uint8_t *const *data, int n, size_t off,
			int faila, int failb)
{
	for (int z = 0; z < n; z++)
		ptrs[z] = (data[z] && z != faila && z != failb) ? data[z] + off : zeros;
}

static int has_null(uint8_t *const *data, int n)
{
	for (int z = 0; z < n; z++)
		if (!data[z])
			return 1;
	return 0;
}

static int run_xor_val(const struct raidtx_rec *r)
{
	xor_val_fn f = (xor_val_fn)r->kernel;
	const uint8_t *const *src = (const uint8_t *const *)r->blocks + 1;
	if (r->flags)
		return f(r->len, r->n, src, r->gran, r->flags);
	/* only the answer is wanted: 1 MiB steps, stop at the first difference */
	const uint8_t *ptrs[RAIDTX_MAX_XOR_SRCS];
	for (size_t off = 0; off < r->len; off += (size_t)1 << 20) {
		size_t seg = min_sz((size_t)1 << 20, r->len - off);
		uint8_t m;
		for (int k = 0; k < r->n; k++)
			ptrs[k] = src[k] + off;
		if (f(seg, r->n, ptrs, seg, &m))
			return 1;
	}
	return 0;
}

/* raid6check's verdict for granule [start, end) whose P and Q were both checked */
static int32_t suspect_of(const struct raidtx_rec *r, size_t start, size_t end)
{
	int32_t verdict = RAIDTX_SUSPECT_NONE;
	for (size_t i = start; i < end; i++) {
		uint8_t wp = 0, wq = 0;
		for (int z = r->n - 1; z >= 0; z--) {
			uint8_t x = r->blocks[z] ? r->blocks[z][i] : 0;
			wq = gf_mul2(wq) ^ x;
			wp ^= x;
		}
		uint8_t px = r->p[i] ^ wp, qx = r->q[i] ^ wq;
		int32_t v;
		if (!px && !qx)
			continue;
		if (px && !qx)
			v = RAIDTX_SUSPECT_P;
		else if (!px)
			v = RAIDTX_SUSPECT_Q;
		else {
			int z = ((int)gf_log[qx] - (int)gf_log[px] + 255) % 255;
			v = z < r->n ? z : RAIDTX_SUSPECT_UNKNOWN;
		}
		if (verdict != RAIDTX_SUSPECT_NONE && verdict != v)
			return RAIDTX_SUSPECT_UNKNOWN;
		verdict = v;
		if (v == RAIDTX_SUSPECT_UNKNOWN)
			return RAIDTX_SUSPECT_UNKNOWN;
	}
	return verdict;
}

static void pq_val_post(const struct raidtx_rec *r, size_t g0, size_t cnt, const uint8_t *fl)
{
	if (!r->suspect)
		return;
	for (size_t g = 0; g < cnt; g++) {
		size_t start = (g0 + g) * r->gran, end = min_sz(start + r->gran, r->len);
		int32_t s = RAIDTX_SUSPECT_NONE;
		if (fl[g])
			s = (r->p && r->q) ? suspect_of(r, start, end) : RAIDTX_SUSPECT_UNKNOWN;
		r->suspect[g0 + g] = s;
	}
}

static unsigned run_pq_val(const struct raidtx_rec *r)
{
	pq_val_fn f = (pq_val_fn)r->kernel;
	const uint8_t *ptrs[RAIDTX_MAX_DATA];
	uint8_t fbuf[256];
	int nulls = has_null(r->blocks, r->n);
	size_t len = r->len, gran = r->gran, lim = nulls ? ZSEG : (size_t)1 << 62;
	int answer_only = !r->flags && !r->suspect;
	unsigned want = (r->p ? RAIDTX_P_RESULT : 0u) | (r->q ? RAIDTX_Q_RESULT : 0u), any = 0;
	if (answer_only)
		gran = (size_t)1 << 20; /* any split works; stop early once everything differs */
	size_t ngran = (len + gran - 1) / gran;
	for (size_t g0 = 0; g0 < ngran;) {
		size_t off = g0 * gran, cnt;
		uint8_t *fl;
		if (gran <= lim) {
			cnt = min_sz(lim / gran, ngran - g0);
			if (!r->flags)
				cnt = min_sz(cnt, sizeof fbuf);
			fl = r->flags ? r->flags + g0 : fbuf;
			size_t end = min_sz(off + cnt * gran, len);
			offset_ptrs(ptrs, r->blocks, r->n, off, -1, -1);
			any |= f(end - off, r->n, ptrs, r->p ? r->p + off : NULL,
				 r->q ? r->q + off : NULL, gran, fl);
		} else { /* a granule larger than the zero block: OR its pieces */
			size_t end = min_sz(off + gran, len);
			uint8_t acc = 0, b;
			for (size_t s = off; s < end; s += lim) {
				size_t seg = min_sz(lim, end - s);
				offset_ptrs(ptrs, r->blocks, r->n, s, -1, -1);
				f(seg, r->n, ptrs, r->p ? r->p + s : NULL, r->q ? r->q + s : NULL, seg,
				  &b);
				acc |= b;
			}
			cnt = 1;
			fl = r->flags ? r->flags + g0 : fbuf;
			fl[0] = acc;
			any |= acc;
		}
		pq_val_post(r, g0, cnt, fl);
		g0 += cnt;
		if (answer_only && any == want)
			break;
	}
	return any;
}

static void run_pq(const struct raidtx_rec *r)
{
	pq_gen_fn f = (pq_gen_fn)r->kernel;
	if (!has_null(r->blocks, r->n)) {
		f(r->len, r->n, (const uint8_t *const *)r->blocks, r->p, r->q, r->xordst);
		return;
	}
	const uint8_t *ptrs[RAIDTX_MAX_DATA];
	for (size_t off = 0; off < r->len; off += ZSEG) {
		offset_ptrs(ptrs, r->blocks, r->n, off, -1, -1);
		f(min_sz(ZSEG, r->len - off), r->n, ptrs, r->p ? r->p + off : NULL,
		  r->q ? r->q + off : NULL, r->xordst);
	}
}

static void run_recov(const struct raidtx_rec *r)
{
	const uint8_t *ptrs[RAIDTX_MAX_DATA];
	int two = r->op == OP_RECOV_2DATA;
	uint8_t *da = r->blocks[r->faila], *db = two ? r->blocks[r->failb] : NULL;
	for (size_t off = 0; off < r->len; off += ZSEG) {
		size_t seg = min_sz(ZSEG, r->len - off);
		offset_ptrs(ptrs, r->blocks, r->n, off, r->faila, two ? r->failb : -1);
		if (two)
			((recov_2data_fn)r->kernel)(seg, r->n, ptrs, r->faila, r->failb, r->p + off,
						    r->q + off, da + off, db + off);
		else
			((recov_datap_fn)r->kernel)(seg, r->n, ptrs, r->faila, r->p + off, r->q + off,
						    da + off);
	}
}

int raidtx_execute(const struct raidtx_rec *r)
{
	if (r->len == 0)
		return 0;
	switch (r->op) {
	case OP_XOR:
		if (r->accumulate) /* blocks[0] is dest: dest ^= srcs */
			((xor_gen_fn)r->kernel)(r->len, r->n + 1, (const uint8_t *const *)r->blocks,
						r->dest);
		else
			((xor_gen_fn)r->kernel)(r->len, r->n, (const uint8_t *const *)r->blocks + 1,
						r->dest);
		return 0;
	case OP_XOR_VAL:
		return run_xor_val(r);
	case OP_PQ:
		run_pq(r);
		return 0;
	case OP_PQ_VAL:
		return (int)run_pq_val(r);
	case OP_RECOV_2DATA:
	case OP_RECOV_DATAP:
		run_recov(r);
		return 0;
	case OP_MEMCPY:
		if (r->dest == r->src)
			return 0;
		if (r->dest < r->src + r->len && r->src < r->dest + r->len)
			memmove(r->dest, r->src, r->len); /* overlapping views of one buffer */
		else
			((memcpy_fn)r->kernel)(r->dest, r->src, r->len);
		return 0;
	case OP_MEMSET:
		((memset_fn)r->kernel)(r->dest, r->value, r->len);
		return 0;
	}
	return 0;
}

uint64_t raidtx_rec_bytes(const struct raidtx_rec *r)
{
	uint64_t len = r->len;
	switch (r->op) {
	case OP_XOR:
		return len * (uint64_t)(r->n + 1); /* dest and srcs */
	case OP_XOR_VAL:
		return len * (uint64_t)r->n;
	case OP_PQ:
	case OP_PQ_VAL:
	case OP_RECOV_2DATA:
	case OP_RECOV_DATAP:
		return len * (uint64_t)(r->n + 2); /* data, P and Q */
	case OP_MEMCPY:
		return len * 2;
	}
	return len; /* memset */
}
