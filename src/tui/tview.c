/* The trace view: lays a trace out in screen lines for a width (question,
 * segments with their gutter, folded solutions, answer, gold) and draws the
 * lines in view; cursor moves work on segments and solutions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/tview.h"
#include "tui/ui.h"
#include "whittle/utf8.h"

#define GUTTER 18

static const char *role_short[WH_NROLES] = { "rest", "undr", "expl", "veri", "conc" };

void
wh_tui_tview_free(struct wh_tui_tview *v)
{
	if (v->loaded)
		wh_trace_free(&v->t);
	wh_segmentation_free(&v->g);
	free(v->seg_tokens);
	free(v->folded);
	free(v->lines);
	memset(v, 0, sizeof *v);
}

static void
segment(struct wh_tui_tview *v, const struct wh_segmenter *seg,
    const struct wh_tokenizer *tok)
{
	const struct wh_trace *t = &v->t;
	struct wh_segment_input in = {
		.thinking = t->text[WH_THINKING], .thinking_len = t->len[WH_THINKING],
		.question = t->text[WH_QUESTION], .question_len = t->len[WH_QUESTION],
		.answer = t->text[WH_ANSWER], .answer_len = t->len[WH_ANSWER],
		.gold = t->text[WH_GOLD], .gold_len = t->len[WH_GOLD],
	};

	if (in.thinking == NULL)
		return;
	wh_segment_trace(seg, &in, &v->g);
	v->seg_tokens = wh_xcalloc(v->g.n_segs + 1, sizeof *v->seg_tokens);
	v->in_tokens = tok != NULL;
	v->folded = wh_xcalloc(v->g.n_sols + 1, 1);
	for (size_t k = 0; k < v->g.n_segs; k++) {
		const char *s = in.thinking + v->g.segs[k].start;
		size_t n = v->g.segs[k].end - v->g.segs[k].start;
		v->seg_tokens[k] = (uint32_t)(tok ? wh_tokenizer_count(tok, s, n)
		    : wh_utf8_count(s, n));
	}
}

/* The record's "departs": {"segment": N}, which whittle eval writes into
 * its predictions; -1 when it has none. */
static long
departure(struct wh_dataset *ds, size_t i)
{
	struct wh_json j = {0};
	long n, k = -1;

	if (wh_dataset_parse(ds, i, &j, NULL) == 0 &&
	    (n = wh_json_pointer(&j, "/departs/segment")) >= 0 &&
	    j.nodes[n].type == WH_JNUMBER)
		k = strtol(j.text + j.nodes[n].start, NULL, 10);
	wh_json_free(&j);
	return k;
}

void
wh_tui_tview_load(struct wh_tui_tview *v, struct wh_dataset *ds, size_t i,
    const struct wh_segmenter *seg, const struct wh_tokenizer *tok,
    size_t keep_cur)
{
	struct wh_error err = {0};

	wh_tui_tview_free(v);
	v->entry = i;
	v->departs = -1;
	if (!ds->layout_known || wh_dataset_trace(ds, i, 0, &v->t, &err) < 0) {
		v->bad = true;
		if (!ds->layout_known)
			snprintf(v->error, sizeof v->error, "no known layout: use --map");
		else
			wh_error_format(&err, v->error, sizeof v->error);
		return;
	}
	v->loaded = true;
	v->departs = departure(ds, i);
	segment(v, seg, tok);
	v->cur = keep_cur < v->g.n_segs ? keep_cur : 0;
}

static void
push(struct wh_tui_tview *v, uint8_t kind, bool first, size_t seg,
    size_t start, size_t end)
{
	v->lines = wh_xrealloc(v->lines, (v->n_lines + 1) * sizeof *v->lines);
	v->lines[v->n_lines++] = (struct wh_tline){ kind, first, seg, start, end };
}

static void
push_text(struct wh_tui_tview *v, uint8_t kind, size_t seg, const char *base,
    size_t from, size_t to, int cols)
{
	struct wh_tui_line *l = NULL;
	size_t n = 0;

	while (from < to && (base[from] == '\n' || base[from] == ' '))
		from++;
	while (to > from && (base[to - 1] == '\n' || base[to - 1] == ' '))
		to--;
	wh_tui_wrap(base + from, to - from, (size_t)cols, &l, &n);
	for (size_t k = 0; k < n; k++)
		push(v, kind, k == 0, seg, from + l[k].start, from + l[k].end);
	free(l);
}

