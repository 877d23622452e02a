/* Node-API glue of the raidtx native engine.
 *
 * Every record is checked again here (64-bit arithmetic, messages that name the field and the
 * broken rule) and turned into a plain struct raidtx_rec of raw pointers before any kernel runs.
 * run() holds a napi_ref on every typed array of the batch until the batch has completed on a
 * pool worker (pool.c) and its promise is resolved; the worker only sees raw pointers. */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>
#include "pool.h"
#include "raidtx.h"

#define MAX_SRCS 1024
#define MIN_DATA 2
#define MAX_DATA 253
/* records per run(): bounds the allocation a hostile length could ask for */
#define MAX_BATCH 65536

/* ---- errors: collected while parsing, thrown (runSync) or rejected (run) afterwards ---- */
enum { E_NONE, E_TYPE, E_RANGE, E_JS, E_NOMEM };
struct perr {
	int kind;
	char msg[320];
};

static int fail(struct perr *e, int kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->kind = kind;
	return -1;
}

/* a Node-API call failed: usually a JS exception (a throwing getter) is pending */
static int napi_fail(napi_env env, struct perr *e, const char *what)
{
	bool pending = false;
	napi_is_exception_pending(env, &pending);
	if (pending) {
		e->kind = E_JS;
		return -1;
	}
	return fail(e, E_TYPE, "%s", what);
}

/* ---- parse context: the record being read and the references a batch must hold ---- */
struct refs {
	napi_ref *v;
	size_t n, cap;
};

struct pctx {
	napi_env env;
	const char *op; /* field names in messages start with it */
	struct refs *refs; /* NULL for runSync: nothing outlives the call */
	struct perr *e;
};

static int hold(struct pctx *c, napi_value v)
{
	if (!c->refs)
		return 0;
	struct refs *r = c->refs;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		napi_ref *nv = realloc(r->v, cap * sizeof *nv);
		if (!nv)
			return fail(c->e, E_NOMEM, "out of memory");
		r->v = nv;
		r->cap = cap;
	}
	if (napi_create_reference(c->env, v, 1, &r->v[r->n]) != napi_ok)
		return napi_fail(c->env, c->e, "cannot reference a buffer");
	r->n++;
	return 0;
}

