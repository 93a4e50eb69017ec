/* The workbench's background scan: worker threads take blocks of records,
 * read each under the read lock, and segment and grade it with the analysis
 * layer; the list draws whatever rows are ready. An indexer thread indexes
 * the whole of a file opened with a partial index. */
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config.h"
#include "tui/rows.h"
#include "whittle/answer.h"
#include "whittle/buf.h"
#include "whittle/file.h"
#include "whittle/hash.h"
#include "whittle/paths.h"
#include "whittle/utf8.h"

#define BLOCK 64
#define NICE 10		/* of the background threads */
#define CACHE_MAGIC "whittle rows 3\n"	/* 2: no verdict without a response,
						   solutions past 255; 3: segments
						   past 65535 */

/* A row as the cache file stores it. */
struct wh_tui_cached {
	uint8_t valid;		/* 0: computed from an edit, not the file */
	uint8_t bad, verdict;
	uint16_t n_sols, n_redundant;
	uint32_t n_segs, think;
};

static uint8_t
verdict_of(const struct wh_trace *t)
{
	struct wh_answer a, g;
	const char *src = wh_answer_of_trace(t, &a);

	if (t->text[WH_GOLD] == NULL ||
	    !wh_answer_of_gold(t->text[WH_GOLD], t->len[WH_GOLD], &g))
		return WH_V_NONE;
	if (t->text[WH_THINKING] == NULL && t->text[WH_ANSWER] == NULL)
		return WH_V_NONE;	/* a prompt set: nothing answered */
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
	row->n_segs = g.n_segs > UINT32_MAX ? UINT32_MAX : (uint32_t)g.n_segs;
	row->n_sols = g.n_sols > 65535 ? 65535 : (uint16_t)g.n_sols;
	for (size_t k = 0; k < g.n_sols; k++)
		row->n_redundant += g.sols[k].redundant && row->n_redundant < 65535;
	wh_segmentation_free(&g);
}

/* Keep the rows of a finished scan for the next one (edited records'
 * rows marked invalid); a cache that cannot be written is no error. */
static void
cache_save(struct wh_tui_rows *r)
{
	struct wh_atomic a;
	struct wh_tui_cached c;
	bool ok = true;

	if (r->cache == NULL || r->n_cached == r->n || atomic_load(&r->stop) ||
	    wh_atomic_open(&a, r->cache, NULL) < 0)
		return;
	fputs(CACHE_MAGIC, a.fp);
	fwrite(&r->n, sizeof r->n, 1, a.fp);
	pthread_rwlock_rdlock(&r->lock);
	for (size_t i = 0; i < r->n && ok; i++) {
		const struct wh_tui_row *w = &r->row[i];
		c = (struct wh_tui_cached){ !wh_dataset_edited(r->ds, i), w->bad, w->verdict,
			w->n_sols, w->n_redundant, w->n_segs, w->think };
		ok = fwrite(&c, sizeof c, 1, a.fp) == 1;
	}
	pthread_rwlock_unlock(&r->lock);
	if (ok)
		wh_atomic_commit(&a, NULL);
	else
		wh_atomic_abort(&a);
}

/* The cache's path for ds, made from what its rows depend on; NULL when
 * there is no cache folder. */
static char *
cache_path(const struct wh_dataset *ds, const char *reading)
{
	char *dir = wh_xdg_dir("CACHE"), *abs = wh_abspath(ds->source);
	struct wh_buf key = {0}, path = {0};
	uint64_t h;

	wh_buf_printf(&key, "%s\n%zu %lld %lld\n%s\n%s", abs, ds->map.size,
	    (long long)ds->map.mtime_ns, (long long)ds->map.inode, PACKAGE_VERSION,
	    reading);
	h = wh_hash(WH_HASH_SEED, key.data, key.len);
	wh_buf_printf(&path, "%s/rows", dir ? dir : "");
	if (dir == NULL || wh_mkdirs(path.data, NULL) < 0)
		wh_buf_free(&path);
	else
		wh_buf_printf(&path, "/%016llx", (unsigned long long)h);
	wh_buf_free(&key);
	free(abs);
	free(dir);
	return wh_buf_take(&path);
}

