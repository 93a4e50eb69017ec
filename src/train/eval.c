/* Evaluation: the questions and reference answers of a dataset, a greedy or
 * sampled response to each from the student (and more samples for pass@k),
 * its final answer graded against the reference, accuracy and tokens summed
 * in question order and by difficulty and budget, and the response's
 * thinking segmented and set against the teacher's. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/answer.h"
#include "whittle/buf.h"
#include "whittle/dataset.h"
#include "whittle/eval.h"
#include "whittle/json.h"
#include "whittle/layout.h"

/* ---- the questions ---- */

/* The reference answer of trace t into a fresh string, or NULL. */
static char *
reference(const struct wh_trace *t)
{
	struct wh_answer a;
	const char *text;

	if (t->text[WH_GOLD]) {
		if (!wh_answer_of_gold(t->text[WH_GOLD], t->len[WH_GOLD], &a))
			return NULL;
		text = t->text[WH_GOLD];
	} else if ((text = wh_answer_of_trace(t, &a)) == NULL)
		return NULL;
	return a.end > a.start ? wh_xstrndup(text + a.start, a.end - a.start) : NULL;
}

/* Member key of object obj, or of its "labels" object; -1 when neither. */
static long
member_or_label(const struct wh_json *j, const char *key)
{
	long v = wh_json_member(j, 0, key), labels;

	if (v < 0 && (labels = wh_json_member(j, 0, "labels")) >= 0
	    && j->nodes[labels].type == WH_JOBJECT)
		v = wh_json_member(j, labels, key);
	return v;
}

/* The record's difficulty bucket and thinking budget, from its own
 * members or the labels a Lua step gave it. */
static void
bucket_of(const char *raw, size_t len, struct wh_eval_item *it)
{
	static const char *const keys[] = { "difficulty", "level" };
	struct wh_json j = { 0 };
	struct wh_jerror je;
	long v;

	if (wh_json_parse(&j, raw, len, &je) < 0 || j.nodes[0].type != WH_JOBJECT) {
		wh_json_free(&j);
		return;
	}
	for (size_t k = 0; k < 2 && it->difficulty == NULL; k++) {
		if ((v = member_or_label(&j, keys[k])) < 0)
			continue;
		const struct wh_jnode *n = &j.nodes[v];
		if (n->type == WH_JSTRING) {
			struct wh_buf b = { 0 };
			wh_json_string(&j, v, &b);
			it->difficulty = b.len ? wh_buf_take(&b) : NULL;
			wh_buf_free(&b);
		} else if (n->type == WH_JNUMBER)
			it->difficulty = wh_xstrndup(raw + n->start, n->end - n->start);
	}
	if ((v = member_or_label(&j, "budget")) >= 0 && j.nodes[v].type == WH_JNUMBER) {
		double b = strtod(raw + j.nodes[v].start, NULL);
		if (b >= 1 && b <= 1e12 && b == (long)b)
			it->budget = (long)b;
	}
	wh_json_free(&j);
}

int
wh_eval_set_load(struct wh_eval_set *s, const char *path, size_t limit,
    struct wh_error *err)
{
	struct wh_open_opts opts = { 0 };
	struct wh_dataset *ds;
	size_t cap = 0;

