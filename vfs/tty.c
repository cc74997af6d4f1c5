/* vfs/tty.c - terminals: the life of struct tty, the line discipline of pseudo-terminals
 * (n_tty as Linux: input processing, canonical editing, echo, ISIG, output processing,
 * VMIN/VTIME), job control (controlling terminal, foreground group, SIGTTIN/SIGTTOU,
 * hang-up), the tty ioctls, and the host terminal's emulated job control.
 * The files (pty master, slave, /dev/tty) are vfs/fs/devpts.c's.
 *
 * Must not call into the Sentry except through struct tty_job_ops, and never blocks. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "platform/guest_mem.h"
#include <sys/epoll.h>
#include "vfs/tty.h"

#define F_EOL 0x1 /* this byte ends a canonical line */
#define F_EOF 0x2 /* an EOF marker (VEOF): no data */

#define RD_EV (EPOLLIN | EPOLLRDNORM)
#define WR_EV (EPOLLOUT | EPOLLWRNORM)

long tty_live;
static struct list_head all_ttys = LIST_HEAD_INIT(all_ttys);
static const struct tty_job_ops *job;

void tty_set_job_ops(const struct tty_job_ops *ops)
{
	job = ops;
}

#define I(t, f) ((t)->tio.c_iflag & (f))
#define O(t, f) ((t)->tio.c_oflag & (f))
#define L(t, f) ((t)->tio.c_lflag & (f))

static bool is_cc(const struct tty *t, int idx, unsigned char c)
{
	return t->tio.c_cc[idx] != _POSIX_VDISABLE && c == t->tio.c_cc[idx];
}

static void vtimer_fn(struct stimer *tm)
{
	struct tty *t = tm->priv;
	t->vtime_expired = true;
	waitq_wake(&t->slave_wq, RD_EV);
}

/* Linux's tty_std_termios with the pty slave's speeds. */
static void std_termios(struct tty_termios *tio)
{
	static const uint8_t cc[TTY_NCCS] = {3,	 28, 127, 21, 4,  0,  1,  0, 17,
					     19, 26, 0,	  18, 15, 23, 22, 0};
	memset(tio, 0, sizeof(*tio));
	tio->c_iflag = ICRNL | IXON;
	tio->c_oflag = OPOST | ONLCR;
	tio->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	tio->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(tio->c_cc, cc, sizeof(cc));
	tio->c_ispeed = tio->c_ospeed = 38400;
}

static struct tty *tty_alloc(enum tty_kind kind)
{
	struct tty *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->refs = 1;
	t->kind = kind;
	t->index = -1;
	t->host_fd = -1;
	std_termios(&t->tio);
	waitq_init(&t->slave_wq);
	waitq_init(&t->master_wq);
	stimer_init(&t->vtimer, vtimer_fn, t);
	list_add_tail(&t->link, &all_ttys);
	tty_live++;
	return t;
}

/* See tty.h. */
struct tty *tty_new_pty(int index)
{
	struct tty *t = tty_alloc(TTY_PTY);
	if (!t)
		return NULL;
	t->obuf = malloc(TTY_OBUF_SIZE);
	if (!t->obuf) {
		tty_put(t);
		return NULL;
	}
	t->index = index;
	return t;
}

void tty_get(struct tty *t)
{
	t->refs++;
}

void tty_put(struct tty *t)
{
	if (!t || --t->refs > 0)
		return;
	stimer_cancel(&t->vtimer);
	list_del(&t->link);
	/* Anyone still parked on us is woken to see the file gone. */
	waitq_wake(&t->slave_wq, RD_EV | WR_EV | EPOLLHUP | EPOLLERR);
	waitq_wake(&t->master_wq, RD_EV | WR_EV | EPOLLHUP | EPOLLERR);
	if (t->host_fd >= 0)
		close(t->host_fd);
	free(t->obuf);
	free(t);
	tty_live--;
}

/* See tty.h. */
struct tty *tty_find_ctty(int sid)
{
	struct tty *t;
	if (sid <= 0)
		return NULL;
	list_for_each_entry(t, &all_ttys, link) if (t->session == sid) return t;
	return NULL;
}

/* ---- output: the queue the master reads ---- */

static size_t oroom(const struct tty *t)
{
	return TTY_OBUF_SIZE - t->olen;
}

static void oput(struct tty *t, char c)
{
	if (!t->obuf || !oroom(t))
		return;
	t->obuf[(t->ohead + t->olen) % TTY_OBUF_SIZE] = c;
	t->olen++;
}

/* Output processing of one character (OPOST). Returns false when the queue lacks room
 * for its expansion (nothing queued). */
