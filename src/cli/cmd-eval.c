/* whittle eval: answer a dataset's questions with a checkpoint of the
 * builtin model and grade the answers: accuracy and tokens spent, pass@k
 * over samples, accuracy by difficulty and budget, and the responses as a
 * dataset whittle opens beside the teacher's traces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "whittle/eval.h"
#include "whittle/file.h"
#include "whittle/train.h"

extern const struct wh_cmd wh_cmd_eval;

enum { O_STOP = 256, O_TOK, O_LIMIT, O_PROMPT, O_PRED, O_JSON, O_SAMPLES, O_PASS_K };

static const struct option longopts[] = {
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "max-new", required_argument, NULL, WH_OPT_MAX_NEW },
	{ "temperature", required_argument, NULL, WH_OPT_TEMPERATURE },
	{ "top-p", required_argument, NULL, WH_OPT_TOP_P },
	{ "seed", required_argument, NULL, WH_OPT_SEED },
	{ "prompt", required_argument, NULL, O_PROMPT },
	{ "stop", required_argument, NULL, O_STOP },
	{ "tokenizer", required_argument, NULL, O_TOK },
	{ "samples", required_argument, NULL, O_SAMPLES },
	{ "pass-k", required_argument, NULL, O_PASS_K },
	{ "predictions", required_argument, NULL, O_PRED },
	{ "json", no_argument, NULL, O_JSON },
	{ "threads", required_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct args {
	struct wh_eval_opts o;
	const char *dir, *data, *tokenizer, *predictions, *pass_k;
	long limit;
	bool json;
};

/* --samples draws at --temperature; --pass-k defaults to 1 and N. */
static int
samples_args(struct args *a, const struct wh_cmd *self)
{
	if (a->o.samples == 0) {
		if (a->pass_k)
			return wh_cli_usage(self, "--pass-k needs --samples"), -1;
		return 0;
	}
	if (a->o.gen.temperature <= 0)
		return wh_cli_usage(self, "--samples draws at --temperature: give one "
		    "above 0"), -1;
	if (wh_eval_parse_pass_k(&a->o, a->pass_k) < 0)
		return wh_cli_usage(self, "--pass-k %s: up to %d counts, each 1..%d, "
		    "separated by commas", a->pass_k, WH_EVAL_MAX_K, a->o.samples), -1;
	return 0;
}

static int
parse_args(struct args *a, const struct wh_cmd *self, int argc, char **argv)
{
	double v;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
		if ((r = wh_cli_gen_opt(self, &a->o.gen, c, optarg)) != 0) {
			if (r < 0)
				return -1;
			continue;
		}
		switch (c) {
		case O_LIMIT:
			if (wh_cli_number(optarg, 1, 1e7, &v) < 0 || v != (int)v)
				return wh_cli_usage(self, "--limit %s: a positive count", optarg), -1;
			a->limit = (long)v;
			break;
		case O_SAMPLES:
			if (wh_cli_number(optarg, 1, 1e4, &v) < 0 || v != (int)v)
				return wh_cli_usage(self, "--samples %s: a positive count", optarg), -1;
			a->o.samples = (int)v;
			break;
		case O_PASS_K: a->pass_k = optarg; break;
		case O_PROMPT: a->o.prompt = optarg; break;
		case O_STOP: a->o.stop = optarg; break;
		case O_TOK: a->tokenizer = optarg; break;
		case O_PRED: a->predictions = optarg; break;
		case O_JSON: a->json = true; break;
		case 'h': return wh_cli_help(self), 1;
		default: return wh_cli_bad_option(self, c, argv), -1;
		}
	}
	if (argc - optind != 2)
		return wh_cli_usage(self, "eval takes a CHECKPOINT and a DATASET"), -1;
	a->dir = argv[optind];
	a->data = argv[optind + 1];
	return samples_args(a, self);
}

/* Where each graded response goes: the predictions file, and progress
 * points when the engine runs the command. */
struct answers {
	FILE *pred;
	size_t done, total;
};

