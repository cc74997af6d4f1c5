/* sentry/crash.c - when the Sentry itself faults: a libunwind backtrace into the debug log
 * (and stderr), then death by the same signal. A Sentry crash is our bug, never the app's:
 * the message says so. */
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include "sentry/sandbox.h"
#include "common/log.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void crash_write(const char *s, int n)
{
	if (log_fd() >= 0)
		(void)!write(log_fd(), s, n);
	(void)!write(2, s, n);
}

static void crash_handler(int sig, siginfo_t *si, void *uc)
{
	char line[256];
	unw_cursor_t cur;
	unw_context_t ctx;
	int n = snprintf(line, sizeof(line),
			 "cvisor: sentry crashed with signal %d at %p (a cvisor bug); backtrace:\n",
			 sig, si->si_addr);
	crash_write(line, n);
	unw_getcontext(&ctx);
	unw_init_local(&cur, &ctx);
	for (int depth = 0; depth < 64 && unw_step(&cur) > 0; depth++) {
		unw_word_t ip, off;
		char name[128] = "?";
		unw_get_reg(&cur, UNW_REG_IP, &ip);
		unw_get_proc_name(&cur, name, sizeof(name), &off);
		n = snprintf(line, sizeof(line), "  #%d 0x%lx %s+0x%lx\n", depth,
			     (unsigned long)ip, name, (unsigned long)off);
		crash_write(line, n);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void sentry_crash_handler_install(void)
{
	static char altstack[64 * 1024];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	struct sigaction sa;
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = crash_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
}
