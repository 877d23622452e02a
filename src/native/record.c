/* A JS op record -> struct raidtx_rec. Every field is checked again here (the TypeScript core
 * already did), with messages that name the field and the broken rule, so that a kernel only ever
 * sees raw pointers of equal length. The limits come from contract.h. */
#include <stdlib.h>
#include <string.h>
#include "binding.h"

/* granularity and the optional per-granule output arrays of the val ops */
static int parse_gran(struct pctx *c, napi_value rec, struct raidtx_rec *r, const char *outname,
		      int with_suspect)
{
	napi_value v;
	int64_t g;
	void *p;
	size_t n;
	if (get_prop(c, rec, "granularity", &v) ||
	    integer(c, v, "granularity", 1, 9007199254740991.0, &g))
		return -1;
	r->gran = (size_t)g;
	uint64_t need = r->len ? (r->len - 1) / r->gran + 1 : 0;
	if (get_prop(c, rec, outname, &v) || typed(c, v, outname, napi_uint8_array, 1, &p, &n))
		return -1;
	r->flags = p;
	if (p && n < need)
		return fail(c->e, E_RANGE, "%s: %s.length (%zu) < ceil(len / granularity) (%llu)",
			    c->op, outname, n, (unsigned long long)need);
	if (with_suspect) {
		if (get_prop(c, rec, "suspect", &v) ||
		    typed(c, v, "suspect", napi_int32_array, 1, &p, &n))
			return -1;
		r->suspect = p;
		if (p && n < need)
			return fail(c->e, E_RANGE,
				    "%s: suspect.length (%zu) < ceil(len / granularity) (%llu)", c->op,
				    n, (unsigned long long)need);
	}
	return 0;
}

/* data, p, q of pq / pq_val / recov_*: p and q nullable only for pq and pq_val */
static int parse_pq_blocks(struct pctx *c, napi_value rec, struct raidtx_rec *r, int pq_nullable)
{
	napi_value v;
	void *p, *q;
	size_t lp, lq, *lens = NULL;
	uint32_t n;
	if (get_prop(c, rec, "p", &v) || typed(c, v, "p", napi_uint8_array, pq_nullable, &p, &lp))
		return -1;
	if (get_prop(c, rec, "q", &v) || typed(c, v, "q", napi_uint8_array, pq_nullable, &q, &lq))
		return -1;
	if (!p && !q)
		return fail(c->e, E_TYPE, "%s: p and q are both null", c->op);
	r->p = p;
	r->q = q;
	r->len = p ? lp : lq;
	if (p && q && same_len(c, "q", lq, lp))
		return -1;
	if (get_prop(c, rec, "data", &v))
		return -1;
	int rc = block_array(c, v, "data", RAIDTX_MIN_DATA, RAIDTX_MAX_DATA, 1, &r->blocks, &n,
			     &lens, 0);
	if (!rc)
		rc = check_block_lens(c, "data", lens, n, 0, r->len);
	free(lens);
	r->n = (int)n;
	return rc;
}

/* xor: dest, accumulate, 1.. srcs (blocks[0] is dest, for accumulate) */
static int parse_xor(struct pctx *c, napi_value rec, struct raidtx_rec *r)
{
	napi_value v;
	void *p;
	size_t n, *lens = NULL;
	uint32_t cnt;
	if (get_prop(c, rec, "dest", &v) || typed(c, v, "dest", napi_uint8_array, 0, &p, &n))
		return -1;
	r->dest = p;
	r->len = n;
	if (get_prop(c, rec, "accumulate", &v) || boolean(c, v, "accumulate", &r->accumulate))
		return -1;
	if (get_prop(c, rec, "srcs", &v))
		return -1;
	int rc = block_array(c, v, "srcs", 1, RAIDTX_MAX_XOR_SRCS, 0, &r->blocks, &cnt, &lens, 1);
	if (!rc)
		rc = check_block_lens(c, "srcs", lens, cnt, 1, r->len);
	free(lens);
	if (rc)
		return -1;
	r->n = (int)cnt;
	r->blocks[0] = r->dest;
	return 0;
}

/* xor_val: 2.. srcs of one length (from blocks[1]), granularity, mismatch */
static int parse_xor_val(struct pctx *c, napi_value rec, struct raidtx_rec *r)
{
	napi_value v;
	size_t *lens = NULL;
	uint32_t cnt;
	if (get_prop(c, rec, "srcs", &v))
		return -1;
	if (block_array(c, v, "srcs", 2, RAIDTX_MAX_XOR_SRCS, 0, &r->blocks, &cnt, &lens, 1)) {
		free(lens);
		return -1;
	}
	r->n = (int)cnt;
	r->len = lens[1];
	int rc = check_block_lens(c, "srcs", lens, cnt, 1, r->len);
	free(lens);
	return rc ? -1 : parse_gran(c, rec, r, "mismatch", 0);
}

