/* The terminal backend behind a small interface, as vis keeps its curses
 * code in one file: the views draw text in theme elements at cells and read
 * key events; only ui-curses.c includes curses. */
#ifndef WH_TUI_UI_H
#define WH_TUI_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "whittle/theme.h"

/* Keys other than characters (characters are their code points; Ctrl-A is
 * 1, Enter is '\n', Escape 27). */
enum {
	WH_KEY_UP = 0x110001, WH_KEY_DOWN, WH_KEY_LEFT, WH_KEY_RIGHT,
	WH_KEY_PGUP, WH_KEY_PGDN, WH_KEY_HOME, WH_KEY_END, WH_KEY_BACKSPACE,
	WH_KEY_DELETE, WH_KEY_BTAB, WH_KEY_F1, WH_KEY_RESIZE, WH_KEY_MOUSE,
	WH_KEY_PASTE	/* text pasted where keys are keys: dropped, whole */
};

enum wh_mouse_kind { WH_MOUSE_CLICK, WH_MOUSE_WHEEL_UP, WH_MOUSE_WHEEL_DOWN };

struct wh_ui_event {
	int key;		/* a character, a WH_KEY_*, or a raw byte in raw mode */
	int y, x;		/* for WH_KEY_MOUSE */
	enum wh_mouse_kind mouse;
};

/* Take over the terminal. color false (NO_COLOR) keeps only attributes.
 * Returns -1 when the terminal cannot be used (standard input or output
 * is no terminal, TERM is unknown or cannot move the cursor), with why
 * in why[0..size). */
int wh_ui_open(bool color, char *why, size_t size);
void wh_ui_close(void);
/* Leave and re-enter the screen around a child program ($EDITOR). */
void wh_ui_suspend(void);
void wh_ui_resume(void);

/* The file descriptor to poll for input. */
int wh_ui_fd(void);
void wh_ui_size(int *rows, int *cols);
/* Use theme t's styles from now on. */
void wh_ui_theme(const struct wh_theme *t);
/* Raw mode hands every input byte over as it is (for readline), pastes
 * too, between the terminal's ESC [200~ and ESC [201~; otherwise keys,
 * arrows and mouse events are decoded, and a paste is one WH_KEY_PASTE. */
void wh_ui_raw(bool on);
/* The next input event without waiting; false when there is none. */
bool wh_ui_next(struct wh_ui_event *ev);

void wh_ui_erase(void);
/* Draw s[0..n) at row y, column x, in at most maxw columns, in element el;
 * control characters show as replacements. Returns the columns drawn. */
int wh_ui_put(int y, int x, int maxw, const char *s, size_t n, enum wh_element el);
/* Paint w cells from (y, x) with blanks of element el. */
void wh_ui_fill(int y, int x, int w, enum wh_element el);
/* Put the cursor at (y, x), shown; y < 0 hides it. */
void wh_ui_cursor(int y, int x);
/* Send what was drawn to the terminal. */
void wh_ui_flush(void);
/* Make the next flush repaint the whole terminal, not only what changed
 * (C-l: the screen was spoilt by another program writing to it). */
void wh_ui_repaint(void);

/* The name of key ("j", "C-r", "Down", ...) into buf. */
void wh_ui_keyname(int key, char *buf, size_t size);

#endif
