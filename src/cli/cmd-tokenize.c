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

/* The lines of a --json-lines input, each a JSON string, and what became of
 * each; workers take lines in turn, decode and encode them. */
struct job {
	const struct wh_tokenizer *tok;
	bool count;
	const char **line;	/* start of each line */
	size_t *len;
	struct wh_buf *outs;	/* one output line each; NULL data on error */
	const char **why;	/* why a line is not a JSON string */
	size_t n;
	atomic_size_t next;
};

/* The input text: a file mapped as it is, or standard input read in. */
struct input {
	const char *data;
	size_t len;
	struct wh_map map;
	struct wh_buf buf;
};

static int
input_open(struct input *in, const char *path, struct wh_error *err)
{
	memset(in, 0, sizeof *in);
	if (strcmp(path, "-") != 0) {
		if (wh_map_open(&in->map, path, err) < 0)
			return -1;
		in->data = in->map.data ? in->map.data : "";
		in->len = in->map.size;
		return 0;
	}
	char chunk[65536];
	ssize_t k;
	while ((k = read(0, chunk, sizeof chunk)) > 0)
		wh_buf_add(&in->buf, chunk, (size_t)k);
	if (k < 0)
		return wh_error_sys(err, "standard input", errno, "cannot read");
	in->data = in->buf.data ? in->buf.data : "";
	in->len = in->buf.len;
	return 0;
}

static void
input_close(struct input *in)
{
	if (in->map.data)
		wh_map_close(&in->map);
	wh_buf_free(&in->buf);
}

/* Append the ids separated by spaces and a newline (printf per id is the
 * slowest part of printing millions of them). */
static void
format_ids(struct wh_buf *out, const struct wh_ids *ids)
{
	char digits[12];

	wh_buf_reserve(out, ids->n * 7 + 1);
	for (size_t i = 0; i < ids->n; i++) {
		size_t k = sizeof digits;
		uint32_t v = ids->v[i];
		do
			digits[--k] = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		if (i)
			wh_buf_addc(out, ' ');
		wh_buf_add(out, digits + k, sizeof digits - k);
	}
	wh_buf_addc(out, '\n');
}

/* Decode line i and put its ids or count in j->outs[i]. */
static void
run_one(struct job *j, size_t i, struct wh_json *js, struct wh_buf *text,
    struct wh_ids *ids)
{
	struct wh_jerror je;

	if (wh_json_parse(js, j->line[i], j->len[i], &je) < 0) {
		j->why[i] = je.msg;
		return;
	}
	if (js->nodes[0].type != WH_JSTRING) {
		j->why[i] = "not a JSON string";
		return;
	}
	wh_buf_clear(text);
	wh_json_string(js, 0, text);
	const char *t = text->data ? text->data : "";
	if (j->count) {
		wh_buf_printf(&j->outs[i], "%zu\n", wh_tokenizer_count(j->tok, t, text->len));
		return;
	}
	ids->n = 0;
	wh_tokenizer_encode(j->tok, t, text->len, ids);
	format_ids(&j->outs[i], ids);
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct wh_json js = {0};
	struct wh_buf text = {0};
	struct wh_ids ids = {0};
	size_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->n)
		run_one(j, i, &js, &text, &ids);
	wh_json_free(&js);
	wh_buf_free(&text);
	wh_ids_free(&ids);
	return NULL;
}

/* Find the lines of input. */
static void
split_lines(const struct input *input, struct job *j)
{
	const char *p = input->data, *end = p + input->len;
	size_t cap = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (j->n == cap) {
			cap = cap ? 2 * cap : 1024;
			j->line = wh_xrealloc(j->line, cap * sizeof *j->line);
			j->len = wh_xrealloc(j->len, cap * sizeof *j->len);
		}
		j->line[j->n] = p;
		j->len[j->n++] = len;
		p += len + 1;
	}
}

static int
run_lines(const struct wh_tokenizer *tok, const struct input *input,
    bool count, int threads, const char *path)
{
	struct job j = { .tok = tok, .count = count };
	pthread_t th[64];
	int rc = WH_EXIT_OK;

	split_lines(input, &j);
	j.outs = wh_xcalloc(j.n + 1, sizeof *j.outs);
	j.why = wh_xcalloc(j.n + 1, sizeof *j.why);
	if (threads > 64)
		threads = 64;
	for (int i = 1; i < threads; i++)
		pthread_create(&th[i], NULL, worker, &j);
	worker(&j);
	for (int i = 1; i < threads; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < j.n && rc == WH_EXIT_OK; i++)
		if (j.why[i]) {
			struct wh_error err;
			wh_error_set(&err, path, (long)i + 1, "%s", j.why[i]);
			wh_cli_error(&err);
			rc = WH_EXIT_ERROR;
		}
	for (size_t i = 0; i < j.n; i++) {
		if (rc == WH_EXIT_OK)
			fwrite(j.outs[i].data, 1, j.outs[i].len, stdout);
		wh_buf_free(&j.outs[i]);
	}
	free(j.outs);
	free(j.why);
	free(j.line);
	free(j.len);
	return rc;
}

static int
run_whole(const struct wh_tokenizer *tok, const struct input *input, bool count)
{
	const char *text = input->data;

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
	struct input input;
	int rc;
	if (input_open(&input, input_path, &err) < 0) {
		wh_cli_error(&err);
		rc = WH_EXIT_ERROR;
	} else if (lines)
		rc = run_lines(tok, &input, count, (int)threads, input_path);
	else
		rc = run_whole(tok, &input, count);
	input_close(&input);
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
