/* Unit tests of layout detection and mapping records to traces. */
#include "unit.h"
#include "whittle/layout.h"
#include "whittle/utf8.h"

static struct wh_json j;

static const char *
detect(const char *rec)
{
	struct wh_jerror e;

	if (wh_json_parse(&j, rec, strlen(rec), &e) < 0)
		return "parse error";
	for (const struct wh_layout *l = wh_layouts(); l->name[0]; l++)
		if (wh_layout_matches(l, &j))
			return l->name;
	return "none";
}

/* Detect rec's layout, map generation gen, and return the trace. */
static struct wh_trace
map(const char *rec, uint32_t gen, struct wh_error *err)
{
	struct wh_trace t = {0};
	const struct wh_layout *l = wh_layout_find(detect(rec));

	if (l == NULL || wh_layout_map(l, &j, gen, &t, err) < 0)
		memset(&t, 0, sizeof t);
	return t;
}

/* wh_layout_measure must say what mapping and counting say: presence, code
 * points and delimiters of every field. Returns 1 if it does. */
static int
measure_agrees(const char *rec, const char *layout)
{
	struct wh_jerror je;
	struct wh_error e1, e2;
	struct wh_trace t;
	struct wh_trace_size z;
	const struct wh_layout *l = wh_layout_find(layout);

	if (l == NULL || wh_json_parse(&j, rec, strlen(rec), &je) < 0)
		return 0;
	int rm = wh_layout_map(l, &j, 0, &t, &e1), rz = wh_layout_measure(l, &j, &z, &e2);
	if (rm != rz)
		return 0;
	if (rm < 0)
		return strcmp(e1.msg, e2.msg) == 0;
	int ok = z.think_open == t.think_open && z.think_closed == t.think_closed &&
	    z.n_generations == t.n_generations;
	for (int f = 0; f < WH_NFIELDS; f++) {
		ok &= z.present[f] == (t.text[f] != NULL);
		if (t.text[f])
			ok &= z.chars[f] == wh_utf8_count(t.text[f], t.len[f]);
	}
	if (!ok)
		fprintf(stderr, "measure disagrees (%s): %s\n", layout, rec);
	wh_trace_free(&t);
	return ok;
}

/* Random JSON string bodies from pieces that trip a raw reader: escapes
 * of white space and backslashes at the edges, surrogates, delimiters, also
 * escaped with \u or \/, and multi-byte characters. */
static void
random_body(char *out, size_t cap, unsigned *seed)
{
	static const char *const pieces[] = {
		" ", "\\n", "\\t", "\\r", "\\\\", "\\\\n", "\\\\\\n", "\\\"", "\\/",
		"a", "word ", "\u00e9", "\u4e2d", "\xf0\x9f\x98\x80", "\\ud83d\\ude00", "\\ud83d",
		"\\ude00", "\\u0041", "\\u0020", "\\u000a", "<think>", "</think>", "<\\/think>",
		"\\u003cthink\\u003e", "<|begin_of_thought|>", "<|end_of_thought|>",
		"<|begin_of_solution|>", "<|end_of_solution|>", "<answer>", "</answer>", "<",
		"\\n#### ", "Step 1:", "# Answer\\n\\n",
	};
	size_t n = 0, k = (size_t)(rand_r(seed) % 40);

	for (size_t i = 0; i < k; i++) {
		const char *p = pieces[rand_r(seed) % (sizeof pieces / sizeof *pieces)];
		if (n + strlen(p) + 1 >= cap)
			break;
		memcpy(out + n, p, strlen(p));
		n += strlen(p);
	}
	out[n] = '\0';
}

#define TEXT(t, f) ((t).text[f] ? (t).text[f] : "(null)")

