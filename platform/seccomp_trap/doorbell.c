/* platform/seccomp_trap/doorbell.c - the Sentry's second way to be woken: a helper
 * thread that waits (futex_waitv) on the doorbell word of every slot region and turns a
 * ring into a write to the platform's eventfd. A stub rings it when its write to
 * STUB_WAKE_FD is refused, which happens when the app stacked its own seccomp filter on
 * the stub's (the Sentry's translation of that filter stops every call the Sentry
 * emulates, the runtime's write included). futex stays a native call under any filter
 * an app can use and still run (libc needs it).
 *
 * The thread owns nothing of the Sentry: it reads the region list under db_lock and
 * writes to the eventfd. The main thread maps and unmaps regions under the same lock. */
#include "platform/seccomp_trap/trap.h"
#include "common/log.h"
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_BELLS (FUTEX_WAITV_MAX - 1)

static pthread_mutex_t db_lock = PTHREAD_MUTEX_INITIALIZER;
static char *bells[MAX_BELLS];
static int n_bells;
static uint32_t db_ctl; /* bumped when the list changes */
static int db_wake_fd = -1;

static uint32_t *bell_word(char *base)
{
	return (uint32_t *)(base + HDR_DOORBELL);
}

static void *doorbell_main(void *arg)
{
	struct futex_waitv v[FUTEX_WAITV_MAX];
	uint32_t seen[MAX_BELLS];
	for (;;) {
		int n = 0;
		pthread_mutex_lock(&db_lock);
		v[n++] = (struct futex_waitv){.val = __atomic_load_n(&db_ctl, __ATOMIC_ACQUIRE),
					      .uaddr = (uintptr_t)&db_ctl,
					      .flags = FUTEX_32 | FUTEX_PRIVATE_FLAG};
		for (int i = 0; i < n_bells; i++) {
			seen[i] = __atomic_load_n(bell_word(bells[i]), __ATOMIC_ACQUIRE);
			v[n++] = (struct futex_waitv){.val = seen[i],
						      .uaddr = (uintptr_t)bell_word(bells[i]),
						      .flags = FUTEX_32};
		}
		pthread_mutex_unlock(&db_lock);
		long r = syscall(SYS_futex_waitv, v, n, 0, NULL, CLOCK_MONOTONIC);
		if (r < 0 && errno != EAGAIN && errno != EINTR) {
			log_warn("seccomp-trap: doorbell thread: futex_waitv: %s", strerror(errno));
			return NULL;
		}
		if (r != 0) { /* a doorbell rang (or changed while we looked) */
			uint64_t one = 1;
			(void)!write(db_wake_fd, &one, sizeof(one));
		}
	}
}

int trap_doorbell_start(int wake_fd)
{
	pthread_t th;
	sigset_t all, old;
	db_wake_fd = wake_fd;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old); /* the Sentry's signals stay its own */
	int r = pthread_create(&th, NULL, doorbell_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r)
		return -r;
	pthread_detach(th);
	return 0;
}

static void kick(void)
{
	__atomic_add_fetch(&db_ctl, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &db_ctl, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void trap_doorbell_add(char *base)
{
	pthread_mutex_lock(&db_lock);
	if (n_bells < MAX_BELLS)
		bells[n_bells++] = base;
	pthread_mutex_unlock(&db_lock);
	kick();
}

void trap_doorbell_lock(void)
{
	pthread_mutex_lock(&db_lock);
}

void trap_doorbell_remove_locked(char *base)
{
	for (int i = 0; i < n_bells; i++)
		if (bells[i] == base) {
			bells[i] = bells[--n_bells];
			break;
		}
}

void trap_doorbell_unlock(void)
{
	pthread_mutex_unlock(&db_lock);
	kick();
}
