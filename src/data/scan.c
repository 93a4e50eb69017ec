/* The whole-file scan, in parallel over blocks of records. JSON lines past
 * a partial index are indexed by the scan itself, a chunk of the file at a
 * time, each chunk read while its bytes are still in the cache: one pass
 * over the file where indexing first and reading after took two. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "whittle/buf.h"
#include "whittle/cpus.h"
#include "whittle/scan.h"
#include "whittle/utf8.h"

#define BLOCK 256
#define CHUNK ((size_t)512 << 10)	/* bytes: well inside a core's L2 */

enum { F_GOLD = 1, F_ANSWER = 2, F_THINKING = 4, F_TRUNCATED = 8, F_QUESTION = 16 };

/* What the scan keeps of a good record. */
struct rec {
	uint32_t chars[WH_NFIELDS];
	uint32_t gens;
	uint8_t flags;
};

/* A stretch of JSON lines past the partial index: [from, to) starts and
 * ends at a line start. */
struct chunk {
	size_t from, to;
	struct wh_index part;	/* lines counted from 1 at from */
	uint32_t newlines;
	struct rec *recs;	/* per entry of part */
	uint32_t *values;	/* per entry, probe->n each */
	int8_t *rc;		/* per entry: what wh_dataset_read_text said */
	char **why;		/* per entry: why it is bad; NULL until one is */
};

struct shared {
	struct wh_dataset *ds;
	size_t n;		/* entries of the index the scan started with */
	atomic_size_t next;	/* next block of those to take */
	struct chunk *chunks;
	size_t n_chunks;
	atomic_size_t next_chunk;
	atomic_size_t bytes_done;
	int running;		/* workers still going, under lock */
	pthread_mutex_t lock;
	pthread_cond_t finished;
	const struct wh_scan_probe *probe;
	struct rec *recs;	/* per entry */
	uint32_t *values;	/* per entry, probe->n each */
};

static uint32_t
count(const struct wh_trace *t, enum wh_field f)
{
	return t->text[f] ? (uint32_t)wh_utf8_count(t->text[f], t->len[f]) : 0;
}

static void
keep(struct rec *rec, const struct wh_trace_size *z)
{
	for (int f = 0; f < WH_NFIELDS; f++)
		rec->chars[f] = z->chars[f];
	rec->gens = z->n_generations;
	rec->flags = (z->present[WH_GOLD] ? F_GOLD : 0) |
	    (z->present[WH_ANSWER] ? F_ANSWER : 0) |
	    (z->present[WH_THINKING] ? F_THINKING : 0) |
	    (z->present[WH_QUESTION] ? F_QUESTION : 0) |
	    (z->think_open && !z->think_closed ? F_TRUNCATED : 0);
}

/* Read a parsed record into rec (and values, with a probe). Without a
 * probe the fields are measured, not decoded; without a layout the record
 * is only checked. Returns what wh_dataset_read_json returns. */
static int
scan_json(const struct shared *sh, const struct wh_json *j, long line,
    struct rec *rec, uint32_t *values, struct wh_error *err)
{
	const struct wh_dataset *ds = sh->ds;
	struct wh_trace_size z;
	struct wh_trace t;
	int rc;

	if (!ds->layout_known)
		return wh_dataset_read_json(ds, j, line, 0, NULL, NULL, err);
	if (sh->probe == NULL) {
		if ((rc = wh_dataset_read_json(ds, j, line, 0, NULL, &z, err)) == 0)
			keep(rec, &z);
		return rc;
	}
	if ((rc = wh_dataset_read_json(ds, j, line, 0, &t, NULL, err)) < 0)
		return rc;
	sh->probe->measure(sh->probe->ctx, &t, values);
	keep(rec, &(struct wh_trace_size){
		.present = { t.text[0] != NULL, t.text[1] != NULL,
		    t.text[2] != NULL, t.text[3] != NULL },
		.chars = { count(&t, 0), count(&t, 1), count(&t, 2), count(&t, 3) },
		.think_open = t.think_open, .think_closed = t.think_closed,
		.n_generations = t.n_generations });
	wh_trace_free(&t);
	return 0;
}

static uint32_t *
values_of(const struct shared *sh, uint32_t *values, size_t k)
{
	return sh->probe ? values + k * (size_t)sh->probe->n : NULL;
}

static void
scan_entry(struct shared *sh, size_t i, struct wh_json *j)
{
	struct wh_dataset *ds = sh->ds;
	struct wh_error err;
	int rc;

	if (wh_dataset_parse(ds, i, j, &err) < 0)
		return;		/* marked bad */
	rc = scan_json(sh, j, ds->index.entries[i].line, &sh->recs[i],
	    values_of(sh, sh->values, i), &err);
	if (rc != -2)
		wh_dataset_mark(ds, i, rc == 0 ? NULL : &err);
}

