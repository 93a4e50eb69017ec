/* The table of known record layouts, their detection, and mapping a parsed
 * record to a trace. Adding a dataset family is adding a row to the table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/buf.h"
#include "whittle/layout.h"
#include "whittle/utf8.h"

#define THINK_DOC "thinking between <think> or <|begin_of_thought|> tags"

static const struct wh_layout layouts[] = {
	{ "openthoughts", "OpenThoughts, Bespoke-Stratos, Sky-T1, Light-R1: "
	  "conversations of from/value turns", WH_KIND_CHAT,
	  { "conversations" }, NULL, "/conversations", "/conversations", "", "/answer|/gold",
	  WH_SPLIT_THINK, true, NULL },
	{ "whittle", "whittle's own flat records (export -f jsonl, whittle run): "
	  "question, thinking, answer, gold", WH_KIND_FIELDS,
	  { "question", "thinking" }, NULL, "/question", "/thinking", "/answer",
	  "/gold", WH_SPLIT_NONE, true, NULL },
	{ "openr1", "OpenR1-Math: problem, generations[] (" THINK_DOC "), answer",
	  WH_KIND_FIELDS, { "problem", "generations" }, NULL, "/problem",
	  "/generations/*", "", "/answer", WH_SPLIT_THINK, true, "/messages" },
	{ "s1k-1.1", "s1K-1.1: question, deepseek_thinking_trajectory, "
	  "deepseek_attempt, solution", WH_KIND_FIELDS,
	  { "question", "deepseek_thinking_trajectory", "deepseek_attempt" }, NULL,
	  "/question", "/deepseek_thinking_trajectory", "/deepseek_attempt",
	  "/solution", WH_SPLIT_NONE, true, NULL },
	{ "s1k", "s1K: question, thinking_trajectories[], attempt, solution",
	  WH_KIND_FIELDS, { "question", "thinking_trajectories", "attempt" }, NULL,
	  "/question", "/thinking_trajectories/*", "/attempt", "/solution",
	  WH_SPLIT_NONE, true, NULL },
	{ "openthoughts-metadata", "OpenThoughts metadata config: problem, "
	  "deepseek_reasoning, deepseek_solution, ground_truth_solution",
	  WH_KIND_FIELDS, { "problem", "deepseek_reasoning", "deepseek_solution" },
	  NULL, "/problem", "/deepseek_reasoning", "/deepseek_solution",
	  "/ground_truth_solution", WH_SPLIT_NONE, true, NULL },
	{ "openmathreasoning", "OpenMathReasoning: problem, generated_solution ("
	  THINK_DOC "), expected_answer", WH_KIND_FIELDS,
	  { "problem", "generated_solution" }, NULL, "/problem",
	  "/generated_solution", "", "/expected_answer", WH_SPLIT_THINK, true, NULL },
	{ "trace-topology", "problem, reasoning_trace, answer_text, ground_truth "
	  "(DeepSeek API traces split out)", WH_KIND_FIELDS,
	  { "problem", "reasoning_trace", "answer_text" }, NULL, "/problem",
	  "/reasoning_trace", "/answer_text", "/ground_truth", WH_SPLIT_NONE, true,
	  "/full_response" },
	{ "gemini-reasoning", "question, reasoning, solution, gold_answer",
	  WH_KIND_FIELDS, { "question", "reasoning", "solution" }, NULL,
	  "/question", "/reasoning", "/solution", "/gold_answer", WH_SPLIT_NONE, true,
	  "/generated_responses" },
	{ "skythought-eval", "Qwen2.5-Math eval output: question, code[] (the "
	  "model's output), gt", WH_KIND_FIELDS, { "question", "code", "gt" }, NULL,
	  "/question", "/code/*", "", "/gt", WH_SPLIT_THINK, true, NULL },
	{ "skythought-results", "SkyThought results keyed by problem: problem, "
	  "responses.0.0.content, answer", WH_KIND_FIELDS,
	  { "problem", "responses", "token_usages" }, NULL, "/problem",
	  "/responses/0.0/content", "", "/answer", WH_SPLIT_THINK, true, NULL },
	{ "prm800k", "PRM800K: question.problem, label.steps (the chosen "
	  "completions), question.ground_truth_answer", WH_KIND_JOINED,
	  { "label", "question" }, NULL, "/question/problem", "/label/steps", "",
	  "/question/ground_truth_answer", WH_SPLIT_NONE, true, NULL },
	{ "rm-scored", "problem, steps[], ground_truth_answer", WH_KIND_JOINED,
	  { "problem", "steps", "ground_truth_answer" }, NULL, "/problem", "/steps",
	  "", "/ground_truth_answer", WH_SPLIT_NONE, true, NULL },
	{ "math-aps", "MATH-APS: question, reasoning_steps[].solution_prefix, "
	  "final_answer", WH_KIND_FIELDS, { "question", "reasoning_steps", "final_answer" },
	  NULL, "/question", "/reasoning_steps/*/solution_prefix", "", "/final_answer",
	  WH_SPLIT_NONE, true, NULL },
	{ "math-shepherd", "Math-Shepherd: input (question, then Step k: ... ки)",
	  WH_KIND_FIELDS, { "input", "label", "task" }, NULL, "", "/input", "", "",
	  WH_SPLIT_STEPS, true, NULL },
	{ "gsm8k-solutions", "GSM8K model solutions: question, "
	  "175b_finetuning.solution, ground_truth", WH_KIND_FIELDS,
	  { "question", "ground_truth", "175b_finetuning" }, NULL, "/question",
	  "/175b_finetuning/solution", "", "/ground_truth", WH_SPLIT_NONE, true, NULL },
	{ "limo", "LIMO and its kin: question, solution (the trace), "
	  "answer or gold_answer", WH_KIND_FIELDS, { "question", "solution" }, NULL,
	  "/question", "/solution", "", "/gold_answer|/answer", WH_SPLIT_THINK, true, NULL },
	{ "numina", "NuminaMath: source, problem, solution, messages",
	  WH_KIND_FIELDS, { "source", "problem", "solution", "messages" }, NULL,
	  "/problem", "/solution", "", "", WH_SPLIT_NONE, true, "/messages" },
	{ "math", "MATH, MATH-500: problem, solution, answer (if any)",
	  WH_KIND_FIELDS, { "problem", "solution" }, NULL, "/problem", "/solution",
	  "", "/answer", WH_SPLIT_NONE, true, NULL },
	{ "gsm8k", "GSM8K: question, answer (steps, then #### N)", WH_KIND_FIELDS,
	  { "question", "answer" }, "\n#### ", "/question", "/answer", "", "",
	  WH_SPLIT_GSM8K, true, NULL },
	{ "messages", "chat messages of role/content turns (" THINK_DOC
	  ", or reasoning_content)", WH_KIND_CHAT, { "messages" }, NULL,
	  "/messages", "/messages", "",
	  "/answer|/gold|/reference_answer|/messages/0/info/reference_answer|"
	  "/messages/1/info/reference_answer",
	  WH_SPLIT_THINK, true, "/messages" },
	{ "deepseek-api", "DeepSeek API: reasoning_content, content",
	  WH_KIND_FIELDS, { "reasoning_content", "content" }, NULL,
	  "/question|/prompt", "/reasoning_content", "/content", "/answer|/gold",
	  WH_SPLIT_NONE, true, NULL },
	{ "alpaca", "Alpaca: instruction, input, output (" THINK_DOC ")",
	  WH_KIND_FIELDS, { "instruction", "output" }, NULL, "/instruction",
	  "/output", "", "", WH_SPLIT_THINK, true, NULL },
	{ "prompt-answer", "prompt and answer, no trace (AIME prompt sets)",
	  WH_KIND_FIELDS, { "prompt", "answer" }, NULL, "/prompt", "", "",
	  "/answer", WH_SPLIT_NONE, false, NULL },
	{ .name = "" },
};

