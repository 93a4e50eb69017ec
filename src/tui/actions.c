/* The actions of the keymap: moving in the list and the trace, folding,
 * the segment edits (as changes of the thinking through edit.c), marks,
 * and the mouse. */
#include <errno.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui/actions.h"
#include "tui/app.h"
#include "tui/cmdline.h"
#include "tui/diff.h"
#include "tui/facets.h"
#include "tui/keys.h"
#include "tui/ui.h"
#include "whittle/buf.h"
#include "whittle/utf8.h"

static int
page(const struct wh_tui *app)
{
	return app->height > 6 ? app->height - 4 : 1;
}

/* The trace view has the keys and a record with segments. */
static bool
in_trace(const struct wh_tui *app)
{
	return app->view == WH_VIEW_TRACE;
}

static bool
has_segments(struct wh_tui *app)
{
	if (app->tv.loaded && app->tv.g.n_segs > 0)
		return true;
	wh_tui_message(app, true, "this record has no thinking segments");
	return false;
}

/* has_segments, and the current segment shows: an edit of one segment on
 * a folded solution's line would change a segment not in sight. */
static bool
one_segment(struct wh_tui *app)
{
	const struct wh_tui_tview *v = &app->tv;
	uint32_t s;

	if (!has_segments(app))
		return false;
	s = v->g.segs[v->cur].solution;
	if (s > 0 && s <= v->g.n_sols && v->folded[s - 1]) {
		wh_tui_message(app, true, "solution %u is folded: za unfolds it (dS deletes "
		    "it whole)", (unsigned)s);
		return false;
	}
	return true;
}

static void
move(struct wh_tui *app, long n)
{
	if (in_trace(app)) {
		for (long k = 0; k < labs(n); k++)
			if (!wh_tui_tview_step(&app->tv, n < 0 ? -1 : 1))
				break;
	} else if (app->view == WH_VIEW_FACETS) {
		long c = (long)app->facet_cur + n;
		app->facet_cur = c < 0 ? 0 : (size_t)c >= app->n_facets
		    ? (app->n_facets ? app->n_facets - 1 : 0) : (size_t)c;
	} else if (app->view == WH_VIEW_DIFF)
		wh_tui_diff_scroll(app, n);
	else {
		long c = (long)app->cur + n;
		wh_tui_goto(app, c < 0 ? 0 : (size_t)c);
	}
	app->dirty = true;
}

void wh_act_down(struct wh_tui *app) { move(app, 1); }
void wh_act_up(struct wh_tui *app) { move(app, -1); }

void
wh_act_page_down(struct wh_tui *app)
{
	if (in_trace(app))
		wh_tui_tview_scroll(&app->tv, page(app), app->height - 2);
	else
		move(app, page(app));
	app->dirty = true;
}

void
wh_act_page_up(struct wh_tui *app)
{
	if (in_trace(app))
		wh_tui_tview_scroll(&app->tv, -page(app), app->height - 2);
	else
		move(app, -page(app));
	app->dirty = true;
}

void
wh_act_top(struct wh_tui *app)
{
	if (in_trace(app))
		wh_tui_tview_home(&app->tv, false);
	else
		move(app, -(long)wh_tui_list_len(app) - (long)app->n_facets - 1000000);
	app->dirty = true;
}

void
wh_act_bottom(struct wh_tui *app)
{
	if (in_trace(app))
		wh_tui_tview_home(&app->tv, true);
	else
		move(app, (long)wh_tui_list_len(app) + (long)app->n_facets + 1000000);
	app->dirty = true;
}

void
wh_act_open(struct wh_tui *app)
{
	if (app->view == WH_VIEW_FACETS)
		wh_tui_facets_select(app);
	else if (wh_tui_list_len(app))
		wh_tui_open_trace(app);
}

void
wh_act_focus(struct wh_tui *app)
{
	if (app->view == WH_VIEW_TRACE)
		app->view = WH_VIEW_LIST;
	else if (wh_tui_list_len(app))
		wh_tui_open_trace(app);
	app->dirty = true;
}