static void
layout_field(struct wh_tui_tview *v, enum wh_field f, uint8_t kind, int w)
{
	if (v->t.text[f] == NULL)
		return;
	push(v, WH_TL_TITLE, true, f, 0, 0);
	push_text(v, kind, 0, v->t.text[f], 0, v->t.len[f], w);
	push(v, WH_TL_BLANK, false, 0, 0, 0);
}

static void
layout_thinking(struct wh_tui_tview *v, int w)
{
	const struct wh_segmentation *g = &v->g;

	push(v, WH_TL_TITLE, true, WH_THINKING, 0, 0);
	for (size_t k = 0; k < g->n_segs; k++) {
		uint32_t sol = g->segs[k].solution;
		if (sol > 0 && sol <= g->n_sols && v->folded[sol - 1]) {
			if (k == g->sols[sol - 1].first)
				push(v, WH_TL_FOLD, true, k, 0, 0);
			continue;
		}
		if (k > 0 && (g->segs[k].flags & WH_SEG_PARAGRAPH))
			push(v, WH_TL_BLANK, false, k, 0, 0);
		push_text(v, WH_TL_SEGMENT, k, v->t.text[WH_THINKING],
		    g->segs[k].start, g->segs[k].end, w - GUTTER);
	}
	push(v, WH_TL_BLANK, false, 0, 0, 0);
}

static void
layout(struct wh_tui_tview *v, int w)
{
	free(v->lines);
	v->lines = NULL;
	v->n_lines = 0;
	v->width = w;
	layout_field(v, WH_QUESTION, WH_TL_QUESTION, w);
	if (v->t.text[WH_THINKING])
		layout_thinking(v, w);
	layout_field(v, WH_ANSWER, WH_TL_ANSWER, w);
	layout_field(v, WH_GOLD, WH_TL_GOLD, w);
}

/* The screen lines [*a, *b] of segment seg (or its fold). */
static bool
segment_lines(const struct wh_tui_tview *v, size_t seg, size_t *a, size_t *b)
{
	bool found = false;

	for (size_t k = 0; k < v->n_lines; k++) {
		const struct wh_tline *l = &v->lines[k];
		bool hit = (l->kind == WH_TL_SEGMENT && l->seg == seg) ||
		    (l->kind == WH_TL_FOLD && v->g.segs[seg].solution ==
		    v->g.segs[l->seg].solution);
		if (hit && !found)
			*a = k, found = true;
		if (hit)
			*b = k;
	}
	return found;
}

static bool
cursor_lines(const struct wh_tui_tview *v, size_t *a, size_t *b)
{
	return segment_lines(v, v->cur, a, b);
}

bool
wh_tui_tview_line_of(struct wh_tui_tview *v, size_t seg, int w, size_t *line)
{
	size_t end;

	if (!v->loaded || seg >= v->g.n_segs)
		return false;
	if (v->width != w || v->lines == NULL)
		layout(v, w);
	return segment_lines(v, seg, line, &end);
}

static void
keep_cursor_visible(struct wh_tui_tview *v, int h)
{
	size_t a, b;

	if (v->g.n_segs == 0 || !cursor_lines(v, &a, &b))
		return;
	if (v->jumped && (a < v->top || b >= v->top + (size_t)h))
		v->top = a > (size_t)h / 3 ? a - (size_t)h / 3 : 0;
	v->jumped = false;
	if (b >= v->top + (size_t)h)
		v->top = b + 1 - (size_t)h;
	if (a < v->top)
		v->top = a;
}

static enum wh_element
role_element(uint8_t role)
{
	return (enum wh_element)(WH_EL_ROLE_RESTATE + (role < WH_NROLES ? role : 2));
}

bool
wh_tui_tview_is_error(const struct wh_tui_tview *v, size_t k)
{
	const struct wh_segment *s = &v->g.segs[k];
	const struct wh_solution *sol = s->solution && s->solution <= v->g.n_sols
	    ? &v->g.sols[s->solution - 1] : NULL;

	return (s->flags & (WH_SEG_NEGATE | WH_SEG_REDUNDANT)) ||
	    (sol && (sol->label == WH_LABEL_INCORRECT || sol->redundant));
}

