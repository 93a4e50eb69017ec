/* whittle tokenize: the token ids or the token count of a text with a
 * Hugging Face tokenizer.json, or the text of token ids; the whole input at
 * once or one text a line (those spread over threads). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "whittle/file.h"
#include "whittle/json.h"
#include "whittle/tokenizer.h"
#include "whittle/utf8.h"

extern const struct wh_cmd wh_cmd_tokenize;

enum mode { IDS, COUNT, DECODE };

/* The lines of a --json-lines input, each a JSON string (ids with
 * --decode), and what became of each; workers take lines in turn. */
struct job {
	const struct wh_tokenizer *tok;
	enum mode mode;
	bool skip_special;
	const char **line;	/* start of each line */
	size_t *len;
	struct wh_buf *outs;	/* one output line each */
	char **why;		/* why a line could not be done, or NULL */
	size_t n;
	atomic_size_t next;
};

/* A worker's scratch. */
struct scratch {
	struct wh_json js;
	struct wh_buf text, bytes;
	struct wh_ids ids;
};

/* The input text: a file mapped as it is, or standard input or a pipe read
 * in. */
struct input {
	const char *data;
	size_t len;
	struct wh_map map;
	struct wh_buf buf;
};

static int
input_open(struct input *in, const char *path, struct wh_error *err)
{
	bool std_in = strcmp(path, "-") == 0;
	struct stat st;

	memset(in, 0, sizeof *in);
	if (!std_in && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		if (wh_map_open(&in->map, path, err) < 0)
			return -1;
		in->data = in->map.data ? in->map.data : "";
		in->len = in->map.size;
		return 0;
	}
	int fd = std_in ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wh_error_sys(err, path, errno, "cannot open");
	int rc = wh_read_fd(fd, &in->buf), read_errno = errno;
	if (!std_in)
		close(fd);
	if (rc < 0)
		return wh_error_sys(err, std_in ? "standard input" : path, read_errno,
		    "cannot read");
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

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Read the ids written in s[0..n), separated by white space, into ids.
 * Returns 0, or -1 with err set. */
static int
parse_ids(const char *s, size_t n, struct wh_ids *ids, struct wh_error *err)
{
	size_t i = 0;

	ids->n = 0;
	for (;;) {
		while (i < n && is_blank(s[i]))
			i++;
		if (i == n)
			return 0;
		size_t start = i;
		uint64_t v = 0;
		bool ok = true;
		for (; i < n && !is_blank(s[i]); i++) {
			ok = ok && s[i] >= '0' && s[i] <= '9';
			v = ok ? v * 10 + (uint64_t)(s[i] - '0') : 0;
			ok = ok && v <= UINT32_MAX;
		}
		if (!ok)
			return wh_error_set(err, NULL, 0, "not a token id: \"%.*s\"",
			    i - start > 40 ? 40 : (int)(i - start), s + start);
		wh_ids_push(ids, (uint32_t)v);
	}
}

/* Append the text of the ids in s[0..n) to text as Hugging Face's decode
 * gives it: the tokens' bytes with invalid UTF-8 (ids that end inside a
 * char) replaced. Returns 0, or -1 with err set. */
static int
decode_text(const struct job *j, const char *s, size_t n, struct wh_ids *ids,
    struct wh_buf *bytes, struct wh_buf *text, struct wh_error *err)
{
	wh_buf_clear(bytes);
	if (parse_ids(s, n, ids, err) < 0 || wh_tokenizer_decode(j->tok, ids->v,
	    ids->n, j->skip_special, bytes, err) < 0)
		return -1;
	wh_utf8_replace_invalid(bytes->data, bytes->len, text);
	return 0;
}

/* The text of the ids of line i as a JSON string, or why there is none. */
static void
decode_one(struct job *j, size_t i, struct scratch *sc)
{
	struct wh_error err;

	wh_buf_clear(&sc->text);
	if (decode_text(j, j->line[i], j->len[i], &sc->ids, &sc->bytes, &sc->text,
	    &err) < 0) {
		j->why[i] = wh_xstrdup(err.msg);
		return;
	}
	wh_json_quote(&j->outs[i], sc->text.data ? sc->text.data : "", sc->text.len);
	wh_buf_addc(&j->outs[i], '\n');
}

/* Put the ids or count of the JSON string on line i in j->outs[i], or why
 * there are none. */
static void
encode_one(struct job *j, size_t i, struct scratch *sc)
{
	struct wh_jerror je;

	if (wh_json_parse(&sc->js, j->line[i], j->len[i], &je) < 0) {
		j->why[i] = wh_xstrdup(je.msg);
		return;
	}
	if (sc->js.nodes[0].type != WH_JSTRING) {
		j->why[i] = wh_xstrdup("not a JSON string");
		return;
	}
	wh_buf_clear(&sc->text);
	wh_json_string(&sc->js, 0, &sc->text);
	const char *t = sc->text.data ? sc->text.data : "";
	if (j->mode == COUNT) {
		wh_buf_printf(&j->outs[i], "%zu\n",
		    wh_tokenizer_count(j->tok, t, sc->text.len));
		return;
	}
	sc->ids.n = 0;
	wh_tokenizer_encode(j->tok, t, sc->text.len, &sc->ids);
	format_ids(&j->outs[i], &sc->ids);
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct scratch sc = {0};
	size_t i;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		if (j->mode == DECODE)
			decode_one(j, i, &sc);
		else
			encode_one(j, i, &sc);
	}
	wh_json_free(&sc.js);
	wh_buf_free(&sc.text);
	wh_buf_free(&sc.bytes);
	wh_ids_free(&sc.ids);
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

/* Run the lines of input as how says (its tok, mode and skip_special). */
static int
run_lines(const struct job *how, const struct input *input, int threads,
    const char *path)
{
	struct job j = { .tok = how->tok, .mode = how->mode,
		.skip_special = how->skip_special };
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
		free(j.why[i]);
	}
	free(j.outs);
	free(j.why);
	free(j.line);
	free(j.len);
	return rc;
}