static const char *field_names[WH_NFIELDS] = {
	"question", "thinking", "answer", "gold"
};

const char *
wh_field_name(enum wh_field f)
{
	return field_names[f];
}

int
wh_field_parse(const char *name)
{
	for (int f = 0; f < WH_NFIELDS; f++)
		if (strcmp(name, field_names[f]) == 0)
			return f;
	return -1;
}

void
wh_trace_free(struct wh_trace *t)
{
	for (int f = 0; f < WH_NFIELDS; f++)
		free(t->text[f]);
	memset(t, 0, sizeof *t);
}

const struct wh_layout *
wh_layouts(void)
{
	return layouts;
}

const struct wh_layout *
wh_layout_find(const char *name)
{
	for (const struct wh_layout *l = layouts; l->name[0]; l++)
		if (strcmp(l->name, name) == 0)
			return l;
	return NULL;
}

/* The name of a field in messages: the pointer of "a|b|c" that resolved,
 * else the first, with "*" replaced by the generation. */
struct field_name {
	char ptr[WH_MAX_PTR + 16];
};

/* Resolve one pointer, or the first of "a|b|c" that resolves. "*" in a
 * segment is replaced by gen. name, if not NULL, gets the pointer used. */
static long
resolve_named(const struct wh_json *j, const char *ptrs, uint32_t gen,
    struct field_name *name)
{
	char one[WH_MAX_PTR + 16];
	bool first = true;