static void release_refs(napi_env env, struct refs *r)
{
	for (size_t i = 0; i < r->n; i++)
		napi_delete_reference(env, r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

static int get_prop(struct pctx *c, napi_value obj, const char *name, napi_value *out)
{
	if (napi_get_named_property(c->env, obj, name, out) != napi_ok)
		return napi_fail(c->env, c->e, "cannot read a field");
	return 0;
}

static napi_valuetype type_of(napi_env env, napi_value v)
{
	napi_valuetype t = napi_undefined;
	napi_typeof(env, v, &t);
	return t;
}

/* a typed array of the wanted type (or null when nullable); *ptr NULL for null */
static int typed(struct pctx *c, napi_value v, const char *field, napi_typedarray_type want,
		 int nullable, void **ptr, size_t *len)
{
	const char *tname = want == napi_uint8_array ? "Uint8Array" : "Int32Array";
	bool is = false;
	*ptr = NULL;
	*len = 0;
	if (nullable && type_of(c->env, v) == napi_null)
		return 0;
	napi_is_typedarray(c->env, v, &is);
	napi_typedarray_type t;
	size_t n;
	void *data;
	if (!is || napi_get_typedarray_info(c->env, v, &t, &n, &data, NULL, NULL) != napi_ok ||
	    t != want)
		return fail(c->e, E_TYPE, "%s: %s must be a %s%s", c->op, field, tname,
			    nullable ? " or null" : "");
	if (hold(c, v))
		return -1;
	static uint8_t empty[1];
	/* data already includes byteOffset; an empty view may report NULL but is not a null block */
	*ptr = data ? data : (void *)empty;
	*len = data ? n : 0;
	return 0;
}

/* an integer in [lo, hi]; NaN, fractions, infinities and non-numbers are rejected */
static int integer(struct pctx *c, napi_value v, const char *field, double lo, double hi,
		   int64_t *out)
{
	double d;
	if (type_of(c->env, v) != napi_number)
		return fail(c->e, E_TYPE, "%s: %s must be a number", c->op, field);
	napi_get_value_double(c->env, v, &d);
	if (d != d)
		return fail(c->e, E_RANGE, "%s: %s must be an integer in %.0f..%.0f (got NaN)", c->op,
			    field, lo, hi);
	if (!(d >= lo && d <= hi) || d != (double)(int64_t)d)
		return fail(c->e, E_RANGE, "%s: %s must be an integer in %.0f..%.0f (got %g)", c->op,
			    field, lo, hi, d);
	*out = (int64_t)d;
	return 0;
}

static int boolean(struct pctx *c, napi_value v, const char *field, int *out)
{
	bool b;
	if (type_of(c->env, v) != napi_boolean)
		return fail(c->e, E_TYPE, "%s: %s must be a boolean", c->op, field);
	napi_get_value_bool(c->env, v, &b);
	*out = b;
	return 0;
}

/* a view's length must equal the operation's length */
static int same_len(struct pctx *c, const char *field, size_t n, size_t len)
{
	if (n != len)
		return fail(c->e, E_RANGE, "%s: %s.length (%zu) != len (%zu)", c->op, field, n, len);
	return 0;
}

/* reads a JS array of Uint8Array (nullable entries allowed if nullable) into out[0..count) */
static int block_array(struct pctx *c, napi_value arr, const char *field, uint32_t lo,
		       uint32_t hi, int nullable, uint8_t ***out, uint32_t *count, size_t **lens,
		       int reserve0)
{
	bool is = false;
	napi_is_array(c->env, arr, &is);
	if (!is)
		return fail(c->e, E_TYPE, "%s: %s must be an array", c->op, field);
	uint32_t n;
	napi_get_array_length(c->env, arr, &n);
	if (n < lo || n > hi) {
		if (n < lo && !strcmp(field, "srcs"))
			return fail(c->e, E_RANGE, "%s: need >= %u src%s (got %u)", c->op, lo,
				    lo > 1 ? "s" : "", n);
		return fail(c->e, E_RANGE, "%s: %s has %u members, must be %u..%u", c->op, field, n,
			    lo, hi);
	}
	uint8_t **b = calloc((size_t)n + 1, sizeof *b);
	size_t *l = calloc((size_t)n + 1, sizeof *l);
	if (!b || !l) {
		free(b);
		free(l);
		return fail(c->e, E_NOMEM, "out of memory");
	}
	*out = b;
	*lens = l;
	*count = n;
	for (uint32_t i = 0; i < n; i++) {
		napi_value v;
		char name[48];
		snprintf(name, sizeof name, "%s[%u]", field, i);
		if (napi_get_element(c->env, arr, i, &v) != napi_ok)
			return napi_fail(c->env, c->e, "cannot read an element");
		void *p;
		if (typed(c, v, name, napi_uint8_array, nullable, &p, &l[i + reserve0]))
			return -1;
		b[i + reserve0] = p;
		if (nullable && type_of(c->env, v) == napi_null)
			l[i + reserve0] = (size_t)-1; /* marks null */
	}
	return 0;
}

static int check_block_lens(struct pctx *c, const char *field, uint8_t **b, size_t *l,
			    uint32_t n, int base, size_t len)
{
	char name[48];
	for (uint32_t i = 0; i < n; i++) {
		if (l[i + base] == (size_t)-1)
			continue;
		snprintf(name, sizeof name, "%s[%u]", field, i);
		if (same_len(c, name, l[i + base], len))
			return -1;
		(void)b;
	}
	return 0;
}

static int op_index(const char *s)
{
	for (int i = 0; i < OP_COUNT; i++)
		if (!strcmp(s, raidtx_op_names[i]))
			return i;
	return -1;
}

/* granularity and the optional per-granule output arrays of the val ops */
static int parse_gran(struct pctx *c, napi_value rec, struct raidtx_rec *r, const char *outname,
		      int with_suspect)
{
	napi_value v;
	int64_t g;
	void *p;
	size_t n;
	if (get_prop(c, rec, "granularity", &v) || integer(c, v, "granularity", 1, 9007199254740991.0, &g))
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
	int rc = block_array(c, v, "data", MIN_DATA, MAX_DATA, 1, &r->blocks, &n, &lens, 0);
	if (!rc)
		rc = check_block_lens(c, "data", r->blocks, lens, n, 0, r->len);
	free(lens);
	r->n = (int)n;
	return rc;
}

static int parse_record(struct pctx *c, napi_value rec, struct raidtx_rec *r)
{
	napi_value v;
	char opname[16];
	size_t oplen;
	void *p;
	size_t n, *lens = NULL;
	uint32_t cnt;
	int64_t k;
	memset(r, 0, sizeof *r);
	c->op = "record";
	napi_valuetype t = type_of(c->env, rec);
	if (t != napi_object)
		return fail(c->e, E_TYPE, "record must be an object");
	if (get_prop(c, rec, "op", &v))
		return -1;
	if (type_of(c->env, v) != napi_string)
		return fail(c->e, E_TYPE, "record.op must be a string");
	napi_get_value_string_utf8(c->env, v, opname, sizeof opname, &oplen);
	r->op = oplen < sizeof opname - 1 ? op_index(opname) : -1;
	if (r->op < 0)
		return fail(c->e, E_TYPE, "record.op: unknown op \"%s%s\"", opname,
			    oplen >= sizeof opname - 1 ? "..." : "");
	c->op = raidtx_op_names[r->op];
	r->kernel = dispatch_selected(r->op)->fn;
	r->faila = r->failb = -1;

	switch (r->op) {
	case OP_XOR:
		if (get_prop(c, rec, "dest", &v) || typed(c, v, "dest", napi_uint8_array, 0, &p, &n))
			return -1;
		r->dest = p;
		r->len = n;
		if (get_prop(c, rec, "accumulate", &v) || boolean(c, v, "accumulate", &r->accumulate))
			return -1;
		if (get_prop(c, rec, "srcs", &v))
			return -1;
		if (block_array(c, v, "srcs", 1, MAX_SRCS, 0, &r->blocks, &cnt, &lens, 1) ||
		    check_block_lens(c, "srcs", r->blocks, lens, cnt, 1, r->len)) {
			free(lens);
			return -1;
		}
		free(lens);
		r->n = (int)cnt;
		r->blocks[0] = r->dest;
		return 0;
	case OP_XOR_VAL:
		if (get_prop(c, rec, "srcs", &v))
			return -1;
		if (block_array(c, v, "srcs", 2, MAX_SRCS, 0, &r->blocks, &cnt, &lens, 1)) {
			free(lens);
			return -1;
		}
		r->n = (int)cnt;
		r->len = lens[1];
		if (check_block_lens(c, "srcs", r->blocks, lens, cnt, 1, r->len)) {
			free(lens);
			return -1;
		}
		free(lens);
		return parse_gran(c, rec, r, "mismatch", 0);
	case OP_PQ:
		if (parse_pq_blocks(c, rec, r, 1))
			return -1;
		if (get_prop(c, rec, "xorDst", &v) || boolean(c, v, "xorDst", &r->xordst))
			return -1;
		return 0;
	case OP_PQ_VAL:
		if (parse_pq_blocks(c, rec, r, 1))
			return -1;
		return parse_gran(c, rec, r, "flags", 1);
	case OP_RECOV_2DATA:
	case OP_RECOV_DATAP:
		if (parse_pq_blocks(c, rec, r, 0))
			return -1;
		if (get_prop(c, rec, "faila", &v) || integer(c, v, "faila", 0, MAX_DATA, &k))
			return -1;
		r->faila = (int)k;
		if (r->op == OP_RECOV_2DATA) {
			if (get_prop(c, rec, "failb", &v) || integer(c, v, "failb", 0, MAX_DATA, &k))
				return -1;
			r->failb = (int)k;
			if (r->faila >= r->failb)
				return fail(c->e, E_RANGE, "%s: faila (%d) must be < failb (%d)", c->op,
					    r->faila, r->failb);
			if (r->failb >= r->n)
				return fail(c->e, E_RANGE,
					    "%s: failb (%d) must be < data.length (%d)", c->op,
					    r->failb, r->n);
			if (!r->blocks[r->failb])
				return fail(c->e, E_TYPE,
					    "%s: data[%d] (failb) must not be null: it receives the result",
					    c->op, r->failb);
		}
		if (r->faila >= r->n)
			return fail(c->e, E_RANGE, "%s: faila (%d) must be < data.length (%d)", c->op,
				    r->faila, r->n);
		if (!r->blocks[r->faila])
			return fail(c->e, E_TYPE,
				    "%s: data[%d] (faila) must not be null: it receives the result",
				    c->op, r->faila);
		return 0;
	case OP_MEMCPY:
		if (get_prop(c, rec, "dest", &v) || typed(c, v, "dest", napi_uint8_array, 0, &p, &n))
			return -1;
		r->dest = p;
		r->len = n;
		if (get_prop(c, rec, "src", &v) || typed(c, v, "src", napi_uint8_array, 0, &p, &n))
			return -1;
		r->src = p;
		return same_len(c, "src", n, r->len);
	case OP_MEMSET:
		if (get_prop(c, rec, "dest", &v) || typed(c, v, "dest", napi_uint8_array, 0, &p, &n))
			return -1;
		r->dest = p;
		r->len = n;
		if (get_prop(c, rec, "value", &v) || integer(c, v, "value", 0, 255, &k))
			return -1;
		r->value = (int)k;
		return 0;
	}
	return fail(c->e, E_TYPE, "record.op: unknown op");
}

/* the error of a failed parse as a JS value (a pending JS exception is taken over) */
static napi_value error_value(napi_env env, struct perr *e, const char *prefix)
{
	napi_value err = NULL, msg;
	if (e->kind == E_JS) {
		napi_get_and_clear_last_exception(env, &err);
		return err;
	}
	char buf[400];
	snprintf(buf, sizeof buf, "%s%s", prefix, e->msg);
	napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &msg);
	if (e->kind == E_RANGE)
		napi_create_range_error(env, NULL, msg, &err);
	else if (e->kind == E_TYPE)
		napi_create_type_error(env, NULL, msg, &err);
	else
		napi_create_error(env, NULL, msg, &err);
	return err;
}

static napi_value throw_perr(napi_env env, struct perr *e)
{
	if (e->kind != E_JS)
		napi_throw(env, error_value(env, e, ""));
	return NULL;
}

/* ---- runSync(record) -> number ---- */
static napi_value run_sync(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], out;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	struct perr e = {0};
	struct pctx c = {env, "runSync", NULL, &e};
	struct raidtx_rec r;
	if (argc < 1) {
		fail(&e, E_TYPE, "runSync: need a record");
		return throw_perr(env, &e);
	}
	int rc = parse_record(&c, argv[0], &r);
	if (rc) {
		free(r.blocks);
		return throw_perr(env, &e);
	}
	int result = raidtx_execute(&r);
	free(r.blocks);
	napi_create_int32(env, result, &out);
	return out;
}

