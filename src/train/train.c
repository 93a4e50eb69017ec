/* The training loop: pack documents into rows, take AdamW steps over
 * accumulated micro-batches, evaluate, log metrics as JSON lines, and write
 * checkpoints that a resumed run continues bit for bit. With several
 * threads the rows of each micro-batch are split between them (data
 * parallelism): each thread runs its rows through a replica of the model
 * and the replicas' gradients are added, in a fixed order, before the
 * step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "whittle/buf.h"
#include "whittle/file.h"
#include "whittle/optim.h"
#include "whittle/safetensors.h"
#include "whittle/train.h"
#include "ops.h"
#include "train-int.h"

void
wh_train_opts_default(struct wh_train_opts *o)
{
	*o = (struct wh_train_opts){
		.batch = 8, .seq = 128, .accum = 1, .steps = 100, .warmup = 10,
		.lr = 1e-3f, .weight_decay = 0.01f, .clip = 1.0f, .seed = 1,
		.val_frac = 0.05,
	};
}

/* ---- documents: the validation split and the epoch order ---- */

static bool
held_out(uint64_t seed, size_t doc, double frac)
{
	uint64_t s = seed ^ (0x5851f42d4c957f2dull * (doc + 1));
	return wh_rng_uniform(&s) < frac;
}

/* The training documents in epoch's order (a seeded shuffle). */
static void
epoch_order(struct split *sp, uint64_t seed, long epoch)
{
	uint64_t s = seed + 0x9e3779b97f4a7c15ull * (uint64_t)(epoch + 1);

	memcpy(sp->order, sp->train, sp->ntrain * sizeof *sp->order);
	for (size_t i = sp->ntrain; i > 1; i--) {
		size_t k = (size_t)(wh_rng_uniform(&s) * (double)i);
		size_t t = sp->order[i - 1];
		sp->order[i - 1] = sp->order[k];
		sp->order[k] = t;
	}
}

void
wh_train_split(struct split *sp, const struct wh_train_data *d, uint64_t seed,
    double frac)
{
	sp->train = wh_xmalloc((d->ndocs + 1) * sizeof *sp->train);
	sp->val = wh_xmalloc((d->ndocs + 1) * sizeof *sp->val);
	sp->order = wh_xmalloc((d->ndocs + 1) * sizeof *sp->order);
	sp->ntrain = sp->nval = 0;
	for (size_t i = 0; i < d->ndocs; i++)
		if (held_out(seed, i, frac))
			sp->val[sp->nval++] = i;
		else
			sp->train[sp->ntrain++] = i;
	if (sp->ntrain == 0) {	/* never leave nothing to train on */
		sp->ntrain = sp->nval;
		memcpy(sp->train, sp->val, sp->nval * sizeof *sp->val);
		sp->nval = 0;
	}
}

void
wh_train_split_free(struct split *sp)
{
	free(sp->train);
	free(sp->val);
	free(sp->order);
}

/* ---- packing: whole documents into rows of T positions ---- */

/* Place document doc at row position at (k = its length - 1 positions,
 * at most T): inputs ids[0..k), targets ids[1..k] where they carry loss. */
static void
place(const struct wh_train_data *d, size_t doc, int32_t *tok, int32_t *tgt,
    int32_t *pos, long *who, int k)
{
	const int32_t *ids = d->ids + d->start[doc];
	const uint8_t *loss = d->loss + d->start[doc];

	for (int j = 0; j < k; j++) {
		tok[j] = ids[j];
		tgt[j] = loss[j + 1] ? ids[j + 1] : -1;
		pos[j] = j;
		if (who)
			who[j] = (long)doc;
	}
}

static int
doc_positions(const struct wh_train_data *d, size_t doc, int T)
{
	size_t n = d->start[doc + 1] - d->start[doc] - 1;
	return n > (size_t)T ? T : (int)n;
}

/* Fill B rows from docs[*next..n); returns the tokens placed. Padding is
 * token 0 at position 0 with no target. */