int
main(void)
{
	struct wh_error err;
	struct wh_trace t;

	t = map("{\"system\":\"s\",\"conversations\":[{\"from\":\"user\",\"value\":\"Q?\"},"
	    "{\"from\":\"assistant\",\"value\":\"<|begin_of_thought|>\\n\\nthink\\n\\n"
	    "<|end_of_thought|>\\n\\n<|begin_of_solution|>\\n\\nA \\\\boxed{1}\\n\\n"
	    "<|end_of_solution|>\"}]}", 0, &err);
	CHECK_STR(detect("{\"conversations\":[]}"), "openthoughts");
	CHECK_STR(TEXT(t, WH_QUESTION), "Q?");
	CHECK_STR(TEXT(t, WH_THINKING), "think");
	CHECK_STR(TEXT(t, WH_ANSWER), "A \\boxed{1}");
	CHECK(t.think_open && t.think_closed && t.text[WH_GOLD] == NULL);
	wh_trace_free(&t);

	/* messages, <think> with the opening tag left out by the template */
	t = map("{\"messages\":[{\"role\":\"system\",\"content\":\"x\"},{\"role\":\"user\","
	    "\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"T1\\nT2\\n</think>\\n\\nAns\"}],"
	    "\"answer\":\"42\"}", 0, &err);
	CHECK_STR(TEXT(t, WH_QUESTION), "Q");
	CHECK_STR(TEXT(t, WH_THINKING), "T1\nT2");
	CHECK_STR(TEXT(t, WH_ANSWER), "Ans");
	CHECK_STR(TEXT(t, WH_GOLD), "42");
	CHECK(!t.think_open && t.think_closed);
	/* The thinking is a slice of the assistant's content, after "" */
	CHECK(t.origin[WH_THINKING].from == 0 && t.origin[WH_THINKING].to == 5);
	wh_trace_free(&t);

	/* reasoning_content in the assistant turn */
	t = map("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\","
	    "\"content\":\"A\",\"reasoning_content\":\"R\"}]}", 0, &err);
	CHECK_STR(TEXT(t, WH_THINKING), "R");
	CHECK_STR(TEXT(t, WH_ANSWER), "A");
	wh_trace_free(&t);

	/* a truncated trace: opened, never closed */
	t = map("{\"problem\":\"P\",\"generations\":[\"<think>\\nlong...\",\"<think>x</think>y\"],"
	    "\"answer\":\"7\"}", 0, &err);
	CHECK_STR(TEXT(t, WH_THINKING), "long...");
	CHECK(t.text[WH_ANSWER] == NULL && t.think_open && !t.think_closed);
	CHECK(t.n_generations == 2);
	wh_trace_free(&t);
	t = map("{\"problem\":\"P\",\"generations\":[\"<think>\\nlong...\",\"<think>x</think>y\"],"
	    "\"answer\":\"7\"}", 1, &err);
	CHECK_STR(TEXT(t, WH_THINKING), "x");
	CHECK_STR(TEXT(t, WH_ANSWER), "y");
	CHECK_STR(TEXT(t, WH_GOLD), "7");
	wh_trace_free(&t);
	CHECK(wh_layout_map(wh_layout_find("openr1"), &j, 2, &t, &err) < 0);
	CHECK(strstr(err.msg, "generation 2") != NULL);

	/* s1K: thinking_trajectories[] and attempt */
	t = map("{\"question\":\"Q\",\"thinking_trajectories\":[\"T\"],\"attempt\":\"A\","
	    "\"solution\":\"S\",\"cot\":null}", 0, &err);
	CHECK_STR(detect("{\"question\":\"Q\",\"thinking_trajectories\":[\"T\"],\"attempt\":\"A\"}"), "s1k");
	CHECK_STR(TEXT(t, WH_THINKING), "T");
	CHECK_STR(TEXT(t, WH_ANSWER), "A");
	CHECK_STR(TEXT(t, WH_GOLD), "S");
	wh_trace_free(&t);

	/* s1K-1.1 with the deepseek fields as one-element lists */
	t = map("{\"question\":\"Q\",\"deepseek_thinking_trajectory\":[\"T\"],"
	    "\"deepseek_attempt\":\"A\",\"solution\":\"S\"}", 0, &err);
	CHECK_STR(TEXT(t, WH_THINKING), "T");
	wh_trace_free(&t);

	/* GSM8K: steps, then #### N */
	t = map("{\"question\":\"Q\",\"answer\":\"a <<1+1=2>>2\\nb\\n#### 1,234\"}", 0, &err);
	CHECK_STR(detect("{\"question\":\"Q\",\"answer\":\"x\\n#### 5\"}"), "gsm8k");
	CHECK_STR(TEXT(t, WH_THINKING), "a <<1+1=2>>2\nb");
	CHECK_STR(TEXT(t, WH_ANSWER), "1,234");
	CHECK_STR(TEXT(t, WH_GOLD), "1,234");
	CHECK(t.origin[WH_GOLD].derived);
	wh_trace_free(&t);
	/* question/answer without the #### marker is not GSM8K */
	CHECK_STR(detect("{\"question\":\"Q\",\"answer\":\"5\"}"), "none");

	/* MATH-500, LIMO, AIME prompts, numbers as gold */
	CHECK_STR(detect("{\"problem\":\"P\",\"solution\":\"S\",\"answer\":\"1\"}"), "math");
	CHECK_STR(detect("{\"question\":\"Q\",\"solution\":\"S\",\"answer\":\"1\"}"), "limo");
	t = map("{\"prompt\":\"P\",\"answer\":204}", 0, &err);
	CHECK_STR(TEXT(t, WH_QUESTION), "P");
	CHECK_STR(TEXT(t, WH_GOLD), "204");
	CHECK(t.text[WH_THINKING] == NULL);
	wh_trace_free(&t);

	/* PRM800K: the chosen completions, joined; read-only */
	t = map("{\"labeler\":\"x\",\"question\":{\"problem\":\"P\",\"ground_truth_answer\":\"3\"},"
	    "\"label\":{\"steps\":[{\"completions\":[{\"text\":\"s1\"},{\"text\":\"s1b\"}],"
	    "\"chosen_completion\":1},{\"completions\":[{\"text\":\"x\"}],\"human_completion\":\"h\","
	    "\"chosen_completion\":null},{\"completions\":[{\"text\":\"done\\n\\n# Answer\\n\\n3\"}],"
	    "\"chosen_completion\":0}]}}", 0, &err);
	CHECK_STR(TEXT(t, WH_THINKING), "s1b\nh\ndone\n\n# Answer\n\n3");
	CHECK_STR(TEXT(t, WH_ANSWER), "3");
	CHECK(t.origin[WH_THINKING].derived);
	wh_trace_free(&t);

	/* Wrong types make a record bad, and say which field */
	CHECK_STR(detect("{\"problem\":5,\"solution\":[1,2]}"), "math");
	t = map("{\"problem\":\"P\",\"solution\":{\"x\":1}}", 0, &err);
	CHECK(t.text[WH_THINKING] == NULL);
	CHECK_STR(err.msg, "field /solution: expected a string, got object");

	/* s1's training text: <|im_start|>think ... <|im_start|>answer */
	t = map("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":"
	    "\"assistant\",\"content\":\"<|im_start|>think\\nT\\n<|im_start|>answer\\n"
	    "Answer: 5\"}]}", 0, &err);
	CHECK_STR(TEXT(t, WH_THINKING), "T");
	CHECK_STR(TEXT(t, WH_ANSWER), "Answer: 5");
	CHECK(t.think_open && t.think_closed);
	wh_trace_free(&t);

	/* A bad generation names the generation, or why there is none; a
	   field of alternatives names the one the record has. */
	t = map("{\"problem\":\"P\",\"generations\":[\"a\",7],\"answer\":\"1\"}", 1, &err);
	CHECK_STR(err.msg, "field /generations/1: expected a string, got number");
	t = map("{\"problem\":\"P\",\"generations\":\"a\",\"answer\":\"1\"}", 0, &err);
	CHECK_STR(err.msg, "field /generations: expected an array of generations, got string");
	t = map("{\"problem\":\"P\",\"generations\":[],\"answer\":\"1\"}", 0, &err);
	CHECK_STR(err.msg, "field /generations: no generation (an empty array)");
	t = map("{\"question\":\"Q\",\"solution\":\"S\",\"answer\":[1]}", 0, &err);
	CHECK_STR(err.msg, "field /answer: expected a string, got array");
	t = map("{\"question\":\"Q\",\"solution\":\"S\",\"gold_answer\":{}}", 0, &err);
	CHECK_STR(err.msg, "field /gold_answer: expected a string, got object");

	/* A wrong type in a chat turn is named by its JSON pointer */
	t = map("{\"conversations\":[{\"from\":\"user\",\"value\":\"Q\"},"
	    "{\"from\":\"assistant\",\"value\":3}]}", 0, &err);
	CHECK_STR(err.msg, "field /conversations/1/value: expected a string, got number");
	t = map("{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":"
	    "\"user\",\"content\":[\"a\",\"b\"]},{\"role\":\"assistant\",\"content\":\"A\"}]}",
	    0, &err);
	CHECK_STR(err.msg, "field /messages/1/content: expected a string, got array");
	t = map("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":"
	    "\"assistant\",\"reasoning_content\":\"R\",\"content\":{}}]}", 0, &err);
	CHECK_STR(err.msg, "field /messages/1/content: expected a string, got object");
	t = map("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":"
	    "\"assistant\"}]}", 0, &err);
	CHECK_STR(err.msg, "field /messages/1: the assistant turn has no content (or value)");

	/* --map */
	struct wh_layout l;
	CHECK(wh_layout_from_map(&l, "question=/q,thinking=/g/*/t,gold=/a,split=think", &err) == 0);
	const char *rec = "{\"q\":\"Q\",\"g\":[{\"t\":\"<think>a</think>b\"},{\"t\":\"c\"}],\"a\":1}";
	CHECK(wh_json_parse(&j, rec, strlen(rec), &(struct wh_jerror){0}) == 0);
	CHECK(wh_layout_map(&l, &j, 1, &t, &err) == 0);
	CHECK_STR(TEXT(t, WH_THINKING), "c");
	CHECK(t.n_generations == 2);
	wh_trace_free(&t);
	CHECK(wh_layout_map(&l, &j, 0, &t, &err) == 0);
	CHECK_STR(TEXT(t, WH_ANSWER), "b");
	CHECK_STR(TEXT(t, WH_GOLD), "1");
	wh_trace_free(&t);
	CHECK(wh_layout_from_map(&l, "question=problem", &err) < 0);
	CHECK(strstr(err.msg, "starts with '/'") != NULL);
	CHECK(wh_layout_from_map(&l, "title=/x", &err) < 0);
	CHECK(strstr(err.msg, "unknown field 'title'") != NULL);
	CHECK(wh_layout_from_map(&l, "gold=/x", &err) < 0);
	CHECK(wh_layout_from_map(&l, "question", &err) < 0);

	/* whittle's own records read back without --map. */
	t = map("{\"record\":1,\"generation\":0,\"question\":\"Q\",\"thinking\":\"T\","
	    "\"answer\":\"A\",\"gold\":null}", 0, &err);
	CHECK_STR(TEXT(t, WH_THINKING), "T");
	CHECK_STR(TEXT(t, WH_ANSWER), "A");
	CHECK(t.text[WH_GOLD] == NULL);
	wh_trace_free(&t);

	/* Each family of FORMATS.md is told apart by its members. */
	static const char *const families[][2] = {
		{ "{\"source\":\"olympiads\",\"problem\":\"P\",\"solution\":\"S \\\\boxed{1}\",\"messages\":[]}", "numina" },
		{ "{\"reasoning_content\":\"R\",\"content\":\"C\"}", "deepseek-api" },
		{ "{\"instruction\":\"I\",\"input\":\"\",\"output\":\"<think>t</think>o\"}", "alpaca" },
		{ "{\"problem\":\"P\",\"reasoning_trace\":\"R\",\"answer_text\":\"A\",\"ground_truth\":\"1\"}", "trace-topology" },
		{ "{\"question\":\"Q\",\"reasoning\":\"R\",\"solution\":\"S\",\"gold_answer\":\"1\"}", "gemini-reasoning" },
		{ "{\"question\":\"Q\",\"code\":[\"c\"],\"gt\":\"1\",\"solution\":\"S\"}", "skythought-eval" },
		{ "{\"problem\":\"P\",\"responses\":{},\"token_usages\":{}}", "skythought-results" },
		{ "{\"input\":\"Q Step 1: a \\u043a\\u0438\",\"label\":\"x\",\"task\":\"GSM8K\"}", "math-shepherd" },
		{ "{\"question\":\"Q\",\"ground_truth\":\"A: 1\",\"175b_finetuning\":{}}", "gsm8k-solutions" },
		{ "{\"problem\":\"P\",\"steps\":[\"a\"],\"ground_truth_answer\":\"1\"}", "rm-scored" },
		{ "{\"question\":\"Q\",\"reasoning_steps\":[],\"final_answer\":\"1\"}", "math-aps" },
	};
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
		CHECK_STR(detect(families[i][0]), families[i][1]);
	t = map(families[0][0], 0, &err);
	CHECK_STR(TEXT(t, WH_THINKING), "S \\boxed{1}");
	wh_trace_free(&t);
	t = map(families[1][0], 0, &err);
	CHECK_STR(TEXT(t, WH_THINKING), "R");
	CHECK_STR(TEXT(t, WH_ANSWER), "C");
	wh_trace_free(&t);
	t = map(families[7][0], 0, &err);
	CHECK_STR(TEXT(t, WH_QUESTION), "Q");
	CHECK_STR(TEXT(t, WH_THINKING), "Step 1: a \xd0\xba\xd0\xb8");
	wh_trace_free(&t);

	/* OpenThoughts' metadata config: the DeepSeek fields split out */
	t = map("{\"problem\":\"P\",\"deepseek_reasoning\":\"R\",\"deepseek_solution\":"
	    "\"S \\\\boxed{1}\",\"ground_truth_solution\":\"G\",\"domain\":\"math\"}", 0, &err);
	CHECK_STR(TEXT(t, WH_QUESTION), "P");
	CHECK_STR(TEXT(t, WH_THINKING), "R");
	CHECK_STR(TEXT(t, WH_ANSWER), "S \\boxed{1}");
	CHECK_STR(TEXT(t, WH_GOLD), "G");
	wh_trace_free(&t);
	/* OpenMathReasoning: <think> split out of generated_solution */
	t = map("{\"problem\":\"P\",\"generated_solution\":\"<think>\\nR\\n</think>\\n"
	    "\\\\boxed{2}\",\"expected_answer\":\"2\",\"inference_mode\":\"cot\"}", 0, &err);
	CHECK_STR(TEXT(t, WH_QUESTION), "P");
	CHECK_STR(TEXT(t, WH_THINKING), "R");
	CHECK_STR(TEXT(t, WH_ANSWER), "\\boxed{2}");
	CHECK_STR(TEXT(t, WH_GOLD), "2");
	wh_trace_free(&t);
	/* AM-DeepSeek-R1-Distilled: the gold is in a turn's info */
	t = map("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\",\"info\":"
	    "{\"reference_answer\":\"3\"}},{\"role\":\"assistant\",\"content\":"
	    "\"<think>\\nT\\n</think>\\n<answer>\\nA\\n</answer>\"}]}", 0, &err);
	CHECK_STR(TEXT(t, WH_THINKING), "T");
	CHECK_STR(TEXT(t, WH_ANSWER), "A");
	CHECK_STR(TEXT(t, WH_GOLD), "3");
	wh_trace_free(&t);
	t = map("{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":"
	    "\"user\",\"content\":\"Q\",\"info\":{\"reference_answer\":\"4\"}},"
	    "{\"role\":\"assistant\",\"content\":\"A\"}]}", 0, &err);
	CHECK_STR(TEXT(t, WH_GOLD), "4");
	wh_trace_free(&t);

	/* Every built-in layout has a unique name and a description */
	for (const struct wh_layout *a = wh_layouts(); a->name[0]; a++) {
		CHECK(a->doc != NULL);
		CHECK(wh_layout_find(a->name) == a);
	}
	wh_json_free(&j);
	/* Measuring agrees with mapping, on edge cases and random bodies of
	   every shape of layout (split on tags, GSM8K, steps, joined). */
	CHECK(measure_agrees("{\"messages\":[{\"role\":\"user\",\"content\":\"q\\n \"},"
	    "{\"role\":\"assistant\",\"content\":\" \\n<think>\\\\n x\\\\\\n</think>\\\\\"}]}",
	    "messages"));
	{
		unsigned seed = 7;
		char a[1024], b[1024], rec[8192];
		int agree = 1;
		for (int i = 0; i < 20000; i++) {
			random_body(a, sizeof a, &seed);
			random_body(b, sizeof b, &seed);
			snprintf(rec, sizeof rec, "{\"messages\":[{\"role\":\"user\",\"content\":"
			    "\"%s\"},{\"role\":\"assistant\",\"content\":\"%s\"}]}", a, b);
			agree &= measure_agrees(rec, "messages");
			snprintf(rec, sizeof rec, "{\"question\":\"%s\",\"answer\":\"%s\"}", a, b);
			agree &= measure_agrees(rec, "gsm8k");
			snprintf(rec, sizeof rec, "{\"question\":\"%s\",\"thinking\":\"%s\","
			    "\"answer\":1.5e3,\"gold\":[\"%s\"]}", a, b, a);
			agree &= measure_agrees(rec, "whittle");
			snprintf(rec, sizeof rec, "{\"input\":\"%s\",\"label\":\"%s\"}", a, b);
			agree &= measure_agrees(rec, "math-shepherd");
			snprintf(rec, sizeof rec, "{\"problem\":\"%s\",\"steps\":[\"%s\",\"%s\"],"
			    "\"ground_truth_answer\":\"%s\"}", a, b, a, b);
			agree &= measure_agrees(rec, "rm-scored");
			snprintf(rec, sizeof rec, "{\"conversations\":[{\"from\":\"user\",\"value\":"
			    "\"%s\"},{\"from\":\"assistant\",\"value\":\"%s\"}]}", a, b);
			agree &= measure_agrees(rec, "openthoughts");
		}
		CHECK(agree);
	}
	return unit_done("layout");
}
