/* Themes: a colour and attributes for each element of the workbench (status
 * line, list rows, segment roles, ...), read from small text files in the
 * whittle-theme(5) format. Pure: parsing and lookup keep no globals. */
#ifndef WHITTLE_THEME_H
#define WHITTLE_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "whittle/error.h"

/* Every element a theme styles; names in wh_theme_element_name. */
enum wh_element {
	WH_EL_NORMAL, WH_EL_STATUS, WH_EL_MESSAGE, WH_EL_ERROR, WH_EL_HEADER,
	WH_EL_CURSOR, WH_EL_GUTTER, WH_EL_QUESTION, WH_EL_ANSWER, WH_EL_GOLD,
	WH_EL_TITLE, WH_EL_FOLD, WH_EL_CORRECT, WH_EL_WRONG, WH_EL_EDITED,
	WH_EL_BAD, WH_EL_PENDING, WH_EL_PROGRESS, WH_EL_MARK_ACCEPT,
	WH_EL_MARK_REJECT, WH_EL_MARK_FIX, WH_EL_DIFF_ADD, WH_EL_DIFF_DEL,
	WH_EL_MATCH, WH_EL_HELP, WH_EL_PROMPT, WH_EL_BORDER,
	WH_EL_ROLE_RESTATE, WH_EL_ROLE_UNDERSTAND, WH_EL_ROLE_EXPLORE,
	WH_EL_ROLE_VERIFY, WH_EL_ROLE_CONCLUDE,
	WH_EL_FLAG_REDUNDANT, WH_EL_FLAG_INCORRECT,
	WH_NELEMENTS
};

/* Attribute bits of a style. */
enum {
	WH_ATTR_BOLD = 1, WH_ATTR_DIM = 2, WH_ATTR_UNDERLINE = 4,
	WH_ATTR_REVERSE = 8, WH_ATTR_ITALIC = 16
};

/* A colour: WH_COLOUR_DEFAULT, 0..255 (the xterm palette), or
 * WH_COLOUR_RGB | 0xRRGGBB. */
#define WH_COLOUR_DEFAULT (-1)
#define WH_COLOUR_RGB 0x1000000

struct wh_style {
	int32_t fg, bg;
	uint8_t attrs;
};

struct wh_theme {
	char name[64];
	struct wh_style el[WH_NELEMENTS];
};

/* "status", "role.verify", ...; NULL past the end. */
const char *wh_theme_element_name(enum wh_element e);
/* The element called name, or -1. */
int wh_theme_element(const char *name);

/* Parse a style string ("fg=red,bg=colour236,bold", "none") into s, which
 * starts from default colours and no attributes. Returns 0, or -1 with err
 * naming the bad word. */
int wh_style_parse(const char *text, struct wh_style *s, struct wh_error *err);

/* Set t to the built-in default (dark) theme. */
void wh_theme_builtin(struct wh_theme *t);

/* Apply the theme file text[0..len) (file is its name, for errors) on top
 * of t. `inherit NAME` lines call resolve(arg, NAME, t, err), which loads
 * NAME over t; resolve may be NULL to refuse them. Returns 0, or -1 with
 * err set to file and line. */
typedef int (*wh_theme_resolve_fn)(void *arg, const char *name,
    struct wh_theme *t, struct wh_error *err);
int wh_theme_parse(struct wh_theme *t, const char *text, size_t len,
    const char *file, wh_theme_resolve_fn resolve, void *arg,
    struct wh_error *err);

/* Load theme name: $XDG_CONFIG_HOME/whittle/themes/NAME.theme if it
 * exists, else DATADIR/themes/NAME.theme (datadir as wh_datadir gives).
 * Starts from the built-in theme. Returns 0, or -1 with err set. */
int wh_theme_load(struct wh_theme *t, const char *name, const char *datadir,
    struct wh_error *err);

/* The names of the themes found (user ones and shipped ones, sorted, no
 * duplicates); caller frees each and the array. */
char **wh_theme_list(const char *datadir, size_t *n);

#endif