void
wh_act_back(struct wh_tui *app)
{
	if (app->view == WH_VIEW_DIFF && app->steps.pending)
		wh_tui_run_keep(app, false);
	else if (app->view == WH_VIEW_DIFF)
		app->view = app->back;
	else if (app->view != WH_VIEW_LIST)
		app->view = WH_VIEW_LIST;
	else if (app->filtered && app->keys[0] == 27) {
		wh_tui_set_filter(app, NULL, 0, "");
		wh_tui_message(app, false, "all %zu records", app->rows.n);
	}
	else if (app->keys[0] == 'q')
		wh_act_quit(app);
	app->dirty = true;
}

void
wh_act_quit(struct wh_tui *app)
{
	if (app->steps.pid > 0 && !app->confirm_quit) {
		app->confirm_quit = true;
		wh_tui_message(app, true, ":run --all %s is running: quitting stops it "
		    "and removes its output; q again quits", app->steps.step);
		return;
	}
	if (wh_tui_unsaved(app) > 0 && !app->confirm_quit) {
		app->confirm_quit = true;
		wh_tui_message(app, true, "%zu record%s unsaved edits: :w saves, "
		    ":q! quits without (they stay in the journal); q again quits",
		    wh_tui_unsaved(app), wh_tui_unsaved(app) == 1 ? " has" : "s have");
		return;
	}
	app->quit = true;
}

void
wh_act_help(struct wh_tui *app)
{
	app->help = !app->help;
	app->help_top = 0;
	app->dirty = true;
}

void
wh_act_command(struct wh_tui *app)
{
	wh_tui_cmdline_open(app, WH_PROMPT_COMMAND, ":", NULL, 0);
}

void
wh_act_search(struct wh_tui *app)
{
	wh_tui_cmdline_open(app, WH_PROMPT_SEARCH, "/", NULL, 0);
}

/* C-z: give the terminal back and stop, as a shell's job; fg resumes. */
void
wh_act_suspend(struct wh_tui *app)
{
	wh_ui_suspend();
	raise(SIGTSTP);
	wh_ui_resume();
	app->dirty = true;
}

void
wh_act_redraw(struct wh_tui *app)
{
	wh_ui_repaint();
	app->dirty = true;
}

static bool
matches(const regex_t *re, const char *s)
{
	return s && regexec(re, s, 0, NULL, 0) == 0;
}

/* The first segment of the trace view matching re from segment k (itself
 * included) on (dir > 0) or back (dir < 0): the cursor goes there, and its
 * solution unfolds. */
static bool
search_segments(struct wh_tui *app, const regex_t *re, size_t k, int dir)
{
	struct wh_tui_tview *v = &app->tv;

	for (; k < v->g.n_segs; k = dir > 0 ? k + 1 : k - 1) {	/* k - 1 from 0 ends it */
		const struct wh_segment *s = &v->g.segs[k];
		char *text = wh_xstrndup(v->t.text[WH_THINKING] + s->start, s->end - s->start);
		bool hit = matches(re, text);
		free(text);
		if (hit) {
			wh_tui_tview_reveal(v, k);
			return true;
		}
	}
	return false;
}

/* The next record on the list from the cursor whose question or thinking
 * matches re; reads records, so it runs only when asked. */
static bool
search_records(struct wh_tui *app, const regex_t *re, int dir)
{
	size_t n = wh_tui_list_len(app);

	for (size_t step = 1; step < n + 1; step++) {
		size_t pos = (app->cur + n + (dir > 0 ? step : n - step % n)) % n;
		struct wh_trace t;
		bool hit;
		if (wh_dataset_trace(app->ds, wh_tui_list_entry(app, pos), 0, &t, NULL) < 0)
			continue;
		hit = matches(re, t.text[WH_QUESTION]) || matches(re, t.text[WH_THINKING]);
		wh_trace_free(&t);
		if (hit) {
			wh_tui_goto(app, pos);
			return true;
		}
	}
	return false;
}

/* The next value of the facets view from the cursor matching re, round
 * the table (back to the cursor's own last). */
static bool
search_facets(struct wh_tui *app, const regex_t *re, int dir)
{
	size_t n = app->n_facets;

	for (size_t step = 1; step < n + 1; step++) {
		size_t k = (app->facet_cur + n + (dir > 0 ? step : n - step % n)) % n;
		if (matches(re, app->facets[k].value)) {
			app->facet_cur = k;
			return true;
		}
	}
	return false;
}

