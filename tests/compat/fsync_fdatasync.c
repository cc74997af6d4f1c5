/* fsync_fdatasync.c - fsync/fdatasync/syncfs/sync_file_range succeed on files; EBADF/EINVAL. */
/* syscalls: fsync fdatasync syncfs sync sync_file_range */
#include "tap.h"

int main(void)
{
	int fd, p[2];

	TAP_PLAN(7);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	write(fd, "x", 1);
	TAP_OK(fsync(fd) == 0, "fsync");
	TAP_OK(fdatasync(fd) == 0, "fdatasync");
	TAP_OK(syncfs(fd) == 0, "syncfs");
	sync();
	TAP_OK(sync_file_range(fd, 0, 1, SYNC_FILE_RANGE_WRITE) == 0, "sync_file_range");
	TAP_ERRNO(fsync(999), EBADF, "fsync bad fd -> EBADF");
	pipe(p);
	TAP_ERRNO(fsync(p[0]), EINVAL, "fsync on pipe -> EINVAL");
	TAP_ERRNO(sync_file_range(fd, 0, 1, 0x100), EINVAL, "bad flags -> EINVAL");
	close(fd);
	return TAP_DONE();
}
