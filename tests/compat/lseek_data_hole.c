/* lseek_data_hole.c - SEEK_DATA / SEEK_HOLE on a sparse file; ENXIO past EOF. */
/* syscalls: lseek pwrite64 ftruncate */
#include "tap.h"

int main(void)
{
	off_t d, h;
	int fd;

	TAP_PLAN(5);
	fd = open(tap_path("f"), O_RDWR | O_CREAT, 0600);
	ftruncate(fd, 1 << 20);
	pwrite(fd, "x", 1, 512 * 1024);
	d = lseek(fd, 0, SEEK_DATA);
	TAP_OK(d >= 0 && d <= 512 * 1024, "SEEK_DATA from 0 finds data at or before 512K (%ld)", (long)d);
	h = lseek(fd, 512 * 1024, SEEK_HOLE);
	TAP_OK(h > 512 * 1024 && h <= 1 << 20, "SEEK_HOLE after the data (%ld)", (long)h);
	TAP_OK(lseek(fd, (1 << 20) - 1, SEEK_HOLE) == (1 << 20) - 1 ||
		       lseek(fd, (1 << 20) - 1, SEEK_HOLE) == 1 << 20, "SEEK_HOLE near EOF");
	TAP_ERRNO(lseek(fd, 1 << 20, SEEK_DATA), ENXIO, "SEEK_DATA at EOF -> ENXIO");
	TAP_ERRNO(lseek(fd, (1 << 20) + 5, SEEK_HOLE), ENXIO, "SEEK_HOLE past EOF -> ENXIO");
	close(fd);
	return TAP_DONE();
}