	while (*ptrs) {
		size_t n = strcspn(ptrs, "|"), o = 0;
		for (size_t i = 0; i < n && o < sizeof one - 12; i++) {
			if (ptrs[i] == '*')
				o += (size_t)snprintf(one + o, sizeof one - o, "%u", gen);
			else
				one[o++] = ptrs[i];
		}
		one[o] = '\0';
		long node = wh_json_pointer(j, one);
		if (name && (first || node >= 0))
			memcpy(name->ptr, one, o + 1);
		if (node >= 0)
			return node;
		first = false;
		ptrs += n;
		if (*ptrs == '|')
			ptrs++;
	}
	return -1;
}

static long
resolve(const struct wh_json *j, const char *ptrs, uint32_t gen)
{
	return resolve_named(j, ptrs, gen, NULL);
}

/* Why the generations pointer body (with a "*") finds no generation:
 * its list is not an array, is empty, or its element lacks the rest. */
static int
no_generation(const struct wh_json *j, const char *body, const char *ptr,
    struct wh_error *err)
{
	const char *star = strchr(body, '*');
	char prefix[WH_MAX_PTR];
	long arr;

	if (star == NULL || star == body)
		return wh_error_set(err, NULL, 0, "field %s: missing", ptr);
	snprintf(prefix, sizeof prefix, "%.*s", (int)(star - body - 1), body);
	arr = wh_json_pointer(j, prefix);
	if (arr >= 0 && j->nodes[arr].type != WH_JARRAY)
		return wh_error_set(err, NULL, 0, "field %s: expected an array of "
		    "generations, got %s", prefix, wh_json_type_name(j->nodes[arr].type));
	if (arr >= 0 && j->nodes[arr].count == 0)
		return wh_error_set(err, NULL, 0, "field %s: no generation (an empty "
		    "array)", prefix);
	return wh_error_set(err, NULL, 0, "field %s: missing", ptr);
}

uint32_t
wh_layout_generations(const struct wh_layout *l, const struct wh_json *j)
{
	const char *star = strchr(l->body, '*');
	char prefix[WH_MAX_PTR];

	if (l->body[0] == '\0')
		return 0;
	if (star == NULL)
		return resolve(j, l->body, 0) >= 0 ? 1 : 0;
	snprintf(prefix, sizeof prefix, "%.*s", (int)(star - l->body - 1), l->body);
	long arr = wh_json_pointer(j, prefix);
	if (arr < 0 || j->nodes[arr].type != WH_JARRAY)
		return 0;
	return j->nodes[arr].count;
}

bool
wh_layout_matches(const struct wh_layout *l, const struct wh_json *j)
{
	if (j->n == 0 || j->nodes[0].type != WH_JOBJECT)
		return false;
	for (int i = 0; i < 5 && l->detect[i]; i++)
		if (wh_json_member(j, 0, l->detect[i]) < 0)
			return false;
	if (l->marker) {
		long body = resolve(j, l->body, 0);
		if (body < 0 || j->nodes[body].type != WH_JSTRING)
			return false;
		struct wh_buf b = {0};
		wh_json_string(j, body, &b);
		bool found = b.len && strstr(b.data, l->marker) != NULL;
		wh_buf_free(&b);
		return found;
	}
	return true;
}

/* A one-element array of strings counts as its string (s1K-1.1 copies). */
static long
unwrap(const struct wh_json *j, long node)
{
	if (node >= 0 && j->nodes[node].type == WH_JARRAY &&
	    j->nodes[node].count == 1 && j->nodes[node + 1].type == WH_JSTRING)
		return node + 1;
	return node;
}

