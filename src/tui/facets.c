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
#include "tui/text.h"
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

/* The label of the facet's value for entry i (a column's, or a field's
 * read with j); false when the row has none yet (not scanned). */
static bool
label_of(struct wh_tui *app, size_t i, int column, struct wh_json *j,
    char *label, size_t size)
{
	long num;

	return column >= 0 ? wh_tui_column(app, i, (enum wh_column)column, &num, label, size)
	    : wh_tui_field(app, i, app->facet, j, label, size);
}

/* Whether a value reads as a number (a bucket as its low end) into *v. */
static bool
number(const char *s, double *v)
{
	char *end;

	if (!strchr("0123456789+-.", s[0]) || s[0] == '\0')
		return false;
	*v = strtod(s, &end);
	return end != s;
}

/* Values in their own order: numbers by size, then words, (none) last. */
static int
by_value(const void *a, const void *b)
{
	const struct wh_facet_row *x = a, *y = b;
	bool xnone = strcmp(x->value, "(none)") == 0, ynone = strcmp(y->value, "(none)") == 0;
	double dx = 0, dy = 0;
	bool xnum = number(x->value, &dx), ynum = number(y->value, &dy);

	if (xnone != ynone)
		return xnone - ynone;
	if (xnum != ynum)
		return ynum - xnum;
	if (xnum && dx != dy)
		return (dx > dy) - (dx < dy);
	return strcmp(x->value, y->value);
}

/* Sort the rows in the order chosen, the cursor staying on its value. */
static void
order(struct wh_tui *app)
{
	char at[sizeof app->facets[0].value] = "";

	if (app->facet_cur < app->n_facets)
		memcpy(at, app->facets[app->facet_cur].value, sizeof at);
	if (app->n_facets)
		qsort(app->facets, app->n_facets, sizeof *app->facets,
		    app->facet_by_value ? by_value : by_count);
	for (size_t k = 0; k < app->n_facets; k++)
		if (strcmp(app->facets[k].value, at) == 0)
			app->facet_cur = k;
}

void
wh_tui_facets_order(struct wh_tui *app)
{
	app->facet_by_value = !app->facet_by_value;
	order(app);
	app->dirty = true;
}

bool
wh_tui_facets_open(struct wh_tui *app, const char *name)
{
	struct tally t = {0};
	struct wh_json j = {0};
	char label[sizeof app->facets[0].value];
	int c;

	if (*name == '\0') {
		wh_tui_message(app, true, "facet: give a column (verdict solutions redundant "
		    "segments length mark state edited loss) or a field of the records");
		return false;
	}
	if (!wh_tui_column_loaded(app, wh_tui_column_parse(name), "facet"))
		return false;
	wh_tui_facets_free(app);
	snprintf(app->facet, sizeof app->facet, "%s", name);
	c = wh_tui_column_parse(app->facet);
	for (size_t k = 0; k < wh_tui_list_len(app); k++)
		if (label_of(app, wh_tui_list_entry(app, k), c, &j, label, sizeof label))
			add(app, &t, label);
	free(t.slot);
	wh_json_free(&j);
	app->facet_by_value = false;
	order(app);
	app->facet_cur = 0;
	app->view = WH_VIEW_FACETS;
	app->dirty = true;
	return true;
}

void
wh_tui_facets_select(struct wh_tui *app)
{
	const char *value;
	char label[sizeof app->facets[0].value];
	char desc[sizeof app->filter_desc + sizeof app->facet + sizeof label + 4];
	char sort[sizeof app->sort_desc];
	struct wh_json j = {0};
	size_t n = 0, *v, len = wh_tui_list_len(app);
	int c = wh_tui_column_parse(app->facet);

	if (app->facet_cur >= app->n_facets)
		return;
	value = app->facets[app->facet_cur].value;
	v = wh_xmalloc((len ? len : 1) * sizeof *v);
	for (size_t k = 0; k < len; k++) {
		size_t i = wh_tui_list_entry(app, k);
		if (label_of(app, i, c, &j, label, sizeof label) && strcmp(label, value) == 0)
			v[n++] = i;
	}
	wh_json_free(&j);
	snprintf(desc, sizeof desc, "%s%s%s=%s", app->filter_desc,
	    app->filter_desc[0] ? ", " : "", app->facet, value);
	for (char *p = desc; *p; p++)	/* a value's newlines and tabs */
		if ((unsigned char)*p < ' ')
			*p = ' ';
	snprintf(sort, sizeof sort, "%s", app->sort_desc);
	wh_tui_set_filter(app, v, n, desc);
	snprintf(app->sort_desc, sizeof app->sort_desc, "%s", sort);
	wh_tui_message(app, false, "%zu record%s where %s", n, n == 1 ? "" : "s", desc);
	app->view = WH_VIEW_LIST;
}

