/* Drawing the trace list with virtual scrolling: only the rows on screen
 * are read (their question lines and difficulty kept for the next draw),
 * their other columns come from the background scan's rows. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/app.h"
#include "tui/filter.h"
#include "tui/list.h"
#include "tui/ui.h"
#include "whittle/json.h"

#define QCOL 36
#define LOSS_W 7		/* the loss column, when losses are loaded */
#define DIFF_W 9		/* the difficulty column, when records have one */
#define DIFF_PROBE 16		/* records looked at for a difficulty field */

/* Where datasets keep a record's difficulty, in the order looked for:
 * its own field, MATH's level, the label of the difficulty step. */
static const char *const difficulty_fields[] = { "difficulty", "level",
	"/labels/difficulty" };

void
wh_tui_list_forget(struct wh_tui *app)
{
	for (size_t k = 0; k < WH_QLINES; k++)
		app->qlines[k].entry = (size_t)-1;
}

/* The question's first line of entry i (cut to the cache's width). */
static const char *
question_line(struct wh_tui *app, size_t i)
{
	struct wh_tui_qline *q = &app->qlines[i % WH_QLINES];
	struct wh_trace t;

	if (q->entry == i)
		return q->text;
	q->entry = i;
	q->text[0] = '\0';
	if (!app->ds->layout_known || wh_dataset_trace(app->ds, i, 0, &t, NULL) < 0)
		return q->text;
	if (t.text[WH_QUESTION]) {
		const char *s = t.text[WH_QUESTION];
		size_t n;
		while (*s == ' ' || *s == '\n')
			s++;
		n = strcspn(s, "\n");
		if (n > sizeof q->text - 1)
			for (n = sizeof q->text - 1; n > 0 && (s[n] & 0xC0) == 0x80; n--)
				;
		memcpy(q->text, s, n);
		q->text[n] = '\0';
	}
	wh_trace_free(&t);
	q->difficulty[0] = '\0';
	if (app->difficulty) {
		struct wh_json j = {0};
		if (wh_tui_field(app, i, app->difficulty, &j, q->difficulty,
		    sizeof q->difficulty) && strcmp(q->difficulty, "(none)") == 0)
			q->difficulty[0] = '\0';
		wh_json_free(&j);
	}
	return q->text;
}

/* Once: the field the difficulty column shows, the first of
 * difficulty_fields that one of the first records has; none, no column. */
static void
probe_difficulty(struct wh_tui *app)
{
	size_t n = wh_dataset_entries(app->ds);
	struct wh_json j = {0};
	char label[16];

	app->difficulty_probed = true;
	for (size_t f = 0; f < sizeof difficulty_fields / sizeof *difficulty_fields; f++)
		for (size_t i = 0; i < n && i < DIFF_PROBE && !app->difficulty; i++)
			if (wh_tui_field(app, i, difficulty_fields[f], &j, label, sizeof label) &&
			    strcmp(label, "(none)") != 0)
				app->difficulty = difficulty_fields[f];
	wh_json_free(&j);
	wh_tui_list_forget(app);
}

static void
draw_status(struct wh_tui *app, const struct wh_tui_row *r, bool ready,
    size_t i, int y, int x)
{
	static const char *v_mark[] = { " ", "\xe2\x9c\x93", "\xe2\x9c\x97", "?" };
	static const enum wh_element v_el[] = { WH_EL_NORMAL, WH_EL_CORRECT,
		WH_EL_WRONG, WH_EL_PENDING };
	static const char *m_mark[] = { " ", "A", "R", "F" };
	static const enum wh_element m_el[] = { WH_EL_NORMAL, WH_EL_MARK_ACCEPT,
		WH_EL_MARK_REJECT, WH_EL_MARK_FIX };
	bool edited = wh_dataset_edited(app->ds, i);
	uint8_t mk = app->marks.mark ? app->marks.mark[i] : 0;

	if (!ready)
		wh_ui_put(y, x, 1, "\xc2\xb7", 2, WH_EL_PENDING);
	else if (r->bad)
		wh_ui_put(y, x, 1, "!", 1, WH_EL_BAD);
	else
		wh_ui_put(y, x, 1, v_mark[r->verdict], strlen(v_mark[r->verdict]),
		    v_el[r->verdict]);
	if (edited)
		wh_ui_put(y, x + 1, 1, "\xe2\x97\x8f", 3, WH_EL_EDITED);
	wh_ui_put(y, x + 3, 1, m_mark[mk], 1, m_el[mk]);
}