static void
search(struct wh_tui *app, int dir)
{
	bool facets = app->view == WH_VIEW_FACETS;
	size_t from = facets ? app->facet_cur : app->cur;
	bool found, wrapped = false;

	if (app->pattern == NULL) {
		wh_tui_message(app, true, "no search yet: / searches");
		return;
	}
	if (facets) {
		found = search_facets(app, &app->re, dir);
		wrapped = dir > 0 ? app->facet_cur <= from : app->facet_cur >= from;
	} else if (in_trace(app) && app->tv.loaded &&
	    search_segments(app, &app->re, app->tv.cur + (size_t)dir, dir))
		found = true;
	else if ((found = search_records(app, &app->re, dir))) {
		wrapped = dir > 0 ? app->cur <= from : app->cur >= from;
		if (in_trace(app)) {	/* its first match going on, its last going back */
			wh_tui_reload(app);
			app->tv.cur = 0;
			search_segments(app, &app->re, dir > 0 ? 0 : app->tv.g.n_segs - 1, dir);
		}
	}
	if (found && wrapped)
		wh_tui_message(app, false, "/%s (past the %s of the %s: from the %s)",
		    app->pattern, dir > 0 ? "end" : "start", facets ? "values" : "list",
		    dir > 0 ? "top" : "bottom");
	else if (found)
		wh_tui_message(app, false, "/%s", app->pattern);
	else
		wh_tui_message(app, true, "not found: %s", app->pattern);
}

void wh_act_search_next(struct wh_tui *app) { search(app, 1); }
void wh_act_search_prev(struct wh_tui *app) { search(app, -1); }

static void
jump(struct wh_tui *app, bool ok, const char *what)
{
	if (!ok)
		wh_tui_message(app, false, "no %s", what);
	app->dirty = true;
}

void wh_act_next_solution(struct wh_tui *app) { jump(app, wh_tui_tview_solution(&app->tv, 1), "next solution"); }
void wh_act_prev_solution(struct wh_tui *app) { jump(app, wh_tui_tview_solution(&app->tv, -1), "previous solution"); }
void wh_act_next_error(struct wh_tui *app) { jump(app, wh_tui_tview_error(&app->tv, 1), "next error"); }
void wh_act_prev_error(struct wh_tui *app) { jump(app, wh_tui_tview_error(&app->tv, -1), "previous error"); }

static void
other_record(struct wh_tui *app, int dir)
{
	if ((dir < 0 && app->cur == 0) || (dir > 0 && app->cur + 1 >= wh_tui_list_len(app))) {
		wh_tui_message(app, false, "no %s record", dir < 0 ? "previous" : "next");
		return;
	}
	wh_tui_goto(app, dir < 0 ? app->cur - 1 : app->cur + 1);
	wh_tui_open_trace(app);
}

void wh_act_next_record(struct wh_tui *app) { other_record(app, 1); }
void wh_act_prev_record(struct wh_tui *app) { other_record(app, -1); }

void
wh_act_fold(struct wh_tui *app)
{
	if (!has_segments(app))
		return;
	if (app->tv.g.segs[app->tv.cur].solution == 0)
		wh_tui_message(app, false, "segment %zu is in no solution attempt: za folds "
		    "one, ]s goes to the next", app->tv.cur + 1);
	wh_tui_tview_fold(&app->tv);
	app->dirty = true;
}

void
wh_act_fold_verify(struct wh_tui *app)
{
	size_t n = 0;

	wh_tui_tview_fold_all(&app->tv, true);
	for (size_t s = 0; app->tv.folded && s < app->tv.g.n_sols; s++)
		n += app->tv.folded[s];
	if (n)
		wh_tui_message(app, false, "%zu verification attempt%s folded (zR unfolds)",
		    n, n == 1 ? "" : "s");
	else
		wh_tui_message(app, false, "no verification attempt to fold");
	app->dirty = true;
}

void wh_act_unfold_all(struct wh_tui *app) { wh_tui_tview_fold_all(&app->tv, false); app->dirty = true; }

/* Replace the current record's thinking with text[0..len), for undo as
 * what; reports the token change. Text that changes nothing is no edit. */
