/* fifo_epoll_hup.c - when a fifo reader sees EPOLLHUP: a reader whose blocking open was
 * woken by a writer (containerd's fifo: a goroutine opens /proc/self/fd/N of an O_PATH fd;
 * dockerd then waits in epoll for the end of a container's output) gets EPOLLIN, then
 * EPOLLHUP once the writer has exited, without which it waits forever; so does a reader
 * that opened while a writer was there; a reader opened O_NONBLOCK with no writer sees no
 * EPOLLHUP until a writer came and went (Linux's f_version rule). */
/* syscalls: mknodat openat epoll_ctl epoll_wait poll read */
#include "tap.h"
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char link_path[64];
static int opened_fd = -1;

static void *open_reader(void *arg)
{
	opened_fd = open(link_path, O_RDONLY);
	return NULL;
}

/* A child that opens @path for writing, writes @msg and exits. */
static pid_t writer(const char *path, const char *msg)
{
	pid_t pid = fork();
	if (pid == 0) {
		int w = open(path, O_WRONLY);
		_exit(w >= 0 && write(w, msg, strlen(msg)) == (ssize_t)strlen(msg) ? 0 : 1);
	}
	return pid;
}

static short revents(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

int main(void)
{
	char path[256], buf[16];
	TAP_PLAN(8);
	snprintf(path, sizeof(path), "%s/out.fifo", tap_tmpdir());
	mkfifo(path, 0600);

	/* containerd's way: the reader's blocking open, through /proc/self/fd, on a thread */
	int pfd = open(path, O_PATH | O_CLOEXEC);
	snprintf(link_path, sizeof(link_path), "/proc/self/fd/%d", pfd);
	pthread_t t;
	pthread_create(&t, NULL, open_reader, NULL);
	pid_t pid = writer(path, "hi");
	pthread_join(t, NULL);
	int r = opened_fd;
	TAP_OK(r >= 0 && fcntl(r, F_SETFL, O_NONBLOCK) == 0,
	       "the reader's open returns once a writer opens");
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, r, &ev);
	int status;
	waitpid(pid, &status, 0);
	TAP_OK(epoll_wait(ep, &out, 1, 5000) == 1 && (out.events & EPOLLIN) &&
		   read(r, buf, sizeof(buf)) == 2,
	       "EPOLLIN, the data");
	TAP_OK((out.events & EPOLLHUP) ||
		   (epoll_wait(ep, &out, 1, 5000) == 1 && (out.events & EPOLLHUP)),
	       "EPOLLHUP once the writer has exited (events %#x)", out.events);
	TAP_OK(read(r, buf, sizeof(buf)) == 0, "then read says EOF");
	close(r);

	/* a reader that opens while a writer holds the fifo open */
	int w0 = -1;
	pid = fork();
	if (pid == 0) {
		w0 = open(path, O_WRONLY);
		sleep(5);
		_exit(0);
	}
	r = open(path, O_RDONLY);
	TAP_OK(r >= 0 && !(revents(r) & POLLHUP), "a reader while a writer is there: no POLLHUP");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	TAP_OK(revents(r) & POLLHUP, "POLLHUP once that writer is gone");
	close(r);

	/* O_NONBLOCK without a writer: no POLLHUP until one came and went */
	r = open(path, O_RDONLY | O_NONBLOCK);
	TAP_OK(r >= 0 && revents(r) == 0, "a non-blocking reader without a writer: no POLLHUP");
	w0 = open(path, O_WRONLY);
	close(w0);
	TAP_OK(revents(r) & POLLHUP, "POLLHUP after a writer came and went");
	close(r);
	return TAP_DONE();
}
