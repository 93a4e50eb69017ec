/* Evaluating a student: generate a response to each question of a dataset,
 * take its final answer and compare it with the reference one the way the
 * analysis does (answer.h), counting accuracy and the tokens spent. */
#ifndef WHITTLE_EVAL_H
#define WHITTLE_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "whittle/error.h"
#include "whittle/generate.h"
#include "whittle/model.h"
#include "whittle/tokenizer.h"

struct wh_eval_item {
	char *question, *gold;	/* gold: the reference answer itself */
};

struct wh_eval_set {
	struct wh_eval_item *items;
	size_t n;
};

/* Read the questions and reference answers of the dataset at path (any
 * layout whittle reads): the record's gold answer, else the final answer of
 * its trace; records with no question or no answer are left out. At most
 * limit items when limit > 0. Returns 0, or -1 with err set. */
int wh_eval_set_load(struct wh_eval_set *s, const char *path, size_t limit,
    struct wh_error *err);
void wh_eval_set_free(struct wh_eval_set *s);

struct wh_eval_opts {
	struct wh_gen_opts gen;	/* question i samples with seed gen.seed + i */
	const char *prompt;	/* "{question}" in it becomes the question */
	const char *stop;	/* stop after this text (as its ids); NULL: none */
	const struct wh_tokenizer *tok;	/* NULL: bytes */
};

/* Defaults: generation's (eos is the model's, set by wh_eval_run), prompt
 * "{question}\n\n" (the question as whittle export -f text writes it),
 * stop "</answer>". */
void wh_eval_opts_default(struct wh_eval_opts *o);

/* One question's outcome. */
struct wh_eval_pred {
	size_t index;
	const struct wh_eval_item *item;
	const char *output;		/* the decoded response, NUL-terminated */
	size_t output_len;
	const char *answer;		/* its final answer, or NULL */
	size_t answer_len;
	int tokens;			/* generated */
	bool correct;
	enum wh_gen_end end;
};
typedef void (*wh_eval_fn)(void *arg, const struct wh_eval_pred *p);

/* Append p as one line of whittle's flat records, which whittle opens as a
 * dataset: record (index + 1), question, thinking and answer (the response
 * split at its </think>; all of it is thinking when it has none), gold,
 * then prediction (the final answer or null), correct, tokens and end. */
void wh_eval_pred_json(struct wh_buf *out, const struct wh_eval_pred *p);

struct wh_eval_result {
	long questions, correct, answered;	/* answered: a final answer found */
	long too_long;		/* prompts that left no room: counted wrong */
	double tokens;				/* generated, over all questions */
};

/* Correct over questions; tokens over questions; tokens over correct
 * answers (what one correct answer costs). 0 when the divisor is 0. */
double wh_eval_accuracy(const struct wh_eval_result *r);
double wh_eval_tokens_per_question(const struct wh_eval_result *r);
double wh_eval_tokens_per_correct(const struct wh_eval_result *r);

/* Answer every question of s with m (questions run on OpenMP threads, one
 * KV cache each; the result does not depend on their number), calling fn
 * (when not NULL) for each in order. Returns 0, or -1 with err set. */
int wh_eval_run(struct wh_model *m, const struct wh_eval_set *s,
    const struct wh_eval_opts *o, struct wh_eval_result *r, wh_eval_fn fn, void *arg,
    struct wh_error *err);

#endif
