/* What the engine's views (Runs, Jobs) share: fields of the engine's JSON
 * replies, the clock, durations, and the tail of a log. */
#ifndef WH_TUI_VIEWS_H
#define WH_TUI_VIEWS_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Milliseconds of the monotonic clock. */
double wh_tui_now_ms(void);
/* Member key of o: its string ("" when it is not one), its number (NaN). */
const char *wh_tui_jstr(const cJSON *o, const char *key);
double wh_tui_jnum(const cJSON *o, const char *key);
/* s seconds as M:SS or H:MM:SS (0:00 for none). */
void wh_tui_duration(double s, char *buf, size_t size);
/* The end of log (may be NULL), as many lines as fit in h rows from y. */
void wh_tui_draw_log_tail(const char *log, int y, int h, int w);

#endif
