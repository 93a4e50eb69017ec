/* Evaluating a student: generate a response to each question of a dataset,
 * take its final answer and compare it with the reference one the way the
 * analysis does (answer.h), counting accuracy and the tokens spent, pass@k
 * over sampled responses, accuracy by difficulty and by thinking budget,
 * and where each response departs from the teacher's trace. */
#ifndef WHITTLE_EVAL_H
#define WHITTLE_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "whittle/error.h"
#include "whittle/generate.h"
#include "whittle/model.h"
#include "whittle/segment.h"
#include "whittle/tokenizer.h"

struct wh_eval_item {
	char *question, *gold;	/* gold: the reference answer itself */
	char *teacher;		/* the record's thinking, or NULL */
	char *difficulty;	/* its difficulty bucket, or NULL */
	long budget;		/* its thinking budget in tokens, or 0 */
};

struct wh_eval_set {
	struct wh_eval_item *items;
	size_t n;
	size_t n_bad;			/* bad records skipped */
	struct wh_bad bad[WH_BAD_KEPT];	/* the first of them */
};

/* Read the questions and reference answers of the dataset at path (any
 * layout whittle reads): the record's gold answer, else the final answer of
 * its trace; records with no question or no answer are left out. The
 * difficulty is the record's "difficulty" or "level" member, else the one
 * in its "labels" (the Lua difficulty step's); the budget its "budget" or
 * labels.budget (the budget step's), a positive integer. At most limit
 * items when limit > 0. Bad records are skipped, counted and (the first
 * WH_BAD_KEPT) noted in s->bad. Returns 0, or -1 with err set. */
int wh_eval_set_load(struct wh_eval_set *s, const char *path, size_t limit,
    struct wh_error *err);
void wh_eval_set_free(struct wh_eval_set *s);

#define WH_EVAL_MAX_K 8

struct wh_eval_opts {
	struct wh_gen_opts gen;	/* question i samples with seed gen.seed + i */
	const char *prompt;	/* "{question}" in it becomes the question */
	const char *stop;	/* stop after this text (as its ids); NULL: none */
	const struct wh_tokenizer *tok;	/* NULL: bytes */
	int samples;		/* > 0: this many more responses a question,
				   drawn at gen's temperature and top_p (sample
				   j of question i with seed gen.seed + i *
				   samples + j); the graded one is then greedy */
	int pass_k[WH_EVAL_MAX_K];	/* pass@k for these k, each 1..samples */
	int n_pass_k;
};

/* Defaults: generation's (eos is the model's, set by wh_eval_run), prompt
 * "{question}\n\n" (the question as whittle export -f text writes it),
 * stop "</answer>". */
void wh_eval_opts_default(struct wh_eval_opts *o);

/* Set o's pass_k from a list "K[,K...]" of counts 1..samples (set
 * samples first), or when list is NULL to 1 and samples (1 alone when
 * samples is 1). Returns 0, or -1 when the list is not one. */
int wh_eval_parse_pass_k(struct wh_eval_opts *o, const char *list);

/* The chance that at least one of k responses drawn without replacement
 * from n, c of them correct, is correct: 1 - C(n-c, k) / C(n, k) (Chen et
 * al. 2021, the unbiased estimator of pass@k). 0 < k <= n, 0 <= c <= n. */
double wh_eval_pass_at_k(int n, int c, int k);

/* Where a response's thinking departs from the teacher's: the first
 * position at which their segments (segment.h), compared in order with
 * ASCII case and runs of white space ignored, differ, or where one of the
 * two runs out of segments. */
struct wh_eval_departure {
	bool compared;		/* the item has teacher thinking */
	bool departs;		/* false: the same segments throughout */
	size_t segment;		/* 0-based position */
	const char *student, *teacher;	/* its text in each, or NULL */
	size_t student_len, teacher_len;
};

/* One question's outcome. */
struct wh_eval_pred {
	size_t index;
	const struct wh_eval_item *item;
	const char *output;		/* the decoded response, NUL-terminated */
	size_t output_len;
	const char *answer;		/* its final answer, or NULL */
	size_t answer_len;
	int tokens;			/* generated */
	int thinking_tokens;		/* of them, up to the end of its </think>
					   (all when it has none) */
	bool correct;
	bool too_long;			/* the prompt left no room: no response */
	enum wh_gen_end end;
	int samples_correct;		/* when opts.samples > 0 */
	int samples;
	const char *thinking;		/* the response's thinking (no markers) */
	size_t thinking_len;
	const struct wh_segmentation *segments;	/* of the thinking */
	struct wh_eval_departure departure;
};
typedef void (*wh_eval_fn)(void *arg, const struct wh_eval_pred *p);

