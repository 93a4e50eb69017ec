/* Training: AdamW and the schedule against their formulas, loading and
 * packing documents, loss going down, the same seed giving the same
 * weights, accumulation equal to a bigger batch, and a resumed run equal
 * to an uninterrupted one (half-written checkpoints ignored). */
#include <math.h>
#include <stdint.h>
#include <sys/stat.h>

#include "unit.h"
#include "whittle/buf.h"
#include "whittle/optim.h"
#include "whittle/train.h"
#include "../src/train/train-int.h"

static void
check_adamw(void)
{
	float p[2] = { 1.0f, -2.0f }, g[2] = { 0.5f, -0.25f };
	uint8_t decay[2] = { 1, 0 };
	struct wh_adamw o;

	wh_adamw_init(&o, 2, decay, 0.1f);
	wh_adamw_step(&o, p, g, 0.01f);
	/* first step: m̂ = g, v̂ = g², so the update is lr·g/(|g| + eps) */
	CHECK(fabsf(p[0] - (1.0f - 0.01f * 0.1f - 0.01f)) < 1e-6f);
	CHECK(fabsf(p[1] - (-2.0f + 0.01f)) < 1e-6f);
	wh_adamw_step(&o, p, g, 0.01f);
	CHECK(o.t == 2);
	wh_adamw_free(&o);

	CHECK(wh_lr_at(0, 100, 10, 1.0f) == 0.0f);
	CHECK(fabsf(wh_lr_at(5, 100, 10, 1.0f) - 0.5f) < 1e-6f);
	CHECK(fabsf(wh_lr_at(10, 100, 10, 1.0f) - 1.0f) < 1e-6f);
	CHECK(fabsf(wh_lr_at(55, 100, 10, 1.0f) - 0.5f) < 1e-6f);
	CHECK(fabsf(wh_lr_at(100, 100, 10, 1.0f)) < 1e-6f);

	float gr[2] = { 3, 4 };
	CHECK(fabs(wh_clip_grad_norm(gr, 2, 1.0) - 5.0) < 1e-9);
	CHECK(fabsf(gr[0] - 0.6f) < 1e-5f && fabsf(gr[1] - 0.8f) < 1e-5f);
}

static void
check_data(void)
{
	const char *text = "{\"ids\": [1, 2, 3], \"mask\": [0, 0, 1]}\n"
	    "\n{\"text\": \"ab\"}\n{\"prompt\": \"q\", \"completion\": \"r\"}\n"
	    "{\"ids\": [7]}\n";
	const char *path = unit_file("data.jsonl", text, strlen(text));
	struct wh_train_data d;
	struct wh_error err;

	CHECK(wh_train_data_load(&d, path, NULL, WH_BYTE_VOCAB, WH_BYTE_EOS, &err) == 0);
	CHECK(d.ndocs == 3);	/* the one-token document teaches nothing */
	CHECK(d.start[1] == 3 && d.start[2] == 6 && d.start[3] == 9);
	CHECK(d.loss[1] == 0 && d.loss[2] == 1);
	CHECK(d.ids[3] == 'a' && d.ids[5] == WH_BYTE_EOS);
	CHECK(d.ids[6] == 'q' && d.loss[6] == 0 && d.loss[7] == 1 && d.loss[8] == 1);

	/* pack all three into rows of 5: [doc0 doc1's 2] no: 2 + 2 = 4, then 2 */
	size_t docs[3] = { 0, 1, 2 }, next = 0;
	int32_t tok[10], tgt[10], pos[10];
	long placed = wh_train_pack(&d, docs, 3, &next, 2, 5, tok, tgt, pos);
	CHECK(placed == 6 && next == 3);
	CHECK(tok[0] == 1 && tgt[0] == -1 && tgt[1] == 3 && pos[2] == 0 && tok[2] == 'a');
	CHECK(pos[3] == 1 && tgt[3] == WH_BYTE_EOS && tgt[4] == -1);
	CHECK(tok[5] == 'q' && tgt[5] == 'r' && pos[6] == 1 && tgt[7] == -1);
	wh_train_data_free(&d);
	unlink(path);

	const char *bad = "{\"ids\": [1, 300]}\n";
	path = unit_file("bad.jsonl", bad, strlen(bad));
	CHECK(wh_train_data_load(&d, path, NULL, WH_BYTE_VOCAB, WH_BYTE_EOS, &err) < 0);
	CHECK(err.line == 1);
	unlink(path);
}

/* A tiny copy task: each document repeats a short random string. */
static const char *
copy_task(void)
{
	struct wh_buf b = { 0 };
	uint64_t s = 9;
	static char path[4096];

	for (int i = 0; i < 64; i++) {
		char w[6];
		for (int k = 0; k < 5; k++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			w[k] = (char)('a' + (s >> 60) % 4);
		}
		w[5] = 0;
		wh_buf_printf(&b, "{\"prompt\": \"%s=\", \"completion\": \"%s\"}\n", w, w);
	}
	snprintf(path, sizeof path, "%s", unit_file("copy.jsonl", b.data, b.len));
	wh_buf_free(&b);
	return path;
}

