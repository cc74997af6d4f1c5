/* sigaltstack_basic.c - SA_ONSTACK handler runs on the alternate stack; SS_ONSTACK inside. */
/* syscalls: sigaltstack rt_sigaction tgkill */
#include "tap.h"
#include <signal.h>

static char altstack[1 << 16];
static volatile int on_alt, ss_flags;

static void handler(int sig)
{
	char local;
	stack_t cur;

	on_alt = &local >= altstack && &local < altstack + sizeof(altstack);
	sigaltstack(NULL, &cur);
	ss_flags = cur.ss_flags;
}

int main(void)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) }, old;
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };

	TAP_PLAN(5);
	TAP_OK(sigaltstack(&ss, &old) == 0 && (old.ss_flags & SS_DISABLE), "install; old was disabled");
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	TAP_OK(on_alt, "handler ran on the alternate stack");
	TAP_OK(ss_flags & SS_ONSTACK, "SS_ONSTACK reported inside the handler");
	ss.ss_size = 100;
	TAP_ERRNO(sigaltstack(&ss, NULL), ENOMEM, "size < MINSIGSTKSZ -> ENOMEM");
	ss.ss_flags = 0x1234;
	ss.ss_size = sizeof(altstack);
	TAP_ERRNO(sigaltstack(&ss, NULL), EINVAL, "bad flags -> EINVAL");
	return TAP_DONE();
}