static bool
set_thinking(struct wh_tui *app, const char *text, size_t len, const char *what)
{
	struct wh_error err = {0};
	char buf[600];
	size_t before = 0;

	if (len == app->tv.t.len[WH_THINKING] &&
	    (len == 0 || memcmp(text, app->tv.t.text[WH_THINKING], len) == 0)) {
		wh_tui_message(app, false, "%s: no change", what);
		return false;
	}
	for (size_t k = 0; k < app->tv.g.n_segs; k++)
		before += app->tv.seg_tokens[k];
	if (wh_tui_edit_set(&app->undo, &app->rows, app->tv.entry, WH_THINKING,
	    text, len, what, &err) < 0) {
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, true, "%s: %s", what, buf);
		return false;
	}
	app->confirm_quit = false;
	wh_tui_reload(app);
	size_t after = 0;
	for (size_t k = 0; k < app->tv.g.n_segs; k++)
		after += app->tv.seg_tokens[k];
	size_t d = before > after ? before - after : after - before;
	wh_tui_message(app, false, "%s: %zu %s%s %s (u undoes)", what, d,
	    app->tok ? "token" : "character", d == 1 ? "" : "s",
	    before >= after ? "saved" : "added");
	return true;
}

/* The thinking with bytes [a, b) replaced by rep; whether it changed. */
static bool
splice(struct wh_tui *app, size_t a, size_t b, const char *rep, const char *what)
{
	const char *th = app->tv.t.text[WH_THINKING];
	size_t n = app->tv.t.len[WH_THINKING];
	struct wh_buf out = {0};
	bool ok;

	wh_buf_add(&out, th, a);
	wh_buf_adds(&out, rep);
	wh_buf_add(&out, th + b, n - b);
	ok = set_thinking(app, out.data ? out.data : "", out.len, what);
	wh_buf_free(&out);
	return ok;
}

/* The end of segment k with the white space after it. */
static size_t
end_with_space(const struct wh_tui_tview *v, size_t k)
{
	size_t e = v->g.segs[k].end, n = v->t.len[WH_THINKING];
	const char *th = v->t.text[WH_THINKING];

	while (e < n && (th[e] == ' ' || th[e] == '\n' || th[e] == '\t'))
		e++;
	return e;
}

void
wh_act_delete_segment(struct wh_tui *app)
{
	const struct wh_tui_tview *v = &app->tv;

	if (one_segment(app))
		splice(app, v->g.segs[v->cur].start, end_with_space(v, v->cur), "",
		    "delete segment");
}

void
wh_act_merge(struct wh_tui *app)
{
	const struct wh_tui_tview *v = &app->tv;
	size_t n;

	if (!one_segment(app))
		return;
	if (v->cur + 1 >= v->g.n_segs) {
		wh_tui_message(app, true, "no next segment to merge with");
		return;
	}
	n = v->g.n_segs;
	if (v->g.segs[v->cur + 1].start - v->g.segs[v->cur].end == 1 &&
	    v->t.text[WH_THINKING][v->g.segs[v->cur].end] == ' ')
		wh_tui_message(app, false, "merge: no change: the break is a space already, "
		    "and the segmenter cuts there (a sentence ends)");
	else if (splice(app, v->g.segs[v->cur].end, v->g.segs[v->cur + 1].start, " ",
	    "merge")) {
		if (v->g.n_segs >= n)
			wh_tui_message(app, false, "merge: the break is a space now (u undoes), "
			    "but the segmenter still cuts there (a sentence ends)");
		else
			wh_tui_message(app, false, "merge: segments %zu and %zu are "
			    "segment %zu now (u undoes)", v->cur + 1, v->cur + 2, v->cur + 1);
	}
}

void
wh_act_delete_solution(struct wh_tui *app)
{
	const struct wh_tui_tview *v = &app->tv;
	uint32_t s;

	if (!has_segments(app))
		return;
	if ((s = v->g.segs[v->cur].solution) == 0) {
		wh_tui_message(app, true, "this segment is in no solution");
		return;
	}
	splice(app, v->g.segs[v->g.sols[s - 1].first].start,
	    end_with_space(v, v->g.sols[s - 1].last), "", "delete solution");
}

