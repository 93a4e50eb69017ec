/* whittle run and whittle step over a dataset: worker threads with a Lua
 * state each take blocks of records through a window of slots; the calling
 * thread writes finished blocks in input order and reports progress. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/script-run.h"

#define BLOCK 16

struct slot {
	struct wh_buf out, side, errors;	/* errors: one line per record error */
	struct wh_run_summary sum;
	bool done;
};

struct job {
	const struct wh_script_env *env;
	const struct wh_run_opts *o;
	size_t from, to;		/* entries of this shard */
	size_t n_blocks, next, written, n_slots;
	struct slot *slots;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool failed;
	struct wh_error err;		/* why a worker could not start */
	struct wh_step_count *steps;	/* the steps' counts, summed as each
					   worker ends */
	size_t n_steps;
};

static void
add_error(struct slot *sl, const struct wh_error *e)
{
	char msg[1200];

	wh_error_format(e, msg, sizeof msg);
	wh_buf_adds(&sl->errors, msg);
	wh_buf_addc(&sl->errors, '\n');
	sl->sum.errors++;
}

static void
count(struct wh_run_summary *sum, const struct wh_apply_result *r)
{
	sum->outputs += r->outputs;
	sum->tokens_in += r->tokens_in;
	sum->tokens_out += r->tokens_out;
	if (r->outputs == 0)
		sum->dropped++;
	else if (r->outputs == 1)
		sum->kept++;
	else
		sum->split++;
}

static void
run_entry(struct job *jb, struct wh_script *s, size_t i, struct slot *sl)
{
	struct wh_dataset *ds = jb->env->input;
	long line = (long)ds->index.entries[i].line;
	uint32_t n_gen = 1;
	struct wh_error e;

	for (uint32_t g = 0; g < n_gen; g++) {
		struct wh_trace t;
		struct wh_apply_result r;
		const char *raw;
		size_t len;
		if (wh_dataset_trace(ds, i, g, &t, &e) < 0) {
			sl->sum.bad += g == 0;
			return;
		}
		n_gen = t.n_generations ? t.n_generations : 1;
		sl->sum.records++;
		wh_dataset_bytes(ds, i, &raw, &len);
		struct wh_apply_out ao = { .out = jb->o->dry_run ? NULL : &sl->out,
			.side = jb->o->sidecar ? &sl->side : NULL,
			.count_tokens = jb->o->dry_run };
		if (wh_script_apply(s, &t, i, line, raw, len, &ao, &r, &e) < 0)
			add_error(sl, &e);
		else
			count(&sl->sum, &r);
		wh_trace_free(&t);
	}
}

static void
run_block(struct job *jb, struct wh_script *s, size_t b, struct slot *sl)
{
	size_t first = jb->from + b * BLOCK;
	size_t last = first + BLOCK < jb->to ? first + BLOCK : jb->to;

	for (size_t i = first; i < last; i++)
		run_entry(jb, s, i, sl);
}

static int
make_state(const struct job *jb, struct wh_script **s, struct wh_error *err)
{
	const struct wh_run_opts *o = jb->o;

	if (wh_script_new(s, jb->env, err) < 0)
		return -1;
	if (wh_script_pipeline(*s, o->pipeline, o->step, o->argc, o->argv, err) < 0) {
		wh_script_free(*s);
		return -1;
	}
	return 0;
}

/* Add what the steps of state s did to the job's counts. */
static void
add_step_counts(struct job *jb, struct wh_script *s)
{
	struct wh_step_count *c;
	struct wh_error e;
	size_t n;

	if (wh_script_step_counts(s, &c, &n, &e) < 0)
		return;
	pthread_mutex_lock(&jb->mu);
	for (size_t i = 0; i < n && i < jb->n_steps; i++) {
		jb->steps[i].got += c[i].got;
		jb->steps[i].gave += c[i].gave;
		jb->steps[i].dropped += c[i].dropped;
	}
	pthread_mutex_unlock(&jb->mu);
	free(c);
}

static void *
worker(void *arg)
{
	struct job *jb = arg;
	struct wh_script *s;
	struct wh_error e;

	if (make_state(jb, &s, &e) < 0) {
		pthread_mutex_lock(&jb->mu);
		jb->failed = true;
		jb->err = e;
		pthread_cond_broadcast(&jb->cv);
		pthread_mutex_unlock(&jb->mu);
		return NULL;
	}
	pthread_mutex_lock(&jb->mu);
	for (;;) {
		while (!jb->failed && jb->next < jb->n_blocks &&
		    jb->next >= jb->written + jb->n_slots)
			pthread_cond_wait(&jb->cv, &jb->mu);
		if (jb->failed || jb->next >= jb->n_blocks)
			break;
		size_t b = jb->next++;
		struct slot *sl = &jb->slots[b % jb->n_slots];
		pthread_mutex_unlock(&jb->mu);
		run_block(jb, s, b, sl);
		pthread_mutex_lock(&jb->mu);
		sl->done = true;
		pthread_cond_broadcast(&jb->cv);
	}
	pthread_mutex_unlock(&jb->mu);
	add_step_counts(jb, s);
	wh_script_free(s);
	return NULL;
}

