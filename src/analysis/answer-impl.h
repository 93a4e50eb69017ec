/* Internals shared by the answer module's files: brace groups and the split
 * of an answer into the elements of a list, set, interval or matrix. */
#ifndef WHITTLE_ANSWER_IMPL_H
#define WHITTLE_ANSWER_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "whittle/answer.h"

#define WH_ANSWER_MAXLIST 64

/* An answer seen as open bracket, elements split at top-level ',' or ';'
 * (seps[i] follows element i), close bracket. open/close are "" when the
 * answer is a bare list. */
struct wh_answer_list {
	char open[3], close[3];
	size_t n;
	size_t start[WH_ANSWER_MAXLIST], end[WH_ANSWER_MAXLIST];
	char seps[WH_ANSWER_MAXLIST];
};

/* Offset just past the {group} opening at s[open], or 0 if it never closes;
 * escaped braces do not count. */
size_t wh_answer_group_end(const char *s, size_t len, size_t open);

/* Split s[0..len) into l; false when brackets do not balance or there are
 * more than WH_ANSWER_MAXLIST elements. */
bool wh_answer_split(const char *s, size_t len, struct wh_answer_list *l);

/* Evaluate the expression s[0..len) with every free variable set from
 * point (the same name gets the same value on both sides of a comparison).
 * Returns false when s is not an expression it can read. *vars, when vars
 * is not NULL, says whether it read a free variable: when not, the result
 * is the same at every point. */
bool wh_answer_eval(const char *s, size_t len, unsigned point, double *v, bool *vars);

#endif
