/* The workbench's main: options, opening the dataset, the poll loop over
 * the terminal (the scan's progress wakes it ten times a second), the
 * screen layout (panes, status and message lines) and --replay timing. */
#include <getopt.h>
#include <locale.h>
#include <langinfo.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/app.h"
#include "tui/cmdline.h"
#include "tui/actions.h"
#include "tui/diff.h"
#include "tui/facets.h"
#include "tui/keys.h"
#include "tui/list.h"
#include "tui/text.h"
#include "tui/ui.h"
#include "whittle/cpus.h"
#include "whittle/engine-client.h"
#include "whittle/hash.h"
#include "whittle/paths.h"
#include "whittle/tui.h"

#define WIDE 140		/* from this width the list and the trace share the screen */
#define PREFIX (4u << 20)	/* bytes indexed before the first screen */
#define NAME_KEEP 10		/* columns of the file's name the filter leaves */
#define PROGRESS_ROOM 30	/* columns the status line leaves a progress bar */

struct options {
	const char *file, *file2, *tokenizer, *map, *layout, *theme, *replay;
	const char *losses;		/* a run's batches, for the loss column */
	long step;			/* > 0: list that step's records */
	int threads;
};

static double
clock_ms(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }

static void opening_message(struct wh_tui *app);

void
wh_tui_message(struct wh_tui *app, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->msg, sizeof app->msg, fmt, ap);
	va_end(ap);
	app->msg_error = error;
	app->msg_indexing = false;
	app->msg_fresh = true;
	app->dirty = true;
}

size_t
wh_tui_list_len(const struct wh_tui *app)
{
	return app->filtered ? app->n_filter : app->rows.n;
}

size_t
wh_tui_list_entry(const struct wh_tui *app, size_t pos)
{
	return app->filtered ? app->filter[pos] : pos;
}

size_t
wh_tui_current(const struct wh_tui *app)
{
	return wh_tui_list_len(app) ? wh_tui_list_entry(app, app->cur) : (size_t)-1;
}

void
wh_tui_goto(struct wh_tui *app, size_t pos)
{
	size_t n = wh_tui_list_len(app);

	app->cur = n == 0 ? 0 : pos < n ? pos : n - 1;
	app->dirty = true;
}

size_t
wh_tui_unsaved(const struct wh_tui *app)
{
	return app->ds->n_edits;
}

void
wh_tui_set_filter(struct wh_tui *app, size_t *v, size_t n, const char *desc)
{
	size_t entry = wh_tui_current(app);

	free(app->filter);
	app->filter = v;
	app->n_filter = n;
	app->filtered = v != NULL;
	snprintf(app->filter_desc, sizeof app->filter_desc, "%s", v ? desc : "");
	app->sort_desc[0] = '\0';
	app->cur = 0;
	for (size_t k = 0; k < wh_tui_list_len(app); k++)
		if (wh_tui_list_entry(app, k) == entry)
			app->cur = k;
	app->dirty = true;
}

void
wh_tui_index_poll(struct wh_tui *app, bool wait)
{
	char was[sizeof app->marks.problem];

	if (!wh_tui_rows_poll(&app->rows, wait))
		return;
	memcpy(was, app->marks.problem, sizeof was);
	wh_tui_marks_free(&app->marks);
	wh_tui_marks_load(&app->marks, app->ds->path, app->rows.n, true);
	if (app->msg_indexing)
		opening_message(app);
	else if (app->marks.problem[0] && strcmp(was, app->marks.problem) != 0)
		wh_tui_message(app, true, "%s", app->marks.problem);
	app->dirty = true;
}

bool
wh_tui_set_pattern(struct wh_tui *app, const char *s)
{
	regex_t re;

	if (regcomp(&re, s, REG_EXTENDED | REG_ICASE) != 0) {
		wh_tui_message(app, true, "bad regular expression: %s", s);
		return false;
	}
	if (app->pattern)
		regfree(&app->re);
	free(app->pattern);
	app->pattern = wh_xstrdup(s);
	app->re = re;
	return true;
}

bool
wh_tui_set_theme(struct wh_tui *app, const char *name)
{
	struct wh_error err = {0};
	char buf[600];

	if (wh_theme_load(&app->theme, name, app->datadir, &err) < 0) {
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, true, "theme: %s", buf);
		return false;
	}
	wh_ui_theme(&app->theme);
	app->dirty = true;
	return true;
}

