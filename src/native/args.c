/* Reading JS values for the glue: every check names the field and the broken rule, bounds are
 * computed in 64-bit, and every typed array a batch reads is referenced (struct refs) so that it
 * outlives the worker using it. Errors are collected in struct perr and become JS errors later. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "binding.h"

int fail(struct perr *e, int kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->kind = kind;
	return -1;
}

int napi_fail(napi_env env, struct perr *e, const char *what)
{
	bool pending = false;
	napi_is_exception_pending(env, &pending);
	if (pending) {
		e->kind = E_JS;
		return -1;
	}
	return fail(e, E_TYPE, "%s", what);
}

napi_value error_value(napi_env env, struct perr *e, const char *prefix)
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

napi_value throw_perr(napi_env env, struct perr *e)
{
	if (e->kind != E_JS)
		napi_throw(env, error_value(env, e, ""));
	return NULL;
}

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

void release_refs(napi_env env, struct refs *r)
{
	for (size_t i = 0; i < r->n; i++)
		napi_delete_reference(env, r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

int get_prop(struct pctx *c, napi_value obj, const char *name, napi_value *out)
{
	if (napi_get_named_property(c->env, obj, name, out) != napi_ok)
		return napi_fail(c->env, c->e, "cannot read a field");
	return 0;
}

napi_valuetype type_of(napi_env env, napi_value v)
{
	napi_valuetype t = napi_undefined;
	napi_typeof(env, v, &t);
	return t;
}

int typed(struct pctx *c, napi_value v, const char *field, napi_typedarray_type want, int nullable,
	  void **ptr, size_t *len)
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

int integer(struct pctx *c, napi_value v, const char *field, double lo, double hi, int64_t *out)
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

int boolean(struct pctx *c, napi_value v, const char *field, int *out)
{
	bool b;
	if (type_of(c->env, v) != napi_boolean)
		return fail(c->e, E_TYPE, "%s: %s must be a boolean", c->op, field);
	napi_get_value_bool(c->env, v, &b);
	*out = b;
	return 0;
}

int same_len(struct pctx *c, const char *field, size_t n, size_t len)
{
	if (n != len)
		return fail(c->e, E_RANGE, "%s: %s.length (%zu) != len (%zu)", c->op, field, n, len);
	return 0;
}

int block_array(struct pctx *c, napi_value arr, const char *field, uint32_t lo, uint32_t hi,
		int nullable, uint8_t ***out, uint32_t *count, size_t **lens, int reserve0)
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

int check_block_lens(struct pctx *c, const char *field, size_t *lens, uint32_t n, int base,
		     size_t len)
{
	char name[48];
	for (uint32_t i = 0; i < n; i++) {
		if (lens[i + base] == (size_t)-1)
			continue;
		snprintf(name, sizeof name, "%s[%u]", field, i);
		if (same_len(c, name, lens[i + base], len))
			return -1;
	}
	return 0;
}
