/* Generation: prefill the prompt into a KV cache in one pass, then one
 * token at a time, greedy or sampled (temperature, top-p) with a seeded
 * generator, until the end token, a stop sequence or the limit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "whittle/buf.h"
#include "whittle/generate.h"
#include "whittle/train.h"
#include "ops.h"

void
wh_gen_opts_default(struct wh_gen_opts *o)
{
	*o = (struct wh_gen_opts){ .max_new = 256, .temperature = 0, .top_p = 1,
		.seed = 1, .eos = -1 };
}

const char *
wh_gen_end_name(enum wh_gen_end e)
{
	switch (e) {
	case WH_GEN_EOS: return "eos";
	case WH_GEN_STOP: return "stop";
	default: return "length";
	}
}

static int
argmax(const float *l, int V)
{
	int best = 0;

	for (int i = 1; i < V; i++)
		best = l[i] > l[best] ? i : best;
	return best;
}

struct cand {
	float p;
	int id;
};

/* Most likely first; equal ones by id. */
static int
by_prob(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->p != y->p)
		return x->p > y->p ? -1 : 1;
	return x->id - y->id;
}

/* Draw from softmax(l / temperature), cut to the top_p nucleus; c is
 * scratch for V candidates. */
static int
sample(const float *l, int V, const struct wh_gen_opts *o, uint64_t *rng,
    struct cand *c)
{
	float max = l[argmax(l, V)];
	double sum = 0, kept = 0, r;
	int n = 0;

	for (int i = 0; i < V; i++) {
		c[i].p = expf((l[i] - max) / o->temperature);
		c[i].id = i;
		sum += c[i].p;
	}
	if (o->top_p < 1) {
		qsort(c, V, sizeof *c, by_prob);
		while (n < V && kept < o->top_p * sum)
			kept += c[n++].p;
	} else {
		n = V;
		kept = sum;
	}
	r = wh_rng_uniform(rng) * kept;
	for (int i = 0; i < n; i++)
		if ((r -= c[i].p) < 0)
			return c[i].id;
	return c[n - 1].id;
}

static bool
ends_with_stop(const int32_t *out, int n, const struct wh_gen_opts *o)
{
	return o->stop && o->nstop > 0 && n >= o->nstop
	    && memcmp(out + n - o->nstop, o->stop, o->nstop * sizeof *out) == 0;
}

int
wh_generate(struct wh_model *m, struct wh_kv_cache *kv, const int32_t *prompt, int n,
    const struct wh_gen_opts *o, int32_t *out, int *nout)
{
	int V = m->cfg.vocab, end = WH_GEN_LENGTH;
	float *logits;
	struct cand *c = NULL;
	uint64_t rng = o->seed;

	*nout = 0;
	if (n < 1 || n >= m->cfg.max_pos)
		return -1;
	logits = wh_xmalloc((size_t)V * sizeof(float));
	if (o->temperature > 0)
		c = wh_xmalloc((size_t)V * sizeof *c);
	wh_kv_cache_reset(kv);
	wh_model_extend(m, kv, prompt, n, logits);
	while (*nout < o->max_new) {
		int id = o->temperature > 0 ? sample(logits, V, o, &rng, c) : argmax(logits, V);
		if (id == o->eos) {
			end = WH_GEN_EOS;
			break;
		}
		out[(*nout)++] = id;
		if (ends_with_stop(out, *nout, o)) {
			end = WH_GEN_STOP;
			break;
		}
		if (*nout == o->max_new || n + *nout == m->cfg.max_pos)
			break;
		wh_model_extend(m, kv, &out[*nout - 1], 1, logits);
	}
	free(logits);
	free(c);
	return end;
}

void
wh_gen_encode(const struct wh_tokenizer *tok, const char *text, size_t len,
    struct wh_ids *out)
{
	if (tok) {
		wh_tokenizer_encode(tok, text, len, out);
		return;
	}
	for (size_t i = 0; i < len; i++)
		wh_ids_push(out, (unsigned char)text[i]);
}

int
wh_gen_decode(const struct wh_tokenizer *tok, const int32_t *ids, size_t n,
    struct wh_buf *out, struct wh_error *err)
{
	if (tok == NULL) {
		for (size_t i = 0; i < n; i++)
			if (ids[i] >= 0 && ids[i] < 256)
				wh_buf_addc(out, (char)ids[i]);
		return 0;
	}
	uint32_t *u = wh_xmalloc((n ? n : 1) * sizeof *u);
	for (size_t i = 0; i < n; i++)
		u[i] = (uint32_t)ids[i];
	int rc = wh_tokenizer_decode(tok, u, n, true, out, err);
	free(u);
	return rc;
}

int
wh_gen_tokenizer(const char *dir, const char *path, const struct wh_model *m,
    struct wh_tokenizer **tok, struct wh_error *err)
{
	struct wh_buf b = { 0 };

	*tok = NULL;
	if (path == NULL) {
		wh_buf_printf(&b, "%s/tokenizer.json", dir);
		if (access(b.data, R_OK) == 0)
			path = b.data;
	}
	if (path)
		*tok = wh_tokenizer_load(path, err);
	else if (m->cfg.vocab != WH_BYTE_VOCAB)
		wh_error_set(err, dir, 0, "a model of %d ids needs its tokenizer: "
		    "give --tokenizer", m->cfg.vocab);
	wh_buf_free(&b);
	if (*tok && wh_tokenizer_vocab_size(*tok) > (uint32_t)m->cfg.vocab) {
		wh_error_set(err, path, 0, "the tokenizer has %u ids, the model %d",
		    wh_tokenizer_vocab_size(*tok), m->cfg.vocab);
		wh_tokenizer_free(*tok);
		*tok = NULL;
		return -1;
	}
	return *tok || (path == NULL && m->cfg.vocab == WH_BYTE_VOCAB) ? 0 : -1;
}