/* Load entry e into the trace view, with the segment overrides. */
static void
load_trace(struct wh_tui *app, size_t e, size_t keep_cur)
{
	struct wh_tui_tview *v = &app->tv;
	uint8_t *folded = NULL;
	size_t n_sols = 0;

	if (v->loaded && v->entry == e && v->folded) {	/* the same record again */
		n_sols = v->g.n_sols;
		folded = wh_xmalloc(n_sols + 1);
		memcpy(folded, v->folded, n_sols + 1);
	}
	wh_tui_tview_load(v, app->ds, e, app->seg, app->tok, keep_cur);
	if (v->loaded && v->t.text[WH_THINKING])
		wh_overrides_apply(&app->ov, e, v->t.text[WH_THINKING], &v->g);
	wh_tui_tview_refold(v, folded, n_sols);
	free(folded);
}

/* Whether entry i of ds2 has question q. */
static bool
side_has(struct wh_tui *app, size_t i, const char *q)
{
	struct wh_trace t;
	bool same;

	if (i >= wh_dataset_entries(app->ds2) || wh_dataset_trace(app->ds2, i, 0, &t, NULL) < 0)
		return false;
	same = t.text[WH_QUESTION] && strcmp(t.text[WH_QUESTION], q) == 0;
	wh_trace_free(&t);
	return same;
}

/* Index ds2's records by the hash of their question, every record (those
 * of one question in file order along its probe chain), reading the whole
 * file once. */
static void
side_index(struct wh_tui *app)
{
	size_t n = wh_dataset_entries(app->ds2), cap = 64;

	while (cap < 2 * n)
		cap *= 2;
	app->side_keys = wh_xcalloc(cap, sizeof *app->side_keys);
	app->side_cap = cap;
	for (size_t i = 0; i < n; i++) {
		struct wh_trace t;
		if (wh_dataset_trace(app->ds2, i, 0, &t, NULL) < 0)
			continue;
		if (t.text[WH_QUESTION]) {
			uint64_t h = wh_hash(WH_HASH_SEED, t.text[WH_QUESTION], t.len[WH_QUESTION]);
			size_t k = h & (cap - 1);
			while (app->side_keys[k].entry)
				k = (k + 1) & (cap - 1);
			app->side_keys[k] = (struct wh_tui_side_key){ h, i + 1 };
		}
		wh_trace_free(&t);
	}
}

void
wh_tui_side_forget(struct wh_tui *app)
{
	free(app->side_keys);
	app->side_keys = NULL;
	app->side_cap = 0;
}

/* The entry of ds2 with question q: the current record's own index when it
 * has it (a copy in the same order), else the first with it; or -1. *more
 * gets how many other records of ds2 have q's hash, when it was looked up
 * (0 for a copy in the same order, which needs no look-up). */
static size_t
side_find(struct wh_tui *app, const char *q, size_t *more)
{
	size_t found = (size_t)-1;

	*more = 0;
	if (side_has(app, app->tv.entry, q))
		return app->tv.entry;
	if (app->side_keys == NULL)
		side_index(app);
	uint64_t h = wh_hash(WH_HASH_SEED, q, strlen(q));
	for (size_t k = h & (app->side_cap - 1); app->side_keys[k].entry;
	    k = (k + 1) & (app->side_cap - 1)) {
		if (app->side_keys[k].hash != h)
			continue;
		if (found == (size_t)-1 && side_has(app, app->side_keys[k].entry - 1, q))
			found = app->side_keys[k].entry - 1;
		else
			(*more)++;
	}
	return found;
}

/* Find the record of ds2 with the question of the current trace. */
static void
load_side(struct wh_tui *app)
{
	const char *q = app->tv.loaded ? app->tv.t.text[WH_QUESTION] : NULL;
	const char *base = strrchr(app->ds2->path, '/');
	size_t more = 0, i = q ? side_find(app, q, &more) : (size_t)-1;

	wh_tui_tview_free(&app->side);
	free(app->side_match);
	app->side_match = NULL;
	if (i != (size_t)-1) {
		wh_tui_tview_load(&app->side, app->ds2, i, app->seg, app->tok, 0);
		snprintf(app->side.origin, sizeof app->side.origin, "%s, record %zu",
		    base ? base + 1 : app->ds2->path, i + 1);
		if (more)
			snprintf(app->side.origin + strlen(app->side.origin),
			    sizeof app->side.origin - strlen(app->side.origin),
			    " (the first of %zu with this question)", more + 1);
		return;
	}
	snprintf(app->side.error, sizeof app->side.error,
	    "no record with this question in %s", app->ds2->path);
	app->side.entry = (size_t)-1;
}

void
wh_tui_reload(struct wh_tui *app)
{
	size_t e = wh_tui_current(app);

	wh_tui_list_forget(app);
	if (e == (size_t)-1)
		return;
	load_trace(app, e, app->tv.cur);
	if (app->ds2)
		load_side(app);
	app->dirty = true;
}

