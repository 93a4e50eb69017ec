/* What the engine's views (Runs, Jobs) share: fields of the engine's JSON
 * replies, the clock, durations, the tail of a log, the message line, the
 * question before a cancel, a keymap table that dispatches keys and draws
 * the help from itself, and a link to the engine that never waits on it. */
#ifndef WH_TUI_VIEWS_H
#define WH_TUI_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "whittle/engine-client.h"
#include "whittle/error.h"

/* Milliseconds of the monotonic clock. */
double wh_tui_now_ms(void);
/* Member key of o: its string ("" when it is not one), its number (NaN). */
const char *wh_tui_jstr(const cJSON *o, const char *key);
double wh_tui_jnum(const cJSON *o, const char *key);
/* s seconds as M:SS or H:MM:SS (0:00 for none). */
void wh_tui_duration(double s, char *buf, size_t size);
/* The end of log (may be NULL), as many lines as fit in h rows from y. */
void wh_tui_draw_log_tail(const char *log, int y, int h, int w);

/* What each view keeps for the helpers below: its message line, whether
 * its help is open, and whether it has changed since it was drawn. */
struct wh_tui_vstate {
	char msg[256];
	bool msg_error;
	bool help;
	bool dirty;
};

/* Set the message line, marking the view changed; an error names what
 * failed. */
void wh_tui_view_message(struct wh_tui_vstate *s, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void wh_tui_view_error(struct wh_tui_vstate *s, const char *what,
    const struct wh_error *err);
/* The message line on row y, w wide. */
void wh_tui_view_draw_message(const struct wh_tui_vstate *s, int y, int w);
/* Ask on s's message line before cancelling item (a run or job, what
 * names it): its id goes to confirm (size bytes), for the next key's
 * answer; one that is no longer queued, waiting or running is said to be
 * past cancelling instead, and confirm is left as it was. */
void wh_tui_view_ask_cancel(struct wh_tui_vstate *s, const cJSON *item, const char *what,
    char *confirm, size_t size);

/* A view's link to the engine: one connection, on which requests are
 * sent without waiting and their replies (which come in order) taken as
 * they come, so that keys are taken however slow the engine's link is. */
#define WH_TUI_ASKS_MAX 16
#define WH_TUI_ASK_HELLO (-1)	/* the link's own: a connection's hello */
struct wh_tui_ask {
	uint64_t id;
	int kind;		/* the view's own kind of request (0 and up) */
	char about[64];		/* the run or job it is about, or "" */
	char op[16];		/* its op, for messages */
	double sent;		/* ms */
};
struct wh_tui_link {
	struct wh_engine_conn conn;	/* rfd -1: not connected */
	struct wh_tui_ask asks[WH_TUI_ASKS_MAX];	/* oldest first */
	int n_asks;
};

/* Start l unconnected (the first request connects). */
void wh_tui_link_init(struct wh_tui_link *l);
/* Open a view's link: to the local engine, started if need be and waited
 * for (0, or -1 said on the workbench's message line); to a remote one,
 * nothing yet: its first request connects without waiting (0). */
struct wh_tui;
int wh_tui_link_open(struct wh_tui_link *l, struct wh_tui *app);
/* What a view's requests connect with: for the local engine, the whittle
 * that starts it; NULL for a remote one (not waited for). */
const char *wh_tui_link_start_exe(void);
/* Send req (which the call deletes) as the op request of kind about about
 * (or NULL), connecting first if need be: with start_exe (as
 * wh_engine_connect takes it) waiting for the engine's hello, without it
 * not waiting at all (hello's reply is taken with the others). Returns the
 * request while it waits, or NULL after saying on s why it was not sent;
 * a connection that broke is closed (the next request connects again). */
struct wh_tui_ask *wh_tui_link_ask(struct wh_tui_link *l, struct wh_tui_vstate *s,
    cJSON *req, int kind, const char *op, const char *about, const char *start_exe);
/* Whether a request of kind (about about, unless NULL) waits. */
bool wh_tui_link_asking(const struct wh_tui_link *l, int kind, const char *about);
/* The next message that has come, without waiting: 0 when none has; -1
 * when the connection broke or its hello failed (closed, said on s); 1
 * with *msg (the caller deletes it): an event (a->id 0), or the reply to
 * request *a, taken off the queue, with *ok false and err set when the
 * engine refused it. */
int wh_tui_link_take(struct wh_tui_link *l, struct wh_tui_vstate *s, cJSON **msg,
    struct wh_tui_ask *a, bool *ok, struct wh_error *err);
/* Whole seconds the oldest request has waited, once past 3 s; else 0. */
int wh_tui_link_silent_s(const struct wh_tui_link *l);
/* "  [the engine has not answered for N s]" into buf, or "". */
void wh_tui_link_silence(const struct wh_tui_link *l, char *buf, size_t size);
void wh_tui_link_close(struct wh_tui_link *l);

/* Each view's own state, defined in its file. */
struct view;

/* A key of a view's keymap: one key in the keymap's notation (keys.h),
 * its help, and what it does. The help lists each function once, with all
 * its keys, so that it says what the keys do now. */
struct wh_tui_vkey {
	const char *key;
	const char *help;
	void (*fn)(struct view *v);
};

/* Do what key code k is bound to among the n keys of map, for view v; a
 * resize does nothing, and an unbound key says so on s's message line. */
void wh_tui_vkey_run(struct wh_tui_vstate *s, const struct wh_tui_vkey *map, size_t n,
    struct view *v, int k);
/* The help of the n keys of map under title, over h rows from y, w wide. */
void wh_tui_vkey_draw_help(const char *title, const struct wh_tui_vkey *map, size_t n,
    int y, int h, int w);

#endif