	memset(s, 0, sizeof *s);
	if (wh_dataset_open(&ds, path, &opts, err) < 0)
		return -1;
	for (size_t i = 0; i < wh_dataset_entries(ds) && (limit == 0 || s->n < limit); i++) {
		struct wh_trace t;
		struct wh_error e;
		char *gold;
		if (wh_dataset_trace(ds, i, 0, &t, &e) < 0) {
			if (ds->state[i] == WH_REC_BAD && s->n_bad < WH_BAD_KEPT)
				s->bad[s->n_bad] = (struct wh_bad){ (uint32_t)e.line,
				    wh_xstrdup(e.msg) };
			s->n_bad += ds->state[i] == WH_REC_BAD;
			continue;
		}
		if (t.text[WH_QUESTION] && (gold = reference(&t)) != NULL) {
			if (s->n == cap) {
				cap = cap ? 2 * cap : 64;
				s->items = wh_xrealloc(s->items, cap * sizeof *s->items);
			}
			struct wh_eval_item *it = &s->items[s->n++];
			const char *raw;
			size_t len;
			*it = (struct wh_eval_item){ wh_xstrdup(t.text[WH_QUESTION]), gold,
				t.len[WH_THINKING] ? wh_xstrdup(t.text[WH_THINKING]) : NULL,
				NULL, 0 };
			wh_dataset_bytes(ds, i, &raw, &len);
			bucket_of(raw, len, it);
		}
		wh_trace_free(&t);
	}
	wh_dataset_close(ds);
	if (s->n == 0) {
		wh_eval_set_free(s);
		return wh_error_set(err, path, 0, "no record has a question and an answer");
	}
	return 0;
}

void
wh_eval_set_free(struct wh_eval_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->items[i].question);
		free(s->items[i].gold);
		free(s->items[i].teacher);
		free(s->items[i].difficulty);
	}
	free(s->items);
	for (size_t i = 0; i < s->n_bad && i < WH_BAD_KEPT; i++)
		free(s->bad[i].reason);
	memset(s, 0, sizeof *s);
}

/* ---- the measures ---- */

void
wh_eval_opts_default(struct wh_eval_opts *o)
{
	*o = (struct wh_eval_opts){ .prompt = "{question}\n\n", .stop = "</answer>" };
	wh_gen_opts_default(&o->gen);
}

int
wh_eval_parse_pass_k(struct wh_eval_opts *o, const char *list)
{
	const char *p = list;
	char *end;

	o->n_pass_k = 0;
	if (list == NULL) {
		o->pass_k[o->n_pass_k++] = 1;
		if (o->samples > 1)
			o->pass_k[o->n_pass_k++] = o->samples;
		return o->samples >= 1 ? 0 : -1;
	}
	do {
		long k = strtol(p, &end, 10);
		if (end == p || k < 1 || k > o->samples || o->n_pass_k == WH_EVAL_MAX_K
		    || (*end && *end != ','))
			return -1;
		o->pass_k[o->n_pass_k++] = (int)k;
		p = end + 1;
	} while (*end);
	return 0;
}

double
wh_eval_pass_at_k(int n, int c, int k)
{
	double miss = 1;

	if (n - c < k)
		return 1;
	/* C(n-c, k) / C(n, k) as a product that neither overflows nor cancels */
	for (int i = n - c + 1; i <= n; i++)
		miss *= 1 - (double)k / i;
	return 1 - miss;
}

double
wh_eval_accuracy(const struct wh_eval_result *r)
{
	return r->questions ? (double)r->correct / r->questions : 0;
}

double
wh_eval_tokens_per_question(const struct wh_eval_result *r)
{
	return r->questions ? r->tokens / r->questions : 0;
}

double
wh_eval_tokens_per_correct(const struct wh_eval_result *r)
{
	return r->correct ? r->tokens / r->correct : 0;
}

double
wh_eval_thinking_tokens(const struct wh_eval_result *r)
{
	return r->questions ? r->thinking_tokens / r->questions : 0;
}

double
wh_eval_answer_tokens(const struct wh_eval_result *r)
{
	return r->questions ? (r->tokens - r->thinking_tokens) / r->questions : 0;
}

double
wh_eval_budget_fidelity(const struct wh_eval_result *r)
{
	long n = 0, within = 0;

	for (size_t k = 0; k < r->n_budgets; k++) {
		n += r->budgets[k].questions;
		within += r->budgets[k].within;
	}
	return n ? (double)within / n : 0;
}

