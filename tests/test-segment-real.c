/* The ten real traces of tests/analysis/traces.jsonl, inspected by hand:
 * each one's segmentation summarised and compared with what was accepted,
 * with notes on where the heuristics agree and disagree with a reader.
 * Summary: roles run-length (r u e v c), then per attempt
 * role:label[:answer][:R<same_as>][:M]. */
#include "unit.h"
#include "whittle/dataset.h"
#include "whittle/segment.h"

struct expect {
	const char *summary;
	const char *note;	/* the hand inspection */
};

static const struct expect expected[10] = {
	/* 1. limo R1-distill #3, checkerboard s/r (gold 125). */
	{ "r5 u3 e77 v38 c2 | e:incomplete:204:M e:correct:125:M v:correct:125:R2 "
	  "v:incomplete:204:R1 v:correct:125",
	  "agree: restatement, the understanding before C(9,2), explore ending at "
	  "m+n=125, the formula re-check after 'Alternatively', the two re-checks "
	  "of 204 and 125 marked redundant. disagree: attempt 1 is not a separate "
	  "solution but the first half (computing s) of the same one; DLCoT would "
	  "call 62-85 its continuation, not a new approach, because 'Alternatively' "
	  "there only re-derives s." },
	/* 2. limo R1-distill #99, geometric sequence, switches to Chinese. */
	{ "r4 u2 e103 v41 c2 | e:incomplete:2k + 1:M e:incomplete:2k+1:M e:correct:46:M v:correct:46:R3",
	  "agree: restate (4), explore to 'the number of ordered pairs is 46', "
	  "the long verify re-deriving 46 is redundant with the last attempt; the "
	  "Chinese clause (我们现在用的条件是) is kept inside its sentence. "
	  "disagree: attempts 1-2 end at 'y = 2k+1', an intermediate step, shown "
	  "as their answer (labelled incomplete, which is right)." },
	/* 3. R1 API, MATH-500 #1 polar coordinates. */
	{ "r2 e9 v9 | e:correct:(3, π/2):M v:correct:(3, π/2) v:incomplete",
	  "agree: restatement, explore ends at 'Thus the polar coordinates are "
	  "(3, π/2)' which equals \\left( 3, \\frac{\\pi}{2} \\right); the answer "
	  "formatting talk is verification. disagree: 'Alternatively, we can write "
	  "it as (3, pi/2)' is formatting, not a new approach." },
	/* 4. R1-Distill-Qwen-7B, MATH-500 #5 (gold \\text{Evelyn}). */
	{ "r3 u2 e175 c2 | e:incomplete e:incomplete:1.2235 e:incomplete:5.2 e:incomplete:1",
	  "agree: no attempt reaches Evelyn in words, so none is correct; the "
	  "trace never verifies. disagree: the numeric slopes it computes (1.2235, "
	  "5.2) are shown as attempt answers; they are intermediate values." },
	/* 5. Sky-T1 27B, MATH-500 #26, answer part truncated (gold -2,1). */
	{ "u2 e176 c2 | e:incomplete:n^2 + n - 2 e:incomplete:-2",
	  "agree: the conclusion is the **Final Answer** \\boxed{-2,1}. disagree: "
	  "explore never ends because the solutions n = 1 and n = -2 are stated "
	  "one by one, never as the set the gold is; no verify part is found." },
	/* 6. Sky-T1 corrupt-0.2, AMC23 #1, Alicia and Beth (gold 27). */
	{ "r4 u3 e13 v59 c1 | e:correct:27:M v:incomplete v:correct:27:R1 v:correct:27:R1 v:correct:27:R1",
	  "agree: explore ends at 'Distance = 18 mph x 1.5 hours = 27 miles'; "
	  "three 'Alternatively' checks all reach 27. disagree: the equation and "
	  "speed-ratio methods are different approaches that DLCoT keeps; word "
	  "overlap calls them redundant because they share the problem's words." },
	/* 7. Gemini 2.0 flash thinking, AIME24 #1 (gold 204). */
	{ "r2 u2 e63 v129 | e:correct:204:M v:incomplete v:correct:204:R1 v:correct:204:R1 v:incomplete",
	  "agree: explore ends at the first '= 204 minutes' (an equation whose "
	  "value is the gold, no claim word); 'Let's double check' and 'Alternative "
	  "approach' start verification items, which repeat 204. disagree: the "
	  "closing 'Final answer is in minutes.' is not a value and is rightly "
	  "not taken as one, but the conclusion is then missed." },
	/* 8. Sky-T1 wrong-5K, AIME24 #10 (gold 116). */
	{ "u2 e54 v9 | e:correct:116:M v:correct:116:R1",
	  "agree: one exploring solution to 116 and one re-check marked "
	  "redundant." },
	/* 9. GSM8K test #1, human steps. */
	{ "e2 | e:incomplete",
	  "disagree: the two steps have no claim words and the answer 18 sits "
	  "after <<9*2=18>>, so the attempt has no answer (incomplete); human "
	  "GSM8K steps are not DLCoT traces." },
	/* 10. MATH-500 #1 reference solution. */
	{ "e3 | e:correct:\\left( 3, \\frac{\\pi}{2} \\right):M",
	  "agree: one explore attempt, correct, its \\boxed answer found; the "
	  "[asy] picture is one segment, never cut." },
};

