/* proc_self_exe.c - /proc/self/exe links to the running binary and can be opened. */
/* syscalls: readlink openat */
#include "tap.h"

int main(int argc, char **argv)
{
	char target[512] = { 0 }, hdr[4];
	int fd;

	TAP_PLAN(3);
	TAP_OK(readlink("/proc/self/exe", target, sizeof(target)) > 0 && target[0] == '/', "absolute link");
	TAP_OK(strstr(target, "proc_self_exe") != NULL, "names this binary (%s)", target);
	fd = open("/proc/self/exe", O_RDONLY);
	TAP_OK(fd >= 0 && read(fd, hdr, 4) == 4 && !memcmp(hdr, "\177ELF", 4), "opens to an ELF file");
	return TAP_DONE();
}
