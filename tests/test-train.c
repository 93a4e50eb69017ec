/* Training: AdamW and the schedule against their formulas, loading and
 * packing documents, loss going down, the same seed giving the same
 * weights, accumulation equal to a bigger batch, and a resumed run equal
 * to an uninterrupted one (half-written checkpoints ignored); the batches
 * file naming each step's records and their losses; each record's loss
 * under a model. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <sys/stat.h>

#include "unit.h"
#include "whittle/buf.h"
#include "whittle/file.h"
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
	    "{\"ids\": [7]}\n\n{\"text\": \"ab\", \"id\": \"x\\\"1\"}\n"
	    "{\"prompt\": \"q\", \"completion\": \"r\", \"id\": 7}\n";
	const char *path = unit_file("data.jsonl", text, strlen(text));
	struct wh_train_data d;
	struct wh_error err;

	CHECK(wh_train_data_load(&d, path, NULL, WH_BYTE_VOCAB, WH_BYTE_EOS, &err) == 0);
	CHECK(d.ndocs == 3);	/* the one-token document teaches nothing */
	CHECK(d.start[1] == 3 && d.start[2] == 6 && d.start[3] == 9);
	CHECK(d.loss[1] == 0 && d.loss[2] == 1);
	CHECK(d.ids[3] == 'a' && d.ids[5] == WH_BYTE_EOS);
	CHECK(d.ids[6] == 'q' && d.loss[6] == 0 && d.loss[7] == 1 && d.loss[8] == 1);
	/* records are numbered as the workbench numbers them: blank lines
	 * skipped, records that make no document counted */
	CHECK(d.records == 4 && d.record[0] == 0 && d.record[1] == 2 && d.record[2] == 3);
	CHECK(d.id[0] == NULL && strcmp(d.id[1], "\"x\\\"1\"") == 0 && strcmp(d.id[2], "7") == 0);
	CHECK(d.bytes == strlen(text) && d.path[0] == '/');

	/* pack all three into rows of 5: [doc0 doc1's 2] no: 2 + 2 = 4, then 2 */
	size_t docs[3] = { 0, 1, 2 }, next = 0;
	int32_t tok[10], tgt[10], pos[10];
	long who[10];
	long placed = wh_train_pack(&d, docs, 3, &next, 2, 5, tok, tgt, pos, who);
	CHECK(placed == 6 && next == 3);
	CHECK(who[0] == 0 && who[1] == 0 && who[2] == 1 && who[3] == 1 && who[4] == -1);
	CHECK(who[5] == 2 && who[6] == 2 && who[7] == -1);
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

	/* Bad lines are skipped whole (the ids before a bad one too) and keep
	   their record numbers. */
	const char *some = "{\"text\": \"ab\"}\n{\"ids\": [1, 2, 300]}\nnope\n{\"text\": \"cd\"}\n";
	path = unit_file("some.jsonl", some, strlen(some));
	CHECK(wh_train_data_load(&d, path, NULL, WH_BYTE_VOCAB, WH_BYTE_EOS, &err) == 0);
	CHECK(d.ndocs == 2 && d.records == 4 && d.n_bad == 2);
	CHECK(d.bad[0].line == 2 && d.bad[1].line == 3);
	CHECK(strcmp(d.bad[1].reason, "not valid JSON") == 0);
	CHECK(d.record[0] == 0 && d.record[1] == 3);
	CHECK(d.ntokens == 6 && d.ids[3] == 'c');
	wh_train_data_free(&d);
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

/* The mean loss of document doc alone under m, and its targets. */
static double
doc_loss(struct wh_model *m, const struct wh_train_data *d, size_t doc, long *targets)
{
	int k = (int)(d->start[doc + 1] - d->start[doc] - 1);
	int32_t tok[64], tgt[64];
	long count;

	for (int j = 0; j < k; j++) {
		tok[j] = d->ids[d->start[doc] + j];
		tgt[j] = d->loss[d->start[doc] + j + 1] ? d->ids[d->start[doc] + j + 1] : -1;
	}
	struct wh_batch b = { 1, k, tok, tgt, NULL };
	double sum = wh_model_forward(m, &b, false, &count);
	*targets = count;
	return count ? sum / count : 0;
}

static void
note_losses(void *arg, const struct wh_train_progress *p)
{
	((double *)arg)[p->step] = p->loss;
}

static char *
slurp(const char *path, size_t *len)
{
	struct wh_map m;
	struct wh_error err;
	char *s;

	CHECK(wh_map_open(&m, path, &err) == 0);
	s = wh_xmalloc(m.size + 1);
	memcpy(s, m.data, m.size);
	s[m.size] = '\0';
	*len = m.size;
	wh_map_close(&m);
	return s;
}

/* batches.jsonl names each step's documents (their records), with the loss
 * each had in the step; a resumed run leaves the file as one never stopped. */