static int
run_whole(const struct job *j, const struct input *input, const char *path)
{
	const char *text = input->data;
	struct wh_ids ids = {0};
	struct wh_buf out = {0}, bytes = {0};
	struct wh_error err, where;
	int rc = WH_EXIT_OK;

	if (j->mode == COUNT) {
		printf("%zu\n", wh_tokenizer_count(j->tok, text, input->len));
		return WH_EXIT_OK;
	}
	if (j->mode == IDS) {
		wh_tokenizer_encode(j->tok, text, input->len, &ids);
		format_ids(&out, &ids);
	} else if (decode_text(j, text, input->len, &ids, &bytes, &out, &err) < 0) {
		wh_error_set(&where, path, 0, "%s", err.msg);
		wh_cli_error(&where);
		rc = WH_EXIT_ERROR;
	}
	if (rc == WH_EXIT_OK)
		fwrite(out.data, 1, out.len, stdout);
	wh_buf_free(&out);
	wh_buf_free(&bytes);
	wh_ids_free(&ids);
	return rc;
}

static int
tokenize_exec(const struct wh_cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tokenizer", required_argument, NULL, 't' },
		{ "ids", no_argument, NULL, 'i' },
		{ "count", no_argument, NULL, 'c' },
		{ "decode", no_argument, NULL, 'd' },
		{ "skip-special", no_argument, NULL, 's' },
		{ "json-lines", no_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = NULL, *input_path = "-";
	struct job job = { .mode = IDS };
	bool lines = false;
	long threads = 1;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":t:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 't': path = optarg; break;
		case 'i': job.mode = IDS; break;
		case 'c': job.mode = COUNT; break;
		case 'd': job.mode = DECODE; break;
		case 's': job.skip_special = true; break;
		case 'l': lines = true; break;
		case 'j':
			if ((threads = wh_cli_positive(optarg)) < 1)
				return wh_cli_usage(self, "--threads %s: give a number of "
				    "threads (1 or more)", optarg);
			break;
		case 'h': return wh_cli_help(self);
		default: return wh_cli_bad_option(self, c, argv);
		}
	}
	if (path == NULL)
		return wh_cli_usage(self, "tokenize needs --tokenizer PATH");
	if (argc - optind > 1)
		return wh_cli_usage(self, "tokenize takes at most one FILE");
	if (argc - optind == 1)
		input_path = argv[optind];
	if (job.skip_special && job.mode != DECODE)
		return wh_cli_usage(self, "--skip-special goes with --decode");

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
	} else {
		job.tok = tok;
		rc = lines ? run_lines(&job, &input, (int)threads, input_path) :
		    run_whole(&job, &input, input_path);
	}
	input_close(&input);
	wh_tokenizer_free(tok);
	return rc;
}

const struct wh_cmd wh_cmd_tokenize = {
	"tokenize", "token ids or token count of a text, with a tokenizer.json",
	"usage: whittle tokenize --tokenizer PATH [--ids|--count] [--json-lines]\n"
	"                        [-j N] [FILE|-]\n"
	"       whittle tokenize --tokenizer PATH --decode [--skip-special]\n"
	"                        [--json-lines] [-j N] [FILE|-]\n"
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
	"  --decode          FILE holds ids separated by white space: print their\n"
	"                    text, special tokens included\n"
	"  --skip-special    with --decode, leave special tokens out\n"
	"  --json-lines      each line of the input is a JSON string (ids with\n"
	"                    --decode): print the ids or count (the text as a\n"
	"                    JSON string) of each on a line of its own\n"
	"  -j, --threads N   with --json-lines, use N threads (default 1)\n"
	"  -h, --help        this help\n",
	tokenize_exec
};