/* The trace view shows the current record. */
static void
follow(struct wh_tui *app)
{
	size_t e = wh_tui_current(app);

	if (e == (size_t)-1 || ((app->tv.loaded || app->tv.bad) && app->tv.entry == e))
		return;
	load_trace(app, e, (size_t)-1);
	if (app->ds2)
		load_side(app);
}

void
wh_tui_open_trace(struct wh_tui *app)
{
	follow(app);
	app->view = WH_VIEW_TRACE;
	app->dirty = true;
}

/* Scroll the side pane so that the segment paired with the current one
 * (or with the last paired one before it) stands on the same screen row
 * as it; returns whether the current segment itself has a pair (the side
 * pane then shows it as its cursor). lw, sw: the panes' widths. */
static bool
align_side(struct wh_tui *app, int lw, int sw)
{
	struct wh_tui_tview *tv = &app->tv, *side = &app->side;
	size_t p = tv->cur, at, to;

	if (!tv->loaded || !side->loaded || tv->g.n_segs == 0 || side->g.n_segs == 0)
		return false;
	if (app->side_match == NULL || app->side_match_n != tv->g.n_segs) {
		free(app->side_match);
		app->side_match = wh_tui_diff_match(tv->t.text[WH_THINKING], &tv->g,
		    side->t.text[WH_THINKING], &side->g);
		app->side_match_n = tv->g.n_segs;
	}
	while (p > 0 && (p >= tv->g.n_segs || app->side_match[p] == SIZE_MAX))
		p--;
	if (p >= tv->g.n_segs || app->side_match[p] == SIZE_MAX ||
	    !wh_tui_tview_line_of(tv, p, lw, &at) ||
	    !wh_tui_tview_line_of(side, app->side_match[p], sw, &to))
		return false;
	long top = (long)to - ((long)at - (long)tv->top);
	side->top = top > 0 ? (size_t)top : 0;
	if (p != tv->cur)
		return false;
	side->cur = app->side_match[p];
	return true;
}

/* The trace view's review: its record's mark and note, for its title. */
static void
set_review(struct wh_tui *app)
{
	struct wh_tui_tview *v = &app->tv;
	size_t e = v->entry;
	const char *note;

	v->review[0] = '\0';
	if (!v->loaded || e >= app->marks.n || app->marks.mark[e] == WH_MARK_NONE)
		return;
	note = app->marks.note[e];
	snprintf(v->review, sizeof v->review, "marked %s%s%s",
	    wh_tui_mark_name(app->marks.mark[e]), note ? ": " : "", note ? note : "");
}

static void
draw_trace_area(struct wh_tui *app, int y, int x, int h, int w, bool focus)
{
	const regex_t *re = app->pattern ? &app->re : NULL;

	follow(app);
	set_review(app);
	if (app->ds2 == NULL) {
		wh_tui_tview_draw(&app->tv, y, x, h, w, focus, re);
		return;
	}
	int lw = (w - 1) / 2;
	wh_tui_tview_draw(&app->tv, y, x, h, lw, focus, re);
	for (int r = 0; r < h; r++)
		wh_ui_put(y + r, x + lw, 1, "\xe2\x94\x82", 3, WH_EL_BORDER);
	bool paired = align_side(app, lw, w - lw - 1);
	wh_tui_tview_draw(&app->side, y, x + lw + 1, h, w - lw - 1, paired, re);
}

static void
draw_main(struct wh_tui *app, int h)
{
	int w = app->width;

	if (w >= WIDE && !app->no_split && (app->view == WH_VIEW_LIST || app->view == WH_VIEW_TRACE)) {
		int lw = w * 2 / 5;
		wh_tui_list_draw(app, 0, 0, h, lw, app->view == WH_VIEW_LIST);
		for (int r = 0; r < h; r++)
			wh_ui_put(r, lw, 1, "\xe2\x94\x82", 3, WH_EL_BORDER);
		if (wh_tui_list_len(app))
			draw_trace_area(app, 0, lw + 1, h, w - lw - 1,
			    app->view == WH_VIEW_TRACE);
		return;
	}
	switch (app->view) {
	case WH_VIEW_LIST:
		wh_tui_list_draw(app, 0, 0, h, w, true);
		break;
	case WH_VIEW_TRACE:
		draw_trace_area(app, 0, 0, h, w, true);
		break;
	case WH_VIEW_FACETS:
		wh_tui_facets_draw(app, 0, 0, h, w);
		break;
	case WH_VIEW_DIFF:
		wh_tui_diff_draw(app, 0, 0, h, w);
		break;
	default:
		break;
	}
}

