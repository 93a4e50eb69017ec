/* What the engine's views (Runs, Jobs) share: fields of the engine's JSON
 * replies, the clock, durations, the tail of a log, the message line, the
 * question before a cancel, and a keymap table that dispatches keys and
 * draws the help from itself. */
#ifndef WH_TUI_VIEWS_H
#define WH_TUI_VIEWS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

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
