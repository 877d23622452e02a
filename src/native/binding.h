/* Shared by the Node-API glue: args.c (reading JS values, errors), record.c (a JS op record ->
 * struct raidtx_rec), job.c (runSync, run and the batch lifecycle) and binding.c (module init).
 * Nothing here is seen by the kernels, which only get raw pointers. */
#ifndef RAIDTX_BINDING_H
#define RAIDTX_BINDING_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "raidtx.h"

/* ---- errors: collected while parsing, thrown (runSync) or rejected (run) afterwards ---- */
enum { E_NONE, E_TYPE, E_RANGE, E_JS, E_NOMEM };
struct perr {
	int kind;
	char msg[320];
};

/* records the error; always returns -1 so callers can `return fail(...)` */
int fail(struct perr *e, int kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* a Node-API call failed: usually a JS exception (a throwing getter) is pending */
int napi_fail(napi_env env, struct perr *e, const char *what);
/* the error as a JS value (a pending JS exception is taken over); prefix goes before the message */
napi_value error_value(napi_env env, struct perr *e, const char *prefix);
/* throws the error unless a JS exception is already pending; returns NULL */
napi_value throw_perr(napi_env env, struct perr *e);

/* ---- the typed arrays a batch must keep alive until its kernels are done ---- */
struct refs {
	napi_ref *v;
	size_t n, cap;
};
void release_refs(napi_env env, struct refs *r);

/* the record being read: field names in messages start with op */
struct pctx {
	napi_env env;
	const char *op;
	struct refs *refs; /* NULL for runSync: nothing outlives the call */
	struct perr *e;
};

napi_valuetype type_of(napi_env env, napi_value v);
int get_prop(struct pctx *c, napi_value obj, const char *name, napi_value *out);
/* a typed array of the wanted type (or null when nullable); *ptr NULL for null */
int typed(struct pctx *c, napi_value v, const char *field, napi_typedarray_type want, int nullable,
	  void **ptr, size_t *len);
/* an integer in [lo, hi]; NaN, fractions, infinities and non-numbers are rejected */
int integer(struct pctx *c, napi_value v, const char *field, double lo, double hi, int64_t *out);
int boolean(struct pctx *c, napi_value v, const char *field, int *out);
/* a view's length must equal the operation's length */
int same_len(struct pctx *c, const char *field, size_t n, size_t len);
/* a JS array of lo..hi Uint8Array (null entries if nullable, their length set to (size_t)-1) into
 * (*out)[reserve0 ..]; *out and *lens are allocated, the caller frees them */
int block_array(struct pctx *c, napi_value arr, const char *field, uint32_t lo, uint32_t hi,
		int nullable, uint8_t ***out, uint32_t *count, size_t **lens, int reserve0);
/* every non-null block's length equals len */
int check_block_lens(struct pctx *c, const char *field, size_t *lens, uint32_t n, int base,
		     size_t len);

/* ---- record.c ---- */
/* checks a JS op record and fills r (r->blocks is allocated even on failure: free it) */
int parse_record(struct pctx *c, napi_value rec, struct raidtx_rec *r);

/* ---- job.c ---- */
struct envstate;
/* per environment (main thread or a worker_thread): the way back to JS for finished batches */
struct envstate *jobs_env_init(napi_env env);
napi_value run_sync(napi_env env, napi_callback_info info);
napi_value run_async(napi_env env, napi_callback_info info); /* data: the envstate */
/* bytes below which run() keeps a batch on the calling thread (contract.h, env override) */
extern uint64_t raidtx_inline_bytes;

/* ---- io.c: I/O helpers (aligned buffers for O_DIRECT, posix_fadvise, pipe capacity, pipe output) ---- */
napi_value aligned_buffer_js(napi_env env, napi_callback_info info);
napi_value fadvise_js(napi_env env, napi_callback_info info);
napi_value pipe_size_js(napi_env env, napi_callback_info info);
napi_value pipe_out_js(napi_env env, napi_callback_info info);

#endif