/* A progress bar: label, percentage and bar in w columns at (y, x). */
static void
draw_bar(int y, int x, int w, const char *label, size_t done, size_t n)
{
	char pct[96];
	int bar, fill;

	snprintf(pct, sizeof pct, " %s %3d%% ", label,
	    n ? (int)(100.0 * (double)done / (double)n) : 0);
	bar = w - (int)strlen(pct);
	if (bar < 4)
		return;
	fill = n ? (int)((double)bar * (double)done / (double)n) : 0;
	wh_ui_put(y, x, w, pct, strlen(pct), WH_EL_STATUS);
	wh_ui_fill(y, x + (int)strlen(pct), fill, WH_EL_PROGRESS);
}

static void
draw_progress(struct wh_tui *app, int y, int x, int w)
{
	char label[80];

	if (app->steps.pid > 0) {
		snprintf(label, sizeof label, "run %s", app->steps.step);
		draw_bar(y, x, w, label, app->steps.done, app->steps.total);
	} else if (app->rows.indexing)
		wh_ui_put(y, x, w, " indexing ", 10, WH_EL_STATUS);
	else
		draw_bar(y, x, w, "scan", wh_tui_rows_done(&app->rows), app->rows.n);
}

/* The end of s that fits in cols columns. */
static const char *
fit_end(const char *s, size_t cols)
{
	size_t n = strlen(s);
	uint32_t cp;

	while (n > 0 && wh_tui_width(s, n) > cols) {
		size_t k = wh_tui_decode(s, n, &cp);
		s += k;
		n -= k;
	}
	return s;
}

/* The status line's text in w columns: the file's name, then where the
 * cursor is. When they do not fit, the filter loses its end and the name
 * its start ("…" shows where), the name keeping up to NAME_KEEP columns,
 * so that the counts always show. */
static void
status_text(struct wh_tui *app, char *line, size_t size, int w)
{
	char pos[48], seg[48] = "", filter[sizeof app->filter_desc + 16] = "", rest[288];
	size_t n = wh_tui_list_len(app), marks = app->rows.n - app->marks.counts[WH_MARK_NONE];
	const char *base = strrchr(app->ds->path, '/');
	const char *name = base ? base + 1 : app->ds->path, *f = app->filter_desc;
	size_t cols = w > 0 ? (size_t)w : 0, fixed, nw, keep;

	if (app->view == WH_VIEW_TRACE && app->tv.loaded && app->tv.g.n_segs)
		snprintf(seg, sizeof seg, "  segment %zu/%zu", app->tv.cur + 1, app->tv.g.n_segs);
	snprintf(pos, sizeof pos, "  %zu/%zu", n ? app->cur + 1 : 0, n);
	snprintf(rest, sizeof rest, "%s%s  %zu unsaved  %zu marked%s ",
	    app->sort_desc[0] ? "  sorted by " : "", app->sort_desc,
	    wh_tui_unsaved(app), marks, seg);
	fixed = 1 + strlen(pos) + wh_tui_width(rest, strlen(rest));
	nw = wh_tui_width(name, strlen(name));
	keep = nw < NAME_KEEP ? nw : NAME_KEEP;
	/* the engine's state, where it fits beside the counts and the name */
	size_t ew = wh_tui_width(app->engine.text, strlen(app->engine.text));
	if (ew && fixed + keep + ew + 1 <= cols) {
		snprintf(rest + strlen(rest), sizeof rest - strlen(rest), " %s ",
		    app->engine.text);
		fixed += ew + 2;
	}
	if (f[0]) {
		/* "  filter: " and the expression, or as much as leaves keep */
		size_t room = cols > fixed + keep + 11 ? cols - fixed - keep - 11 : 0;
		size_t fw = wh_tui_width(f, strlen(f));
		if (fixed + nw + 10 + fw > cols && fw > room)
			snprintf(filter, sizeof filter, "  filter: %.*s…",
			    (int)wh_tui_fit(f, strlen(f), room, NULL), f);
		else
			snprintf(filter, sizeof filter, "  filter: %s", f);
		fixed += wh_tui_width(filter, strlen(filter));
	}
	if (fixed + nw > cols)
		snprintf(line, size, " …%s", cols > fixed + 1 ? fit_end(name, cols - fixed - 1) : "");
	else
		snprintf(line, size, " %s", name);
	snprintf(line + strlen(line), size - strlen(line), "%s%s%s", pos, filter, rest);
}

/* The status line; while the list is indexed or scanned or :run --all
 * runs, its text gives up PROGRESS_ROOM columns to the progress bar where
 * the screen has them. */