/* a failed member's index; its block must exist, it receives the result */
static int parse_fail(struct pctx *c, napi_value rec, const char *field, int *out)
{
	napi_value v;
	int64_t k;
	if (get_prop(c, rec, field, &v) || integer(c, v, field, 0, RAIDTX_MAX_DATA, &k))
		return -1;
	*out = (int)k;
	return 0;
}

static int check_fail(struct pctx *c, struct raidtx_rec *r, const char *field, int x)
{
	if (x >= r->n)
		return fail(c->e, E_RANGE, "%s: %s (%d) must be < data.length (%d)", c->op, field, x,
			    r->n);
	if (!r->blocks[x])
		return fail(c->e, E_TYPE,
			    "%s: data[%d] (%s) must not be null: it receives the result", c->op, x,
			    field);
	return 0;
}

static int parse_recov(struct pctx *c, napi_value rec, struct raidtx_rec *r)
{
	if (parse_pq_blocks(c, rec, r, 0) || parse_fail(c, rec, "faila", &r->faila))
		return -1;
	if (r->op == OP_RECOV_2DATA) {
		if (parse_fail(c, rec, "failb", &r->failb))
			return -1;
		if (r->faila >= r->failb)
			return fail(c->e, E_RANGE, "%s: faila (%d) must be < failb (%d)", c->op,
				    r->faila, r->failb);
		if (check_fail(c, r, "failb", r->failb))
			return -1;
	}
	return check_fail(c, r, "faila", r->faila);
}

static int parse_mem(struct pctx *c, napi_value rec, struct raidtx_rec *r)
{
	napi_value v;
	void *p;
	size_t n;
	int64_t k;
	if (get_prop(c, rec, "dest", &v) || typed(c, v, "dest", napi_uint8_array, 0, &p, &n))
		return -1;
	r->dest = p;
	r->len = n;
	if (r->op == OP_MEMCPY) {
		if (get_prop(c, rec, "src", &v) || typed(c, v, "src", napi_uint8_array, 0, &p, &n))
			return -1;
		r->src = p;
		return same_len(c, "src", n, r->len);
	}
	if (get_prop(c, rec, "value", &v) || integer(c, v, "value", 0, 255, &k))
		return -1;
	r->value = (int)k;
	return 0;
}

int parse_record(struct pctx *c, napi_value rec, struct raidtx_rec *r)
{
	napi_value v;
	char opname[16];
	size_t oplen;
	memset(r, 0, sizeof *r);
	c->op = "record";
	if (type_of(c->env, rec) != napi_object)
		return fail(c->e, E_TYPE, "record must be an object");
	if (get_prop(c, rec, "op", &v))
		return -1;
	if (type_of(c->env, v) != napi_string)
		return fail(c->e, E_TYPE, "record.op must be a string");
	napi_get_value_string_utf8(c->env, v, opname, sizeof opname, &oplen);
	r->op = oplen < sizeof opname - 1 ? dispatch_op_index(opname) : -1;
	if (r->op < 0)
		return fail(c->e, E_TYPE, "record.op: unknown op \"%s%s\"", opname,
			    oplen >= sizeof opname - 1 ? "..." : "");
	c->op = raidtx_op_names[r->op];
	r->kernel = dispatch_selected(r->op)->fn;
	r->faila = r->failb = -1;

	switch (r->op) {
	case OP_XOR:
		return parse_xor(c, rec, r);
	case OP_XOR_VAL:
		return parse_xor_val(c, rec, r);
	case OP_PQ:
		if (parse_pq_blocks(c, rec, r, 1))
			return -1;
		return get_prop(c, rec, "xorDst", &v) || boolean(c, v, "xorDst", &r->xordst) ? -1 : 0;
	case OP_PQ_VAL:
		return parse_pq_blocks(c, rec, r, 1) ? -1 : parse_gran(c, rec, r, "flags", 1);
	case OP_RECOV_2DATA:
	case OP_RECOV_DATAP:
		return parse_recov(c, rec, r);
	case OP_MEMCPY:
	case OP_MEMSET:
		return parse_mem(c, rec, r);
	}
	return fail(c->e, E_TYPE, "record.op: unknown op");
}
