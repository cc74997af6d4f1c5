/* fifo_hup_reader.c - a fifo reader sees POLLHUP once the last writer closes, whether it was
 * opened before the writer came (O_NONBLOCK) or while a writer was open (a blocking open
 * that returns at once). Only a reader opened O_NONBLOCK with no writer waits for a writer
 * before it can see POLLHUP. dockerd reads a container's stdout fifo opened this way from
 * epoll (edge-triggered): without the hangup it waits for a timeout after every exit. */
/* syscalls: mknodat openat poll epoll_create1 epoll_ctl epoll_wait read close */
#include <poll.h>
#include <sys/epoll.h>
#include "tap.h"

static short revents(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

int main(void)
{
	char path[256], b;

	TAP_PLAN(6);
	snprintf(path, sizeof(path), "%s/hup.fifo", tap_tmpdir());
	TAP_OK(mkfifo(path, 0600) == 0, "mkfifo");
	int early = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	TAP_OK(early >= 0 && revents(early) == 0, "a reader opened with no writer: no POLLHUP yet");
	int w = open(path, O_WRONLY | O_CLOEXEC);
	/* a writer is open: this blocking open returns at once */
	int late = open(path, O_RDONLY | O_CLOEXEC);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.fd = late};
	fcntl(late, F_SETFL, O_NONBLOCK);
	TAP_OK(w >= 0 && late >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, late, &ev) == 0 &&
		   read(late, &b, 1) == -1 && errno == EAGAIN && revents(late) == 0,
	       "with a writer open: readers see nothing, read is EAGAIN");
	close(w);
	struct epoll_event out = {0};
	TAP_OK(epoll_wait(ep, &out, 1, 1000) == 1 && out.data.fd == late && (out.events & EPOLLHUP),
	       "the writer closes: edge-triggered epoll reports EPOLLHUP to the later reader");
	TAP_OK((revents(late) & POLLHUP) && (revents(early) & POLLHUP),
	       "poll: POLLHUP for both readers");
	TAP_OK(read(late, &b, 1) == 0 && read(early, &b, 1) == 0, "read: end of file");
	return TAP_DONE();
}