static void
draw_status(struct wh_tui *app, int y)
{
	char line[700];
	bool busy = app->rows.indexing || wh_tui_rows_done(&app->rows) < app->rows.n ||
	    app->steps.pid > 0;
	int used, room = app->width;

	if (busy && app->width >= PROGRESS_ROOM + 40)
		room = app->width - PROGRESS_ROOM;
	status_text(app, line, sizeof line, room);
	wh_ui_fill(y, 0, app->width, WH_EL_STATUS);
	used = wh_ui_put(y, 0, app->width, line, strlen(line), WH_EL_STATUS);
	if (busy && app->width - used >= PROGRESS_ROOM - 4)
		draw_progress(app, y, used + 2, app->width - used - 2 < 60
		    ? app->width - used - 2 : 60);
}

/* The rows the message line takes: a message wider than the screen and
 * fresh since the last key (a list of completions, say) is wrapped (into
 * *lines) over up to a third of the screen, so that its end is read too;
 * else 1. */
static int
message_rows(const struct wh_tui *app, struct wh_tui_line **lines, size_t *n)
{
	size_t len = strlen(app->msg);
	int most = app->height / 3;

	*lines = NULL;
	*n = 0;
	if (!app->msg_fresh || app->width < 1 || most < 2 ||
	    wh_tui_width(app->msg, len) <= (size_t)app->width)
		return 1;
	wh_tui_wrap(app->msg, len, (size_t)app->width, lines, n);
	return *n < (size_t)most ? (int)*n : most;
}

static void
draw(struct wh_tui *app)
{
	size_t done = wh_tui_rows_done(&app->rows);	/* before it is drawn */
	enum wh_element el;
	struct wh_tui_line *lines;
	size_t n_lines;
	int h, rows, bottom;
	bool prompt;

	wh_ui_size(&app->height, &app->width);
	h = app->height - 2;
	wh_ui_erase();
	if (h > 0)
		draw_main(app, h);
	if (app->help && h > 2)
		wh_tui_help_draw(app, 1, 2, h - 1, app->width - 4);
	rows = message_rows(app, &lines, &n_lines);
	prompt = app->prompt != WH_PROMPT_NONE;
	/* the message ends above the command line, else on the last line */
	bottom = prompt ? app->height - 2 : app->height - 1;
	draw_status(app, prompt ? bottom : bottom - rows);
	el = app->msg_error ? WH_EL_ERROR : WH_EL_MESSAGE;
	for (int r = 0; r < rows && app->msg[0]; r++) {
		int y = bottom - rows + 1 + r;
		if (prompt || n_lines > 0)
			wh_ui_fill(y, 0, app->width, WH_EL_MESSAGE);
		if (n_lines > 0)
			wh_ui_put(y, 0, app->width, app->msg + lines[r].start,
			    lines[r].end - lines[r].start, el);
		else
			wh_ui_put(y, 0, app->width, app->msg, strlen(app->msg), el);
	}
	if (prompt)
		wh_tui_cmdline_draw(app, app->height - 1, app->width);
	else
		wh_ui_cursor(-1, 0);
	free(lines);
	wh_ui_flush();
	app->dirty = false;
	app->last_done = done;
}

static void
handle(struct wh_tui *app, const struct wh_ui_event *ev)
{
	if (ev->key == WH_KEY_RESIZE) {
		wh_ui_size(&app->height, &app->width);
		wh_tui_cmdline_resize(app->height, app->width);
		app->dirty = true;
		return;
	}
	/* a key puts a long message back on one line */
	app->msg_fresh = false;
	app->dirty = true;
	if (app->prompt != WH_PROMPT_NONE) {
		wh_tui_cmdline_feed(app, ev->key);
		return;
	}
	if (ev->key == WH_KEY_MOUSE) {
		wh_tui_mouse(app, ev);
		return;
	}
	if (ev->key == WH_KEY_PASTE) {	/* its text must not act as keys */
		wh_tui_message(app, true, "a paste is text: open the command line (:) "
		    "or a search (/) and paste there");
		return;
	}
	wh_tui_key(app, ev->key);
}

static void
drain(struct wh_tui *app)
{
	struct wh_ui_event ev;

	while (!app->quit && wh_ui_next(&ev))
		handle(app, &ev);
	wh_tui_cmdline_idle(app);
}

