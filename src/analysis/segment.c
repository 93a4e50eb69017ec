/* DLCoT's macro structure over the sentence segments: restate, understand,
 * explore up to the first answer, verify, conclude; solution attempts with
 * their intermediate answers and labels, redundancy and the main path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/answer.h"
#include "segment-impl.h"

#define CUE(k) (1u << WH_CUE_##k)
#define MAX_CLAIM 80
#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n')
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_ALPHA(c) ((((c) | 32) >= 'a' && ((c) | 32) <= 'z'))

/* A value already compared with the reference: traces restate the same
 * intermediate values many times, and each comparison normalises the value
 * and evaluates both. */
struct memo {
	size_t start, len;	/* bytes of the thinking; len 0: a free slot */
	uint8_t verdict;	/* enum wh_verdict */
};

/* What the passes know about one trace while they run. */
struct ctx {
	const struct wh_segmenter *s;
	const struct wh_segment_input *in;
	struct wh_segmentation *g;
	const char *ref;	/* the reference answer, or NULL */
	size_t ref_len;
	struct wh_answer_norm ref_norm;	/* ref normalised, once needed */
	bool ref_normed;
	struct memo *memo;	/* the values compared, by their bytes' hash */
	size_t memo_cap, n_memo;
	struct wh_text_bits bits;	/* of the thinking */
};

static bool
has(const struct ctx *c, size_t i, unsigned cues)
{
	return (c->g->segs[i].cues & cues) != 0;
}

/* Whether a segment computes: '=', an operator next to a digit, LaTeX,
 * or two numbers. */
static bool
computes(const char *t, size_t s, size_t e)
{
	static const bool op[256] = { ['+'] = 1, ['-'] = 1, ['*'] = 1, ['/'] = 1,
		['^'] = 1, [0] = 1 };	/* strchr's set: its '\0' too */
	int numbers = 0;

	for (size_t i = s; i < e; i++) {
		char x = t[i];
		if (x == '=' || x == '\\')
			return true;
		if (IS_DIGIT(x) && (i == s || !IS_DIGIT(t[i - 1])) && ++numbers == 2)
			return true;
		if (op[(unsigned char)x] && ((i > s && IS_DIGIT(t[i - 1])) ||
		    (i + 1 < e && IS_DIGIT(t[i + 1])) ||
		    (i > s + 1 && t[i - 1] == ' ' && IS_DIGIT(t[i - 2]))))
			return true;
	}
	return false;
}

/* Whether a clause break (", ", " and ", " which ", ...) starts at t[i]. */
static bool
clause_break(const char *t, size_t i, size_t e)
{
	static const struct {
		const char *s;
		size_t n;
	} breaks[] = { { ", ", 2 }, { "; ", 2 }, { " and ", 5 }, { " which ", 7 },
		{ " so ", 4 }, { " but ", 5 }, { " because ", 9 }, { " since ", 7 },
		{ " for ", 5 }, { " when ", 6 }, { " if ", 4 }, { "\xef\xbc\x8c", 3 } };
	static const bool after_space[256] = { ['a'] = 1, ['w'] = 1, ['s'] = 1,
		['b'] = 1, ['f'] = 1, ['i'] = 1 };

	if (t[i] == ' ' && (e - i < 4 || !after_space[(unsigned char)t[i + 1]]))
		return false;	/* most spaces: no word break follows */
	for (size_t k = 0; k < sizeof breaks / sizeof breaks[0]; k++)
		if (t[i] == breaks[k].s[0] && e - i >= breaks[k].n &&
		    t[i + 1] == breaks[k].s[1] && memcmp(t + i, breaks[k].s, breaks[k].n) == 0)
			return true;
	return false;
}

/* Shorten a stated value at the first clause break outside brackets. The
 * bytes that open or close a bracket or may start a break (spaces: every
 * few bytes, at random) are gathered without a branch, then looked at. */
static size_t
clause_end(const char *t, size_t s, size_t e)
{
	static const bool special[256] = { ['('] = 1, ['['] = 1, ['{'] = 1, [')'] = 1,
		[']'] = 1, ['}'] = 1, [','] = 1, [';'] = 1, [' '] = 1, [0xef] = 1 };
	size_t at[256];
	int depth = 0;

	for (size_t from = s; from < e; from += 256) {
		size_t stop = e - from > 256 ? from + 256 : e, n = 0;
		for (size_t i = from; i < stop; i++) {
			at[n] = i;
			n += special[(unsigned char)t[i]];
		}
		for (size_t k = 0; k < n; k++) {
			size_t i = at[k];
			if (t[i] == '(' || t[i] == '[' || t[i] == '{')
				depth++;
			else if ((t[i] == ')' || t[i] == ']' || t[i] == '}') && depth > 0)
				depth--;
			if (depth == 0 && clause_break(t, i, e))
				return i;
		}
	}
	return e;
}

