/* The raidtx native engine's module: its exports (run, runSync, introspection, kernel choice and
 * the contract constants) and the once-per-process setup. Reading JS values is in args.c, op
 * records in record.c, the life of a batch in job.c. */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "binding.h"

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
	int idx = lo < sizeof op - 1 ? dispatch_op_index(op) : -1;
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

static void set_number(napi_env env, napi_value obj, const char *name, double v)
{
	napi_value n;
	napi_create_double(env, v, &n);
	napi_set_named_property(env, obj, name, n);
}

/* contract.h as a frozen object, so the core can check that it agrees (test/native/contract) */
static napi_value contract_js(napi_env env)
{
	napi_value c, suspect;
	napi_create_object(env, &c);
	set_number(env, c, "minData", RAIDTX_MIN_DATA);
	set_number(env, c, "maxData", RAIDTX_MAX_DATA);
	set_number(env, c, "maxDisks", RAIDTX_MAX_DISKS);
	set_number(env, c, "maxXorSrcs", RAIDTX_MAX_XOR_SRCS);
	set_number(env, c, "maxRunRecords", RAIDTX_MAX_RUN_RECORDS);
	set_number(env, c, "inlineMaxBytes", RAIDTX_INLINE_MAX_BYTES);
	set_number(env, c, "pResult", RAIDTX_P_RESULT);
	set_number(env, c, "qResult", RAIDTX_Q_RESULT);
	napi_create_object(env, &suspect);
	set_number(env, suspect, "NONE", RAIDTX_SUSPECT_NONE);
	set_number(env, suspect, "P", RAIDTX_SUSPECT_P);
	set_number(env, suspect, "Q", RAIDTX_SUSPECT_Q);
	set_number(env, suspect, "UNKNOWN", RAIDTX_SUSPECT_UNKNOWN);
	napi_object_freeze(env, suspect);
	napi_set_named_property(env, c, "suspect", suspect);
	napi_value ops, s;
	napi_create_array(env, &ops);
	for (int op = 0; op < OP_COUNT; op++) {
		napi_create_string_utf8(env, raidtx_op_names[op], NAPI_AUTO_LENGTH, &s);
		napi_set_element(env, ops, (uint32_t)op, s);
	}
	napi_object_freeze(env, ops);
	napi_set_named_property(env, c, "ops", ops);
	napi_object_freeze(env, c);
	return c;
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
	/* tests and benchmarks only: move the inline threshold (0 = every batch on a worker) */
	const char *ib = getenv("RAIDTX_INLINE_BYTES");
	if (ib && *ib)
		raidtx_inline_bytes = strtoull(ib, NULL, 10);
	gf_init();
	cpu_features();
	dispatch_init();
}

NAPI_MODULE_INIT()
{
	pthread_once(&once, init_once);
	struct envstate *st = jobs_env_init(env);
	if (!st) {
		napi_throw_error(env, NULL, "raidtx: cannot create the completion channel");
		return NULL;
	}
	napi_value inline_bytes;
	napi_create_double(env, (double)raidtx_inline_bytes, &inline_bytes);
	napi_property_descriptor props[] = {
	    {"runSync", NULL, run_sync, NULL, NULL, NULL, napi_enumerable, NULL},
	    {"run", NULL, run_async, NULL, NULL, NULL, napi_enumerable, st},
	    {"cpuFeatures", NULL, cpu_features_js, NULL, NULL, NULL, napi_enumerable, NULL},
	    {"kernels", NULL, kernels_js, NULL, NULL, NULL, napi_enumerable, NULL},
	    {"selectKernel", NULL, select_kernel_js, NULL, NULL, NULL, napi_enumerable, NULL},
	    {"contract", NULL, NULL, NULL, NULL, contract_js(env), napi_enumerable, NULL},
	    {"inlineMaxBytes", NULL, NULL, NULL, NULL, inline_bytes, napi_enumerable, NULL},
	    {"alignedBuffer", NULL, aligned_buffer_js, NULL, NULL, NULL, napi_enumerable, NULL},
	    {"fadvise", NULL, fadvise_js, NULL, NULL, NULL, napi_enumerable, NULL},
	    {"pipeSize", NULL, pipe_size_js, NULL, NULL, NULL, napi_enumerable, NULL},
	    {"pipeOut", NULL, pipe_out_js, NULL, NULL, NULL, napi_enumerable, NULL},
	};
	napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
	return exports;
}