static void
loop(struct wh_tui *app)
{
	struct pollfd p[4] = { { .fd = wh_ui_fd(), .events = POLLIN },
		{ .fd = -1, .events = POLLIN }, { .fd = -1, .events = POLLIN },
		{ .fd = -1, .events = POLLIN } };

	while (!app->quit) {
		bool scanning = wh_tui_rows_done(&app->rows) < app->rows.n;
		if (wh_tui_engine_tick(&app->engine))
			app->dirty = true;
		if (app->dirty || wh_tui_rows_done(&app->rows) != app->last_done)
			draw(app);
		p[1].fd = wh_tui_rows_fd(&app->rows);
		p[2].fd = wh_tui_job_fd(app);
		p[3].fd = wh_tui_engine_fd(&app->engine);
		poll(p, 4, scanning ? 100 : 1000);
		wh_tui_index_poll(app, false);
		if (p[2].fd >= 0 && p[2].revents)
			wh_tui_job_poll(app);
		drain(app);
	}
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The percentiles of v[0..n) (sorted here). */
static void
percentiles(struct wh_buf *b, const char *what, double *v, size_t n)
{
	qsort(v, n, sizeof *v, by_value);
	wh_buf_printf(b, "%s %zu  p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", what, n,
	    v[n / 2], v[(size_t)((double)(n - 1) * 0.99)], v[n - 1]);
}

/* The replay's report: time to the first screen and to all rows, the
 * key-to-screen times, the slowest time of each key, and the processor
 * time the UI thread spent on each key (the rest of a key's time it waited
 * for the processor). */
static char *
replay_report(const int *codes, double *ms, double *cpu, size_t n,
    double first, double all, size_t records)
{
	struct wh_buf b = {0};
	int seen[64];
	double worst[64];
	size_t n_seen = 0, c;
	char name[16];

	for (size_t k = 0; k < n; k++) {
		for (c = 0; c < n_seen && seen[c] != codes[k]; c++)
			;
		if (c == n_seen && n_seen < 64) {
			seen[n_seen] = codes[k];
			worst[n_seen++] = 0;
		}
		if (c < n_seen && ms[k] > worst[c])
			worst[c] = ms[k];
	}
	wh_buf_printf(&b, "records %zu\nfirst screen %.1f ms\nall rows %.1f ms\n",
	    records, first, all);
	if (n > 0) {
		wh_buf_printf(&b, "slowest by key:");
		for (c = 0; c < n_seen; c++) {
			wh_tui_key_name(seen[c], name, sizeof name);
			wh_buf_printf(&b, " %s %.2f", name, worst[c]);
		}
		wh_buf_printf(&b, "\n");
		percentiles(&b, "keys", ms, n);
		percentiles(&b, "UI thread processor time, keys", cpu, n);
	}
	return wh_buf_take(&b);
}

/* --replay KEYS: feed KEYS once the first screen (drawn first ms after
 * start) is up, drawing after each, then wait for the scan; returns the
 * report. */
static char *
replay(struct wh_tui *app, const char *keys, double t0, double first)
{
	char *report;
	int codes[4096], n = wh_tui_parse_keys(keys, codes, 4096);
	double *ms = wh_xcalloc((size_t)n + 1, sizeof *ms), all;
	double *cpu = wh_xcalloc((size_t)n + 1, sizeof *cpu);

	for (int k = 0; k < n && !app->quit; k++) {
		double a = now_ms(), c = clock_ms(CLOCK_THREAD_CPUTIME_ID);
		struct wh_ui_event ev = { .key = codes[k] };
		wh_tui_index_poll(app, false);
		handle(app, &ev);
		wh_tui_cmdline_idle(app);
		draw(app);
		ms[k] = now_ms() - a;
		cpu[k] = clock_ms(CLOCK_THREAD_CPUTIME_ID) - c;
	}
	wh_tui_index_poll(app, true);
	while (wh_tui_rows_done(&app->rows) < app->rows.n)
		usleep(10000);
	all = now_ms() - t0;
	report = replay_report(codes, ms, cpu, (size_t)n, first, all, app->rows.n);
	free(ms);
	free(cpu);
	return report;
}

static void
usage(void)
{
	fprintf(stderr, "usage: whittle FILE [--with FILE2] [--tokenizer PATH] "
	    "[--map SPEC] [--layout NAME] [--theme NAME] [-j N]\n"
	    "       [--replay KEYS] [--engine ssh:HOST] [--losses RUN|DIR|FILE [--step N]]\n");
}

/* What getopt_long's c ('?' or ':') says of argv's last option, as the
 * commands say it, and the usage. */
static int
bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		fprintf(stderr, "whittle: option %s needs a value\n", arg);
	else if (strncmp(arg, "--", 2) == 0)
		fprintf(stderr, "whittle: unknown option %.*s\n", (int)strcspn(arg, "="), arg);
	else
		fprintf(stderr, "whittle: unknown option -%c\n", optopt);
	usage();
	return -1;
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "with", required_argument, NULL, 'w' },
		{ "tokenizer", required_argument, NULL, 'k' },
		{ "map", required_argument, NULL, 'm' },
		{ "layout", required_argument, NULL, 'L' },
		{ "theme", required_argument, NULL, 't' },
		{ "replay", required_argument, NULL, 'r' },
		{ "threads", required_argument, NULL, 'j' },
		{ "engine", required_argument, NULL, 'e' },
		{ "losses", required_argument, NULL, 'l' },
		{ "step", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof *o);
	optind = 1;
	while ((c = getopt_long(argc, argv, ":m:L:j:", longopts, NULL)) != -1) {
		switch (c) {
		case 'w': o->file2 = optarg; break;
		case 'k': o->tokenizer = optarg; break;
		case 'm': o->map = optarg; break;
		case 'L': o->layout = optarg; break;
		case 't': o->theme = optarg; break;
		case 'r': o->replay = optarg; break;
		case 'j': o->threads = atoi(optarg); break;
		case 'l': o->losses = optarg; break;
		case 's': o->step = atol(optarg); break;
		case 'e':
			/* Every engine client in this process (the Runs view,
			 * :train) reads it, as the CLI's commands do. */
			if (strncmp(optarg, "ssh:", 4) != 0 || optarg[4] == '\0') {
				fprintf(stderr, "whittle: --engine %s: an engine is ssh:HOST\n", optarg);
				return -1;
			}
			setenv("WHITTLE_ENGINE", optarg, 1);
			break;
		default: return bad_option(c, argv);
		}
	}
	if (optind != argc - 1) {
		usage();
		return -1;
	}
	if (o->step < 0 || (o->step > 0 && o->losses == NULL)) {
		fprintf(stderr, "whittle: --step N (N > 0) needs --losses\n");
		return -1;
	}
	o->file = argv[optind];
	return 0;
}

