/* faultfs: a pass-through FUSE filesystem that injects I/O faults, for raidtx's reliability tests.
 *
 *   faultfs BACKING_DIR CONTROL_FILE MOUNTPOINT [fuse options]
 *
 * Every file of BACKING_DIR appears at MOUNTPOINT. Files are opened with direct_io, so each read
 * and write reaches us and a short read reaches the caller as a short read. CONTROL_FILE is read
 * again whenever its mtime changes; one rule a line (NAME matches a path, relative to the mount,
 * that contains it as a substring; `*` matches every file):
 *
 *   eio NAME OFFSET        a read starting at OFFSET fails with EIO; a read covering it returns
 *                          only the bytes before it, as a disk with a bad sector would
 *   eiorange NAME OFFSET LENGTH  the same for every byte of [OFFSET, OFFSET + LENGTH): a read
 *                          starting inside fails, one reaching it stops before it (rules add up)
 *   eioflaky NAME OFFSET COUNT  like eio, but only until reads starting at OFFSET have failed
 *                          COUNT times (a marginal sector that a retry gets through)
 *   short NAME MAX         every read returns at most MAX bytes
 *   truncate NAME OFFSET   a read reaching OFFSET first cuts the backing file to OFFSET bytes
 *   wfail NAME OFFSET ERR  a write covering OFFSET fails with errno ERR (e.g. 5 EIO, 28 ENOSPC)
 *   fsyncfail NAME ERR     fsync fails with errno ERR
 *
 * Built by test/reliability/faultfs.ts with `gcc faultfs.c $(pkg-config --cflags --libs fuse3)`.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>

enum kind { R_EIO, R_EIORANGE, R_EIOFLAKY, R_SHORT, R_TRUNCATE, R_WFAIL, R_FSYNCFAIL };
struct rule {
	enum kind kind;
	char name[256];
	long long a, b;
};

static char backing[PATH_MAX];
static char control[PATH_MAX];
static struct rule rules[64];
static int nrules;
static struct timespec control_mtime;

static void load_rules(void)
{
	struct stat st;
	if (stat(control, &st) != 0) {
		nrules = 0;
		control_mtime.tv_sec = 0;
		return;
	}
	if (st.st_mtim.tv_sec == control_mtime.tv_sec && st.st_mtim.tv_nsec == control_mtime.tv_nsec)
		return;
	control_mtime = st.st_mtim;
	nrules = 0;
	FILE *f = fopen(control, "r");
	if (!f)
		return;
	char line[512], word[32], name[256];
	while (fgets(line, sizeof line, f) && nrules < 64) {
		long long a = 0, b = 0;
		int n = sscanf(line, "%31s %255s %lld %lld", word, name, &a, &b);
		if (n < 2)
			continue;
		struct rule *r = &rules[nrules];
		if (!strcmp(word, "eio") && n >= 3)
			r->kind = R_EIO;
		else if (!strcmp(word, "eiorange") && n >= 4 && b > 0)
			r->kind = R_EIORANGE;
		else if (!strcmp(word, "eioflaky") && n >= 4)
			r->kind = R_EIOFLAKY;
		else if (!strcmp(word, "short") && n >= 3)
			r->kind = R_SHORT;
		else if (!strcmp(word, "truncate") && n >= 3)
			r->kind = R_TRUNCATE;
		else if (!strcmp(word, "wfail") && n >= 4)
			r->kind = R_WFAIL;
		else if (!strcmp(word, "fsyncfail") && n >= 3)
			r->kind = R_FSYNCFAIL;
		else
			continue;
		snprintf(r->name, sizeof r->name, "%s", name);
		r->a = a;
		r->b = b;
		nrules++;
	}
	fclose(f);
}

static struct rule *find_rule(enum kind kind, const char *path)
{
	for (int i = 0; i < nrules; i++)
		if (rules[i].kind == kind &&
		    (!strcmp(rules[i].name, "*") || strstr(path, rules[i].name)))
			return &rules[i];
	return NULL;
}

static void real(char *out, const char *path)
{
	snprintf(out, PATH_MAX, "%s%s", backing, path);
}

#define REAL(p)                                                                                    \
	char rp[PATH_MAX];                                                                         \
	real(rp, p)

static int ff_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	if (fi)
		return fstat((int)fi->fh, st) ? -errno : 0;
	REAL(path);
	return lstat(rp, st) ? -errno : 0;
}

static int ff_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	(void)off;
	(void)fi;
	(void)flags;
	REAL(path);
	DIR *d = opendir(rp);
	if (!d)
		return -errno;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct stat st = {0};
		st.st_ino = e->d_ino;
		st.st_mode = (mode_t)e->d_type << 12;
		if (fill(buf, e->d_name, &st, 0, 0))
			break;
	}
	closedir(d);
	return 0;
}

static int ff_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	REAL(path);
	int fd = open(rp, fi->flags, mode);
	if (fd < 0)
		return -errno;
	fi->fh = (uint64_t)fd;
	fi->direct_io = 1; /* every read and write reaches us; short reads stay short */
	load_rules();
	return 0;
}

static int ff_open(const char *path, struct fuse_file_info *fi)
{
	return ff_create(path, 0, fi);
}

