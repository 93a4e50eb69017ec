/* The diff view: both texts cut into sentence segments by the analysis
 * layer, aligned by a longest common subsequence of equal segments, shown
 * one part after the other with - and + gutters. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/diff.h"
#include "tui/text.h"
#include "tui/ui.h"
#include "whittle/segment.h"

static void first_change(struct wh_tui *app);

static bool
same(const char *a, const struct wh_segment *x, const char *b,
    const struct wh_segment *y)
{
	return x->end - x->start == y->end - y->start &&
	    memcmp(a + x->start, b + y->start, x->end - x->start) == 0;
}

static void
part(struct wh_tui *app, uint8_t kind, size_t start, size_t end)
{
	app->diff = wh_xrealloc(app->diff, (app->n_diff + 1) * sizeof *app->diff);
	app->diff[app->n_diff++] = (struct wh_diff_part){ kind, start, end };
}

/* Walk the LCS table t of segment lists a and b into parts. */
static void
walk(struct wh_tui *app, const struct wh_segmentation *a,
    const struct wh_segmentation *b, const uint32_t *t)
{
	size_t i = 0, j = 0, m = b->n_segs + 1;
	const char *x = app->diff_text[0], *y = app->diff_text[1];

	while (i < a->n_segs || j < b->n_segs) {
		if (i < a->n_segs && j < b->n_segs && same(x, &a->segs[i], y, &b->segs[j])) {
			part(app, 0, a->segs[i].start, a->segs[i].end);
			i++, j++;
		} else if (i < a->n_segs && (j == b->n_segs ||
		    t[(i + 1) * m + j] >= t[i * m + j + 1])) {
			part(app, 1, a->segs[i].start, a->segs[i].end);
			i++;
		} else {	/* what was removed shows before what came instead */
			part(app, 2, b->segs[j].start, b->segs[j].end);
			j++;
		}
	}
}

/* The LCS table of the segments of a and b: t[i * (b->n_segs + 1) + j] is
 * the length of the longest common subsequence of a's segments from i and
 * b's from j (x and y: their texts). */
static uint32_t *
lcs(const char *x, const struct wh_segmentation *a, const char *y,
    const struct wh_segmentation *b)
{
	size_t m = b->n_segs + 1;
	uint32_t *t = wh_xcalloc((a->n_segs + 1) * m, sizeof *t);

	for (size_t i = a->n_segs; i-- > 0; )
		for (size_t j = b->n_segs; j-- > 0; )
			t[i * m + j] = same(x, &a->segs[i], y, &b->segs[j])
			    ? t[(i + 1) * m + j + 1] + 1
			    : (t[(i + 1) * m + j] > t[i * m + j + 1] ? t[(i + 1) * m + j] : t[i * m + j + 1]);
	return t;
}

/* How many segments a and b (of texts x and y) share at their starts
 * (*head) and then at their ends (*tail): what needs no table. */
static void
common_ends(const char *x, const struct wh_segmentation *a, const char *y,
    const struct wh_segmentation *b, size_t *head, size_t *tail)
{
	size_t h = 0, t = 0;

	while (h < a->n_segs && h < b->n_segs && same(x, &a->segs[h], y, &b->segs[h]))
		h++;
	while (t < a->n_segs - h && t < b->n_segs - h && same(x,
	    &a->segs[a->n_segs - 1 - t], y, &b->segs[b->n_segs - 1 - t]))
		t++;
	*head = h;
	*tail = t;
}

/* The n segments of s from first, as a segmentation that borrows them. */
static struct wh_segmentation
middle(const struct wh_segmentation *s, size_t first, size_t n)
{
	struct wh_segmentation m = *s;

	m.segs = s->segs + first;
	m.n_segs = n;
	return m;
}

/* Whether the table of a and b stays within WH_DIFF_MAX_CELLS. */
static bool
fits(const struct wh_segmentation *a, const struct wh_segmentation *b)
{
	return (a->n_segs + 1) <= WH_DIFF_MAX_CELLS / (b->n_segs + 1);
}