static void
each_answer(void *arg, const struct wh_eval_pred *p)
{
	struct answers *a = arg;

	if (a->pred) {
		struct wh_buf b = { 0 };
		wh_eval_pred_json(&b, p);
		fwrite(b.data, 1, b.len, a->pred);
		wh_buf_free(&b);
	}
	wh_cli_job_progress(NULL, ++a->done, a->total);
}

static void
json_member(void *arg, const char *name, double value)
{
	wh_buf_printf(arg, ",\"%s\":%.6g", name, value);
}

/* Run by the engine: the summary as the run's metrics, at the step of the
 * last question. */
static void
job_metrics(const struct wh_eval_result *r)
{
	struct wh_buf b = { 0 };

	wh_buf_printf(&b, "{\"step\":%ld,\"questions\":%ld,\"correct\":%ld,\"answered\":%ld,"
	    "\"accuracy\":%.6g,\"tokens_per_question\":%.6g,\"tokens_per_correct\":%.6g",
	    r->questions, r->questions, r->correct, r->answered, wh_eval_accuracy(r),
	    wh_eval_tokens_per_question(r), wh_eval_tokens_per_correct(r));
	wh_eval_each_metric(r, json_member, &b);
	wh_buf_adds(&b, "}\n");
	wh_cli_job_metrics(b.data, b.len);
	wh_buf_free(&b);
}

static void
report(const struct args *a, const struct wh_eval_result *r)
{
	if (a->json) {
		struct wh_buf b = { 0 };
		wh_eval_summary_json(&b, r);
		fwrite(b.data, 1, b.len, stdout);
		wh_buf_free(&b);
		return;
	}
	printf("questions %ld\ncorrect %ld\nanswered %ld\nprompt too long %ld\n"
	    "accuracy %.4f\ntokens per question %.1f\n",
	    r->questions, r->correct, r->answered, r->too_long, wh_eval_accuracy(r),
	    wh_eval_tokens_per_question(r));
	if (r->correct)
		printf("tokens per correct answer %.1f\n", wh_eval_tokens_per_correct(r));
	else	/* no correct answer has no cost per one; 0 would read as free */
		printf("tokens per correct answer n/a (no correct answer)\n");
	printf("thinking tokens per question %.1f\nanswer tokens per question %.1f\n",
	    wh_eval_thinking_tokens(r), wh_eval_answer_tokens(r));
	if (r->samples)
		printf("samples per question %d\n", r->samples);
	for (int k = 0; k < r->n_pass_k; k++)
		printf("pass@%d %.4f\n", r->pass_k[k], r->pass_at_k[k]);
	for (size_t k = 0; k < r->n_difficulty; k++) {
		const struct wh_eval_bucket *d = &r->difficulty[k];
		printf("difficulty %s: %ld questions, accuracy %.4f\n", d->name,
		    d->questions, wh_eval_bucket_accuracy(d));
	}
	for (size_t k = 0; k < r->n_budgets; k++) {
		const struct wh_eval_bucket *d = &r->budgets[k];
		printf("budget %ld: %ld questions, accuracy %.4f, within budget %.4f, "
		    "thinking tokens %.1f\n", d->budget, d->questions,
		    wh_eval_bucket_accuracy(d), wh_eval_bucket_within_budget(d),
		    wh_eval_bucket_thinking_tokens(d));
	}
	if (r->n_budgets)
		printf("budget fidelity %.4f\n", wh_eval_budget_fidelity(r));
}

static int
run(struct args *a, struct wh_error *err)
{
	struct wh_tokenizer *tok = NULL;
	struct wh_eval_set set = { 0 };
	struct wh_eval_result r = { 0 };
	struct wh_atomic pred = { 0 };
	struct answers ans = { 0 };
	bool job = getenv("WHITTLE_METRICS") != NULL;
	char latest[4096];
	int rc = -1;

	if (wh_cli_checkpoint("eval", a->dir, latest, sizeof latest, err) < 0)
		return -1;
	a->dir = latest;
	struct wh_model *m = wh_model_load(a->dir, err);
	if (m == NULL || wh_gen_tokenizer(a->dir, a->tokenizer, m, &tok, err) < 0
	    || wh_eval_set_load(&set, a->data, (size_t)a->limit, err) < 0)
		goto done;
	wh_cli_skipped(a->data, set.bad, set.n_bad, "record");
	if (a->predictions && wh_cli_open_output(&pred, a->predictions, err) < 0)
		goto done;
	a->o.tok = tok;
	ans.pred = pred.fp;
	ans.total = set.n;
	if (job)
		wh_cli_job_progress(NULL, 0, set.n);
	rc = wh_eval_run(m, &set, &a->o, &r, a->predictions || job ? each_answer : NULL,
	    &ans, err);
	if (a->predictions && rc < 0)
		wh_atomic_abort(&pred);
	else if (a->predictions)
		rc = wh_atomic_commit(&pred, err);
	if (rc == 0 && job)
		job_metrics(&r);
	if (rc == 0)
		report(a, &r);
done:
	wh_eval_result_free(&r);
	wh_eval_set_free(&set);
	wh_model_free(m);
	wh_tokenizer_free(tok);
	return rc;
}

