/* whittle check: extract every trace's final answer, compare it with the
 * gold answer, and report accuracy, verdicts, the rules that fired, the
 * DLCoT attempt labels and thinking length of correct vs incorrect traces.
 * Blocks of records are judged by -j threads and reported in file order. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "whittle/answer.h"
#include "whittle/cpus.h"
#include "whittle/segment.h"
#include "whittle/tokenizer.h"
#include "whittle/utf8.h"

extern const struct wh_cmd wh_cmd_check;

/* A record with gold and no response at all (neither thinking nor answer:
 * a prompt set) is not graded: nothing was answered wrong. */
enum verdict { V_CORRECT, V_INCORRECT, V_UNKNOWN, V_NO_GOLD, V_NO_RESPONSE, NVERDICTS };

static const char *const verdict_names[NVERDICTS] = {
	"correct", "incorrect", "unknown", "no-gold", "no-response"
};

struct tally {
	size_t records, traces;	/* good records; traces: their generations */
	size_t with_gold, verdicts[NVERDICTS];
	size_t rules[WH_ANSWER_NRULES];
	size_t labels[WH_LABEL_UNKNOWN + 1], redundant, attempts;
	uint64_t length[2];	/* thinking length of correct, incorrect: whole
				   numbers, so that any split sums the same */
	size_t bad;		/* bad records, skipped */
};

/* What check reads and how it measures thinking. */
struct checker {
	const struct wh_segmenter *seg;
	const struct wh_tokenizer *tok;	/* NULL: code points */
	bool records;
};

/* The verdict of trace t; *a and *src say what was extracted. */
static enum verdict
judge(const struct wh_trace *t, struct wh_answer *a, const char **src,
    struct wh_answer *g)
{
	enum wh_verdict v;

	*src = wh_answer_of_trace(t, a);
	if (!t->text[WH_GOLD] || !wh_answer_of_gold(t->text[WH_GOLD], t->len[WH_GOLD], g))
		return V_NO_GOLD;
	if (!t->text[WH_THINKING] && !t->text[WH_ANSWER])
		return V_NO_RESPONSE;
	if (!*src)
		return V_INCORRECT;
	v = wh_answer_equiv(*src + a->start, a->end - a->start,
	    t->text[WH_GOLD] + g->start, g->end - g->start);
	return v == WH_VERDICT_EQUAL ? V_CORRECT :
	    v == WH_VERDICT_DIFFERENT ? V_INCORRECT : V_UNKNOWN;
}

static void
count_attempts(const struct wh_segmenter *s, const struct wh_trace *t,
    struct tally *y)
{
	struct wh_segment_input in = {
		t->text[WH_THINKING], t->len[WH_THINKING], t->text[WH_QUESTION],
		t->len[WH_QUESTION], t->text[WH_ANSWER], t->len[WH_ANSWER],
		t->text[WH_GOLD], t->len[WH_GOLD]
	};
	struct wh_segmentation g;

	if (!in.thinking)
		return;
	wh_segment_trace(s, &in, &g);
	for (size_t k = 0; k < g.n_sols; k++) {
		y->labels[g.sols[k].label]++;
		y->redundant += g.sols[k].redundant;
	}
	y->attempts += g.n_sols;
	wh_segmentation_free(&g);
}

/* Append record's JSON line to out, without its leading "{" and "n"
 * (the block does not know how many good records precede it). */
static void
record_line(uint32_t gen, const struct wh_trace *t, enum verdict v,
    const struct wh_answer *a, const char *src, const struct wh_answer *g,
    struct wh_buf *out)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	if (t->n_generations > 1)
		cJSON_AddNumberToObject(o, "generation", gen);
	s = src ? wh_xstrndup(src + a->start, a->end - a->start) : NULL;
	cJSON_AddItemToObject(o, "extracted", s ? cJSON_CreateString(s) : cJSON_CreateNull());
	cJSON_AddStringToObject(o, "rule", wh_answer_rule_name(src ? a->rule : WH_ANSWER_NONE));
	free(s);
	s = v != V_NO_GOLD ? wh_xstrndup(t->text[WH_GOLD] + g->start, g->end - g->start) : NULL;
	cJSON_AddItemToObject(o, "gold", s ? cJSON_CreateString(s) : cJSON_CreateNull());
	free(s);
	cJSON_AddStringToObject(o, "verdict", verdict_names[v]);
	s = cJSON_PrintUnformatted(o);
	wh_buf_printf(out, "%s\n", s + 1);
	cJSON_free(s);
	cJSON_Delete(o);
}