size_t *
wh_tui_diff_match(const char *x, const struct wh_segmentation *a, const char *y,
    const struct wh_segmentation *b)
{
	size_t head, tail, i = 0, j = 0, m;
	struct wh_segmentation ma, mb;
	size_t *match;
	uint32_t *t;

	match = wh_xmalloc((a->n_segs ? a->n_segs : 1) * sizeof *match);
	for (size_t k = 0; k < a->n_segs; k++)
		match[k] = SIZE_MAX;
	common_ends(x, a, y, b, &head, &tail);
	for (size_t k = 0; k < head; k++)
		match[k] = k;
	for (size_t k = 0; k < tail; k++)
		match[a->n_segs - 1 - k] = b->n_segs - 1 - k;
	ma = middle(a, head, a->n_segs - head - tail);
	mb = middle(b, head, b->n_segs - head - tail);
	if (!fits(&ma, &mb))
		return match;
	t = lcs(x, &ma, y, &mb);
	m = mb.n_segs + 1;
	while (i < ma.n_segs && j < mb.n_segs) {
		if (same(x, &ma.segs[i], y, &mb.segs[j]))
			match[head + i++] = head + j++;
		else if (t[i * m + j + 1] >= t[(i + 1) * m + j])
			j++;
		else
			i++;
	}
	free(t);
	return match;
}

void
wh_tui_diff_open(struct wh_tui *app, const char *title, const char *before,
    size_t blen, const char *after, size_t alen)
{
	struct wh_segmentation a = {0}, b = {0}, ma, mb;
	size_t head, tail;
	uint32_t *t;

	wh_tui_diff_free(app);
	snprintf(app->diff_title, sizeof app->diff_title, "%s", title);
	app->diff_text[0] = wh_xstrndup(before, blen);
	app->diff_text[1] = wh_xstrndup(after, alen);
	wh_segment_split(before, blen, &a);
	wh_segment_split(after, alen, &b);
	common_ends(before, &a, after, &b, &head, &tail);
	for (size_t k = 0; k < head; k++)
		part(app, 0, a.segs[k].start, a.segs[k].end);
	ma = middle(&a, head, a.n_segs - head - tail);
	mb = middle(&b, head, b.n_segs - head - tail);
	if (fits(&ma, &mb)) {
		t = lcs(before, &ma, after, &mb);
		walk(app, &ma, &mb, t);
		free(t);
	} else {	/* too long to align: all removed, then all added */
		for (size_t k = 0; k < ma.n_segs; k++)
			part(app, 1, ma.segs[k].start, ma.segs[k].end);
		for (size_t k = 0; k < mb.n_segs; k++)
			part(app, 2, mb.segs[k].start, mb.segs[k].end);
		snprintf(app->diff_title + strlen(app->diff_title), sizeof app->diff_title -
		    strlen(app->diff_title), " \xc2\xb7 %zu and %zu segments too many to pair",
		    ma.n_segs, mb.n_segs);
	}
	for (size_t k = a.n_segs - tail; k < a.n_segs; k++)
		part(app, 0, a.segs[k].start, a.segs[k].end);
	wh_segmentation_free(&a);
	wh_segmentation_free(&b);
	if (app->view != WH_VIEW_DIFF)
		app->back = app->view;
	app->view = WH_VIEW_DIFF;
	app->dirty = true;
	first_change(app);
}

void
wh_tui_diff_text(struct wh_tui *app, const char *title, const char *text,
    size_t len)
{
	wh_tui_diff_free(app);
	snprintf(app->diff_title, sizeof app->diff_title, "%s", title);
	app->diff_text[0] = wh_xstrndup(text, len);
	app->diff_text[1] = wh_xstrndup("", 0);
	part(app, 0, 0, len);
	app->diff_plain = true;
	if (app->view != WH_VIEW_DIFF)
		app->back = app->view;
	app->view = WH_VIEW_DIFF;
	app->dirty = true;
}

/* Lay the parts out w columns wide (the view takes the screen's width),
 * unless they are already. */
static void
layout(struct wh_tui *app, int w)
{
	size_t line = 0;

	if (app->diff_line && app->diff_width == w)
		return;
	free(app->diff_line);
	app->diff_line = wh_xmalloc((app->n_diff + 1) * sizeof *app->diff_line);
	for (size_t k = 0; k < app->n_diff; k++) {
		const struct wh_diff_part *p = &app->diff[k];
		const char *text = app->diff_text[p->kind == 2 ? 1 : 0];
		struct wh_tui_line *l = NULL;
		size_t n = 0;
		wh_tui_wrap(text + p->start, p->end - p->start, (size_t)(w > 3 ? w - 2 : 1), &l, &n);
		free(l);
		app->diff_line[k] = line;
		line += n;
	}
	app->diff_line[app->n_diff] = line;
	app->diff_width = w;
}

/* The top line that shows the last page, in the rows the last draw had
 * (before any, the screen's less the title and the lines below). */