static int
fail(const struct wh_error *err)
{
	char buf[1200];

	wh_error_format(err, buf, sizeof buf);
	fprintf(stderr, "whittle: %s\n", buf);
	return 1;
}

/* Open everything the workbench reads before the screen is taken. */
static int
open_all(struct wh_tui *app, const struct options *o)
{
	struct wh_open_opts oo = { .map = o->map, .layout = o->layout,
		.threads = o->threads, .journal = true, .index_prefix = PREFIX };
	struct wh_error err = {0};
	char *journal = wh_dataset_journal_path(o->file);

	/* Edits are replayed onto the index at open: index all of it first. */
	if (access(journal, F_OK) == 0)
		oo.index_prefix = 0;
	free(journal);
	if (wh_dataset_open(&app->ds, o->file, &oo, &err) < 0)
		return fail(&err);
	if (stat(app->ds->path, &app->disk) < 0)
		memset(&app->disk, 0, sizeof app->disk);
	if (o->file2) {
		oo.journal = false;
		oo.index_prefix = 0;
		if (wh_dataset_open(&app->ds2, o->file2, &oo, &err) < 0)
			return fail(&err);
	}
	if (o->tokenizer && (app->tok = wh_tokenizer_load(o->tokenizer, &err)) == NULL)
		return fail(&err);
	if (wh_segmenter_new(&app->seg, wh_segment_default_rules(), &err) < 0)
		return fail(&err);
	wh_tui_marks_load(&app->marks, app->ds->path, wh_dataset_entries(app->ds),
	    !app->ds->index.partial);
	/* A damaged overrides file is named on opening, and the rest goes on. */
	if (wh_overrides_load(&app->ov, app->ds->path, &err) < 0) {
		struct wh_buf path = {0};
		wh_error_format(&err, app->ov_problem, sizeof app->ov_problem);
		snprintf(app->ov_problem + strlen(app->ov_problem), sizeof app->ov_problem -
		    strlen(app->ov_problem), ": no segment shows an override");
		wh_buf_printf(&path, "%s.segments", app->ds->path);
		app->ov.path = wh_buf_take(&path);
	} else if (app->ov.bad > 0)
		snprintf(app->ov_problem, sizeof app->ov_problem, "%s: skipped %zu line(s) "
		    "of the segment overrides that cannot be read (the first: line %zu)",
		    app->ov.path, app->ov.bad, app->ov.first_bad);
	app->undo.ov = &app->ov;
	app->datadir = wh_datadir();
	return 0;
}

