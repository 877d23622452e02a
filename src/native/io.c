/* I/O helpers for member reads (not kernels): buffers aligned for O_DIRECT, which Node cannot
 * allocate, and posix_fadvise and a pipe's capacity, which Node does not expose. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include "binding.h"

static void free_aligned(napi_env env, void *data, void *hint)
{
	(void)env;
	(void)hint;
	free(data);
}

static void free_mapped(napi_env env, void *data, void *hint)
{
	(void)env;
	munmap(data, (size_t)(uintptr_t)hint);
}

/* alignedBuffer(size, align): a zeroed Buffer whose memory starts at a multiple of `align`. Large
 * ones are fresh mappings: zero without a memset, their pages faulted in by the first read into
 * them (on the I/O threads, overlapped), not all at once on the JS thread before the first step. */
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
	if (size >= (1 << 16) && align <= 4096) {
		p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			napi_throw_error(env, NULL, "alignedBuffer: out of memory");
			return NULL;
		}
		if (napi_create_external_buffer(env, (size_t)size, p, free_mapped, (void *)(uintptr_t)size, &out) !=
		    napi_ok) {
			munmap(p, (size_t)size);
			return NULL;
		}
		return out;
	}
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

/* ---- pipeOut(fd, parts): a step's output to a pipe, off the JS thread ----
 * A part is a Buffer (written; runs of buffers go in one writev) or [fdIn, offset, length]
 * (spliced from the file: the page-cache pages go into the pipe as they are, so neither side copies
 * them through a buffer of its own, and the reader copies out of whole folios). Node writes to a
 * pipe synchronously, so a plain write would also hold the JS thread while the reader catches up. */

struct out_part {
	const uint8_t *buf; /* NULL: a splice from fd_in */
	int fd_in;
	int64_t off;
	size_t len;
};

struct pipe_out {
	napi_async_work work;
	napi_deferred deferred;
	napi_ref keep; /* the parts array: its buffers stay alive until the work is done */
	int fd;
	size_t n;
	struct out_part *parts;
	int err;       /* errno of the failure, 0 if none */
	size_t failed; /* index of the part that failed */
	size_t done;   /* bytes of that part written before it failed */
};

/* Waits until a non-blocking pipe can take more (an inherited O_NONBLOCK end answers EAGAIN). */
static int wait_writable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* The bytes of a part that splice() cannot take (a filesystem without splice_read): pread + write. */
static int copy_part(int fd, const struct out_part *p, size_t *done)
{
	uint8_t *bounce = malloc(1 << 20);
	if (!bounce)
		return ENOMEM;
	int err = 0;
	while (*done < p->len && !err) {
		size_t want = p->len - *done < (1 << 20) ? p->len - *done : (1 << 20);
		ssize_t r = pread(p->fd_in, bounce, want, p->off + (off_t)*done);
		if (r == 0)
			err = EIO; /* the file ended before the bytes already read from it: it changed */
		else if (r < 0 && errno != EINTR)
			err = errno;
		for (ssize_t w = 0, k; r > 0 && w < r && !err; w += k) {
			k = write(fd, bounce + w, (size_t)(r - w));
			if (k < 0) {
				k = 0;
				if (errno == EAGAIN ? wait_writable(fd) < 0 : errno != EINTR)
					err = errno;
			}
			*done += (size_t)k;
		}
	}
	free(bounce);
	return err;
}

static int splice_part(int fd, const struct out_part *p, size_t *done)
{
	while (*done < p->len) {
		loff_t off = p->off + (loff_t)*done;
		ssize_t r = splice(p->fd_in, &off, fd, NULL, p->len - *done, SPLICE_F_MOVE | SPLICE_F_MORE);
		if (r > 0)
			*done += (size_t)r;
		else if (r == 0)
			return EIO; /* as in copy_part */
		else if (errno == EAGAIN) {
			if (wait_writable(fd) < 0)
				return errno;
		} else if (errno == EINVAL || errno == ENOSYS)
			return copy_part(fd, p, done);
		else if (errno != EINTR)
			return errno;
	}
	return 0;
}

