/* Answer extraction: the rules the papers' graders use to find a final
 * answer (\boxed, <answer>, ####, "Final Answer", "the answer is", a choice
 * letter, the last number), each reporting the span it found. */
#include <stdint.h>
#include <string.h>

#include "whittle/answer.h"

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_UPPER(c) ((c) >= 'A' && (c) <= 'Z')
#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')

static const char *const rule_names[WH_ANSWER_NRULES] = {
	"none", "boxed", "tag", "hash", "final", "answer-is", "choice", "number"
};

const char *
wh_answer_rule_name(enum wh_answer_rule r)
{
	return (unsigned)r < WH_ANSWER_NRULES ? rule_names[r] : "none";
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Whether text[i..) starts with word (ASCII case-insensitive). */
static bool
has_at(const char *text, size_t len, size_t i, const char *word)
{
	size_t n = strlen(word);

	if (n > len - i)
		return false;
	for (size_t k = 0; k < n; k++)
		if (lower(text[i + k]) != word[k])
			return false;
	return true;
}

/* Offset of the last occurrence of word at or before from, or len. The
 * word starts with a byte that is no letter: memrchr finds its candidates. */
static size_t
find_last(const char *text, size_t len, size_t from, const char *word)
{
	size_t n = strlen(word), end;
	const char *p;

	if (n > len)
		return len;
	end = from < len - n ? from + 1 : len - n + 1;
	while ((p = memrchr(text, word[0], end)) != NULL) {
		end = (size_t)(p - text);
		if (has_at(text, len, end, word))
			return end;
	}
	return len;
}

/* Trim white space from both ends of [*s, *e). */
static void
trim(const char *text, size_t *s, size_t *e)
{
	while (*s < *e && IS_SPACE(text[*s]))
		(*s)++;
	while (*e > *s && IS_SPACE(text[*e - 1]))
		(*e)--;
}

/* Offset just past the group opening at text[open] == '{', or 0 if it never
 * closes. Escaped braces \{ \} do not count. */
static size_t
group_end(const char *text, size_t len, size_t open)
{
	int depth = 0;

	for (size_t i = open; i < len; i++) {
		if (text[i] == '\\') {
			i++;
			continue;
		}
		if (text[i] == '{')
			depth++;
		else if (text[i] == '}' && --depth == 0)
			return i + 1;
	}
	return 0;
}

/* \boxed{X} at text[i] (command already matched, n its length): fill a. */
static bool
boxed_at(const char *text, size_t len, size_t i, size_t n, struct wh_answer *a)
{
	size_t j = i + n, end;

	while (j < len && text[j] == ' ')
		j++;
	if (j < len && text[j] == '{') {
		if ((end = group_end(text, len, j)) == 0)
			return false;
		a->start = j + 1;
		a->end = end - 1;
	} else if (j > i + n && j < len) {	/* "\boxed 5": up to a space or $ */
		a->start = j;
		for (end = j; end < len && !IS_SPACE(text[end]) && text[end] != '$'; end++)
			;
		a->end = end;
	} else
		return false;
	trim(text, &a->start, &a->end);
	return true;
}

static bool
rule_boxed(const char *text, size_t len, struct wh_answer *a)
{
	const char *p;

	for (size_t end = len; (p = memrchr(text, '\\', end)) != NULL;) {
		size_t i = (size_t)(p - text);
		if ((has_at(text, len, i, "\\boxed") && boxed_at(text, len, i, 6, a)) ||
		    (has_at(text, len, i, "\\fbox") && boxed_at(text, len, i, 5, a)))
			return true;
		end = i;
	}
	return false;
}

static bool
rule_tag(const char *text, size_t len, struct wh_answer *a)
{
	size_t close = find_last(text, len, len, "</answer>");
	size_t open = close < len ? find_last(text, len, close, "<answer>") : len;

	if (open >= close)
		return false;
	a->start = open + 8;
	a->end = close;
	trim(text, &a->start, &a->end);
	return true;
}

/* The end of a one-line answer starting at s: the line's end or a sentence
 * end (". " — a dot followed by a digit belongs to a number). */
static size_t
line_answer_end(const char *text, size_t len, size_t s)
{
	size_t i;

	for (i = s; i < len && text[i] != '\n'; i++)
		if (text[i] == '.' && (i + 1 == len || IS_SPACE(text[i + 1])))
			break;
	return i;
}

/* Strip "$...$", "\(...\)", the '*' of bold marks and trailing punctuation
 * around a. The glue before a value may have taken the opening "**" of
 * "Answer: **19**", so the marks at either end go on their own. */
static void
unwrap(const char *text, struct wh_answer *a)
{
	static const char *const pairs[][2] = {
		{ "$$", "$$" }, { "$", "$" }, { "\\(", "\\)" }, { "\\[", "\\]" }
	};
	bool changed = true;

	while (changed && a->end > a->start) {
		changed = false;
		trim(text, &a->start, &a->end);
		while (a->end > a->start && strchr(".,;:!", text[a->end - 1]))
			a->end--, changed = true;
		if (a->end - a->start >= 3 && memcmp(text + a->end - 3, "\xe3\x80\x82", 3) == 0)
			a->end -= 3, changed = true;	/* 。 */
		while (a->end > a->start && text[a->end - 1] == '*')
			a->end--, changed = true;
		while (a->end > a->start && text[a->start] == '*')
			a->start++, changed = true;
		for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
			size_t lo = strlen(pairs[k][0]), lc = strlen(pairs[k][1]);
			if (a->end - a->start >= lo + lc &&
			    memcmp(text + a->start, pairs[k][0], lo) == 0 &&
			    memcmp(text + a->end - lc, pairs[k][1], lc) == 0) {
				a->start += lo;
				a->end -= lc;
				changed = true;
				break;
			}
		}
	}
}