static bool opost(struct tty *t, unsigned char c)
{
	if (oroom(t) < 8)
		return false;
	if (!O(t, OPOST)) {
		oput(t, (char)c);
		return true;
	}
	switch (c) {
	case '\n':
		if (O(t, ONLRET))
			t->column = 0;
		if (O(t, ONLCR)) {
			t->column = 0;
			oput(t, '\r');
		}
		t->canon_column = t->column;
		break;
	case '\r':
		if (O(t, ONOCR) && t->column == 0)
			return true;
		if (O(t, OCRNL)) {
			c = '\n';
			if (O(t, ONLRET))
				t->canon_column = t->column = 0;
			break;
		}
		t->canon_column = t->column = 0;
		break;
	case '\t': {
		int spaces = 8 - (t->column & 7);
		if ((t->tio.c_oflag & TABDLY) == XTABS) {
			t->column += spaces;
			while (spaces--)
				oput(t, ' ');
			return true;
		}
		t->column += spaces;
		break;
	}
	case '\b':
		if (t->column > 0)
			t->column--;
		break;
	default:
		if (!iscntrl(c)) {
			if (O(t, OLCUC))
				c = (unsigned char)toupper(c);
			if ((c & 0xc0) != 0x80) /* not a UTF-8 continuation byte */
				t->column++;
		}
	}
	oput(t, (char)c);
	return true;
}

/* ---- echo ---- */

static void echo_raw(struct tty *t, unsigned char c)
{
	opost(t, c);
}

/* Echoes an input character: control characters as ^X under ECHOCTL. */
static void echo_char(struct tty *t, unsigned char c)
{
	if (L(t, ECHOCTL) && (iscntrl(c) || c == 0x7f) && c != '\t' && c != '\n') {
		echo_raw(t, '^');
		echo_raw(t, c ^ 0100);
	} else {
		echo_raw(t, c);
	}
}

/* Columns a character of the line being edited took when echoed. */
static int echo_width(struct tty *t, size_t idx)
{
	unsigned char c = (unsigned char)t->ibuf[idx];
	if (c == '\t') {
		int col = t->canon_column;
		for (size_t i = t->icanon_len; i < idx; i++)
			col += t->ibuf[i] == '\t' ? 8 - (col & 7) : echo_width(t, i);
		return 8 - (col & 7);
	}
	if ((iscntrl(c) || c == 0x7f) && L(t, ECHOCTL))
		return 2;
	if ((c & 0xc0) == 0x80)
		return 0;
	return 1;
}

/* Removes the last character of the line being edited, echoing as ECHOE/ECHO say. */
static void erase_one(struct tty *t, unsigned char erase_char, bool visual)
{
	if (t->ilen <= t->icanon_len)
		return;
	size_t idx = t->ilen - 1;
	/* A UTF-8 character goes as a whole. */
	while (idx > t->icanon_len && ((unsigned char)t->ibuf[idx] & 0xc0) == 0x80)
		idx--;
	int w = 0;
	for (size_t i = idx; i < t->ilen; i++)
		w += echo_width(t, i);
	t->ilen = idx;
	if (!L(t, ECHO))
		return;
	if (visual) {
		while (w-- > 0) {
			echo_raw(t, '\b');
			echo_raw(t, ' ');
			echo_raw(t, '\b');
		}
	} else {
		echo_char(t, erase_char);
	}
}

/* ---- input ---- */

static void iput(struct tty *t, unsigned char c, uint8_t flags)
{
	if (t->ilen >= TTY_BUF_SIZE)
		return;
	t->ibuf[t->ilen] = (char)c;
	t->iflags[t->ilen] = flags;
	t->ilen++;
}

static void line_done(struct tty *t)
{
	t->icanon_len = t->ilen;
	t->canon_column = t->column;
}

/* ISIG: flush (unless NOFLSH), signal the foreground group, echo the character. */
static void isig(struct tty *t, int sig, unsigned char c)
{
	if (!L(t, NOFLSH)) {
		t->ilen = t->icanon_len = 0;
		t->olen = 0;
	}
	if (I(t, IXON))
		t->stopped = false;
	tty_signal_fg(t, sig);
	if (L(t, ECHO))
		echo_char(t, c);
}

static void reprint(struct tty *t, unsigned char c)
{
	echo_char(t, c);
	echo_raw(t, '\n');
	for (size_t i = t->icanon_len; i < t->ilen; i++)
		echo_char(t, (unsigned char)t->ibuf[i]);
}

static void werase(struct tty *t)
{
	bool seen_word = false;
	while (t->ilen > t->icanon_len) {
		unsigned char c = (unsigned char)t->ibuf[t->ilen - 1];
		bool word = isalnum(c) || c == '_';
		if (!word && seen_word)
			break;
		if (word)
			seen_word = true;
		erase_one(t, c, true);
	}
}

