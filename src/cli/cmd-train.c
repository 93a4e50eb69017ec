/* whittle train: train the builtin student on a JSONL of token ids or
 * texts, from scratch or from a Hugging Face checkpoint, writing metrics as
 * JSON lines and resumable checkpoints HF can load. */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "whittle/file.h"
#include "whittle/model.h"
#include "whittle/tokenizer.h"
#include "whittle/train.h"

extern const struct wh_cmd wh_cmd_train;

struct args {
	struct wh_train_opts o;
	struct wh_model_config c;
	const char *data, *init, *tokenizer, *metrics, *batches, *eval_data,
	    *eval_pass_k;
	struct wh_eval_opts eval;
	long threads, eval_limit;
	bool quiet, no_batches;
};

enum { O_STEPS = 256, O_BATCH, O_SEQ, O_ACCUM, O_LR, O_WARMUP, O_WD, O_CLIP,
	O_SEED, O_VAL, O_EVAL, O_SAVE, O_METRICS, O_RESUME, O_INIT, O_TOK, O_ARCH,
	O_LAYERS, O_HIDDEN, O_HEADS, O_KV, O_INTER, O_UNTIED, O_QUIET, O_OUT,
	O_EVAL_DATA, O_EVAL_LIMIT, O_EVAL_MAX, O_EVAL_PROMPT, O_EVAL_STOP,
	O_EVAL_SAMPLES, O_EVAL_PASS_K, O_EVAL_TEMP, O_EVAL_TOP_P, O_BATCHES,
	O_NO_BATCHES };