/* Mapping fills a trace with decoded text or, for the scan, only the size
 * of each field. Measuring reads split bodies as raw JSON bytes where that
 * is exact (see map_body): no copy, and code points counted mostly by the
 * parser. */
struct map {
	struct wh_trace *t;
	struct wh_trace_size *z;	/* measuring: sizes go here, t gets no text */
	bool raw;			/* the body being split is raw JSON */
	uint32_t body_chars;		/* code points of that body */
};

static void
set_field(struct map *m, enum wh_field f, const char *text, size_t len,
    struct wh_origin o, uint32_t chars)
{
	struct wh_trace *t = m->t;

	if (m->z) {
		m->z->present[f] = true;
		m->z->chars[f] = chars;
		return;
	}
	free(t->text[f]);
	t->text[f] = wh_xstrndup(text, len);
	t->len[f] = len;
	t->origin[f] = o;
}

static int
bad_type(struct wh_error *err, const char *ptr, const struct wh_json *j, long n)
{
	return wh_error_set(err, NULL, 0, "field %s: expected a string, got %s",
	    ptr, wh_json_type_name(j->nodes[n].type));
}

/* Set field f from the value at node: strings decoded, numbers as written. */
static int
take_value(struct map *m, enum wh_field f, const struct wh_json *j,
    long node, const char *ptr, struct wh_error *err)
{
	struct wh_origin o = { .node = node, .whole = true };
	const struct wh_jnode *n;

	node = unwrap(j, node);
	if (node < 0)
		return 0;
	o.node = node;
	n = &j->nodes[node];
	if (n->type == WH_JNULL)
		return 0;
	if (n->type == WH_JNUMBER) {
		o.to = n->end - n->start;
		set_field(m, f, j->text + n->start, o.to, o, (uint32_t)o.to);
		return 0;
	}
	if (n->type != WH_JSTRING)
		return bad_type(err, ptr, j, node);
	if (m->z) {
		set_field(m, f, NULL, 0, o, n->count);
		return 0;
	}
	struct wh_buf b = {0};
	wh_json_string(j, node, &b);
	o.to = b.len;
	set_field(m, f, b.data ? b.data : "", b.len, o, 0);
	wh_buf_free(&b);
	return 0;
}

static void
trim(const char *s, size_t *from, size_t *to)
{
	while (*from < *to && strchr(" \t\r\n", s[*from]))
		(*from)++;
	while (*to > *from && strchr(" \t\r\n", s[*to - 1]))
		(*to)--;
}

/* The same on raw JSON string bytes, where from and to are not inside an
 * escape: white space is ' ' or the escapes \t, \r and \n. */
static void
trim_raw(const char *s, size_t *from, size_t *to)
{
	for (;;) {
		if (*from < *to && s[*from] == ' ')
			(*from)++;
		else if (*to - *from >= 2 && s[*from] == '\\' && strchr("tnr", s[*from + 1]))
			*from += 2;
		else
			break;
	}
	for (;;) {
		if (*to > *from && s[*to - 1] == ' ') {
			(*to)--;
			continue;
		}
		if (*to - *from < 2 || s[*to - 2] != '\\' || !strchr("tnr", s[*to - 1]))
			break;
		/* An odd run of backslashes before the letter ends in an escape. */
		size_t run = 0;
		while (*to - 2 - run > *from && s[*to - 3 - run] == '\\')
			run++;
		if (run % 2)
			break;
		*to -= 2;
	}
}

/* Code points of raw JSON string bytes s[from..to), which hold no \u or \/
 * escape and start outside an escape. */
static uint32_t
raw_chars(const char *s, size_t from, size_t to)
{
	uint32_t n = 0;

	for (size_t i = from; i < to; i++) {
		if (s[i] == '\\')
			i++;
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	}
	return n;
}

/* Code points of s[from..to) of the body being split. */
static uint32_t
span_chars(const struct map *m, const char *s, size_t n, size_t from, size_t to)
{
	if (!m->raw)
		return (uint32_t)wh_utf8_count(s + from, to - from);
	/* Count the shorter side: the rest is known from the parse. */
	if ((to - from) * 2 > n)
		return m->body_chars - raw_chars(s, 0, from) - raw_chars(s, to, n);
	return raw_chars(s, from, to);
}

