/* The engine's event loop: poll(2) over the watched descriptors, a fixed
 * table of one-shot timers, and a generation count so a descriptor closed
 * and reused during one pass is never handed an event meant for the old one. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "loop.h"
#include "whittle/buf.h"

#define LOOP_FDS 4096
#define LOOP_TIMERS 256

struct fd_event {
	int mask;
	uint32_t gen;
	wh_loop_fd_fn fn;
	void *arg;
};

struct timer {
	uint64_t id;		/* 0 = free */
	double when;
	wh_loop_timer_fn fn;
	void *arg;
};

struct wh_loop {
	struct fd_event fds[LOOP_FDS];
	struct timer timers[LOOP_TIMERS];
	uint64_t next_id;
	int stop;
};

double
wh_loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct wh_loop *
wh_loop_new(void)
{
	return wh_xcalloc(1, sizeof(struct wh_loop));
}

void
wh_loop_free(struct wh_loop *l)
{
	free(l);
}

int
wh_loop_watch(struct wh_loop *l, int fd, int mask, wh_loop_fd_fn fn, void *arg)
{
	if (fd < 0 || fd >= LOOP_FDS)
		return -1;
	l->fds[fd].mask = mask;
	l->fds[fd].gen++;
	l->fds[fd].fn = fn;
	l->fds[fd].arg = arg;
	return 0;
}

void
wh_loop_mask(struct wh_loop *l, int fd, int mask)
{
	if (fd >= 0 && fd < LOOP_FDS && l->fds[fd].fn != NULL)
		l->fds[fd].mask = mask;
}

void
wh_loop_unwatch(struct wh_loop *l, int fd)
{
	if (fd < 0 || fd >= LOOP_FDS)
		return;
	l->fds[fd].mask = 0;
	l->fds[fd].fn = NULL;
	l->fds[fd].gen++;
}

uint64_t
wh_loop_timer(struct wh_loop *l, long ms, wh_loop_timer_fn fn, void *arg)
{
	for (int i = 0; i < LOOP_TIMERS; i++) {
		struct timer *t = &l->timers[i];
		if (t->id != 0)
			continue;
		t->id = ++l->next_id;
		t->when = monotonic() + ms / 1000.0;
		t->fn = fn;
		t->arg = arg;
		return t->id;
	}
	abort();	/* more timers than the engine ever arms */
}

void
wh_loop_cancel(struct wh_loop *l, uint64_t id)
{
	for (int i = 0; id != 0 && i < LOOP_TIMERS; i++)
		if (l->timers[i].id == id)
			l->timers[i].id = 0;
}

void
wh_loop_stop(struct wh_loop *l)
{
	l->stop = 1;
}

/* Milliseconds until the next timer (capped at one second). */
static int
poll_timeout(struct wh_loop *l)
{
	double now = monotonic(), next = now + 1.0;

	for (int i = 0; i < LOOP_TIMERS; i++)
		if (l->timers[i].id != 0 && l->timers[i].when < next)
			next = l->timers[i].when;
	return next <= now ? 0 : (int)((next - now) * 1000.0) + 1;
}

static void
run_timers(struct wh_loop *l)
{
	double now = monotonic();

	for (int i = 0; i < LOOP_TIMERS; i++) {
		struct timer *t = &l->timers[i];
		if (t->id == 0 || t->when > now)
			continue;
		t->id = 0;
		t->fn(l, t->arg);
	}
}

int
wh_loop_run(struct wh_loop *l)
{
	struct pollfd *pfd = wh_xmalloc(LOOP_FDS * sizeof *pfd);
	uint32_t *gen = wh_xmalloc(LOOP_FDS * sizeof *gen);
	int rc = 0;

	l->stop = 0;
	while (!l->stop) {
		nfds_t n = 0;
		for (int fd = 0; fd < LOOP_FDS; fd++) {
			if (l->fds[fd].fn == NULL || l->fds[fd].mask == 0)
				continue;
			pfd[n].fd = fd;
			pfd[n].events = (short)((l->fds[fd].mask & WH_LOOP_READ ? POLLIN : 0) |
			    (l->fds[fd].mask & WH_LOOP_WRITE ? POLLOUT : 0));
			gen[n++] = l->fds[fd].gen;
		}
		if (poll(pfd, n, poll_timeout(l)) < 0 && errno != EINTR) {
			rc = -1;
			break;
		}
		for (nfds_t i = 0; i < n && !l->stop; i++) {
			struct fd_event *e = &l->fds[pfd[i].fd];
			int ready = (pfd[i].revents & (POLLIN | POLLHUP | POLLERR) ? WH_LOOP_READ : 0) |
			    (pfd[i].revents & (POLLOUT | POLLERR) ? WH_LOOP_WRITE : 0);
			if (ready && e->fn != NULL && e->gen == gen[i])
				e->fn(l, pfd[i].fd, ready & (e->mask | WH_LOOP_READ), e->arg);
		}
		run_timers(l);
	}
	free(pfd);
	free(gen);
	return rc;
}