static enum wh_verdict against_ref(struct ctx *c, size_t s, size_t e);

/* Strip spaces, $, \( \) \[ \] and end punctuation around a value. */
static void
trim_value(const char *t, size_t *vs, size_t *ve)
{
	static const bool end_punct[256] = { [' '] = 1, ['\t'] = 1, ['\r'] = 1,
		['\n'] = 1, ['.'] = 1, [','] = 1, [';'] = 1, [':'] = 1, ['!'] = 1,
		['?'] = 1, ['$'] = 1 };

	for (;;) {
		if (*vs < *ve && (IS_SPACE(t[*vs]) || t[*vs] == '$'))
			(*vs)++;
		else if (*ve - *vs >= 2 && t[*vs] == '\\' && (t[*vs + 1] == '(' || t[*vs + 1] == '['))
			*vs += 2;
		else if (*ve > *vs && end_punct[(unsigned char)t[*ve - 1]])
			(*ve)--;
		else if (*ve - *vs >= 2 && t[*ve - 2] == '\\' && (t[*ve - 1] == ')' || t[*ve - 1] == ']'))
			*ve -= 2;
		else
			return;
	}
}

/* "14 dollars" states 14. */
static void
cut_units(const char *t, size_t vs, size_t *ve)
{
	size_t i = vs + (t[vs] == '-');

	if (i >= *ve || !IS_DIGIT(t[i]))
		return;
	while (i < *ve && (IS_DIGIT(t[i]) || t[i] == '.' || t[i] == ','))
		i++;
	size_t n = i;
	while (i < *ve && (t[i] == '$' || t[i] == '}'))
		i++;
	if (i + 1 < *ve && t[i] == ' ' && IS_ALPHA(t[i + 1]))
		*ve = n;
}

/* A value is a number or formula: it has a digit or a LaTeX command, and no
 * word of three letters or more ("not 20", "the same") outside commands. */
static bool
plain_value(const char *t, size_t s, size_t e)
{
	bool math = false;

	for (size_t i = s; i < e;) {
		size_t j = i;
		while (j < e && IS_ALPHA(t[j]))
			j++;
		if (j - i >= 3 && (i == s || t[i - 1] != '\\'))
			return false;
		math = math || IS_DIGIT(t[i]) || t[i] == '\\';
		i = j > i ? j : i + 1;
	}
	return math;
}

/* The offset just past the last " is " or " are " of t[s..e), or 0. */
static size_t
last_is(const char *t, size_t s, size_t e)
{
	for (size_t i = e; i-- > s;) {
		if (t[i] != ' ' || e - i < 4)
			continue;
		if (memcmp(t + i, " is ", 4) == 0)
			return i + 4;
		if (e - i >= 5 && memcmp(t + i, " are ", 5) == 0)
			return i + 5;
	}
	return 0;
}

/* The value a claim states: after its last '=' (or " is "), cut at a
 * clause break, unwrapped; false when it holds no digit or LaTeX. */
static bool
claim_value(const char *t, size_t s, size_t e, unsigned rules, size_t *vs,
    size_t *ve)
{
	struct wh_answer a;
	const char *p;
	size_t i, v;

	if ((p = memrchr(t + s, '=', e - s)) != NULL)
		i = (size_t)(p - t) + 1;
	else if ((i = last_is(t, s, e)) == 0)
		return false;
	v = clause_end(t, i, e);
	if (!(rules & WH_ANSWER_RULE(WH_ANSWER_IS)) ||
	    wh_answer_extract(t + i, v - i, WH_ANSWER_RULE(WH_ANSWER_IS), &a) == WH_ANSWER_NONE) {
		a.start = 0;
		a.end = v - i;
	}
	*vs = i + a.start;
	*ve = i + a.end;
	trim_value(t, vs, ve);
	if (*ve <= *vs || *ve - *vs > MAX_CLAIM)
		return false;
	cut_units(t, *vs, ve);
	return plain_value(t, *vs, *ve);
}