double
wh_eval_bucket_accuracy(const struct wh_eval_bucket *b)
{
	return b->questions ? (double)b->correct / b->questions : 0;
}

double
wh_eval_bucket_within_budget(const struct wh_eval_bucket *b)
{
	return b->questions ? (double)b->within / b->questions : 0;
}

double
wh_eval_bucket_thinking_tokens(const struct wh_eval_bucket *b)
{
	return b->questions ? b->thinking_tokens / b->questions : 0;
}

void
wh_eval_summary(const struct wh_eval_result *r, const struct wh_eval_visitor *v,
    void *arg)
{
	char name[32];

	v->number(arg, "questions", (double)r->questions, true);
	v->number(arg, "correct", (double)r->correct, true);
	v->number(arg, "answered", (double)r->answered, true);
	v->number(arg, "too_long", (double)r->too_long, true);
	v->number(arg, "accuracy", wh_eval_accuracy(r), false);
	v->number(arg, "tokens", r->tokens, true);
	v->number(arg, "tokens_per_question", wh_eval_tokens_per_question(r), false);
	v->number(arg, "tokens_per_correct", wh_eval_tokens_per_correct(r), false);
	v->number(arg, "thinking_tokens_per_question", wh_eval_thinking_tokens(r), false);
	v->number(arg, "answer_tokens_per_question", wh_eval_answer_tokens(r), false);
	if (r->samples)
		v->number(arg, "samples", r->samples, true);
	for (int k = 0; k < r->n_pass_k; k++) {
		snprintf(name, sizeof name, "pass_at_%d", r->pass_k[k]);
		v->number(arg, name, r->pass_at_k[k], false);
	}
	v->begin(arg, "difficulty");
	for (size_t k = 0; k < r->n_difficulty; k++) {
		const struct wh_eval_bucket *b = &r->difficulty[k];
		v->begin(arg, NULL);
		v->string(arg, "bucket", b->name);
		v->number(arg, "questions", (double)b->questions, true);
		v->number(arg, "correct", (double)b->correct, true);
		v->number(arg, "accuracy", wh_eval_bucket_accuracy(b), false);
		v->end(arg, NULL);
	}
	v->end(arg, "difficulty");
	v->begin(arg, "budgets");
	for (size_t k = 0; k < r->n_budgets; k++) {
		const struct wh_eval_bucket *b = &r->budgets[k];
		v->begin(arg, NULL);
		v->number(arg, "budget", (double)b->budget, true);
		v->number(arg, "questions", (double)b->questions, true);
		v->number(arg, "correct", (double)b->correct, true);
		v->number(arg, "accuracy", wh_eval_bucket_accuracy(b), false);
		v->number(arg, "within", (double)b->within, true);
		v->number(arg, "within_budget", wh_eval_bucket_within_budget(b), false);
		v->number(arg, "thinking_tokens", wh_eval_bucket_thinking_tokens(b), false);
		v->end(arg, NULL);
	}
	v->end(arg, "budgets");
	if (r->n_budgets)
		v->number(arg, "budget_fidelity", wh_eval_budget_fidelity(r), false);
}

/* The JSON writer of the summary: a comma before each member or object
 * but the first of its object or list. */
struct json_out {
	struct wh_buf *b;
	bool first;
};

static void
json_key(struct json_out *j, const char *name)
{
	if (!j->first)
		wh_buf_addc(j->b, ',');
	j->first = false;
	if (name) {
		wh_json_quote(j->b, name, strlen(name));
		wh_buf_addc(j->b, ':');
	}
}

static void
json_number(void *arg, const char *name, double value, bool count)
{
	json_key(arg, name);
	wh_buf_printf(((struct json_out *)arg)->b, count ? "%.0f" : "%.6g", value);
}

static void
json_string(void *arg, const char *name, const char *value)
{
	json_key(arg, name);
	wh_json_quote(((struct json_out *)arg)->b, value, strlen(value));
}