static void
draw_gutter(const struct wh_tui_tview *v, const struct wh_tline *l, int y,
    int x, bool cur)
{
	const struct wh_segment *s = &v->g.segs[l->seg];
	const struct wh_solution *sol = s->solution && s->solution <= v->g.n_sols
	    ? &v->g.sols[s->solution - 1] : NULL;
	char buf[64], num[12] = "";
	enum wh_element el = cur ? WH_EL_CURSOR : WH_EL_GUTTER;

	if (!l->first) {
		wh_ui_fill(y, x, GUTTER - 1, el);
		wh_ui_put(y, x + GUTTER - 1, 1, "\xe2\x94\x82", 3, WH_EL_BORDER);
		return;
	}
	if (s->solution)
		snprintf(num, sizeof num, "%u", s->solution);
	snprintf(buf, sizeof buf, "%-4s %3s %6u ", role_short[s->role % WH_NROLES],
	    num, v->seg_tokens[l->seg]);
	wh_ui_fill(y, x, GUTTER - 1, el);
	wh_ui_put(y, x, GUTTER - 3, buf, strlen(buf), el);
	if (sol && sol->label == WH_LABEL_INCORRECT)
		wh_ui_put(y, x + GUTTER - 3, 1, "\xe2\x9c\x97", 3, WH_EL_FLAG_INCORRECT);
	if (v->departs >= 0 && (size_t)v->departs == l->seg)
		wh_ui_put(y, x + GUTTER - 3, 1, "\xe2\x89\xa0", 3, WH_EL_FLAG_INCORRECT);
	if ((sol && sol->redundant) || (s->flags & WH_SEG_REDUNDANT))
		wh_ui_put(y, x + GUTTER - 2, 1, "R", 1, WH_EL_FLAG_REDUNDANT);
	wh_ui_put(y, x + GUTTER - 1, 1, "\xe2\x94\x82", 3, WH_EL_BORDER);
}

static void
draw_fold(const struct wh_tui_tview *v, const struct wh_tline *l, int y, int x,
    int w, bool cur)
{
	const struct wh_segment *s = &v->g.segs[l->seg];
	const struct wh_solution *sol = &v->g.sols[s->solution - 1];
	char buf[200];
	uint32_t toks = 0;

	for (size_t k = sol->first; k <= sol->last; k++)
		toks += v->seg_tokens[k];
	snprintf(buf, sizeof buf, "\xe2\x96\xb8 solution %u \xc2\xb7 %s \xc2\xb7 %zu segment%s"
	    " \xc2\xb7 %u %s \xc2\xb7 %s%s", s->solution,
	    wh_segment_role_name(sol->role), sol->last - sol->first + 1,
	    sol->last == sol->first ? "" : "s", toks,
	    v->in_tokens ? "tokens" : "characters",
	    wh_segment_label_name(sol->label), sol->redundant ? " \xc2\xb7 redundant" : "");
	wh_ui_fill(y, x, w, cur ? WH_EL_CURSOR : WH_EL_NORMAL);
	wh_ui_put(y, x, w, buf, strlen(buf), cur ? WH_EL_CURSOR : WH_EL_FOLD);
}

static void
draw_title(const struct wh_tui_tview *v, const struct wh_tline *l, int y,
    int x, int w)
{
	char buf[sizeof v->origin + sizeof v->review + 64];

	if (l->seg == WH_THINKING) {
		char departs[64] = "";
		if (v->departs >= 0)
			snprintf(departs, sizeof departs, " \xc2\xb7 \xe2\x89\xa0 teacher from "
			    "segment %ld", v->departs + 1);
		snprintf(buf, sizeof buf, "Thinking \xc2\xb7 %zu segment%s \xc2\xb7 %zu solution%s%s%s",
		    v->g.n_segs, v->g.n_segs == 1 ? "" : "s", v->g.n_sols,
		    v->g.n_sols == 1 ? "" : "s", v->t.think_open && !v->t.think_closed
		    ? " \xc2\xb7 truncated" : "", departs);
	} else if (l->seg == WH_QUESTION && (v->review[0] || v->origin[0]))
		snprintf(buf, sizeof buf, "Question%s%s%s%s", v->origin[0] ? " \xc2\xb7 " : "",
		    v->origin, v->review[0] ? " \xc2\xb7 " : "", v->review);
	else
		snprintf(buf, sizeof buf, "%c%s", wh_field_name(l->seg)[0] - 32,
		    wh_field_name(l->seg) + 1);
	wh_ui_put(y, x, w, buf, strlen(buf), WH_EL_TITLE);
}