/* Find the value segment i states, if it states one: an explicit answer,
 * a value after a claim cue, or an equation whose result is the reference;
 * rules are the explicit answer rules that may find something in it. */
static void
find_claim(struct ctx *c, size_t i, unsigned rules)
{
	struct wh_segment *sg = &c->g->segs[i];
	const char *t = c->in->thinking;
	struct wh_answer a;
	size_t vs, ve;

	if (rules && wh_answer_extract(t + sg->start, sg->end - sg->start, rules, &a) &&
	    (a.rule == WH_ANSWER_BOXED || a.rule == WH_ANSWER_TAG ||
	    plain_value(t, sg->start + a.start, sg->start + a.end))) {
		vs = sg->start + a.start;
		ve = sg->start + a.end;
		sg->flags |= WH_SEG_ANSWER;
	} else if ((!has(c, i, CUE(CONCLUDE) | CUE(CLAIM)) &&
	    !has(c, i, WH_SEG_EQUATION)) ||
	    !claim_value(t, sg->start, sg->end, rules, &vs, &ve))
		return;	/* no claim without a cue or an equation */
	else if (has(c, i, CUE(CONCLUDE)))
		sg->flags |= WH_SEG_ANSWER;
	else if (!has(c, i, CUE(CLAIM)) && (!has(c, i, WH_SEG_EQUATION) ||
	    against_ref(c, vs, ve) != WH_VERDICT_EQUAL))
		return;
	sg->flags |= WH_SEG_CLAIM;
	sg->claim_start = vs;
	sg->claim_end = ve;
}

/* The reference: the gold's answer, else the trace's own final answer. */
static void
find_reference(struct ctx *c)
{
	const struct wh_segment_input *in = c->in;
	struct wh_answer a;

	if (in->gold && wh_answer_of_gold(in->gold, in->gold_len, &a)) {
		c->ref = in->gold + a.start;
		c->ref_len = a.end - a.start;
		c->g->reference_is_gold = true;
	} else if (in->answer && wh_answer_extract(in->answer, in->answer_len,
	    WH_ANSWER_ALL, &a)) {
		c->ref = in->answer + a.start;
		c->ref_len = a.end - a.start;
	} else if (wh_answer_extract(in->thinking, in->thinking_len,
	    WH_ANSWER_EXPLICIT, &a)) {
		c->ref = in->thinking + a.start;
		c->ref_len = a.end - a.start;
	}
	c->g->has_reference = c->ref != NULL && c->ref_len > 0;
}