/* v in three columns: as it is up to 999, then in thousands ("12k"). */
static const char *
in3(char *buf, unsigned v)
{
	if (v < 1000)
		snprintf(buf, 8, "%3u", v);
	else
		snprintf(buf, 8, "%2uk", v / 1000 > 99 ? 99 : v / 1000);
	return buf;
}

static void
draw_row(struct wh_tui *app, size_t pos, int y, int x, int w, bool cur)
{
	size_t i = wh_tui_list_entry(app, pos);
	struct wh_tui_row r = {0};
	bool ready = wh_tui_rows_get(&app->rows, i, &r);
	char num[16], cols[48];
	const char *q;
	enum wh_element el = cur ? WH_EL_CURSOR : WH_EL_NORMAL;

	wh_ui_fill(y, x, w, el);
	snprintf(num, sizeof num, "%6zu", i + 1);
	wh_ui_put(y, x, w, num, strlen(num), el);
	draw_status(app, &r, ready, i, y, x + 8);
	if (ready && !r.bad) {
		char sols[8], red[8];
		char segs[8];
		if (r.n_segs < 100000)
			snprintf(segs, sizeof segs, "%5u", r.n_segs);
		else
			snprintf(segs, sizeof segs, "%4uk", r.n_segs / 1000 > 9999 ? 9999 : r.n_segs / 1000);
		snprintf(cols, sizeof cols, "%7u %s %s %s", r.think, in3(sols, r.n_sols),
		    in3(red, r.n_redundant), segs);
	} else
		snprintf(cols, sizeof cols, "%7s %3s %3s %5s", "\xc2\xb7", "\xc2\xb7",
		    "\xc2\xb7", "\xc2\xb7");
	wh_ui_put(y, x + 13, w - 13, cols, strlen(cols),
	    cur ? el : ready ? WH_EL_NORMAL : WH_EL_PENDING);
	int qcol = QCOL;
	q = question_line(app, i);
	if (app->difficulty) {
		const char *d = app->qlines[i % WH_QLINES].difficulty;
		if (w > qcol)
			wh_ui_put(y, x + qcol, w - qcol < DIFF_W - 1 ? w - qcol : DIFF_W - 1,
			    d, strlen(d), el);
		qcol += DIFF_W;
	}
	if (app->losses.v) {
		float l = i < app->losses.n ? app->losses.v[i] : NAN;
		if (isnan(l))
			snprintf(cols, sizeof cols, "%6s", "\xc2\xb7");
		else
			snprintf(cols, sizeof cols, "%6.3f", l);
		if (w > qcol)
			wh_ui_put(y, x + qcol, w - qcol, cols, strlen(cols),
			    cur ? el : WH_EL_NORMAL);
		qcol += LOSS_W;
	}
	if (w > qcol)
		wh_ui_put(y, x + qcol, w - qcol, q, strlen(q), el);
}

void
wh_tui_list_draw(struct wh_tui *app, int y, int x, int h, int w, bool focus)
{
	size_t n = wh_tui_list_len(app);
	size_t rows = h > 1 ? (size_t)(h - 1) : 1;
	char header[96];

	if (!app->difficulty_probed)
		probe_difficulty(app);
	snprintf(header, sizeof header, "%6s  %-2s %-2s%7s %3s %3s %5s  %s%s%s", "#",
	    "st", "mk", app->tok ? "tokens" : "chars", "sol", "red", "segs",
	    app->difficulty ? "diff     " : "", app->losses.v ? "  loss " : "", "question");
	wh_ui_fill(y, x, w, WH_EL_HEADER);
	wh_ui_put(y, x, w, header, strlen(header), WH_EL_HEADER);
	if (app->cur >= app->top + rows)
		app->top = app->cur + 1 - rows;
	if (app->cur < app->top)
		app->top = app->cur;
	for (size_t r = 0; r < rows && app->top + r < n; r++)
		draw_row(app, app->top + r, y + 1 + (int)r, x, w,
		    app->top + r == app->cur && focus);
	if (n == 0)
		wh_ui_put(y + 1, x, w, "(no records)", 12, WH_EL_PENDING);
}
