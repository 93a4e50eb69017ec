/* The segmenter's and the answer extraction's whole output on every real
 * trace of ../shared/data, held to a digest per file: a change that makes
 * them faster must not change a byte of what they find. When the heuristics
 * change on purpose, the failure prints the new digests to paste here. */
#include <stdint.h>

#include "unit.h"
#include "whittle/answer.h"
#include "whittle/dataset.h"
#include "whittle/segment.h"

struct expect {
	const char *file;
	const char *digest;	/* FNV-1a 64 of every record's output */
};

static const struct expect expected[] = {
	{ "HuangZhen02__longCOT-example/aime2024_gemini-2.0-flash-thinking.jsonl", "15aabf753bdd0e62" },
	{ "HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl", "66abda480d715c0b" },
	{ "HuangZhen02__longCOT-example/limo_official-solution.jsonl", "3a0722365b217e1f" },
	{ "HuangZhen02__longCOT-example/limo_qwen2.5-32b-instruct.jsonl", "21b930aadd2ba80f" },
	{ "NovaSky-AI__SkyThought/math500_test.jsonl", "5218518e50629f12" },
	{ "NovaSky-AI__SkyThought/qwen2.5-14b-instruct_shortcot_math500.jsonl", "8455e6e6d2bb9eda" },
	{ "NovaSky-AI__SkyThought/skyt1_math-corrupt-0.2-32B_amc23.jsonl", "6d68069288dc5965" },
	{ "NovaSky-AI__SkyThought/skyt1_math-correct-5K-14B_amc23.jsonl", "fb6f21af045328ed" },
	{ "NovaSky-AI__SkyThought/skyt1_math-correct-5K-27B_math500.jsonl", "96bf61556334b55c" },
	{ "NovaSky-AI__SkyThought/skyt1_math-wrong-5K-14B_aime24.jsonl", "61b8ede56dd6bc56" },
	{ "markyx316__LLM-Reasoning-Trace-Topology/math500_deepseek_r1.jsonl", "3d30b044a5174069" },
	{ "markyx316__LLM-Reasoning-Trace-Topology/math500_deepseek_r1_parsed.jsonl", "3d30b044a5174069" },
	{ "markyx316__LLM-Reasoning-Trace-Topology/pilot_math500_qwen7b.jsonl", "8746e60ede572990" },
	{ "openai__grade-school-math/example_model_solutions.jsonl", "9cb2565e6e7dd586" },
	{ "openai__grade-school-math/test.jsonl", "cd382a616e8281ee" },
	{ "openai__grade-school-math/test_socratic.jsonl", "f8af0265443e254c" },
	{ "openreasoner__openr/samples_math-aps.jsonl", "29daba0a7a242b15" },
	{ "openreasoner__openr/samples_prm800k.jsonl", "e8bb0ed5cbafdd81" },
};

static uint64_t
fnv(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

/* The digest of every record of path: segment JSON and the final answer;
 * traces counts those with a thinking to segment. */
static int
digest(const char *path, const struct wh_segmenter *seg, uint64_t *h, size_t *traces)
{
	struct wh_open_opts opts = {0};
	struct wh_dataset *ds;
	struct wh_error err;

	*h = 14695981039346656037ull;
	*traces = 0;
	if (wh_dataset_open(&ds, path, &opts, &err) < 0) {
		fprintf(stderr, "%s: %s\n", path, err.msg);
		return -1;
	}
	for (size_t i = 0; i < wh_dataset_entries(ds); i++) {
		uint32_t n_gen = 1;
		for (uint32_t gen = 0; gen < n_gen; gen++) {
			struct wh_trace t;
			struct wh_segmentation g;
			struct wh_answer a;
			struct wh_buf out = {0};
			if (wh_dataset_trace(ds, i, gen, &t, &err) < 0)
				break;
			n_gen = t.n_generations;
			if (t.text[WH_THINKING]) {
				(*traces)++;
				struct wh_segment_input in = { t.text[WH_THINKING],
					t.len[WH_THINKING], t.text[WH_QUESTION], t.len[WH_QUESTION],
					t.text[WH_ANSWER], t.len[WH_ANSWER], t.text[WH_GOLD],
					t.len[WH_GOLD] };
				wh_segment_trace(seg, &in, &g);
				wh_segment_json(&g, in.thinking, NULL, &out);
				wh_segmentation_free(&g);
			}
			const char *from = wh_answer_of_trace(&t, &a);
			wh_buf_printf(&out, "|%s|", wh_answer_rule_name(a.rule));
			if (from)
				wh_buf_add(&out, from + a.start, a.end - a.start);
			*h = fnv(*h, out.data, out.len);
			wh_buf_free(&out);
			wh_trace_free(&t);
		}
	}
	wh_dataset_close(ds);
	return 0;
}

int
main(void)
{
	char datadir[4096], path[8192], got[32];
	struct wh_segmenter *seg;
	struct wh_error err;

	if (unit_data_dir(datadir, sizeof datadir) < 0)
		return 77;
	if (wh_segmenter_new(&seg, wh_segment_default_rules(), &err) < 0)
		return 1;
	for (size_t k = 0; k < sizeof expected / sizeof expected[0]; k++) {
		uint64_t h;
		size_t traces;
		snprintf(path, sizeof path, "%s/%s", datadir, expected[k].file);
		CHECK(digest(path, seg, &h, &traces) == 0);
		snprintf(got, sizeof got, "%016llx", (unsigned long long)h);
		if (strcmp(got, expected[k].digest) != 0)
			fprintf(stderr, "\t{ \"%s\", \"%s\" },\t/* was %s */\n",
			    expected[k].file, got, expected[k].digest);
		CHECK(traces > 0);
		CHECK(strcmp(got, expected[k].digest) == 0);
	}
	wh_segmenter_free(seg);
	return unit_done("segment-data");
}