/* Read the cache's rows, if it is there and whole. */
static void
cache_load(struct wh_tui_rows *r)
{
	struct wh_map m;
	const size_t head = sizeof CACHE_MAGIC - 1 + sizeof(size_t);
	size_t n;

	if (r->cache == NULL || wh_map_open(&m, r->cache, NULL) < 0)
		return;
	if (m.size >= head && memcmp(m.data, CACHE_MAGIC, head - sizeof n) == 0) {
		memcpy(&n, m.data + head - sizeof n, sizeof n);
		if (m.size == head + n * sizeof *r->cached) {
			r->cached = wh_xmalloc((n ? n : 1) * sizeof *r->cached);
			memcpy(r->cached, m.data + head, n * sizeof *r->cached);
			r->n_cached = n;
		}
	}
	wh_map_close(&m);
}

/* The row of entry i from the cache, if it holds one for the file's bytes. */
static bool
from_cache(struct wh_tui_rows *r, size_t i, struct wh_tui_row *row)
{
	const struct wh_tui_cached *c = i < r->n_cached ? &r->cached[i] : NULL;

	if (c == NULL || !c->valid || wh_dataset_edited(r->ds, i))
		return false;
	row->bad = c->bad;
	row->verdict = c->verdict;
	row->n_sols = c->n_sols;
	row->n_redundant = c->n_redundant;
	row->n_segs = c->n_segs;
	row->think = c->think;
	return true;
}

static void
compute(struct wh_tui_rows *r, size_t i, bool fresh)
{
	struct wh_tui_row row = {0};
	struct wh_trace t;
	bool cached;
	int rc = 0;

	pthread_rwlock_rdlock(&r->lock);
	cached = !fresh && from_cache(r, i, &row);
	if (!cached)
		rc = r->ds->layout_known ? wh_dataset_trace(r->ds, i, 0, &t, NULL) : -1;
	pthread_rwlock_unlock(&r->lock);
	if (!cached && rc < 0)
		row.bad = 1;
	else if (!cached) {
		measure(r, &t, &row);
		wh_trace_free(&t);
	}
	pthread_rwlock_rdlock(&r->lock);
	r->row[i].bad = row.bad;
	r->row[i].verdict = row.verdict;
	r->row[i].n_sols = row.n_sols;
	r->row[i].n_redundant = row.n_redundant;
	r->row[i].n_segs = row.n_segs;
	r->row[i].think = row.think;
	atomic_store_explicit(&r->row[i].ready, 1, memory_order_release);
	pthread_rwlock_unlock(&r->lock);
}

/* The end of the block starting at b once its records are indexed (or the
 * index is whole); b itself when there is nothing left or the scan stops. */
static size_t
block_end(struct wh_tui_rows *r, size_t b)
{
	size_t n;

	pthread_mutex_lock(&r->mu);
	while (r->indexing && b + BLOCK > r->n && !atomic_load(&r->stop))
		pthread_cond_wait(&r->more, &r->mu);
	n = atomic_load(&r->stop) ? 0 : r->n;
	pthread_mutex_unlock(&r->mu);
	return b >= n ? b : b + BLOCK < n ? b + BLOCK : n;
}

/* The number of records once the index is whole, else 0. */
static size_t
whole(struct wh_tui_rows *r)
{
	size_t n;

	pthread_mutex_lock(&r->mu);
	n = r->indexing ? 0 : r->n;
	pthread_mutex_unlock(&r->mu);
	return n;
}

/* Background threads yield the processor to the UI thread: on Linux a
 * thread's nice value is its own. */
static void
lower_priority(void)
{
	setpriority(PRIO_PROCESS, (id_t)gettid(), NICE);
}

