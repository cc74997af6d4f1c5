/* fifo_blocking_open.c - a blocking O_RDONLY open of a fifo waits for a writer (child). */
/* syscalls: openat mknodat fork read write */
#include "tap.h"

int main(void)
{
	char buf[8] = { 0 };
	pid_t pid;
	int r;

	TAP_PLAN(3);
	mkfifo(tap_path("f"), 0600);
	pid = fork();
	if (pid == 0) {
		int w = open(tap_path("f"), O_WRONLY);

		write(w, "hi", 2);
		_exit(0);
	}
	r = open(tap_path("f"), O_RDONLY);
	TAP_OK(r >= 0, "blocking open returns once the writer opens");
	TAP_OK(read(r, buf, 8) == 2 && !strcmp(buf, "hi"), "reads writer data");
	tap_wait(pid);
	TAP_OK(read(r, buf, 8) == 0, "EOF after writer exit");
	return TAP_DONE();
}
