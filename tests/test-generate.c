/* Generation through the KV cache against the full forward (logits at every
 * step, greedy tokens), its stops (end token, stop sequence, limit, the
 * model's last position), and seeded sampling: repeatable, top-p, and
 * drawing tokens as often as their probabilities say. */
#include <math.h>
#include <stdint.h>

#include "unit.h"
#include "whittle/buf.h"
#include "whittle/generate.h"
#include "whittle/model.h"

#define V 13

/* A small model with weights scaled up from N(0, 0.02) by gain. */
static struct wh_model *
tiny(enum wh_arch arch, int max_pos, float gain)
{
	struct wh_model_config c;

	wh_model_config_default(&c, V);
	c.arch = arch;
	c.hidden = 16;
	c.intermediate = 24;
	c.heads = 4;
	c.kv_heads = 2;
	c.head_dim = 4;
	c.max_pos = max_pos;
	struct wh_model *m = wh_model_new(&c, 5);
	for (size_t i = 0; i < m->nparams; i++)
		m->params[i] *= gain;
	return m;
}

static double
rel_err(const float *a, const float *b, int n)
{
	double num = 0, den = 0;

	for (int i = 0; i < n; i++) {
		num = fmax(num, fabs((double)a[i] - b[i]));
		den = fmax(den, fabs(b[i]));
	}
	return num / den;
}

/* Extending the cache in chunks of 5, 1, 3, 1... gives the logits the full
 * forward over the whole prefix gives. */
static void
check_cache_matches_forward(enum wh_arch arch)
{
	struct wh_model *m = tiny(arch, 32, 20);
	struct wh_kv_cache *kv = wh_kv_cache_new(&m->cfg);
	int32_t ids[20];
	float full[V], cached[V];
	double worst = 0;
	int chunks[] = { 5, 1, 3, 1, 1, 4, 2, 1, 2 }, at = 0;

	for (int i = 0; i < 20; i++)
		ids[i] = (i * 7 + 3) % V;
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		CHECK(wh_model_extend(m, kv, ids + at, chunks[c], cached) == 0);
		at += chunks[c];
		CHECK(wh_kv_cache_len(kv) == at);
		wh_model_next_logits(m, ids, at, full);
		worst = fmax(worst, rel_err(cached, full, V));
	}
	printf("cache vs forward (%s): worst relative error %.3g\n",
	    arch == WH_LLAMA ? "llama" : "qwen2", worst);
	CHECK(worst < 1e-5);
	CHECK(wh_model_extend(m, kv, ids, 13, cached) == -1);	/* 20 + 13 > 32 */
	CHECK(wh_model_extend(m, kv, ids, 12, NULL) == 0);
	CHECK(wh_model_extend(m, kv, ids, 1, NULL) == -1);
	wh_kv_cache_free(kv);
	wh_model_free(m);
}

/* Greedy generation gives the tokens the full forward picks one by one. */
static void
check_greedy(void)
{
	struct wh_model *m = tiny(WH_QWEN2, 40, 20);
	struct wh_kv_cache *kv = wh_kv_cache_new(&m->cfg);
	struct wh_gen_opts o;
	int32_t seq[40] = { 1, 2, 3 }, out[40];
	float logits[V];
	int n, distinct = 0;

	for (int i = 3; i < 30; i++) {
		wh_model_next_logits(m, seq, i, logits);
		seq[i] = 0;
		for (int v = 1; v < V; v++)
			seq[i] = logits[v] > logits[seq[i]] ? v : seq[i];
	}
	wh_gen_opts_default(&o);
	o.max_new = 27;
	CHECK(wh_generate(m, kv, seq, 3, &o, out, &n) == WH_GEN_LENGTH);
	CHECK(n == 27 && memcmp(out, seq + 3, 27 * sizeof(int32_t)) == 0);
	for (int v = 0; v < V; v++)
		for (int i = 0; i < n; i++)
			if (out[i] == v) {
				distinct++;
				break;
			}
	CHECK(distinct > 2);	/* the test means something */

	/* stops: the end token (not kept), a stop sequence (kept) */
	o.eos = out[4];
	int first = 0;
	while (out[first] != o.eos)
		first++;
	CHECK(wh_generate(m, kv, seq, 3, &o, out, &n) == WH_GEN_EOS);
	CHECK(n == first);
	o.eos = -1;
	o.stop = seq + 3 + 5;
	o.nstop = 2;
	CHECK(wh_generate(m, kv, seq, 3, &o, out, &n) == WH_GEN_STOP);
	CHECK(n <= 7 && memcmp(out + n - 2, seq + 8, 2 * sizeof(int32_t)) == 0);
	o.stop = NULL;

	/* the model's 40 positions run out */
	o.max_new = 20;
	CHECK(wh_generate(m, kv, seq, 35, &o, out, &n) == WH_GEN_LENGTH);
	CHECK(n == 5);
	CHECK(wh_generate(m, kv, seq, 40, &o, out, &n) == -1 && n == 0);
	CHECK(wh_generate(m, kv, seq, 0, &o, out, &n) == -1);
	wh_kv_cache_free(kv);
	wh_model_free(m);
}

/* Sampling: the same seed gives the same tokens, others differ; a tiny
 * top_p is greedy; the first token comes as often as softmax(l / t). */
static void
check_sampling(void)
{
	struct wh_model *m = tiny(WH_LLAMA, 24, 5);
	struct wh_kv_cache *kv = wh_kv_cache_new(&m->cfg);
	struct wh_gen_opts o;
	int32_t prompt[2] = { 4, 9 }, a[16], b[16], g[16];
	float logits[V];
	int n, counts[V] = { 0 }, draws = 4000;
	double sum = 0, worst = 0;

	wh_gen_opts_default(&o);
	o.max_new = 16;
	wh_generate(m, kv, prompt, 2, &o, g, &n);
	o.temperature = 1.5f;
	o.seed = 7;
	wh_generate(m, kv, prompt, 2, &o, a, &n);
	wh_generate(m, kv, prompt, 2, &o, b, &n);
	CHECK(memcmp(a, b, sizeof a) == 0);
	o.seed = 8;
	wh_generate(m, kv, prompt, 2, &o, b, &n);
	CHECK(memcmp(a, b, sizeof a) != 0);
	CHECK(memcmp(a, g, sizeof a) != 0);
	o.top_p = 1e-6f;
	wh_generate(m, kv, prompt, 2, &o, b, &n);
	CHECK(memcmp(b, g, sizeof b) == 0);

	o.top_p = 1;
	o.max_new = 1;
	for (int s = 0; s < draws; s++) {
		o.seed = (uint64_t)s;
		wh_generate(m, kv, prompt, 2, &o, a, &n);
		counts[a[0]]++;
	}
	wh_model_next_logits(m, prompt, 2, logits);
	for (int v = 0; v < V; v++)
		sum += exp(logits[v] / 1.5);
	for (int v = 0; v < V; v++) {
		double p = exp(logits[v] / 1.5) / sum;
		worst = fmax(worst, fabs(p - (double)counts[v] / draws));
	}
	printf("sampling: largest gap between frequency and probability %.4f\n", worst);
	CHECK(worst < 0.03);
	wh_kv_cache_free(kv);
	wh_model_free(m);
}

int
main(void)
{
	check_cache_matches_forward(WH_LLAMA);
	check_cache_matches_forward(WH_QWEN2);
	check_greedy();
	check_sampling();
	return unit_done("test-generate");
}
