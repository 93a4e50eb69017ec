/* whittle generate: continue a prompt with a checkpoint of the builtin
 * model, greedy or sampled, through a KV cache; the text goes to standard
 * output, how it ended to standard error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "whittle/file.h"
#include "whittle/generate.h"

extern const struct wh_cmd wh_cmd_generate;

enum { O_STOP = 256, O_TOK, O_QUIET };

static const struct option longopts[] = {
	{ "max-new", required_argument, NULL, WH_OPT_MAX_NEW },
	{ "temperature", required_argument, NULL, WH_OPT_TEMPERATURE },
	{ "top-p", required_argument, NULL, WH_OPT_TOP_P },
	{ "seed", required_argument, NULL, WH_OPT_SEED },
	{ "stop", required_argument, NULL, O_STOP },
	{ "tokenizer", required_argument, NULL, O_TOK },
	{ "threads", required_argument, NULL, 'j' },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct args {
	struct wh_gen_opts g;
	const char *dir, *prompt, *stop, *tokenizer;
	bool quiet;
};

static int
parse_args(struct args *a, const struct wh_cmd *self, int argc, char **argv)
{
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":j:h", longopts, NULL)) != -1) {
		if ((r = wh_cli_gen_opt(self, &a->g, c, optarg)) != 0) {
			if (r < 0)
				return -1;
			continue;
		}
		switch (c) {
		case O_STOP: a->stop = optarg; break;
		case O_TOK: a->tokenizer = optarg; break;
		case O_QUIET: a->quiet = true; break;
		case 'h': return wh_cli_help(self), 1;
		default: return wh_cli_bad_option(self, c, argv), -1;
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		return wh_cli_usage(self, "generate takes a CHECKPOINT and a PROMPT"), -1;
	a->dir = argv[optind];
	a->prompt = argc - optind == 2 ? argv[optind + 1] : NULL;
	return 0;
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
run(struct args *a, struct wh_error *err)
{
	struct wh_tokenizer *tok = NULL;
	struct wh_ids ids = { 0 }, stop = { 0 };
	struct wh_buf text = { 0 };
	struct wh_kv_cache *kv = NULL;
	char *input = NULL;
	const char *prompt = a->prompt;
	int32_t *in = NULL, *out = NULL;
	int n = 0, end = -1, rc = -1;
	double t0;
	struct wh_model *m = NULL;
	char dir[4096];

	if (wh_cli_checkpoint("generate", a->dir, dir, sizeof dir, err) < 0)
		return -1;
	a->dir = dir;
	if (prompt == NULL) {
		struct wh_buf b = { 0 };
		if (wh_read_fd(0, &b) < 0) {
			wh_error_sys(err, "standard input", errno, "cannot read");
			wh_buf_free(&b);
			goto done;
		}
		wh_buf_addc(&b, '\0');
		prompt = input = wh_buf_take(&b);
	}
	m = wh_model_load(a->dir, err);
	if (m == NULL || wh_gen_tokenizer(a->dir, a->tokenizer, m, &tok, err) < 0)
		goto done;
	wh_gen_encode(tok, prompt, strlen(prompt), &ids);
	if (a->stop)
		wh_gen_encode(tok, a->stop, strlen(a->stop), &stop);
	a->g.stop = (const int32_t *)stop.v;
	a->g.nstop = (int)stop.n;
	a->g.eos = m->cfg.eos;
	in = wh_xmalloc((ids.n + 1) * sizeof *in);
	for (size_t i = 0; i < ids.n; i++)
		in[i] = (int32_t)ids.v[i];
	out = wh_xmalloc((size_t)a->g.max_new * sizeof *out);
	kv = wh_kv_cache_new(&m->cfg);
	t0 = now();	/* tokens/s of the generation itself, the prompt's pass included */
	end = wh_generate(m, kv, in, (int)ids.n, &a->g, out, &n);
	if (end < 0 && ids.n == 0) {
		wh_error_set(err, "", 0, "the prompt is empty: the model needs a token to go on from");
		goto done;
	}
	if (end < 0) {
		wh_error_set(err, "", 0, "the prompt of %zu tokens leaves no room in the "
		    "model's %d positions", ids.n, m->cfg.max_pos);
		goto done;
	}
	if (wh_gen_decode(tok, out, (size_t)n, &text, err) < 0)
		goto done;
	fwrite(text.data ? text.data : "", 1, text.len, stdout);
	if (fflush(stdout) == 0)
		rc = 0;
	if (!a->quiet)
		fprintf(stderr, "%d tokens, ended by %s, %.0f tokens/s\n", n,
		    wh_gen_end_name(end), n / (now() - t0));
done:
	wh_kv_cache_free(kv);
	wh_model_free(m);
	wh_tokenizer_free(tok);
	wh_ids_free(&ids);
	wh_ids_free(&stop);
	wh_buf_free(&text);
	free(in);
	free(out);
	free(input);
	return rc;
}

static int
generate_exec(const struct wh_cmd *self, int argc, char **argv)
{
	struct args a = { 0 };
	struct wh_error err;
	int rc;

	wh_gen_opts_default(&a.g);
	if ((rc = parse_args(&a, self, argc, argv)) != 0)
		return rc > 0 ? WH_EXIT_OK : WH_EXIT_USAGE;
	if (run(&a, &err) < 0) {
		wh_cli_error(&err);
		return WH_EXIT_ERROR;
	}
	return WH_EXIT_OK;
}

const struct wh_cmd wh_cmd_generate = {
	"generate", "continue a prompt with a checkpoint of the builtin model",
	"usage: whittle generate CHECKPOINT [PROMPT] [OPTIONS]\n"
	"\n"
	"Continue PROMPT (standard input when absent) with the model in the\n"
	"Hugging Face checkpoint folder CHECKPOINT (or the latest checkpoint of a\n"
	"training's --out folder, or of an engine run's id or folder, named on\n"
	"stderr) and write the new text to standard output. Greedy unless\n"
	"--temperature is above 0. Stops at the model's end token, after --stop's\n"
	"text, or after --max-new tokens. See whittle-train(7).\n"
	"\n"
	"  --max-new N          tokens generated at most (256)\n"
	"  --temperature X      sample from softmax(logits / X); 0: greedy (0)\n"
	"  --top-p X            sample within the top-p nucleus (1: all)\n"
	"  --seed N             the sampler's seed (1)\n"
	"  --stop TEXT          stop once the output ends with TEXT\n"
	"  --tokenizer PATH     tokenizer.json (default: CHECKPOINT's own, or\n"
	"                       bytes for a model of 257 ids)\n"
	"  -j, --threads N      OpenMP threads (default: all cores)\n"
	"  --quiet              no summary line on standard error\n"
	"  -h, --help           this help\n",
	generate_exec
};