/* First occurrence of any of the NULL-terminated needles, all starting with
 * '<', in s[from..n); *which gets the needle's length. One pass over s. */
static const char *
find_any(const char *s, size_t from, size_t n, const char *const *needles,
    size_t *which)
{
	for (const char *p = s + from; (p = memchr(p, '<', n - (size_t)(p - s))); p++)
		for (const char *const *k = needles; *k; k++) {
			size_t len = strlen(*k);
			if ((size_t)(s + n - p) >= len && memcmp(p, *k, len) == 0) {
				*which = len;
				return p;
			}
		}
	return NULL;
}

static void
sub_field(struct map *m, enum wh_field f, const char *s, size_t n, long node,
    size_t from, size_t to)
{
	struct wh_origin o = { .node = node, .from = from, .to = to };

	if (m->raw)
		trim_raw(s, &o.from, &o.to);
	else
		trim(s, &o.from, &o.to);
	set_field(m, f, s + o.from, o.to - o.from, o,
	    m->z ? span_chars(m, s, n, o.from, o.to) : 0);
}

void
wh_layout_think_span(const char *s, size_t n, struct wh_think_span *sp)
{
	static const char *const open[] = { "<think>", "<|begin_of_thought|>",
	    "<|im_start|>think", NULL };
	static const char *const close[] = { "</think>", "<|end_of_thought|>",
	    "<|im_start|>answer", NULL };
	size_t k = 0;
	const char *o = find_any(s, 0, n, open, &k), *c;

	*sp = (struct wh_think_span){ .end = n, .after = n };
	if (o) {
		sp->open = true;
		sp->start = (size_t)(o - s) + k;
	}
	if ((c = find_any(s, sp->start, n, close, &k)) != NULL) {
		sp->closed = true;
		sp->end = (size_t)(c - s);
		sp->after = sp->end + k;
	}
}

static void
split_think(struct map *m, const char *s, size_t n, long node)
{
	static const char *const sol_open[] = { "<|begin_of_solution|>", "<answer>", NULL };
	static const char *const sol_close[] = { "<|end_of_solution|>", "</answer>", NULL };
	struct wh_think_span sp;
	size_t k = 0;

	wh_layout_think_span(s, n, &sp);
	if (sp.open)
		m->t->think_open = true;
	sub_field(m, WH_THINKING, s, n, node, sp.start, sp.end);
	if (!sp.closed)
		return;
	m->t->think_closed = true;
	size_t a = sp.after, end = n;
	const char *so = find_any(s, a, n, sol_open, &k);
	if (so) {
		a = (size_t)(so - s) + k;
		const char *sc = find_any(s, a, n, sol_close, &k);
		if (sc)
			end = (size_t)(sc - s);
	}
	sub_field(m, WH_ANSWER, s, n, node, a, end);
}

static void
split_gsm8k(struct map *m, const char *s, size_t n, long node)
{
	const char *p = NULL;

	for (const char *q = s; (q = memmem(q, n - (size_t)(q - s), "\n#### ", 6)); q++)
		p = q;
	if (p == NULL) {
		sub_field(m, WH_THINKING, s, n, node, 0, n);
		return;
	}
	sub_field(m, WH_THINKING, s, n, node, 0, (size_t)(p - s));
	sub_field(m, WH_ANSWER, s, n, node, (size_t)(p - s) + 6, n);
	/* The gold is the same text as the answer: read-only. */
	set_field(m, WH_GOLD, m->t->text[WH_ANSWER], m->t->len[WH_ANSWER],
	    (struct wh_origin){ .node = node, .derived = true },
	    m->z ? m->z->chars[WH_ANSWER] : 0);
}

static void
split_steps(struct map *m, const char *s, size_t n, long node)
{
	const char *p = memmem(s, n, "Step 1:", 7);
	size_t at = p ? (size_t)(p - s) : 0;

	if (at > 0)
		sub_field(m, WH_QUESTION, s, n, node, 0, at);
	sub_field(m, WH_THINKING, s, n, node, at, n);
}