long
wh_train_pack(const struct wh_train_data *d, const size_t *docs, size_t n,
    size_t *next, int B, int T, int32_t *tok, int32_t *tgt, int32_t *pos, long *who)
{
	long placed = 0;

	for (int r = 0; r < B; r++) {
		int at = 0;
		while (*next < n) {
			int k = doc_positions(d, docs[*next], T);
			if (at + k > T)
				break;
			size_t o = (size_t)r * T + at;
			place(d, docs[*next], tok + o, tgt + o, pos + o, who ? who + o : NULL, k);
			at += k;
			placed += k;
			++*next;
		}
		for (; at < T; at++) {
			size_t o = (size_t)r * T + at;
			tok[o] = 0;
			tgt[o] = -1;
			pos[o] = 0;
			if (who)
				who[o] = -1;
		}
	}
	return placed;
}

/* ---- one step ---- */

struct run {
	struct wh_model *m;
	struct wh_model **shard;	/* nshard replicas, shard[0] is m */
	int nshard, inner;		/* and threads within each */
	double *shard_loss;		/* each shard's summed loss */
	float *row_loss;		/* accum micro-batches of B*T: each
					   row's loss, for the batches file */
	const struct wh_train_data *d;
	const struct wh_train_opts *o;
	struct split sp;
	struct wh_adamw opt;
	uint8_t *decay;
	int32_t *tok, *tgt, *pos;	/* accum micro-batches of B*T */
	long *who;			/* each position's document */
	struct train_state st;
	FILE *metrics;
	struct wh_batches batches;	/* fp NULL: none */
};

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The next micro-batch from the epoch order, moving on to the next epoch
 * when it runs out. */
static long
next_micro(struct run *r, int a)
{
	size_t N = (size_t)r->o->batch * r->o->seq, o = (size_t)a * N;

	if (r->st.next >= r->sp.ntrain) {
		r->st.epoch++;
		r->st.next = 0;
		epoch_order(&r->sp, r->o->seed, r->st.epoch);
	}
	return wh_train_pack(r->d, r->sp.order, r->sp.ntrain, &r->st.next, r->o->batch,
	    r->o->seq, r->tok + o, r->tgt + o, r->pos + o, r->who + o);
}

static long
count_targets(const int32_t *tgt, size_t n)
{
	long c = 0;
	for (size_t i = 0; i < n; i++)
		c += tgt[i] >= 0;
	return c;
}

static void
emit(struct run *r, const char *name, double value)
{
	if (r->metrics == NULL)
		return;
	fprintf(r->metrics, "{\"step\":%ld,\"time\":%.6f,\"tokens\":%.0f,\"name\":\"%s\","
	    "\"value\":%.9g}\n", r->st.step, now(), r->st.tokens, name, value);
}

/* The first position of shard s's rows in micro-batch a, and their count. */
static size_t
shard_span(const struct run *r, int s, int a, size_t *n)
{
	const struct wh_train_opts *o = r->o;
	int r0 = o->batch * s / r->nshard, r1 = o->batch * (s + 1) / r->nshard;

	*n = (size_t)(r1 - r0) * o->seq;
	return (size_t)a * o->batch * o->seq + (size_t)r0 * o->seq;
}

/* Shard s's rows of every micro-batch through its replica: the gradient
 * into the replica's (zeroed first), scaled by scale; returns the summed
 * loss. */
static double
shard_pass(struct run *r, int s, float scale)
{
	struct wh_model *m = r->shard[s];
	double sum = 0;
	long count;

#ifdef _OPENMP
	if (r->nshard > 1)
		omp_set_num_threads(r->inner);	/* for this thread's kernels */
#endif
	wh_model_zero_grad(m);
	for (int a = 0; a < r->o->accum; a++) {
		size_t n, at = shard_span(r, s, a, &n);
		struct wh_batch b = { (int)(n / r->o->seq), r->o->seq, r->tok + at,
			r->tgt + at, r->pos + at };
		sum += wh_model_forward(m, &b, false, &count);
		if (r->batches.fp)
			wh_model_row_losses(m, r->row_loss + at);
		wh_model_backward(m, scale);
	}
	return sum;
}