static void
json_begin(void *arg, const char *name)
{
	struct json_out *j = arg;

	json_key(j, name);
	wh_buf_addc(j->b, name ? '[' : '{');
	j->first = true;
}

static void
json_end(void *arg, const char *name)
{
	struct json_out *j = arg;

	wh_buf_addc(j->b, name ? ']' : '}');
	j->first = false;
}

void
wh_eval_summary_json(struct wh_buf *out, const struct wh_eval_result *r)
{
	static const struct wh_eval_visitor json = { json_number, json_string, json_begin,
		json_end };
	struct json_out j = { out, true };

	wh_buf_addc(out, '{');
	wh_eval_summary(r, &json, &j);
	wh_buf_adds(out, "}\n");
}

void
wh_eval_each_metric(const struct wh_eval_result *r,
    void (*fn)(void *arg, const char *name, double value), void *arg)
{
	char name[96];

	fn(arg, "thinking_tokens", wh_eval_thinking_tokens(r));
	fn(arg, "answer_tokens", wh_eval_answer_tokens(r));
	for (int k = 0; k < r->n_pass_k; k++) {
		snprintf(name, sizeof name, "pass_at_%d", r->pass_k[k]);
		fn(arg, name, r->pass_at_k[k]);
	}
	for (size_t k = 0; k < r->n_difficulty; k++) {
		const struct wh_eval_bucket *b = &r->difficulty[k];
		int n = snprintf(name, sizeof name, "accuracy_difficulty_%s", b->name);
		for (char *c = name + strlen("accuracy_difficulty_"); c < name + n && *c; c++)
			if (!isalnum((unsigned char)*c))
				*c = '_';
		fn(arg, name, wh_eval_bucket_accuracy(b));
	}
	for (size_t k = 0; k < r->n_budgets; k++) {
		const struct wh_eval_bucket *b = &r->budgets[k];
		snprintf(name, sizeof name, "accuracy_budget_%ld", b->budget);
		fn(arg, name, wh_eval_bucket_accuracy(b));
		snprintf(name, sizeof name, "within_budget_%ld", b->budget);
		fn(arg, name, wh_eval_bucket_within_budget(b));
	}
	if (r->n_budgets)
		fn(arg, "budget_fidelity", wh_eval_budget_fidelity(r));
}

void
wh_eval_result_free(struct wh_eval_result *r)
{
	for (size_t k = 0; k < r->n_difficulty; k++)
		free(r->difficulty[k].name);
	free(r->difficulty);
	free(r->budgets);
	r->difficulty = r->budgets = NULL;
	r->n_difficulty = r->n_budgets = 0;
}

/* ---- answering ---- */

/* One response (the graded one or a sample), kept until all are graded. */
struct answer {
	struct wh_buf text;
	int tokens, end;
	int thinking_tokens;
	bool correct;
	size_t start, stop;	/* the final answer: text[start..stop) */
	bool found;
	bool too_long;		/* the prompt left no room to answer */
	int failed;		/* decoding failed */
	struct wh_error err;
	struct wh_segmentation seg, teacher;	/* the graded one's thinking */
};

/* A response cut as the layouts cut a trace: thinking after an opening
 * <think> (or <|begin_of_thought|>) up to the closing tag, the rest after
 * it the answer; without a closing tag all of it is thinking. */
static void
render_prompt(struct wh_buf *b, const char *tmpl, const char *question)
{
	const char *at;

	while ((at = strstr(tmpl, "{question}")) != NULL) {
		wh_buf_add(b, tmpl, (size_t)(at - tmpl));
		wh_buf_adds(b, question);
		tmpl = at + strlen("{question}");
	}
	wh_buf_adds(b, tmpl);
}

/* The final answer of a response, graded as a teacher trace is: the text
 * after its thinking is its answer. */
