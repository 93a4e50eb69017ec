/* whittle stats: what a dataset holds, what could not be read, and how long
 * its questions, thinking and answers are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "whittle/scan.h"
#include "whittle/segment.h"
#include "whittle/stats.h"
#include "whittle/tokenizer.h"

#define SHOW_BAD 20

/* The built-in layouts, names in a column as wide as the longest. */
static void
print_layouts(void)
{
	int width = 0;

	for (const struct wh_layout *l = wh_layouts(); l->name[0]; l++)
		if ((int)strlen(l->name) > width)
			width = (int)strlen(l->name);
	for (const struct wh_layout *l = wh_layouts(); l->name[0]; l++)
		printf("%-*s  %s\n", width, l->name, l->doc);
}

static cJSON *
summary_json(const struct wh_summary *s)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "mean", s->mean);
	cJSON_AddNumberToObject(o, "min", s->min);
	cJSON_AddNumberToObject(o, "p50", s->p50);
	cJSON_AddNumberToObject(o, "p90", s->p90);
	cJSON_AddNumberToObject(o, "p99", s->p99);
	cJSON_AddNumberToObject(o, "max", s->max);
	return o;
}

/* What the scan's probe measures of each trace, in r.values: tokens of
 * question, thinking and answer (with --tokenizer), their total, and the
 * segments and solution attempts of the thinking (with --segments). */
enum { V_TOKENS, V_TOTAL = V_TOKENS + WH_NFIELDS, V_SEGMENTS, V_SOLUTIONS, V_N };

struct probe {
	const struct wh_tokenizer *tok;
	const struct wh_segmenter *seg;
};

static void
measure(const void *ctx, const struct wh_trace *t, uint32_t *v)
{
	const struct probe *p = ctx;

	if (p->tok) {
		for (int f = 0; f < WH_NFIELDS; f++)
			v[V_TOKENS + f] = t->text[f]
			    ? (uint32_t)wh_tokenizer_count(p->tok, t->text[f], t->len[f]) : 0;
		v[V_TOTAL] = v[V_TOKENS + WH_THINKING] + v[V_TOKENS + WH_ANSWER];
	}
	if (p->seg && t->text[WH_THINKING]) {
		struct wh_segmentation g;
		struct wh_segment_input in = {
			t->text[WH_THINKING], t->len[WH_THINKING],
			t->text[WH_QUESTION], t->len[WH_QUESTION],
			t->text[WH_ANSWER], t->len[WH_ANSWER],
			t->text[WH_GOLD], t->len[WH_GOLD],
		};
		wh_segment_trace(p->seg, &in, &g);
		v[V_SEGMENTS] = (uint32_t)g.n_segs;
		v[V_SOLUTIONS] = (uint32_t)g.n_sols;
		wh_segmentation_free(&g);
	}
}

/* Length summaries: characters, and tokens when counted (index WH_NFIELDS:
 * the total of thinking and answer); segments and solutions per trace. */
struct lengths {
	struct wh_summary chars[WH_NFIELDS];
	struct wh_summary tokens[WH_NFIELDS + 1];
	struct wh_summary segments, solutions;
	bool have_tokens, have_segments;
};

static void
summarize_all(const struct wh_scan_result *r, const struct probe *p,
    struct lengths *L)
{
	for (int f = 0; f < WH_NFIELDS; f++)
		wh_summarize(r->chars[f], r->records, &L->chars[f]);
	L->have_tokens = p->tok != NULL;
	L->have_segments = p->seg != NULL;
	if (L->have_tokens)
		for (int f = 0; f <= WH_NFIELDS; f++)
			wh_summarize(r->values[V_TOKENS + f], r->records, &L->tokens[f]);
	if (L->have_segments) {
		wh_summarize(r->values[V_SEGMENTS], r->records, &L->segments);
		wh_summarize(r->values[V_SOLUTIONS], r->records, &L->solutions);
	}
}

static const char *
length_name(int f)
{
	return f == WH_NFIELDS ? "total" : wh_field_name(f);
}