/* ---- run(records) -> Promise<Int32Array> on a pool worker (pool.c) ---- */

/* per environment (main thread or a worker_thread): the way back to JS and a count of batches
 * on workers, which the environment's teardown waits for (the buffers must outlive them) */
struct envstate {
	napi_threadsafe_function tsfn;
	uint32_t pending; /* JS thread only: keeps the loop alive while batches are out */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int inflight; /* under mu */
};

/* run() batches touching at most this many bytes run inline (env RAIDTX_INLINE_BYTES, 0 = never) */
static uint64_t inline_bytes = 65536;

struct job {
	struct pool_task task; /* first: the pool hands it back */
	struct envstate *st;
	napi_deferred deferred;
	uint32_t count;
	struct raidtx_rec *recs;
	int32_t *results;
	struct refs refs;
};

static void job_free_raw(struct job *j)
{
	if (j->recs)
		for (uint32_t i = 0; i < j->count; i++)
			free(j->recs[i].blocks);
	free(j->recs);
	free(j->results);
	free(j->refs.v);
	free(j);
}

static void job_free(napi_env env, struct job *j)
{
	release_refs(env, &j->refs);
	job_free_raw(j);
}

static void job_run(struct pool_task *t)
{
	struct job *j = (struct job *)t; /* worker thread: raw pointers only */
	for (uint32_t i = 0; i < j->count; i++)
		j->results[i] = raidtx_execute(&j->recs[i]);
}

