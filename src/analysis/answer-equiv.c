/* Answer equivalence: normalised text first, then lists, sets, intervals and
 * matrices element by element, then numbers and expressions evaluated at
 * several points; "unknown" when none of these can decide. */
#include <math.h>
#include <string.h>

#include "answer-impl.h"

#define POINTS WH_ANSWER_POINTS
#define REL_TOL 1e-4
#define IS_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))

static enum wh_verdict equiv_norm(const char *a, size_t an, const char *b,
    size_t bn, bool pct, int depth, struct wh_answer_norm *ca,
    struct wh_answer_norm *cb);

/* The bracket at s[i] ("(", "[", "\{", ")", "]", "\}"), its length, and
 * whether it opens. */
static size_t
bracket(const char *s, size_t len, size_t i, bool *opens)
{
	size_t k = s[i] == '\\' && i + 1 < len ? 1 : 0;
	char c = s[i + k];

	if (k && c != '{' && c != '}')
		return 0;
	*opens = c == '(' || c == '[' || c == '{';
	return *opens || c == ')' || c == ']' || c == '}' ? k + 1 : 0;
}

/* Offset just past the bracket group opening at s[0], or 0. */
static size_t
outer_end(const char *s, size_t len)
{
	int depth = 0;
	bool opens;

	for (size_t i = 0; i < len; i++) {
		size_t n = bracket(s, len, i, &opens);
		if (n == 0)
			continue;
		depth += opens ? 1 : -1;
		i += n - 1;
		if (depth == 0)
			return i + 1;
		if (depth < 0)
			return 0;
	}
	return 0;
}

static void
set_brackets(const char *s, size_t len, struct wh_answer_list *l, size_t *from,
    size_t *to)
{
	bool opens;
	size_t no = bracket(s, len, 0, &opens), nc;

	l->open[0] = l->close[0] = '\0';
	*from = 0;
	*to = len;
	if (no == 0 || !opens || outer_end(s, len) != len)
		return;
	nc = s[len - 2] == '\\' ? 2 : 1;
	memcpy(l->open, s, no);
	l->open[no] = '\0';
	memcpy(l->close, s + len - nc, nc);
	l->close[nc] = '\0';
	*from = no;
	*to = len - nc;
}

bool
wh_answer_split(const char *s, size_t len, struct wh_answer_list *l)
{
	size_t from, to, start;
	int depth = 0;
	bool opens;

	if (len == 0)
		return false;
	set_brackets(s, len, l, &from, &to);
	l->n = 0;
	start = from;
	for (size_t i = from; i <= to; i++) {
		size_t n = i < to ? bracket(s, len, i, &opens) : 0;
		if (n) {
			depth += opens ? 1 : -1;
			i += n - 1;
			if (depth < 0)
				return false;
			continue;
		}
		if (i < to && (depth > 0 || (s[i] != ',' && s[i] != ';')))
			continue;
		if (l->n == WH_ANSWER_MAXLIST)
			return false;
		l->start[l->n] = start;
		l->end[l->n] = i;
		l->seps[l->n++] = i < to ? s[i] : '\0';
		start = i + 1;
	}
	return depth == 0;
}

static bool
close_enough(double x, double y)
{
	if (isinf(x) || isinf(y))
		return x == y;
	return fabs(x - y) <= REL_TOL * fmax(fabs(x), fabs(y)) || fabs(x - y) < 1e-12;
}

/* wh_answer_eval of s[0..n) at point k, kept in c when c is not NULL (s
 * is then c's text); an expression without free variables, the same at
 * every point, is kept for all of them at once. */
static bool
eval_at(const char *s, size_t n, struct wh_answer_norm *c, unsigned k, double *v)
{
	bool vars;

	if (!c)
		return wh_answer_eval(s, n, k, v, NULL);
	if (!(c->evaluated & 1u << k)) {
		bool ok = wh_answer_eval(s, n, k, &c->value[k], &vars);
		c->valid |= (unsigned)ok << k;
		c->evaluated |= 1u << k;
		for (unsigned j = 0; j < POINTS && !vars; j++) {
			c->value[j] = c->value[k];
			c->valid |= (unsigned)ok << j;
			c->evaluated |= 1u << j;
		}
	}
	*v = c->value[k];
	return (c->valid & 1u << k) != 0;
}

/* Whether b can be read as an expression at every point. */
static bool
valid_everywhere(const char *b, size_t bn, struct wh_answer_norm *cb)
{
	double v;

	for (unsigned k = 0; k < POINTS; k++)
		if (!eval_at(b, bn, cb, k, &v))
			return false;
	return true;
}

/* Evaluate both at POINTS points. EQUAL when every point where both are
 * defined agrees; a constant pair also matches x100 and /100 with pct. */
static enum wh_verdict
equiv_values(const char *a, size_t an, const char *b, size_t bn, bool pct,
    struct wh_answer_norm *ca, struct wh_answer_norm *cb)
{
	double va[POINTS], vb[POINTS];
	bool constant = true;
	int defined = 0, agree = 0;