static struct wh_model *
tiny_model(void)
{
	struct wh_model_config c;

	wh_model_config_default(&c, WH_BYTE_VOCAB);
	c.hidden = 32;
	c.intermediate = 64;
	c.heads = 4;
	c.kv_heads = 2;
	c.head_dim = 8;
	c.max_pos = 32;
	c.eos = WH_BYTE_EOS;
	return wh_model_new(&c, 5);
}

struct last { double first, loss, eval; };

static void
note(void *arg, const struct wh_train_progress *p)
{
	struct last *l = arg;
	if (p->step == 1)
		l->first = p->loss;
	l->loss = p->loss;
	if (p->eval_loss >= 0)
		l->eval = p->eval_loss;
}

static void
opts(struct wh_train_opts *o, long steps)
{
	wh_train_opts_default(o);
	o->batch = 4;
	o->seq = 24;
	o->steps = steps;
	o->warmup = 2;
	o->lr = 3e-3f;
	o->val_frac = 0.1;
	o->eval_every = steps;
}

static void
check_learns_and_repeats(const struct wh_train_data *d)
{
	struct wh_train_opts o;
	struct wh_error err;
	struct last l = { 0 };
	struct wh_model *a = tiny_model(), *b = tiny_model();

	opts(&o, 30);
	CHECK(wh_train_run(a, d, &o, note, &l, &err) == 0);
	printf("copy task: loss %.3f -> %.3f, eval %.3f\n", l.first, l.loss, l.eval);
	CHECK(l.loss < 0.75 * l.first);
	CHECK(l.eval > 0 && l.eval < l.first);
	o.steps = 30;
	CHECK(wh_train_run(b, d, &o, NULL, NULL, &err) == 0);
	CHECK(memcmp(a->params, b->params, a->nparams * sizeof(float)) == 0);
	wh_model_free(a);
	wh_model_free(b);
}

/* Two micro-batches of 2 rows make the gradient one batch of 4 makes. The
 * comparison is on the gradients (unclipped): AdamW's first step moves each
 * weight by about lr·g/(|g| + eps), which turns rounding in a gradient near
 * eps into a visible difference and hides a gradient's scale. */
static void
check_accumulation(const struct wh_train_data *d)
{
	struct wh_train_opts o;
	struct wh_error err;
	struct wh_model *a = tiny_model(), *b = tiny_model();
	double worst = 0, largest = 0;

	opts(&o, 1);
	o.warmup = 0;
	o.eval_every = 0;
	o.clip = 0;
	CHECK(wh_train_run(a, d, &o, NULL, NULL, &err) == 0);
	o.batch = 2;
	o.accum = 2;
	CHECK(wh_train_run(b, d, &o, NULL, NULL, &err) == 0);
	for (size_t i = 0; i < a->nparams; i++) {
		largest = fmax(largest, fabs(a->grads[i]));
		worst = fmax(worst, fabs(a->grads[i] - b->grads[i]));
	}
	CHECK(largest > 0 && worst < 1e-5 * largest);
	wh_model_free(a);
	wh_model_free(b);
}

static void
remove_dir(const char *dir)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

static void
check_resume(const struct wh_train_data *d)
{
	struct wh_train_opts o;
	struct wh_error err;
	struct wh_model *a = tiny_model(), *b = tiny_model();
	char dir[4096], path[8192], latest[8192];

	snprintf(dir, sizeof dir, "%s/whittle-train-%d", getenv("TMPDIR") ? getenv("TMPDIR")
	    : "/tmp", (int)getpid());
	remove_dir(dir);
	opts(&o, 8);
	o.out = dir;
	o.save_every = 3;
	o.resume = true;
	CHECK(wh_train_run(a, d, &o, NULL, NULL, &err) == 0);
	CHECK(wh_train_latest(dir, latest, sizeof latest) == 8);
	/* crash after step 6's checkpoint: 8 is gone, a 7 was half written */
	snprintf(path, sizeof path, "%s/checkpoint-8", dir);
	remove_dir(path);
	snprintf(path, sizeof path, "%s/checkpoint-7", dir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof path, "%s/.checkpoint-8.tmp", dir);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(wh_train_latest(dir, latest, sizeof latest) == 6);
	CHECK(wh_train_run(b, d, &o, NULL, NULL, &err) == 0);
	CHECK(memcmp(a->params, b->params, a->nparams * sizeof(float)) == 0);
	/* a checkpoint loads as a model */
	snprintf(path, sizeof path, "%s/checkpoint-8", dir);
	struct wh_model *c = wh_model_load(path, &err);
	CHECK(c && memcmp(c->params, a->params, a->nparams * sizeof(float)) == 0);
	wh_model_free(c);
	o.seed = 2;	/* another seed cannot continue this run */
	CHECK(wh_train_run(b, d, &o, NULL, NULL, &err) < 0);
	remove_dir(dir);
	wh_model_free(a);
	wh_model_free(b);
}

int
main(void)
{
	struct wh_train_data d;
	struct wh_error err;
	const char *path;

	check_adamw();
	check_data();
	path = copy_task();
	CHECK(wh_train_data_load(&d, path, NULL, WH_BYTE_VOCAB, WH_BYTE_EOS, &err) == 0);
	check_learns_and_repeats(&d);
	check_accumulation(&d);
	check_resume(&d);
	wh_train_data_free(&d);
	unlink(path);
	return unit_done("test-train");
}