/* PRM800K step: the chosen completion's text, or the human's. */
static long
step_text(const struct wh_json *j, long step)
{
	if (j->nodes[step].type == WH_JSTRING)
		return step;
	long chosen = wh_json_member(j, step, "chosen_completion");
	long comps = wh_json_member(j, step, "completions");
	if (chosen >= 0 && j->nodes[chosen].type == WH_JNUMBER) {
		long c = wh_json_element(j, comps,
		    (uint32_t)strtoul(j->text + j->nodes[chosen].start, NULL, 10));
		return wh_json_member(j, c, "text");
	}
	long human = wh_json_member(j, step, "human_completion");
	if (human >= 0 && j->nodes[human].type == WH_JSTRING)
		return human;
	if (comps >= 0 && j->nodes[comps].count == 1)
		return wh_json_member(j, wh_json_element(j, comps, 0), "text");
	return -1;
}

static int
map_joined(struct map *m, const struct wh_json *j, long list,
    const char *ptr, struct wh_error *err)
{
	struct wh_buf b = {0};

	if (j->nodes[list].type != WH_JARRAY)
		return wh_error_set(err, NULL, 0, "field %s: expected an array, got %s",
		    ptr, wh_json_type_name(j->nodes[list].type));
	for (uint32_t i = 0; i < j->nodes[list].count; i++) {
		long s = step_text(j, wh_json_element(j, list, i));
		if (s < 0 || j->nodes[s].type != WH_JSTRING)
			continue;
		if (b.len)
			wh_buf_addc(&b, '\n');
		wh_json_string(j, s, &b);
	}
	struct wh_origin o = { .node = list, .derived = true };
	set_field(m, WH_THINKING, b.data ? b.data : "", b.len, o,
	    m->z ? (uint32_t)wh_utf8_count(b.data, b.len) : 0);
	const char *ans = NULL;
	for (const char *p = b.data; p && (p = strstr(p, "# Answer\n\n")); p++)
		ans = p + 10;
	if (ans)
		set_field(m, WH_ANSWER, ans, strlen(ans), o,
		    m->z ? (uint32_t)wh_utf8_count(ans, strlen(ans)) : 0);
	wh_buf_free(&b);
	return 0;
}

static bool
role_is(const struct wh_json *j, long turn, const char *a, const char *b)
{
	long r = wh_json_member(j, turn, "role");

	if (r < 0)
		r = wh_json_member(j, turn, "from");
	return r >= 0 && j->nodes[r].type == WH_JSTRING &&
	    (wh_json_string_eq(j, r, a) || wh_json_string_eq(j, r, b));
}

static long
turn_content(const struct wh_json *j, long turn)
{
	long c = wh_json_member(j, turn, "content");

	return c >= 0 ? c : wh_json_member(j, turn, "value");
}

/* Split the string at node with the layout's rule into the trace. Measuring
 * splits the raw bytes when no escape can hide a delimiter or white space
 * (\u and \/ can, and the GSM8K and step markers hold a newline). */
static int
map_body(const struct wh_layout *l, struct map *m,
    const struct wh_json *j, long node, const char *ptr, struct wh_error *err)
{
	struct wh_buf b = {0};
	const struct wh_jnode *n;
	const char *s;
	size_t len;

	node = unwrap(j, node);
	n = &j->nodes[node];
	if (n->type != WH_JSTRING)
		return bad_type(err, ptr, j, node);
	m->raw = m->z && !(n->escaped & WH_JESC_UNICODE) &&
	    (l->split == WH_SPLIT_NONE || l->split == WH_SPLIT_THINK);
	if (m->raw) {
		s = j->text + n->start + 1;
		len = n->end - n->start - 2;
		m->body_chars = n->count;
	} else {
		wh_json_string(j, node, &b);
		wh_buf_reserve(&b, 0);
		s = b.data;
		len = b.len;
	}
	switch (l->split) {
	case WH_SPLIT_NONE:
		set_field(m, WH_THINKING, s, len, (struct wh_origin){
		    .node = node, .to = len, .whole = true },
		    m->z ? span_chars(m, s, len, 0, len) : 0);
		break;
	case WH_SPLIT_THINK:
		split_think(m, s, len, node);
		break;
	case WH_SPLIT_GSM8K:
		split_gsm8k(m, s, len, node);
		break;
	case WH_SPLIT_STEPS:
		split_steps(m, s, len, node);
		break;
	}
	m->raw = false;
	wh_buf_free(&b);
	return 0;
}