/* Append p as one line of whittle's flat records, which whittle opens as a
 * dataset: record (index + 1), question, thinking and answer (the response
 * split at its </think>; all of it is thinking when it has none), gold,
 * then prediction (the final answer or null), correct, tokens,
 * thinking_tokens, answer_tokens, end, difficulty and budget and
 * within_budget when the item has them, samples and samples_correct with
 * samples, segmentation (wh_segment_json of the thinking) and departs
 * ({segment, student, teacher} or null; absent without teacher thinking). */
void wh_eval_pred_json(struct wh_buf *out, const struct wh_eval_pred *p);

/* The questions of one difficulty bucket or one budget. */
struct wh_eval_bucket {
	char *name;		/* the difficulty; NULL for a budget */
	long budget;
	long questions, correct;
	long within;		/* responses whose thinking kept within the
				   budget (none when the prompt was too long) */
	double thinking_tokens;	/* summed */
};

struct wh_eval_result {
	long questions, correct, answered;	/* answered: a final answer found */
	long too_long;		/* prompts that left no room: counted wrong */
	double tokens;				/* generated, over all questions */
	double thinking_tokens;			/* of them, thinking */
	int samples, n_pass_k;
	int pass_k[WH_EVAL_MAX_K];
	double pass_at_k[WH_EVAL_MAX_K];	/* the mean over questions */
	struct wh_eval_bucket *difficulty;	/* by name, digits as numbers */
	size_t n_difficulty;
	struct wh_eval_bucket *budgets;		/* by budget */
	size_t n_budgets;
};
void wh_eval_result_free(struct wh_eval_result *r);

/* Correct over questions; tokens over questions; tokens over correct
 * answers (what one correct answer costs). 0 when the divisor is 0. */
double wh_eval_accuracy(const struct wh_eval_result *r);
double wh_eval_tokens_per_question(const struct wh_eval_result *r);
double wh_eval_tokens_per_correct(const struct wh_eval_result *r);
/* Thinking and answer tokens over questions; the share of questions with
 * a budget whose thinking kept within it (0 when none has one). */
double wh_eval_thinking_tokens(const struct wh_eval_result *r);
double wh_eval_answer_tokens(const struct wh_eval_result *r);
double wh_eval_budget_fidelity(const struct wh_eval_result *r);

/* A difficulty or budget bucket's accuracy, the share of its responses
 * that kept within its budget, and its mean thinking tokens. */
double wh_eval_bucket_accuracy(const struct wh_eval_bucket *b);
double wh_eval_bucket_within_budget(const struct wh_eval_bucket *b);
double wh_eval_bucket_thinking_tokens(const struct wh_eval_bucket *b);

/* The summary, as whittle eval --json prints it and m:evaluate returns
 * it, member by member in this order: questions, correct, answered,
 * too_long, accuracy, tokens, tokens_per_question, tokens_per_correct,
 * thinking_tokens_per_question, answer_tokens_per_question, samples and
 * pass_at_K for each K when there are samples, the list difficulty (of
 * objects: bucket, questions, correct, accuracy), the list budgets
 * (budget, questions, correct, accuracy, within, within_budget,
 * thinking_tokens) and budget_fidelity when some question has a budget.
 * count tells a count from a rate or a mean. begin and end bracket a list
 * (name set) and each object in it (name NULL). */
struct wh_eval_visitor {
	void (*number)(void *arg, const char *name, double value, bool count);
	void (*string)(void *arg, const char *name, const char *value);
	void (*begin)(void *arg, const char *name);
	void (*end)(void *arg, const char *name);
};
void wh_eval_summary(const struct wh_eval_result *r, const struct wh_eval_visitor *v,
    void *arg);

/* The summary as one JSON object and a newline, counts whole and the
 * rest to 6 significant digits. */
void wh_eval_summary_json(struct wh_buf *out, const struct wh_eval_result *r);

/* Call fn with the name and value of each metric beyond accuracy and
 * tokens: thinking_tokens, answer_tokens, pass_at_K, and per bucket
 * accuracy_difficulty_NAME (NAME with characters other than letters and
 * digits as _), accuracy_budget_B and within_budget_B, and
 * budget_fidelity when some question has a budget. */
void wh_eval_each_metric(const struct wh_eval_result *r,
    void (*fn)(void *arg, const char *name, double value), void *arg);

/* Answer every question of s with m (questions and samples run on OpenMP
 * threads, one KV cache each; the result does not depend on their number),
 * calling fn (when not NULL) for each in order. r is freed with
 * wh_eval_result_free. Returns 0, or -1 with err set. */
int wh_eval_run(struct wh_model *m, const struct wh_eval_set *s,
    const struct wh_eval_opts *o, struct wh_eval_result *r, wh_eval_fn fn, void *arg,
    struct wh_error *err);

#endif