/* The canonical-mode special characters. Returns true when @c was consumed. */
static bool canon_special(struct tty *t, unsigned char c)
{
	if (is_cc(t, VERASE, c)) {
		erase_one(t, c, L(t, ECHOE));
		return true;
	}
	if (is_cc(t, VKILL, c)) {
		if (L(t, ECHO) && L(t, ECHOKE) && L(t, ECHOE)) {
			while (t->ilen > t->icanon_len)
				erase_one(t, c, true);
		} else {
			t->ilen = t->icanon_len;
			if (L(t, ECHO)) {
				echo_char(t, c);
				if (L(t, ECHOK))
					echo_raw(t, '\n');
			}
		}
		return true;
	}
	if (L(t, IEXTEN) && is_cc(t, VWERASE, c)) {
		werase(t);
		return true;
	}
	if (L(t, IEXTEN) && is_cc(t, VLNEXT, c)) {
		t->lnext = true;
		if (L(t, ECHO) && L(t, ECHOCTL)) {
			echo_raw(t, '^');
			echo_raw(t, '\b');
		}
		return true;
	}
	if (L(t, IEXTEN) && is_cc(t, VREPRINT, c)) {
		if (L(t, ECHO))
			reprint(t, c);
		return true;
	}
	if (c == '\n' || is_cc(t, VEOL, c) || (L(t, IEXTEN) && is_cc(t, VEOL2, c))) {
		if (L(t, ECHO) || (c == '\n' && L(t, ECHONL)))
			echo_char(t, c);
		iput(t, c, F_EOL);
		line_done(t);
		return true;
	}
	if (is_cc(t, VEOF, c)) {
		iput(t, 0, F_EOL | F_EOF);
		line_done(t);
		return true;
	}
	return false;
}

/* Whether the input queue can take another character. In canonical mode a full queue
 * with no complete line keeps taking (and dropping) characters, so that the line's end
 * can still arrive, as Linux. */
static bool input_full(const struct tty *t)
{
	if (t->ilen < TTY_BUF_SIZE - 1)
		return false;
	return !L(t, ICANON) || t->icanon_len > 0;
}

/* One input character through the line discipline. */
static void receive_char(struct tty *t, unsigned char c)
{
	if (I(t, ISTRIP))
		c &= 0x7f;
	if (I(t, IUCLC) && L(t, IEXTEN))
		c = (unsigned char)tolower(c);
	if (t->lnext) {
		t->lnext = false;
		if (L(t, ECHO)) {
			echo_raw(t, '\b');
			echo_char(t, c);
		}
		iput(t, c, 0);
		return;
	}
	if (I(t, IXON)) {
		if (is_cc(t, VSTOP, c)) {
			t->stopped = true;
			return;
		}
		if (is_cc(t, VSTART, c)) {
			t->stopped = false;
			return;
		}
		if (I(t, IXANY))
			t->stopped = false;
	}
	if (L(t, ISIG)) {
		int sig = is_cc(t, VINTR, c)   ? SIGINT
			  : is_cc(t, VQUIT, c) ? SIGQUIT
			  : is_cc(t, VSUSP, c) ? SIGTSTP
					       : 0;
		if (sig) {
			isig(t, sig, c);
			return;
		}
	}
	if (c == '\r') {
		if (I(t, IGNCR))
			return;
		if (I(t, ICRNL))
			c = '\n';
	} else if (c == '\n' && I(t, INLCR)) {
		c = '\r';
	}
	if (L(t, ICANON)) {
		if (canon_special(t, c))
			return;
		if (t->ilen >= TTY_BUF_SIZE - 1)
			return; /* keep the last slot for the line's end */
	}
	if (L(t, ECHO))
		echo_char(t, c);
	iput(t, c, 0);
}

static bool slave_readable(struct tty *t, bool for_poll)
{
	if (L(t, ICANON))
		return t->icanon_len > 0;
	size_t amt = 1;
	if (for_poll && !t->tio.c_cc[VTIME] && t->tio.c_cc[VMIN])
		amt = t->tio.c_cc[VMIN];
	return t->ilen >= amt;
}

/* See tty.h. */
ssize_t tty_input(struct tty *t, const char *buf, size_t len)
{
	size_t done = 0;
	size_t olen0 = t->olen;
	while (done < len && !input_full(t)) {
		receive_char(t, (unsigned char)buf[done]);
		done++;
	}
	if (!done && len)
		return -EAGAIN;
	if (!L(t, ICANON) && stimer_armed(&t->vtimer) && t->tio.c_cc[VMIN])
		stimer_arm(&t->vtimer, stimer_now_ns() + t->tio.c_cc[VTIME] * 100000000LL);
	if (slave_readable(t, false) || t->ilen)
		waitq_wake(&t->slave_wq, RD_EV);
	if (t->olen != olen0 || t->olen)
		waitq_wake(&t->master_wq, RD_EV);
	return (ssize_t)done;
}

/* Takes @n bytes off the input queue's front. */
static void iconsume(struct tty *t, size_t n)
{
	memmove(t->ibuf, t->ibuf + n, t->ilen - n);
	memmove(t->iflags, t->iflags + n, t->ilen - n);
	t->ilen -= n;
	t->icanon_len = t->icanon_len > n ? t->icanon_len - n : 0;
}

