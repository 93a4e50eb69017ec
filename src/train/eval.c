/* Evaluation: the questions and reference answers of a dataset, a greedy or
 * sampled response to each from the student, its final answer graded
 * against the reference, accuracy and tokens summed in question order. */
#include <stdlib.h>
#include <string.h>

#include "whittle/answer.h"
#include "whittle/buf.h"
#include "whittle/dataset.h"
#include "whittle/eval.h"
#include "whittle/json.h"

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

int
wh_eval_set_load(struct wh_eval_set *s, const char *path, size_t limit,
    struct wh_error *err)
{
	struct wh_open_opts opts = { 0 };
	struct wh_dataset *ds;
	size_t cap = 0;

	s->items = NULL;
	s->n = 0;
	if (wh_dataset_open(&ds, path, &opts, err) < 0)
		return -1;
	for (size_t i = 0; i < wh_dataset_entries(ds) && (limit == 0 || s->n < limit); i++) {
		struct wh_trace t;
		struct wh_error e;
		char *gold;
		if (wh_dataset_trace(ds, i, 0, &t, &e) < 0)
			continue;
		if (t.text[WH_QUESTION] && (gold = reference(&t)) != NULL) {
			if (s->n == cap) {
				cap = cap ? 2 * cap : 64;
				s->items = wh_xrealloc(s->items, cap * sizeof *s->items);
			}
			s->items[s->n].question = wh_xstrdup(t.text[WH_QUESTION]);
			s->items[s->n++].gold = gold;
		}
		wh_trace_free(&t);
	}
	wh_dataset_close(ds);
	if (s->n == 0)
		return wh_error_set(err, path, 0, "no record has a question and an answer");
	return 0;
}

void
wh_eval_set_free(struct wh_eval_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->items[i].question);
		free(s->items[i].gold);
	}
	free(s->items);
	s->items = NULL;
	s->n = 0;
}

/* ---- the measures ---- */

void
wh_eval_opts_default(struct wh_eval_opts *o)
{
	*o = (struct wh_eval_opts){ .prompt = "{question}\n\n", .stop = "</answer>" };
	wh_gen_opts_default(&o->gen);
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

/* ---- answering ---- */

/* One question's response, kept until all are graded. */
struct answer {
	struct wh_buf text;
	int tokens, end;
	bool correct;
	size_t start, stop;	/* the final answer: text[start..stop) */
	bool found;
	bool too_long;		/* the prompt left no room to answer */
	int failed;		/* decoding failed */
	struct wh_error err;
};

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
 * after a </think> is its answer, the text before its thinking. */
static void
grade(struct answer *a, const char *gold)
{
	struct wh_trace t = { 0 };
	struct wh_answer ans;
	const char *text = a->text.data ? a->text.data : "", *close = strstr(text, "</think>");
	const char *in;

	t.text[WH_THINKING] = (char *)text;
	t.len[WH_THINKING] = close ? (size_t)(close - text) : a->text.len;
	if (close) {
		t.text[WH_ANSWER] = (char *)close + strlen("</think>");
		t.len[WH_ANSWER] = a->text.len - t.len[WH_THINKING] - strlen("</think>");
	}
	if ((in = wh_answer_of_trace(&t, &ans)) == NULL)
		return;
	a->found = true;
	a->start = (size_t)(in - text) + ans.start;
	a->stop = (size_t)(in - text) + ans.end;
	a->correct = wh_answer_equiv(text + a->start, a->stop - a->start, gold,
	    strlen(gold)) == WH_VERDICT_EQUAL;
}

static void
answer_one(struct wh_model *m, struct wh_kv_cache *kv, const struct wh_eval_item *it,
    size_t i, const struct wh_eval_opts *o, const struct wh_ids *stop, struct answer *a)
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
	g.seed += i;
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
	wh_buf_free(&p);
	wh_ids_free(&ids);
	free(prompt);
	free(out);
}

int
wh_eval_run(struct wh_model *m, const struct wh_eval_set *s, const struct wh_eval_opts *o,
    struct wh_eval_result *r, wh_eval_fn fn, void *arg, struct wh_error *err)
{
	struct answer *ans = wh_xcalloc(s->n ? s->n : 1, sizeof *ans);
	struct wh_eval_opts eo = *o;
	struct wh_ids stop = { 0 };
	int rc = 0;

	if (eo.gen.eos < 0)
		eo.gen.eos = m->cfg.eos;
	if (o->stop && *o->stop)
		wh_gen_encode(o->tok, o->stop, strlen(o->stop), &stop);
	#pragma omp parallel
	{
		struct wh_kv_cache *kv = wh_kv_cache_new(&m->cfg);
		#pragma omp for schedule(dynamic)
		for (size_t i = 0; i < s->n; i++)
			answer_one(m, kv, &s->items[i], i, &eo, &stop, &ans[i]);
		wh_kv_cache_free(kv);
	}
	*r = (struct wh_eval_result){ 0 };
	for (size_t i = 0; i < s->n; i++) {
		struct answer *a = &ans[i];
		if (a->failed && rc == 0) {
			*err = a->err;
			rc = -1;
		}
		if (rc == 0) {
			r->questions++;
			r->answered += a->found;
			r->too_long += a->too_long;
			r->correct += a->correct;
			r->tokens += a->tokens;
			if (fn) {
				struct wh_eval_pred p = { i, &s->items[i],
					a->text.data ? a->text.data : "", a->text.len,
					a->found ? a->text.data + a->start : NULL,
					a->stop - a->start, a->tokens, a->correct, a->end };
				fn(arg, &p);
			}
		}
		wh_buf_free(&a->text);
	}
	wh_ids_free(&stop);
	free(ans);
	return rc;
}

void
wh_eval_pred_json(struct wh_buf *out, const struct wh_eval_pred *p)
{
	const char *close = strstr(p->output, "</think>"), *think = p->output;
	size_t tlen = close ? (size_t)(close - p->output) : p->output_len;

	if (strncmp(think, "<think>", 7) == 0 && tlen >= 7) {
		think += 7;
		tlen -= 7;
	}
	wh_buf_printf(out, "{\"record\":%zu,\"question\":", p->index + 1);
	wh_json_quote(out, p->item->question, strlen(p->item->question));
	wh_buf_adds(out, ",\"thinking\":");
	wh_json_quote(out, think, tlen);
	wh_buf_adds(out, ",\"answer\":");
	if (close)
		wh_json_quote(out, close + 8, p->output_len - (size_t)(close + 8 - p->output));
	else
		wh_buf_adds(out, "null");
	wh_buf_adds(out, ",\"gold\":");
	wh_json_quote(out, p->item->gold, strlen(p->item->gold));
	wh_buf_adds(out, ",\"prediction\":");
	if (p->answer)
		wh_json_quote(out, p->answer, p->answer_len);
	else
		wh_buf_adds(out, "null");
	wh_buf_printf(out, ",\"correct\":%s,\"tokens\":%d,\"end\":\"%s\"}\n",
	    p->correct ? "true" : "false", p->tokens, wh_gen_end_name(p->end));
}
