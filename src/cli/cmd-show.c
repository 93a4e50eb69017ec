/* whittle show: one record as a trace (question, thinking, answer, gold). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "whittle/overrides.h"
#include "whittle/segment.h"
#include "whittle/tokenizer.h"

/* Segment t's thinking (entry of ds) with the default rules and the
 * overrides set by hand in the workbench; false when it has none. */
static bool
segment(const struct wh_dataset *ds, size_t entry, const struct wh_trace *t,
    struct wh_segmentation *g)
{
	struct wh_segmenter *seg;
	struct wh_overrides ov;
	struct wh_error err;

	if (t->text[WH_THINKING] == NULL ||
	    wh_segmenter_new(&seg, wh_segment_default_rules(), &err) < 0)
		return false;
	struct wh_segment_input in = {
		t->text[WH_THINKING], t->len[WH_THINKING],
		t->text[WH_QUESTION], t->len[WH_QUESTION],
		t->text[WH_ANSWER], t->len[WH_ANSWER],
		t->text[WH_GOLD], t->len[WH_GOLD],
	};
	wh_segment_trace(seg, &in, g);
	wh_segmenter_free(seg);
	if (wh_overrides_load(&ov, ds->path, &err) < 0)
		wh_cli_error(&err);
	else
		wh_overrides_apply(&ov, entry, t->text[WH_THINKING], g);
	wh_overrides_free(&ov);
	return true;
}

/* Token counts of each field (0 when absent) and their total. */
static void
count_fields(const struct wh_tokenizer *tok, const struct wh_trace *t,
    size_t counts[WH_NFIELDS])
{
	for (int f = 0; f < WH_NFIELDS; f++)
		counts[f] = t->text[f] ? wh_tokenizer_count(tok, t->text[f], t->len[f]) : 0;
}

static void
print_json(const struct wh_dataset *ds, long n, size_t entry,
    const struct wh_trace *t, const struct wh_tokenizer *tok, bool segments)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "record", n);
	cJSON_AddNumberToObject(o, "line", ds->index.entries[entry].line);
	cJSON_AddStringToObject(o, "layout", ds->layout.name);
	cJSON_AddNumberToObject(o, "generation", t->generation);
	cJSON_AddNumberToObject(o, "generations", t->n_generations);
	for (int f = 0; f < WH_NFIELDS; f++) {
		if (t->text[f])
			cJSON_AddStringToObject(o, wh_field_name(f), t->text[f]);
		else
			cJSON_AddNullToObject(o, wh_field_name(f));
	}
	cJSON_AddBoolToObject(o, "thinking_closed", t->think_closed || !t->think_open);
	if (tok) {
		size_t k[WH_NFIELDS];
		cJSON *tokens = cJSON_CreateObject();
		count_fields(tok, t, k);
		for (int f = 0; f < WH_NFIELDS; f++)
			cJSON_AddNumberToObject(tokens, wh_field_name(f), (double)k[f]);
		cJSON_AddNumberToObject(tokens, "total", (double)(k[WH_THINKING] + k[WH_ANSWER]));
		cJSON_AddItemToObject(o, "tokens", tokens);
	}
	struct wh_segmentation g;
	if (segments && segment(ds, entry, t, &g)) {
		struct wh_buf b = {0};
		wh_segment_json(&g, t->text[WH_THINKING], tok, &b);
		cJSON *parts = cJSON_ParseWithLength(b.data, b.len), *item, *next;
		for (item = parts ? parts->child : NULL; item; item = next) {
			next = item->next;
			cJSON_AddItemToObject(o, item->string,
			    cJSON_DetachItemViaPointer(parts, item));
		}
		cJSON_Delete(parts);
		wh_buf_free(&b);
		wh_segmentation_free(&g);
	} else if (segments) {	/* no thinking: no parts, the same members */
		cJSON_AddItemToObject(o, "segments", cJSON_CreateArray());
		cJSON_AddItemToObject(o, "solutions", cJSON_CreateArray());
	}
	char *text = cJSON_Print(o);
	puts(text);
	cJSON_free(text);
	cJSON_Delete(o);
}

static void
print_text(const struct wh_dataset *ds, long n, size_t entry,
    const struct wh_trace *t, const struct wh_tokenizer *tok, bool segments)
{
	size_t k[WH_NFIELDS] = {0};

	if (tok)
		count_fields(tok, t, k);
	printf("record %ld (line %u) · layout %s", n, ds->index.entries[entry].line,
	    ds->layout.name);
	if (t->n_generations > 1)
		printf(" · generation %u of %u (0-based)", t->generation, t->n_generations);
	putchar('\n');
	for (int f = 0; f < WH_NFIELDS; f++) {
		printf("\n── %s", wh_field_name(f));
		if (tok && t->text[f])
			printf(" (%zu tokens)", k[f]);
		if (f == WH_THINKING && t->think_open && !t->think_closed)
			printf(" (never closed: truncated)");
		printf(" ──\n");
		struct wh_segmentation g;
		if (f == WH_THINKING && segments && segment(ds, entry, t, &g)) {
			struct wh_buf b = {0};
			wh_segment_print(&g, t->text[f], tok, 100, &b);
			fwrite(b.data, 1, b.len, stdout);
			wh_buf_free(&b);
			wh_segmentation_free(&g);
		} else if (t->text[f]) {
			fwrite(t->text[f], 1, t->len[f], stdout);
			putchar('\n');
		} else
			printf("(none)\n");
	}
}

