/* Fuzz target for reading records (clang -fsanitize=fuzzer; `make
 * fuzz-records`): the input is a dataset file's bytes; it is indexed, every
 * record parsed, mapped and measured through every layout that matches.
 * Built with FUZZ_REPLAY it is a unit test that feeds the bundled demo
 * files, cut short and mutated by a seeded generator, and hand-made hard
 * cases through it. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/container.h"
#include "whittle/file.h"
#include "whittle/json.h"
#include "whittle/layout.h"
#include "whittle/utf8.h"

/* What must hold for every parsed record. */
static void
check_record(const struct wh_json *j)
{
	struct wh_buf b = {0}, q = {0};
	struct wh_json back = {0};
	struct wh_jerror e;

	for (uint32_t i = 0; i < j->n; i++) {
		const struct wh_jnode *n = &j->nodes[i];
		if (n->start > n->end || n->end > j->len || n->next <= i || n->next > j->n)
			abort();
		if (n->type != WH_JSTRING)
			continue;
		wh_buf_clear(&b);
		wh_json_string(j, i, &b);
		if (wh_utf8_valid_prefix(b.data, b.len) != b.len)
			abort();
		if (n->count != wh_utf8_count(b.data ? b.data : "", b.len))
			abort();
		/* Quoting the decoded text parses back to the same text. */
		wh_buf_clear(&q);
		wh_json_quote(&q, b.data, b.len);
		if (wh_json_parse(&back, q.data, q.len, &e) < 0)
			abort();
		struct wh_buf again = {0};
		wh_json_string(&back, 0, &again);
		if (again.len != b.len || memcmp(again.data ? again.data : "", b.data ? b.data : "", b.len))
			abort();
		wh_buf_free(&again);
	}
	for (const struct wh_layout *l = wh_layouts(); l->name[0]; l++) {
		if (!wh_layout_matches(l, j))
			continue;
		uint32_t gens = wh_layout_generations(l, j);
		for (uint32_t g = 0; g < (gens ? gens : 1) && g < 3; g++) {
			struct wh_trace t;
			struct wh_error err;
			if (wh_layout_map(l, j, g, &t, &err) < 0)
				continue;
			for (int f = 0; f < WH_NFIELDS; f++)
				if (t.text[f] && wh_utf8_valid_prefix(t.text[f], t.len[f]) != t.len[f])
					abort();
			/* Measuring says what mapping and counting say. */
			struct wh_trace_size z;
			if (g == 0 && wh_layout_measure(l, j, &z, &err) < 0)
				abort();
			for (int f = 0; g == 0 && f < WH_NFIELDS; f++)
				if (z.present[f] != (t.text[f] != NULL) || (t.text[f] &&
				    z.chars[f] != wh_utf8_count(t.text[f], t.len[f])))
					abort();
			wh_trace_free(&t);
		}
	}
	wh_buf_free(&b);
	wh_buf_free(&q);
	wh_json_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct wh_index ix;
	struct wh_json j = {0}, one = {0};
	struct wh_jerror e;

	wh_index_build(&ix, text, size, 1 + (int)(size & 1));
	for (size_t i = 0; i < ix.n; i++) {
		const struct wh_entry *en = &ix.entries[i];
		if (en->start + en->len > size)
			abort();
		bool whole = wh_json_parse(&j, text + en->start, en->len, &e) == 0;
		if (whole)
			check_record(&j);
		else if (e.offset > en->len)
			abort();
		/* Reading a line as the scan does, from its start to the end of
		   the file, takes what the index's line holds, and ends where
		   the line ends. */
		const char *nl = memchr(text + en->start, '\n', size - en->start);
		size_t line_len = 0, to_nl = nl ? (size_t)(nl - text) - en->start : size - en->start;
		if (ix.kind == WH_CONT_JSONL && (wh_json_parse_line(&one, text + en->start,
		    size - en->start, &line_len, &e) == 0) != whole)
			abort();
		if (ix.kind == WH_CONT_JSONL && whole && line_len != to_nl)
			abort();
	}
	wh_json_free(&j);
	wh_json_free(&one);
	wh_index_free(&ix);
	return 0;
}

#ifdef FUZZ_REPLAY
#include "fuzz-replay.h"

static void
run(const char *p, size_t n)
{
	LLVMFuzzerTestOneInput((const uint8_t *)p, n);
}

int
main(void)
{
	static const char *const hard[] = {
		"[", "{", "\"", "[{\"a\":1},", "{\"a\":\"\\ud800\\udc00\\ud800\"}",
		"\xEF\xBB\xBF[\n {\"q\": 1},\n oops\n {\"q\": 2}\n]",
		"{\"conversations\":[{\"from\":\"gpt\",\"value\":\"<think>a</think><|begin_of_solution|>\"}]}",
		"{\"problem\":\"p\",\"generations\":[[],{},\"<think>\",\"</think>\"]}",
		"{\"label\":{\"steps\":[{\"completions\":[],\"chosen_completion\":99}]},\"question\":{}}",
		"{\"question\":\"q\",\"answer\":\"\\n#### \"}",
		"{\n\"a\": 1\n}\n{\n\"a\": \n}\n{",
	};
	static const char *const files[] = { "demo-openthoughts.jsonl", "demo-r1-messages.jsonl" };
	int cases = 0;

	for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++, cases++)
		run(hard[i], strlen(hard[i]));
	for (int f = 0; f < 2; f++) {
		char path[4096];
		struct wh_map m;
		struct wh_error err;
		snprintf(path, sizeof path, "%s/examples/%s", WH_SRCDIR, files[f]);
		if (wh_map_open(&m, path, &err) < 0) {
			fprintf(stderr, "%s: %s\n", path, err.msg);
			return 1;
		}
		char *copy = malloc(m.size);
		for (int k = 0; k < 150; k++, cases++) {
			size_t n = next_random() % m.size;
			memcpy(copy, m.data, n);
			for (int flips = (int)(next_random() % 8); flips > 0 && n; flips--)
				copy[next_random() % n] = (char)next_random();
			run(copy, n);
		}
		run(m.data, m.size);
		free(copy);
		wh_map_close(&m);
	}
	printf("fuzz-records replay: %d cases, no fault\n", cases);
	return 0;
}
#endif
