/* vfs/poll.c - the fd-table side of poll(2) and select(2).
 * Owns nothing. Must not block or touch guest memory (handlers copy the arrays). */
#include <errno.h>
#include <string.h>
#include "vfs/poll.h"
#include "vfs/vfs.h"

int vfs_poll_scan(struct vfs_fdtable *fdt, struct pollfd *fds, unsigned long nfds,
		  vfs_poll_queue_fn queue, void *arg)
{
	int count = 0;
	for (unsigned long i = 0; i < nfds; i++) {
		struct pollfd *p = &fds[i];
		p->revents = 0;
		if (p->fd < 0)
			continue;
		struct vfs_file *f = vfs_fdtable_lookup(fdt, p->fd);
		if (!f) {
			p->revents = POLLNVAL;
			count++;
			continue;
		}
		uint32_t want = (uint16_t)p->events | EPOLLERR | EPOLLHUP;
		uint32_t m = vfs_poll_file(f) & want;
		p->revents = (short)m;
		if (m)
			count++;
		struct waitq *wq = vfs_poll_waitq(f);
		if (queue && wq)
			queue(arg, wq, want);
		vfs_file_put(f);
	}
	return count;
}

#define BITS_PER_LONG_ (8 * sizeof(unsigned long))
static inline bool bit_test(const unsigned long *s, int i)
{
	return s && (s[i / BITS_PER_LONG_] >> (i % BITS_PER_LONG_)) & 1;
}

static inline void bit_set(unsigned long *s, int i)
{
	s[i / BITS_PER_LONG_] |= 1UL << (i % BITS_PER_LONG_);
}

int vfs_select_scan(struct vfs_fdtable *fdt, int nfds, const unsigned long *in,
		    const unsigned long *out, const unsigned long *ex, unsigned long *rin,
		    unsigned long *rout, unsigned long *rex, vfs_poll_queue_fn queue, void *arg)
{
	size_t words = ((size_t)nfds + BITS_PER_LONG_ - 1) / BITS_PER_LONG_;
	if (rin)
		memset(rin, 0, words * sizeof(long));
	if (rout)
		memset(rout, 0, words * sizeof(long));
	if (rex)
		memset(rex, 0, words * sizeof(long));
	int count = 0;
	for (int fd = 0; fd < nfds; fd++) {
		bool r = bit_test(in, fd), w = bit_test(out, fd), x = bit_test(ex, fd);
		if (!r && !w && !x)
			continue;
		struct vfs_file *f = vfs_fdtable_lookup(fdt, fd);
		if (!f)
			return -EBADF;
		uint32_t m = vfs_poll_file(f), want = 0;
		if (r) {
			want |= VFS_POLLIN_SET;
			if (m & VFS_POLLIN_SET) {
				bit_set(rin, fd);
				count++;
			}
		}
		if (w) {
			want |= VFS_POLLOUT_SET;
			if (m & VFS_POLLOUT_SET) {
				bit_set(rout, fd);
				count++;
			}
		}
		if (x) {
			want |= VFS_POLLEX_SET;
			if (m & VFS_POLLEX_SET) {
				bit_set(rex, fd);
				count++;
			}
		}
		struct waitq *wq = vfs_poll_waitq(f);
		if (queue && wq)
			queue(arg, wq, want);
		vfs_file_put(f);
	}
	return count;
}
