/* The whole-file scan, in parallel over blocks of records. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "whittle/buf.h"
#include "whittle/scan.h"
#include "whittle/utf8.h"

#define BLOCK 256

enum { F_GOLD = 1, F_ANSWER = 2, F_THINKING = 4, F_TRUNCATED = 8 };

struct shared {
	struct wh_dataset *ds;
	atomic_size_t next;	/* next block to take */
	atomic_size_t bytes_done;
	int running;		/* workers still going, under lock */
	pthread_mutex_t lock;
	pthread_cond_t finished;
	const struct wh_scan_probe *probe;
	uint32_t *chars[WH_NFIELDS];	/* per entry */
	uint32_t *values;		/* per entry, probe->n each */
	uint32_t *gens;			/* per entry */
	uint8_t *flags;			/* per entry */
};

static uint32_t
count(const struct wh_trace *t, enum wh_field f)
{
	return t->text[f] ? (uint32_t)wh_utf8_count(t->text[f], t->len[f]) : 0;
}

static void
keep(struct shared *sh, size_t i, const struct wh_trace_size *z)
{
	for (int f = 0; f < WH_NFIELDS; f++)
		sh->chars[f][i] = z->chars[f];
	sh->gens[i] = z->n_generations;
	sh->flags[i] = (z->present[WH_GOLD] ? F_GOLD : 0) |
	    (z->present[WH_ANSWER] ? F_ANSWER : 0) |
	    (z->present[WH_THINKING] ? F_THINKING : 0) |
	    (z->think_open && !z->think_closed ? F_TRUNCATED : 0);
}

/* Without a probe the fields are measured, not decoded. */
static void
scan_entry(struct shared *sh, size_t i)
{
	struct wh_dataset *ds = sh->ds;
	struct wh_trace t;

	if (!ds->layout_known) {
		struct wh_json j = {0};
		if (wh_dataset_parse(ds, i, &j, NULL) == 0)
			wh_dataset_mark(ds, i, NULL);
		wh_json_free(&j);
		return;
	}
	if (sh->probe == NULL) {
		struct wh_trace_size z;
		if (wh_dataset_measure(ds, i, &z, NULL) == 0)
			keep(sh, i, &z);
		return;
	}
	if (wh_dataset_trace(ds, i, 0, &t, NULL) < 0)
		return;
	sh->probe->measure(sh->probe->ctx, &t, sh->values + i * (size_t)sh->probe->n);
	keep(sh, i, &(struct wh_trace_size){
		.present = { t.text[0] != NULL, t.text[1] != NULL,
		    t.text[2] != NULL, t.text[3] != NULL },
		.chars = { count(&t, 0), count(&t, 1), count(&t, 2), count(&t, 3) },
		.think_open = t.think_open, .think_closed = t.think_closed,
		.n_generations = t.n_generations });
	wh_trace_free(&t);
}

static void *
worker(void *arg)
{
	struct shared *sh = arg;
	size_t n = wh_dataset_entries(sh->ds);

	for (;;) {
		size_t b = atomic_fetch_add(&sh->next, 1) * BLOCK;
		if (b >= n)
			break;
		size_t e = b + BLOCK < n ? b + BLOCK : n, bytes = 0;
		for (size_t i = b; i < e; i++) {
			scan_entry(sh, i);
			bytes += sh->ds->index.entries[i].len + 1;
		}
		atomic_fetch_add(&sh->bytes_done, bytes);
	}
	pthread_mutex_lock(&sh->lock);
	if (--sh->running == 0)
		pthread_cond_signal(&sh->finished);
	pthread_mutex_unlock(&sh->lock);
	return NULL;
}

static void
collect(struct shared *sh, struct wh_scan_result *r)
{
	struct wh_dataset *ds = sh->ds;
	size_t n = wh_dataset_entries(ds);

	int nv = sh->probe ? sh->probe->n : 0;

	for (int f = 0; f < WH_NFIELDS; f++)
		r->chars[f] = wh_xmalloc((n ? n : 1) * sizeof(uint32_t));
	for (int k = 0; k < nv; k++)
		r->values[k] = wh_xmalloc((n ? n : 1) * sizeof(uint32_t));
	for (size_t i = 0; i < n; i++) {
		if (ds->state[i] != WH_REC_GOOD) {
			r->bad++;
			continue;
		}
		for (int f = 0; f < WH_NFIELDS; f++)
			r->chars[f][r->records] = sh->chars[f][i];
		for (int k = 0; k < nv; k++)
			r->values[k][r->records] = sh->values[i * (size_t)nv + (size_t)k];
		r->records++;
		r->generations += sh->gens[i] ? sh->gens[i] : 1;
		r->with_gold += (sh->flags[i] & F_GOLD) != 0;
		r->with_answer += (sh->flags[i] & F_ANSWER) != 0;
		r->with_thinking += (sh->flags[i] & F_THINKING) != 0;
		r->truncated += (sh->flags[i] & F_TRUNCATED) != 0;
	}
}

void
wh_scan_run(struct wh_dataset *ds, struct wh_scan_result *r, int threads,
    const struct wh_scan_probe *probe, wh_progress_fn progress, void *arg)
{
	struct shared sh = { .ds = ds, .probe = probe };
	size_t n = wh_dataset_entries(ds), total = 0;
	pthread_t tid[64];

	memset(r, 0, sizeof *r);
	if (threads <= 0)
		threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads > 64)
		threads = 64;
	if ((size_t)threads > n / BLOCK + 1)
		threads = (int)(n / BLOCK + 1);
	for (int f = 0; f < WH_NFIELDS; f++)
		sh.chars[f] = wh_xcalloc(n ? n : 1, sizeof(uint32_t));
	if (probe)
		sh.values = wh_xcalloc((n ? n : 1) * (size_t)probe->n, sizeof(uint32_t));
	sh.gens = wh_xcalloc(n ? n : 1, sizeof(uint32_t));
	sh.flags = wh_xcalloc(n ? n : 1, 1);
	for (size_t i = 0; i < n; i++)
		total += ds->index.entries[i].len + 1;
	sh.running = threads;
	pthread_mutex_init(&sh.lock, NULL);
	pthread_cond_init(&sh.finished, NULL);
	for (int t = 0; t < threads; t++)
		pthread_create(&tid[t], NULL, worker, &sh);
	/* Report progress every tenth of a second until the last worker ends. */
	pthread_mutex_lock(&sh.lock);
	while (sh.running > 0) {
		struct timespec tick;
		clock_gettime(CLOCK_REALTIME, &tick);
		tick.tv_nsec += 100 * 1000 * 1000;
		if (tick.tv_nsec >= 1000000000) {
			tick.tv_sec++;
			tick.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&sh.finished, &sh.lock, &tick);
		if (progress && sh.running > 0)
			progress(arg, atomic_load(&sh.bytes_done), total);
	}
	pthread_mutex_unlock(&sh.lock);
	for (int t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	pthread_mutex_destroy(&sh.lock);
	pthread_cond_destroy(&sh.finished);
	if (progress)
		progress(arg, total, total);
	collect(&sh, r);
	r->bytes = total;
	for (int f = 0; f < WH_NFIELDS; f++)
		free(sh.chars[f]);
	free(sh.values);
	free(sh.gens);
	free(sh.flags);
}

void
wh_scan_free(struct wh_scan_result *r)
{
	for (int f = 0; f < WH_NFIELDS; f++)
		free(r->chars[f]);
	for (int k = 0; k < WH_SCAN_MAX_VALUES; k++)
		free(r->values[k]);
	memset(r, 0, sizeof *r);
}
