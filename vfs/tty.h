/* vfs/tty.h - terminals: the line discipline (termios, canonical editing, echo, signals
 * from input characters, VMIN/VTIME), window size, and the job-control state of a
 * terminal (its session and foreground process group).
 *
 * A struct tty is one terminal. A pty pair (vfs/fs/devpts.c) is one struct tty with two
 * sides: the master writes input (processed here, queued for the slave) and reads output
 * (what the slave wrote, after output processing, plus echo). The terminal cvisor itself
 * runs on (a host tty behind vfs/hostfd.c) is a struct tty with no line discipline of its
 * own: the host does the line discipline; only job control (TIOCSPGRP, TIOCSCTTY...) is
 * emulated here, never passed to the host.
 *
 * The VFS does not know tasks: who is calling, which process groups exist and how to
 * signal them is asked of the Sentry through struct tty_job_ops (sentry/tty_ctl.c sets
 * them; unit tests install fakes). Nothing here blocks: reads and writes that must wait
 * return -EAGAIN and the caller parks on the side's wait queue.
 *
 * References: a tty is held by each file open on it (master, slaves, /dev/tty), by its
 * devpts node while the pair lives, and by the session that has it as controlling
 * terminal (tty->session != 0). */
#ifndef CVISOR_VFS_TTY_H
#define CVISOR_VFS_TTY_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "common/list.h"
#include "common/timer.h"
#include "common/waitq.h"
#include "vfs/vfs.h"
#include "vfs/file.h"

struct tty;

#define TTY_NCCS 19
/* The kernel's struct termios2 (TCGETS copies the first 36 bytes: struct termios). */
struct tty_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[TTY_NCCS];
	uint32_t c_ispeed, c_ospeed;
};
#define TTY_KTERMIOS_SIZE 36
#define TTY_KTERMIOS2_SIZE 44

#define TTY_BUF_SIZE 4096   /* input queue (N_TTY_BUF_SIZE) */
#define TTY_OBUF_SIZE 16384 /* output queue towards the master */

/* Who is calling (the thread group whose syscall is being served). */
struct tty_caller {
	int pid, pgid, sid;
	bool session_leader;
	bool cap_sys_admin;
	uint32_t uid, gid; /* fsuid/fsgid: owner of a new pts node */
};

struct tty_job_ops {
	/* Fills @out for the caller; false when there is none (Sentry-internal calls). */
	bool (*caller)(struct tty_caller *out);
	/* Sends @sig to every process of group @pgid (kernel-sent). 0 or -ESRCH. */
	int (*signal_pgrp)(int pgid, int sig);
	/* Sends @sig to process @pid (kernel-sent). 0 or -ESRCH. */
	int (*signal_proc)(int pid, int sig);
	/* The session of process group @pgid, or 0 when no live process is in it. */
	int (*pgrp_session)(int pgid);
	/* Whether @pgid is orphaned (no member has a parent in another group of the session). */
	bool (*pgrp_orphaned)(int pgid);
	/* Whether the caller ignores or blocks @sig. */
	bool (*caller_ignores)(int sig);
	/* Pid namespaces: the numbers above are the Sentry's (the sandbox's namespace);
	 * these translate what the caller is told (0 when not visible to it) and what it
	 * names (0 when no such process group or session exists in its namespace). NULL:
	 * the same numbers. */
	int (*pid_to_caller)(int nr);
	int (*pid_from_caller)(int nr);
};
/* Fills @out for the caller (zeroes and false when unknown). */
bool tty_job_caller(struct tty_caller *out);
/* The vtid of the caller of the tty ioctl being served (0 outside one): lets the Sentry
 * name the caller when it has no notion of the current task. */
int tty_ctx_tid(void);
/* Makes @t the controlling terminal of session @sid with foreground group @pgrp (the
 * Sentry does this for the sandbox's first session on cvisor's own terminal). */
void tty_set_ctty(struct tty *t, int sid, int pgrp);
/* Installs the Sentry's job-control callbacks (NULL: no job control; every caller is in
 * the foreground). */
void tty_set_job_ops(const struct tty_job_ops *ops);

enum tty_kind { TTY_PTY, TTY_HOST };

struct tty {
	int refs;
	enum tty_kind kind;
	struct list_head link; /* every live tty (tty_find_ctty) */
	int index;	       /* pts number; -1 for a host terminal */
	struct tty_termios tio;
	struct {
		uint16_t row, col, xpixel, ypixel;
	} ws;
	int session, pgrp; /* controlling terminal of session (0: none); fg pgrp */

	/* input queue (slave reads). Bytes [0, ilen): the first @icanon_len bytes are
	 * complete lines (canonical) and readable; @iflags marks line ends and EOF. */
	char ibuf[TTY_BUF_SIZE];
	uint8_t iflags[TTY_BUF_SIZE];
	size_t ilen, icanon_len;
	bool lnext;   /* VLNEXT: next character literal */
	bool erasing; /* ECHOPRT erase in progress (not implemented: unused) */
	int column, canon_column;
	/* output queue (master reads) */
	char *obuf;
	size_t ohead, olen;
	bool stopped; /* output stopped by VSTOP / TCOOFF */

	/* VMIN/VTIME timer for non-canonical reads */
	struct stimer vtimer;
	bool vtime_expired;

	/* pty state */
	bool locked;	  /* TIOCSPTLCK */
	bool master_open; /* the master file description exists */
	int slave_opens;  /* open slave file descriptions (incl. /dev/tty) */
	bool slave_ever_opened;
	bool hungup; /* master closed: slave reads EOF, writes EIO */
	bool packet; /* TIOCPKT accepted, not honoured */
	struct waitq slave_wq, master_wq;
	void *devpts; /* struct devpts_inst owning pts/index (NULL once gone) */
	/* Called once when neither the master nor any slave is open any more (devpts
	 * removes pts/N). */
	void (*idle)(struct tty *t);