static void *
worker(void *arg)
{
	struct wh_tui_rows *r = arg;

	lower_priority();
	while (!atomic_load(&r->stop)) {
		size_t b = atomic_fetch_add(&r->next, BLOCK);
		size_t e = block_end(r, b);
		if (e == b)
			break;
		for (size_t i = b; i < e && !atomic_load(&r->stop); i++)
			compute(r, i, false);
		if (atomic_fetch_add(&r->done, e - b) + (e - b) == whole(r))
			cache_save(r);
	}
	return NULL;
}

/* Index the whole file (only reading the mapping), then wake the UI. */
static void *
indexer(void *arg)
{
	struct wh_tui_rows *r = arg;

	lower_priority();
	wh_index_build(&r->full, r->ds->map.data, r->ds->map.size, r->ds->threads);
	if (write(r->wake[1], "", 1) < 0)
		atomic_store(&r->stop, true);
	return NULL;
}

void
wh_tui_rows_init(struct wh_tui_rows *r, struct wh_dataset *ds,
    const struct wh_segmenter *seg, const struct wh_tokenizer *tok,
    const char *reading)
{
	memset(r, 0, sizeof *r);
	r->ds = ds;
	r->seg = seg;
	r->tok = tok;
	r->n = wh_dataset_entries(ds);
	r->row = wh_xcalloc(r->n ? r->n : 1, sizeof *r->row);
	r->wake[0] = r->wake[1] = -1;
	pthread_rwlock_init(&r->lock, NULL);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->more, NULL);
	if (ds->layout_known && ds->map.size > 0)
		r->cache = cache_path(ds, reading);
	cache_load(r);
}

void
wh_tui_rows_start(struct wh_tui_rows *r, int threads)
{
	if (r->ds->index.partial && pipe2(r->wake, O_CLOEXEC) == 0) {
		r->indexing = true;
		pthread_create(&r->indexer, NULL, indexer, r);
	}
	if (threads < 1)
		threads = 1;
	r->n_threads = threads > 16 ? 16 : threads;
	for (int k = 0; k < r->n_threads; k++)
		pthread_create(&r->thread[k], NULL, worker, r);
}

int
wh_tui_rows_fd(struct wh_tui_rows *r)
{
	return r->indexing ? r->wake[0] : -1;
}

bool
wh_tui_rows_poll(struct wh_tui_rows *r, bool wait)
{
	struct pollfd p = { .fd = r->wake[0], .events = POLLIN };
	size_t old = r->n, n;
	char c;

	if (!r->indexing || poll(&p, 1, wait ? -1 : 0) != 1 || read(r->wake[0], &c, 1) != 1)
		return false;
	pthread_join(r->indexer, NULL);
	pthread_rwlock_wrlock(&r->lock);
	if (wh_dataset_adopt_index(r->ds, &r->full) == 0) {
		n = wh_dataset_entries(r->ds);
		r->row = wh_xrealloc(r->row, (n ? n : 1) * sizeof *r->row);
		memset(r->row + old, 0, (n - old) * sizeof *r->row);
	} else
		wh_index_free(&r->full);
	pthread_mutex_lock(&r->mu);
	r->n = wh_dataset_entries(r->ds);
	r->indexing = false;
	pthread_cond_broadcast(&r->more);
	pthread_mutex_unlock(&r->mu);
	pthread_rwlock_unlock(&r->lock);
	return r->n != old;
}

void
wh_tui_rows_stop(struct wh_tui_rows *r)
{
	if (r->row == NULL)
		return;
	atomic_store(&r->stop, true);
	if (r->indexing)
		pthread_join(r->indexer, NULL);
	wh_index_free(&r->full);
	pthread_mutex_lock(&r->mu);
	pthread_cond_broadcast(&r->more);
	pthread_mutex_unlock(&r->mu);
	for (int k = 0; k < r->n_threads; k++)
		pthread_join(r->thread[k], NULL);
	for (int k = 0; k < 2; k++)
		if (r->wake[k] >= 0)
			close(r->wake[k]);
	pthread_rwlock_destroy(&r->lock);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->more);
	free(r->row);
	r->row = NULL;
	free(r->cache);
	free(r->cached);
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
		compute(r, i, true);
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