void
wh_act_trim(struct wh_tui *app)
{
	const struct wh_tui_tview *v = &app->tv;
	const char *th;
	struct wh_buf out = {0};

	if (!one_segment(app))
		return;
	th = v->t.text[WH_THINKING];
	wh_buf_add(&out, th, v->g.segs[v->cur].end);
	for (size_t k = v->cur + 1; k < v->g.n_segs; k++)
		if (v->g.segs[k].role == WH_ROLE_CONCLUDE) {
			wh_buf_adds(&out, "\n\n");
			wh_buf_add(&out, th + v->g.segs[k].start, v->g.segs[k].end - v->g.segs[k].start);
		}
	set_thinking(app, out.data ? out.data : "", out.len, "trim here");
	wh_buf_free(&out);
}

static void
prompt_with_segment(struct wh_tui *app, enum wh_prompt kind, const char *prompt)
{
	const struct wh_tui_tview *v = &app->tv;
	const struct wh_segment *s;
	char *text;

	if (!one_segment(app))
		return;
	s = &v->g.segs[v->cur];
	text = wh_xstrndup(v->t.text[WH_THINKING] + s->start, s->end - s->start);
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ' ';
	wh_tui_cmdline_open(app, kind, prompt, text,
	    kind == WH_PROMPT_SPLIT ? strlen(text) / 2 : strlen(text));
	free(text);
}

void
wh_act_split(struct wh_tui *app)
{
	prompt_with_segment(app, WH_PROMPT_SPLIT, "split at cursor> ");
}

void
wh_act_edit_inline(struct wh_tui *app)
{
	prompt_with_segment(app, WH_PROMPT_EDIT, "edit> ");
}

/* Finish a split or inline edit of the current segment with line. */
void
wh_tui_segment_line(struct wh_tui *app, int kind, const char *line,
    size_t point)
{
	const struct wh_tui_tview *v = &app->tv;
	const struct wh_segment *s = &v->g.segs[v->cur];
	const char *seg = v->t.text[WH_THINKING] + s->start;
	size_t n = s->end - s->start, len = strlen(line);
	struct wh_buf rep = {0};
	bool same = len == n;

	/* The line shows the segment's newlines as spaces: unchanged, it
	 * stands for the segment's own text. */
	for (size_t k = 0; same && k < n; k++)
		same = line[k] == (seg[k] == '\n' ? ' ' : seg[k]);
	if (same)
		line = seg;
	if (kind != WH_PROMPT_SPLIT) {
		wh_buf_add(&rep, line, len);
		splice(app, s->start, s->end, rep.data ? rep.data : "", "edit segment");
		wh_buf_free(&rep);
		return;
	}
	/* The break replaces the white space at the cursor. */
	size_t a = point < len ? point : len, b = a, k = v->cur, n_segs = v->g.n_segs;
	while (a > 0 && strchr(" \t\n", line[a - 1]))
		a--;
	while (b < len && strchr(" \t\n", line[b]))
		b++;
	wh_buf_add(&rep, line, a);
	if (a > 0 && b < len)
		wh_buf_adds(&rep, "\n\n");
	wh_buf_add(&rep, line + b, len - b);
	if (splice(app, s->start, s->end, rep.data ? rep.data : "", "split")) {
		if (a == 0 || b == len)
			wh_tui_message(app, true, "split: no text %s the cursor, so no split "
			    "(the text typed is kept; u undoes)", a == 0 ? "before" : "after");
		else if (v->g.n_segs > n_segs)
			wh_tui_message(app, false, "split: segment %zu is segments %zu and %zu "
			    "now (u undoes)", k + 1, k + 1, k + 2);
		else
			wh_tui_message(app, false, "split: a paragraph break is in the "
			    "text now (u undoes)");
	} else if (a == 0 || b == len)
		wh_tui_message(app, true, "split: no text %s the cursor: move it into "
		    "the text", a == 0 ? "before" : "after");
	wh_buf_free(&rep);
}

/* "segment K: role R, solution S" for segment k as it is now. */
static void
describe(const struct wh_tui_tview *v, size_t k, char *buf, size_t size)
{
	const struct wh_segment *s = &v->g.segs[k];

	snprintf(buf, size, "segment %zu: role %s, solution %u", k + 1,
	    wh_segment_role_name((enum wh_role)s->role), s->solution);
}