/* The checkpoint is not checked: it may be a training run's folder that a
 * job queued before this one has yet to write. */
int
wh_cli_eval_check(int argc, char **argv)
{
	struct args a = { 0 };
	int rc;

	wh_eval_opts_default(&a.o);
	if ((rc = parse_args(&a, &wh_cmd_eval, argc, argv)) != 0)
		return rc > 0 ? WH_EXIT_OK : WH_EXIT_USAGE;
	if (wh_cli_check_path(a.data, false) < 0 ||
	    (a.tokenizer && wh_cli_check_path(a.tokenizer, false) < 0))
		return WH_EXIT_ERROR;
	return WH_EXIT_OK;
}

static int
eval_exec(const struct wh_cmd *self, int argc, char **argv)
{
	struct args a = { 0 };
	struct wh_error err;
	int rc;

	wh_eval_opts_default(&a.o);
	if ((rc = parse_args(&a, self, argc, argv)) != 0)
		return rc > 0 ? WH_EXIT_OK : WH_EXIT_USAGE;
	if (run(&a, &err) < 0) {
		wh_cli_error(&err);
		return WH_EXIT_ERROR;
	}
	return WH_EXIT_OK;
}

const struct wh_cmd wh_cmd_eval = {
	"eval", "grade a checkpoint of the builtin model on a dataset's questions",
	"usage: whittle eval CHECKPOINT DATASET [OPTIONS]\n"
	"\n"
	"Answer each question of DATASET (any layout whittle reads) with the\n"
	"model in CHECKPOINT (or the latest checkpoint in a training run's --out\n"
	"folder, or of an engine run's id or folder, named on stderr), take the\n"
	"final answer of each response as the analysis does and compare it with\n"
	"the record's gold answer (else its trace's final answer). Prints\n"
	"accuracy, tokens generated per question and per correct answer, thinking\n"
	"and answer tokens, accuracy by the records' difficulty and budget, and\n"
	"pass@k with --samples; run by the engine (whittle engine submit eval),\n"
	"these are the run's metrics. See whittle-train(7).\n"
	"\n"
	"  --limit N            the first N questions only\n"
	"  --prompt TEMPLATE    the prompt; {question} becomes the question\n"
	"                       (default \"{question}\\n\\n\")\n"
	"  --stop TEXT          stop a response after TEXT (\"</answer>\")\n"
	"  --max-new N          tokens a response at most (256)\n"
	"  --temperature X      sample from softmax(logits / X); 0: greedy (0)\n"
	"  --top-p X            sample within the top-p nucleus (1: all)\n"
	"  --seed N             question i samples with seed N + i (1)\n"
	"  --samples N          also N sampled responses a question, at\n"
	"                       --temperature (then needed) and --top-p, for\n"
	"                       pass@k; the graded response stays greedy\n"
	"  --pass-k K[,K...]    report pass@k for these k (default 1,N)\n"
	"  --tokenizer PATH     tokenizer.json (default: CHECKPOINT's own, or\n"
	"                       bytes for a model of 257 ids)\n"
	"  --predictions FILE   write each response, graded and segmented, as a\n"
	"                       dataset to open beside the teacher's (--with)\n"
	"  --json               the summary as one JSON object\n"
	"  -j, --threads N      questions answered at once (default: all cores)\n"
	"  -h, --help           this help\n",
	eval_exec
};