static void
add_summary(struct wh_run_summary *to, const struct wh_run_summary *s)
{
	to->records += s->records;
	to->bad += s->bad;
	to->kept += s->kept;
	to->dropped += s->dropped;
	to->split += s->split;
	to->outputs += s->outputs;
	to->errors += s->errors;
	to->tokens_in += s->tokens_in;
	to->tokens_out += s->tokens_out;
}

/* Write the finished block b; returns -1 on a write error. */
static int
flush_block(struct job *jb, struct slot *sl, struct wh_run_summary *sum,
    struct wh_error *err)
{
	const struct wh_run_opts *o = jb->o;

	if (sl->errors.len && o->on_error) {
		char *line = sl->errors.data, *nl;
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			o->on_error(o->arg, line);
			line = nl + 1;
		}
	}
	if (sl->out.len && fwrite(sl->out.data, 1, sl->out.len, o->out) != sl->out.len)
		return wh_error_sys(err, "", errno, "cannot write the output");
	if (sl->side.len && fwrite(sl->side.data, 1, sl->side.len, o->sidecar) != sl->side.len)
		return wh_error_sys(err, "", errno, "cannot write the sidecar");
	add_summary(sum, &sl->sum);
	wh_buf_clear(&sl->out);
	wh_buf_clear(&sl->side);
	wh_buf_clear(&sl->errors);
	memset(&sl->sum, 0, sizeof sl->sum);
	return 0;
}

/* The calling thread: write blocks in order as they finish (a progress
 * report at the start, so the size shows before the first block ends). */
static int
collect(struct job *jb, struct wh_run_summary *sum, struct wh_error *err)
{
	int rc = 0;

	if (jb->o->progress)
		jb->o->progress(jb->o->arg, 0, jb->to - jb->from);
	pthread_mutex_lock(&jb->mu);
	while (rc == 0 && jb->written < jb->n_blocks) {
		struct slot *sl = &jb->slots[jb->written % jb->n_slots];
		while (!sl->done && !jb->failed)
			pthread_cond_wait(&jb->cv, &jb->mu);
		if (jb->failed) {
			*err = jb->err;
			rc = -1;
			break;
		}
		pthread_mutex_unlock(&jb->mu);
		rc = flush_block(jb, sl, sum, err);
		pthread_mutex_lock(&jb->mu);
		sl->done = false;
		jb->written++;
		if (rc < 0)
			jb->failed = true;
		pthread_cond_broadcast(&jb->cv);
		if (jb->o->progress)
			jb->o->progress(jb->o->arg, jb->written * BLOCK < jb->to - jb->from
			    ? jb->written * BLOCK : jb->to - jb->from, jb->to - jb->from);
	}
	pthread_mutex_unlock(&jb->mu);
	return rc;
}

int
wh_script_run(const struct wh_script_env *env, const struct wh_run_opts *o,
    struct wh_run_summary *sum, struct wh_error *err)
{
	struct job jb = { .env = env, .o = o };
	size_t n = wh_dataset_entries(env->input);
	pthread_t *th = wh_xcalloc((size_t)o->threads, sizeof *th);
	struct wh_script *probe;
	int rc;

	memset(sum, 0, sizeof *sum);
	if (make_state(&jb, &probe, err) < 0) {	/* a bad pipeline fails once */
		free(th);
		return -1;
	}
	rc = wh_script_step_counts(probe, &jb.steps, &jb.n_steps, err);
	wh_script_free(probe);
	if (rc < 0) {
		free(th);
		return -1;
	}
	jb.from = n * o->shard / o->shards;
	jb.to = n * (o->shard + 1) / o->shards;
	jb.n_blocks = (jb.to - jb.from + BLOCK - 1) / BLOCK;
	jb.n_slots = (size_t)o->threads * 4;
	jb.slots = wh_xcalloc(jb.n_slots, sizeof *jb.slots);
	pthread_mutex_init(&jb.mu, NULL);
	pthread_cond_init(&jb.cv, NULL);
	for (int i = 0; i < o->threads; i++)
		pthread_create(&th[i], NULL, worker, &jb);
	rc = collect(&jb, sum, err);
	for (int i = 0; i < o->threads; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < jb.n_slots; i++) {
		wh_buf_free(&jb.slots[i].out);
		wh_buf_free(&jb.slots[i].side);
		wh_buf_free(&jb.slots[i].errors);
	}
	free(jb.slots);
	free(th);
	pthread_mutex_destroy(&jb.mu);
	pthread_cond_destroy(&jb.cv);
	sum->steps = jb.steps;
	sum->n_steps = jb.n_steps;
	return rc;
}

void
wh_run_summary_free(struct wh_run_summary *sum)
{
	free(sum->steps);
	sum->steps = NULL;
	sum->n_steps = 0;
}