long
wh_layout_system(const struct wh_layout *l, const struct wh_json *j, const char **where)
{
	long node = wh_json_member(j, 0, "system"), turns;

	*where = "member system";
	if (node < 0 && l->kind == WH_KIND_CHAT &&
	    (turns = wh_json_pointer(j, l->body)) >= 0 && j->nodes[turns].type == WH_JARRAY) {
		*where = "system turn";
		for (long i = turns + 1; i < (long)j->nodes[turns].next && node < 0;
		    i = j->nodes[i].next)
			if (role_is(j, i, "system", "system"))
				node = turn_content(j, i);
	}
	return node >= 0 && j->nodes[node].type == WH_JSTRING ? node : -1;
}

/* The JSON pointer of member (or, NULL, of the text) of turn number i of
 * the turns at turns_ptr, for messages: /conversations/1/value. */
static const char *
turn_ptr(char *out, size_t cap, const struct wh_json *j, const char *turns_ptr,
    long i, long turn, const char *member)
{
	if (member == NULL)
		member = wh_json_member(j, turn, "content") >= 0 ||
		    wh_json_member(j, turn, "value") < 0 ? "content" : "value";
	snprintf(out, cap, "%s/%ld/%s", turns_ptr, i, member);
	return out;
}

static int
map_chat(const struct wh_layout *l, const struct wh_json *j,
    struct map *m, struct wh_error *err)
{
	long turns = wh_json_pointer(j, l->body), user = -1, assistant = -1;
	long user_i = 0, assistant_i = 0, k = 0;
	char p1[WH_MAX_PTR + 64], p2[WH_MAX_PTR + 64];

	if (turns < 0 || j->nodes[turns].type != WH_JARRAY)
		return wh_error_set(err, NULL, 0, "field %s: missing or not an array",
		    l->body);
	for (long i = turns + 1; i < (long)j->nodes[turns].next; i = j->nodes[i].next, k++) {
		if (user < 0 && role_is(j, i, "user", "human")) {
			user = i;
			user_i = k;
		}
		if (role_is(j, i, "assistant", "gpt")) {
			assistant = i;
			assistant_i = k;
		}
	}
	if (user >= 0 && take_value(m, WH_QUESTION, j, turn_content(j, user),
	    turn_ptr(p1, sizeof p1, j, l->body, user_i, user, NULL), err) < 0)
		return -1;
	if (assistant < 0)
		return wh_error_set(err, NULL, 0, "field %s: no assistant turn", l->body);
	long reasoning = wh_json_member(j, assistant, "reasoning_content");
	long content = turn_content(j, assistant);
	if (content < 0)
		return wh_error_set(err, NULL, 0, "field %s/%ld: the assistant turn has "
		    "no content (or value)", l->body, assistant_i);
	turn_ptr(p1, sizeof p1, j, l->body, assistant_i, assistant, NULL);
	if (reasoning >= 0 && j->nodes[reasoning].type == WH_JSTRING) {
		m->t->think_open = m->t->think_closed = true;
		return take_value(m, WH_THINKING, j, reasoning, turn_ptr(p2, sizeof p2,
		    j, l->body, assistant_i, assistant, "reasoning_content"), err) |
		    take_value(m, WH_ANSWER, j, content, p1, err);
	}
	return map_body(l, m, j, content, p1, err);
}

static bool
has_field(const struct map *m, enum wh_field f)
{
	return m->z ? m->z->present[f] : m->t->text[f] != NULL;
}

static int
map_record(const struct wh_layout *l, const struct wh_json *j, uint32_t gen,
    struct map *m, struct wh_error *err)
{
	struct wh_trace *t = m->t;
	struct field_name name;
	long node;