static ssize_t canon_read(struct tty *t, char *buf, size_t len)
{
	size_t i = 0, n = 0;
	while (i < t->icanon_len && n < len) {
		uint8_t fl = t->iflags[i];
		if (fl & F_EOF) {
			i++; /* the EOF marker ends the line and is never returned */
			break;
		}
		buf[n++] = t->ibuf[i++];
		if (fl & F_EOL)
			break;
	}
	iconsume(t, i);
	return (ssize_t)n;
}

static ssize_t raw_take(struct tty *t, char *buf, size_t len)
{
	size_t n = len < t->ilen ? len : t->ilen;
	memcpy(buf, t->ibuf, n);
	iconsume(t, n);
	return (ssize_t)n;
}

/* See tty.h. */
ssize_t tty_slave_read(struct tty *t, char *buf, size_t len, bool nonblock)
{
	ssize_t n;
	if (!len)
		return 0;
	if (L(t, ICANON)) {
		if (!t->icanon_len)
			return t->hungup ? 0 : -EAGAIN;
		n = canon_read(t, buf, len);
	} else {
		unsigned vmin = t->tio.c_cc[VMIN], vtime = t->tio.c_cc[VTIME];
		size_t want = vmin < len ? vmin : len;
		if (t->hungup || (!vmin && !vtime) || (t->ilen && t->ilen >= want) ||
		    (t->ilen && t->vtime_expired)) {
			n = raw_take(t, buf, len);
		} else if (!vmin && t->vtime_expired) {
			n = 0;
		} else if (nonblock) {
			return -EAGAIN;
		} else {
			/* MIN=0: overall timer from the read; MIN>0: inter-byte once data came. */
			if (vtime && (!vmin || t->ilen) && !stimer_armed(&t->vtimer)) {
				t->vtime_expired = false;
				stimer_arm(&t->vtimer, stimer_now_ns() + vtime * 100000000LL);
			}
			return -EAGAIN;
		}
		stimer_cancel(&t->vtimer);
		t->vtime_expired = false;
	}
	if (t->obuf)
		waitq_wake(&t->master_wq, WR_EV);
	return n;
}

/* See tty.h. */
ssize_t tty_slave_write(struct tty *t, const char *buf, size_t len)
{
	size_t done = 0;
	if (t->hungup)
		return -EIO;
	if (t->stopped)
		return len ? -EAGAIN : 0;
	while (done < len && opost(t, (unsigned char)buf[done]))
		done++;
	if (done)
		waitq_wake(&t->master_wq, RD_EV);
	return done || !len ? (ssize_t)done : -EAGAIN;
}

/* See tty.h. */
ssize_t tty_master_read(struct tty *t, char *buf, size_t len)
{
	size_t n = 0;
	if (!t->olen) {
		if (t->slave_ever_opened && !t->slave_opens)
			return -EIO;
		return -EAGAIN;
	}
	while (n < len && t->olen) {
		buf[n++] = t->obuf[t->ohead];
		t->ohead = (t->ohead + 1) % TTY_OBUF_SIZE;
		t->olen--;
	}
	waitq_wake(&t->slave_wq, WR_EV);
	return (ssize_t)n;
}

/* See tty.h. */
uint32_t tty_slave_poll(struct tty *t)
{
	if (t->hungup)
		return RD_EV | WR_EV | EPOLLHUP | EPOLLERR;
	uint32_t ev = 0;
	if (slave_readable(t, true))
		ev |= RD_EV;
	if (!t->stopped && oroom(t) >= 256)
		ev |= WR_EV;
	return ev;
}

/* See tty.h. */
uint32_t tty_master_poll(struct tty *t)
{
	uint32_t ev = 0;
	if (t->olen)
		ev |= RD_EV;
	if (!input_full(t))
		ev |= WR_EV;
	if (t->slave_ever_opened && !t->slave_opens)
		ev |= EPOLLHUP;
	return ev;
}

/* See tty.h. */
void tty_flush(struct tty *t, int queue)
{
	if (queue == TCIFLUSH || queue == TCIOFLUSH) {
		t->ilen = t->icanon_len = 0;
		t->lnext = false;
		waitq_wake(&t->master_wq, WR_EV);
	}
	if (queue == TCOFLUSH || queue == TCIOFLUSH) {
		t->olen = 0;
		waitq_wake(&t->slave_wq, WR_EV);
	}
}