static size_t
last_top(struct wh_tui *app)
{
	size_t rows = app->diff_rows ? app->diff_rows
	    : app->height > 4 ? (size_t)app->height - 4 : 1;
	size_t total;

	layout(app, app->width);
	total = app->diff_line[app->n_diff];
	return total > rows ? total - rows : 0;
}

void
wh_tui_diff_scroll(struct wh_tui *app, long n)
{
	long top = (long)app->diff_top + n, last = (long)last_top(app);

	app->diff_top = top < 0 ? 0 : top > last ? (size_t)last : (size_t)top;
}

/* Whether part k starts a change: a run of removed and added parts. */
static bool
starts_change(const struct wh_tui *app, size_t k)
{
	return app->diff[k].kind != 0 && (k == 0 || app->diff[k - 1].kind == 0);
}

/* Lines of context shown above a change gone to. */
#define CONTEXT 2

/* The top that shows the change starting at part k below its context. */
static size_t
change_top(struct wh_tui *app, size_t k)
{
	size_t last = last_top(app), line = app->diff_line[k];
	size_t top = line > CONTEXT ? line - CONTEXT : 0;

	return top < last ? top : last;
}

/* A diff opens on its first change. */
static void
first_change(struct wh_tui *app)
{
	for (size_t k = 0; k < app->n_diff; k++)
		if (starts_change(app, k)) {
			app->diff_top = change_top(app, k);
			return;
		}
}

bool
wh_tui_diff_change(struct wh_tui *app, int dir)
{
	size_t found = SIZE_MAX;

	if (app->diff_plain)
		return false;
	for (size_t k = 0; k < app->n_diff; k++) {
		if (!starts_change(app, k))
			continue;
		size_t top = change_top(app, k);
		if (dir > 0 && top > app->diff_top) {
			found = top;
			break;
		}
		if (dir < 0 && top < app->diff_top)
			found = top;
	}
	if (found == SIZE_MAX)
		return false;
	app->diff_top = found;
	return true;
}

void
wh_tui_diff_draw(struct wh_tui *app, int y, int x, int h, int w)
{
	static const char *mark[] = { "  ", "- ", "+ " };
	static const enum wh_element el[] = { WH_EL_NORMAL, WH_EL_DIFF_DEL, WH_EL_DIFF_ADD };
	size_t removed = 0, added = 0, changes = 0, k = 0, line;
	int row = 2;
	char head[320];

	for (size_t i = 0; i < app->n_diff; i++) {
		removed += app->diff[i].kind == 1;
		added += app->diff[i].kind == 2;
		changes += starts_change(app, i);
	}
	if (app->diff_plain)
		snprintf(head, sizeof head, "%s (q returns)", app->diff_title);
	else
		snprintf(head, sizeof head, "Diff \xc2\xb7 %s \xc2\xb7 %zu segment%s removed, "
		    "%zu added in %zu change%s (]c [c: next, previous; q returns)", app->diff_title,
		    removed, removed == 1 ? "" : "s", added, changes, changes == 1 ? "" : "s");
	wh_ui_put(y, x, w, head, strlen(head), WH_EL_TITLE);
	app->diff_rows = h > 2 ? (size_t)h - 2 : 1;
	layout(app, w);
	wh_tui_diff_scroll(app, 0);
	while (k < app->n_diff && app->diff_line[k + 1] <= app->diff_top)
		k++;
	line = k < app->n_diff ? app->diff_line[k] : 0;
	for (; k < app->n_diff && row < h; k++) {
		const struct wh_diff_part *p = &app->diff[k];
		const char *text = app->diff_text[p->kind == 2 ? 1 : 0];
		struct wh_tui_line *l = NULL;
		size_t n = 0;
		wh_tui_wrap(text + p->start, p->end - p->start, (size_t)(w > 3 ? w - 2 : 1), &l, &n);
		for (size_t r = 0; r < n && row < h; r++, line++) {
			if (line < app->diff_top)
				continue;
			wh_ui_put(y + row, x, 2, mark[p->kind], 2, el[p->kind]);
			wh_ui_put(y + row, x + 2, w - 2, text + p->start + l[r].start,
			    l[r].end - l[r].start, el[p->kind]);
			row++;
		}
		free(l);
	}
}

void
wh_tui_diff_free(struct wh_tui *app)
{
	free(app->diff_text[0]);
	free(app->diff_text[1]);
	free(app->diff);
	free(app->diff_line);
	app->diff_text[0] = app->diff_text[1] = NULL;
	app->diff = NULL;
	app->diff_line = NULL;
	app->n_diff = app->diff_top = 0;
	app->diff_plain = false;
}
