/* The trace list: one row per record (number, marks, thinking length,
 * solutions, redundant ones, segments, the question's first line), drawn
 * only for the rows on screen; columns the scan has not reached show dots. */
#ifndef WH_TUI_LIST_H
#define WH_TUI_LIST_H

struct wh_tui;

/* Draw the list of app in the rectangle (y, x, h, w); focus says whether
 * the cursor row is highlighted as having the keys. */
void wh_tui_list_draw(struct wh_tui *app, int y, int x, int h, int w, bool focus);
/* Forget the question lines kept from earlier draws (records changed). */
void wh_tui_list_forget(struct wh_tui *app);

#endif