static void job_done(struct pool_task *t)
{
	struct job *j = (struct job *)t;
	struct envstate *st = j->st; /* j may be freed by the JS thread once queued */
	if (napi_call_threadsafe_function(st->tsfn, j, napi_tsfn_nonblocking) != napi_ok)
		job_free_raw(j); /* the environment is closing: no JS left to resolve */
	pthread_mutex_lock(&st->mu);
	if (--st->inflight == 0)
		pthread_cond_broadcast(&st->cv);
	pthread_mutex_unlock(&st->mu);
}

/* JS thread: resolve the batch's promise with its results, drop its references, free it */
static void resolve_job(napi_env env, struct job *j)
{
	napi_value ab, arr;
	void *mem = NULL;
	napi_create_arraybuffer(env, (size_t)j->count * 4, &mem, &ab);
	if (j->count && mem)
		memcpy(mem, j->results, (size_t)j->count * 4);
	napi_create_typedarray(env, napi_int32_array, j->count, ab, 0, &arr);
	napi_resolve_deferred(env, j->deferred, arr);
	job_free(env, j);
}

/* JS thread: a batch came back from a worker */
static void job_complete(napi_env env, napi_value cb, void *context, void *data)
{
	(void)cb;
	struct envstate *st = context;
	struct job *j = data;
	if (!env) { /* teardown: free the memory, the references die with the environment */
		job_free_raw(j);
		return;
	}
	resolve_job(env, j);
	if (--st->pending == 0)
		napi_unref_threadsafe_function(env, st->tsfn);
}