static void
grade(struct answer *a, const char *gold)
{
	struct wh_trace t = { 0 };
	struct wh_answer ans;
	const char *text = a->text.data ? a->text.data : "", *in;
	struct wh_think_span sp;

	wh_layout_think_span(text, a->text.len, &sp);
	t.text[WH_THINKING] = (char *)text;
	t.len[WH_THINKING] = sp.end;
	if (sp.closed) {
		t.text[WH_ANSWER] = (char *)text + sp.after;
		t.len[WH_ANSWER] = a->text.len - sp.after;
	}
	if ((in = wh_answer_of_trace(&t, &ans)) == NULL)
		return;
	a->found = true;
	a->start = (size_t)(in - text) + ans.start;
	a->stop = (size_t)(in - text) + ans.end;
	a->correct = wh_answer_equiv(text + a->start, a->stop - a->start, gold,
	    strlen(gold)) == WH_VERDICT_EQUAL;
}

/* The graded response's thinking tokens (re-encoded up to the end of its
 * closing tag), and its thinking and the teacher's segmented. */
static void
describe(struct answer *a, const struct wh_eval_item *it, const struct wh_eval_opts *o,
    const struct wh_segmenter *seg)
{
	const char *text = a->text.data ? a->text.data : "";
	struct wh_think_span sp;

	wh_layout_think_span(text, a->text.len, &sp);
	struct wh_ids ids = { 0 };
	struct wh_segment_input in = { text + sp.start, sp.end - sp.start,
		it->question, strlen(it->question), NULL, 0, it->gold, strlen(it->gold) };

	a->thinking_tokens = a->tokens;
	if (sp.closed) {
		wh_gen_encode(o->tok, text, sp.after, &ids);
		if (ids.n < (size_t)a->tokens)
			a->thinking_tokens = (int)ids.n;
		wh_ids_free(&ids);
		in.answer = text + sp.after;
		in.answer_len = a->text.len - sp.after;
	}
	wh_segment_trace(seg, &in, &a->seg);
	if (it->teacher) {
		in.thinking = it->teacher;
		in.thinking_len = strlen(it->teacher);
		in.answer = NULL;
		in.answer_len = 0;
		wh_segment_trace(seg, &in, &a->teacher);
	}
}

/* Response j of question i: 0 the graded one, 1.. the samples. */
static void
answer_one(struct wh_model *m, struct wh_kv_cache *kv, const struct wh_eval_item *it,
    size_t i, int j, const struct wh_eval_opts *o, const struct wh_ids *stop,
    const struct wh_segmenter *seg, struct answer *a)
{
	struct wh_buf p = { 0 };
	struct wh_ids ids = { 0 };
	struct wh_gen_opts g = o->gen;
	int32_t *prompt, *out = wh_xmalloc(((size_t)g.max_new + 1) * sizeof(int32_t));

	render_prompt(&p, o->prompt, it->question);
	wh_gen_encode(o->tok, p.data ? p.data : "", p.len, &ids);
	prompt = wh_xmalloc((ids.n + 1) * sizeof *prompt);
	for (size_t k = 0; k < ids.n; k++)
		prompt[k] = (int32_t)ids.v[k];
	if (o->samples == 0)
		g.seed += i;
	else if (j == 0)
		g.temperature = 0;
	else
		g.seed += i * (size_t)o->samples + (size_t)(j - 1);
	g.stop = (const int32_t *)stop->v;
	g.nstop = (int)stop->n;
	a->end = wh_generate(m, kv, prompt, (int)ids.n, &g, out, &a->tokens);
	if (a->end < 0) {
		a->too_long = true;
		a->end = WH_GEN_LENGTH;
	} else if (wh_gen_decode(o->tok, out, (size_t)a->tokens, &a->text, &a->err) < 0)
		a->failed = -1;
	else {
		wh_buf_addc(&a->text, '\0');
		a->text.len--;
		grade(a, it->gold);
	}
	if (j == 0 && !a->failed)
		describe(a, it, o, seg);
	else
		wh_buf_free(&a->text);
	wh_buf_free(&p);
	wh_ids_free(&ids);
	free(prompt);
	free(out);
}

