/* sentry/console.h - OCI consoles (`--console-socket`): a host pty, whose master went to
 * containerd (or conmon), proxied byte for byte to a pty of the sandbox's own devpts.
 *
 * The app gets a real terminal of the Sentry (line discipline, job control, /dev/pts/N,
 * its session's controlling terminal); the host pty only carries bytes: its slave, which
 * the Sentry keeps, is in raw mode. containerd resizes the host pty (TIOCSWINSZ on its
 * master); whoever has the host slave as controlling terminal gets SIGWINCH and asks
 * console_sync_winsize to copy the size over (the Sentry itself for init's console,
 * `cvisor exec`'s stand-in for an exec'd process's, through the control socket).
 *
 * Ends: when the host master is closed the sandbox pty's master is closed too (SIGHUP to
 * the session, as Linux's hang-up); when the process it was made for is gone the console
 * writes out what is still queued and closes its host slave (containerd reads EOF once
 * the other holders, the stand-ins, are gone too). */
#ifndef CVISOR_SENTRY_CONSOLE_H
#define CVISOR_SENTRY_CONSOLE_H

struct console;
struct thread_group;

/* Makes a pty pair on the devpts mounted at /dev/pts in @tg's mount namespace, installs
 * its slave (/dev/pts/N, owned by @tg's uid) as fds 0, 1 and 2 of @tg, makes it the
 * controlling terminal of @tg's session (foreground group: @tg's) and starts proxying
 * between it and the host pty slave @host_fd (consumed, even on failure), which is put
 * in raw mode. @tg must not have run yet. Returns 0 and the console in *@out (owned by
 * the caller until console_release), or -errno. Needs the event loop (loop_init). */
int console_attach(struct thread_group *tg, int host_fd, struct console **out);

/* Copies the host pty's window size to the sandbox pty; SIGWINCH to its foreground
 * group when it changed (TIOCSWINSZ semantics). */
void console_sync_winsize(struct console *c);
/* console_sync_winsize on every console, and a look at whether a host side hung up
 * (the Sentry got SIGWINCH or SIGHUP from its own terminal). */
void console_sync_all(void);

/* The caller is done with @c (its process is gone): what the sandbox pty still holds is
 * written to the host, then both ptys are closed. @c must not be used afterwards. */
void console_release(struct console *c);

/* The Sentry is about to exit: writes what every console still holds to its host pty,
 * waiting at most @timeout_ms in all. */
void console_flush_all(int timeout_ms);

/* Live consoles (leak checks). */
extern long console_live;

#endif