/* Give the current segment role (or -1: keep) and solution (or -1: keep),
 * as an override kept beside the dataset. */
static void
override(struct wh_tui *app, int role, long solution, const char *what)
{
	struct wh_tui_tview *v = &app->tv;
	struct wh_override before, after;
	struct wh_error err = {0};
	char was[96], now[96], buf[600];
	size_t k = v->cur;

	wh_overrides_get(&app->ov, v->entry, v->t.text[WH_THINKING], &v->g, k, &before);
	after = before;
	if (role >= 0)
		after.role = role;
	if (solution >= 0)
		after.solution = solution;
	describe(v, k, was, sizeof was);
	snprintf(now, sizeof now, "segment %zu: role %s, solution %ld", k + 1,
	    wh_segment_role_name((enum wh_role)(role >= 0 ? role : v->g.segs[k].role)),
	    solution >= 0 ? solution : (long)v->g.segs[k].solution);
	if (wh_tui_edit_override(&app->undo, &before, &after, was, now, what, &err) < 0) {
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, true, "%s: %s", what, buf);
		return;
	}
	wh_tui_reload(app);
	v->cur = k;
	wh_tui_message(app, false, "%s (u undoes)", now);
}

/* A command on the current segment: only in the trace view. */
static bool
on_segment(struct wh_tui *app, const char *cmd)
{
	if (!in_trace(app)) {
		wh_tui_message(app, true, "%s: open a trace first (Enter), then put the "
		    "cursor on a segment", cmd);
		return false;
	}
	return one_segment(app);
}

void
wh_tui_set_role(struct wh_tui *app, const char *name)
{
	if (!on_segment(app, "role"))
		return;
	for (int r = 0; r < WH_NROLES; r++)
		if (strcmp(name, wh_segment_role_name((enum wh_role)r)) == 0) {
			override(app, r, -1, "change role");
			return;
		}
	wh_tui_message(app, true, "role: one of restate, understand, explore, verify, conclude");
}

void
wh_tui_set_solution(struct wh_tui *app, long n)
{
	if (!on_segment(app, "solution"))
		return;
	if (n < 0 || (size_t)n > app->tv.g.n_sols) {
		wh_tui_message(app, true, "solution: 0 (none) to %zu", app->tv.g.n_sols);
		return;
	}
	override(app, -1, n, "move segment");
}

void
wh_act_role(struct wh_tui *app)
{
	if (one_segment(app))
		wh_tui_cmdline_open(app, WH_PROMPT_COMMAND, ":", "role ", 5);
}

static void
move_solution(struct wh_tui *app, int dir)
{
	long s;

	if (!one_segment(app))
		return;
	s = (long)app->tv.g.segs[app->tv.cur].solution + dir;
	if (s < 0 || (size_t)s > app->tv.g.n_sols) {
		wh_tui_message(app, true, "no %s solution", dir < 0 ? "previous" : "next");
		return;
	}
	wh_tui_set_solution(app, s);
}

void wh_act_move_next_solution(struct wh_tui *app) { move_solution(app, 1); }
void wh_act_move_prev_solution(struct wh_tui *app) { move_solution(app, -1); }

/* Run $VISUAL or $EDITOR (else vi) on path; 0 when it exited well, else
 * -1 with why (naming the editor) in why. */
static int
run_editor(const char *path, char *why, size_t size)
{
	const char *ed = getenv("VISUAL") ? getenv("VISUAL") : getenv("EDITOR");
	struct wh_buf cmd = {0};
	int st;

	if (ed == NULL || *ed == '\0')
		ed = "vi";
	wh_buf_printf(&cmd, "%s '%s'", ed, path);
	wh_ui_suspend();
	st = system(cmd.data);
	wh_ui_resume();
	wh_buf_free(&cmd);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (st == -1)
		snprintf(why, size, "the editor %s cannot be run: %s", ed, strerror(errno));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		snprintf(why, size, "the editor %s was not found (set $EDITOR)", ed);
	else if (WIFEXITED(st))
		snprintf(why, size, "the editor %s exited with status %d", ed, WEXITSTATUS(st));
	else
		snprintf(why, size, "the editor %s was stopped by a signal", ed);
	return -1;
}