static const struct option longopts[] = {
	{ "out", required_argument, NULL, O_OUT },
	{ "steps", required_argument, NULL, O_STEPS },
	{ "batch", required_argument, NULL, O_BATCH },
	{ "seq", required_argument, NULL, O_SEQ },
	{ "accum", required_argument, NULL, O_ACCUM },
	{ "lr", required_argument, NULL, O_LR },
	{ "warmup", required_argument, NULL, O_WARMUP },
	{ "weight-decay", required_argument, NULL, O_WD },
	{ "clip", required_argument, NULL, O_CLIP },
	{ "seed", required_argument, NULL, O_SEED },
	{ "val-frac", required_argument, NULL, O_VAL },
	{ "eval-every", required_argument, NULL, O_EVAL },
	{ "save-every", required_argument, NULL, O_SAVE },
	{ "eval-data", required_argument, NULL, O_EVAL_DATA },
	{ "eval-limit", required_argument, NULL, O_EVAL_LIMIT },
	{ "eval-max-new", required_argument, NULL, O_EVAL_MAX },
	{ "eval-prompt", required_argument, NULL, O_EVAL_PROMPT },
	{ "eval-stop", required_argument, NULL, O_EVAL_STOP },
	{ "eval-samples", required_argument, NULL, O_EVAL_SAMPLES },
	{ "eval-pass-k", required_argument, NULL, O_EVAL_PASS_K },
	{ "eval-temperature", required_argument, NULL, O_EVAL_TEMP },
	{ "eval-top-p", required_argument, NULL, O_EVAL_TOP_P },
	{ "metrics", required_argument, NULL, O_METRICS },
	{ "batches", required_argument, NULL, O_BATCHES },
	{ "no-batches", no_argument, NULL, O_NO_BATCHES },
	{ "resume", no_argument, NULL, O_RESUME },
	{ "init", required_argument, NULL, O_INIT },
	{ "tokenizer", required_argument, NULL, O_TOK },
	{ "arch", required_argument, NULL, O_ARCH },
	{ "layers", required_argument, NULL, O_LAYERS },
	{ "hidden", required_argument, NULL, O_HIDDEN },
	{ "heads", required_argument, NULL, O_HEADS },
	{ "kv-heads", required_argument, NULL, O_KV },
	{ "intermediate", required_argument, NULL, O_INTER },
	{ "untied", no_argument, NULL, O_UNTIED },
	{ "threads", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Where each integer option goes and its least value. */
static int *
int_field(struct args *a, int c, double *min)
{
	*min = 1;
	switch (c) {
	case O_BATCH: return &a->o.batch;
	case O_SEQ: return &a->o.seq;
	case O_ACCUM: return &a->o.accum;
	case O_LAYERS: return &a->c.layers;
	case O_HIDDEN: return &a->c.hidden;
	case O_HEADS: return &a->c.heads;
	case O_KV: return &a->c.kv_heads;
	case O_INTER: return &a->c.intermediate;
	case O_EVAL_MAX: return &a->eval.gen.max_new;
	case O_EVAL_SAMPLES: return &a->eval.samples;
	default: return NULL;
	}
}

static int
set_number(struct args *a, int c, const char *arg)
{
	double v, min;
	int *f = int_field(a, c, &min);

	if (c == O_LR || c == O_WD || c == O_CLIP || c == O_VAL || c == O_WARMUP
	    || c == O_EVAL || c == O_SAVE || c == O_SEED || c == O_EVAL_TEMP || c == O_EVAL_TOP_P)
		min = 0;
	/* A non-negative value (positive where min is 1). */
	if (wh_cli_number(arg, min, 1e15, &v) < 0)
		return -1;
	if (f) {	/* a whole number an int holds */
		if (v > INT_MAX || v != (int)v)
			return -1;
		*f = (int)v;
		return 0;
	}
	switch (c) {
	case O_STEPS: a->o.steps = (long)v; break;
	case O_WARMUP: a->o.warmup = (long)v; break;
	case O_EVAL: a->o.eval_every = (long)v; break;
	case O_SAVE: a->o.save_every = (long)v; break;
	case O_SEED: a->o.seed = (uint64_t)v; break;
	case O_LR: a->o.lr = (float)v; break;
	case O_WD: a->o.weight_decay = (float)v; break;
	case O_CLIP: a->o.clip = (float)v; break;
	case O_VAL: a->o.val_frac = v; return v < 1 ? 0 : -1;
	case 'j': a->threads = (long)v; break;
	case O_EVAL_LIMIT: a->eval_limit = (long)v; break;
	case O_EVAL_TEMP: a->eval.gen.temperature = (float)v; break;
	case O_EVAL_TOP_P: a->eval.gen.top_p = (float)v; return v > 0 && v <= 1 ? 0 : -1;
	}
	return 0;
}

static const char *
option_name(int c)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

/* --eval-samples draws at --eval-temperature; --eval-pass-k defaults to
 * 1 and N, as whittle eval's. */
static int
eval_samples_args(struct args *a, const struct wh_cmd *self)
{
	int n = a->eval.samples;

	if (n == 0) {
		if (a->eval_pass_k)
			return wh_cli_usage(self, "--eval-pass-k needs --eval-samples"), -1;
		return 0;
	}
	if (a->eval.gen.temperature <= 0)
		return wh_cli_usage(self, "--eval-samples draws at --eval-temperature: "
		    "give one above 0"), -1;
	if (wh_eval_parse_pass_k(&a->eval, a->eval_pass_k) < 0)
		return wh_cli_usage(self, "--eval-pass-k %s: up to %d counts, each 1..%d, "
		    "separated by commas", a->eval_pass_k, WH_EVAL_MAX_K, n), -1;
	return 0;
}

/* A new model's shape holds together: heads split the hidden size into
 * even head dimensions, and KV heads split the heads into groups. (With
 * --resume or --init the shape comes from the checkpoint.) */
static int
shape_args(const struct args *a, const struct wh_cmd *self)
{
	const struct wh_model_config *c = &a->c;

	if (a->o.resume || a->init)
		return 0;
	if (c->hidden % c->heads)
		return wh_cli_usage(self, "--hidden %d is not a multiple of --heads %d",
		    c->hidden, c->heads), -1;
	if ((c->hidden / c->heads) % 2)
		return wh_cli_usage(self, "--hidden %d / --heads %d is %d: a head's size "
		    "must be even", c->hidden, c->heads, c->hidden / c->heads), -1;
	if (c->heads % c->kv_heads)
		return wh_cli_usage(self, "--heads %d is not a multiple of --kv-heads %d",
		    c->heads, c->kv_heads), -1;
	return 0;
}

/* Returns 0, 1 when --help was shown, or -1 after a usage message. */
static int
parse_args(struct args *a, const struct wh_cmd *self, int argc, char **argv)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
		switch (c) {
		case O_OUT: a->o.out = optarg; break;
		case O_METRICS: a->metrics = optarg; break;
		case O_BATCHES: a->batches = optarg; break;
		case O_NO_BATCHES: a->no_batches = true; break;
		case O_RESUME: a->o.resume = true; break;
		case O_INIT: a->init = optarg; break;
		case O_TOK: a->tokenizer = optarg; break;
		case O_UNTIED: a->c.tied = false; break;
		case O_QUIET: a->quiet = true; break;
		case O_EVAL_DATA: a->eval_data = optarg; break;
		case O_EVAL_PROMPT: a->eval.prompt = optarg; break;
		case O_EVAL_STOP: a->eval.stop = optarg; break;
		case O_EVAL_PASS_K: a->eval_pass_k = optarg; break;
		case O_ARCH:
			if (strcmp(optarg, "llama") && strcmp(optarg, "qwen2"))
				return wh_cli_usage(self, "--arch %s: llama or qwen2", optarg);
			a->c.arch = strcmp(optarg, "llama") ? WH_QWEN2 : WH_LLAMA;
			break;
		case 'h': return wh_cli_help(self), 1;
		case '?': case ':': return wh_cli_bad_option(self, c, argv), -1;
		default:
			if (set_number(a, c, optarg) < 0)
				return wh_cli_usage(self, "--%s %s: not a valid value",
				    option_name(c), optarg), -1;
		}
	}
	if (argc - optind != 1)
		return wh_cli_usage(self, "train takes one DATA file"), -1;
	a->data = argv[optind];
	if (shape_args(a, self) < 0)
		return -1;
	return eval_samples_args(a, self);
}

