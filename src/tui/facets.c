/* The facets view: counts of each value of one column (or of a field of
 * the records) over the list's rows, biggest first, with shares and bars;
 * Enter filters the list. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/facets.h"
#include "tui/filter.h"
#include "tui/ui.h"
#include "whittle/hash.h"
#include "whittle/json.h"

/* The facet's rows by their value while they are counted: open
 * addressing, a slot holds a row's index plus one (0: free). */
struct tally {
	uint32_t *slot;
	size_t cap;
};

static void
add(struct wh_tui *app, struct tally *t, const char *label)
{
	if (2 * (app->n_facets + 1) > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		uint32_t *slot = wh_xcalloc(cap, sizeof *slot);
		for (size_t k = 0; k < app->n_facets; k++) {
			const char *v = app->facets[k].value;
			size_t i = wh_hash(WH_HASH_SEED, v, strlen(v)) & (cap - 1);
			while (slot[i])
				i = (i + 1) & (cap - 1);
			slot[i] = (uint32_t)k + 1;
		}
		free(t->slot);
		t->slot = slot;
		t->cap = cap;
	}
	size_t i = wh_hash(WH_HASH_SEED, label, strlen(label)) & (t->cap - 1);
	for (; t->slot[i]; i = (i + 1) & (t->cap - 1))
		if (strcmp(app->facets[t->slot[i] - 1].value, label) == 0) {
			app->facets[t->slot[i] - 1].count++;
			return;
		}
	t->slot[i] = (uint32_t)app->n_facets + 1;
	app->facets = wh_xrealloc(app->facets, (app->n_facets + 1) * sizeof *app->facets);
	snprintf(app->facets[app->n_facets].value, sizeof app->facets[0].value, "%s", label);
	app->facets[app->n_facets++].count = 1;
}

static int
by_count(const void *a, const void *b)
{
	const struct wh_facet_row *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->value, y->value);
}

bool
wh_tui_facets_open(struct wh_tui *app, const char *name)
{
	int c = wh_tui_column_parse(name);
	struct tally t = {0};
	struct wh_json j = {0};
	char label[64];
	long num;

	if (*name == '\0') {
		wh_tui_message(app, true, "facet: give a column (verdict solutions redundant "
		    "segments length mark state edited loss) or a field of the records");
		return false;
	}
	wh_tui_facets_free(app);
	snprintf(app->facet, sizeof app->facet, "%s", name);
	for (size_t k = 0; k < wh_tui_list_len(app); k++) {
		size_t i = wh_tui_list_entry(app, k);
		if (c >= 0 ? wh_tui_column(app, i, (enum wh_column)c, &num, label, sizeof label)
		    : wh_tui_field(app, i, name, &j, label, sizeof label))
			add(app, &t, label);
	}
	free(t.slot);
	wh_json_free(&j);
	if (app->n_facets)
		qsort(app->facets, app->n_facets, sizeof *app->facets, by_count);
	app->view = WH_VIEW_FACETS;
	app->dirty = true;
	return true;
}

void
wh_tui_facets_select(struct wh_tui *app)
{
	char expr[96];

	if (app->facet_cur >= app->n_facets)
		return;
	snprintf(expr, sizeof expr, "%s=%s", app->facet, app->facets[app->facet_cur].value);
	wh_tui_filter(app, expr);
	app->view = WH_VIEW_LIST;
}

void
wh_tui_facets_draw(struct wh_tui *app, int y, int x, int h, int w)
{
	size_t total = 0, rows = h > 2 ? (size_t)(h - 2) : 1;
	char line[160];

	for (size_t k = 0; k < app->n_facets; k++)
		total += app->facets[k].count;
	snprintf(line, sizeof line, "Facet %s: %zu value%s over %zu record%s (Enter "
	    "filters, q returns)", app->facet, app->n_facets, app->n_facets == 1 ? "" : "s",
	    total, total == 1 ? "" : "s");
	wh_ui_put(y, x, w, line, strlen(line), WH_EL_TITLE);
	snprintf(line, sizeof line, "%-24s %9s %7s", app->facet, "count", "share");
	wh_ui_fill(y + 1, x, w, WH_EL_HEADER);
	wh_ui_put(y + 1, x, w, line, strlen(line), WH_EL_HEADER);
	if (app->facet_cur >= app->facet_top + rows)
		app->facet_top = app->facet_cur + 1 - rows;
	if (app->facet_cur < app->facet_top)
		app->facet_top = app->facet_cur;
	for (size_t r = 0; r < rows && app->facet_top + r < app->n_facets; r++) {
		const struct wh_facet_row *f = &app->facets[app->facet_top + r];
		double share = total ? (double)f->count / (double)total : 0;
		bool cur = app->facet_top + r == app->facet_cur;
		int bar = (int)(share * (w - 45 > 0 ? w - 45 : 0));
		snprintf(line, sizeof line, "%-24s %9zu %6.1f%%", f->value, f->count, 100 * share);
		wh_ui_fill(y + 2 + (int)r, x, w, cur ? WH_EL_CURSOR : WH_EL_NORMAL);
		wh_ui_put(y + 2 + (int)r, x, w, line, strlen(line), cur ? WH_EL_CURSOR : WH_EL_NORMAL);
		wh_ui_fill(y + 2 + (int)r, x + 44, bar, WH_EL_PROGRESS);
	}
}

void
wh_tui_facets_free(struct wh_tui *app)
{
	free(app->facets);
	app->facets = NULL;
	app->n_facets = app->facet_cur = app->facet_top = 0;
}
