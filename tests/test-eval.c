/* The evaluation's measures without a model: the pass@k estimator against
 * counting every draw and against values worked out by hand, the --pass-k
 * lists, and the names and values of the metrics a result gives. */
#include <math.h>
#include <string.h>

#include "unit.h"
#include "whittle/eval.h"

/* pass@k by counting: of all k-subsets of n responses, c of them correct,
 * the share holding a correct one. */
static double
pass_by_counting(int n, int c, int k)
{
	long hit = 0, all = 0;

	for (unsigned set = 0; set < 1u << n; set++) {
		if (__builtin_popcount(set) != k)
			continue;
		all++;
		hit += (set & ((1u << c) - 1)) != 0;
	}
	return (double)hit / all;
}

static void
test_estimator(void)
{
	/* n = 5, c = 2: pass@1 = 2/5; pass@2 = 1 - C(3,2)/C(5,2) = 1 - 3/10;
	   pass@3 = 1 - C(3,3)/C(5,3) = 1 - 1/10; pass@4: every 4 hold one. */
	CHECK(fabs(wh_eval_pass_at_k(5, 2, 1) - 0.4) < 1e-12);
	CHECK(fabs(wh_eval_pass_at_k(5, 2, 2) - 0.7) < 1e-12);
	CHECK(fabs(wh_eval_pass_at_k(5, 2, 3) - 0.9) < 1e-12);
	CHECK(wh_eval_pass_at_k(5, 2, 4) == 1);
	CHECK(wh_eval_pass_at_k(5, 0, 5) == 0);
	CHECK(wh_eval_pass_at_k(5, 5, 1) == 1);
	for (int n = 1; n <= 10; n++)
		for (int c = 0; c <= n; c++)
			for (int k = 1; k <= n; k++)
				CHECK(fabs(wh_eval_pass_at_k(n, c, k) - pass_by_counting(n, c, k))
				    < 1e-12);
	/* Large n neither overflows nor loses the small chances. */
	CHECK(fabs(wh_eval_pass_at_k(1000, 1, 1) - 0.001) < 1e-15);
	CHECK(fabs(wh_eval_pass_at_k(1000, 999, 2) - 1) < 1e-15);

	/* Four questions, four samples each, correct 0, 1, 3 and 4 times:
	   pass@1 = (0 + 1/4 + 3/4 + 1) / 4 = 0.5; pass@2 = (0 + (1 - 3/6) + 1
	   + 1) / 4 = 0.625; pass@4 = 3/4. */
	static const int correct[] = { 0, 1, 3, 4 };
	static const double want[] = { 0.5, 0.625, 0.75 };
	static const int ks[] = { 1, 2, 4 };
	for (int j = 0; j < 3; j++) {
		double sum = 0;
		for (int q = 0; q < 4; q++)
			sum += wh_eval_pass_at_k(4, correct[q], ks[j]);
		CHECK(fabs(sum / 4 - want[j]) < 1e-12);
	}
}

static void
test_pass_k_list(void)
{
	struct wh_eval_opts o;

	wh_eval_opts_default(&o);
	o.samples = 10;
	CHECK(wh_eval_parse_pass_k(&o, "1,5,10") == 0);
	CHECK(o.n_pass_k == 3 && o.pass_k[0] == 1 && o.pass_k[1] == 5 && o.pass_k[2] == 10);
	CHECK(wh_eval_parse_pass_k(&o, "3") == 0 && o.n_pass_k == 1 && o.pass_k[0] == 3);
	CHECK(wh_eval_parse_pass_k(&o, "11") < 0);	/* more than the samples */
	CHECK(wh_eval_parse_pass_k(&o, "0") < 0);
	CHECK(wh_eval_parse_pass_k(&o, "1,") < 0);
	CHECK(wh_eval_parse_pass_k(&o, "") < 0);
	CHECK(wh_eval_parse_pass_k(&o, "1;2") < 0);
	CHECK(wh_eval_parse_pass_k(&o, "x") < 0);
	CHECK(wh_eval_parse_pass_k(&o, "1,2,3,4,5,6,7,8,9") < 0);	/* too many */
	/* no list: 1 and the samples, or 1 alone */
	CHECK(wh_eval_parse_pass_k(&o, NULL) == 0);
	CHECK(o.n_pass_k == 2 && o.pass_k[0] == 1 && o.pass_k[1] == 10);
	o.samples = 1;
	CHECK(wh_eval_parse_pass_k(&o, NULL) == 0 && o.n_pass_k == 1 && o.pass_k[0] == 1);
	o.samples = 0;
	CHECK(wh_eval_parse_pass_k(&o, NULL) < 0);
}

struct seen {
	char names[16][64];
	double values[16];
	int n;
};

static void
collect(void *arg, const char *name, double value)
{
	struct seen *s = arg;

	if (s->n < 16) {
		snprintf(s->names[s->n], sizeof s->names[0], "%s", name);
		s->values[s->n++] = value;
	}
}

static void
test_metrics(void)
{
	struct wh_eval_bucket diff[] = { { .name = "Level 2", .questions = 4, .correct = 1 } };
	struct wh_eval_bucket budgets[] = {
		{ .budget = 64, .questions = 2, .correct = 2, .within = 1 },
		{ .budget = 512, .questions = 2, .correct = 0, .within = 2 },
	};
	struct wh_eval_result r = { .questions = 4, .correct = 2, .tokens = 100,
		.thinking_tokens = 60, .samples = 4, .n_pass_k = 2, .pass_k = { 1, 4 },
		.pass_at_k = { 0.5, 0.75 }, .difficulty = diff, .n_difficulty = 1,
		.budgets = budgets, .n_budgets = 2 };
	static const char *const names[] = { "thinking_tokens", "answer_tokens",
		"pass_at_1", "pass_at_4", "accuracy_difficulty_Level_2",
		"accuracy_budget_64", "within_budget_64", "accuracy_budget_512",
		"within_budget_512", "budget_fidelity" };
	static const double values[] = { 15, 10, 0.5, 0.75, 0.25, 1, 0.5, 0, 1, 0.75 };
	struct seen s = { .n = 0 };

	wh_eval_each_metric(&r, collect, &s);
	CHECK(s.n == 10);
	for (int k = 0; k < 10 && k < s.n; k++) {
		CHECK_STR(s.names[k], names[k]);
		CHECK(fabs(s.values[k] - values[k]) < 1e-12);
	}
	CHECK(fabs(wh_eval_budget_fidelity(&r) - 0.75) < 1e-12);

	/* Without samples or buckets: the tokens only. */
	struct wh_eval_result plain = { .questions = 2, .tokens = 10, .thinking_tokens = 4 };
	s.n = 0;
	wh_eval_each_metric(&plain, collect, &s);
	CHECK(s.n == 2);
	CHECK(fabs(s.values[1] - 3) < 1e-12);
	CHECK(wh_eval_budget_fidelity(&plain) == 0);
}

int
main(void)
{
	test_estimator();
	test_pass_k_list();
	test_metrics();
	return unit_done("test-eval");
}