/* m->grads += the other replicas' gradients, in the replicas' order. */
static void
add_shard_grads(struct run *r)
{
	enum { CHUNK = 1 << 16 };
	size_t n = r->m->nparams;

	if (r->nshard < 2)
		return;
	#pragma omp parallel for
	for (size_t i0 = 0; i0 < n; i0 += CHUNK) {
		size_t i1 = n - i0 < CHUNK ? n : i0 + CHUNK;
		for (int s = 1; s < r->nshard; s++) {
			float *g = r->m->grads;
			const float *gs = r->shard[s]->grads;
			#pragma omp simd
			for (size_t i = i0; i < i1; i++)
				g[i] += gs[i];
		}
	}
}

/* One optimizer step; fills p. */
static void
step(struct run *r, struct wh_train_progress *p)
{
	const struct wh_train_opts *o = r->o;
	size_t N = (size_t)o->batch * o->seq;
	long total = 0;
	double sum = 0;

	for (int a = 0; a < o->accum; a++)
		r->st.tokens += next_micro(r, a);
	total = count_targets(r->tgt, N * o->accum);
	#pragma omp parallel for num_threads(r->nshard) schedule(static, 1) if (r->nshard > 1)
	for (int s = 0; s < r->nshard; s++)
		r->shard_loss[s] = shard_pass(r, s, total ? 1.0f / total : 0.0f);
	for (int s = 0; s < r->nshard; s++)
		sum += r->shard_loss[s];
	add_shard_grads(r);
	for (int a = 0; r->batches.fp && a < o->accum; a++)
		for (int s = 0; s < r->nshard; s++) {
			size_t n, at = shard_span(r, s, a, &n);
			wh_batches_add(&r->batches, r->row_loss + at, r->tgt + at, r->pos + at,
			    r->who + at, n);
		}
	p->grad_norm = wh_clip_grad_norm(r->m->grads, r->m->nparams, o->clip);
	p->lr = wh_lr_at(r->st.step, o->steps, o->warmup, o->lr);
	wh_adamw_step(&r->opt, r->m->params, r->m->grads, (float)p->lr);
	r->st.step++;
	p->loss = total ? sum / total : 0;
}

static void
write_pred(void *arg, const struct wh_eval_pred *p)
{
	struct wh_buf b = { 0 };

	wh_eval_pred_json(&b, p);
	fwrite(b.data, 1, b.len, arg);
	wh_buf_free(&b);
}

/* Mean loss over the validation documents, or -1 when there are none. */
static double
evaluate(struct run *r)
{
	const struct wh_train_opts *o = r->o;
	size_t next = 0;
	double sum = 0;
	long total = 0, count;

	if (r->sp.nval == 0)
		return -1;
	while (next < r->sp.nval) {
		wh_train_pack(r->d, r->sp.val, r->sp.nval, &next, o->batch, o->seq, r->tok,
		    r->tgt, r->pos, NULL);
		struct wh_batch b = { o->batch, o->seq, r->tok, r->tgt, r->pos };
		sum += wh_model_forward(r->m, &b, false, &count);
		total += count;
	}
	return total ? sum / total : 0;
}

static void
emit_eval(void *arg, const char *name, double value)
{
	char full[128];

	snprintf(full, sizeof full, "eval_%s", name);
	emit(arg, full, value);
}

/* Answer o->eval_set's questions: metrics, and the graded responses in
 * out/eval-STEP.jsonl. */