/* The files it reads are there (--out is made, or the engine gives one). */
static int
check_files(const struct args *a)
{
	if (wh_cli_check_path(a->data, false) < 0 ||
	    (a->eval_data && wh_cli_check_path(a->eval_data, false) < 0) ||
	    (a->tokenizer && wh_cli_check_path(a->tokenizer, false) < 0) ||
	    (a->init && wh_cli_check_path(a->init, true) < 0))
		return -1;
	return 0;
}

/* Whether a shape option given (one that differs from its default:
 * --arch, --layers, ...) differs from the checkpoint's shape too. */
static bool
shape_ignored(const struct wh_model_config *c, const struct wh_model_config *ck)
{
	struct wh_model_config d;

	wh_model_config_default(&d, WH_BYTE_VOCAB);
	return (c->arch != d.arch && c->arch != ck->arch) ||
	    (c->layers != d.layers && c->layers != ck->layers) ||
	    (c->hidden != d.hidden && c->hidden != ck->hidden) ||
	    (c->heads != d.heads && c->heads != ck->heads) ||
	    (c->kv_heads != d.kv_heads && c->kv_heads != ck->kv_heads) ||
	    (c->intermediate != d.intermediate && c->intermediate != ck->intermediate) ||
	    (c->tied != d.tied && c->tied != ck->tied);
}

/* The model: the checkpoint to resume from (NULL: none), else --init,
 * else new. */
static struct wh_model *
make_model(struct args *a, const char *resume, const struct wh_tokenizer *tok,
    struct wh_error *err)
{
	if (resume) {
		struct wh_model *m = wh_model_load(resume, err);
		if (m && shape_ignored(&a->c, &m->cfg))
			fprintf(stderr, "whittle: --resume: the checkpoint's shape is kept; "
			    "the shape options given are ignored\n");
		return m;
	}
	if (a->init)
		return wh_model_load(a->init, err);
	a->c.vocab = tok ? (int)wh_tokenizer_vocab_size(tok) : WH_BYTE_VOCAB;
	a->c.eos = tok ? -1 : WH_BYTE_EOS;
	a->c.head_dim = a->c.heads ? a->c.hidden / a->c.heads : 0;
	a->c.max_pos = a->o.seq;
	if (wh_model_config_check(&a->c, err) < 0)
		return NULL;
	return wh_model_new(&a->c, a->o.seed);
}

/* Ctrl-C, and SIGTERM (the engine's cancel and stop): the run saves a
 * checkpoint after the step under way and stops, so that --resume loses
 * nothing; the same signal again ends it at once. */
static volatile sig_atomic_t interrupted;	/* the signal, 0 for none */

static void
on_interrupt(int sig)
{
	interrupted = sig;
	signal(sig, SIG_DFL);
}

/* Catch sig as on_interrupt does, unless it is ignored (a background job's
 * SIGINT: it stands). */
static void
catch_stop(int sig)
{
	if (signal(sig, on_interrupt) == SIG_IGN)
		signal(sig, SIG_IGN);
}

/* Hold OUT/train.lock (our pid in it) while training, so that a second
 * training into the same folder is refused instead of mixing its
 * checkpoints and metrics with ours. Returns the lock's descriptor, or -1
 * with err set. */
static int
lock_out(const char *out, struct wh_error *err)
{
	struct wh_buf path = { 0 };
	char pid[32] = "";
	int fd;

	wh_buf_printf(&path, "%s/train.lock", out);
	fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		wh_error_sys(err, path.data, errno, "cannot open");
	else if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		wh_error_set(err, out, 0, "another training (pid %s) is writing to this "
		    "folder; give another --out", pid[0] ? pid : "?");
		close(fd);
		fd = -1;
	} else {
		snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
		if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0) {
			wh_error_sys(err, path.data, errno, "cannot write");
			close(fd);
			fd = -1;
		}
	}
	wh_buf_free(&path);
	return fd;
}