/* environment teardown: wait until no worker still uses this environment's buffers */
static void env_cleanup(void *arg)
{
	struct envstate *st = arg;
	pthread_mutex_lock(&st->mu);
	while (st->inflight)
		pthread_cond_wait(&st->cv, &st->mu);
	pthread_mutex_unlock(&st->mu);
	/* st itself stays allocated: node finalises the tsfn after this hook (small, once per env) */
}

static napi_value run_async(napi_env env, napi_callback_info info)
{
	size_t argc = 1;
	napi_value argv[1], promise;
	struct envstate *st;
	napi_get_cb_info(env, info, &argc, argv, NULL, (void **)&st);
	struct job *j = calloc(1, sizeof *j);
	if (!j) {
		napi_throw_error(env, NULL, "out of memory");
		return NULL;
	}
	j->st = st;
	j->task.run = job_run;
	j->task.done = job_done;
	if (napi_create_promise(env, &j->deferred, &promise) != napi_ok) {
		free(j);
		return NULL;
	}
	struct perr e = {0};
	struct pctx c = {env, "run", &j->refs, &e};
	char prefix[48] = "";
	bool is = false;
	if (argc >= 1)
		napi_is_array(env, argv[0], &is);
	if (!is) {
		fail(&e, E_TYPE, "run: records must be an array of op records");
		goto reject;
	}
	napi_get_array_length(env, argv[0], &j->count);
	if (j->count > MAX_BATCH) {
		fail(&e, E_RANGE, "run: records.length (%u) must be <= %u", j->count, (unsigned)MAX_BATCH);
		goto reject;
	}
	j->recs = calloc(j->count ? j->count : 1, sizeof *j->recs);
	j->results = calloc(j->count ? j->count : 1, sizeof *j->results);
	if (!j->recs || !j->results) {
		fail(&e, E_NOMEM, "out of memory");
		goto reject;
	}
	for (uint32_t i = 0; i < j->count; i++) {
		napi_value rec;
		if (napi_get_element(env, argv[0], i, &rec) != napi_ok) {
			napi_fail(env, &e, "cannot read a record");
			goto reject;
		}
		if (parse_record(&c, rec, &j->recs[i])) {
			snprintf(prefix, sizeof prefix, "records[%u]: ", i);
			goto reject;
		}
	}
	/* a batch that touches little memory finishes sooner than a thread wake-up (~8 us each way
	 * measured here): run it now, on this thread; the promise still settles asynchronously */
	uint64_t work = 0;
	for (uint32_t i = 0; i < j->count; i++)
		work += (uint64_t)j->recs[i].len * (uint64_t)(j->recs[i].n + 2);
	if (work <= inline_bytes) {
		job_run(&j->task);
		resolve_job(env, j);
		return promise;
	}
	pthread_mutex_lock(&st->mu);
	st->inflight++;
	pthread_mutex_unlock(&st->mu);
	if (st->pending++ == 0)
		napi_ref_threadsafe_function(env, st->tsfn);
	if (pool_submit(&j->task)) {
		pthread_mutex_lock(&st->mu);
		st->inflight--;
		pthread_mutex_unlock(&st->mu);
		if (--st->pending == 0)
			napi_unref_threadsafe_function(env, st->tsfn);
		fail(&e, E_NOMEM, "run: cannot start a worker thread");
		goto reject;
	}
	return promise;
reject:
	napi_reject_deferred(env, j->deferred, error_value(env, &e, prefix));
	job_free(env, j);
	return promise;
}

/* ---- introspection and kernel choice ---- */
static napi_value cpu_features_js(napi_env env, napi_callback_info info)
{
	(void)info;
	napi_value arr, s;
	napi_create_array(env, &arr);
	uint32_t k = 0;
	unsigned f = cpu_features();
	for (unsigned bit = 1; bit; bit <<= 1) {
		const char *name = cpu_feature_name(bit);
		if (name && (f & bit)) {
			napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &s);
			napi_set_element(env, arr, k++, s);
		}
	}
	return arr;
}

