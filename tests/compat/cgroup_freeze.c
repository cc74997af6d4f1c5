/* cgroup_freeze.c - cgroup v2 freezer: cgroup.freeze 1 stops a child counting in shared
 * memory (cgroup.events says frozen 1), a child blocked in read(2) whose data arrives
 * during the freeze does not go on until the thaw, a signal sent meanwhile is delivered
 * after the thaw, thawing resumes both, and SIGKILL still kills a frozen process. */
/* syscalls: mount mkdir openat write read kill */
#include "cgroup_setup.h"
#include <signal.h>
#include <sys/mman.h>
#include <time.h>

struct shared {
	volatile unsigned long count;
	volatile int usr1;
	volatile int got_data;
};
static struct shared *sh;

static void on_usr1(int sig)
{
	sh->usr1++;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Waits (up to 2 s) for "frozen @want" in @dir/cgroup.events. */
static bool wait_frozen(const char *dir, int want)
{
	for (int i = 0; i < 200; i++) {
		if (cg_key(dir, "cgroup.events", "frozen") == want)
			return true;
		sleep_ms(10);
	}
	return false;
}

int main(void)
{
	const char *t = cg_setup();
	char buf[64];
	TAP_PLAN(13);
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	const char *f = cg_mkdir(t, "f");
	TAP_OK(f && cg_read(f, "cgroup.freeze", buf, sizeof(buf)) > 0 && !strcmp(buf, "0\n"),
	       "cgroup.freeze starts at 0");

	pid_t child = fork();
	if (child == 0) {
		signal(SIGUSR1, on_usr1);
		for (;;)
			sh->count++;
	}
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t reader = fork();
	if (reader == 0) {
		char c;
		close(p[1]);
		if (read(p[0], &c, 1) == 1)
			sh->got_data = 1;
		_exit(0);
	}
	close(p[0]);
	while (sh->count == 0)
		sleep_ms(1);
	TAP_OK(cg_move(f, child) == 0 && cg_move(f, reader) == 0,
	       "the counting child and a reader blocked in read(2) move in");
	TAP_OK(cg_write(f, "cgroup.freeze", "1") == 0, "writing 1 to cgroup.freeze");
	TAP_OK(wait_frozen(f, 1), "cgroup.events says frozen 1");
	unsigned long c1 = sh->count;
	kill(child, SIGUSR1);
	TAP_OK(write(p[1], "x", 1) == 1, "data for the frozen reader");
	sleep_ms(100);
	TAP_OK(sh->count == c1, "the counter does not move while frozen");
	TAP_OK(sh->usr1 == 0, "a signal sent meanwhile is not handled yet");
	TAP_OK(sh->got_data == 0, "the reader does not return to its code while frozen");
	TAP_OK(cg_write(f, "cgroup.freeze", "0") == 0 && wait_frozen(f, 0), "thawed");
	for (int i = 0; i < 200 && (sh->count == c1 || !sh->usr1 || !sh->got_data); i++)
		sleep_ms(10);
	TAP_OK(sh->count != c1, "the counter moves again");
	TAP_OK(sh->usr1 == 1, "the pending signal was delivered after the thaw");
	TAP_OK(sh->got_data == 1 && tap_exited(tap_wait(reader), 0), "the reader got its data");

	cg_write(f, "cgroup.freeze", "1");
	wait_frozen(f, 1);
	kill(child, SIGKILL);
	int st = tap_wait(child);
	TAP_OK(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "SIGKILL kills a frozen process");
	cg_write(f, "cgroup.freeze", "0");
	return TAP_DONE();
}
