/* Final answers: find the answer a trace or a reference solution gives, the
 * way the distillation papers' graders do, and decide whether two answers are
 * the same (MATH-grader normalisation, numbers, expressions evaluated at
 * random points). Pure functions over text: thread-safe, no allocation kept. */
#ifndef WHITTLE_ANSWER_H
#define WHITTLE_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "whittle/buf.h"
#include "whittle/trace.h"

/* The rules, in the order they are tried: the first that finds something
 * wins, and within a rule the last occurrence in the text. */
enum wh_answer_rule {
	WH_ANSWER_NONE,		/* nothing found */
	WH_ANSWER_BOXED,	/* last brace-matched \boxed{...} or \fbox{...} */
	WH_ANSWER_TAG,		/* last <answer>...</answer> */
	WH_ANSWER_HASH,		/* GSM8K "#### N" */
	WH_ANSWER_FINAL,	/* "Final Answer: X", "**Final Answer** X" */
	WH_ANSWER_IS,		/* "the answer is X", "Answer: X", "答案是 X" */
	WH_ANSWER_CHOICE,	/* a multiple-choice letter: "(B)", "answer is C" */
	WH_ANSWER_NUMBER,	/* the last number, as a fallback */
	WH_ANSWER_NRULES
};

/* Bit masks of rules for wh_answer_extract. */
#define WH_ANSWER_RULE(r) (1u << (r))
#define WH_ANSWER_ALL 0xfeu
#define WH_ANSWER_EXPLICIT (WH_ANSWER_ALL & ~WH_ANSWER_RULE(WH_ANSWER_NUMBER))

/* Where an answer was found: text[start..end) with the rule that found it. */
struct wh_answer {
	enum wh_answer_rule rule;
	size_t start, end;
};

enum wh_verdict { WH_VERDICT_UNKNOWN, WH_VERDICT_EQUAL, WH_VERDICT_DIFFERENT };

/* Find the final answer in text[0..len) with the rules in the mask rules
 * (WH_ANSWER_ALL: every rule). Fills a and returns its rule, WH_ANSWER_NONE
 * (a->start = a->end = 0) when no rule found one. Never reads past len. */
enum wh_answer_rule wh_answer_extract(const char *text, size_t len,
    unsigned rules, struct wh_answer *a);

/* "boxed", "tag", "hash", "final", "answer-is", "choice", "number", "none". */
const char *wh_answer_rule_name(enum wh_answer_rule r);

/* Append to out the answer s[0..len) normalised as the MATH graders do:
 * delimiters, \left/\right, \dfrac, spacing, units in \text{}, degrees,
 * percent and dollar signs, thousands separators, trailing ".0", "x = 3" to
 * "3", \frac12 to \frac{1}{2}, set elements sorted. */
void wh_answer_normalize(const char *s, size_t len, struct wh_buf *out);

/* Whether answers a and b are the same: equal once normalised, numbers
 * within a relative 1e-4 (also x100 and /100 when either has a percent
 * sign), lists, sets and intervals element by element, and expressions equal
 * at several deterministic pseudo-random points of their free variables.
 * WH_VERDICT_UNKNOWN when it cannot tell, rather than a guess. */
enum wh_verdict wh_answer_equiv(const char *a, size_t alen, const char *b,
    size_t blen);

/* An answer normalised once, to compare with many others (a reference
 * against every value a trace states) without normalising it, nor
 * evaluating it, each time. */
#define WH_ANSWER_POINTS 5	/* the points expressions are evaluated at */

struct wh_answer_norm {
	struct wh_buf text;	/* wh_answer_normalize's result */
	bool percent;		/* the answer as given holds a '%' */
	/* Its values at the points, kept as comparisons need them: bit k of
	   evaluated says value[k] is known, bit k of valid that it is one. */
	unsigned evaluated, valid;
	double value[WH_ANSWER_POINTS];
};

void wh_answer_norm_init(struct wh_answer_norm *n, const char *s, size_t len);
void wh_answer_norm_free(struct wh_answer_norm *n);
/* wh_answer_equiv of the two answers n and m were made from; keeps in n
 * and m what it evaluates. */
enum wh_verdict wh_answer_equiv_norm(struct wh_answer_norm *n, struct wh_answer_norm *m);
/* wh_answer_equiv of a[0..alen) and the answer ref was made from, without
 * normalising a when it is a whole number and ref one too. */
enum wh_verdict wh_answer_equiv_to(const char *a, size_t alen, struct wh_answer_norm *ref);

/* The final answer of trace t: an explicit rule on its answer field, else
 * on its thinking (a truncated answer), else the last number of the answer,
 * else of the thinking. Returns the text a's span points into, or
 * NULL (a->rule WH_ANSWER_NONE) when no rule found an answer. */
const char *wh_answer_of_trace(const struct wh_trace *t, struct wh_answer *a);

/* The reference answer in gold[0..len): gold itself when it is one short
 * line without a \boxed{}, else (a reference solution) the answer extracted
 * from it. Fills a
 * (rule WH_ANSWER_NONE for the whole of a short gold); false when a long
 * gold holds no answer. */
bool wh_answer_of_gold(const char *gold, size_t len, struct wh_answer *a);

/* "equal", "different", "unknown". */
const char *wh_verdict_name(enum wh_verdict v);

#endif