/* Text folded for comparing segments: ASCII lower case, each run of white
 * space one space, none at either end. */
static void
fold(const char *s, size_t n, struct wh_buf *out)
{
	bool space = false;

	wh_buf_clear(out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isspace(c)) {
			space = out->len > 0;
			continue;
		}
		if (space)
			wh_buf_addc(out, ' ');
		space = false;
		wh_buf_addc(out, (char)tolower(c));
	}
}

static struct wh_eval_departure
departure(const struct answer *a, const char *student, const char *teacher)
{
	struct wh_eval_departure d = { .compared = teacher != NULL };
	const struct wh_segmentation *s = &a->seg, *t = &a->teacher;
	struct wh_buf x = { 0 }, y = { 0 };
	size_t k = 0;

	if (!d.compared)
		return d;
	for (; k < s->n_segs && k < t->n_segs; k++) {
		fold(student + s->segs[k].start, s->segs[k].end - s->segs[k].start, &x);
		fold(teacher + t->segs[k].start, t->segs[k].end - t->segs[k].start, &y);
		if (x.len != y.len || (x.len && memcmp(x.data, y.data, x.len) != 0))
			break;
	}
	wh_buf_free(&x);
	wh_buf_free(&y);
	if (k == s->n_segs && k == t->n_segs)
		return d;
	d.departs = true;
	d.segment = k;
	if (k < s->n_segs) {
		d.student = student + s->segs[k].start;
		d.student_len = s->segs[k].end - s->segs[k].start;
	}
	if (k < t->n_segs) {
		d.teacher = teacher + t->segs[k].start;
		d.teacher_len = t->segs[k].end - t->segs[k].start;
	}
	return d;
}

/* Compare bucket names with runs of digits as numbers ("Level 10" after
 * "Level 9"). */
static int
by_name(const void *x, const void *y)
{
	const char *a = ((const struct wh_eval_bucket *)x)->name;
	const char *b = ((const struct wh_eval_bucket *)y)->name;

	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			size_t na = strspn(a, "0123456789"), nb = strspn(b, "0123456789");
			while (na > 1 && *a == '0')
				a++, na--;
			while (nb > 1 && *b == '0')
				b++, nb--;
			int c = na != nb ? (na < nb ? -1 : 1) : strncmp(a, b, na);
			if (c)
				return c;
			a += na;
			b += nb;
		} else if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		else
			a++, b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int
by_budget(const void *x, const void *y)
{
	long a = ((const struct wh_eval_bucket *)x)->budget;
	long b = ((const struct wh_eval_bucket *)y)->budget;

	return a < b ? -1 : a > b;
}

/* The bucket of name (or budget) in *list, added when new. */
static struct wh_eval_bucket *
bucket(struct wh_eval_bucket **list, size_t *n, const char *name, long budget)
{
	for (size_t k = 0; k < *n; k++)
		if (name ? strcmp((*list)[k].name, name) == 0 : (*list)[k].budget == budget)
			return &(*list)[k];
	*list = wh_xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[*n] = (struct wh_eval_bucket){ .name = name ? wh_xstrdup(name) : NULL,
		.budget = budget };
	return &(*list)[(*n)++];
}

/* Count question i into r: a the graded response, c of n samples correct. */
static void
tally(struct wh_eval_result *r, const struct wh_eval_item *it, const struct answer *a,
    int n, int c)
{
	struct wh_eval_bucket *b;

	r->questions++;
	r->answered += a->found;
	r->too_long += a->too_long;
	r->correct += a->correct;
	r->tokens += a->tokens;
	r->thinking_tokens += a->thinking_tokens;
	for (int k = 0; k < r->n_pass_k; k++)
		r->pass_at_k[k] += wh_eval_pass_at_k(n, c, r->pass_k[k]);
	if (it->difficulty) {
		b = bucket(&r->difficulty, &r->n_difficulty, it->difficulty, 0);
		b->questions++;
		b->correct += a->correct;
	}
	if (it->budget) {
		b = bucket(&r->budgets, &r->n_budgets, NULL, it->budget);
		b->questions++;
		b->correct += a->correct;
		b->within += !a->too_long && a->thinking_tokens <= it->budget;
		b->thinking_tokens += a->thinking_tokens;
	}
}

