/* Answer extraction and equivalence measured on the real data in
 * ../shared/data: reference solutions of MATH-500 and GSM8K must give their
 * stored answers for every record; agreement with the verdicts that files
 * carry from their own graders is reported and held above a floor. */
#include "unit.h"
#include "whittle/answer.h"
#include "whittle/dataset.h"

static char datadir[4096];

static struct wh_dataset *
open_data(const char *name)
{
	struct wh_open_opts opts = {0};
	struct wh_dataset *ds;
	struct wh_error err;
	char path[8192];

	snprintf(path, sizeof path, "%s/%s", datadir, name);
	if (wh_dataset_open(&ds, path, &opts, &err) < 0) {
		fprintf(stderr, "%s: %s\n", path, err.msg);
		CHECK(!"data file opens");
		return NULL;
	}
	return ds;
}

/* The string at pointer ptr of entry i into out; false if absent. */
static bool
field(struct wh_dataset *ds, size_t i, struct wh_json *j, const char *ptr,
    struct wh_buf *out)
{
	struct wh_error err;
	long node;

	wh_buf_clear(out);
	if (wh_dataset_parse(ds, i, j, &err) < 0 ||
	    (node = wh_json_pointer(j, ptr)) < 0 || j->nodes[node].type != WH_JSTRING)
		return false;
	wh_json_string(j, node, out);
	return true;
}

/* MATH-500: the last \boxed of each solution against the answer field. */
static void
math500(void)
{
	struct wh_dataset *ds = open_data("NovaSky-AI__SkyThought/math500_test.jsonl");
	struct wh_buf sol = {0}, ans = {0};
	struct wh_json j = {0};
	size_t n = 0, exact = 0, equal = 0;

	if (!ds)
		return;
	for (size_t i = 0; i < wh_dataset_entries(ds); i++) {
		struct wh_answer a;
		if (!field(ds, i, &j, "/answer", &ans) || !field(ds, i, &j, "/solution", &sol))
			continue;
		n++;
		if (wh_answer_extract(sol.data, sol.len, WH_ANSWER_ALL, &a) != WH_ANSWER_BOXED)
			continue;
		exact += a.end - a.start == ans.len &&
		    memcmp(sol.data + a.start, ans.data, ans.len) == 0;
		if (wh_answer_equiv(sol.data + a.start, a.end - a.start, ans.data,
		    ans.len) == WH_VERDICT_EQUAL)
			equal++;
		else
			fprintf(stderr, "math500 record %zu: extracted \"%.*s\", stored \"%s\"\n",
			    i + 1, (int)(a.end - a.start), sol.data + a.start, ans.data);
	}
	printf("MATH-500: %zu records, extracted answer equivalent to the stored one: "
	    "%zu (%.1f%%), byte-identical: %zu\n", n, equal, 100.0 * equal / n, exact);
	CHECK(n == 500);
	CHECK(equal == n);
	wh_buf_free(&sol);
	wh_buf_free(&ans);
	wh_json_free(&j);
	wh_dataset_close(ds);
}

/* GSM8K: "#### N" of each raw answer against the gold the data layer
 * derives, and the last number of the steps (the CODI fallback) too. */
static void
gsm8k(const char *name, size_t records)
{
	struct wh_dataset *ds = open_data(name);
	struct wh_buf raw = {0};
	struct wh_json j = {0};
	size_t n = 0, equal = 0, steps_equal = 0;

	if (!ds)
		return;
	for (size_t i = 0; i < wh_dataset_entries(ds); i++) {
		struct wh_trace t;
		struct wh_error err;
		struct wh_answer a;
		if (!field(ds, i, &j, "/answer", &raw) ||
		    wh_dataset_trace(ds, i, 0, &t, &err) < 0)
			continue;
		n++;
		if (t.text[WH_GOLD] &&
		    wh_answer_extract(raw.data, raw.len, WH_ANSWER_ALL, &a) == WH_ANSWER_HASH &&
		    wh_answer_equiv(raw.data + a.start, a.end - a.start, t.text[WH_GOLD],
		    t.len[WH_GOLD]) == WH_VERDICT_EQUAL)
			equal++;
		else
			fprintf(stderr, "%s record %zu: no #### answer equal to the gold\n",
			    name, i + 1);
		if (t.text[WH_THINKING] && t.text[WH_GOLD] &&
		    wh_answer_extract(t.text[WH_THINKING], t.len[WH_THINKING],
		    WH_ANSWER_ALL, &a) == WH_ANSWER_NUMBER &&
		    wh_answer_equiv(t.text[WH_THINKING] + a.start, a.end - a.start,
		    t.text[WH_GOLD], t.len[WH_GOLD]) == WH_VERDICT_EQUAL)
			steps_equal++;
		wh_trace_free(&t);
	}
	printf("%s: %zu records, #### answer equal to the stored answer: %zu (%.1f%%); "
	    "last number of the steps alone: %zu (%.1f%%)\n", name, n, equal,
	    100.0 * equal / n, steps_equal, 100.0 * steps_equal / n);
	CHECK(n == records);
	CHECK(equal == n);
	CHECK(steps_equal > n * 9 / 10);
	wh_buf_free(&raw);
	wh_json_free(&j);
	wh_dataset_close(ds);
}