	for (unsigned k = 0; k < POINTS; k++) {
		if (!eval_at(a, an, ca, k, &va[k]) || !eval_at(b, bn, cb, k, &vb[k]))
			return WH_VERDICT_UNKNOWN;
		/* Without pct, two values defined and apart at the first point
		   are different, provided both read at every point: a reads
		   at one as at all but for n! (which fails off integers). */
		if (k == 0 && !pct && !isnan(va[0]) && !isnan(vb[0]) &&
		    !close_enough(va[0], vb[0]) && !memchr(a, '!', an))
			return valid_everywhere(b, bn, cb) ? WH_VERDICT_DIFFERENT :
			    WH_VERDICT_UNKNOWN;
		constant = constant && va[k] == va[0] && vb[k] == vb[0];
		if (isnan(va[k]) || isnan(vb[k]))
			continue;
		defined++;
		agree += close_enough(va[k], vb[k]);
	}
	if (defined == 0)
		return WH_VERDICT_UNKNOWN;
	if (agree == defined)
		return WH_VERDICT_EQUAL;
	if (pct && constant && !isnan(va[0]) && !isnan(vb[0]) &&
	    (close_enough(va[0], vb[0] * 100) || close_enough(va[0] * 100, vb[0])))
		return WH_VERDICT_EQUAL;
	return WH_VERDICT_DIFFERENT;
}

static bool
unordered(const struct wh_answer_list *a, const struct wh_answer_list *b)
{
	return (strcmp(a->open, "\\{") == 0 || a->open[0] == '\0') &&
	    (strcmp(b->open, "\\{") == 0 || b->open[0] == '\0');
}

/* Each element of a matched with a distinct element of b. */
static enum wh_verdict
equiv_set(const char *a, const struct wh_answer_list *la, const char *b,
    const struct wh_answer_list *lb, bool pct, int depth)
{
	bool used[WH_ANSWER_MAXLIST] = { false }, unknown = false;

	for (size_t i = 0; i < la->n; i++) {
		size_t j;
		for (j = 0; j < lb->n; j++) {
			if (used[j])
				continue;
			enum wh_verdict v = equiv_norm(a + la->start[i], la->end[i] - la->start[i],
			    b + lb->start[j], lb->end[j] - lb->start[j], pct, depth + 1,
			    NULL, NULL);
			unknown = unknown || v == WH_VERDICT_UNKNOWN;
			if (v == WH_VERDICT_EQUAL)
				break;
		}
		if (j == lb->n)
			return unknown ? WH_VERDICT_UNKNOWN : WH_VERDICT_DIFFERENT;
		used[j] = true;
	}
	return WH_VERDICT_EQUAL;
}

/* Whether the one element of l, a list of s, is a value: no list of several
 * equals it. Otherwise it may be a set in words ("x=2 or x=3") or an
 * inequality ("x>2") that one cannot tell from a list or an interval. */
static bool
one_value(const char *s, const struct wh_answer_list *l)
{
	double v;

	return l->n == 1 && wh_answer_eval(s + l->start[0], l->end[0] - l->start[0],
	    0, &v, NULL);
}

static enum wh_verdict
equiv_list(const char *a, const struct wh_answer_list *la, const char *b,
    const struct wh_answer_list *lb, bool pct, int depth)
{
	enum wh_verdict all = WH_VERDICT_EQUAL;

	if ((la->n == 1 && !one_value(a, la)) || (lb->n == 1 && !one_value(b, lb)))
		return WH_VERDICT_UNKNOWN;
	if (la->n != lb->n || memcmp(la->seps, lb->seps, la->n) != 0)
		return WH_VERDICT_DIFFERENT;
	if (la->open[0] && lb->open[0] && (strcmp(la->open, lb->open) ||
	    strcmp(la->close, lb->close)))
		return WH_VERDICT_DIFFERENT;
	if (unordered(la, lb))
		return equiv_set(a, la, b, lb, pct, depth);
	for (size_t i = 0; i < la->n; i++) {
		enum wh_verdict v = equiv_norm(a + la->start[i], la->end[i] - la->start[i],
		    b + lb->start[i], lb->end[i] - lb->start[i], pct, depth + 1, NULL,
		    NULL);
		if (v == WH_VERDICT_DIFFERENT)
			return v;
		if (v == WH_VERDICT_UNKNOWN)
			all = v;
	}
	return all;
}