static void
draw_line(const struct wh_tui_tview *v, const struct wh_tline *l, int y, int x,
    int w, bool cursor)
{
	static const enum wh_element field_el[] = {
		[WH_TL_QUESTION] = WH_EL_QUESTION, [WH_TL_ANSWER] = WH_EL_ANSWER,
		[WH_TL_GOLD] = WH_EL_GOLD,
	};
	static const enum wh_field field_of[] = {
		[WH_TL_QUESTION] = WH_QUESTION, [WH_TL_ANSWER] = WH_ANSWER,
		[WH_TL_GOLD] = WH_GOLD,
	};
	bool cur = cursor && v->g.n_segs && v->cur < v->g.n_segs &&
	    ((l->kind == WH_TL_SEGMENT && l->seg == v->cur) ||
	    (l->kind == WH_TL_FOLD && v->g.segs[l->seg].solution == v->g.segs[v->cur].solution));

	switch (l->kind) {
	case WH_TL_TITLE:
		draw_title(v, l, y, x, w);
		break;
	case WH_TL_SEGMENT:
		draw_gutter(v, l, y, x, cur);
		wh_ui_put(y, x + GUTTER, w - GUTTER, v->t.text[WH_THINKING] + l->start,
		    l->end - l->start, role_element(v->g.segs[l->seg].role));
		break;
	case WH_TL_FOLD:
		draw_fold(v, l, y, x, w, cur);
		break;
	case WH_TL_QUESTION: case WH_TL_ANSWER: case WH_TL_GOLD:
		wh_ui_put(y, x, w, v->t.text[field_of[l->kind]] + l->start,
		    l->end - l->start, field_el[l->kind]);
		break;
	default:
		break;
	}
}

/* Draw the matches of re in s[0..n), drawn from column x. */
static void
highlight(const regex_t *re, const char *s, size_t n, int y, int x, int w)
{
	char *line = wh_xstrndup(s, n);
	regmatch_t m;
	size_t off = 0;

	while (off < n && regexec(re, line + off, 1, &m, off ? REG_NOTBOL : 0) == 0) {
		size_t a = off + (size_t)m.rm_so, b = off + (size_t)m.rm_eo;
		int col = (int)wh_tui_width(line, a);
		if (b == a || col >= w)
			break;
		wh_ui_put(y, x + col, w - col, line + a, b - a, WH_EL_MATCH);
		off = b;
	}
	free(line);
}

/* The text a line shows: its bytes and the column it starts at. */
static const char *
line_text(const struct wh_tui_tview *v, const struct wh_tline *l, int *indent)
{
	static const enum wh_field field_of[] = {
		[WH_TL_QUESTION] = WH_QUESTION, [WH_TL_ANSWER] = WH_ANSWER,
		[WH_TL_GOLD] = WH_GOLD, [WH_TL_SEGMENT] = WH_THINKING,
	};

	*indent = l->kind == WH_TL_SEGMENT ? GUTTER : 0;
	if (l->kind != WH_TL_SEGMENT && l->kind != WH_TL_QUESTION &&
	    l->kind != WH_TL_ANSWER && l->kind != WH_TL_GOLD)
		return NULL;
	return v->t.text[field_of[l->kind]] + l->start;
}

void
wh_tui_tview_draw(struct wh_tui_tview *v, int y, int x, int h, int w,
    bool cursor, const regex_t *re)
{
	if (v->bad) {
		wh_ui_put(y, x, w, "Unreadable record:", 18, WH_EL_BAD);
		wh_ui_put(y + 1, x, w, v->error, strlen(v->error), WH_EL_ERROR);
		return;
	}
	if (!v->loaded) {	/* v->error may say why: no such record */
		const char *m = v->error[0] ? v->error : "(no record)";
		wh_ui_put(y, x, w, m, strlen(m), WH_EL_NORMAL);
		return;
	}
	if (v->width != w || v->lines == NULL)
		layout(v, w);
	if (cursor)
		keep_cursor_visible(v, h);
	if (v->top >= v->n_lines)
		v->top = v->n_lines ? v->n_lines - 1 : 0;
	for (int r = 0; r < h && v->top + (size_t)r < v->n_lines; r++) {
		const struct wh_tline *l = &v->lines[v->top + (size_t)r];
		const char *text;
		int indent;
		draw_line(v, l, y + r, x, w, cursor);
		if (re && (text = line_text(v, l, &indent)) != NULL)
			highlight(re, text, l->end - l->start, y + r, x + indent, w - indent);
	}
}

/* Is segment k hidden in a folded solution (not its first)? */
static bool
hidden(const struct wh_tui_tview *v, size_t k)
{
	uint32_t sol = v->g.segs[k].solution;
	return sol > 0 && sol <= v->g.n_sols && v->folded[sol - 1] &&
	    k != v->g.sols[sol - 1].first;
}

bool
wh_tui_tview_step(struct wh_tui_tview *v, int dir)
{
	size_t k = v->cur;

	for (;;) {
		if ((dir < 0 && k == 0) || (dir > 0 && k + 1 >= v->g.n_segs))
			return false;
		k = dir < 0 ? k - 1 : k + 1;
		if (!hidden(v, k))
			break;
	}
	v->cur = k;
	return true;
}