/* The FNV-1a hash of p[0..n), its high bits folded onto the low. */
static size_t
memo_hash(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

/* The memo's slot for the value t[s..e) (e > s): where it is, or the free
 * slot where it goes. */
static struct memo *
memo_slot(const struct ctx *c, size_t s, size_t e)
{
	const char *t = c->in->thinking;
	size_t mask = c->memo_cap - 1;

	for (size_t k = memo_hash(t + s, e - s) & mask;; k = (k + 1) & mask) {
		struct memo *m = &c->memo[k];
		if (m->len == 0 || (m->len == e - s && memcmp(t + m->start, t + s, e - s) == 0))
			return m;
	}
}

/* Double the memo's slots (64 at first). */
static void
memo_grow(struct ctx *c)
{
	struct memo *old = c->memo;
	size_t cap = c->memo_cap;

	c->memo_cap = cap ? cap * 2 : 64;
	c->memo = wh_xcalloc(c->memo_cap, sizeof *c->memo);
	for (size_t k = 0; k < cap; k++)
		if (old[k].len)
			*memo_slot(c, old[k].start, old[k].start + old[k].len) = old[k];
	free(old);
}

/* Whether t[s..e) is the reference answer. */
static enum wh_verdict
against_ref(struct ctx *c, size_t s, size_t e)
{
	const char *t = c->in->thinking;
	struct memo *m;

	if (!c->g->has_reference)
		return WH_VERDICT_UNKNOWN;
	if (e == s)
		return wh_answer_equiv(t + s, 0, c->ref, c->ref_len);
	if ((c->n_memo + 1) * 2 > c->memo_cap)
		memo_grow(c);
	m = memo_slot(c, s, e);
	if (m->len)
		return m->verdict;
	m->start = s;
	m->len = e - s;
	c->n_memo++;
	if (e - s == c->ref_len && memcmp(t + s, c->ref, c->ref_len) == 0)
		return m->verdict = WH_VERDICT_EQUAL;	/* as normalising says */
	if (!c->ref_normed)
		wh_answer_norm_init(&c->ref_norm, c->ref, c->ref_len);
	c->ref_normed = true;
	m->verdict = (uint8_t)wh_answer_equiv_to(t + s, e - s, &c->ref_norm);
	return m->verdict;
}

/* The conclusion: from the last conclude cue (or \boxed) after which no
 * attempt or check starts; n when there is none. */
static size_t
conclusion(const struct ctx *c)
{
	size_t n = c->g->n_segs;

	for (size_t i = n; i-- > 0;) {
		if (has(c, i, CUE(NEW_SOLUTION) | CUE(VERIFY) | CUE(NEGATE)))
			return n;
		if (has(c, i, CUE(CONCLUDE)))
			return i;
	}
	return n;
}

/* Whether most of the words of segment i (three or more) are found in
 * the question, whose words *q gets on first need (*have_q). */
static bool
in_question(struct ctx *c, size_t i, struct wh_words *q, bool *have_q)
{
	const struct wh_segment_input *in = c->in;
	const struct wh_segment *sg = &c->g->segs[i];
	struct wh_words w;
	bool overlap;

	if (!*have_q && in->question)
		wh_words_of(in->question, 0, in->question_len, q);
	*have_q = true;
	if (q->n == 0)
		return false;
	wh_words_of(in->thinking, sg->start, sg->end, &w);
	overlap = w.n >= 3 && wh_words_common(&w, q) >= c->s->rules.restate_overlap * w.n &&
	    !has(c, i, WH_SEG_EQUATION);
	wh_words_free(&w);
	return overlap;
}

/* Leading segments that restate the question: a restate cue, or most of
 * their words found in the question, and the rest of such a paragraph
 * (words are compared only where neither of the others decides). */
static size_t
restatement(struct ctx *c, size_t end)
{
	struct wh_words q = {0};
	bool have_q = false;
	size_t i = 0;

	for (; i < end; i++) {
		struct wh_segment *sg = &c->g->segs[i];
		bool same_para = i > 0 && !(sg->flags & (WH_SEG_PARAGRAPH | WH_SEG_CLAIM)) &&
		    !has(c, i, WH_SEG_EQUATION) &&
		    !has(c, i, CUE(UNDERSTAND) | CUE(NEW_SOLUTION) | CUE(VERIFY));
		if (!has(c, i, CUE(RESTATE)) && !same_para && !in_question(c, i, &q, &have_q))
			break;
		sg->role = WH_ROLE_RESTATE;
	}
	wh_words_free(&q);
	return i;
}

/* Understanding: what comes before the first computation or claim. */
static size_t
understanding(struct ctx *c, size_t i, size_t end)
{
	const char *t = c->in->thinking;

	for (; i < end; i++) {
		struct wh_segment *sg = &c->g->segs[i];
		if ((sg->flags & WH_SEG_CLAIM) || (computes(t, sg->start, sg->end) &&
		    !has(c, i, CUE(UNDERSTAND))))
			break;
		sg->role = WH_ROLE_UNDERSTAND;
	}
	return i;
}

/* The end of exploration: just past the first segment that reaches the
 * reference (or gives an explicit answer when there is no reference) and
 * the rest of its paragraph that starts nothing new. */
static size_t
first_answer(struct ctx *c, size_t from, size_t end)
{
	const char *t = c->in->thinking;
	size_t i;

	for (i = from; i < end; i++) {
		const struct wh_segment *sg = &c->g->segs[i];
		struct wh_answer a;
		if (!(sg->flags & WH_SEG_CLAIM))
			continue;
		if (c->g->has_reference ? against_ref(c, sg->claim_start, sg->claim_end) ==
		    WH_VERDICT_EQUAL : wh_answer_extract(t + sg->start, sg->end - sg->start,
		    WH_ANSWER_EXPLICIT, &a) != WH_ANSWER_NONE)
			break;
	}
	if (i == end)
		return end;
	for (i++; i < end && !(c->g->segs[i].flags & WH_SEG_PARAGRAPH) &&
	    !has(c, i, CUE(NEW_SOLUTION) | CUE(VERIFY) | CUE(NEGATE)); i++)
		;
	return i;
}

static void
add_solution(struct wh_segmentation *g, size_t *cap, size_t first, uint8_t role)
{
	if (g->n_sols == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		g->sols = wh_xrealloc(g->sols, *cap * sizeof *g->sols);
	}
	memset(&g->sols[g->n_sols], 0, sizeof g->sols[0]);
	g->sols[g->n_sols].first = g->sols[g->n_sols].last = first;
	g->sols[g->n_sols].role = role;
	g->n_sols++;
}

/* Segments [from, to) get role; an attempt starts at from and at each
 * segment with one of the cues in starts. */
static void
attempts(struct ctx *c, size_t from, size_t to, uint8_t role, unsigned starts,
    size_t *cap)
{
	struct wh_segmentation *g = c->g;

	for (size_t i = from; i < to; i++) {
		if (i == from || has(c, i, starts))
			add_solution(g, cap, i, role);
		g->segs[i].role = role;
		g->segs[i].solution = (uint32_t)g->n_sols;
		g->sols[g->n_sols - 1].last = i;
	}
}

/* The last claim of attempt so with all of flags, or SIZE_MAX. */
static size_t
last_claim(const struct ctx *c, const struct wh_solution *so, unsigned flags)
{
	for (size_t i = so->last + 1; i-- > so->first;)
		if ((c->g->segs[i].flags & flags) == flags)
			return i;
	return SIZE_MAX;
}

static void
set_answer(const struct ctx *c, struct wh_solution *so, size_t i)
{
	so->has_answer = true;
	so->answer_start = c->g->segs[i].claim_start;
	so->answer_end = c->g->segs[i].claim_end;
}

/* An attempt's answer is the last answer it states outright ("the answer
 * is", \boxed, a conclusion); it is correct or incorrect by the reference.
 * Without one, an attempt whose last claim reaches the reference is
 * correct, and any other is incomplete: an intermediate value that differs
 * is no wrong answer. */
static void
label(struct ctx *c, struct wh_solution *so)
{
	size_t i = last_claim(c, so, WH_SEG_CLAIM | WH_SEG_ANSWER);
	enum wh_verdict v;

	if (i != SIZE_MAX) {
		set_answer(c, so, i);
		v = against_ref(c, so->answer_start, so->answer_end);
		so->label = v == WH_VERDICT_EQUAL ? WH_LABEL_CORRECT :
		    v == WH_VERDICT_DIFFERENT ? WH_LABEL_INCORRECT : WH_LABEL_UNKNOWN;
		return;
	}
	so->label = WH_LABEL_INCOMPLETE;
	if ((i = last_claim(c, so, WH_SEG_CLAIM)) == SIZE_MAX)
		return;
	set_answer(c, so, i);
	v = against_ref(c, so->answer_start, so->answer_end);
	if (v == WH_VERDICT_EQUAL)
		so->label = WH_LABEL_CORRECT;
	else if (!c->g->has_reference)
		so->label = WH_LABEL_UNKNOWN;
}

/* What redundancy learns of an attempt, the first time it asks. */
struct attempt {
	struct wh_words words;
	struct wh_answer_norm answer;
	bool has_words, has_answer;
};

/* The answer of attempt k, normalised. */
static struct wh_answer_norm *
attempt_answer(const struct ctx *c, struct attempt *at, size_t k)
{
	const struct wh_solution *so = &c->g->sols[k];

	if (!at[k].has_answer)
		wh_answer_norm_init(&at[k].answer, c->in->thinking + so->answer_start,
		    so->answer_end - so->answer_start);
	at[k].has_answer = true;
	return &at[k].answer;
}

/* The words of attempt k. */
static const struct wh_words *
attempt_words(const struct ctx *c, struct attempt *at, size_t k)
{
	const struct wh_segmentation *g = c->g;

	if (!at[k].has_words)
		wh_words_of(c->in->thinking, g->segs[g->sols[k].first].start,
		    g->segs[g->sols[k].last].end, &at[k].words);
	at[k].has_words = true;
	return &at[k].words;
}

/* Whether the words of attempts j and k overlap enough (rules.similarity)
 * for k to repeat j. Words of k not read yet are read only as far as it
 * takes to tell; when they tell early, k repeats j and its words are not
 * wanted again. */
static bool
similar(const struct ctx *c, struct attempt *at, size_t j, size_t k)
{
	const struct wh_segmentation *g = c->g;
	const struct wh_words *a = attempt_words(c, at, j);
	double sim = c->s->rules.similarity;

	if (!at[k].has_words) {
		if (!wh_words_until(c->in->thinking, g->segs[g->sols[k].first].start,
		    g->segs[g->sols[k].last].end, &at[k].words, a, sim)) {
			wh_words_free(&at[k].words);
			return true;
		}
		at[k].has_words = true;
	}
	return !(wh_words_overlap(a, &at[k].words) < sim);
}

/* Whether the answers of attempts k and j are the same. */
static bool
same_answer(const struct ctx *c, struct attempt *at, size_t k, size_t j)
{
	const char *t = c->in->thinking;
	const struct wh_solution *a = &c->g->sols[k], *b = &c->g->sols[j];
	size_t n = a->answer_end - a->answer_start;

	if (n == b->answer_end - b->answer_start &&
	    memcmp(t + a->answer_start, t + b->answer_start, n) == 0)
		return true;	/* what wh_answer_equiv says, without normalising */
	return wh_answer_equiv_norm(attempt_answer(c, at, k),
	    attempt_answer(c, at, j)) == WH_VERDICT_EQUAL;
}

/* An attempt repeats an earlier one when both reach the same answer and
 * their word sets overlap (coefficient >= rules.similarity). */
static void
redundancy(struct ctx *c)
{
	struct wh_segmentation *g = c->g;
	size_t n = g->n_sols ? g->n_sols : 1;
	struct attempt *at = wh_xcalloc(n, sizeof *at);

	for (size_t k = 1; k < g->n_sols; k++) {
		struct wh_solution *so = &g->sols[k];
		for (size_t j = 0; j < k && so->has_answer && !so->redundant; j++) {
			const struct wh_solution *e = &g->sols[j];
			if (!e->has_answer || e->redundant || !same_answer(c, at, k, j) ||
			    !similar(c, at, j, k))
				continue;
			so->redundant = true;
			so->same_as = (uint32_t)j + 1;
		}
	}
	for (size_t k = 0; k < g->n_sols; k++) {
		wh_words_free(&at[k].words);
		if (at[k].has_answer)
			wh_answer_norm_free(&at[k].answer);
	}
	free(at);
}

/* Flags that follow from the attempts: redundant and main path. */
static void
attempt_flags(struct wh_segmentation *g)
{
	size_t first_correct = g->n_sols;

	for (size_t k = 0; k < g->n_sols && first_correct == g->n_sols; k++)
		if (g->sols[k].label == WH_LABEL_CORRECT)
			first_correct = k;
	for (size_t k = 0; k < g->n_sols; k++) {
		struct wh_solution *so = &g->sols[k];
		so->main = k <= first_correct && first_correct < g->n_sols;
		for (size_t i = so->first; i <= so->last; i++)
			g->segs[i].flags |= (so->redundant ? WH_SEG_REDUNDANT : 0) |
			    (so->main ? WH_SEG_MAIN : 0);
	}
}

/* The segments of a segmentation by their bytes, to find one with the
 * same bytes as another: open addressing on their length and first and
 * last eight bytes, 0 for a free slot (else the index plus one). */
struct seg_index {
	const struct wh_segmentation *g;
	const char *text;
	uint32_t *slot;
	size_t mask;
};

static size_t
seg_hash(const char *t, const struct wh_segment *sg)
{
	uint64_t a = 0, b = 0, n = sg->end - sg->start;

	memcpy(&a, t + sg->start, n < 8 ? n : 8);
	memcpy(&b, t + sg->end - (n < 8 ? n : 8), n < 8 ? n : 8);
	return (size_t)(((a * 0x9e3779b97f4a7c15ull) ^ (b + n) * 0xff51afd7ed558ccdull) >> 17);
}

static void
seg_index_make(struct seg_index *x, const struct wh_segmentation *g, const char *text)
{
	size_t cap = 64;

	while (cap < 2 * g->n_segs)
		cap *= 2;
	x->g = g;
	x->text = text;
	x->mask = cap - 1;
	x->slot = wh_xcalloc(cap, sizeof *x->slot);
	for (size_t j = 0; j < g->n_segs; j++) {
		size_t k = seg_hash(text, &g->segs[j]) & x->mask;
		while (x->slot[k])
			k = (k + 1) & x->mask;
		x->slot[k] = (uint32_t)j + 1;
	}
}

/* A segment of x's segmentation with the bytes t[sg->start..sg->end), or
 * NULL. */
static const struct wh_segment *
seg_index_find(const struct seg_index *x, const char *t, const struct wh_segment *sg)
{
	size_t n = sg->end - sg->start;

	for (size_t k = seg_hash(t, sg) & x->mask; x->slot[k]; k = (k + 1) & x->mask) {
		const struct wh_segment *p = &x->g->segs[x->slot[k] - 1];
		if (p->end - p->start == n && memcmp(x->text + p->start, t + sg->start, n) == 0)
			return p;
	}
	return NULL;
}

/* Cues, self-affirmation and negation, and the claim of segment i: a
 * function of its bytes, the rules and the reference alone, so taken from
 * a segment of prev with the same bytes when there is one. */
static void
segment_marks(struct ctx *c, size_t i, const struct seg_index *prev)
{
	struct wh_segment *sg = &c->g->segs[i];
	const struct wh_segment *p = prev ? seg_index_find(prev, c->in->thinking, sg) : NULL;
	unsigned rules;

	if (p) {
		sg->cues = p->cues;
		sg->flags |= p->flags & (WH_SEG_AFFIRM | WH_SEG_NEGATE | WH_SEG_CLAIM | WH_SEG_ANSWER);
		if (p->flags & WH_SEG_CLAIM) {
			sg->claim_start = p->claim_start - p->start + sg->start;
			sg->claim_end = p->claim_end - p->start + sg->start;
		}
		return;
	}
	sg->cues = (uint16_t)wh_segment_cues(c->s, c->in->thinking, &c->bits, sg->start,
	    sg->end, &rules);
	sg->flags |= (has(c, i, CUE(AFFIRM)) ? WH_SEG_AFFIRM : 0) |
	    (has(c, i, CUE(NEGATE)) ? WH_SEG_NEGATE : 0);
	find_claim(c, i, rules);
}

/* Whether prev was made with rules s and against the reference of c. */
static bool
same_grounds(const struct ctx *c, const struct wh_segmentation *prev)
{
	return prev->rules == c->s && prev->has_reference == c->g->has_reference &&
	    (!c->g->has_reference || (prev->reference_len == c->ref_len &&
	    memcmp(prev->reference, c->ref, c->ref_len) == 0));
}

void
wh_segment_retrace(const struct wh_segmenter *s, const struct wh_segment_input *in,
    const struct wh_segmentation *prev, const char *prev_text,
    struct wh_segmentation *g)
{
	struct ctx c = { .s = s, .in = in, .g = g };
	struct seg_index x = {0};
	size_t n, concl, i, explored, cap = 0;

	wh_text_bits_make(s, in->thinking, in->thinking_len, &c.bits);
	wh_segment_split_bits(in->thinking, in->thinking_len, &c.bits, g);
	n = g->n_segs;
	g->rules = s;
	find_reference(&c);
	if (c.ref_len) {
		g->reference = wh_xmalloc(c.ref_len);
		memcpy(g->reference, c.ref, c.ref_len);
		g->reference_len = c.ref_len;
	}
	if (prev && prev->n_segs && same_grounds(&c, prev))
		seg_index_make(&x, prev, prev_text);
	for (i = 0; i < n; i++)
		segment_marks(&c, i, x.slot ? &x : NULL);
	free(x.slot);
	concl = conclusion(&c);
	i = understanding(&c, restatement(&c, concl), concl);
	explored = first_answer(&c, i, concl);
	attempts(&c, i, explored, WH_ROLE_EXPLORE, CUE(NEW_SOLUTION), &cap);
	attempts(&c, explored, concl, WH_ROLE_VERIFY, CUE(NEW_SOLUTION) | CUE(VERIFY), &cap);
	for (i = concl; i < n; i++)
		g->segs[i].role = WH_ROLE_CONCLUDE;
	for (size_t k = 0; k < g->n_sols; k++)
		label(&c, &g->sols[k]);
	redundancy(&c);
	attempt_flags(g);
	if (c.ref_normed)
		wh_answer_norm_free(&c.ref_norm);
	free(c.memo);
	wh_text_bits_free(&c.bits);
}

void
wh_segment_trace(const struct wh_segmenter *s, const struct wh_segment_input *in,
    struct wh_segmentation *g)
{
	wh_segment_retrace(s, in, NULL, NULL, g);
}

void
wh_segmentation_free(struct wh_segmentation *g)
{
	free(g->segs);
	free(g->sols);
	free(g->reference);
	memset(g, 0, sizeof *g);
}