static void
print_json(struct wh_dataset *ds, const struct wh_scan_result *r,
    const struct wh_bad *bad, size_t n_bad, const struct lengths *L)
{
	cJSON *o = cJSON_CreateObject(), *b = cJSON_CreateArray();
	cJSON *chars = cJSON_CreateObject(), *notes = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "file", ds->path);
	cJSON_AddStringToObject(o, "container", wh_container_name(ds->index.kind));
	cJSON_AddBoolToObject(o, "gzip", ds->gzip);
	cJSON_AddNumberToObject(o, "bytes", (double)ds->map.size);
	if (ds->layout_known)
		cJSON_AddStringToObject(o, "layout", ds->layout.name);
	else
		cJSON_AddNullToObject(o, "layout");
	cJSON_AddNumberToObject(o, "records", (double)r->records);
	for (size_t i = 0; i < n_bad; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "line", bad[i].line);
		cJSON_AddStringToObject(e, "reason", bad[i].reason);
		cJSON_AddItemToArray(b, e);
	}
	cJSON_AddItemToObject(o, "bad", b);
	cJSON_AddNumberToObject(o, "generations", (double)r->generations);
	cJSON_AddNumberToObject(o, "with_question", (double)r->with_question);
	cJSON_AddNumberToObject(o, "with_thinking", (double)r->with_thinking);
	cJSON_AddNumberToObject(o, "with_answer", (double)r->with_answer);
	cJSON_AddNumberToObject(o, "with_gold", (double)r->with_gold);
	cJSON_AddNumberToObject(o, "truncated", (double)r->truncated);
	for (int f = 0; f < WH_GOLD; f++)
		cJSON_AddItemToObject(chars, wh_field_name(f), summary_json(&L->chars[f]));
	cJSON_AddItemToObject(o, "chars", chars);
	if (L->have_tokens) {
		cJSON *tokens = cJSON_CreateObject();
		for (int f = 0; f <= WH_NFIELDS; f++)
			if (f != WH_GOLD)
				cJSON_AddItemToObject(tokens, length_name(f),
				    summary_json(&L->tokens[f]));
		cJSON_AddItemToObject(o, "tokens", tokens);
	}
	if (L->have_segments) {
		cJSON_AddItemToObject(o, "segments", summary_json(&L->segments));
		cJSON_AddItemToObject(o, "solutions", summary_json(&L->solutions));
	}
	for (size_t i = 0; i < ds->n_notes; i++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(ds->notes[i]));
	cJSON_AddItemToObject(o, "notes", notes);
	char *text = cJSON_Print(o);
	puts(text);
	cJSON_free(text);
	cJSON_Delete(o);
}

static void
print_table(const char *unit, const struct wh_summary *sum, int last)
{
	printf("\n%-12s %9s %9s %9s %9s %9s %9s\n", unit, "mean", "min", "p50",
	    "p90", "p99", "max");
	for (int f = 0; f <= last; f++)
		if (f != WH_GOLD)
			printf("%-12s %9.0f %9u %9u %9u %9u %9u\n", length_name(f),
			    sum[f].mean, sum[f].min, sum[f].p50, sum[f].p90,
			    sum[f].p99, sum[f].max);
}

/* With no layout: the members of the first good record, for --map. */
static void
print_members(struct wh_dataset *ds)
{
	struct wh_json j = {0};
	struct wh_buf b = {0};
	long i = wh_dataset_nth_good(ds, 0);
	int n = 0;

	if (i < 0 || wh_dataset_parse(ds, (size_t)i, &j, NULL) < 0) {
		wh_json_free(&j);
		return;
	}
	for (long k = 1; k < (long)j.n; k = j.nodes[k + 1].next, n++) {
		if (n == 16) {
			wh_buf_adds(&b, ", ...");
			break;
		}
		if (n)
			wh_buf_adds(&b, ", ");
		wh_json_string(&j, k, &b);
	}
	if (n)
		printf("members      %.*s (record 1; map them with --map "
		    "question=/NAME,thinking=/NAME,...)\n", (int)b.len, b.data);
	wh_buf_free(&b);
	wh_json_free(&j);
}

static void
print_text(struct wh_dataset *ds, const struct wh_scan_result *r,
    const struct wh_bad *bad, size_t n_bad, const struct lengths *L)
{
	printf("file         %s (%s%s, %zu bytes)\n", ds->path,
	    ds->gzip ? "gzip, " : "", wh_container_name(ds->index.kind), ds->map.size);
	if (ds->layout_known)
		printf("layout       %s%s%s\n", ds->layout.name,
		    ds->layout.doc ? ": " : "", ds->layout.doc ? ds->layout.doc : "");
	else
		printf("layout       unknown: no built-in layout matches; give one with "
		    "--map (see whittle-formats(5))\n");
	printf("records      %zu good, %zu bad\n", r->records, n_bad);
	if (!ds->layout_known && r->records)
		print_members(ds);
	if (r->generations != r->records)
		printf("generations  %zu\n", r->generations);
	if (ds->layout_known && r->records) {
		printf("with         %zu question, %zu thinking, %zu answer, %zu gold\n",
		    r->with_question, r->with_thinking, r->with_answer, r->with_gold);
		printf("truncated    %zu (thinking opened and never closed)\n", r->truncated);
		print_table("characters", L->chars, WH_ANSWER);
		if (L->have_tokens)
			print_table("tokens", L->tokens, WH_NFIELDS);
		if (L->have_segments) {
			const struct wh_summary *g[2] = { &L->segments, &L->solutions };
			printf("\n%-12s %9s %9s %9s %9s %9s %9s\n", "per trace", "mean",
			    "min", "p50", "p90", "p99", "max");
			for (int k = 0; k < 2; k++)
				printf("%-12s %9.1f %9u %9u %9u %9u %9u\n",
				    k ? "solutions" : "segments", g[k]->mean, g[k]->min,
				    g[k]->p50, g[k]->p90, g[k]->p99, g[k]->max);
		}
	}
	if (n_bad) {
		printf("\nbad records:\n");
		for (size_t i = 0; i < n_bad && i < SHOW_BAD; i++)
			printf("  %s:%u: %s\n", ds->path, bad[i].line, bad[i].reason);
		if (n_bad > SHOW_BAD)
			printf("  ... and %zu more (--json lists all)\n", n_bad - SHOW_BAD);
	}
}