static uint64_t
thinking_length(const struct checker *k, const struct wh_trace *t)
{
	if (k->tok)
		return wh_tokenizer_count(k->tok, t->text[WH_THINKING], t->len[WH_THINKING]);
	return wh_utf8_count(t->text[WH_THINKING], t->len[WH_THINKING]);
}

#define BLOCK 64	/* records a thread takes at a time */

/* What one block of records gave: its tally and, with --records, its
 * lines, each with the number of the block's good records up to its own. */
struct block {
	struct tally y;
	struct wh_buf lines;
	size_t *good_at;	/* per line */
	size_t n_lines, cap;
	size_t good;
};

struct work {
	struct wh_dataset *ds;
	const struct checker *k;
	struct block *blocks;
	size_t n_blocks;
	atomic_size_t next;
};

/* Judge every generation of every good record of block b. */
static void
check_block(struct work *w, size_t b)
{
	struct block *bl = &w->blocks[b];
	size_t end = (b + 1) * BLOCK < wh_dataset_entries(w->ds) ?
	    (b + 1) * BLOCK : wh_dataset_entries(w->ds);

	for (size_t i = b * BLOCK; i < end; i++) {
		struct wh_trace t;
		struct wh_error err;
		uint32_t gens = 1;
		for (uint32_t gen = 0; gen < gens; gen++) {
			if (wh_dataset_trace(w->ds, i, gen, &t, &err) < 0)
				break;
			bl->good += gen == 0;
			bl->y.records += gen == 0;
			gens = t.n_generations;
			struct wh_answer a, g;
			const char *src;
			enum verdict v = judge(&t, &a, &src, &g);
			bl->y.traces++;
			bl->y.verdicts[v]++;
			bl->y.with_gold += v != V_NO_GOLD;
			bl->y.rules[src ? a.rule : WH_ANSWER_NONE]++;
			if ((v == V_CORRECT || v == V_INCORRECT) && t.text[WH_THINKING])
				bl->y.length[v] += thinking_length(w->k, &t);
			if (w->k->records) {
				if (bl->n_lines == bl->cap) {
					bl->cap = bl->cap ? bl->cap * 2 : BLOCK;
					bl->good_at = wh_xrealloc(bl->good_at, bl->cap * sizeof *bl->good_at);
				}
				bl->good_at[bl->n_lines++] = bl->good;
				record_line(gen, &t, v, &a, src, &g, &bl->lines);
			} else
				count_attempts(w->k->seg, &t, &bl->y);
			wh_trace_free(&t);
		}
	}
}

static void *
worker(void *arg)
{
	struct work *w = arg;
	size_t b;

	while ((b = atomic_fetch_add(&w->next, 1)) < w->n_blocks)
		check_block(w, b);
	return NULL;
}

static void
add_tally(struct tally *to, const struct tally *y)
{
	to->records += y->records;
	to->traces += y->traces;
	to->with_gold += y->with_gold;
	for (int v = 0; v < NVERDICTS; v++)
		to->verdicts[v] += y->verdicts[v];
	for (int r = 0; r < WH_ANSWER_NRULES; r++)
		to->rules[r] += y->rules[r];
	for (int l = 0; l <= WH_LABEL_UNKNOWN; l++)
		to->labels[l] += y->labels[l];
	to->redundant += y->redundant;
	to->attempts += y->attempts;
	to->length[0] += y->length[0];
	to->length[1] += y->length[1];
}

/* Judge the whole file with threads threads (0: one per core); print the
 * records' lines, numbered in file order, and sum the blocks into y. */
static void
check_all(struct wh_dataset *ds, const struct checker *k, int threads, struct tally *y)
{
	struct work w = { .ds = ds, .k = k };
	pthread_t th[64];
	size_t n = 0;

	w.n_blocks = (wh_dataset_entries(ds) + BLOCK - 1) / BLOCK;
	w.blocks = wh_xcalloc(w.n_blocks ? w.n_blocks : 1, sizeof *w.blocks);
	if (threads <= 0)
		threads = wh_cpus();
	if (threads > 64)
		threads = 64;
	for (int i = 1; i < threads; i++)
		pthread_create(&th[i], NULL, worker, &w);
	worker(&w);
	for (int i = 1; i < threads; i++)
		pthread_join(th[i], NULL);
	for (size_t b = 0; b < w.n_blocks; b++) {
		struct block *bl = &w.blocks[b];
		const char *line = bl->lines.data;
		for (size_t l = 0; l < bl->n_lines; l++) {
			const char *nl = strchr(line, '\n');
			printf("{\"n\":%zu,%.*s\n", n + bl->good_at[l], (int)(nl - line), line);
			line = nl + 1;
		}
		n += bl->good;
		add_tally(y, &bl->y);
		wh_buf_free(&bl->lines);
		free(bl->good_at);
	}
	free(w.blocks);
}

