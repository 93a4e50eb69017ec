/* Facets: a frequency table of one column of the list (correctness,
 * solutions, redundant ones, length bucket, review mark, state) with counts
 * and shares, as VisiData's; Enter filters the list to a value. */
#ifndef WH_TUI_FACETS_H
#define WH_TUI_FACETS_H

#include <stdbool.h>

struct wh_tui;

/* Build the table of facet name over the rows scanned so far and show it;
 * false (with a message) for an unknown name. */
bool wh_tui_facets_open(struct wh_tui *app, const char *name);
/* Order the rows by value (numbers by size, then words) or, again, by
 * count. */
void wh_tui_facets_order(struct wh_tui *app);
/* Filter the list to the value under the facet cursor. */
void wh_tui_facets_select(struct wh_tui *app);
void wh_tui_facets_draw(struct wh_tui *app, int y, int x, int h, int w);
void wh_tui_facets_free(struct wh_tui *app);

#endif
