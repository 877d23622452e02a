/* I/O helpers for member reads (not kernels): buffers aligned for O_DIRECT, which Node cannot
 * allocate, and posix_fadvise and a pipe's capacity, which Node does not expose. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "binding.h"

static void free_aligned(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)hint;
	free(data);
}

/* alignedBuffer(size, align): a zeroed Buffer whose memory starts at a multiple of `align`. */
napi_value aligned_buffer_js(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], out;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	int64_t size = 0, align = 0;
	if (argc < 2 || napi_get_value_int64(env, argv[0], &size) != napi_ok ||
	    napi_get_value_int64(env, argv[1], &align) != napi_ok || size < 0 || align < 16 ||
	    (align & (align - 1)) != 0) {
		napi_throw_range_error(env, NULL, "alignedBuffer(size, align): size >= 0, align a power of two >= 16");
		return NULL;
	}
	void *p = NULL;
	if (posix_memalign(&p, (size_t)align, size > 0 ? (size_t)size : (size_t)align) != 0) {
		napi_throw_error(env, NULL, "alignedBuffer: out of memory");
		return NULL;
	}
	memset(p, 0, (size_t)size);
	if (napi_create_external_buffer(env, (size_t)size, p, free_aligned, NULL, &out) != napi_ok) {
		free(p);
		return NULL; /* the exception (e.g. external buffers not allowed) is pending */
	}
	return out;
}

/* fadvise(fd, offset, length, advice): posix_fadvise; advice 'sequential' or 'dontneed'. Returns 0
 * or the error number (advice is only advice: the caller may ignore a failure). */
napi_value fadvise_js(napi_env env, napi_callback_info info)
{
	size_t argc = 4;
	napi_value argv[4], out;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	int32_t fd = -1;
	int64_t off = 0, len = 0;
	char name[16] = "";
	size_t n = 0;
	if (argc < 4 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
	    napi_get_value_int64(env, argv[1], &off) != napi_ok || napi_get_value_int64(env, argv[2], &len) != napi_ok ||
	    napi_get_value_string_utf8(env, argv[3], name, sizeof name, &n) != napi_ok) {
		napi_throw_type_error(env, NULL, "fadvise(fd, offset, length, advice)");
		return NULL;
	}
	int advice;
	if (strcmp(name, "sequential") == 0)
		advice = POSIX_FADV_SEQUENTIAL;
	else if (strcmp(name, "dontneed") == 0)
		advice = POSIX_FADV_DONTNEED;
	else {
		napi_throw_range_error(env, NULL, "fadvise: advice is 'sequential' or 'dontneed'");
		return NULL;
	}
	int r = posix_fadvise(fd, (off_t)off, (off_t)len, advice);
	napi_create_int32(env, r, &out);
	return out;
}

/* pipeSize(fd, bytes): raises a pipe's capacity (F_SETPIPE_SZ); returns the capacity now, or -errno.
 * A 64 KiB pipe makes a writer of megabytes per step wait on its reader sixteen times as often. */
napi_value pipe_size_js(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], out;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	int32_t fd = -1, size = 0;
	if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
	    napi_get_value_int32(env, argv[1], &size) != napi_ok) {
		napi_throw_type_error(env, NULL, "pipeSize(fd, bytes)");
		return NULL;
	}
	int r = fcntl(fd, F_SETPIPE_SZ, size);
	napi_create_int32(env, r < 0 ? -errno : r, &out);
	return out;
}