/* The prediction of question i, for fn. */
static struct wh_eval_pred
prediction(size_t i, const struct wh_eval_item *it, const struct answer *a,
    int n, int c)
{
	const char *text = a->text.data ? a->text.data : "";
	struct wh_think_span sp;

	wh_layout_think_span(text, a->text.len, &sp);
	struct wh_eval_pred p = { i, it, text, a->text.len,
		a->found ? text + a->start : NULL, a->stop - a->start, a->tokens,
		a->thinking_tokens, a->correct, a->too_long, a->end, c, n, text + sp.start,
		sp.end - sp.start, &a->seg,
		departure(a, text + sp.start, it->teacher) };

	return p;
}

/* Samples keep only their outcome: correct or not, or failed to decode
 * (the first failure's error, by task order, in *err). */
enum { SAMPLE_WRONG, SAMPLE_CORRECT, SAMPLE_FAILED };

int
wh_eval_run(struct wh_model *m, const struct wh_eval_set *s, const struct wh_eval_opts *o,
    struct wh_eval_result *r, wh_eval_fn fn, void *arg, struct wh_error *err)
{
	size_t per = 1 + (size_t)o->samples, ntasks = s->n * per, failed = (size_t)-1;
	struct answer *ans = wh_xcalloc(s->n ? s->n : 1, sizeof *ans);
	unsigned char *outcome = wh_xcalloc(ntasks ? ntasks : 1, 1);
	struct wh_error sample_err;
	struct wh_eval_opts eo = *o;
	struct wh_segmenter *seg;
	struct wh_ids stop = { 0 };
	int rc = 0;

	*r = (struct wh_eval_result){ .samples = o->samples, .n_pass_k = o->n_pass_k };
	memcpy(r->pass_k, o->pass_k, sizeof r->pass_k);
	if (wh_segmenter_new(&seg, wh_segment_default_rules(), err) < 0) {
		free(ans);
		free(outcome);
		return -1;
	}
	if (eo.gen.eos < 0)
		eo.gen.eos = m->cfg.eos;
	if (o->stop && *o->stop)
		wh_gen_encode(o->tok, o->stop, strlen(o->stop), &stop);
	#pragma omp parallel
	{
		struct wh_kv_cache *kv = wh_kv_cache_new(&m->cfg);
		#pragma omp for schedule(dynamic)
		for (size_t t = 0; t < ntasks; t++) {
			size_t i = t / per;
			int j = (int)(t % per);
			if (j == 0) {
				answer_one(m, kv, &s->items[i], i, 0, &eo, &stop, seg, &ans[i]);
				continue;
			}
			struct answer a = { 0 };
			answer_one(m, kv, &s->items[i], i, j, &eo, &stop, seg, &a);
			outcome[t] = a.failed ? SAMPLE_FAILED : a.correct ? SAMPLE_CORRECT
			    : SAMPLE_WRONG;
			if (a.failed) {
				#pragma omp critical
				if (t < failed) {
					failed = t;
					sample_err = a.err;
				}
			}
		}
		wh_kv_cache_free(kv);
	}
	for (size_t i = 0; i < s->n; i++) {
		struct answer *a = &ans[i];
		int c = 0;
		for (size_t t = i * per + 1; t < (i + 1) * per; t++)
			c += outcome[t] == SAMPLE_CORRECT;
		if (rc == 0 && (a->failed || (failed != (size_t)-1 && failed / per == i))) {
			*err = a->failed ? a->err : sample_err;
			rc = -1;
		}
		if (rc == 0) {
			tally(r, &s->items[i], a, o->samples, c);
			if (fn) {
				struct wh_eval_pred p = prediction(i, &s->items[i], a, o->samples, c);
				fn(arg, &p);
			}
		}
		wh_buf_free(&a->text);
		wh_segmentation_free(&a->seg);
		wh_segmentation_free(&a->teacher);
	}
	for (int k = 0; k < r->n_pass_k && r->questions; k++)
		r->pass_at_k[k] /= (double)r->questions;
	if (r->n_difficulty)
		qsort(r->difficulty, r->n_difficulty, sizeof *r->difficulty, by_name);
	if (r->n_budgets)
		qsort(r->budgets, r->n_budgets, sizeof *r->budgets, by_budget);
	if (rc < 0)
		wh_eval_result_free(r);
	wh_segmenter_free(seg);
	wh_ids_free(&stop);
	free(ans);
	free(outcome);
	return rc;
}