/* A file whose records carry its own grader's verdict at pointer ptr: how
 * often ours (equal / different) agrees with it. */
static void
verdicts(const char *name, const char *ptr, double floor)
{
	struct wh_dataset *ds = open_data(name);
	struct wh_json j = {0};
	size_t n = 0, agree = 0, unknown = 0, shown = 0;

	if (!ds)
		return;
	for (size_t i = 0; i < wh_dataset_entries(ds); i++) {
		struct wh_trace t;
		struct wh_error err;
		struct wh_answer a, g;
		long node;
		if (wh_dataset_parse(ds, i, &j, &err) < 0 || (node = wh_json_pointer(&j, ptr)) < 0)
			continue;
		bool theirs = j.nodes[node].type == WH_JTRUE;
		if (wh_dataset_trace(ds, i, 0, &t, &err) < 0)
			continue;
		const char *src = wh_answer_of_trace(&t, &a);
		const char *gold = t.text[WH_GOLD];
		enum wh_verdict v = WH_VERDICT_DIFFERENT;
		if (src && gold && wh_answer_of_gold(gold, t.len[WH_GOLD], &g))
			v = wh_answer_equiv(src + a.start, a.end - a.start, gold + g.start,
			    g.end - g.start);
		n++;
		if (v == WH_VERDICT_UNKNOWN)
			unknown++;
		else if ((v == WH_VERDICT_EQUAL) == theirs)
			agree++;
		else if (shown++ < 5)
			fprintf(stderr, "  %s record %zu: ours %s (%s \"%.*s\"), theirs %s, gold \"%s\"\n",
			    name, i + 1, wh_verdict_name(v), wh_answer_rule_name(a.rule),
			    (int)(a.end - a.start > 80 ? 80 : a.end - a.start),
			    src ? src + a.start : "", theirs ? "correct" : "wrong",
			    gold ? gold : "");
		wh_trace_free(&t);
	}
	printf("%s: %zu records with a verdict; ours agrees on %zu (%.1f%%), "
	    "unknown %zu, disagrees %zu\n", name, n, agree, 100.0 * agree / n,
	    unknown, n - agree - unknown);
	CHECK(n > 0);
	CHECK(agree >= floor * n);
	wh_json_free(&j);
	wh_dataset_close(ds);
}

int
main(void)
{
	if (unit_data_dir(datadir, sizeof datadir) < 0)
		return 77;
	math500();
	gsm8k("openai__grade-school-math/test.jsonl", 1319);
	gsm8k("openai__grade-school-math/train.jsonl", 7473);
	verdicts("NovaSky-AI__SkyThought/qwen2.5-14b-instruct_shortcot_math500.jsonl", "/score/0", 0.95);
	verdicts("NovaSky-AI__SkyThought/skyt1_math-correct-5K-27B_math500.jsonl", "/score/0", 0.9);
	verdicts("NovaSky-AI__SkyThought/skyt1_math-correct-5K-14B_amc23.jsonl", "/score/0", 0.9);
	/* Its grader misses \dfrac = \frac, 90 = 90^\circ, 14/3 = \frac{14}{3}
	 * and \text{Evelyn} = Evelyn: the four disagreements are its errors. */
	verdicts("markyx316__LLM-Reasoning-Trace-Topology/math500_deepseek_r1.jsonl", "/is_correct", 0.7);
	verdicts("markyx316__LLM-Reasoning-Trace-Topology/pilot_math500_qwen7b.jsonl", "/is_correct", 0.8);
	verdicts("HuangZhen02__longCOT-example/aime2024_gemini-2.0-flash-thinking.jsonl", "/is_correct", 0.9);
	verdicts("openai__grade-school-math/example_model_solutions.jsonl", "/175b_finetuning/is_correct", 0.95);
	return unit_done("answer-data");
}