static void
progress(void *arg, const struct wh_train_progress *p)
{
	if (*(bool *)arg)
		return;
	fprintf(stderr, "step %ld/%ld  loss %.4f  lr %.3g  grad norm %.3g  %.0f tok/s",
	    p->step, p->steps, p->loss, p->lr, p->grad_norm,
	    p->seconds > 0 ? p->tokens / p->seconds : 0.0);
	if (p->eval_loss >= 0)
		fprintf(stderr, "  eval loss %.4f", p->eval_loss);
	if (p->eval_accuracy >= 0)
		fprintf(stderr, "  accuracy %.3f  %.1f tokens", p->eval_accuracy,
		    p->eval_tokens);
	fputc('\n', stderr);
}

static int
run(struct args *a, struct wh_error *err)
{
	struct wh_tokenizer *tok = NULL;
	struct wh_model *m = NULL;
	struct wh_train_data d = { 0 };
	struct wh_eval_set set = { 0 };
	char *metrics = NULL, *batches = NULL, latest[4096];
	const char *resume = NULL;
	long at;
	int rc = -1, lock = -1;

	if (a->tokenizer && (tok = wh_tokenizer_load(a->tokenizer, err)) == NULL)
		return -1;
	a->eval.tok = tok;
	if (a->eval_data) {
		if (wh_eval_set_load(&set, a->eval_data, (size_t)a->eval_limit, err) < 0)
			goto done;
		wh_cli_skipped(a->eval_data, set.bad, set.n_bad, "record");
		a->o.eval_set = &set;
		a->o.eval = &a->eval;
	}
	if (wh_mkdirs(a->o.out, err) < 0 || (lock = lock_out(a->o.out, err)) < 0)
		goto done;
	at = wh_train_latest(a->o.out, latest, sizeof latest);
	if (at >= 0 && !a->o.resume) {
		wh_error_set(err, a->o.out, 0, "already holds checkpoint-%ld of an earlier "
		    "training; --resume goes on from it, another --out starts anew", at);
		goto done;
	}
	if (at >= 0)
		resume = latest;
	if (resume && at >= a->o.steps) {
		fprintf(stderr, "whittle: %s is at step %ld already (--steps %ld): nothing "
		    "to train; give more --steps to go on\n", latest, at, a->o.steps);
		rc = 0;
		goto done;
	}
	if ((m = make_model(a, resume, tok, err)) != NULL
	    && wh_train_data_load(&d, a->data, tok, m->cfg.vocab, m->cfg.eos, err) == 0) {
		struct wh_buf b = { 0 };
		wh_cli_skipped(a->data, d.bad, d.n_bad, "line");
		wh_buf_printf(&b, "%s/metrics.jsonl", a->o.out);
		metrics = wh_buf_take(&b);
		a->o.metrics = a->metrics ? a->metrics : metrics;
		wh_buf_printf(&b, "%s/batches.jsonl", a->o.out);
		batches = wh_buf_take(&b);
		a->o.batches = a->no_batches ? NULL : a->batches ? a->batches : batches;
		rc = wh_train_run(m, &d, &a->o, progress, &a->quiet, err);
		if (rc == 0 && !a->quiet && !interrupted &&
		    (at = wh_train_latest(a->o.out, latest, sizeof latest)) >= 0)
			fprintf(stderr, "whittle: done: %s holds step %ld\n", latest, at);
	}
done:
	if (lock >= 0)
		close(lock);
	wh_train_data_free(&d);
	wh_eval_set_free(&set);
	wh_model_free(m);
	wh_tokenizer_free(tok);
	free(metrics);
	free(batches);
	return rc;
}

static void
defaults(struct args *a)
{
	wh_train_opts_default(&a->o);
	wh_model_config_default(&a->c, WH_BYTE_VOCAB);
	wh_eval_opts_default(&a->eval);
}

int
wh_cli_train_check(int argc, char **argv)
{
	struct args a = { .threads = 0 };
	int rc;

	defaults(&a);
	if ((rc = parse_args(&a, &wh_cmd_train, argc, argv)) != 0)
		return rc > 0 ? WH_EXIT_OK : WH_EXIT_USAGE;
	return check_files(&a) < 0 ? WH_EXIT_ERROR : WH_EXIT_OK;
}

