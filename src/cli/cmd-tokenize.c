/* whittle tokenize: the token ids or the token count of a text with a
 * Hugging Face tokenizer.json, the whole text at once or one JSON string a
 * line (those spread over threads). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "whittle/file.h"
#include "whittle/json.h"
#include "whittle/tokenizer.h"

extern const struct wh_cmd wh_cmd_tokenize;

/* The texts of a --json-lines input and what became of each. */
struct job {
	const struct wh_tokenizer *tok;
	bool count;
	struct wh_buf *texts;	/* decoded strings */
	struct wh_buf *outs;	/* one output line each */
	size_t n;
	atomic_size_t next;
};

static int
read_input(const char *path, struct wh_buf *out, struct wh_error *err)
{
	if (strcmp(path, "-") != 0) {
		struct wh_map m;
		if (wh_map_open(&m, path, err) < 0)
			return -1;
		wh_buf_add(out, m.data ? m.data : "", m.size);
		wh_map_close(&m);
		return 0;
	}
	char chunk[65536];
	ssize_t k;
	while ((k = read(0, chunk, sizeof chunk)) > 0)
		wh_buf_add(out, chunk, (size_t)k);
	if (k < 0)
		return wh_error_sys(err, "standard input", errno, "cannot read");
	wh_buf_reserve(out, 0);
	return 0;
}

static void
format_ids(struct wh_buf *out, const struct wh_ids *ids)
{
	for (size_t i = 0; i < ids->n; i++)
		wh_buf_printf(out, i ? " %u" : "%u", ids->v[i]);
	wh_buf_addc(out, '\n');
}

static void
run_one(struct job *j, size_t i, struct wh_ids *ids)
{
	const struct wh_buf *t = &j->texts[i];

	if (j->count) {
		wh_buf_printf(&j->outs[i], "%zu\n",
		    wh_tokenizer_count(j->tok, t->data ? t->data : "", t->len));
		return;
	}
	ids->n = 0;
	wh_tokenizer_encode(j->tok, t->data ? t->data : "", t->len, ids);
	format_ids(&j->outs[i], ids);
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct wh_ids ids = {0};
	size_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->n)
		run_one(j, i, &ids);
	wh_ids_free(&ids);
	return NULL;
}

/* Split input into lines, each a JSON string, decoded into j->texts. */
static int
parse_lines(const struct wh_buf *input, struct job *j, struct wh_error *err)
{
	struct wh_json js = {0};
	struct wh_jerror je;
	const char *p = input->data ? input->data : "", *end = p + input->len;
	size_t cap = 0;
	long line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		line++;
		if (wh_json_parse(&js, p, len, &je) < 0 || js.nodes[0].type != WH_JSTRING) {
			wh_json_free(&js);
			return wh_error_set(err, NULL, line, "not a JSON string%s%s",
			    je.msg ? ": " : "", je.msg ? je.msg : "");
		}
		if (j->n == cap) {
			cap = cap ? 2 * cap : 1024;
			j->texts = wh_xrealloc(j->texts, cap * sizeof *j->texts);
		}
		j->texts[j->n] = (struct wh_buf){0};
		wh_json_string(&js, 0, &j->texts[j->n++]);
		p += len + 1;
	}
	wh_json_free(&js);
	return 0;
}

static int
run_lines(const struct wh_tokenizer *tok, const struct wh_buf *input,
    bool count, int threads, const char *path)
{
	struct job j = { .tok = tok, .count = count };
	struct wh_error err;
	pthread_t th[64];

	if (parse_lines(input, &j, &err) < 0) {
		snprintf(err.file, sizeof err.file, "%s", path);
		wh_cli_error(&err);
		for (size_t i = 0; i < j.n; i++)
			wh_buf_free(&j.texts[i]);
		free(j.texts);
		return WH_EXIT_ERROR;
	}
	j.outs = wh_xcalloc(j.n + 1, sizeof *j.outs);
	if (threads > 64)
		threads = 64;
	for (int i = 1; i < threads; i++)
		pthread_create(&th[i], NULL, worker, &j);
	worker(&j);
	for (int i = 1; i < threads; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < j.n; i++) {
		fwrite(j.outs[i].data, 1, j.outs[i].len, stdout);
		wh_buf_free(&j.outs[i]);
		wh_buf_free(&j.texts[i]);
	}
	free(j.outs);
	free(j.texts);
	return WH_EXIT_OK;
}