	memset(t, 0, sizeof *t);
	for (int f = 0; f < WH_NFIELDS; f++)
		t->origin[f].node = -1;
	t->generation = gen;
	t->n_generations = wh_layout_generations(l, j);
	if (t->n_generations == 0)
		t->n_generations = 1;
	if (gen >= t->n_generations)
		return wh_error_set(err, NULL, 0, "generation %u: the record holds %u",
		    gen, t->n_generations);
	if (l->kind == WH_KIND_CHAT) {
		if (map_chat(l, j, m, err) < 0)
			goto bad;
	} else if (l->body[0]) {
		node = resolve_named(j, l->body, gen, &name);
		if (node < 0 && l->body_required) {
			no_generation(j, l->body, name.ptr, err);
			goto bad;
		}
		if (node >= 0 && j->nodes[unwrap(j, node)].type == WH_JNULL)
			node = -1;	/* null: none, as for the other fields */
		if (node >= 0 && (l->kind == WH_KIND_JOINED
		    ? map_joined(m, j, node, name.ptr, err)
		    : map_body(l, m, j, node, name.ptr, err)) < 0)
			goto bad;
	}
	if (l->kind != WH_KIND_CHAT && l->question[0]) {
		node = resolve_named(j, l->question, gen, &name);
		if (node < 0 && !l->body[0]) {
			wh_error_set(err, NULL, 0, "field %s: missing", name.ptr);
			goto bad;
		}
		if (take_value(m, WH_QUESTION, j, node, name.ptr, err) < 0)
			goto bad;
	}
	if (l->answer[0] && take_value(m, WH_ANSWER, j, resolve_named(j, l->answer,
	    gen, &name), name.ptr, err) < 0)
		goto bad;
	if (l->gold[0] && !has_field(m, WH_GOLD) &&
	    take_value(m, WH_GOLD, j, resolve_named(j, l->gold, gen, &name),
	    name.ptr, err) < 0)
		goto bad;
	return 0;
bad:
	wh_trace_free(t);
	return -1;
}

int
wh_layout_map(const struct wh_layout *l, const struct wh_json *j,
    uint32_t gen, struct wh_trace *t, struct wh_error *err)
{
	struct map m = { .t = t };

	return map_record(l, j, gen, &m, err);
}

int
wh_layout_measure(const struct wh_layout *l, const struct wh_json *j,
    struct wh_trace_size *z, struct wh_error *err)
{
	struct wh_trace t;
	struct map m = { .t = &t, .z = z };

	memset(z, 0, sizeof *z);
	if (map_record(l, j, 0, &m, err) < 0)
		return -1;
	z->think_open = t.think_open;
	z->think_closed = t.think_closed;
	z->n_generations = t.n_generations;
	return 0;
}

int
wh_layout_from_map(struct wh_layout *l, const char *spec, struct wh_error *err)
{
	char *copy = wh_xstrdup(spec), *save = NULL;
	int rc = 0;

	memset(l, 0, sizeof *l);
	snprintf(l->name, sizeof l->name, "map");
	l->kind = WH_KIND_FIELDS;
	for (char *item = strtok_r(copy, ",", &save); item && rc == 0;
	    item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		char *dst = NULL;
		if (eq == NULL) {
			rc = wh_error_set(err, NULL, 0, "--map: '%s' is not FIELD=POINTER", item);
			break;
		}
		*eq = '\0';
		const char *val = eq + 1;
		if (strcmp(item, "split") == 0) {
			if (strcmp(val, "think") == 0)
				l->split = WH_SPLIT_THINK;
			else if (strcmp(val, "none") == 0)
				l->split = WH_SPLIT_NONE;
			else
				rc = wh_error_set(err, NULL, 0,
				    "--map: split=%s: use split=think or split=none", val);
			continue;
		}
		switch (wh_field_parse(item)) {
		case WH_QUESTION: dst = l->question; break;
		case WH_THINKING: dst = l->body; break;
		case WH_ANSWER: dst = l->answer; break;
		case WH_GOLD: dst = l->gold; break;
		default:
			rc = wh_error_set(err, NULL, 0, "--map: unknown field '%s' "
			    "(use question, thinking, answer, gold, split)", item);
			continue;
		}
		if (val[0] != '/' && val[0] != '\0')
			rc = wh_error_set(err, NULL, 0, "--map: %s=%s: a JSON pointer "
			    "starts with '/'", item, val);
		else if (strlen(val) >= WH_MAX_PTR)
			rc = wh_error_set(err, NULL, 0, "--map: %s: pointer too long", item);
		else
			strcpy(dst, val);
	}
	if (rc == 0 && !l->question[0] && !l->body[0])
		rc = wh_error_set(err, NULL, 0, "--map: give at least question= or thinking=");
	l->body_required = l->body[0] != '\0';
	free(copy);
	return rc;
}