/* See tty.h. */
void tty_set_termios(struct tty *t, const struct tty_termios *tio)
{
	bool was_canon = L(t, ICANON);
	t->tio = *tio;
	if (was_canon && !L(t, ICANON)) {
		/* Leaving canonical mode: the partial line becomes readable; EOF markers go. */
		size_t j = 0;
		for (size_t i = 0; i < t->ilen; i++)
			if (!(t->iflags[i] & F_EOF)) {
				t->ibuf[j] = t->ibuf[i];
				t->iflags[j++] = 0;
			}
		t->ilen = j;
		t->icanon_len = 0;
	} else if (!was_canon && L(t, ICANON)) {
		t->icanon_len = 0; /* what is queued is the start of a line */
	}
	if (!I(t, IXON))
		t->stopped = false;
	stimer_cancel(&t->vtimer);
	t->vtime_expired = false;
	waitq_wake(&t->slave_wq, RD_EV | WR_EV);
	waitq_wake(&t->master_wq, RD_EV | WR_EV);
}

/* ---- job control ---- */

/* See tty.h. */
void tty_signal_fg(struct tty *t, int sig)
{
	if (t->pgrp > 0 && job && job->signal_pgrp)
		job->signal_pgrp(t->pgrp, sig);
}

static bool caller(struct tty_caller *c)
{
	memset(c, 0, sizeof(*c));
	return job && job->caller && job->caller(c);
}

static const struct vfs_ctx *cur_ctx; /* the ioctl being served */

/* See tty.h. */
int tty_ctx_tid(void)
{
	return cur_ctx ? cur_ctx->tid : 0;
}

/* See tty.h. */
void tty_set_ctty(struct tty *t, int sid, int pgrp)
{
	if (!t->session)
		tty_get(t);
	t->session = sid;
	t->pgrp = pgrp;
}

/* See tty.h. */
bool tty_job_caller(struct tty_caller *out)
{
	return caller(out);
}