void
wh_eval_pred_json(struct wh_buf *out, const struct wh_eval_pred *p)
{
	const struct wh_eval_departure *d = &p->departure;
	const struct wh_eval_item *it = p->item;
	struct wh_think_span sp;

	wh_layout_think_span(p->output, p->output_len, &sp);
	wh_buf_printf(out, "{\"record\":%zu,\"question\":", p->index + 1);
	wh_json_quote(out, it->question, strlen(it->question));
	wh_buf_adds(out, ",\"thinking\":");
	wh_json_quote(out, p->thinking, p->thinking_len);
	wh_buf_adds(out, ",\"answer\":");
	if (sp.closed)
		wh_json_quote(out, p->output + sp.after, p->output_len - sp.after);
	else
		wh_buf_adds(out, "null");
	wh_buf_adds(out, ",\"gold\":");
	wh_json_quote(out, it->gold, strlen(it->gold));
	wh_buf_adds(out, ",\"prediction\":");
	if (p->answer)
		wh_json_quote(out, p->answer, p->answer_len);
	else
		wh_buf_adds(out, "null");
	wh_buf_printf(out, ",\"correct\":%s,\"tokens\":%d,\"thinking_tokens\":%d,"
	    "\"answer_tokens\":%d,\"end\":\"%s\"", p->correct ? "true" : "false", p->tokens,
	    p->thinking_tokens, p->tokens - p->thinking_tokens, wh_gen_end_name(p->end));
	if (it->difficulty) {
		wh_buf_adds(out, ",\"difficulty\":");
		wh_json_quote(out, it->difficulty, strlen(it->difficulty));
	}
	if (it->budget)
		wh_buf_printf(out, ",\"budget\":%ld,\"within_budget\":%s", it->budget,
		    !p->too_long && p->thinking_tokens <= it->budget ? "true" : "false");
	if (p->samples)
		wh_buf_printf(out, ",\"samples\":%d,\"samples_correct\":%d", p->samples,
		    p->samples_correct);
	wh_buf_adds(out, ",\"segmentation\":");
	wh_segment_json(p->segments, p->thinking, NULL, out);
	if (d->compared && !d->departs)
		wh_buf_adds(out, ",\"departs\":null");
	else if (d->compared) {
		wh_buf_printf(out, ",\"departs\":{\"segment\":%zu,\"student\":", d->segment);
		if (d->student)
			wh_json_quote(out, d->student, d->student_len);
		else
			wh_buf_adds(out, "null");
		wh_buf_adds(out, ",\"teacher\":");
		if (d->teacher)
			wh_json_quote(out, d->teacher, d->teacher_len);
		else
			wh_buf_adds(out, "null");
		wh_buf_addc(out, '}');
	}
	wh_buf_adds(out, "}\n");
}
