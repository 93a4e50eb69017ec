/* The undo list of the workbench's edits over the dataset's journaled
 * overlay: every change, undo and redo is a journaled field write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/edit.h"

static void
drop_redo(struct wh_tui_history *h)
{
	for (size_t k = h->at; k < h->n; k++) {
		free(h->v[k].before);
		free(h->v[k].after);
	}
	h->n = h->at;
}

static struct wh_tui_change *
record(struct wh_tui_history *h, size_t i, int f, unsigned group,
    const char *before, size_t blen, const char *after, size_t alen,
    const char *what)
{
	struct wh_tui_change *c;

	drop_redo(h);
	h->v = wh_xrealloc(h->v, (h->n + 1) * sizeof *h->v);
	c = &h->v[h->n++];
	memset(c, 0, sizeof *c);
	c->entry = i;
	c->field = f;
	c->group = group;
	c->before = wh_xstrndup(before ? before : "", blen);
	c->before_len = blen;
	c->after = wh_xstrndup(after, alen);
	c->after_len = alen;
	snprintf(c->what, sizeof c->what, "%s", what);
	h->at = h->n;
	return c;
}

/* Drop the edits of entry i under the write lock, then recompute its row. */
static int
restore(struct wh_tui_rows *rows, size_t i, struct wh_error *err)
{
	int rc;

	pthread_rwlock_wrlock(&rows->lock);
	rc = wh_dataset_restore(rows->ds, i, err);
	pthread_rwlock_unlock(&rows->lock);
	if (rc == 0)
		wh_tui_rows_refresh(rows, i);
	return rc;
}

/* Write field f of entry i under the write lock, then recompute its row. */
static int
write_field(struct wh_tui_rows *rows, size_t i, int f, const char *text,
    size_t len, struct wh_error *err)
{
	int rc;

	pthread_rwlock_wrlock(&rows->lock);
	rc = wh_dataset_set_field(rows->ds, i, 0, (enum wh_field)f, text, len, err);
	pthread_rwlock_unlock(&rows->lock);
	if (rc == 0)
		wh_tui_rows_refresh(rows, i);
	return rc;
}

int
wh_tui_edit_set(struct wh_tui_history *h, struct wh_tui_rows *rows,
    size_t i, int f, const char *text, size_t len, const char *what,
    struct wh_error *err)
{
	struct wh_trace t;
	bool clean = !wh_dataset_edited(rows->ds, i);

	if (wh_dataset_trace(rows->ds, i, 0, &t, err) < 0)
		return -1;
	if (write_field(rows, i, f, text, len, err) < 0) {
		wh_trace_free(&t);
		return -1;
	}
	record(h, i, f, h->open_group ? h->open_group : ++h->groups, t.text[f],
	    t.len[f], text, len, what)->clean_before = clean;
	wh_trace_free(&t);
	return 0;
}

int
wh_tui_edit_override(struct wh_tui_history *h,
    const struct wh_override *before, const struct wh_override *after,
    const char *describe_before, const char *describe_after, const char *what,
    struct wh_error *err)
{
	struct wh_tui_change *c;

	if (wh_overrides_set(h->ov, after, err) < 0)
		return -1;
	c = record(h, after->entry, WH_TUI_OVERRIDE, ++h->groups, describe_before,
	    strlen(describe_before), describe_after, strlen(describe_after), what);
	c->o_before = *before;
	c->o_after = *after;
	return 0;
}

/* Apply side dir (< 0: before, > 0: after) of change c. */
static int
apply(struct wh_tui_history *h, struct wh_tui_rows *rows,
    const struct wh_tui_change *c, int dir, struct wh_error *err)
{
	if (c->field == WH_TUI_OVERRIDE)
		return wh_overrides_set(h->ov, dir < 0 ? &c->o_before : &c->o_after, err);
	if ((dir < 0 && c->clean_before) || (dir > 0 && c->restores))
		return restore(rows, c->entry, err);
	return write_field(rows, c->entry, c->field, dir < 0 ? c->before : c->after,
	    dir < 0 ? c->before_len : c->after_len, err);
}

const struct wh_tui_change *
wh_tui_edit_undo(struct wh_tui_history *h, struct wh_tui_rows *rows, int dir,
    struct wh_error *err)
{
	const struct wh_tui_change *first = NULL;
	unsigned group;

	if ((dir < 0 && h->at == 0) || (dir > 0 && h->at == h->n))
		return NULL;
	group = h->v[dir < 0 ? h->at - 1 : h->at].group;
	while ((dir < 0 && h->at > 0 && h->v[h->at - 1].group == group) ||
	    (dir > 0 && h->at < h->n && h->v[h->at].group == group)) {
		const struct wh_tui_change *c = &h->v[dir < 0 ? h->at - 1 : h->at];
		if (apply(h, rows, c, dir, err) < 0)
			return NULL;
		h->at = dir < 0 ? h->at - 1 : h->at + 1;
		first = c;
	}
	return first;
}

int
wh_tui_edit_restore(struct wh_tui_history *h, struct wh_tui_rows *rows,
    size_t i, struct wh_error *err)
{
	struct wh_trace now, orig;
	unsigned group = ++h->groups;
	int rc;

	if (wh_dataset_trace(rows->ds, i, 0, &now, err) < 0)
		return -1;
	rc = restore(rows, i, err);
	if (rc < 0 || wh_dataset_trace(rows->ds, i, 0, &orig, err) < 0) {
		wh_trace_free(&now);
		return -1;
	}
	for (int f = 0; f < WH_NFIELDS; f++)
		if (now.text[f] && orig.text[f] && (now.len[f] != orig.len[f] ||
		    memcmp(now.text[f], orig.text[f], now.len[f]) != 0))
			record(h, i, f, group, now.text[f], now.len[f], orig.text[f],
			    orig.len[f], "restore")->restores = true;
	wh_trace_free(&now);
	wh_trace_free(&orig);
	return 0;
}

void
wh_tui_edit_begin(struct wh_tui_history *h)
{
	h->open_group = ++h->groups;
}

void
wh_tui_edit_end(struct wh_tui_history *h)
{
	h->open_group = 0;
}

const struct wh_tui_change *
wh_tui_edit_last(const struct wh_tui_history *h)
{
	return h->at > 0 ? &h->v[h->at - 1] : NULL;
}

void
wh_tui_edit_saved(struct wh_tui_history *h)
{
	for (size_t k = 0; k < h->n; k++)
		h->v[k].clean_before = h->v[k].restores = false;
}

void
wh_tui_edit_free(struct wh_tui_history *h)
{
	struct wh_overrides *ov = h->ov;

	h->at = 0;
	drop_redo(h);
	free(h->v);
	memset(h, 0, sizeof *h);
	h->ov = ov;
}
