/* whittle losses: the mean token loss of each record of a training file
 * under a checkpoint of the builtin model, as JSON lines the workbench's
 * loss column reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "whittle/file.h"
#include "whittle/generate.h"
#include "whittle/train.h"

extern const struct wh_cmd wh_cmd_losses;

enum { O_TOK = 256, O_BATCH, O_SEQ };

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "tokenizer", required_argument, NULL, O_TOK },
	{ "batch", required_argument, NULL, O_BATCH },
	{ "seq", required_argument, NULL, O_SEQ },
	{ "threads", required_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct args {
	const char *dir, *data, *tokenizer, *output;
	int batch, seq;		/* seq 0: the model's positions */
};

static int
parse_args(struct args *a, const struct wh_cmd *self, int argc, char **argv)
{
	double v;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': a->output = optarg; break;
		case O_TOK: a->tokenizer = optarg; break;
		case O_BATCH:
		case O_SEQ:
		case 'j':
			if (wh_cli_number(optarg, 1, 1 << 20, &v) < 0 || v != (int)v)
				return wh_cli_usage(self, "%s %s: a positive count", c == 'j' ?
				    "-j" : c == O_BATCH ? "--batch" : "--seq", optarg), -1;
			if (c == 'j')
				wh_model_threads((int)v);
			else
				*(c == O_BATCH ? &a->batch : &a->seq) = (int)v;
			break;
		case 'h': return wh_cli_help(self), 1;
		default: return wh_cli_bad_option(self, c, argv), -1;
		}
	}
	if (argc - optind != 2)
		return wh_cli_usage(self, "losses takes a CHECKPOINT and a DATA file"), -1;
	a->dir = argv[optind];
	a->data = argv[optind + 1];
	return 0;
}

static int
run(struct args *a, struct wh_error *err)
{
	struct wh_tokenizer *tok = NULL;
	struct wh_train_data d = { 0 };
	struct wh_atomic out = { 0 };
	struct wh_model *m;
	char latest[4096];
	int rc = -1;

	if (wh_cli_checkpoint("losses", a->dir, latest, sizeof latest, err) < 0)
		return -1;
	a->dir = latest;
	if ((m = wh_model_load(a->dir, err)) == NULL)
		return -1;
	if (a->seq > m->cfg.max_pos) {
		wh_error_set(err, "", 0, "--seq %d is beyond the model's %d positions",
		    a->seq, m->cfg.max_pos);
		goto done;
	}
	if (wh_gen_tokenizer(a->dir, a->tokenizer, m, &tok, err) < 0
	    || wh_train_data_load(&d, a->data, tok, m->cfg.vocab, m->cfg.eos, err) < 0)
		goto done;
	wh_cli_skipped(a->data, d.bad, d.n_bad, "line");
	if (a->output && wh_cli_open_output(&out, a->output, err) < 0)
		goto done;
	rc = wh_train_losses(m, &d, a->batch, a->seq ? a->seq : m->cfg.max_pos,
	    a->output ? out.fp : stdout);
	if (rc < 0)
		wh_error_sys(err, a->output ? a->output : "standard output", errno,
		    "cannot write");
	if (a->output && rc < 0)
		wh_atomic_abort(&out);
	else if (a->output)
		rc = wh_atomic_commit(&out, err);
done:
	wh_train_data_free(&d);
	wh_model_free(m);
	wh_tokenizer_free(tok);
	return rc;
}

static int
losses_exec(const struct wh_cmd *self, int argc, char **argv)
{
	struct args a = { .batch = 8 };
	struct wh_error err;
	int rc;

	if ((rc = parse_args(&a, self, argc, argv)) != 0)
		return rc > 0 ? WH_EXIT_OK : WH_EXIT_USAGE;
	if (run(&a, &err) < 0) {
		wh_cli_error(&err);
		return WH_EXIT_ERROR;
	}
	return WH_EXIT_OK;
}

const struct wh_cmd wh_cmd_losses = {
	"losses", "each record's loss under a checkpoint of the builtin model",
	"usage: whittle losses CHECKPOINT DATA.jsonl [OPTIONS]\n"
	"\n"
	"The mean token loss of each record of DATA (a training file, as whittle\n"
	"train reads it) under the model in CHECKPOINT (or the latest checkpoint\n"
	"in a training run's --out folder, or of an engine run's id or folder):\n"
	"one forward pass over the records packed as in training, no generation.\n"
	"Writes a line naming DATA, then\n"
	"{\"record\":R,\"id\":ID,\"loss\":X,\"targets\":N} for each record, which the\n"
	"workbench's loss column reads (whittle DATA --losses FILE). See\n"
	"whittle-train(7).\n"
	"\n"
	"  -o, --output FILE    write here (atomically) instead of standard output\n"
	"  --tokenizer PATH     encode texts with this tokenizer.json (default: the\n"
	"                       checkpoint's, else bytes)\n"
	"  --batch N --seq N    rows and positions of a forward pass (8, the\n"
	"                       model's positions); a longer record is cut\n"
	"  -j, --threads N      OpenMP threads (default: all cores)\n"
	"  -h, --help           this help\n",
	losses_exec
};