static void
close_all(struct wh_tui *app)
{
	wh_tui_steps_free(app);
	wh_tui_engine_close(&app->engine);
	wh_tui_rows_stop(&app->rows);
	wh_tui_tview_free(&app->tv);
	wh_tui_tview_free(&app->side);
	free(app->side_match);
	wh_tui_side_forget(app);
	wh_tui_init_free(app);
	wh_tui_edit_free(&app->undo);
	wh_tui_marks_free(&app->marks);
	wh_overrides_free(&app->ov);
	wh_tui_losses_free(&app->losses);
	wh_tui_facets_free(app);
	wh_tui_diff_free(app);
	wh_segmenter_free(app->seg);
	wh_tokenizer_free(app->tok);
	wh_dataset_close(app->ds2);
	wh_dataset_close(app->ds);
	free(app->filter);
	if (app->pattern)
		regfree(&app->re);
	free(app->pattern);
	free(app->datadir);
}

/* Tell the user what opening found: restored edits, bad records. */
static void
opening_message(struct wh_tui *app)
{
	const struct wh_index *ix = &app->ds->index;

	if (app->ds->n_notes > 0 || app->marks.problem[0] || app->ov_problem[0]) {
		struct wh_buf all = {0};
		for (size_t k = 0; k < app->ds->n_notes; k++)
			wh_buf_printf(&all, "%s%s", k ? "; " : "", app->ds->notes[k]);
		if (app->marks.problem[0])
			wh_buf_printf(&all, "%s%s", all.len ? "; " : "", app->marks.problem);
		if (app->ov_problem[0])
			wh_buf_printf(&all, "%s%s", all.len ? "; " : "", app->ov_problem);
		wh_tui_message(app, app->marks.problem[0] || app->ov_problem[0], "%s",
		    all.data);
		wh_buf_free(&all);
	} else if (ix->n_junk > 0)	/* not records, so not rows of the list */
		wh_tui_message(app, true, "%zu records and %zu unreadable part%s, the first "
		    "at %s:%u: %s", ix->n, ix->n_junk, ix->n_junk > 1 ? "s" : "",
		    app->ds->path, ix->junk[0].line, ix->junk[0].reason);
	else if (!app->ds->layout_known)
		wh_tui_message(app, true, "no known layout: records are shown raw; use --map");
	else if (app->ds->index.partial) {
		wh_tui_message(app, false, "indexing the rest of the file; ? for help, : for commands");
		app->msg_indexing = true;
	} else
		wh_tui_message(app, false, "%zu records; ? for help, : for commands",
		    wh_dataset_entries(app->ds));
}

static void
set_locale(void)
{
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
}

int
wh_tui_main(int argc, char **argv)
{
	double t0 = now_ms(), first;
	struct wh_tui app = {0};
	struct wh_buf reading = {0};
	struct options o;
	const char *nc = getenv("NO_COLOR");
	char why[200];
	int rc;

	set_locale();
	if (parse_options(argc, argv, &o) < 0)
		return 2;
	if ((rc = open_all(&app, &o)) != 0) {
		close_all(&app);
		return rc;
	}
	wh_tui_list_forget(&app);
	wh_buf_printf(&reading, "map=%s layout=%s tokenizer=%s", o.map ? o.map : "",
	    o.layout ? o.layout : "", o.tokenizer ? o.tokenizer : "");
	wh_tui_rows_init(&app.rows, app.ds, app.seg, app.tok, reading.data);
	wh_tui_engine_init(&app.engine);
	wh_buf_free(&reading);
	app.color = nc == NULL || nc[0] == '\0';
	wh_engine_ssh_quiet();	/* stderr is the screen */
	if (wh_ui_open(app.color, why, sizeof why) < 0) {
		fprintf(stderr, "whittle: the workbench needs a terminal: %s\n", why);
		close_all(&app);
		return 1;
	}
	wh_tui_cmdline_init(&app);
	wh_tui_steps_limit(&app, WH_MAX_INSTRUCTIONS);
	if (!wh_tui_set_theme(&app, o.theme ? o.theme : app.color ? "default" : "monochrome"))
		wh_tui_set_theme(&app, "builtin");
	else
		opening_message(&app);
	wh_tui_init_lua(&app);
	if (o.theme)	/* --theme wins over init.lua's */
		wh_tui_set_theme(&app, o.theme);
	draw(&app);
	first = now_ms() - t0;
	wh_tui_rows_start(&app.rows,
	    o.threads > 0 ? o.threads : wh_cpus());
	if (o.losses)
		wh_tui_losses_show(&app, o.losses, o.step);
	char *report = o.replay ? replay(&app, o.replay, t0, first) : NULL;
	if (report == NULL)
		loop(&app);
	wh_tui_cmdline_done();
	wh_ui_close();
	if (report)
		fputs(report, stderr);
	free(report);
	close_all(&app);
	return 0;
}