/* Parts [i, j) are buffers: writev, resumed after short writes. */
static int write_parts(int fd, const struct out_part *parts, size_t i, size_t j, size_t *failed, size_t *done)
{
	struct iovec iov[64];
	size_t skip = 0; /* bytes of parts[i] already written */
	while (i < j) {
		int n = 0;
		for (size_t k = i; k < j && n < 64; k++, n++) {
			iov[n].iov_base = (void *)(parts[k].buf + (k == i ? skip : 0));
			iov[n].iov_len = parts[k].len - (k == i ? skip : 0);
		}
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && wait_writable(fd) == 0)
				continue;
			*failed = i;
			*done = skip;
			return errno;
		}
		/* past the parts written whole (empty ones included), into the one written in part */
		for (size_t left = (size_t)w; i < j;) {
			size_t rest = parts[i].len - skip;
			if (left < rest) {
				skip += left;
				break;
			}
			left -= rest;
			skip = 0;
			i++;
		}
	}
	return 0;
}

static void pipe_out_execute(napi_env env, void *data)
{
	(void)env;
	struct pipe_out *o = data;
	for (size_t i = 0; i < o->n && !o->err;) {
		if (o->parts[i].buf) {
			size_t j = i;
			while (j < o->n && o->parts[j].buf)
				j++;
			o->err = write_parts(o->fd, o->parts, i, j, &o->failed, &o->done);
			i = j;
		} else {
			size_t done = 0;
			o->err = splice_part(o->fd, &o->parts[i], &done);
			if (o->err) {
				o->failed = i;
				o->done = done;
			}
			i++;
		}
	}
}

static void pipe_out_complete(napi_env env, napi_status status, void *data)
{
	struct pipe_out *o = data;
	napi_value result, v;
	if (status != napi_ok && !o->err)
		o->err = ECANCELED;
	if (!o->err)
		napi_get_null(env, &result);
	else {
		/* { errno, part, done }: the caller names the output and the offset */
		napi_create_object(env, &result);
		napi_create_int32(env, o->err, &v);
		napi_set_named_property(env, result, "errno", v);
		napi_create_int64(env, (int64_t)o->failed, &v);
		napi_set_named_property(env, result, "part", v);
		napi_create_int64(env, (int64_t)o->done, &v);
		napi_set_named_property(env, result, "done", v);
	}
	napi_resolve_deferred(env, o->deferred, result);
	napi_delete_reference(env, o->keep);
	napi_delete_async_work(env, o->work);
	free(o->parts);
	free(o);
}

napi_value pipe_out_js(napi_env env, napi_callback_info info)
{
	size_t argc = 2;
	napi_value argv[2], promise, name;
	napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
	int32_t fd = -1;
	uint32_t n = 0;
	bool is_array = false;
	if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
	    napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array ||
	    napi_get_array_length(env, argv[1], &n) != napi_ok) {
		napi_throw_type_error(env, NULL, "pipeOut(fd, parts)");
		return NULL;
	}
	struct pipe_out *o = calloc(1, sizeof *o);
	struct out_part *parts = calloc(n ? n : 1, sizeof *parts);
	if (!o || !parts) {
		free(o);
		free(parts);
		napi_throw_error(env, NULL, "pipeOut: out of memory");
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		napi_value part, x;
		bool is_buf = false;
		napi_get_element(env, argv[1], i, &part);
		napi_is_buffer(env, part, &is_buf);
		if (is_buf) {
			void *p = NULL;
			napi_get_buffer_info(env, part, &p, &parts[i].len);
			parts[i].buf = p ? p : (const uint8_t *)"";
			continue;
		}
		int64_t len = -1;
		bool ok = napi_get_element(env, part, 0, &x) == napi_ok &&
			  napi_get_value_int32(env, x, &parts[i].fd_in) == napi_ok &&
			  napi_get_element(env, part, 1, &x) == napi_ok &&
			  napi_get_value_int64(env, x, &parts[i].off) == napi_ok &&
			  napi_get_element(env, part, 2, &x) == napi_ok && napi_get_value_int64(env, x, &len) == napi_ok;
		if (!ok || len < 0 || parts[i].off < 0) {
			free(o);
			free(parts);
			napi_throw_type_error(env, NULL, "pipeOut: a part is a Buffer or [fd, offset, length]");
			return NULL;
		}
		parts[i].len = (size_t)len;
	}
	o->fd = fd;
	o->n = n;
	o->parts = parts;
	napi_create_reference(env, argv[1], 1, &o->keep);
	napi_create_promise(env, &o->deferred, &promise);
	napi_create_string_utf8(env, "raidtx.pipeOut", NAPI_AUTO_LENGTH, &name);
	napi_create_async_work(env, NULL, name, pipe_out_execute, pipe_out_complete, o, &o->work);
	napi_queue_async_work(env, o->work);
	return promise;
}