	/* host terminal */
	int host_fd; /* TTY_HOST: a descriptor for termios queries (owned) */
	dev_t host_rdev;
	struct vfs_file *host_files[8]; /* TTY_HOST: hostfd files on it (borrowed) */
};

/* ---- life ---- */
/* A new pty terminal (one reference) with Linux's default slave termios and @index. */
struct tty *tty_new_pty(int index);
void tty_get(struct tty *t);
void tty_put(struct tty *t);
/* The controlling terminal of session @sid (borrowed), or NULL. */
struct tty *tty_find_ctty(int sid);
/* Live ttys (leak checks). */
extern long tty_live;

/* ---- the line discipline (pty) ---- */
/* Master -> slave: input processing of @len bytes. Returns bytes taken or -EAGAIN when
 * the input queue is full (nothing taken). */
ssize_t tty_input(struct tty *t, const char *buf, size_t len);
/* Slave read: follows ICANON/VMIN/VTIME; @nonblock from O_NONBLOCK. */
ssize_t tty_slave_read(struct tty *t, char *buf, size_t len, bool nonblock);
/* Slave write: output processing into the master's queue. */
ssize_t tty_slave_write(struct tty *t, const char *buf, size_t len);
/* Master read of the output queue. */
ssize_t tty_master_read(struct tty *t, char *buf, size_t len);
uint32_t tty_slave_poll(struct tty *t);
uint32_t tty_master_poll(struct tty *t);
/* The master is gone: hang up the slave side (SIGHUP to the foreground group, EOF). */
void tty_hangup(struct tty *t);
/* The last slave description closed. */
void tty_slave_closed(struct tty *t);
/* The master description closed: hang-up, and idle once no slave is open. */
void tty_master_closed(struct tty *t);
/* Sets termios (TCSETS*): flushes for TCSETSF, re-evaluates canonical state. */
void tty_set_termios(struct tty *t, const struct tty_termios *tio);
void tty_flush(struct tty *t, int queue /* TCIFLUSH TCOFLUSH TCIOFLUSH */);

/* ---- ioctls ---- */
/* The tty ioctls common to both sides and to host terminals. @is_master selects the
 * pty-master variants (TIOCSPGRP from a master is ENOTTY unless it is the caller's
 * controlling terminal...). Returns -ENOIOCTLCMD (-515) for requests it does not know. */
#define TTY_ENOIOCTLCMD 515
long tty_ioctl(struct tty *t, struct vfs_file *f, struct vfs_ctx *c, unsigned cmd, uint64_t arg,
	       bool is_master);

/* ---- job control ---- */
/* Before a slave (or host terminal) read: SIGTTIN for a background caller. Returns 0 to
 * go on, -EIO (orphaned group, or SIGTTIN ignored/blocked... as Linux), or -EINTR after
 * sending SIGTTIN. */
int tty_check_read(struct tty *t);
/* Before a write (TOSTOP) or a termios change (@always): SIGTTOU for a background caller.
 * Returns 0 to go on, -EIO, or -EINTR after sending SIGTTOU. */
int tty_check_write(struct tty *t, bool always);
/* The caller opened @t without O_NOCTTY: a session leader with no controlling terminal
 * acquires it (as Linux's tty_open). */
void tty_open_maybe_ctty(struct tty *t, int open_flags);
/* Session @sid's leader exited: the terminal gets SIGHUP/SIGCONT to its foreground group
 * and is disassociated (as Linux's disassociate_ctty). */
void tty_session_leader_exit(int sid);
/* Sends @sig to the foreground process group of @t (ISIG, SIGWINCH). */
void tty_signal_fg(struct tty *t, int sig);

/* ---- the host terminal (vfs/hostfd.c) ---- */
/* Returns a new reference to the tty object for the host terminal behind @host_fd (one
 * per terminal, shared by every hostfd file on it), or NULL when @host_fd is no tty.
 * @file is the hostfd file description being made (borrowed; the first one becomes what
 * /dev/tty opens when this terminal is a controlling terminal). */
struct tty *tty_host_attach(int host_fd, struct vfs_file *file);
/* The hostfd file @file is going away (detach it if /dev/tty would open it). */
void tty_host_detach(struct tty *t, struct vfs_file *file);
/* ioctl(2) on a host-terminal file: job control emulated on @t, termios and window size
 * passed to @host_fd, -ENOTTY for the rest. */
long tty_host_ioctl(struct tty *t, int host_fd, struct vfs_file *f, struct vfs_ctx *c, unsigned cmd,
		    uint64_t arg);
/* Whether the host terminal has TOSTOP set (hostfd asks before tty_check_write). */
bool tty_host_tostop(struct tty *t);
/* The host terminal with @host_fd's rdev, if one is attached (borrowed), for signal
 * forwarding. */
struct tty *tty_host_find(void);
/* The caller's controlling terminal (borrowed) or NULL (/dev/tty). */
struct tty *tty_caller_ctty(void);

/* ---- implemented by the Sentry (sentry/tty_ctl.c) ---- */
struct thread_group;
/* Called by sandbox.c once init's stub exists: cvisor's own terminal (if stdio is one)
 * becomes the controlling terminal of init's session, and SIGINT, SIGQUIT, SIGTSTP,
 * SIGWINCH, SIGHUP, SIGTERM sent to cvisor are forwarded to the sandbox. 0 or -errno. */
int tty_ctl_sandbox_start(struct thread_group *init);
/* Called by task.c when @tg dies (becomes a zombie): a session leader's terminal hangs up
 * its foreground group and is released. */
void tty_ctl_group_exit(struct thread_group *tg);

#endif
