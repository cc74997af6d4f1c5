/* tmpfs_size_limit.c - tmpfs size=: statfs reports the limit, writes past it fail with
 * ENOSPC after the part that fits, freed space can be written again, fallocate past it
 * is ENOSPC. Runs in its own mount namespace (see mount_isolate.h). */
/* syscalls: mount write unlink statfs fallocate */
#include "mount_isolate.h"
#include <sys/statfs.h>

int main(void)
{
	static char buf[64 * 1024];
	struct statfs sf;
	TAP_PLAN(6);
	mnt_isolate();
	const char *m = strdup(tap_path("m"));
	mkdir(m, 0755);
	TAP_OK(mount("t", m, "tmpfs", 0, "size=256k") == 0, "mount tmpfs size=256k");
	TAP_OK(statfs(m, &sf) == 0 && sf.f_blocks * sf.f_bsize == 256 * 1024 &&
		       sf.f_bfree == sf.f_blocks,
	       "statfs: 256 KiB, all free");
	char *f = strdup(tap_path("m/f"));
	int fd = open(f, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	memset(buf, 'x', sizeof(buf));
	size_t total = 0;
	ssize_t w;
	while ((w = write(fd, buf, sizeof(buf))) > 0)
		total += (size_t)w;
	TAP_OK(w < 0 && errno == ENOSPC && total == 256 * 1024,
	       "writes stop with ENOSPC at exactly the limit");
	close(fd);
	TAP_OK(unlink(f) == 0 && statfs(m, &sf) == 0 && sf.f_bfree == sf.f_blocks,
	       "unlink gives the space back");
	fd = open(f, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	TAP_OK(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf), "writing again works");
	TAP_ERRNO(fallocate(fd, 0, 0, 1024 * 1024), ENOSPC, "fallocate past the limit: ENOSPC");
	close(fd);
	return TAP_DONE();
}