static int
run_whole(const struct wh_tokenizer *tok, const struct wh_buf *input, bool count)
{
	const char *text = input->data ? input->data : "";

	if (count) {
		printf("%zu\n", wh_tokenizer_count(tok, text, input->len));
		return WH_EXIT_OK;
	}
	struct wh_ids ids = {0};
	struct wh_buf out = {0};
	wh_tokenizer_encode(tok, text, input->len, &ids);
	format_ids(&out, &ids);
	fwrite(out.data, 1, out.len, stdout);
	wh_buf_free(&out);
	wh_ids_free(&ids);
	return WH_EXIT_OK;
}

static int
tokenize_exec(const struct wh_cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tokenizer", required_argument, NULL, 't' },
		{ "ids", no_argument, NULL, 'i' },
		{ "count", no_argument, NULL, 'c' },
		{ "json-lines", no_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = NULL, *input_path = "-";
	bool count = false, lines = false;
	long threads = 1;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 't': path = optarg; break;
		case 'i': count = false; break;
		case 'c': count = true; break;
		case 'l': lines = true; break;
		case 'j':
			if ((threads = wh_cli_positive(optarg)) < 1)
				return wh_cli_usage(self, "--threads %s: give a number of "
				    "threads (1 or more)", optarg);
			break;
		case 'h': return wh_cli_help(self);
		default: return wh_cli_usage(self, "unknown option");
		}
	}
	if (path == NULL)
		return wh_cli_usage(self, "tokenize needs --tokenizer PATH");
	if (argc - optind > 1)
		return wh_cli_usage(self, "tokenize takes at most one FILE");
	if (argc - optind == 1)
		input_path = argv[optind];

	struct wh_error err;
	struct wh_tokenizer *tok = wh_tokenizer_load(path, &err);
	if (tok == NULL) {
		wh_cli_error(&err);
		return WH_EXIT_ERROR;
	}
	struct wh_buf input = {0};
	int rc;
	if (read_input(input_path, &input, &err) < 0) {
		wh_cli_error(&err);
		rc = WH_EXIT_ERROR;
	} else if (lines)
		rc = run_lines(tok, &input, count, (int)threads, input_path);
	else
		rc = run_whole(tok, &input, count);
	wh_buf_free(&input);
	wh_tokenizer_free(tok);
	return rc;
}

const struct wh_cmd wh_cmd_tokenize = {
	"tokenize", "token ids or token count of a text, with a tokenizer.json",
	"usage: whittle tokenize --tokenizer PATH [--ids|--count] [--json-lines]\n"
	"                        [-j N] [FILE|-]\n"
	"\n"
	"Encode the text of FILE (standard input when it is - or not given) with\n"
	"the Hugging Face tokenizer.json at PATH, as Hugging Face does with\n"
	"add_special_tokens=False: special tokens written in the text are matched,\n"
	"no BOS/EOS is added. Byte-level BPE tokenizers are supported (Qwen2,\n"
	"Qwen2.5, Qwen3, Llama 3, DeepSeek-V3/R1, GPT-2); see whittle-tokenizer(7).\n"
	"\n"
	"  --tokenizer PATH  the tokenizer.json to use\n"
	"  --ids             print the ids, separated by spaces (the default)\n"
	"  --count           print the number of tokens\n"
	"  --json-lines      each line of the input is a JSON string: print the\n"
	"                    ids or count of each on a line of its own\n"
	"  -j, --threads N   with --json-lines, encode with N threads (default 1)\n"
	"  -h, --help        this help\n",
	tokenize_exec
};
