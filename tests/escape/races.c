/* tests/escape/races.c - time-of-check/time-of-use from a second thread: a path flipped
 * between a file and a name outside the sandbox root (argv[1], an absolute host path the
 * driver created), a directory swapped with a symlink to that path while another thread
 * opens through it, and an iovec length flipped between 1 and 1 GiB during writev. The
 * secret must never be read; the Sentry must not fault or allocate the flipped size. */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static char pathbuf[512];
static const char *secret;
static atomic_int stop;
static struct iovec iov;

static void *flip_path(void *arg)
{
	while (!atomic_load(&stop)) {
		strcpy(pathbuf, "/etc/passwd");
		strcpy(pathbuf, secret);
	}
	return NULL;
}

static void *swap_dir(void *arg)
{
	while (!atomic_load(&stop)) {
		rename("/tmp/race/d", "/tmp/race/d.real");
		symlink(secret, "/tmp/race/d");
		unlink("/tmp/race/d");
		rename("/tmp/race/d.real", "/tmp/race/d");
	}
	return NULL;
}

static void *flip_iov(void *arg)
{
	while (!atomic_load(&stop)) {
		iov.iov_len = 1;
		iov.iov_len = 1UL << 30;
	}
	return NULL;
}

static int reads_secret(const char *p)
{
	char buf[64] = "";
	int fd = open(p, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strstr(buf, "host-secret") != NULL;
}

static void run(void *(*fn)(void *), void (*body)(int *), int *bad)
{
	pthread_t th;
	atomic_store(&stop, 0);
	pthread_create(&th, NULL, fn, NULL);
	body(bad);
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
}

static void open_flipped(int *bad)
{
	for (int i = 0; i < 3000; i++)
		*bad += reads_secret(pathbuf);
}

static void open_through_dir(int *bad)
{
	for (int i = 0; i < 3000; i++)
		*bad += reads_secret("/tmp/race/d");
}

static void writev_flipped(int *bad)
{
	int fd = open("/dev/null", O_WRONLY);
	for (int i = 0; i < 3000; i++) {
		ssize_t n = writev(fd, &iov, 1);
		if (n != 1 && n != (ssize_t)(1UL << 30) && !(n < 0 && errno == EFAULT))
			(*bad)++;
	}
	close(fd);
}

int main(int argc, char **argv)
{
	int bad = 0;
	char *mem = malloc(1UL << 12);
	secret = argc > 1 ? argv[1] : "/nonexistent/host-secret";
	strcpy(pathbuf, "/etc/passwd");
	iov.iov_base = mem;
	iov.iov_len = 1;

	tap(!reads_secret(secret), "the host secret's absolute path is not reachable", "read it");
	run(flip_path, open_flipped, &bad);
	tap(bad == 0, "open of a path flipped to the host secret's path: never the secret",
	    "read the secret");
	mkdir("/tmp/race", 0755);
	mkdir("/tmp/race/d", 0755);
	bad = 0;
	run(swap_dir, open_through_dir, &bad);
	tap(bad == 0, "open through a directory swapped with a symlink to the host secret",
	    "read the secret");
	bad = 0;
	run(flip_iov, writev_flipped, &bad);
	tap(bad == 0, "writev with iov_len flipped 1 <-> 1 GiB: 1, the whole or EFAULT",
	    "another result");
	return tap_end();
}