static void
summarise(const struct wh_segmentation *g, const char *t, struct wh_buf *out)
{
	for (size_t i = 0; i < g->n_segs;) {
		size_t j = i;
		while (j < g->n_segs && g->segs[j].role == g->segs[i].role)
			j++;
		wh_buf_printf(out, "%s%c%zu", i ? " " : "", "ruevc"[g->segs[i].role], j - i);
		i = j;
	}
	wh_buf_adds(out, " |");
	for (size_t k = 0; k < g->n_sols; k++) {
		const struct wh_solution *so = &g->sols[k];
		wh_buf_printf(out, " %c:%s", "ruevc"[so->role], wh_segment_label_name(so->label));
		if (so->has_answer)
			wh_buf_printf(out, ":%.*s", (int)(so->answer_end - so->answer_start),
			    t + so->answer_start);
		if (so->redundant)
			wh_buf_printf(out, ":R%u", so->same_as);
		if (so->main)
			wh_buf_adds(out, ":M");
	}
}

/* The JSON form of g with each segment's cues. */
static void
describe(const struct wh_segmentation *g, const char *t, struct wh_buf *out)
{
	wh_segment_json(g, t, NULL, out);
	for (size_t i = 0; i < g->n_segs; i++)
		wh_buf_printf(out, " %u", g->segs[i].cues);
}

/* Pruning as the Lua steps do: the thinking without the segments of every
 * other solution attempt. wh_segment_retrace of it from g gives what
 * wh_segment_trace gives, and so does a retrace from a segmentation made
 * against another reference. */
static void
check_retrace(const struct wh_segmenter *seg, const struct wh_segment_input *in,
    const struct wh_segmentation *g)
{
	struct wh_buf text = {0}, a = {0}, b = {0}, c = {0};
	struct wh_segmentation fresh, reused, other, wrong;
	struct wh_segment_input pruned = *in, no_gold = *in;

	for (size_t i = 0; i < g->n_segs; i++) {
		size_t from = i ? g->segs[i].start : 0;
		size_t stop = i + 1 < g->n_segs ? g->segs[i + 1].start : in->thinking_len;
		if (g->segs[i].solution == 0 || g->segs[i].solution % 2 == 1)
			wh_buf_add(&text, in->thinking + from, stop - from);
	}
	pruned.thinking = text.data ? text.data : "";
	pruned.thinking_len = text.len;
	wh_segment_trace(seg, &pruned, &fresh);
	wh_segment_retrace(seg, &pruned, g, in->thinking, &reused);
	no_gold.gold = NULL;
	no_gold.answer = NULL;
	wh_segment_trace(seg, &no_gold, &wrong);
	wh_segment_retrace(seg, &pruned, &wrong, in->thinking, &other);
	describe(&fresh, pruned.thinking, &a);
	describe(&reused, pruned.thinking, &b);
	describe(&other, pruned.thinking, &c);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	CHECK(a.len == c.len && memcmp(a.data, c.data, a.len) == 0);
	wh_segmentation_free(&fresh);
	wh_segmentation_free(&reused);
	wh_segmentation_free(&other);
	wh_segmentation_free(&wrong);
	wh_buf_free(&text);
	wh_buf_free(&a);
	wh_buf_free(&b);
	wh_buf_free(&c);
}

int
main(void)
{
	struct wh_open_opts opts = { .map = "question=/question,thinking=/thinking,"
		"answer=/answer,gold=/gold" };
	struct wh_dataset *ds;
	struct wh_segmenter *seg;
	struct wh_error err;
	char path[4096];

	snprintf(path, sizeof path, "%s/tests/analysis/traces.jsonl", WH_SRCDIR);
	if (wh_dataset_open(&ds, path, &opts, &err) < 0 ||
	    wh_segmenter_new(&seg, wh_segment_default_rules(), &err) < 0) {
		fprintf(stderr, "%s: %s\n", path, err.msg);
		return 1;
	}
	CHECK(wh_dataset_entries(ds) == 10);
	for (size_t i = 0; i < 10 && i < wh_dataset_entries(ds); i++) {
		struct wh_trace t;
		struct wh_segmentation g;
		struct wh_buf got = {0};
		if (wh_dataset_trace(ds, i, 0, &t, &err) < 0) {
			fprintf(stderr, "trace %zu: %s\n", i + 1, err.msg);
			CHECK(!"fixture trace reads");
			continue;
		}
		struct wh_segment_input in = { t.text[WH_THINKING], t.len[WH_THINKING],
			t.text[WH_QUESTION], t.len[WH_QUESTION], t.text[WH_ANSWER],
			t.len[WH_ANSWER], t.text[WH_GOLD], t.len[WH_GOLD] };
		wh_segment_trace(seg, &in, &g);
		summarise(&g, in.thinking, &got);
		if (strcmp(got.data, expected[i].summary) != 0)
			fprintf(stderr, "trace %zu: got\n  \"%s\"\nwant\n  \"%s\"\n", i + 1,
			    got.data, expected[i].summary);
		CHECK(strcmp(got.data, expected[i].summary) == 0);
		check_retrace(seg, &in, &g);
		wh_buf_free(&got);
		wh_segmentation_free(&g);
		wh_trace_free(&t);
	}
	wh_segmenter_free(seg);
	wh_dataset_close(ds);
	return unit_done("segment-real");
}
