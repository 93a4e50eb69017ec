/* The diff view: a field before and after an edit, segment by segment
 * (sentences aligned by a longest common subsequence), removed ones in the
 * diff.del style and added ones in diff.add. */
#ifndef WH_TUI_DIFF_H
#define WH_TUI_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "whittle/segment.h"

struct wh_tui;

/* The most cells of the table of a longest common subsequence that the
 * diff view and wh_tui_diff_match fill (4 bytes each). */
#define WH_DIFF_MAX_CELLS (4u << 20)

/* For each segment of a (of text x), the segment of b (of text y) paired
 * with it, or SIZE_MAX: the equal segments both start with and end with,
 * and between those a longest common subsequence of equal segments,
 * unless its table would pass WH_DIFF_MAX_CELLS (the middle then stays
 * unpaired). */
size_t *wh_tui_diff_match(const char *x, const struct wh_segmentation *a,
    const char *y, const struct wh_segmentation *b);

/* Show before[0..blen) against after[0..alen) with a title. */
void wh_tui_diff_open(struct wh_tui *app, const char *title, const char *before,
    size_t blen, const char *after, size_t alen);
/* Show text[0..len) as it is (an error with its traceback) with a title. */
void wh_tui_diff_text(struct wh_tui *app, const char *title, const char *text,
    size_t len);
void wh_tui_diff_draw(struct wh_tui *app, int y, int x, int h, int w);
/* Scroll by n lines, no further than the last page. */
void wh_tui_diff_scroll(struct wh_tui *app, long n);
/* Scroll to the next (dir > 0) or previous change, shown below a few
 * lines of context; false when there is none that way. */
bool wh_tui_diff_change(struct wh_tui *app, int dir);
void wh_tui_diff_free(struct wh_tui *app);

#endif