void
wh_act_edit_external(struct wh_tui *app)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096], why[300];
	struct wh_map m;
	int fd;

	snprintf(path, sizeof path, "%s/whittle-edit.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!app->tv.loaded || app->tv.t.text[WH_THINKING] == NULL) {
		wh_tui_message(app, true, "this record has no thinking to edit");
		return;
	}
	if ((fd = mkstemp(path)) < 0 || write(fd, app->tv.t.text[WH_THINKING],
	    app->tv.t.len[WH_THINKING]) != (ssize_t)app->tv.t.len[WH_THINKING]) {
		wh_tui_message(app, true, "cannot write a temporary file: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	if (run_editor(path, why, sizeof why) < 0)
		wh_tui_message(app, true, "%s; nothing changed", why);
	else if (wh_map_open(&m, path, NULL) == 0) {
		const char *was = app->tv.t.text[WH_THINKING];
		size_t n = m.size, len = app->tv.t.len[WH_THINKING];
		/* editors end the last line with a newline; it is not an edit */
		if (n > 0 && m.data[n - 1] == '\n' && (len == 0 || was[len - 1] != '\n'))
			n--;
		if (!set_thinking(app, m.data ? m.data : "", n, "edit in $EDITOR") &&
		    app->msg_error) {
			/* Refused: the text written is the user's, not ours to drop. */
			size_t k = strlen(app->msg);
			snprintf(app->msg + k, sizeof app->msg - k, " (the text is kept in %s)",
			    path);
			path[0] = '\0';
		}
		wh_map_close(&m);
	}
	if (path[0])
		unlink(path);
	app->dirty = true;
}

void
wh_act_restore(struct wh_tui *app)
{
	struct wh_error err = {0};
	char buf[600];
	size_t e = wh_tui_current(app);

	if (e == (size_t)-1)
		return;
	if (!wh_dataset_edited(app->ds, e)) {
		wh_tui_message(app, false, "record %zu has no edits: nothing to restore", e + 1);
		return;
	}
	if (wh_tui_edit_restore(&app->undo, &app->rows, e, &err) < 0) {
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, true, "restore: %s", buf);
		return;
	}
	wh_tui_reload(app);
	wh_tui_message(app, false, "record %zu restored to the original (u undoes)", e + 1);
}

static void
undo(struct wh_tui *app, int dir)
{
	struct wh_error err = {0};
	const struct wh_tui_change *c = wh_tui_edit_undo(&app->undo, &app->rows, dir, &err);
	char buf[600];

	if (c == NULL) {
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, err.msg[0] != '\0', "%s", err.msg[0] ? buf
		    : dir < 0 ? "nothing to undo" : "nothing to redo");
		return;
	}
	for (size_t k = 0; k < wh_tui_list_len(app); k++)
		if (wh_tui_list_entry(app, k) == c->entry)
			wh_tui_goto(app, k);
	wh_tui_reload(app);
	wh_tui_message(app, false, "%s: %s (record %zu)", dir < 0 ? "undone" : "redone",
	    c->what, c->entry + 1);
}

void wh_act_keep(struct wh_tui *app) { wh_tui_run_keep(app, true); }
void wh_act_discard(struct wh_tui *app) { wh_tui_run_keep(app, false); }
void wh_act_undo(struct wh_tui *app) { undo(app, -1); }
void wh_act_redo(struct wh_tui *app) { undo(app, 1); }

static void
change(struct wh_tui *app, int dir)
{
	if (!wh_tui_diff_change(app, dir))
		wh_tui_message(app, false, dir > 0 ? "no change below" : "no change above");
	app->dirty = true;
}

void wh_act_next_change(struct wh_tui *app) { change(app, 1); }
void wh_act_prev_change(struct wh_tui *app) { change(app, -1); }

void
wh_act_diff(struct wh_tui *app)
{
	const struct wh_tui_change *c = wh_tui_edit_last(&app->undo);
	char title[128];

	if (c == NULL) {
		wh_tui_message(app, false, "no edit to show yet");
		return;
	}
	snprintf(title, sizeof title, "record %zu, %s: %s", c->entry + 1,
	    c->field == WH_TUI_OVERRIDE ? "segment" : wh_field_name(c->field), c->what);
	wh_tui_diff_open(app, title, c->before, c->before_len, c->after, c->after_len);
}