/* Make room for the outcome of the chunk's entry k. */
static void
chunk_grow(const struct shared *sh, struct chunk *c, size_t k, size_t *cap)
{
	size_t nv = sh->probe ? (size_t)sh->probe->n : 0;

	if (k < *cap)
		return;
	*cap = *cap ? *cap * 2 : 64;
	c->recs = wh_xrealloc(c->recs, *cap * sizeof *c->recs);
	memset(c->recs + k, 0, (*cap - k) * sizeof *c->recs);
	c->rc = wh_xrealloc(c->rc, *cap);
	if (nv)
		c->values = wh_xrealloc(c->values, *cap * nv * sizeof *c->values);
	if (c->why) {
		c->why = wh_xrealloc(c->why, *cap * sizeof *c->why);
		memset(c->why + k, 0, (*cap - k) * sizeof *c->why);
	}
}

/* Index and read the lines of chunk c. A line that parses as one record
 * is read from that parse, and its newline is where the parse ended; any
 * other line is found by memchr, then read on its own (for its error). */
static void
scan_chunk(struct shared *sh, struct chunk *c)
{
	const char *data = sh->ds->map.data;
	struct wh_json j = {0};
	struct wh_jerror je;
	size_t pos = c->from, cap = 0;
	uint32_t line = 1;

	c->part.cap = 64;	/* a chunk holds tens of records, not thousands */
	c->part.entries = wh_xmalloc(c->part.cap * sizeof *c->part.entries);

	while (pos < c->to) {
		size_t n, k = c->part.n;
		bool parsed = wh_json_parse_line(&j, data + pos, c->to - pos, &n, &je) == 0;
		if (!parsed) {
			const char *nl = memchr(data + pos, '\n', c->to - pos);
			n = nl ? (size_t)(nl - data) - pos : c->to - pos;
		}
		if (wh_index_line(&c->part, data, pos, n, line)) {
			const struct wh_entry *e = &c->part.entries[k];
			struct wh_error err;
			int rc;
			chunk_grow(sh, c, k, &cap);
			if (!parsed)
				rc = wh_dataset_read_text(sh->ds, data + e->start, e->len, line,
				    0, NULL, NULL, &err);
			else
				rc = scan_json(sh, &j, line, &c->recs[k],
				    values_of(sh, c->values, k), &err);
			c->rc[k] = (int8_t)rc;
			if (rc == -1) {
				if (c->why == NULL)
					c->why = wh_xcalloc(cap, sizeof *c->why);
				c->why[k] = wh_xstrdup(err.msg);
			}
		}
		pos += n + 1;
		line++;
	}
	c->newlines = line - 1 - (pos > c->to);
	wh_json_free(&j);
}

static void *
worker(void *arg)
{
	struct shared *sh = arg;
	struct wh_json j = {0};
	size_t k;

	for (;;) {
		size_t b = atomic_fetch_add(&sh->next, 1) * BLOCK;
		if (b >= sh->n)
			break;
		size_t e = b + BLOCK < sh->n ? b + BLOCK : sh->n, bytes = 0;
		for (size_t i = b; i < e; i++) {
			scan_entry(sh, i, &j);
			bytes += sh->ds->index.entries[i].len + 1;
		}
		atomic_fetch_add(&sh->bytes_done, bytes);
	}
	while ((k = atomic_fetch_add(&sh->next_chunk, 1)) < sh->n_chunks) {
		scan_chunk(sh, &sh->chunks[k]);
		atomic_fetch_add(&sh->bytes_done, sh->chunks[k].to - sh->chunks[k].from);
	}
	wh_json_free(&j);
	pthread_mutex_lock(&sh->lock);
	if (--sh->running == 0)
		pthread_cond_signal(&sh->finished);
	pthread_mutex_unlock(&sh->lock);
	return NULL;
}

/* Cut the JSON lines past a partial index into chunks of about CHUNK
 * bytes, each ending after a newline. */
static void
plan_chunks(struct shared *sh)
{
	const struct wh_dataset *ds = sh->ds;
	const char *data = ds->map.data;
	size_t size = ds->map.size, cap = 0;

	for (size_t from = ds->index.end; from < size;) {
		size_t to = size - from > CHUNK ? from + CHUNK : size;
		if (to < size) {
			const char *nl = memchr(data + to - 1, '\n', size - (to - 1));
			to = nl ? (size_t)(nl - data) + 1 : size;
		}
		if (sh->n_chunks == cap) {
			cap = cap ? cap * 2 : 64;
			sh->chunks = wh_xrealloc(sh->chunks, cap * sizeof *sh->chunks);
		}
		sh->chunks[sh->n_chunks++] = (struct chunk){ .from = from, .to = to };
		from = to;
	}
}

