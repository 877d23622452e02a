/* diskfarm: a FUSE filesystem where every file behaves like its own disk, for bench/disk-farm.mjs.
 *
 *   diskfarm BACKING_DIR MOUNTPOINT MBPS LATENCY_US [fuse options]
 *
 * Every file of BACKING_DIR appears at MOUNTPOINT (direct_io: every read and write reaches us, no
 * page cache in between). Each file is a disk: it serves one request at a time, and a request
 * holds it for LATENCY_US plus its size at MBPS (10^6 bytes per second), however fast the backing
 * file answered. Different files are independent disks (the daemon is multithreaded), so reading
 * N of them at once can reach N x MBPS, and reading one with one request at a time reaches less.
 *
 * Built by bench/disk-farm.mjs with `gcc -O2 diskfarm.c $(pkg-config --cflags --libs fuse3)`.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static char backing[PATH_MAX];
static double bytes_per_ns;
static long long latency_ns;

/* One disk per path: its lock is held for the whole of each request. */
#define MAX_DISKS 1024
struct disk {
	char name[256];
	pthread_mutex_t busy;
};
static struct disk disks[MAX_DISKS];
static int ndisks;
static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;

static struct disk *disk_of(const char *path)
{
	pthread_mutex_lock(&table);
	for (int i = 0; i < ndisks; i++) {
		if (strcmp(disks[i].name, path) == 0) {
			pthread_mutex_unlock(&table);
			return &disks[i];
		}
	}
	struct disk *d = ndisks < MAX_DISKS ? &disks[ndisks++] : &disks[MAX_DISKS - 1];
	snprintf(d->name, sizeof d->name, "%s", path);
	pthread_mutex_init(&d->busy, NULL);
	pthread_mutex_unlock(&table);
	return d;
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Holds the disk until `start` + the request's service time. */
static void serve(long long start, size_t size)
{
	long long until = start + latency_ns + (long long)((double)size / bytes_per_ns);
	struct timespec ts = { until / 1000000000LL, until % 1000000000LL };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
	}
}

static void full(char *out, const char *path)
{
	snprintf(out, PATH_MAX, "%s%s", backing, path);
}

static void *farm_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	cfg->direct_io = 1;
	cfg->use_ino = 1;
	cfg->attr_timeout = 0;
	cfg->entry_timeout = 0;
	/* large requests, as a disk gets from a kernel that merges sequential I/O */
	conn->max_write = 1 << 20;
	return NULL;
}

static int farm_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	char p[PATH_MAX];
	full(p, path);
	return lstat(p, st) == 0 ? 0 : -errno;
}

static int farm_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
			struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	char p[PATH_MAX];
	full(p, path);
	DIR *d = opendir(p);
	if (!d)
		return -errno;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		fill(buf, e->d_name, NULL, 0, 0);
	closedir(d);
	return 0;
}

static int farm_open(const char *path, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	full(p, path);
	int fd = open(p, fi->flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_DIRECT));
	if (fd < 0)
		return -errno;
	fi->fh = fd;
	fi->direct_io = 1;
	return 0;
}

static int farm_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	full(p, path);
	int fd = open(p, (fi->flags & ~O_DIRECT) | O_CREAT, mode);
	if (fd < 0)
		return -errno;
	fi->fh = fd;
	fi->direct_io = 1;
	return 0;
}

static int farm_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct disk *d = disk_of(path);
	pthread_mutex_lock(&d->busy);
	long long t0 = now_ns();
	ssize_t n = pread((int)fi->fh, buf, size, off);
	int err = errno;
	serve(t0, n > 0 ? (size_t)n : 0);
	pthread_mutex_unlock(&d->busy);
	return n < 0 ? -err : (int)n;
}

static int farm_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct disk *d = disk_of(path);
	pthread_mutex_lock(&d->busy);
	long long t0 = now_ns();
	ssize_t n = pwrite((int)fi->fh, buf, size, off);
	int err = errno;
	serve(t0, n > 0 ? (size_t)n : 0);
	pthread_mutex_unlock(&d->busy);
	return n < 0 ? -err : (int)n;
}

static int farm_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	char p[PATH_MAX];
	full(p, path);
	int r = fi ? ftruncate((int)fi->fh, size) : truncate(p, size);
	return r == 0 ? 0 : -errno;
}

static int farm_unlink(const char *path)
{
	char p[PATH_MAX];
	full(p, path);
	return unlink(p) == 0 ? 0 : -errno;
}

static int farm_rename(const char *from, const char *to, unsigned int flags)
{
	if (flags)
		return -EINVAL;
	char a[PATH_MAX], b[PATH_MAX];
	full(a, from);
	full(b, to);
	return rename(a, b) == 0 ? 0 : -errno;
}

static int farm_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	(void)datasync;
	(void)fi;
	return 0;
}

static int farm_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	close((int)fi->fh);
	return 0;
}

static int farm_statfs(const char *path, struct statvfs *st)
{
	(void)path;
	return statvfs(backing, st) == 0 ? 0 : -errno;
}

static const struct fuse_operations ops = {
	.init = farm_init,
	.getattr = farm_getattr,
	.readdir = farm_readdir,
	.open = farm_open,
	.create = farm_create,
	.read = farm_read,
	.write = farm_write,
	.truncate = farm_truncate,
	.unlink = farm_unlink,
	.rename = farm_rename,
	.fsync = farm_fsync,
	.release = farm_release,
	.statfs = farm_statfs,
};

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: diskfarm BACKING_DIR MOUNTPOINT MBPS LATENCY_US [fuse options]\n");
		return 2;
	}
	if (!realpath(argv[1], backing)) {
		perror(argv[1]);
		return 2;
	}
	bytes_per_ns = atof(argv[3]) * 1e6 / 1e9;
	latency_ns = atoll(argv[4]) * 1000LL;
	if (bytes_per_ns <= 0) {
		fprintf(stderr, "diskfarm: MBPS must be positive\n");
		return 2;
	}
	/* fuse_main(MOUNTPOINT [options]): drop our own arguments */
	char *fargv[64];
	int fargc = 0;
	fargv[fargc++] = argv[0];
	fargv[fargc++] = argv[2];
	for (int i = 5; i < argc && fargc < 63; i++)
		fargv[fargc++] = argv[i];
	fargv[fargc] = NULL;
	return fuse_main(fargc, fargv, &ops, NULL);
}
