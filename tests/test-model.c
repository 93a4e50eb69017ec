/* The builtin transformer against what Hugging Face transformers computed
 * for the same checkpoints (../shared/data/hf-fixtures: logits, loss, every
 * parameter's gradient, greedy tokens), against PyTorch for other shapes
 * and packed rows (tests/train/torch-*, made by make_torch_fixtures.py),
 * and its backward against finite differences. */
#include <math.h>
#include <stdint.h>

#include "unit.h"
#include "whittle/buf.h"
#include "whittle/generate.h"
#include "whittle/model.h"
#include "whittle/safetensors.h"

#define TOL 1e-4

/* max |a - b| / max |b|: the relative error of a whole tensor. */
static double
rel_err(const float *a, const float *b, size_t n)
{
	double num = 0, den = 0;

	for (size_t i = 0; i < n; i++) {
		double d = fabs((double)a[i] - b[i]);
		num = d > num ? d : num;
		den = fabs(b[i]) > den ? fabs(b[i]) : den;
	}
	return den > 0 ? num / den : num;
}

static float *
read_f32(const struct wh_safetensors *st, const char *name, size_t n)
{
	float *v = wh_xmalloc(n * sizeof(float));
	struct wh_error err;

	if (wh_safetensors_read_f32(st, name, v, n, &err) < 0) {
		fprintf(stderr, "%s: %s\n", name, err.msg);
		CHECK(0);
	}
	return v;
}

static void
check_grads(const struct wh_model *m, const struct wh_safetensors *ref, const char *fx)
{
	struct wh_st_entry e;
	char name[128], gname[160];
	double worst = 0;

	for (size_t i = 0; wh_model_tensor(m, m->grads, i, &e, name, sizeof name); i++) {
		size_t n = (size_t)e.shape[0] * (e.ndim == 2 ? (size_t)e.shape[1] : 1);
		snprintf(gname, sizeof gname, "grad.%s", name);
		float *want = read_f32(ref, gname, n);
		double r = rel_err(e.data, want, n);
		if (r > TOL)
			fprintf(stderr, "%s: %s relative error %.3g\n", fx, gname, r);
		CHECK(r <= TOL);
		worst = r > worst ? r : worst;
		free(want);
	}
	printf("%s: worst gradient relative error %.3g\n", fx, worst);
}

static void
check_greedy(struct wh_model *m, const struct wh_safetensors *ref, const int32_t *ids)
{
	int32_t want[24], seq[24];
	float *logits = wh_xmalloc((size_t)m->cfg.vocab * sizeof(float));
	struct wh_error err;

	CHECK(wh_safetensors_read_i32(ref, "greedy", want, 24, &err) == 0);
	memcpy(seq, ids, 8 * sizeof(int32_t));
	for (int n = 8; n < 24; n++) {
		wh_model_next_logits(m, seq, n, logits);
		int best = 0;
		for (int v = 1; v < m->cfg.vocab; v++)
			best = logits[v] > logits[best] ? v : best;
		seq[n] = best;
	}
	CHECK(memcmp(seq, want, sizeof seq) == 0);
	/* and through the KV cache */
	struct wh_kv_cache *kv = wh_kv_cache_new(&m->cfg);
	struct wh_gen_opts o;
	int32_t out[16];
	int n;
	wh_gen_opts_default(&o);
	o.max_new = 16;
	CHECK(wh_generate(m, kv, ids, 8, &o, out, &n) == WH_GEN_LENGTH);
	CHECK(n == 16 && memcmp(out, want + 8, sizeof out) == 0);
	wh_kv_cache_free(kv);
	free(logits);
}

/* Targets from labels: HF's fixtures label token t at position t (shifted
 * by one for the loss); the PyTorch ones already give the next token. */
static void
targets_of(const int32_t *labels, int32_t *targets, int B, int T, bool shift)
{
	for (int i = 0; i < B * T; i++)
		targets[i] = !shift ? (labels[i] < 0 ? -1 : labels[i])
		    : i % T == T - 1 || labels[i + 1] < 0 ? -1 : labels[i + 1];
}