bool
wh_tui_tview_solution(struct wh_tui_tview *v, int dir)
{
	uint32_t now;
	size_t k = v->cur;

	if (v->g.n_segs == 0)
		return false;
	now = v->g.segs[k].solution;
	while ((dir > 0 && k + 1 < v->g.n_segs) || (dir < 0 && k > 0)) {
		k = dir > 0 ? k + 1 : k - 1;
		uint32_t s = v->g.segs[k].solution;
		if (s != 0 && s != now) {
			v->cur = v->g.sols[s - 1].first;
			v->jumped = true;
			return true;
		}
	}
	return false;
}

/* Is segment k in an incorrect or redundant attempt? */
static bool
in_failed_solution(const struct wh_tui_tview *v, size_t k)
{
	uint32_t s = v->g.segs[k].solution;

	return s && s <= v->g.n_sols && (v->g.sols[s - 1].label == WH_LABEL_INCORRECT ||
	    v->g.sols[s - 1].redundant);
}

/* Does an error start at segment k: a failed attempt's first segment, or
 * an error segment anywhere else? The segments of one failed attempt are
 * one error, as the lines of a change are one hunk. */
static bool
error_starts(const struct wh_tui_tview *v, size_t k)
{
	return wh_tui_tview_is_error(v, k) && (k == 0 || !in_failed_solution(v, k) ||
	    v->g.segs[k - 1].solution != v->g.segs[k].solution);
}

bool
wh_tui_tview_error(struct wh_tui_tview *v, int dir)
{
	size_t k = v->cur;

	while ((dir > 0 && k + 1 < v->g.n_segs) || (dir < 0 && k > 0)) {
		k = dir > 0 ? k + 1 : k - 1;
		if (error_starts(v, k) && !hidden(v, k)) {
			v->cur = k;
			v->jumped = true;
			return true;
		}
	}
	return false;
}

void
wh_tui_tview_scroll(struct wh_tui_tview *v, long n, int h)
{
	long top = (long)v->top + n, max = (long)v->n_lines - h;

	if (top > max)
		top = max;
	if (top < 0)
		top = 0;
	v->top = (size_t)top;
	/* put the cursor on the first segment in view */
	for (size_t k = v->top; k < v->n_lines && k < v->top + (size_t)h; k++)
		if (v->lines[k].kind == WH_TL_SEGMENT || v->lines[k].kind == WH_TL_FOLD) {
			size_t a, b;
			if (cursor_lines(v, &a, &b) && a >= v->top && b < v->top + (size_t)h)
				return;
			v->cur = v->lines[k].seg;
			return;
		}
}

void
wh_tui_tview_home(struct wh_tui_tview *v, bool end)
{
	v->top = end && v->n_lines ? v->n_lines - 1 : 0;
	if (v->g.n_segs == 0)
		return;
	v->cur = end ? v->g.n_segs - 1 : 0;
	while (end && hidden(v, v->cur))
		v->cur--;
	if (!end)
		v->top = 0;
}

void
wh_tui_tview_reveal(struct wh_tui_tview *v, size_t k)
{
	uint32_t sol = v->g.segs[k].solution;

	if (sol && sol <= v->g.n_sols && v->folded[sol - 1]) {
		v->folded[sol - 1] = 0;
		v->width = 0;
	}
	v->cur = k;
	v->jumped = true;
}

void
wh_tui_tview_fold(struct wh_tui_tview *v)
{
	uint32_t sol;

	if (v->g.n_segs == 0 || (sol = v->g.segs[v->cur].solution) == 0)
		return;
	v->folded[sol - 1] = !v->folded[sol - 1];
	v->cur = v->g.sols[sol - 1].first;
	v->width = 0;
}

void
wh_tui_tview_refold(struct wh_tui_tview *v, const uint8_t *folded, size_t n_sols)
{
	if (folded == NULL || n_sols != v->g.n_sols || v->folded == NULL)
		return;
	memcpy(v->folded, folded, n_sols);
	if (v->g.n_segs && v->cur < v->g.n_segs && hidden(v, v->cur))
		v->cur = v->g.sols[v->g.segs[v->cur].solution - 1].first;
	v->width = 0;
}

void
wh_tui_tview_fold_all(struct wh_tui_tview *v, bool all)
{
	for (size_t s = 0; s < v->g.n_sols; s++)
		v->folded[s] = all && v->g.sols[s].role == WH_ROLE_VERIFY;
	if (v->g.n_segs && hidden(v, v->cur))
		v->cur = v->g.sols[v->g.segs[v->cur].solution - 1].first;
	v->width = 0;
}
