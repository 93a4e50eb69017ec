/* The diff view: a field before and after an edit, segment by segment
 * (sentences aligned by a longest common subsequence), removed ones in the
 * diff.del style and added ones in diff.add. */
#ifndef WH_TUI_DIFF_H
#define WH_TUI_DIFF_H

#include <stddef.h>

struct wh_tui;

/* Show before[0..blen) against after[0..alen) with a title. */
void wh_tui_diff_open(struct wh_tui *app, const char *title, const char *before,
    size_t blen, const char *after, size_t alen);
/* Show text[0..len) as it is (an error with its traceback) with a title. */
void wh_tui_diff_text(struct wh_tui *app, const char *title, const char *text,
    size_t len);
void wh_tui_diff_draw(struct wh_tui *app, int y, int x, int h, int w);
/* Scroll by n lines. */
void wh_tui_diff_scroll(struct wh_tui *app, long n);
void wh_tui_diff_free(struct wh_tui *app);

#endif