static void
mark(struct wh_tui *app, enum wh_mark k, const char *note)
{
	struct wh_error err = {0};
	size_t e = wh_tui_current(app);
	char buf[600];

	if (e == (size_t)-1)
		return;
	if (note == NULL && app->marks.mark[e] == k)
		k = WH_MARK_NONE;
	if (wh_tui_marks_set(&app->marks, e, k, note, &err) < 0) {
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, true, "%s", buf);
		return;
	}
	wh_tui_message(app, false, "record %zu: %s", e + 1, wh_tui_mark_name(k));
	if (app->view == WH_VIEW_LIST && note == NULL)
		move(app, 1);
}

void wh_act_accept(struct wh_tui *app) { mark(app, WH_MARK_ACCEPT, NULL); }
void wh_act_reject(struct wh_tui *app) { mark(app, WH_MARK_REJECT, NULL); }
void wh_act_fix(struct wh_tui *app) { mark(app, WH_MARK_FIX, NULL); }

void
wh_act_note(struct wh_tui *app)
{
	size_t e = wh_tui_current(app);
	const char *old = e != (size_t)-1 ? app->marks.note[e] : NULL;

	if (e != (size_t)-1)
		wh_tui_cmdline_open(app, WH_PROMPT_NOTE, "note> ", old, old ? strlen(old) : 0);
}

/* A note was entered for the current record (its mark stays, fix if none). */
void
wh_tui_note_line(struct wh_tui *app, const char *line)
{
	size_t e = wh_tui_current(app);
	enum wh_mark k = app->marks.mark[e] ? app->marks.mark[e] : WH_MARK_FIX;

	mark(app, k, line);
}

void wh_act_facet_order(struct wh_tui *app) { wh_tui_facets_order(app); }

void
wh_act_facets(struct wh_tui *app)
{
	wh_tui_cmdline_open(app, WH_PROMPT_COMMAND, ":", "facet ", 6);
}

static void
click(struct wh_tui *app, const struct wh_ui_event *ev)
{
	bool wide = app->width >= 140 && !app->no_split;
	int lw = wide ? app->width * 2 / 5 : app->width;
	bool list_at = wide ? ev->x < lw : app->view == WH_VIEW_LIST;

	if (app->view == WH_VIEW_FACETS && ev->y >= 2) {
		move(app, (long)app->facet_top + ev->y - 2 - (long)app->facet_cur);
		return;
	}
	if (list_at && ev->y >= 1) {
		wh_tui_goto(app, app->top + (size_t)ev->y - 1);
		app->view = WH_VIEW_LIST;
		return;
	}
	if (app->view == WH_VIEW_LIST && wide)
		app->view = WH_VIEW_TRACE;
	size_t line = app->tv.top + (size_t)ev->y;
	if (in_trace(app) && line < app->tv.n_lines &&
	    (app->tv.lines[line].kind == WH_TL_SEGMENT ||
	    app->tv.lines[line].kind == WH_TL_FOLD))
		app->tv.cur = app->tv.lines[line].seg;
}

void
wh_tui_mouse(struct wh_tui *app, const struct wh_ui_event *ev)
{
	if (app->help) {	/* the overlay takes the mouse, not what is under it */
		if (ev->mouse == WH_MOUSE_CLICK)
			app->help = false;
		for (int k = 0; k < 3 && ev->mouse != WH_MOUSE_CLICK; k++)
			wh_tui_key(app, ev->mouse == WH_MOUSE_WHEEL_UP ? WH_KEY_UP : WH_KEY_DOWN);
		app->dirty = true;
		return;
	}
	if (ev->mouse == WH_MOUSE_CLICK)
		click(app, ev);
	else if (in_trace(app))
		wh_tui_tview_scroll(&app->tv, ev->mouse == WH_MOUSE_WHEEL_UP ? -3 : 3,
		    app->height - 2);
	else
		move(app, ev->mouse == WH_MOUSE_WHEEL_UP ? -3 : 3);
	app->dirty = true;
}
