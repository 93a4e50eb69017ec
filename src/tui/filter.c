/* Column values of the list's rows, filter expressions and sorting, all
 * over the rows the background scan has filled in. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/cmds.h"
#include "tui/filter.h"
#include "tui/steps.h"
#include "whittle/json.h"

const char *const wh_tui_facet_names[] = { "verdict", "solutions", "redundant",
	"segments", "length", "mark", "state", "edited", "loss", NULL };

static const char *verdict_names[] = { "none", "correct", "wrong", "unknown" };

/* The list's headings, which name the same columns. */
static const struct { const char *heading; enum wh_column col; } headings[] = {
	{ "st", WH_COL_VERDICT }, { "mk", WH_COL_MARK }, { "chars", WH_COL_LENGTH },
	{ "tokens", WH_COL_LENGTH }, { "sol", WH_COL_SOLUTIONS },
	{ "red", WH_COL_REDUNDANT }, { "segs", WH_COL_SEGMENTS },
};

int
wh_tui_column_parse(const char *name)
{
	for (int c = 0; c < WH_NCOLUMNS; c++)
		if (strcmp(name, wh_tui_facet_names[c]) == 0)
			return c;
	for (size_t k = 0; k < sizeof headings / sizeof headings[0]; k++)
		if (strcmp(name, headings[k].heading) == 0)
			return (int)headings[k].col;
	return -1;
}

/* A length bucket: powers of two from 256. */
static void
bucket(long n, char *label, size_t size)
{
	long lo = 0, hi = 256;

	while (n >= hi) {
		lo = hi;
		hi *= 2;
	}
	snprintf(label, size, "%ld-%ld", lo, hi - 1);
}

bool
wh_tui_column(struct wh_tui *app, size_t i, enum wh_column c, long *num,
    char *label, size_t size)
{
	struct wh_tui_row r;

	if (c == WH_COL_LOSS) {	/* buckets of half a nat */
		const struct wh_tui_losses *l = &app->losses;
		if (l->v == NULL || i >= l->n || isnan(l->v[i]))
			return false;
		*num = lroundf(l->v[i] * WH_LOSS_SCALE);
		snprintf(label, size, "%.1f-%.1f", floorf(l->v[i] * 2) / 2,
		    floorf(l->v[i] * 2) / 2 + 0.5f);
		return true;
	}
	if (c == WH_COL_MARK || c == WH_COL_EDITED) {
		*num = c == WH_COL_MARK ? app->marks.mark[i] : wh_dataset_edited(app->ds, i);
		snprintf(label, size, "%s", c == WH_COL_MARK ? wh_tui_mark_name((enum wh_mark)*num)
		    : *num ? "yes" : "no");
		return true;
	}
	if (!wh_tui_rows_get(&app->rows, i, &r))
		return false;
	switch (c) {
	case WH_COL_VERDICT: *num = r.verdict; break;
	case WH_COL_SOLUTIONS: *num = r.n_sols; break;
	case WH_COL_REDUNDANT: *num = r.n_redundant; break;
	case WH_COL_SEGMENTS: *num = r.n_segs; break;
	case WH_COL_LENGTH: *num = (long)r.think; break;
	default: *num = r.bad; break;
	}
	if (c == WH_COL_VERDICT)
		snprintf(label, size, "%s", r.bad ? "bad" : verdict_names[r.verdict & 3]);
	else if (c == WH_COL_STATE)
		snprintf(label, size, "%s", r.bad ? "bad" : "good");
	else if (c == WH_COL_LENGTH)
		bucket(*num, label, size);
	else
		snprintf(label, size, "%ld", *num);
	return true;
}

bool
wh_tui_column_loaded(struct wh_tui *app, int c, const char *command)
{
	if (c != WH_COL_LOSS || app->losses.v != NULL)
		return true;
	wh_tui_message(app, true, "%s: no loss column: :losses RUN (or --losses) "
	    "reads a training run's", command);
	return false;
}

/* Copy s[0..n) into label (size > 4 bytes); what does not fit is cut on
 * a UTF-8 character's start and an ellipsis ends it, so that a facet's
 * value says it is cut. */