/* __tty_check_change of Linux: -ERESTARTSYS (512) after signalling, -EIO, or 0. */
static int check_change(struct tty *t, int sig)
{
	struct tty_caller c;
	if (!caller(&c) || !t->session || t->session != c.sid)
		return 0; /* not the caller's controlling terminal */
	if (!t->pgrp || c.pgid == t->pgrp)
		return 0;
	if (job->caller_ignores && job->caller_ignores(sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (job->pgrp_orphaned && job->pgrp_orphaned(c.pgid))
		return -EIO;
	if (job->signal_pgrp)
		job->signal_pgrp(c.pgid, sig);
	return -512;
}

/* See tty.h. */
int tty_check_read(struct tty *t)
{
	int r = check_change(t, SIGTTIN);
	return r == -512 ? -EINTR : r;
}

/* See tty.h. */
int tty_check_write(struct tty *t, bool always)
{
	if (!always && !L(t, TOSTOP))
		return 0;
	int r = check_change(t, SIGTTOU);
	return r == -512 ? -EINTR : r;
}

static void associate(struct tty *t, const struct tty_caller *c)
{
	if (!t->session)
		tty_get(t); /* the session's reference */
	t->session = c->sid;
	t->pgrp = c->pgid;
}

/* Drops the session's hold on @t (no signals). */
static void disassociate(struct tty *t)
{
	if (!t->session)
		return;
	t->session = 0;
	t->pgrp = 0;
	tty_put(t);
}

/* See tty.h. */
void tty_open_maybe_ctty(struct tty *t, int open_flags)
{
	struct tty_caller c;
	if ((open_flags & O_NOCTTY) || !caller(&c) || !c.session_leader)
		return;
	if (t->session || tty_find_ctty(c.sid) || t->hungup)
		return;
	associate(t, &c);
}

/* Sends SIGHUP and SIGCONT to the session's leader and foreground group. */
static void hup_session(struct tty *t)
{
	if (!job)
		return;
	int sid = t->session, pgrp = t->pgrp;
	if (sid > 0 && job->signal_proc) {
		job->signal_proc(sid, SIGHUP);
		job->signal_proc(sid, SIGCONT);
	}
	if (pgrp > 0 && pgrp != sid && job->signal_pgrp) {
		job->signal_pgrp(pgrp, SIGHUP);
		job->signal_pgrp(pgrp, SIGCONT);
	}
}

/* See tty.h. */
void tty_session_leader_exit(int sid)
{
	struct tty *t = tty_find_ctty(sid);
	if (!t)
		return;
	if (t->pgrp > 0 && job && job->signal_pgrp) {
		job->signal_pgrp(t->pgrp, SIGHUP);
		job->signal_pgrp(t->pgrp, SIGCONT);
	}
	disassociate(t);
}

/* See tty.h. */
void tty_hangup(struct tty *t)
{
	tty_get(t);
	t->hungup = true;
	stimer_cancel(&t->vtimer);
	if (t->session) {
		hup_session(t);
		disassociate(t);
	}
	waitq_wake(&t->slave_wq, RD_EV | WR_EV | EPOLLHUP | EPOLLERR);
	tty_put(t);
}

static void maybe_idle(struct tty *t)
{
	if (!t->master_open && t->slave_opens <= 0 && t->idle) {
		void (*fn)(struct tty *) = t->idle;
		t->idle = NULL;
		fn(t);
	}
}

/* See tty.h. */
void tty_slave_closed(struct tty *t)
{
	if (--t->slave_opens <= 0) {
		t->slave_opens = 0;
		waitq_wake(&t->master_wq, RD_EV | EPOLLHUP);
	}
	maybe_idle(t);
}

/* The master side is gone (devpts calls this from its release). */
void tty_master_closed(struct tty *t)
{
	t->master_open = false;
	tty_hangup(t);
	maybe_idle(t);
}

/* ---- ioctls ---- */

#define K_TCGETS2 0x802C542AU
#define K_TCSETS2 0x402C542BU
#define K_TCSETSW2 0x402C542CU
#define K_TCSETSF2 0x402C542DU
#ifndef TIOCGPTLCK
#define TIOCGPTLCK 0x80045439U
#endif
#ifndef TIOCGPKT
#define TIOCGPKT 0x80045438U
#endif
#ifndef TIOCGEXCL
#define TIOCGEXCL 0x80045440U
#endif

static long put_int(struct vfs_ctx *c, uint64_t arg, int v)
{
	return guest_copy_out(c->mem, arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long get_int(struct vfs_ctx *c, uint64_t arg, int *v)
{
	return guest_copy_in(c->mem, v, arg, sizeof(*v)) ? -EFAULT : 0;
}

/* Whether @t is the caller's controlling terminal (its session's). */
static bool is_caller_ctty(struct tty *t, struct tty_caller *c)
{
	return caller(c) && t->session && t->session == c->sid;
}

/* See tty.h. */
struct tty *tty_caller_ctty(void)
{
	struct tty_caller c;
	return caller(&c) ? tty_find_ctty(c.sid) : NULL;
}

static long tiocsctty(struct tty *t, struct vfs_file *f, int force)
{
	struct tty_caller c;
	if (!caller(&c))
		return -EPERM;
	if (c.session_leader && t->session == c.sid)
		return 0;
	if (!c.session_leader || tty_find_ctty(c.sid))
		return -EPERM;
	if (t->session) {
		if (force != 1 || !c.cap_sys_admin)
			return -EPERM;
		disassociate(t); /* steal it from its session */
	}
	if ((f->flags & O_ACCMODE) == O_WRONLY && !c.cap_sys_admin)
		return -EPERM;
	if (t->hungup)
		return -EIO;
	associate(t, &c);
	return 0;
}

static long tiocnotty(struct tty *t)
{
	struct tty_caller c;
	if (!is_caller_ctty(t, &c))
		return -ENOTTY;
	if (c.session_leader) {
		if (t->pgrp > 0 && job && job->signal_pgrp) {
			job->signal_pgrp(t->pgrp, SIGHUP);
			job->signal_pgrp(t->pgrp, SIGCONT);
		}
		disassociate(t);
	}
	/* A member that is not the leader keeps seeing it: the controlling terminal is
	 * per session here (gap: per process in Linux). */
	return 0;
}

static long tiocspgrp(struct tty *t, struct vfs_ctx *c, uint64_t arg)
{
	struct tty_caller cl;
	int r = check_change(t, SIGTTOU);
	if (r == -EIO)
		return -ENOTTY;
	if (r)
		return r == -512 ? -EINTR : r;
	if (!is_caller_ctty(t, &cl))
		return -ENOTTY;
	int pgrp;
	if (get_int(c, arg, &pgrp))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if (job && job->pid_from_caller && !(pgrp = job->pid_from_caller(pgrp)))
		return -ESRCH; /* not a process group of the caller's pid namespace */
	int sid = job && job->pgrp_session ? job->pgrp_session(pgrp) : cl.sid;
	if (!sid)
		return -ESRCH;
	if (sid != cl.sid)
		return -EPERM;
	t->pgrp = pgrp;
	return 0;
}

static long winsize_set(struct tty *t, struct vfs_ctx *c, uint64_t arg)
{
	struct {
		uint16_t row, col, xpixel, ypixel;
	} ws;
	if (guest_copy_in(c->mem, &ws, arg, sizeof(ws)))
		return -EFAULT;
	if (memcmp(&ws, &t->ws, sizeof(ws))) {
		memcpy(&t->ws, &ws, sizeof(ws));
		tty_signal_fg(t, SIGWINCH);
	}
	return 0;
}

static long termios_set(struct tty *t, struct vfs_ctx *c, unsigned cmd, uint64_t arg)
{
	struct tty_termios tio = t->tio;
	bool two = cmd == K_TCSETS2 || cmd == K_TCSETSW2 || cmd == K_TCSETSF2;
	int r = check_change(t, SIGTTOU);
	if (r)
		return r == -512 ? -EINTR : r;
	if (guest_copy_in(c->mem, &tio, arg, two ? TTY_KTERMIOS2_SIZE : TTY_KTERMIOS_SIZE))
		return -EFAULT;
	if (cmd == TCSETSF || cmd == K_TCSETSF2)
		tty_flush(t, TCIFLUSH);
	tty_set_termios(t, &tio);
	return 0;
}

/* Pending input bytes for FIONREAD on the slave (EOF markers excluded). */
static int inq(struct tty *t)
{
	size_t end = L(t, ICANON) ? t->icanon_len : t->ilen, n = 0;
	for (size_t i = 0; i < end; i++)
		n += !(t->iflags[i] & F_EOF);
	return (int)n;
}

/* A process group or session number as the caller's pid namespace names it. */
static int caller_nr(int nr)
{
	return job && job->pid_to_caller && nr > 0 ? job->pid_to_caller(nr) : nr;
}

/* The job-control ioctls, shared with host terminals. */
static long job_ioctl(struct tty *t, struct vfs_file *f, struct vfs_ctx *c, unsigned cmd,
		      uint64_t arg, bool is_master)
{
	struct tty_caller cl;
	switch (cmd) {
	case TIOCSCTTY:
		return tiocsctty(t, f, (int)arg);
	case TIOCNOTTY:
		return tiocnotty(t);
	case TIOCGPGRP:
		if (!is_master && !is_caller_ctty(t, &cl))
			return -ENOTTY;
		return put_int(c, arg, caller_nr(t->pgrp));
	case TIOCSPGRP:
		return tiocspgrp(t, c, arg);
	case TIOCGSID:
		if (!is_master && !is_caller_ctty(t, &cl))
			return -ENOTTY;
		if (!t->session)
			return -ENOTTY;
		return put_int(c, arg, caller_nr(t->session));
	}
	return -TTY_ENOIOCTLCMD;
}

static long tty_ioctl_ctx(struct tty *t, struct vfs_file *f, struct vfs_ctx *c, unsigned cmd,
			  uint64_t arg, bool is_master);

/* See tty.h. */
long tty_ioctl(struct tty *t, struct vfs_file *f, struct vfs_ctx *c, unsigned cmd, uint64_t arg,
	       bool is_master)
{
	const struct vfs_ctx *saved = cur_ctx;
	cur_ctx = c;
	long r = tty_ioctl_ctx(t, f, c, cmd, arg, is_master);
	cur_ctx = saved;
	return r;
}

static long tty_ioctl_ctx(struct tty *t, struct vfs_file *f, struct vfs_ctx *c, unsigned cmd,
			  uint64_t arg, bool is_master)
{
	struct tty_caller cl;
	long r = job_ioctl(t, f, c, cmd, arg, is_master);
	if (r != -TTY_ENOIOCTLCMD)
		return r;
	switch (cmd) {
	case TCGETS:
		return guest_copy_out(c->mem, arg, &t->tio, TTY_KTERMIOS_SIZE) ? -EFAULT : 0;
	case K_TCGETS2:
		return guest_copy_out(c->mem, arg, &t->tio, TTY_KTERMIOS2_SIZE) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case K_TCSETS2:
	case K_TCSETSW2:
	case K_TCSETSF2:
		return termios_set(t, c, cmd, arg);
	case TIOCGWINSZ:
		return guest_copy_out(c->mem, arg, &t->ws, sizeof(t->ws)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return winsize_set(t, c, arg);
	case FIONREAD:
		return put_int(c, arg, is_master ? (int)t->olen : inq(t));
	case TIOCOUTQ:
		return put_int(c, arg, is_master ? 0 : (int)t->olen);
	case TCFLSH:
		if (arg > TCIOFLUSH)
			return -EINVAL;
		if (is_master && arg != TCIOFLUSH) /* the master's input is the slave's output */
			arg = arg == TCIFLUSH ? TCOFLUSH : TCIFLUSH;
		tty_flush(t, (int)arg);
		return 0;
	case TCXONC:
		switch (arg) {
		case TCOOFF:
			t->stopped = true;
			return 0;
		case TCOON:
			t->stopped = false;
			waitq_wake(&t->slave_wq, WR_EV);
			return 0;
		case TCIOFF:
		case TCION:
			return 0;
		}
		return -EINVAL;
	case TCSBRK:
	case TCSBRKP:
	case TIOCSBRK:
	case TIOCCBRK:
	case TIOCEXCL:
	case TIOCNXCL:
		return 0; /* tcdrain(3) is TCSBRK 1: the output queue is the master's */
	case TIOCGEXCL:
		return put_int(c, arg, 0);
	case TIOCGETD:
		return put_int(c, arg, 0 /* N_TTY */);
	case TIOCSETD: {
		int ld;
		if (get_int(c, arg, &ld))
			return -EFAULT;
		return ld == 0 ? 0 : -EINVAL;
	}
	case TIOCSTI: {
		char ch;
		if (!is_caller_ctty(t, &cl) && !cl.cap_sys_admin)
			return -EPERM;
		if (guest_copy_in(c->mem, &ch, arg, 1))
			return -EFAULT;
		return tty_input(t, &ch, 1) == 1 ? 0 : -EAGAIN;
	}
	}
	return -TTY_ENOIOCTLCMD;
}

/* ---- the host terminal ---- */

/* See tty.h. */
struct tty *tty_host_attach(int host_fd, struct vfs_file *file)
{
	struct stat st;
	struct tty *t;
	if (!isatty(host_fd) || fstat(host_fd, &st) < 0)
		return NULL;
	list_for_each_entry(t, &all_ttys,
			    link) if (t->kind == TTY_HOST && t->host_rdev == st.st_rdev) goto found;
	t = tty_alloc(TTY_HOST);
	if (!t)
		return NULL;
	t->host_rdev = st.st_rdev;
	t->host_fd = fcntl(host_fd, F_DUPFD_CLOEXEC, 3);
	goto add;
found:
	tty_get(t);
add:
	for (size_t i = 0; i < sizeof(t->host_files) / sizeof(t->host_files[0]); i++)
		if (!t->host_files[i]) {
			t->host_files[i] = file;
			break;
		}
	return t;
}

/* See tty.h. */
void tty_host_detach(struct tty *t, struct vfs_file *file)
{
	for (size_t i = 0; i < sizeof(t->host_files) / sizeof(t->host_files[0]); i++)
		if (t->host_files[i] == file)
			t->host_files[i] = NULL;
}

/* See tty.h. */
struct tty *tty_host_find(void)
{
	struct tty *t;
	list_for_each_entry(t, &all_ttys, link) if (t->kind == TTY_HOST) return t;
	return NULL;
}

/* Passes a termios / window-size / queue request to the host terminal. */
static long host_pass(int fd, struct vfs_ctx *c, unsigned cmd, uint64_t arg, size_t in, size_t out)
{
	unsigned char buf[64];
	if (in && guest_copy_in(c->mem, buf, arg, in))
		return -EFAULT;
	if (ioctl(fd, cmd, buf) < 0)
		return -errno;
	if (out && guest_copy_out(c->mem, arg, buf, out))
		return -EFAULT;
	return 0;
}

static long host_ioctl_ctx(struct tty *t, int host_fd, struct vfs_file *f, struct vfs_ctx *c,
			   unsigned cmd, uint64_t arg);

/* See tty.h. */
long tty_host_ioctl(struct tty *t, int host_fd, struct vfs_file *f, struct vfs_ctx *c, unsigned cmd,
		    uint64_t arg)
{
	const struct vfs_ctx *saved = cur_ctx;
	cur_ctx = c;
	long r = host_ioctl_ctx(t, host_fd, f, c, cmd, arg);
	cur_ctx = saved;
	return r;
}

static long host_ioctl_ctx(struct tty *t, int host_fd, struct vfs_file *f, struct vfs_ctx *c,
			   unsigned cmd, uint64_t arg)
{
	long r = job_ioctl(t, f, c, cmd, arg, false);
	if (r != -TTY_ENOIOCTLCMD)
		return r;
	switch (cmd) {
	case TCGETS:
		return host_pass(host_fd, c, cmd, arg, 0, TTY_KTERMIOS_SIZE);
	case K_TCGETS2:
		return host_pass(host_fd, c, cmd, arg, 0, TTY_KTERMIOS2_SIZE);
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case K_TCSETS2:
	case K_TCSETSW2:
	case K_TCSETSF2:
		r = check_change(t, SIGTTOU);
		if (r)
			return r == -512 ? -EINTR : r;
		return host_pass(host_fd, c, cmd, arg,
				 cmd == TCSETS || cmd == TCSETSW || cmd == TCSETSF
				     ? TTY_KTERMIOS_SIZE
				     : TTY_KTERMIOS2_SIZE,
				 0);
	case TIOCGWINSZ:
		return host_pass(host_fd, c, cmd, arg, 0, 8);
	case TIOCSWINSZ:
		return host_pass(host_fd, c, cmd, arg, 8, 0);
	case FIONREAD:
	case TIOCOUTQ:
	case TIOCGETD:
		return host_pass(host_fd, c, cmd, arg, 0, sizeof(int));
	case TCFLSH:
	case TCXONC:
	case TCSBRK:
	case TCSBRKP:
		return ioctl(host_fd, cmd, (unsigned long)arg) < 0 ? -errno : 0;
	case TIOCEXCL:
	case TIOCNXCL:
		return 0; /* never lock the user's terminal */
	case TIOCSTI:
		return -EPERM;
	}
	return -ENOTTY;
}

/* Whether the host terminal has TOSTOP set (checked before a background write). */
bool tty_host_tostop(struct tty *t)
{
	struct termios tio;
	return t->host_fd >= 0 && tcgetattr(t->host_fd, &tio) == 0 && (tio.c_lflag & TOSTOP);
}