static int ff_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	load_rules();
	int fd = (int)fi->fh;
	struct rule *r = find_rule(R_TRUNCATE, path);
	if (r && off + (off_t)size > r->a) {
		struct stat st;
		REAL(path); /* by path: fd is read-only */
		if (fstat(fd, &st) == 0 && st.st_size > r->a && truncate(rp, r->a) != 0)
			return -errno;
	}
	/* every eio/eiorange rule of the file: fail a read starting on a bad byte, else stop before
	 * the first bad byte it reaches (the bytes before the bad spot, as a disk would return) */
	for (int i = 0; i < nrules; i++) {
		struct rule *e = &rules[i];
		if ((e->kind != R_EIO && e->kind != R_EIORANGE && e->kind != R_EIOFLAKY) ||
		    (strcmp(e->name, "*") && !strstr(path, e->name)))
			continue;
		if (e->kind == R_EIOFLAKY && e->b <= 0)
			continue; /* failed COUNT times: reads now pass */
		long long lo = e->a, hi = e->kind == R_EIORANGE ? e->a + e->b : e->a + 1;
		if (off >= lo && off < hi) {
			if (e->kind == R_EIOFLAKY)
				e->b--;
			return -EIO;
		}
		if (off < lo && lo < off + (off_t)size)
			size = (size_t)(lo - off);
	}
	r = find_rule(R_SHORT, path);
	if (r && r->a > 0 && size > (size_t)r->a)
		size = (size_t)r->a;
	ssize_t n = pread(fd, buf, size, off);
	return n < 0 ? -errno : (int)n;
}

static int ff_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	load_rules();
	struct rule *r = find_rule(R_WFAIL, path);
	if (r && off <= r->a && r->a < off + (off_t)size)
		return -(int)r->b;
	ssize_t n = pwrite((int)fi->fh, buf, size, off);
	return n < 0 ? -errno : (int)n;
}

static int ff_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	load_rules();
	struct rule *r = find_rule(R_FSYNCFAIL, path);
	if (r)
		return -(int)r->a;
	int rc = datasync ? fdatasync((int)fi->fh) : fsync((int)fi->fh);
	return rc ? -errno : 0;
}

static int ff_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	close((int)fi->fh);
	return 0;
}

static int ff_unlink(const char *path)
{
	REAL(path);
	return unlink(rp) ? -errno : 0;
}

static int ff_rename(const char *from, const char *to, unsigned int flags)
{
	if (flags)
		return -EINVAL;
	char a[PATH_MAX], b[PATH_MAX];
	real(a, from);
	real(b, to);
	return rename(a, b) ? -errno : 0;
}

static int ff_mkdir(const char *path, mode_t mode)
{
	REAL(path);
	return mkdir(rp, mode) ? -errno : 0;
}

static int ff_rmdir(const char *path)
{
	REAL(path);
	return rmdir(rp) ? -errno : 0;
}

static int ff_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	if (fi)
		return fchmod((int)fi->fh, mode) ? -errno : 0;
	REAL(path);
	return chmod(rp, mode) ? -errno : 0;
}

static int ff_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	if (fi)
		return ftruncate((int)fi->fh, size) ? -errno : 0;
	REAL(path);
	return truncate(rp, size) ? -errno : 0;
}

static int ff_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	if (fi)
		return futimens((int)fi->fh, tv) ? -errno : 0;
	REAL(path);
	return utimensat(AT_FDCWD, rp, tv, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
}

static int ff_statfs(const char *path, struct statvfs *st)
{
	REAL(path);
	return statvfs(rp, st) ? -errno : 0;
}

static int ff_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi)
{
	(void)path;
	(void)datasync;
	(void)fi;
	return 0;
}

static void *ff_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	/* no attribute or entry caching: a test that changes the backing file sees it at once */
	cfg->entry_timeout = 0;
	cfg->attr_timeout = 0;
	cfg->negative_timeout = 0;
	cfg->use_ino = 1;
	return NULL;
}

static const struct fuse_operations ops = {
    .init = ff_init,
    .getattr = ff_getattr,
    .readdir = ff_readdir,
    .open = ff_open,
    .create = ff_create,
    .read = ff_read,
    .write = ff_write,
    .fsync = ff_fsync,
    .fsyncdir = ff_fsyncdir,
    .release = ff_release,
    .unlink = ff_unlink,
    .rename = ff_rename,
    .mkdir = ff_mkdir,
    .rmdir = ff_rmdir,
    .chmod = ff_chmod,
    .truncate = ff_truncate,
    .utimens = ff_utimens,
    .statfs = ff_statfs,
};

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: faultfs BACKING_DIR CONTROL_FILE MOUNTPOINT [fuse options]\n");
		return 2;
	}
	if (!realpath(argv[1], backing) || !realpath(argv[2], control)) {
		/* the control file may not exist yet: take the path as given */
		if (!realpath(argv[1], backing)) {
			perror(argv[1]);
			return 2;
		}
		snprintf(control, sizeof control, "%s", argv[2]);
	}
	/* fuse_main sees: program, mountpoint, options */
	char **fargv = calloc((size_t)argc, sizeof *fargv);
	int fargc = 0;
	fargv[fargc++] = argv[0];
	for (int i = 3; i < argc; i++)
		fargv[fargc++] = argv[i];
	return fuse_main(fargc, fargv, &ops, NULL);
}
