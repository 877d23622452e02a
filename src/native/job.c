/* runSync and run: the life of a batch. run() parses every record on the JS thread, holds a
 * napi_ref on each typed array it reads, and hands the batch to a pool worker (pool.c), which only
 * sees raw pointers; the completion comes back through a threadsafe function, resolves the promise
 * and drops the references. A batch smaller than the inline threshold runs on the calling thread. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "binding.h"
#include "pool.h"

uint64_t raidtx_inline_bytes = RAIDTX_INLINE_MAX_BYTES;

/* ---- runSync(record) -> number ---- */
napi_value run_sync(napi_env env, napi_callback_info info)
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

/* ---- run(records) -> Promise<Int32Array> ---- */

/* per environment (main thread or a worker_thread): the way back to JS and a count of batches
 * on workers, which the environment's teardown waits for (the buffers must outlive them) */
struct envstate {
	napi_threadsafe_function tsfn;
	uint32_t pending; /* JS thread only: keeps the loop alive while batches are out */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int inflight; /* under mu */
};

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

struct envstate *jobs_env_init(napi_env env)
{
	napi_value name;
	struct envstate *st = calloc(1, sizeof *st);
	if (!st)
		return NULL;
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	napi_create_string_utf8(env, "raidtx.run", NAPI_AUTO_LENGTH, &name);
	if (napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, st,
					    job_complete, &st->tsfn) != napi_ok) {
		free(st);
		return NULL;
	}
	napi_unref_threadsafe_function(env, st->tsfn); /* ref'd only while batches are out */
	/* added after the tsfn, so it runs before node tears the tsfn down (hooks run in reverse) */
	napi_add_env_cleanup_hook(env, env_cleanup, st);
	return st;
}

/* parses records[] into j; on failure *prefix names the record at fault */
static int parse_batch(napi_env env, napi_value arr, struct job *j, struct perr *e, char *prefix,
		       size_t prefix_len)
{
	struct pctx c = {env, "run", &j->refs, e};
	bool is = false;
	if (arr)
		napi_is_array(env, arr, &is);
	if (!is)
		return fail(e, E_TYPE, "run: records must be an array of op records");
	napi_get_array_length(env, arr, &j->count);
	if (j->count > RAIDTX_MAX_RUN_RECORDS)
		return fail(e, E_RANGE, "run: records.length (%u) must be <= %u", j->count,
			    (unsigned)RAIDTX_MAX_RUN_RECORDS);
	j->recs = calloc(j->count ? j->count : 1, sizeof *j->recs);
	j->results = calloc(j->count ? j->count : 1, sizeof *j->results);
	if (!j->recs || !j->results)
		return fail(e, E_NOMEM, "out of memory");
	for (uint32_t i = 0; i < j->count; i++) {
		napi_value rec;
		if (napi_get_element(env, arr, i, &rec) != napi_ok)
			return napi_fail(env, e, "cannot read a record");
		if (parse_record(&c, rec, &j->recs[i])) {
			snprintf(prefix, prefix_len, "records[%u]: ", i);
			return -1;
		}
	}
	return 0;
}

/* hands the batch to a pool worker; -1 if no worker thread can be started */
static int submit_job(napi_env env, struct envstate *st, struct job *j)
{
	pthread_mutex_lock(&st->mu);
	st->inflight++;
	pthread_mutex_unlock(&st->mu);
	if (st->pending++ == 0)
		napi_ref_threadsafe_function(env, st->tsfn);
	if (!pool_submit(&j->task))
		return 0;
	pthread_mutex_lock(&st->mu);
	st->inflight--;
	pthread_mutex_unlock(&st->mu);
	if (--st->pending == 0)
		napi_unref_threadsafe_function(env, st->tsfn);
	return -1;
}

napi_value run_async(napi_env env, napi_callback_info info)
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
	char prefix[48] = "";
	if (parse_batch(env, argc >= 1 ? argv[0] : NULL, j, &e, prefix, sizeof prefix))
		goto reject;
	uint64_t work = 0;
	for (uint32_t i = 0; i < j->count; i++)
		work += raidtx_rec_bytes(&j->recs[i]);
	if (work < raidtx_inline_bytes) { /* contract.h: cheaper here than a worker round trip */
		job_run(&j->task);
		resolve_job(env, j); /* the promise still settles asynchronously */
		return promise;
	}
	if (submit_job(env, st, j)) {
		fail(&e, E_NOMEM, "run: cannot start a worker thread");
		goto reject;
	}
	return promise;
reject:
	napi_reject_deferred(env, j->deferred, error_value(env, &e, prefix));
	job_free(env, j);
	return promise;
}