static void
check_batches(const struct wh_train_data *d)
{
	struct wh_train_opts o;
	struct wh_error err;
	struct wh_model *a = tiny_model(), *m0 = tiny_model(), *b = tiny_model();
	char dir[4096], path[8192], file[8192];
	double loss[9] = { 0 };
	bool seen[64] = { false };
	size_t len, len2;

	snprintf(dir, sizeof dir, "%s/whittle-batches-%d", getenv("TMPDIR") ? getenv("TMPDIR")
	    : "/tmp", (int)getpid());
	remove_dir(dir);
	CHECK(mkdir(dir, 0700) == 0);
	snprintf(file, sizeof file, "%s/batches.jsonl", dir);
	opts(&o, 8);
	o.batch = 2;
	o.accum = 2;
	o.eval_every = 0;
	o.out = dir;
	o.save_every = 3;
	o.resume = true;
	o.batches = file;
	int rc = wh_train_run(a, d, &o, note_losses, loss, &err);
	if (rc < 0)
		printf("train: %s\n", err.msg);
	CHECK(rc == 0);

	char *text = slurp(file, &len), *line = text, *nl;
	long step = 0;
	for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1, step++) {
		cJSON *j = cJSON_ParseWithLength(line, (size_t)(nl - line));
		CHECK(j != NULL);
		if (step == 0) {	/* the header names the data */
			CHECK(strcmp(cJSON_GetObjectItem(j, "data")->valuestring, d->path) == 0);
			CHECK(cJSON_GetObjectItem(j, "records")->valuedouble == (double)d->records);
			cJSON_Delete(j);
			continue;
		}
		const cJSON *rec = cJSON_GetObjectItem(j, "record");
		const cJSON *ls = cJSON_GetObjectItem(j, "loss");
		const cJSON *tg = cJSON_GetObjectItem(j, "targets");
		double sum = 0, n = 0;
		CHECK(cJSON_GetObjectItem(j, "step")->valuedouble == step);
		CHECK(cJSON_GetArraySize(rec) > 0 && cJSON_GetArraySize(ls) == cJSON_GetArraySize(rec));
		for (int i = 0; i < cJSON_GetArraySize(rec); i++) {
			size_t r = (size_t)cJSON_GetArrayItem(rec, i)->valuedouble;
			double l = cJSON_GetArrayItem(ls, i)->valuedouble;
			long t = (long)cJSON_GetArrayItem(tg, i)->valuedouble, alone_t;
			CHECK(r < d->ndocs && d->record[r] == r);
			/* each training document once in the first epoch */
			CHECK(step > 7 || !seen[r]);
			seen[r] = true;
			double alone = doc_loss(m0, d, r, &alone_t);
			CHECK(t == alone_t);
			if (step == 1)	/* before any update: as the document alone */
				CHECK(fabs(l - alone) < 1e-4 * alone);
			sum += l * t;
			n += t;
		}
		/* the documents make up the step's loss */
		CHECK(fabs(sum / n - loss[step]) < 1e-5 * loss[step]);
		cJSON_Delete(j);
	}
	CHECK(step == 9 && *line == '\0');

	/* crash after step 6's checkpoint, with step 9's line half written */
	snprintf(path, sizeof path, "%s/checkpoint-8", dir);
	remove_dir(path);
	FILE *f = fopen(file, "a");
	CHECK(f && fputs("{\"step\":9,\"record\":[", f) >= 0 && fclose(f) == 0);
	CHECK(wh_train_run(b, d, &o, NULL, NULL, &err) == 0);
	char *again = slurp(file, &len2);
	CHECK(len2 == len && memcmp(text, again, len) == 0);
	free(again);
	/* a fresh run starts the file anew */
	o.resume = false;
	o.steps = 2;
	CHECK(wh_train_run(b, d, &o, NULL, NULL, &err) == 0);
	again = slurp(file, &len2);
	CHECK(strstr(again, "{\"step\":2,") != NULL && strstr(again, "{\"step\":3,") == NULL);
	free(again);
	free(text);
	remove_dir(dir);
	wh_model_free(a);
	wh_model_free(b);
	wh_model_free(m0);
}

/* whittle losses: each document's loss under a model, as the document
 * alone gives it, with its record number. */
static void
check_losses(const struct wh_train_data *d)
{
	struct wh_model *m = tiny_model();
	char *text = NULL, *line, *nl;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&text, &len);

	CHECK(wh_train_losses(m, d, 3, 32, f) == 0);
	fclose(f);
	line = strchr(text, '\n') + 1;	/* after the header */
	for (; (nl = strchr(line, '\n')) != NULL; line = nl + 1, n++) {
		cJSON *j = cJSON_ParseWithLength(line, (size_t)(nl - line));
		size_t r = (size_t)cJSON_GetObjectItem(j, "record")->valuedouble;
		double l = cJSON_GetObjectItem(j, "loss")->valuedouble;
		long t, want_t = (long)cJSON_GetObjectItem(j, "targets")->valuedouble;
		CHECK(r == n);	/* in the file's order */
		double alone = doc_loss(m, d, r, &t);
		CHECK(t == want_t && fabs(l - alone) < 1e-4 * alone);
		cJSON_Delete(j);
	}
	CHECK(n == d->ndocs);
	free(text);
	wh_model_free(m);
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
	check_batches(&d);
	check_losses(&d);
	wh_train_data_free(&d);
	unlink(path);
	return unit_done("test-train");
}
