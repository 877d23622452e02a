/* What a pipe can carry here: the named files spliced into stdout in order, 1 MiB at a time, with
 * no reading, computing or copying of our own. bench/page-cache.mjs times it into the same drain
 * as `raidtx md export -o -`: no exporter of those bytes through that pipe can be faster. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	fcntl(1, F_SETPIPE_SZ, 1 << 20);
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			perror(argv[i]);
			return 1;
		}
		off_t off = 0;
		ssize_t n;
		while ((n = splice(fd, &off, 1, NULL, 1 << 20, SPLICE_F_MOVE | SPLICE_F_MORE)) > 0)
			;
		if (n < 0) {
			perror("splice");
			return 1;
		}
		close(fd);
	}
	return 0;
}