static napi_value kernels_js(napi_env env, napi_callback_info info)
{
	(void)info;
	napi_value out, entry, valid, s;
	napi_create_object(env, &out);
	for (int op = 0; op < OP_COUNT; op++) {
		int n;
		const struct raidtx_kernel *t = dispatch_table(op, &n);
		napi_create_object(env, &entry);
		napi_create_string_utf8(env, dispatch_selected(op)->name, NAPI_AUTO_LENGTH, &s);
		napi_set_named_property(env, entry, "selected", s);
		napi_create_array(env, &valid);
		uint32_t k = 0;
		for (int i = 0; i < n; i++)
			if (t[i].valid()) {
				napi_create_string_utf8(env, t[i].name, NAPI_AUTO_LENGTH, &s);
				napi_set_element(env, valid, k++, s);
			}
		napi_set_named_property(env, entry, "valid", valid);
		napi_set_named_property(env, out, raidtx_op_names[op], entry);
	}
	return out;
}

static napi_value select_kernel_js(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2];
	char op[32], name[32];
	size_t lo, ln;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	if (argc < 2 || type_of(env, argv[0]) != napi_string ||
	    type_of(env, argv[1]) != napi_string) {
		napi_throw_type_error(env, NULL, "selectKernel: op and name must be strings");
		return NULL;
	}
	napi_get_value_string_utf8(env, argv[0], op, sizeof op, &lo);
	napi_get_value_string_utf8(env, argv[1], name, sizeof name, &ln);
	int idx = lo < sizeof op - 1 ? op_index(op) : -1;
	if (idx < 0) {
		char msg[96];
		snprintf(msg, sizeof msg, "selectKernel: unknown op \"%s\"", op);
		napi_throw_type_error(env, NULL, msg);
		return NULL;
	}
	int rc = ln < sizeof name - 1 ? dispatch_select(idx, name) : -1;
	if (rc) {
		char msg[160];
		snprintf(msg, sizeof msg, rc == -1 ? "selectKernel: %s has no kernel \"%s\""
						   : "selectKernel: kernel \"%s\" of %s is not "
						     "valid on this CPU",
			 rc == -1 ? op : name, rc == -1 ? name : op);
		napi_throw_range_error(env, NULL, msg);
	}
	return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init_once(void)
{
	/* The pool's threads live as long as the process; node dlclose()s an addon when the last
	 * environment that loaded it (e.g. a worker_thread) goes away, which would unmap code they run.
	 * A second handle with RTLD_NODELETE keeps this library mapped for good. */
	Dl_info self;
	if (dladdr((void *)&init_once, &self) && self.dli_fname)
		dlopen(self.dli_fname, RTLD_NOW | RTLD_NODELETE);
	const char *ib = getenv("RAIDTX_INLINE_BYTES");
	if (ib && *ib)
		inline_bytes = strtoull(ib, NULL, 10);
	gf_init();
	cpu_features();
	dispatch_init();
}

NAPI_MODULE_INIT()
{
	pthread_once(&once, init_once);
	napi_value name;
	struct envstate *st = calloc(1, sizeof *st);
	if (!st) {
		napi_throw_error(env, NULL, "raidtx: out of memory");
		return NULL;
	}
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	napi_create_string_utf8(env, "raidtx.run", NAPI_AUTO_LENGTH, &name);
	if (napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, st,
					    job_complete, &st->tsfn) != napi_ok) {
		free(st);
		napi_throw_error(env, NULL, "raidtx: cannot create the completion channel");
		return NULL;
	}
	napi_unref_threadsafe_function(env, st->tsfn); /* ref'd only while batches are out */
	/* added after the tsfn, so it runs before node tears the tsfn down (hooks run in reverse) */
	napi_add_env_cleanup_hook(env, env_cleanup, st);
	napi_property_descriptor props[] = {
	    {"runSync", NULL, run_sync, NULL, NULL, NULL, napi_enumerable, NULL},
	    {"run", NULL, run_async, NULL, NULL, NULL, napi_enumerable, st},
	    {"cpuFeatures", NULL, cpu_features_js, NULL, NULL, NULL, napi_enumerable, NULL},
	    {"kernels", NULL, kernels_js, NULL, NULL, NULL, napi_enumerable, NULL},
	    {"selectKernel", NULL, select_kernel_js, NULL, NULL, NULL, napi_enumerable, NULL},
	};
	napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
	return exports;
}