static int
train_exec(const struct wh_cmd *self, int argc, char **argv)
{
	struct args a = { .threads = 0 };
	struct wh_error err;
	int rc;

	defaults(&a);
	if ((rc = parse_args(&a, self, argc, argv)) != 0)
		return rc > 0 ? WH_EXIT_OK : WH_EXIT_USAGE;
	if (a.o.out == NULL)
		return wh_cli_usage(self, "train needs --out DIR");
	if (a.threads > 0)
		wh_model_threads((int)a.threads);
	catch_stop(SIGINT);
	catch_stop(SIGTERM);
	a.o.stop = &interrupted;
	if (run(&a, &err) < 0) {
		wh_cli_error(&err);
		return WH_EXIT_ERROR;
	}
	if (interrupted) {	/* said, then ended by the signal, as the shell expects */
		char latest[4096];
		long step = wh_train_latest(a.o.out, latest, sizeof latest);
		fprintf(stderr, "whittle: %s at step %ld: %s holds it; --resume goes on from "
		    "there\n", interrupted == SIGINT ? "interrupted" : "terminated", step, latest);
		signal(interrupted, SIG_DFL);
		raise(interrupted);
	}
	return WH_EXIT_OK;
}

const struct wh_cmd wh_cmd_train = {
	"train", "train the builtin student model on token ids or texts",
	"usage: whittle train DATA.jsonl --out DIR [OPTIONS]\n"
	"\n"
	"Train a Llama/Qwen2-shaped student in fp32 on the CPU. Each line of DATA\n"
	"is {\"ids\": [...], \"mask\": [0|1, ...]}, {\"text\": T} or {\"prompt\": P,\n"
	"\"completion\": C} (loss on the completion only); input_ids and loss_mask,\n"
	"as the export-sft step writes them, are read as ids and mask, before any\n"
	"text. DATA may be gzip-compressed (.jsonl.gz). Texts are bytes (ids 0-255,\n"
	"256 ends a document) unless --tokenizer is given. Documents are packed\n"
	"into rows without attention across them.\n"
	"Checkpoints go to DIR/checkpoint-STEP (Hugging Face config.json and\n"
	"model.safetensors, plus optimizer state); metrics to DIR/metrics.jsonl;\n"
	"each step's records and their losses to DIR/batches.jsonl. See\n"
	"whittle-train(7).\n"
	"\n"
	"  --out DIR            checkpoints and metrics go here (one that holds\n"
	"                       a checkpoint needs --resume)\n"
	"  --resume             continue from DIR's latest complete checkpoint\n"
	"  --init CKPT          start from a Hugging Face checkpoint folder\n"
	"  --tokenizer PATH     encode texts with this tokenizer.json\n"
	"  --arch llama|qwen2   a new model's architecture (default llama)\n"
	"  --layers N --hidden N --heads N --kv-heads N --intermediate N\n"
	"                       a new model's shape (default 2, 64, 4, 2, 176)\n"
	"  --untied             a separate output layer (default: tied)\n"
	"  --steps N            optimizer steps (default 100)\n"
	"  --batch N --seq N    rows and positions per micro-batch (8, 128)\n"
	"  --accum N            micro-batches per step (1)\n"
	"  --lr X --warmup N    peak learning rate and warmup steps (1e-3, 10);\n"
	"                       cosine decay to 0 after the warmup\n"
	"  --weight-decay X     AdamW weight decay of matrices (0.01)\n"
	"  --clip X             gradient norm clip, 0 for none (1)\n"
	"  --seed N             data order, validation split, init (1)\n"
	"  --val-frac X         share of documents held out (0.05)\n"
	"  --eval-every N       evaluate every N steps and at the last (0: never)\n"
	"  --eval-data FILE     at each evaluation also answer this dataset's\n"
	"                       questions (as whittle eval): accuracy, tokens\n"
	"  --eval-limit N       its first N questions only\n"
	"  --eval-max-new N     tokens an answer at most (256)\n"
	"  --eval-prompt T      the prompt, {question} replaced (\"{question}\\n\\n\")\n"
	"  --eval-stop TEXT     stop an answer after TEXT (\"</answer>\")\n"
	"  --eval-samples N     also N sampled answers a question, for pass@k\n"
	"  --eval-temperature X --eval-top-p X\n"
	"                       how they are drawn (X above 0 needed)\n"
	"  --eval-pass-k K,...  pass@k for these k (default 1,N)\n"
	"  --save-every N       a checkpoint every N steps (0: only the last)\n"
	"  --metrics FILE       append metric JSON lines here instead\n"
	"  --batches FILE       write each step's records and losses here instead\n"
	"  --no-batches         do not write them (nor compute their losses)\n"
	"  -j, --threads N      threads, each on its share of a batch's rows (default:\n"
	"                       all cores)\n"
	"  --quiet              no progress lines on standard error\n"
	"  -h, --help           this help\n",
	train_exec
};