static void
cut_label(char *label, size_t size, const char *s, size_t n)
{
	bool cut = n >= size;

	if (cut) {
		n = size - 4;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(label, s, n);
	memcpy(label + n, "\xe2\x80\xa6", cut ? 3 : 0);
	label[n + (cut ? 3 : 0)] = '\0';
}

bool
wh_tui_field(struct wh_tui *app, size_t i, const char *name, struct wh_json *j,
    char *label, size_t size)
{
	struct wh_jerror je;
	struct wh_buf b = {0};
	const char *raw;
	size_t len;
	long v;

	if (strcmp(name, "diff") == 0 && app->difficulty)	/* the list's heading */
		name = app->difficulty;
	wh_dataset_bytes(app->ds, i, &raw, &len);
	if (raw == NULL || wh_json_parse(j, raw, len, &je) < 0 || j->nodes[0].type != WH_JOBJECT)
		return false;
	v = name[0] == '/' ? wh_json_pointer(j, name) : wh_json_member(j, 0, name);
	if (v < 0)
		cut_label(label, size, "(none)", 6);
	else if (j->nodes[v].type == WH_JSTRING) {
		wh_json_string(j, v, &b);
		cut_label(label, size, b.data ? b.data : "", b.len);
		wh_buf_free(&b);
	} else
		cut_label(label, size, raw + j->nodes[v].start, j->nodes[v].end - j->nodes[v].start);
	return true;
}

struct expr {
	enum wh_column col;	/* WH_NCOLUMNS: the record's field */
	char field[32];		/* its name or JSON pointer */
	char op[3];		/* "=", "!=", "<", "<=", ">", ">=" */
	char value[64];
	bool quoted;		/* it was written in quotes (it may hold spaces) */
};

/* Words that stand for a whole expression. */
static const struct { const char *word, *expr; } shorthands[] = {
	{ "correct", "verdict=correct" }, { "wrong", "verdict=wrong" },
	{ "bad", "state=bad" }, { "edited", "edited=yes" },
	{ "marked", "mark!=none" }, { "accept", "mark=accept" },
	{ "reject", "mark=reject" }, { "fix", "mark=fix" }, { "all", "mark!=none" },
	{ "none", "mark=none" },
};

static bool
parse_expr(const char *text, struct expr *e)
{
	char name[32];
	size_t n;

	for (size_t k = 0; k < sizeof shorthands / sizeof shorthands[0]; k++)
		if (strcmp(text, shorthands[k].word) == 0)
			text = shorthands[k].expr;
	n = strcspn(text, "<>=!");
	if (n == 0 || n >= sizeof name || text[n] == '\0')
		return false;
	snprintf(name, sizeof name, "%.*s", (int)n, text);
	if ((int)(e->col = (enum wh_column)wh_tui_column_parse(name)) < 0) {
		e->col = WH_NCOLUMNS;
		snprintf(e->field, sizeof e->field, "%s", name);
	}
	size_t o = strspn(text + n, "<>=!");
	if (o > 2)
		return false;
	snprintf(e->op, sizeof e->op, "%.*s", (int)o, text + n);
	snprintf(e->value, sizeof e->value, "%s", text + n + o);
	/* 'Level 3' or "Level 3": the value within the quotes */
	size_t len = strlen(e->value);
	char q = e->value[0];
	e->quoted = len >= 2 && (q == '"' || q == '\'') && e->value[len - 1] == q &&
	    memchr(e->value + 1, q, len - 2) == NULL;
	if (e->quoted) {
		memmove(e->value, e->value + 1, len - 2);
		e->value[len - 2] = '\0';
	}
	return strcmp(e->op, "!") != 0 && strcmp(e->op, "=!") != 0;
}

/* Whether text is a COLUMN OP VALUE expression or a word for one: one
 * word (but for a VALUE in quotes), whose name is a column or may be a
 * field (letters, digits, _ and -, or a JSON pointer). Anything else is a
 * Lua expression. */
static bool
plain(const char *text, const struct expr *e)
{
	if (!e->quoted && text[strcspn(text, " \t")] != '\0')
		return false;
	if (e->quoted && strcspn(text, " \t") < strcspn(text, "\"'"))
		return false;
	if (e->col != WH_NCOLUMNS)
		return true;
	return e->field[0] == '/' || e->field[strspn(e->field,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")] == '\0';
}

/* Whether e orders (<, <=, >, >=) by something that is no number. */
static bool
orders_by_words(const struct expr *e)
{
	char *end;

	strtod(e->value, &end);
	return (e->op[0] == '<' || e->op[0] == '>') && (!*e->value || *end != '\0');
}

/* Whether a value (num, or label when num is NULL: a field's text, a
 * number when it reads as one) passes e. */
static bool
test(const struct expr *e, const double *num, const char *label)
{
	char *end;
	double v = strtod(e->value, &end) * (e->col == WH_COL_LOSS ? WH_LOSS_SCALE : 1), x = 0;
	bool numeric = *e->value && *end == '\0';

	if (numeric && num == NULL) {
		x = strtod(label, &end);
		numeric = *label && *end == '\0';
		num = &x;
	}
	int cmp = numeric ? (*num > v) - (*num < v) : strcmp(label, e->value);

	if (strcmp(e->op, "=") == 0 || strcmp(e->op, "==") == 0)
		return cmp == 0;
	if (strcmp(e->op, "!=") == 0)
		return cmp != 0;
	if (strcmp(e->op, "<") == 0)
		return cmp < 0;
	if (strcmp(e->op, "<=") == 0)
		return cmp <= 0;
	if (strcmp(e->op, ">") == 0)
		return cmp > 0;
	return strcmp(e->op, ">=") == 0 && cmp >= 0;
}

/* The first name of a Lua expression (outside its strings, not after a
 * '.') that is a column of the list and none of the names the filter step
 * gives (tokens, chars), into name; NULL when there is none. A record's
 * label may have a column's name (the segment step's solutions), so this
 * only explains an expression that kept nothing or failed. */
static const char *
column_in(const char *expr, char *name, size_t size)
{
	static const char word[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

	for (const char *p = expr; *p;) {
		if (*p == '"' || *p == '\'') {
			char quote = *p++;
			while (*p && *p != quote)
				p += *p == '\\' && p[1] ? 2 : 1;
			p += *p != '\0';
		} else if (strchr(word, *p) && !(*p >= '0' && *p <= '9')) {
			size_t n = strspn(p, word);
			if ((p == expr || p[-1] != '.') && n < size) {
				memcpy(name, p, n);
				name[n] = '\0';
				if (wh_tui_column_parse(name) >= 0 && strcmp(name, "tokens") != 0 &&
				    strcmp(name, "chars") != 0)
					return name;
			}
			p += n;
		} else
			p++;
	}
	return NULL;
}

/* A message for a Lua expression that kept nothing or failed (err: the
 * message shown), when it names a column of the list. */
static bool
explain_column(struct wh_tui *app, const char *expr, bool err)
{
	char name[32], was[sizeof app->msg];

	if (column_in(expr, name, sizeof name) == NULL)
		return false;
	snprintf(was, sizeof was, "%s", app->msg);
	if (err)
		wh_tui_message(app, true, "%s (%s is a column of the list, which Lua "
		    "expressions do not see: :filter %s OP VALUE filters by it)", was, name, name);
	else
		wh_tui_message(app, false, "0 records where %s (%s is a column of the list, "
		    "which Lua expressions do not see: :filter %s OP VALUE filters by it)",
		    expr, name, name);
	return true;
}

/* A lone name that Lua finds nil or false in every record: perhaps a
 * word mistyped. */
static void
no_such_word(struct wh_tui *app, const char *name)
{
	struct wh_buf b = {0};

	for (size_t k = 0; k < sizeof shorthands / sizeof shorthands[0]; k++)
		wh_buf_printf(&b, "%s%s", k ? ", " : "", shorthands[k].word);
	wh_tui_message(app, false, "0 records where %s (no word of the filter, so a "
	    "Lua expression, nil or false in every record; the words are %s)",
	    name, b.data);
	wh_buf_free(&b);
}

/* "solutions >= 3" as "solutions>=3" into out: a column's name, an
 * operator and a value, spaced out (a Lua expression sees no column, so
 * the spaces can mean nothing else); false for anything else. */
static bool
unspace(const char *text, char *out, size_t size)
{
	char name[32], op[3], value[64], more;

	if (sscanf(text, " %31[A-Za-z_] %2[<>=!] %63s %c", name, op, value, &more) != 3 ||
	    wh_tui_column_parse(name) < 0)
		return false;
	snprintf(out, size, "%s%s%s", name, op, value);
	return true;
}

void
wh_tui_filter(struct wh_tui *app, const char *expr)
{
	struct expr e;
	size_t *v, n = 0;
	char label[64], compact[100];
	long num;

	if (unspace(expr, compact, sizeof compact))
		expr = compact;
	if (*expr == '\0') {
		wh_tui_set_filter(app, NULL, 0, "");
		wh_tui_message(app, false, "all %zu records", app->rows.n);
		return;
	}
	if (!parse_expr(expr, &e) || !plain(expr, &e)) {	/* Lua, as the filter step */
		v = wh_xmalloc((app->rows.n ? app->rows.n : 1) * sizeof *v);
		if (wh_tui_lua_filter(app, expr, v, &n) < 0) {
			explain_column(app, expr, true);
			free(v);
			return;
		}
		wh_tui_set_filter(app, v, n, expr);
		if (n == 0 && expr[strspn(expr, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] == '\0')
			no_such_word(app, expr);
		else if (n > 0 || !explain_column(app, expr, false))
			wh_tui_message(app, false, "%zu record%s where %s (a Lua expression, as "
			    "in the filter step)", n, n == 1 ? "" : "s", expr);
		return;
	}
	if (!wh_tui_column_loaded(app, (int)e.col, "filter"))
		return;
	if (orders_by_words(&e)) {
		wh_tui_message(app, true, "filter: %s %s needs a number, not \"%s\"",
		    e.col == WH_NCOLUMNS ? e.field : wh_tui_facet_names[e.col], e.op, e.value);
		return;
	}
	v = wh_xmalloc((app->rows.n ? app->rows.n : 1) * sizeof *v);
	if (e.col == WH_NCOLUMNS) {	/* a field of the records: read them */
		struct wh_json j = {0};
		for (size_t i = 0; i < app->rows.n; i++)
			if (wh_tui_field(app, i, e.field, &j, label, sizeof label) &&
			    test(&e, NULL, label))
				v[n++] = i;
		wh_json_free(&j);
		wh_tui_set_filter(app, v, n, expr);
		if (strcmp(e.field, "diff") == 0 && app->difficulty)
			wh_tui_message(app, false, "%zu record%s where %s (diff: the records' %s)",
			    n, n == 1 ? "" : "s", expr, app->difficulty);
		else
			wh_tui_message(app, false, "%zu record%s where %s (%s: no column, a "
			    "field of the records)", n, n == 1 ? "" : "s", expr, e.field);
		return;
	}
	for (size_t i = 0; i < app->rows.n; i++)
		if (wh_tui_column(app, i, e.col, &num, label, sizeof label) &&
		    test(&e, &(double){ (double)num }, label))
			v[n++] = i;
	wh_tui_set_filter(app, v, n, expr);
	wh_tui_message(app, false, "%zu record%s where %s%s", n, n == 1 ? "" : "s", expr,
	    wh_tui_rows_done(&app->rows) < app->rows.n ? " (scan still running)" : "");
}

struct sort_by {
	struct wh_tui *app;
	enum wh_column col;
	int dir;
};

static int
by_column(const void *a, const void *b, void *arg)
{
	const struct sort_by *s = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	char la[64], lb[64];
	long x = -1, y = -1;

	if (!wh_tui_column(s->app, i, s->col, &x, la, sizeof la))
		x = -1;
	if (!wh_tui_column(s->app, j, s->col, &y, lb, sizeof lb))
		y = -1;
	if (x != y)
		return s->dir * ((x > y) - (x < y));
	return (i > j) - (i < j);
}

/* A record's field to sort by: none (the record lacks it or cannot be
 * read) before numbers before text; the entry breaks ties. */
struct field_key {
	size_t entry;
	int rank;		/* 0 none, 1 a number, 2 text */
	double num;
	char label[64];
};

static int
by_field(const void *a, const void *b, void *arg)
{
	const struct field_key *x = a, *y = b;
	int dir = *(const int *)arg, c;

	if (x->rank != y->rank)
		return dir * (x->rank - y->rank);
	c = x->rank == 1 ? (x->num > y->num) - (x->num < y->num) :
	    x->rank == 2 ? strcmp(x->label, y->label) : 0;
	if (c)
		return dir * c;
	return (x->entry > y->entry) - (x->entry < y->entry);
}

/* Sort v[0..n) by field name of the records; returns how many have it. */
static size_t
sort_by_field(struct wh_tui *app, size_t *v, size_t n, const char *name, int dir)
{
	struct field_key *k = wh_xmalloc((n ? n : 1) * sizeof *k);
	struct wh_json j = {0};
	size_t have = 0;

	for (size_t i = 0; i < n; i++) {
		char *end;
		k[i].entry = v[i];
		k[i].rank = 0;
		if (!wh_tui_field(app, v[i], name, &j, k[i].label, sizeof k[i].label) ||
		    strcmp(k[i].label, "(none)") == 0)
			continue;
		k[i].num = strtod(k[i].label, &end);
		k[i].rank = k[i].label[0] && *end == '\0' ? 1 : 2;
	}
	wh_json_free(&j);
	qsort_r(k, n, sizeof *k, by_field, &dir);
	for (size_t i = 0; i < n; i++) {
		v[i] = k[i].entry;
		have += k[i].rank > 0;
	}
	free(k);
	return have;
}

void
wh_tui_sort(struct wh_tui *app, const char *spec)
{
	char name[32] = "", dir[8] = "", more[2] = "", filter[sizeof app->filter_desc];
	size_t n = wh_tui_list_len(app), *v, have = n;
	int c;

	sscanf(spec, "%31s %7s %1s", name, dir, more);
	if (name[0] == '\0') {
		wh_tui_message(app, true, "sort: give a column or a field of the records");
		return;
	}
	if (strcspn(spec + strspn(spec, " \t"), " \t") >= sizeof name) {
		wh_tui_message(app, true, "sort: %s...: a name of at most %zu characters",
		    name, sizeof name - 1);
		return;
	}
	if ((dir[0] && strcmp(dir, "desc") != 0 && strcmp(dir, "asc") != 0) || more[0]) {
		const char *after = strstr(spec, name) + strlen(name);
		wh_tui_message(app, true, "sort: %s [desc]: after the column, desc or "
		    "nothing, not \"%s\"", name, after + strspn(after, " \t"));
		return;
	}
	if (!wh_tui_column_loaded(app, wh_tui_column_parse(name), "sort"))
		return;
	v = wh_xmalloc((n ? n : 1) * sizeof *v);
	for (size_t k = 0; k < n; k++)
		v[k] = wh_tui_list_entry(app, k);
	struct sort_by s = { app, (enum wh_column)0, strcmp(dir, "desc") == 0 ? -1 : 1 };
	if ((c = wh_tui_column_parse(name)) < 0)
		have = sort_by_field(app, v, n, name, s.dir);
	else {
		s.col = (enum wh_column)c;
		qsort_r(v, n, sizeof *v, by_column, &s);
	}
	snprintf(filter, sizeof filter, "%s", app->filter_desc);
	wh_tui_set_filter(app, v, n, filter);
	snprintf(app->sort_desc, sizeof app->sort_desc, "%s", spec);
	if (c < 0 && have == 0 && n > 0)
		wh_tui_message(app, false, "sorted by %s (%s: no column, and no record "
		    "on the list has such a field: the order is the file's)", spec, name);
	else
		wh_tui_message(app, false, "sorted by %s", spec);
}
