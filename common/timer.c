/* common/timer.c - a binary min-heap of armed timers (see timer.h). Single-threaded. */
#include "common/timer.h"
#include <errno.h>
#include <stdlib.h>
#include <time.h>

static struct stimer **heap;
static size_t heap_len, heap_cap;

static void heap_set(size_t i, struct stimer *tm)
{
	heap[i] = tm;
	tm->heap_idx = i;
}

static void sift_up(size_t i)
{
	struct stimer *tm = heap[i];
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (heap[p]->deadline_ns <= tm->deadline_ns)
			break;
		heap_set(i, heap[p]);
		i = p;
	}
	heap_set(i, tm);
}

static void sift_down(size_t i)
{
	struct stimer *tm = heap[i];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		int64_t best = tm->deadline_ns;
		if (l < heap_len && heap[l]->deadline_ns < best) {
			m = l;
			best = heap[l]->deadline_ns;
		}
		if (r < heap_len && heap[r]->deadline_ns < best)
			m = r;
		if (m == i)
			break;
		heap_set(i, heap[m]);
		i = m;
	}
	heap_set(i, tm);
}

void stimer_init(struct stimer *tm, stimer_fn fn, void *priv)
{
	tm->deadline_ns = 0;
	tm->fn = fn;
	tm->priv = priv;
	tm->heap_idx = (size_t)-1;
}

void stimer_cancel(struct stimer *tm)
{
	size_t i = tm->heap_idx;
	if (i == (size_t)-1)
		return;
	tm->heap_idx = (size_t)-1;
	heap_len--;
	if (i == heap_len)
		return;
	heap_set(i, heap[heap_len]);
	sift_up(i);
	sift_down(heap[i]->heap_idx);
}

int stimer_arm(struct stimer *tm, int64_t deadline_ns)
{
	stimer_cancel(tm);
	if (heap_len == heap_cap) {
		size_t cap = heap_cap ? heap_cap * 2 : 64;
		struct stimer **n = realloc(heap, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		heap = n;
		heap_cap = cap;
	}
	tm->deadline_ns = deadline_ns;
	heap_set(heap_len++, tm);
	sift_up(tm->heap_idx);
	return 0;
}

int64_t stimer_next_deadline(void)
{
	return heap_len ? heap[0]->deadline_ns : -1;
}

int stimer_run_expired(int64_t now_ns)
{
	int n = 0;
	while (heap_len && heap[0]->deadline_ns <= now_ns) {
		struct stimer *tm = heap[0];
		stimer_cancel(tm);
		tm->fn(tm);
		n++;
	}
	return n;
}

int64_t stimer_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