static int
evaluate_questions(struct run *r, struct wh_train_progress *p, struct wh_error *err)
{
	struct wh_eval_result res;
	struct wh_atomic pred = { 0 };
	char path[4096];

	if (r->o->out) {
		snprintf(path, sizeof path, "%s/eval-%ld.jsonl", r->o->out, r->st.step);
		if (wh_atomic_open(&pred, path, err) < 0)
			return -1;
	}
	if (wh_eval_run(r->m, r->o->eval_set, r->o->eval, &res, pred.fp ? write_pred : NULL,
	    pred.fp, err) < 0) {
		if (pred.fp)
			wh_atomic_abort(&pred);
		return -1;
	}
	if (pred.fp && wh_atomic_commit(&pred, err) < 0) {
		wh_eval_result_free(&res);
		return -1;
	}
	p->eval_accuracy = wh_eval_accuracy(&res);
	p->eval_tokens = wh_eval_tokens_per_question(&res);
	emit(r, "eval_accuracy", p->eval_accuracy);
	emit(r, "eval_tokens", p->eval_tokens);
	emit(r, "eval_tokens_per_correct", wh_eval_tokens_per_correct(&res));
	wh_eval_each_metric(&res, emit_eval, r);
	wh_eval_result_free(&res);
	return 0;
}

/* ---- the run ---- */

static void
decay_flags(struct run *r)
{
	struct wh_st_entry e;
	char name[128];

	r->decay = wh_xcalloc(r->m->nparams, 1);
	for (size_t i = 0; wh_model_tensor(r->m, r->m->params, i, &e, name, sizeof name); i++)
		if (e.ndim == 2)
			memset(r->decay + (e.data - r->m->params), 1,
			    (size_t)e.shape[0] * e.shape[1]);
}

/* As many shards as threads, at most one per row of a batch; threads
 * beyond that run within the shards. One thread or one row: one shard, and
 * every thread on each of its products. */
static void
shards_new(struct run *r)
{
	int threads = 1;
	size_t n = (size_t)r->o->accum * r->o->batch * r->o->seq;

#ifdef _OPENMP
	threads = omp_get_max_threads();
#endif
	r->nshard = threads < r->o->batch ? threads : r->o->batch;
	r->inner = threads / r->nshard;
#ifdef _OPENMP
	if (r->nshard > 1 && r->inner > 1)
		omp_set_max_active_levels(2);
#endif
	r->shard = wh_xmalloc((size_t)r->nshard * sizeof *r->shard);
	r->shard[0] = r->m;
	for (int s = 1; s < r->nshard; s++)
		r->shard[s] = wh_model_replica(r->m);
	r->shard_loss = wh_xcalloc((size_t)r->nshard, sizeof *r->shard_loss);
	r->row_loss = wh_xmalloc(n * sizeof *r->row_loss);
}

/* Refuse a batch whose activations do not fit in this machine's memory
 * (the attention scores grow with seq squared) before allocating them. */
static int
check_memory(const struct run *r, struct wh_error *err)
{
	const struct wh_model_config *c = &r->m->cfg;
	const struct wh_train_opts *o = r->o;
	double gb = 1024.0 * 1024 * 1024;
	double phys = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGE_SIZE);
	double scores = sizeof(float) * (double)c->layers * o->batch * c->heads *
	    (double)o->seq * o->seq;
	double need = scores;

	if (scores < phys)	/* then the sizes below fit a size_t */
		need = (double)wh_model_acts_bytes(c, o->batch, o->seq) +
		    4.0 * sizeof(float) * (double)r->m->nparams;
	if (phys <= 0 || need <= phys)
		return 0;
	return wh_error_set(err, "", 0, "--batch %d --seq %d need %.1f GB of memory (the "
	    "attention scores alone: %.1f GB, they grow with seq squared); this machine "
	    "has %.1f GB: lower --seq or --batch", o->batch, o->seq, need / gb,
	    scores / gb, phys / gb);
}

