/* The keymap: one table of bindings (keys, the views they work in, a help
 * line, an action), dispatch of key sequences such as `]s` and `dd`, and
 * the help overlay drawn from the same table. */
#ifndef WH_TUI_KEYS_H
#define WH_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

struct wh_tui;

struct wh_binding {
	const char *keys;	/* "j", "<Down>", "<C-r>", "]s", "dd" */
	unsigned views;		/* bit (1 << enum wh_view) per view */
	const char *help;
	void (*fn)(struct wh_tui *app);
};

/* The live keymap, n bindings. */
const struct wh_binding *wh_tui_keymap(size_t *n);

/* Parse key notation ("jj<Enter>]s<C-r>") into codes; returns how many
 * of at most max. */
int wh_tui_parse_keys(const char *s, int *out, int max);

/* The notation of key code in buf: "j", "<Enter>", "<C-r>". */
void wh_tui_key_name(int code, char *buf, size_t size);

/* Take one key event (a character or WH_KEY_*) in the current view. */
void wh_tui_key(struct wh_tui *app, int key);

/* Open the help overlay at its top, or at its commands. */
void wh_tui_help_open(struct wh_tui *app, bool commands);

/* Draw the help overlay (every binding of the keymap, by view, then every
 * command) in the rectangle (y, x, h, w), from line app->help_top. */
void wh_tui_help_draw(struct wh_tui *app, int y, int x, int h, int w);

#endif