/* Give the dataset the index of the whole file, and the chunks' records
 * their entries' places in the scan and their outcomes. */
static void
adopt_chunks(struct shared *sh)
{
	struct wh_dataset *ds = sh->ds;
	struct wh_index full = { .kind = ds->index.kind,
	    .body_start = ds->index.body_start, .end = ds->map.size };
	size_t n = ds->index.n, nv = sh->probe ? (size_t)sh->probe->n : 0;
	uint32_t base = ds->index.newlines;

	for (size_t c = 0; c < sh->n_chunks; c++)
		n += sh->chunks[c].part.n;
	full.entries = wh_xmalloc((n ? n : 1) * sizeof *full.entries);
	full.cap = n;
	memcpy(full.entries, ds->index.entries, ds->index.n * sizeof *full.entries);
	full.n = ds->index.n;
	sh->recs = wh_xrealloc(sh->recs, (n ? n : 1) * sizeof *sh->recs);
	if (nv)
		sh->values = wh_xrealloc(sh->values, (n ? n : 1) * nv * sizeof *sh->values);
	for (size_t c = 0; c < sh->n_chunks; c++) {
		struct chunk *ch = &sh->chunks[c];
		for (size_t k = 0; k < ch->part.n; k++) {
			full.entries[full.n] = ch->part.entries[k];
			full.entries[full.n].line += base;
			sh->recs[full.n] = ch->recs[k];
			if (nv)
				memcpy(sh->values + full.n * nv, ch->values + k * nv,
				    nv * sizeof *sh->values);
			full.n++;
		}
		base += ch->newlines;
	}
	full.newlines = base;
	wh_dataset_adopt_index(ds, &full);
	for (size_t c = 0, i = sh->n; c < sh->n_chunks; c++) {
		struct chunk *ch = &sh->chunks[c];
		for (size_t k = 0; k < ch->part.n; k++, i++) {
			struct wh_error err;
			if (ch->rc[k] == -1)
				wh_error_set(&err, ds->path, ds->index.entries[i].line,
				    "%s", ch->why[k]);
			if (ch->rc[k] != -2)
				wh_dataset_mark(ds, i, ch->rc[k] == 0 ? NULL : &err);
			if (ch->why)
				free(ch->why[k]);
		}
		wh_index_free(&ch->part);
		free(ch->recs);
		free(ch->values);
		free(ch->rc);
		free(ch->why);
	}
	free(sh->chunks);
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
		const struct rec *rec = &sh->recs[i];
		r->bytes += ds->index.entries[i].len + 1;
		if (ds->state[i] != WH_REC_GOOD) {
			r->bad++;
			continue;
		}
		for (int f = 0; f < WH_NFIELDS; f++)
			r->chars[f][r->records] = rec->chars[f];
		for (int k = 0; k < nv; k++)
			r->values[k][r->records] = sh->values[i * (size_t)nv + (size_t)k];
		r->records++;
		r->generations += rec->gens ? rec->gens : 1;
		r->with_gold += (rec->flags & F_GOLD) != 0;
		r->with_answer += (rec->flags & F_ANSWER) != 0;
		r->with_thinking += (rec->flags & F_THINKING) != 0;
		r->with_question += (rec->flags & F_QUESTION) != 0;
		r->truncated += (rec->flags & F_TRUNCATED) != 0;
	}
}

void
wh_scan_run(struct wh_dataset *ds, struct wh_scan_result *r, int threads,
    const struct wh_scan_probe *probe, wh_progress_fn progress, void *arg)
{
	struct shared sh = { .ds = ds, .probe = probe, .n = wh_dataset_entries(ds) };
	size_t n = sh.n, total = 0;
	pthread_t tid[64];

	memset(r, 0, sizeof *r);
	if (ds->index.partial)
		plan_chunks(&sh);
	if (threads <= 0)
		threads = wh_cpus();
	if (threads > 64)
		threads = 64;
	if ((size_t)threads > n / BLOCK + sh.n_chunks + 1)
		threads = (int)(n / BLOCK + sh.n_chunks + 1);
	sh.recs = wh_xcalloc(n ? n : 1, sizeof *sh.recs);
	if (probe)
		sh.values = wh_xcalloc((n ? n : 1) * (size_t)probe->n, sizeof(uint32_t));
	for (size_t i = 0; i < n; i++)
		total += ds->index.entries[i].len + 1;
	if (sh.n_chunks)
		total += ds->map.size - ds->index.end;
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
	if (ds->index.partial)
		adopt_chunks(&sh);
	collect(&sh, r);
	free(sh.recs);
	free(sh.values);
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