static int
setup(struct run *r, struct wh_error *err)
{
	const struct wh_train_opts *o = r->o;
	size_t n = (size_t)o->accum * o->batch * o->seq;

	if (o->batch < 1 || o->seq < 1 || o->accum < 1 || o->steps < 1 || o->warmup < 0)
		return wh_error_set(err, "", 0, "batch, seq, accum and steps must be positive");
	if (o->seq > r->m->cfg.max_pos)
		return wh_error_set(err, "", 0, "seq %d is beyond the model's %d positions",
		    o->seq, r->m->cfg.max_pos);
	if (check_memory(r, err) < 0)
		return -1;
	wh_train_split(&r->sp, r->d, o->seed, o->val_frac);
	epoch_order(&r->sp, o->seed, 0);
	decay_flags(r);
	wh_adamw_init(&r->opt, r->m->nparams, r->decay, o->weight_decay);
	r->tok = wh_xmalloc(3 * n * sizeof(int32_t));
	r->tgt = r->tok + n;
	r->pos = r->tgt + n;
	r->who = wh_xmalloc(n * sizeof *r->who);
	shards_new(r);
	if (o->resume && wh_train_resume(r->m, &r->opt, &r->st, o, r->d, err) < 0)
		return -1;
	epoch_order(&r->sp, o->seed, r->st.epoch);
	if (o->metrics && (r->metrics = fopen(o->metrics, "a")) == NULL)
		return wh_error_sys(err, o->metrics, errno, "cannot open");
	if (o->batches && wh_batches_open(&r->batches, o->batches, r->d, o->resume,
	    r->st.step, err) < 0)
		return -1;
	return 0;
}

static void
teardown(struct run *r)
{
	wh_train_split_free(&r->sp);
	wh_adamw_free(&r->opt);
	free(r->decay);
	free(r->tok);
	free(r->who);
	for (int s = 1; s < r->nshard; s++)
		wh_model_free(r->shard[s]);
	free(r->shard);
	free(r->shard_loss);
	free(r->row_loss);
	if (r->metrics)
		fclose(r->metrics);
	wh_batches_close(&r->batches);
}

static bool
due(long step, long every, long last)
{
	return step == last || (every > 0 && step % every == 0);
}

int
wh_train_run(struct wh_model *m, const struct wh_train_data *d,
    const struct wh_train_opts *o, wh_train_fn fn, void *arg, struct wh_error *err)
{
	struct run r = { .m = m, .d = d, .o = o };
	int rc = setup(&r, err);

	while (rc == 0 && r.st.step < o->steps) {
		struct wh_train_progress p = { .steps = o->steps, .eval_loss = -1,
			.eval_accuracy = -1 };
		double t0 = now();
		step(&r, &p);
		r.st.seconds += now() - t0;	/* training only: not evals, not saves */
		if (r.batches.fp && wh_batches_step(&r.batches, d, r.st.step) < 0)
			rc = wh_error_sys(err, o->batches, errno, "cannot write");
		p.step = r.st.step;
		p.tokens = r.st.tokens;
		p.seconds = r.st.seconds;
		emit(&r, "loss", p.loss);
		emit(&r, "learning_rate", p.lr);
		emit(&r, "grad_norm", p.grad_norm);
		emit(&r, "tokens_per_second", p.seconds > 0 ? p.tokens / p.seconds : 0);
		bool eval = o->eval_every > 0 && due(r.st.step, o->eval_every, o->steps);
		if (eval && (p.eval_loss = evaluate(&r)) >= 0)
			emit(&r, "eval_loss", p.eval_loss);
		if (rc == 0 && eval && o->eval_set)
			rc = evaluate_questions(&r, &p, err);
		if (r.metrics)
			fflush(r.metrics);
		if (r.batches.fp)
			fflush(r.batches.fp);
		bool stop = o->stop && *o->stop;	/* read once: saved if set */
		if (rc == 0 && o->out && (stop || due(r.st.step, o->save_every, o->steps)))
			rc = wh_train_save(m, &r.opt, &r.st, o, d, err);
		if (fn && rc == 0)
			fn(arg, &p);
		if (stop)
			break;
	}
	teardown(&r);
	return rc;
}