/* a / b, or null when b is 0: a mean of nothing is not 0. */
static void
add_ratio(cJSON *o, const char *name, double a, size_t b)
{
	if (b)
		cJSON_AddNumberToObject(o, name, a / (double)b);
	else
		cJSON_AddNullToObject(o, name);
}

/* The mean a / b as text, or "n/a" when b is 0. */
static const char *
mean_text(char *buf, size_t size, double a, size_t b)
{
	if (b == 0)
		return "n/a";
	snprintf(buf, size, "%.0f", a / (double)b);
	return buf;
}

/* The records graded: with gold and a response. */
static size_t
graded(const struct tally *y)
{
	return y->with_gold - y->verdicts[V_NO_RESPONSE];
}

static void
print_json(const struct tally *y, bool tokens)
{
	cJSON *o = cJSON_CreateObject(), *rules = cJSON_CreateObject();
	cJSON *labels = cJSON_CreateObject(), *chars = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "records", (double)y->records);
	cJSON_AddNumberToObject(o, "traces", (double)y->traces);
	cJSON_AddNumberToObject(o, "bad", (double)y->bad);
	cJSON_AddNumberToObject(o, "with_gold", (double)y->with_gold);
	cJSON_AddNumberToObject(o, "correct", (double)y->verdicts[V_CORRECT]);
	cJSON_AddNumberToObject(o, "incorrect", (double)y->verdicts[V_INCORRECT]);
	cJSON_AddNumberToObject(o, "unknown", (double)y->verdicts[V_UNKNOWN]);
	cJSON_AddNumberToObject(o, "no_response", (double)y->verdicts[V_NO_RESPONSE]);
	add_ratio(o, "accuracy", (double)y->verdicts[V_CORRECT], graded(y));
	for (int r = 0; r < WH_ANSWER_NRULES; r++)
		cJSON_AddNumberToObject(rules, wh_answer_rule_name(r), (double)y->rules[r]);
	cJSON_AddItemToObject(o, "rules", rules);
	for (int l = 0; l <= WH_LABEL_UNKNOWN; l++)
		cJSON_AddNumberToObject(labels, wh_segment_label_name(l), (double)y->labels[l]);
	cJSON_AddNumberToObject(labels, "redundant", (double)y->redundant);
	cJSON_AddItemToObject(o, "attempts", labels);
	add_ratio(chars, "correct", (double)y->length[V_CORRECT], y->verdicts[V_CORRECT]);
	add_ratio(chars, "incorrect", (double)y->length[V_INCORRECT], y->verdicts[V_INCORRECT]);
	cJSON_AddItemToObject(o, tokens ? "mean_thinking_tokens" : "mean_thinking_chars", chars);
	char *s = cJSON_Print(o);
	puts(s);
	cJSON_free(s);
	cJSON_Delete(o);
}

static void
print_text(const char *path, const struct tally *y, bool tokens)
{
	printf("file         %s\n", path);
	printf("records      %zu", y->records);
	if (y->traces != y->records)
		printf(" (%zu traces: every generation is judged)", y->traces);
	printf(", %zu with a gold answer", y->with_gold);
	if (y->bad)
		printf("; %zu bad, skipped (whittle stats lists them)", y->bad);
	putchar('\n');
	if (graded(y))
		printf("accuracy     %.1f%% (%zu correct of %zu with gold%s)\n",
		    100.0 * (double)y->verdicts[V_CORRECT] / (double)graded(y),
		    y->verdicts[V_CORRECT], graded(y),
		    y->verdicts[V_NO_RESPONSE] ? " and a response" : "");
	else if (y->with_gold)
		printf("accuracy     n/a (no record with a gold answer has a response: "
		    "a set of prompts)\n");
	else
		printf("accuracy     n/a (no record has a gold answer: the layout has "
		    "none, or map one with --map gold=/POINTER)\n");
	printf("verdicts     %zu correct, %zu incorrect, %zu unknown (equivalence "
	    "undecided), %zu without gold", y->verdicts[V_CORRECT],
	    y->verdicts[V_INCORRECT], y->verdicts[V_UNKNOWN], y->verdicts[V_NO_GOLD]);
	if (y->verdicts[V_NO_RESPONSE])
		printf(", %zu without a response (not graded)", y->verdicts[V_NO_RESPONSE]);
	putchar('\n');
	printf("rules        ");
	for (int r = 1; r <= WH_ANSWER_NRULES; r++) {
		int k = r % WH_ANSWER_NRULES;	/* "none" last */
		if (y->rules[k])
			printf("%s %zu  ", wh_answer_rule_name(k), y->rules[k]);
	}
	printf("\nattempts     %zu: ", y->attempts);
	for (int l = 0; l <= WH_LABEL_UNKNOWN; l++)
		printf("%zu %s, ", y->labels[l], wh_segment_label_name(l));
	printf("%zu redundant\n", y->redundant);
	char a[32], b[32];
	printf("thinking     mean %s when correct, %s when incorrect (%s)\n",
	    mean_text(a, sizeof a, (double)y->length[V_CORRECT], y->verdicts[V_CORRECT]),
	    mean_text(b, sizeof b, (double)y->length[V_INCORRECT], y->verdicts[V_INCORRECT]),
	    tokens ? "tokens" : "characters");
}