void
wh_tui_facets_draw(struct wh_tui *app, int y, int x, int h, int w)
{
	size_t total = 0, rows = h > 2 ? (size_t)(h - 2) : 1, widest = strlen(app->facet);
	char line[160];
	int vw, bar_x;

	for (size_t k = 0; k < app->n_facets; k++) {
		const char *v = app->facets[k].value;
		size_t vlen = wh_tui_width(v, strlen(v));
		total += app->facets[k].count;
		widest = vlen > widest ? vlen : widest;
	}
	/* the values' column: as wide as the widest, from 24 columns to what
	 * leaves the counts, the shares and a bar their room */
	vw = widest < 24 ? 24 : (int)widest;
	if (vw > w - 40)
		vw = w - 40 > 24 ? w - 40 : 24;
	bar_x = vw + 20;
	snprintf(line, sizeof line, "Facet %s: %zu value%s over %zu record%s%s (Enter "
	    "filters, o orders by %s, q returns)", app->facet, app->n_facets,
	    app->n_facets == 1 ? "" : "s", total, total == 1 ? "" : "s",
	    app->facet_by_value ? ", by value" : "", app->facet_by_value ? "count" : "value");
	wh_ui_put(y, x, w, line, strlen(line), WH_EL_TITLE);
	wh_ui_fill(y + 1, x, w, WH_EL_HEADER);
	wh_ui_put(y + 1, x, vw, app->facet, strlen(app->facet), WH_EL_HEADER);
	snprintf(line, sizeof line, " %9s %7s", "count", "share");
	wh_ui_put(y + 1, x + vw, w - vw, line, strlen(line), WH_EL_HEADER);
	if (app->facet_cur >= app->facet_top + rows)
		app->facet_top = app->facet_cur + 1 - rows;
	if (app->facet_cur < app->facet_top)
		app->facet_top = app->facet_cur;
	for (size_t r = 0; r < rows && app->facet_top + r < app->n_facets; r++) {
		const struct wh_facet_row *f = &app->facets[app->facet_top + r];
		double share = total ? (double)f->count / (double)total : 0;
		enum wh_element el = app->facet_top + r == app->facet_cur
		    ? WH_EL_CURSOR : WH_EL_NORMAL;
		size_t n = strlen(f->value), fit = wh_tui_fit(f->value, n, (size_t)vw, NULL);
		int row = y + 2 + (int)r, bar = (int)(share * (w - bar_x > 0 ? w - bar_x - 1 : 0));
		wh_ui_fill(row, x, w, el);
		if (fit < n) {	/* cut, and an ellipsis says so */
			fit = wh_tui_fit(f->value, n, (size_t)vw - 1, NULL);
			wh_ui_put(row, x + vw - 1, 1, "\xe2\x80\xa6", 3, el);
		}
		wh_ui_put(row, x, vw, f->value, fit, el);
		snprintf(line, sizeof line, " %9zu %6.1f%%", f->count, 100 * share);
		wh_ui_put(row, x + vw, w - vw, line, strlen(line), el);
		wh_ui_fill(row, x + bar_x, bar, WH_EL_PROGRESS);
	}
}

void
wh_tui_facets_free(struct wh_tui *app)
{
	free(app->facets);
	app->facets = NULL;
	app->n_facets = app->facet_cur = app->facet_top = 0;
}