static int
show_exec(const struct wh_cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		WH_CLI_COMMON_LONGOPTS,
		{ "generation", required_argument, NULL, 'g' },
		{ "raw", no_argument, NULL, 'r' },
		{ "segments", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	struct wh_cli_common o = {0};
	struct wh_dataset *ds;
	struct wh_trace t;
	struct wh_error err;
	long gen = 0;
	bool raw = false, segments = false;
	struct wh_tokenizer *tok;
	int c, rc = WH_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":" WH_CLI_COMMON_SHORTOPTS "g:rs", longopts, NULL)) != -1) {
		int k = wh_cli_common_opt(self, &o, c, optarg);
		if (k < 0)
			return WH_EXIT_USAGE;
		if (k == 1)
			continue;
		if (c == 'g') {
			gen = strcmp(optarg, "0") == 0 ? 0 : wh_cli_positive(optarg);
			if (gen < 0)
				return wh_cli_usage(self, "--generation %s: give 0, 1, ...", optarg);
		} else if (c == 'r')
			raw = true;
		else if (c == 's')
			segments = true;
		else
			return wh_cli_bad_option(self, c, argv);
	}
	if (o.help)
		return wh_cli_help(self);
	if (argc - optind != 2)
		return wh_cli_usage(self, "show takes FILE and a record number");
	long n = wh_cli_positive(argv[optind + 1]);
	if (n < 0)
		return wh_cli_usage(self, "'%s' is not a record number (1, 2, ...)",
		    argv[optind + 1]);
	if (wh_cli_tokenizer(&o, &tok) < 0)
		return WH_EXIT_ERROR;
	if (wh_cli_open(argv[optind], &o, &ds) < 0) {
		wh_tokenizer_free(tok);
		return WH_EXIT_ERROR;
	}
	long entry = wh_dataset_nth_good(ds, (size_t)n - 1);
	if (entry < 0) {
		wh_error_set(&err, ds->path, 0, "no record %ld: the file has fewer good records", n);
		wh_cli_error(&err);
		wh_dataset_close(ds);
		wh_tokenizer_free(tok);
		return WH_EXIT_ERROR;
	}
	if (raw || !ds->layout_known) {
		const char *p;
		size_t len;
		if (!raw)
			fprintf(stderr, "whittle: %s: no known layout; printing the record "
			    "as it is (see --map)\n", ds->path);
		wh_dataset_bytes(ds, (size_t)entry, &p, &len);
		fwrite(p, 1, len, stdout);
		putchar('\n');
	} else if (wh_dataset_trace(ds, (size_t)entry, (uint32_t)gen, &t, &err) < 0) {
		wh_cli_error(&err);
		rc = WH_EXIT_ERROR;
	} else {
		if (o.json)
			print_json(ds, n, (size_t)entry, &t, tok, segments);
		else
			print_text(ds, n, (size_t)entry, &t, tok, segments);
		wh_trace_free(&t);
	}
	wh_dataset_close(ds);
	wh_tokenizer_free(tok);
	return rc;
}

const struct wh_cmd wh_cmd_show = {
	"show", "print one record as a trace",
	"usage: whittle show [OPTIONS] FILE N\n"
	"\n"
	"Print record N of FILE (1-based, counting the good records) as a trace:\n"
	"question, thinking, answer and gold.\n"
	"\n"
	"  --json            one JSON object: question, thinking, answer, gold, ...\n"
	"  -g, --generation K  for records holding several generations, the K-th\n"
	"                    (0-based, as in the record's array; default 0)\n"
	"  -r, --raw         print the record's JSON exactly as it is in the file\n"
	"  --tokenizer PATH  also count each field's tokens (tokenizer.json)\n"
	"  -s, --segments    the thinking as segments (role, solution, flags) and\n"
	"                    its solution attempts; with --json, segments[] and\n"
	"                    solutions[] with byte offsets into thinking; roles and\n"
	"                    solutions set by hand (FILE.segments) apply\n"
	"  --map SPEC        map fields by JSON pointer (see whittle-formats(5))\n"
	"  --layout NAME     use a built-in layout instead of detecting one\n"
	"  -h, --help        this help\n",
	show_exec
};