static bool
rule_hash(const char *text, size_t len, struct wh_answer *a)
{
	size_t at = find_last(text, len, len, "####");

	if (at == len)
		return false;
	a->start = at + 4;
	for (a->end = a->start; a->end < len && text[a->end] != '\n'; a->end++)
		;
	unwrap(text, a);
	return a->end > a->start;
}

/* Skip the glue between a trigger and its answer: spaces, "**", ":", "is". */
static size_t
skip_glue(const char *text, size_t len, size_t i)
{
	for (;;) {
		if (i < len && (IS_SPACE(text[i]) || text[i] == '*' || text[i] == ':'))
			i++;
		else if (has_at(text, len, i, "is ") || has_at(text, len, i, "is:"))
			i += 2;
		else if (has_at(text, len, i, "\xef\xbc\x9a"))	/* full-width colon */
			i += 3;
		else
			return i;
	}
}

/* A value that starts with a number followed by words ("18 dollars") keeps
 * only the number. */
static void
cut_units(const char *text, struct wh_answer *a)
{
	size_t i = a->start;

	if (i < a->end && text[i] == '-')
		i++;
	if (i == a->end || !IS_DIGIT(text[i]))
		return;
	while (i < a->end && (IS_DIGIT(text[i]) || text[i] == ',' || text[i] == '.'))
		i++;
	if (i + 1 < a->end && text[i] == ' ' &&
	    ((text[i + 1] >= 'a' && text[i + 1] <= 'z') || IS_UPPER(text[i + 1])))
		a->end = i;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
/* Whether one of the eight bytes of x is zero (the test is exact as a
 * whole, not per byte). */
#define ANY_ZERO(x) ((((x) - ONES) & ~(x) & HIGHS) != 0)

/* Move *i back to the last byte before it that may be an anchor: 'w',
 * 'W' or 0xe7 (and 0xc7, which folds to it with the case bit). Eight
 * bytes are tested at once; false when there is none. */
static bool
anchor_before(const char *text, size_t *i)
{
	size_t j = *i;

	while (j > 0) {
		if (j >= 8) {
			uint64_t x;
			memcpy(&x, text + j - 8, 8);
			x |= 0x2020202020202020ull;
			if (!ANY_ZERO(x ^ ('w' * ONES)) && !ANY_ZERO(x ^ (0xe7 * ONES))) {
				j -= 8;
				continue;
			}
		}
		unsigned char c = (unsigned char)text[--j] | 0x20;
		if (c == 'w' || c == 0xe7) {
			*i = j;
			return true;
		}
	}
	return false;
}

/* A trigger of an answer, lower case, and the offset of its anchor byte:
 * 'w' (of "answer") or 0xe7 (the lead byte of 答 and 终). */
struct trigger {
	const char *word;
	size_t anchor;
};

/* The answer after the last of the triggers (ended by one with no word):
 * the rest of its line. The search goes back from anchor to anchor: a
 * trigger that starts at i has its anchor at or after i, so once the
 * anchors fall below the best start, none beats it. */
static bool
after_trigger(const char *text, size_t len, const struct trigger *triggers,
    struct wh_answer *a)
{
	size_t best = len, best_end = 0, j = len;

	while (anchor_before(text, &j) && (best == len || j > best)) {
		for (const struct trigger *t = triggers; t->word; t++) {
			size_t at = t->anchor;
			if (j >= at && j + 1 < len && lower(text[j + 1]) == t->word[at + 1] &&
			    (best == len || j - at > best) && has_at(text, len, j - at, t->word)) {
				best = j - at;
				best_end = best + strlen(t->word);
			}
		}
	}
	if (best == len)
		return false;
	a->start = skip_glue(text, len, best_end);
	if (a->start == len)
		return false;
	a->end = line_answer_end(text, len, a->start);
	unwrap(text, a);
	cut_units(text, a);
	return a->end > a->start;
}

static bool
rule_final(const char *text, size_t len, struct wh_answer *a)
{
	static const struct trigger triggers[] = { { "final answer", 9 },
		{ "最终答案", 3 }, { NULL, 0 } };

	return after_trigger(text, len, triggers, a);
}

static bool
rule_is(const char *text, size_t len, struct wh_answer *a)
{
	static const struct trigger triggers[] = { { "answer is", 3 },
		{ "answer:", 3 }, { "答案是", 0 }, { "答案为", 0 }, { "答案：", 0 },
		{ NULL, 0 } };

	return after_trigger(text, len, triggers, a);
}

/* Whether text[s..e) is one choice letter, maybe as "(B)" or "B)". */
static bool
choice_letter(const char *text, size_t s, size_t e, size_t *at)
{
	if (e > s && text[e - 1] == ')')
		e--;
	if (e > s && text[s] == '(')
		s++;
	if (e - s != 1 || text[s] < 'A' || text[s] > 'J')
		return false;
	*at = s;
	return true;
}

/* A last line that is one choice letter. */
static bool
rule_choice_line(const char *text, size_t len, struct wh_answer *a)
{
	struct wh_answer v;
	size_t at, s = len, e;

	while (s > 0 && IS_SPACE(text[s - 1]))
		s--;
	e = s;
	while (s > 0 && text[s - 1] != '\n')
		s--;
	v.start = s;
	v.end = e;
	unwrap(text, &v);
	if (!choice_letter(text, v.start, v.end, &at))
		return false;
	a->start = at;
	a->end = at + 1;
	return true;
}

/* A letter given by "the answer is (B)", or a last line that is one. */
static bool
rule_choice(const char *text, size_t len, struct wh_answer *a)
{
	struct wh_answer v;
	size_t at;

	if ((rule_final(text, len, &v) || rule_is(text, len, &v)) &&
	    choice_letter(text, v.start, v.end, &at)) {
		a->start = at;
		a->end = at + 1;
		return true;
	}
	return rule_choice_line(text, len, a);
}

/* The number ending at text[e - 1]: digits, thousands commas, a decimal
 * part, a sign, a "/d" denominator. Returns its start. */
static size_t
number_start(const char *text, size_t e)
{
	size_t s = e;

	while (s > 0 && (IS_DIGIT(text[s - 1]) || ((text[s - 1] == ',' ||
	    text[s - 1] == '.' || text[s - 1] == '/') && s >= 2 &&
	    IS_DIGIT(text[s - 2]) && IS_DIGIT(text[s]))))
		s--;
	if (s > 0 && text[s - 1] == '-')
		s--;
	return s;
}

static bool
rule_number(const char *text, size_t len, struct wh_answer *a)
{
	for (size_t e = len; e > 0; e--) {
		if (!IS_DIGIT(text[e - 1]))
			continue;
		a->end = e;
		a->start = number_start(text, e);
		return true;
	}
	return false;
}

typedef bool (*rule_fn)(const char *, size_t, struct wh_answer *);

enum wh_answer_rule
wh_answer_extract(const char *text, size_t len, unsigned rules,
    struct wh_answer *a)
{
	static const rule_fn fns[WH_ANSWER_NRULES] = {
		NULL, rule_boxed, rule_tag, rule_hash, rule_final, rule_is,
		rule_choice, rule_number
	};

	const unsigned triggers = WH_ANSWER_RULE(WH_ANSWER_FINAL) | WH_ANSWER_RULE(WH_ANSWER_IS);

	for (int r = 1; r < WH_ANSWER_NRULES; r++) {
		rule_fn fn = fns[r];
		if (r == WH_ANSWER_CHOICE && (rules & triggers) == triggers)
			fn = rule_choice_line;	/* both triggers failed above */
		if (!(rules & WH_ANSWER_RULE(r)) || !fn(text, len, a))
			continue;
		if ((r == WH_ANSWER_FINAL || r == WH_ANSWER_IS) &&
		    (rules & WH_ANSWER_RULE(WH_ANSWER_CHOICE)) &&
		    choice_letter(text, a->start, a->end, &a->start)) {
			a->end = a->start + 1;
			r = WH_ANSWER_CHOICE;
		}
		a->rule = (enum wh_answer_rule)r;
		return a->rule;
	}
	a->rule = WH_ANSWER_NONE;
	a->start = a->end = 0;
	return WH_ANSWER_NONE;
}

#define SHORT_GOLD 64

/* Does gold[0..len) hold a \boxed{} or \fbox{} (a short solution, such as
 * "2+3=5, so \boxed{5}")? */
static bool
has_box(const char *gold, size_t len)
{
	for (const char *p = gold; (p = memchr(p, '\\', len - (size_t)(p - gold))); p++) {
		size_t left = len - (size_t)(p - gold);
		if ((left >= 6 && memcmp(p, "\\boxed", 6) == 0) ||
		    (left >= 5 && memcmp(p, "\\fbox", 5) == 0))
			return true;
	}
	return false;
}

bool
wh_answer_of_gold(const char *gold, size_t len, struct wh_answer *a)
{
	if (len <= SHORT_GOLD && !memchr(gold, '\n', len) && !has_box(gold, len)) {
		a->rule = WH_ANSWER_NONE;
		a->start = 0;
		a->end = len;
		trim(gold, &a->start, &a->end);
		return true;
	}
	return wh_answer_extract(gold, len, WH_ANSWER_ALL, a) != WH_ANSWER_NONE;
}

const char *
wh_verdict_name(enum wh_verdict v)
{
	return v == WH_VERDICT_EQUAL ? "equal" :
	    v == WH_VERDICT_DIFFERENT ? "different" : "unknown";
}

const char *
wh_answer_of_trace(const struct wh_trace *t, struct wh_answer *a)
{
	/* The second pass tries only what the first did not: the others
	   failed on both fields. */
	static const unsigned passes[] = { WH_ANSWER_EXPLICIT,
		WH_ANSWER_ALL & ~WH_ANSWER_EXPLICIT };
	static const enum wh_field order[] = { WH_ANSWER, WH_THINKING };

	for (int p = 0; p < 2; p++)
		for (int k = 0; k < 2; k++) {
			enum wh_field f = order[k];
			if (t->text[f] && wh_answer_extract(t->text[f], t->len[f], passes[p], a))
				return t->text[f];
		}
	return NULL;
}