/* Compare the model in dir/fx with the reference tensors beside it. */
static void
check_fixture(const char *dir, const char *fx, bool shift)
{
	char path[8192];
	struct wh_error err;
	struct wh_safetensors ref;
	long count;

	snprintf(path, sizeof path, "%s/%s", dir, fx);
	struct wh_model *m = wh_model_load(path, &err);
	snprintf(path, sizeof path, "%s/%s/reference.safetensors", dir, fx);
	if (m == NULL || wh_safetensors_open(&ref, path, &err) < 0) {
		fprintf(stderr, "%s: %s\n", err.file, err.msg);
		CHECK(0);
		wh_model_free(m);
		return;
	}
	const struct wh_st_tensor *in = wh_safetensors_find(&ref, "input_ids");
	int B = (int)in->shape[0], T = (int)in->shape[1], N = B * T, V = m->cfg.vocab;
	int32_t *ids = wh_xmalloc(4 * (size_t)N * sizeof(int32_t));
	int32_t *labels = ids + N, *targets = labels + N, *pos = targets + N;
	bool packed = wh_safetensors_find(&ref, "position_ids") != NULL;

	CHECK(wh_safetensors_read_i32(&ref, "input_ids", ids, N, &err) == 0);
	CHECK(wh_safetensors_read_i32(&ref, "labels", labels, N, &err) == 0);
	CHECK(!packed || wh_safetensors_read_i32(&ref, "position_ids", pos, N, &err) == 0);
	targets_of(labels, targets, B, T, shift);
	struct wh_batch b = { B, T, ids, targets, packed ? pos : NULL };
	double sum = wh_model_forward(m, &b, true, &count);
	float *logits = read_f32(&ref, "logits", (size_t)N * V), loss;
	double r = rel_err(m->logits, logits, (size_t)N * V);
	CHECK(wh_safetensors_read_f32(&ref, "loss", &loss, 1, &err) == 0);
	printf("%s: logits relative error %.3g, loss %.7f (reference %.7f)\n", fx, r,
	    sum / count, loss);
	CHECK(r <= TOL);
	CHECK(fabs(sum / count - loss) <= TOL * loss);
	wh_model_zero_grad(m);
	wh_model_backward(m, 1.0f / count);
	check_grads(m, &ref, fx);
	if (wh_safetensors_find(&ref, "greedy"))
		check_greedy(m, &ref, ids);
	free(ids);
	free(logits);
	wh_safetensors_close(&ref);
	wh_model_free(m);
}

/* ---- finite differences ---- */

static double
loss_of(struct wh_model *m, const struct wh_batch *b)
{
	long count;
	double s = wh_model_forward(m, b, false, &count);
	return s / count;
}

/* Compare the analytic gradient of a few entries of every tensor with a
 * central difference (in float, hence the loose bound: a wrong backward is
 * off by far more). */
static void
finite_differences(struct wh_model *m, const struct wh_batch *b, const char *what)
{
	struct wh_st_entry e;
	char name[128];
	long count;
	int bad = 0, checked = 0;

	wh_model_forward(m, b, false, &count);
	wh_model_zero_grad(m);
	wh_model_backward(m, 1.0f / count);
	for (size_t t = 0; wh_model_tensor(m, m->params, t, &e, name, sizeof name); t++) {
		size_t n = (size_t)e.shape[0] * (e.ndim == 2 ? (size_t)e.shape[1] : 1);
		float *p = (float *)e.data;
		const float *g = m->grads + (p - m->params);
		for (size_t k = 0; k < n; k += n / 5 + 1) {
			float keep = p[k], h = 3e-3f;
			p[k] = keep + h;
			double up = loss_of(m, b);
			p[k] = keep - h;
			double down = loss_of(m, b);
			p[k] = keep;
			double fd = (up - down) / (2 * h), an = g[k];
			checked++;
			if (fabs(fd - an) > 1e-2 * fabs(an) + 1e-3) {
				bad++;
				fprintf(stderr, "%s %s[%zu]: analytic %.6g, numeric %.6g\n",
				    what, name, k, an, fd);
			}
		}
	}
	printf("%s: %d of %d gradient entries off\n", what, bad, checked);
	CHECK(bad == 0);
}

