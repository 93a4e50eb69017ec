/* The command line at the bottom of the screen: GNU readline through its
 * callback interface, fed byte by byte from the main loop and drawn by us,
 * with history in $XDG_STATE_HOME/whittle/history and tab completion. */
#ifndef WH_TUI_CMDLINE_H
#define WH_TUI_CMDLINE_H

#include <stddef.h>

#include "tui/app.h"

/* Set readline up for app (after the screen is open): hooks, the traps
 * of a user's inputrc disarmed, history read. */
void wh_tui_cmdline_init(struct wh_tui *app);
/* Save the history and let readline go. */
void wh_tui_cmdline_done(void);
/* Start reading a line for kind with prompt, the line starting as text
 * (may be NULL) with the cursor at byte point of it. */
void wh_tui_cmdline_open(struct wh_tui *app, enum wh_prompt kind,
    const char *prompt, const char *text, size_t point);
/* Queue one input byte for readline (WH_KEY_RESIZE is ignored). */
void wh_tui_cmdline_feed(struct wh_tui *app, int byte);
/* No more input for now: readline reads the queued bytes, knowing what
 * follows each (an Escape alone cancels the line in emacs mode; C-c and
 * C-g always do). */
void wh_tui_cmdline_idle(struct wh_tui *app);
/* Draw the line being edited on row y, w columns wide, and put the cursor
 * in it. */
void wh_tui_cmdline_draw(struct wh_tui *app, int y, int w);
/* Tell readline the screen's size. */
void wh_tui_cmdline_resize(int rows, int cols);

#endif
