/* A small event loop in the manner of Redis's ae.c: file events on a poll(2)
 * set and one-shot timers, run from one thread. The engine's only loop. */
#ifndef WHITTLE_ENGINE_LOOP_H
#define WHITTLE_ENGINE_LOOP_H

#include <stdint.h>

enum { WH_LOOP_READ = 1, WH_LOOP_WRITE = 2 };

struct wh_loop;
typedef void (*wh_loop_fd_fn)(struct wh_loop *l, int fd, int ready, void *arg);
typedef void (*wh_loop_timer_fn)(struct wh_loop *l, void *arg);

/* A loop with nothing to watch; free it once it no longer runs. */
struct wh_loop *wh_loop_new(void);
void wh_loop_free(struct wh_loop *l);
/* Call fn when fd is ready for what mask asks (WH_LOOP_READ|WRITE); 0, or
 * -1 when fd is beyond the loop's size. */
int wh_loop_watch(struct wh_loop *l, int fd, int mask, wh_loop_fd_fn fn, void *arg);
/* Change what fd is watched for; 0 pauses it. */
void wh_loop_mask(struct wh_loop *l, int fd, int mask);
void wh_loop_unwatch(struct wh_loop *l, int fd);
/* Call fn once, ms milliseconds from now; returns an id for cancelling. */
uint64_t wh_loop_timer(struct wh_loop *l, long ms, wh_loop_timer_fn fn, void *arg);
void wh_loop_cancel(struct wh_loop *l, uint64_t id);
/* Run until wh_loop_stop (called from a callback); returns 0, or -1 if
 * poll(2) fails. */
int wh_loop_run(struct wh_loop *l);
void wh_loop_stop(struct wh_loop *l);
/* Seconds since the epoch, as a double. */
double wh_loop_now(void);

#endif