static void
check_finite_differences(enum wh_arch arch, bool tied)
{
	struct wh_model_config c;
	/* two rows; the first packs documents of 4 and 6 positions */
	int32_t tokens[20], targets[20], pos[20];
	uint64_t s = 42;

	wh_model_config_default(&c, 13);
	c.arch = arch;
	c.tied = tied;
	c.hidden = 8;
	c.intermediate = 12;
	c.heads = 4;
	c.kv_heads = 2;
	c.head_dim = 4;
	c.max_pos = 16;
	struct wh_model *m = wh_model_new(&c, 7);
	for (size_t i = 0; i < m->nparams; i++)	/* larger weights: a sharper test */
		m->params[i] *= 3;
	for (int i = 0; i < 20; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		tokens[i] = (int32_t)(s >> 33) % 13;
		targets[i] = i % 7 == 3 ? -1 : (int32_t)(s >> 40) % 13;
		pos[i] = i < 4 ? i : i < 10 ? i - 4 : i - 10;
	}
	struct wh_batch b = { 2, 10, tokens, targets, pos };
	finite_differences(m, &b, arch == WH_QWEN2 ? "qwen2" : tied ? "llama tied" : "llama");
	wh_model_free(m);
}

/* A document's logits do not depend on what is packed before it. */
static void
check_packing_isolates(void)
{
	struct wh_model_config c;
	int32_t alone[5] = { 3, 1, 4, 1, 5 }, packed[8] = { 9, 2, 6, 3, 1, 4, 1, 5 };
	int32_t pos[8] = { 0, 1, 2, 0, 1, 2, 3, 4 }, none[8];
	long count;

	wh_model_config_default(&c, 10);
	struct wh_model *m = wh_model_new(&c, 3);
	memset(none, 0xff, sizeof none);
	struct wh_batch a = { 1, 5, alone, none, NULL }, p = { 1, 8, packed, none, pos };
	wh_model_forward(m, &a, true, &count);
	float first[50];
	memcpy(first, m->logits, sizeof first);
	wh_model_forward(m, &p, true, &count);
	CHECK(rel_err(m->logits + 3 * 10, first, 50) < 1e-6);
	wh_model_free(m);
}

/* Folders named in WH_MODEL_FIXTURES (colon-separated), each a checkpoint
 * with a reference.safetensors as the HF fixtures have: how
 * bench/train-hf-check.py compares checkpoints whittle wrote with what
 * transformers computes from them. */
static void
check_extra_fixtures(const char *list)
{
	char *copy = wh_xstrdup(list ? list : ""), *save = NULL;

	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *slash = strrchr(d, '/');
		if (slash == NULL)
			check_fixture(".", d, true);
		else {
			*slash = '\0';
			check_fixture(d, slash + 1, true);
		}
	}
	free(copy);
}

int
main(void)
{
	const char *src = getenv("SRCDIR");
	char dir[4096];
	const char *fixtures[] = { "tiny-llama", "tiny-llama-tied", "tiny-qwen2" };

	check_finite_differences(WH_LLAMA, false);
	check_finite_differences(WH_LLAMA, true);
	check_finite_differences(WH_QWEN2, false);
	check_packing_isolates();
	snprintf(dir, sizeof dir, "%s/tests/train", src ? src : WH_SRCDIR);
	check_fixture(dir, "torch-llama-gqa", false);
	check_fixture(dir, "torch-qwen2-tied", false);
	check_extra_fixtures(getenv("WH_MODEL_FIXTURES"));
	snprintf(dir, sizeof dir, "%s/../shared/data/hf-fixtures", src ? src : WH_SRCDIR);
	if (access(dir, R_OK) != 0) {
		printf("SKIP: %s is absent: the Hugging Face fixtures live in shared/data "
		    "beside the source tree\n", dir);
		unit_done("test-model");
		return unit_failures ? 1 : 77;
	}
	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++)
		check_fixture(dir, fixtures[i], true);
	return unit_done("test-model");
}
