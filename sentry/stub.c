/* sentry/stub.c - host syscalls the Sentry runs inside a stopped stub: injection, and
 * passing host fds into a stub's host fd table over the channel socket (SCM_RIGHTS) for
 * the duration of an injected mmap or exec. Every fd installed here is closed again by
 * the caller (stub_close_fd): the app never owns a host fd. */
#include "sentry/task.h"
#include "platform/stub_layout.h"
#include "common/log.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int sentry_channel_fd = -1;
int sentry_channel_peer_fd = -1; /* a copy of the stubs' end, to drain stale messages */
/* a message may be left in the channel (an install failed after its sendmsg) */
static bool channel_dirty;

long stub_inject(struct task *t, long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		 uint64_t a4, uint64_t a5)
{
	uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
	int deferred = 0;
	long r = plat->inject(t->host_tid, &t->regs, nr, args, &deferred);
	if (deferred)
		t->deferred_sig = deferred;
	t->regs_dirty = true; /* the stub's registers are the injection's now */
	return r;
}

static void drain_channel(void)
{
	char b;
	char cbuf[CMSG_SPACE(sizeof(int) * 8)];
	for (;;) {
		struct iovec iov = {&b, 1};
		struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				   .msg_controllen = sizeof(cbuf)};
		if (recvmsg(sentry_channel_peer_fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_type != SCM_RIGHTS)
				continue;
			int n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (int i = 0; i < n; i++)
				close(((int *)CMSG_DATA(c))[i]);
		}
	}
}

int stub_install_fd(struct task *t, int host_fd)
{
	/* Layout in the stub's scratch page: msghdr, iovec, 1 data byte, cmsg buffer. */
	struct {
		struct msghdr msg;
		struct iovec iov;
		char data[8];
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} ctl;
	} img;
	uint64_t base = STUB_SCRATCH_ADDR + 0x800;
	char byte = 'F';
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {&byte, 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			   .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *c;
	long r;

	if (channel_dirty) {
		drain_channel();
		channel_dirty = false;
	}
	memset(&img, 0, sizeof(img));
	img.msg.msg_iov = (void *)(uintptr_t)(base + offsetof(__typeof__(img), iov));
	img.msg.msg_iovlen = 1;
	img.msg.msg_control = (void *)(uintptr_t)(base + offsetof(__typeof__(img), ctl));
	img.msg.msg_controllen = sizeof(img.ctl.buf);
	img.iov.iov_base = (void *)(uintptr_t)(base + offsetof(__typeof__(img), data));
	img.iov.iov_len = 1;
	if (guest_copy_out(&t->mem, base, &img, sizeof(img)) < 0)
		return -EFAULT;
	memset(&ctl, 0, sizeof(ctl));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &host_fd, sizeof(int));
	if (sendmsg(sentry_channel_fd, &m, MSG_DONTWAIT) != 1)
		return -errno;
	r = stub_inject(t, SYS_recvmsg, STUB_CHANNEL_FD, base, MSG_CMSG_CLOEXEC | MSG_DONTWAIT,
			0, 0, 0);
	if (r != 1) {
		channel_dirty = true; /* drained before the next install */
		return r < 0 ? (int)r : -EIO;
	}
	if (guest_copy_in(&t->mem, &img, base, sizeof(img)) < 0)
		return -EFAULT;
	struct msghdr gm = img.msg;
	gm.msg_control = img.ctl.buf;
	c = CMSG_FIRSTHDR(&gm);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -EIO;
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int stub_close_fd(struct task *t, int stub_fd)
{
	long r = stub_inject(t, SYS_close, stub_fd, 0, 0, 0, 0, 0);
	return r < 0 ? (int)r : 0;
}