static int
stats_exec(const struct wh_cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		WH_CLI_COMMON_LONGOPTS,
		{ "layouts", no_argument, NULL, 'l' },
		{ "segments", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct wh_cli_common o = {0};
	struct wh_dataset *ds;
	struct wh_scan_result r;
	struct lengths L;
	struct wh_tokenizer *tok;
	struct wh_segmenter *seg = NULL;
	struct wh_error err;
	bool segments = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":" WH_CLI_COMMON_SHORTOPTS "s", longopts, NULL)) != -1) {
		int k = wh_cli_common_opt(self, &o, c, optarg);
		if (k < 0)
			return WH_EXIT_USAGE;
		if (k == 0 && c == 'l') {
			print_layouts();
			return WH_EXIT_OK;
		}
		if (k == 0 && c == 's') {
			segments = true;
			continue;
		}
		if (k == 0)
			return wh_cli_bad_option(self, c, argv);
	}
	if (o.help)
		return wh_cli_help(self);
	if (argc - optind != 1)
		return wh_cli_usage(self, "stats takes one FILE");
	if (wh_cli_tokenizer(&o, &tok) < 0)
		return WH_EXIT_ERROR;
	if (segments && wh_segmenter_new(&seg, wh_segment_default_rules(), &err) < 0) {
		wh_cli_error(&err);
		wh_tokenizer_free(tok);
		return WH_EXIT_ERROR;
	}
	/* The scan indexes what the first 4 MB leave (wh_scan_run): one pass
	   over a big file, not two. The layout is found in those 4 MB, as the
	   workbench finds it. */
	o.index_prefix = (size_t)4 << 20;
	if (wh_cli_open(argv[optind], &o, &ds) < 0) {
		wh_tokenizer_free(tok);
		wh_segmenter_free(seg);
		return WH_EXIT_ERROR;
	}
	struct probe p = { tok, seg };
	struct wh_scan_probe probe = { measure, &p, V_N };
	wh_scan_run(ds, &r, o.threads, tok || seg ? &probe : NULL, wh_cli_progress,
	    "scanning");
	summarize_all(&r, &p, &L);
	size_t n_bad;
	struct wh_bad *bad = wh_dataset_bad(ds, &n_bad);
	if (o.json)
		print_json(ds, &r, bad, n_bad, &L);
	else
		print_text(ds, &r, bad, n_bad, &L);
	free(bad);
	wh_scan_free(&r);
	wh_tokenizer_free(tok);
	wh_segmenter_free(seg);
	wh_dataset_close(ds);
	return WH_EXIT_OK;
}

const struct wh_cmd wh_cmd_stats = {
	"stats", "count records, detect the layout, list bad records, lengths",
	"usage: whittle stats [OPTIONS] FILE\n"
	"\n"
	"Read every record of FILE and report how many there are, which layout\n"
	"they have, which records could not be read (with line and reason) and\n"
	"the lengths of question, thinking and answer in characters.\n"
	"\n"
	"  --json          one JSON object: records, bad[{line,reason}], layout, ...\n"
	"  --map SPEC      map fields by JSON pointer: question=/problem,thinking=/gen/0\n"
	"  --layout NAME   use a built-in layout instead of detecting one\n"
	"  --layouts       list the built-in layouts\n"
	"  --tokenizer PATH  also count tokens with a Hugging Face tokenizer.json:\n"
	"                  question, thinking, answer, and total (thinking+answer)\n"
	"  -s, --segments  also segment each thinking (whittle-analysis(7)): segments\n"
	"                  and solution attempts per trace\n"
	"  -j, --threads N read with N threads (default: one per core)\n"
	"  -h, --help      this help\n",
	stats_exec
};