static int
check_exec(const struct wh_cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		WH_CLI_COMMON_LONGOPTS,
		{ "records", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct wh_cli_common o = {0};
	struct wh_dataset *ds;
	struct wh_segmenter *seg;
	struct wh_tokenizer *tok;
	struct wh_error err;
	struct tally y = {0};
	bool records = false;
	int c, rc = WH_EXIT_ERROR;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":" WH_CLI_COMMON_SHORTOPTS "r", longopts, NULL)) != -1) {
		int k = wh_cli_common_opt(self, &o, c, optarg);
		if (k < 0)
			return WH_EXIT_USAGE;
		if (k == 0 && c == 'r')
			records = true;
		else if (k == 0)
			return wh_cli_bad_option(self, c, argv);
	}
	if (o.help)
		return wh_cli_help(self);
	if (argc - optind != 1)
		return wh_cli_usage(self, "check takes one FILE");
	if (wh_cli_tokenizer(&o, &tok) < 0)
		return WH_EXIT_ERROR;
	if (wh_cli_open(argv[optind], &o, &ds) < 0) {
		wh_tokenizer_free(tok);
		return WH_EXIT_ERROR;
	}
	if (!ds->layout_known)
		wh_error_set(&err, ds->path, 0, "no known layout: give one with --map "
		    "(see whittle-formats(5))");
	if (!ds->layout_known || wh_segmenter_new(&seg, wh_segment_default_rules(), &err) < 0)
		wh_cli_error(&err);
	else {
		struct checker k = { seg, tok, records };
		check_all(ds, &k, o.threads, &y);
		struct wh_bad *bad = wh_dataset_bad(ds, &y.bad);
		wh_cli_skipped(argv[optind], bad, y.bad, "record");
		free(bad);
		if (!records && o.json)
			print_json(&y, tok != NULL);
		else if (!records)
			print_text(ds->path, &y, tok != NULL);
		wh_segmenter_free(seg);
		rc = WH_EXIT_OK;
	}
	wh_tokenizer_free(tok);
	wh_dataset_close(ds);
	return rc;
}

const struct wh_cmd wh_cmd_check = {
	"check", "extract final answers and grade them against the gold answers",
	"usage: whittle check [OPTIONS] FILE\n"
	"\n"
	"Extract the final answer of every trace of FILE (\\boxed{}, <answer>,\n"
	"#### N, \"Final Answer:\", \"the answer is\", a choice letter, the last\n"
	"number), compare it with the gold answer (MATH normalisation, numbers\n"
	"within 1e-4, expressions at random points) and report the accuracy,\n"
	"the verdicts, which rules fired, the labels of the DLCoT solution\n"
	"attempts and the mean thinking length of correct and incorrect traces.\n"
	"See whittle-analysis(7).\n"
	"\n"
	"Bad records are named on standard error and skipped.\n"
	"\n"
	"  --json          one JSON object: records, traces, bad, with_gold, correct,\n"
	"                  incorrect, unknown, accuracy, rules, attempts,\n"
	"                  mean_thinking_chars (mean_thinking_tokens with --tokenizer)\n"
	"  --tokenizer PATH  measure thinking in tokens of this tokenizer.json\n"
	"  -r, --records   one JSON line per trace instead: n, extracted, rule,\n"
	"                  gold, verdict (correct, incorrect, unknown, no-gold)\n"
	"  -j, --threads N judge with N threads (default: one per core); the\n"
	"                  output is the same, in file order, whatever N\n"
	"  --map SPEC      map fields by JSON pointer (see whittle-formats(5))\n"
	"  --layout NAME   use a built-in layout instead of detecting one\n"
	"  -h, --help      this help\n",
	check_exec
};
