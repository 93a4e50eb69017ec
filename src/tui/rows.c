/* The workbench's background scan: worker threads take blocks of records,
 * read each under the read lock, and segment and grade it with the analysis
 * layer; the list draws whatever rows are ready. */
#include <stdlib.h>
#include <string.h>

#include "tui/rows.h"
#include "whittle/answer.h"
#include "whittle/utf8.h"

#define BLOCK 64

static uint8_t
verdict_of(const struct wh_trace *t)
{
	struct wh_answer a, g;
	const char *src = wh_answer_of_trace(t, &a);

	if (t->text[WH_GOLD] == NULL ||
	    !wh_answer_of_gold(t->text[WH_GOLD], t->len[WH_GOLD], &g))
		return WH_V_NONE;
	if (src == NULL)
		return WH_V_WRONG;
	switch (wh_answer_equiv(src + a.start, a.end - a.start,
	    t->text[WH_GOLD] + g.start, g.end - g.start)) {
	case WH_VERDICT_EQUAL: return WH_V_CORRECT;
	case WH_VERDICT_DIFFERENT: return WH_V_WRONG;
	default: return WH_V_UNKNOWN;
	}
}

static void
measure(struct wh_tui_rows *r, const struct wh_trace *t, struct wh_tui_row *row)
{
	struct wh_segmentation g = {0};
	struct wh_segment_input in = {
		.thinking = t->text[WH_THINKING], .thinking_len = t->len[WH_THINKING],
		.question = t->text[WH_QUESTION], .question_len = t->len[WH_QUESTION],
		.answer = t->text[WH_ANSWER], .answer_len = t->len[WH_ANSWER],
		.gold = t->text[WH_GOLD], .gold_len = t->len[WH_GOLD],
	};

	row->verdict = verdict_of(t);
	if (in.thinking == NULL)
		return;
	row->think = (uint32_t)(r->tok ? wh_tokenizer_count(r->tok, in.thinking,
	    in.thinking_len) : wh_utf8_count(in.thinking, in.thinking_len));
	wh_segment_trace(r->seg, &in, &g);
	row->n_segs = g.n_segs > 65535 ? 65535 : (uint16_t)g.n_segs;
	row->n_sols = g.n_sols > 255 ? 255 : (uint8_t)g.n_sols;
	for (size_t k = 0; k < g.n_sols; k++)
		row->n_redundant += g.sols[k].redundant && row->n_redundant < 255;
	wh_segmentation_free(&g);
}

static void
compute(struct wh_tui_rows *r, size_t i)
{
	struct wh_tui_row row = {0};
	struct wh_trace t;
	int rc;

	pthread_rwlock_rdlock(&r->lock);
	rc = r->ds->layout_known ? wh_dataset_trace(r->ds, i, 0, &t, NULL) : -1;
	pthread_rwlock_unlock(&r->lock);
	if (rc < 0)
		row.bad = 1;
	else {
		measure(r, &t, &row);
		wh_trace_free(&t);
	}
	r->row[i].bad = row.bad;
	r->row[i].verdict = row.verdict;
	r->row[i].n_sols = row.n_sols;
	r->row[i].n_redundant = row.n_redundant;
	r->row[i].n_segs = row.n_segs;
	r->row[i].think = row.think;
	atomic_store_explicit(&r->row[i].ready, 1, memory_order_release);
}

static void *
worker(void *arg)
{
	struct wh_tui_rows *r = arg;

	while (!atomic_load(&r->stop)) {
		size_t b = atomic_fetch_add(&r->next, BLOCK);
		if (b >= r->n)
			break;
		size_t e = b + BLOCK < r->n ? b + BLOCK : r->n;
		for (size_t i = b; i < e && !atomic_load(&r->stop); i++)
			compute(r, i);
		atomic_fetch_add(&r->done, e - b);
	}
	return NULL;
}

void
wh_tui_rows_start(struct wh_tui_rows *r, struct wh_dataset *ds,
    const struct wh_segmenter *seg, const struct wh_tokenizer *tok, int threads)
{
	memset(r, 0, sizeof *r);
	r->ds = ds;
	r->seg = seg;
	r->tok = tok;
	r->n = wh_dataset_entries(ds);
	r->row = wh_xcalloc(r->n ? r->n : 1, sizeof *r->row);
	pthread_rwlock_init(&r->lock, NULL);
	if (threads < 1)
		threads = 1;
	r->n_threads = threads > 16 ? 16 : threads;
	for (int k = 0; k < r->n_threads; k++)
		pthread_create(&r->thread[k], NULL, worker, r);
}

void
wh_tui_rows_stop(struct wh_tui_rows *r)
{
	atomic_store(&r->stop, true);
	for (int k = 0; k < r->n_threads; k++)
		pthread_join(r->thread[k], NULL);
	pthread_rwlock_destroy(&r->lock);
	free(r->row);
	r->row = NULL;
}

size_t
wh_tui_rows_done(struct wh_tui_rows *r)
{
	size_t d = atomic_load(&r->done);
	return d < r->n ? d : r->n;
}

void
wh_tui_rows_refresh(struct wh_tui_rows *r, size_t i)
{
	if (i < r->n)
		compute(r, i);
}

bool
wh_tui_rows_get(struct wh_tui_rows *r, size_t i, struct wh_tui_row *out)
{
	if (i >= r->n || !atomic_load_explicit(&r->row[i].ready, memory_order_acquire))
		return false;
	out->bad = r->row[i].bad;
	out->verdict = r->row[i].verdict;
	out->n_sols = r->row[i].n_sols;
	out->n_redundant = r->row[i].n_redundant;
	out->n_segs = r->row[i].n_segs;
	out->think = r->row[i].think;
	return true;
}