/* "x^2+y^2=1" against "y^2+x^2=1": side by side. */
static enum wh_verdict
equiv_sides(const char *a, size_t an, const char *b, size_t bn, bool pct, int depth)
{
	const char *ea = memchr(a, '=', an), *eb = memchr(b, '=', bn);

	if (!ea || !eb || memchr(ea + 1, '=', an - (size_t)(ea - a) - 1) ||
	    memchr(eb + 1, '=', bn - (size_t)(eb - b) - 1))
		return WH_VERDICT_UNKNOWN;
	enum wh_verdict l = equiv_norm(a, (size_t)(ea - a), b, (size_t)(eb - b), pct,
	    depth + 1, NULL, NULL);
	enum wh_verdict r = equiv_norm(ea + 1, an - (size_t)(ea - a) - 1, eb + 1,
	    bn - (size_t)(eb - b) - 1, pct, depth + 1, NULL, NULL);
	return l == WH_VERDICT_EQUAL && r == WH_VERDICT_EQUAL ? WH_VERDICT_EQUAL :
	    WH_VERDICT_UNKNOWN;
}

static bool
is_word(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!IS_ALPHA(s[i]))
			return false;
	return n > 0;
}

static bool
same_word(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if ((a[i] | 32) != (b[i] | 32))
			return false;
	return true;
}

/* Whether s is a whole number: digits after an optional sign. */
static bool
is_integer(const char *s, size_t n)
{
	size_t i = n && s[0] == '-';

	if (i == n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Integers are compared exactly: 120006 is not 120000 at any tolerance. */
static bool
same_integer(const char *a, size_t an, const char *b, size_t bn)
{
	bool na = a[0] == '-', nb = b[0] == '-';

	a += na, an -= na, b += nb, bn -= nb;
	while (an > 1 && *a == '0')
		a++, an--;
	while (bn > 1 && *b == '0')
		b++, bn--;
	return an == bn && memcmp(a, b, an) == 0 && (na == nb || (an == 1 && *a == '0'));
}

/* Whether a and b, normalised, are the same; ca and cb, when not NULL,
 * keep the values of the whole of a and b. */
static enum wh_verdict
equiv_norm(const char *a, size_t an, const char *b, size_t bn, bool pct, int depth,
    struct wh_answer_norm *ca, struct wh_answer_norm *cb)
{
	struct wh_answer_list la, lb;
	enum wh_verdict v;

	if (an == bn && memcmp(a, b, an) == 0)
		return WH_VERDICT_EQUAL;
	if (an == 0 || bn == 0 || depth > 4)
		return WH_VERDICT_UNKNOWN;
	if (wh_answer_split(a, an, &la) && wh_answer_split(b, bn, &lb) &&
	    (la.n > 1 || lb.n > 1))
		return equiv_list(a, &la, b, &lb, pct, depth);
	if (!pct && is_integer(a, an) && is_integer(b, bn))
		return same_integer(a, an, b, bn) ? WH_VERDICT_EQUAL : WH_VERDICT_DIFFERENT;
	if ((v = equiv_values(a, an, b, bn, pct, ca, cb)) != WH_VERDICT_UNKNOWN)
		return v;
	if (is_word(a, an) && is_word(b, bn))
		return same_word(a, an, b, bn) ? WH_VERDICT_EQUAL : WH_VERDICT_DIFFERENT;
	return equiv_sides(a, an, b, bn, pct, depth);
}

void
wh_answer_norm_init(struct wh_answer_norm *n, const char *s, size_t len)
{
	memset(n, 0, sizeof *n);
	wh_answer_normalize(s, len, &n->text);
	n->percent = len && memchr(s, '%', len);
}

void
wh_answer_norm_free(struct wh_answer_norm *n)
{
	wh_buf_free(&n->text);
}

enum wh_verdict
wh_answer_equiv_norm(struct wh_answer_norm *n, struct wh_answer_norm *m)
{
	return equiv_norm(n->text.data ? n->text.data : "", n->text.len,
	    m->text.data ? m->text.data : "", m->text.len, n->percent || m->percent, 0,
	    n, m);
}

enum wh_verdict
wh_answer_equiv_to(const char *a, size_t alen, struct wh_answer_norm *ref)
{
	struct wh_answer_norm n;
	enum wh_verdict v;
	size_t i = 0;

	while (i < alen && a[i] >= '0' && a[i] <= '9')
		i++;
	if (alen && i == alen && !ref->percent && is_integer(ref->text.data, ref->text.len))
		return same_integer(a, alen, ref->text.data, ref->text.len) ?
		    WH_VERDICT_EQUAL : WH_VERDICT_DIFFERENT;	/* digits stay as they are */
	wh_answer_norm_init(&n, a, alen);
	v = wh_answer_equiv_norm(&n, ref);
	wh_answer_norm_free(&n);
	return v;
}

enum wh_verdict
wh_answer_equiv(const char *a, size_t alen, const char *b, size_t blen)
{
	struct wh_answer_norm na, nb;
	enum wh_verdict v;

	wh_answer_norm_init(&na, a, alen);
	wh_answer_norm_init(&nb, b, blen);
	v = wh_answer_equiv_norm(&na, &nb);
	wh_answer_norm_free(&na);
	wh_answer_norm_free(&nb);
	return v;
}
