/* The transformer, read top to bottom: parameter layout, activation layout,
 * then each layer's forward beside its backward, then the model's forward
 * and backward that chain them. Shapes: N = B*T positions, C hidden, QD =
 * heads*head_dim, KD = kv_heads*head_dim, F intermediate, V vocabulary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "whittle/buf.h"
#include "whittle/model.h"
#include "ops.h"

/* ---- configuration ---- */

void
wh_model_config_default(struct wh_model_config *c, int vocab)
{
	*c = (struct wh_model_config){
		.arch = WH_LLAMA, .vocab = vocab, .hidden = 64, .intermediate = 176,
		.layers = 2, .heads = 4, .kv_heads = 2, .head_dim = 16,
		.max_pos = 512, .eps = 1e-6f, .rope_theta = 10000.0f, .tied = true,
		.bos = -1, .eos = -1,
	};
}

int
wh_model_config_check(const struct wh_model_config *c, struct wh_error *err)
{
	if (c->vocab < 1 || c->hidden < 1 || c->intermediate < 1 || c->layers < 1
	    || c->heads < 1 || c->kv_heads < 1 || c->head_dim < 2 || c->max_pos < 1)
		return wh_error_set(err, "", 0, "every model size must be positive");
	if (c->heads % c->kv_heads)
		return wh_error_set(err, "", 0, "%d heads do not split into %d KV groups",
		    c->heads, c->kv_heads);
	if (c->head_dim % 2)
		return wh_error_set(err, "", 0, "head_dim %d is odd", c->head_dim);
	if ((double)c->vocab * c->hidden > 1e10 || (double)c->layers * c->hidden
	    * c->intermediate > 1e11)
		return wh_error_set(err, "", 0, "the model is too large");
	return 0;
}

/* ---- parameters: one buffer, named offsets ---- */

enum { P_EMBED, P_LN1, P_WQ, P_BQ, P_WK, P_BK, P_WV, P_BV, P_WO, P_LN2, P_WGATE,
	P_WUP, P_WDOWN, P_NORM, P_LMHEAD, NPARAM };

static void
param_sizes(const struct wh_model_config *c, size_t s[NPARAM])
{
	size_t L = c->layers, C = c->hidden, F = c->intermediate, V = c->vocab;
	size_t QD = (size_t)c->heads * c->head_dim, KD = (size_t)c->kv_heads * c->head_dim;
	bool bias = c->arch == WH_QWEN2;

	s[P_EMBED] = V * C;
	s[P_LN1] = L * C;
	s[P_WQ] = L * QD * C;
	s[P_BQ] = bias ? L * QD : 0;
	s[P_WK] = L * KD * C;
	s[P_BK] = bias ? L * KD : 0;
	s[P_WV] = L * KD * C;
	s[P_BV] = bias ? L * KD : 0;
	s[P_WO] = L * C * QD;
	s[P_LN2] = L * C;
	s[P_WGATE] = L * F * C;
	s[P_WUP] = L * F * C;
	s[P_WDOWN] = L * C * F;
	s[P_NORM] = C;
	s[P_LMHEAD] = c->tied ? 0 : V * C;
}

/* Point the fields of p into base; an absent tensor gets NULL (lm_head of a
 * tied model gets the embeddings). */
static void
point_params(struct wh_model_params *p, float *base, const size_t s[NPARAM])
{
	float **f[NPARAM] = { &p->embed, &p->ln1, &p->wq, &p->bq, &p->wk, &p->bk,
		&p->wv, &p->bv, &p->wo, &p->ln2, &p->wgate, &p->wup, &p->wdown,
		&p->norm, &p->lm_head };

	for (int i = 0; i < NPARAM; i++) {
		*f[i] = s[i] ? base : NULL;
		base += s[i];
	}
	if (p->lm_head == NULL)
		p->lm_head = p->embed;
}

static double
normal(uint64_t *rng)
{
	double u1 = wh_rng_uniform(rng), u2 = wh_rng_uniform(rng);
	return sqrt(-2.0 * log(1.0 - u1)) * cos(2.0 * M_PI * u2);
}

struct wh_model *
wh_model_alloc(const struct wh_model_config *c)
{
	struct wh_model *m = wh_xcalloc(1, sizeof *m);
	size_t s[NPARAM];

	m->cfg = *c;
	param_sizes(c, s);
	for (int i = 0; i < NPARAM; i++)
		m->nparams += s[i];
	wh_linear_init();
	m->params = wh_xcalloc(m->nparams, sizeof(float));
	m->grads = wh_xcalloc(m->nparams, sizeof(float));
	point_params(&m->p, m->params, s);
	point_params(&m->g, m->grads, s);
	return m;
}

struct wh_model *
wh_model_new(const struct wh_model_config *c, uint64_t seed)
{
	struct wh_model *m = wh_model_alloc(c);
	size_t s[NPARAM];

	param_sizes(c, s);
	for (size_t i = 0; i < m->nparams; i++)
		m->params[i] = (float)(0.02 * normal(&seed));
	for (size_t i = 0; i < s[P_LN1]; i++)
		m->p.ln1[i] = m->p.ln2[i] = 1.0f;
	for (int i = 0; i < c->hidden; i++)
		m->p.norm[i] = 1.0f;
	if (c->arch == WH_QWEN2) {
		memset(m->p.bq, 0, s[P_BQ] * sizeof(float));
		memset(m->p.bk, 0, s[P_BK] * sizeof(float));
		memset(m->p.bv, 0, s[P_BV] * sizeof(float));
	}
	return m;
}

struct wh_model *
wh_model_replica(const struct wh_model *m)
{
	struct wh_model *r = wh_xcalloc(1, sizeof *r);
	size_t s[NPARAM];

	r->cfg = m->cfg;
	r->nparams = m->nparams;
	r->replica = true;
	r->params = m->params;
	r->p = m->p;
	r->grads = wh_xcalloc(m->nparams, sizeof(float));
	param_sizes(&r->cfg, s);
	point_params(&r->g, r->grads, s);
	return r;
}

void
wh_model_zero_grad(struct wh_model *m)
{
	enum { CHUNK = 1 << 16 };

	#pragma omp parallel for
	for (size_t i = 0; i < m->nparams; i += CHUNK)
		memset(m->grads + i, 0, (m->nparams - i < CHUNK ? m->nparams - i : CHUNK)
		    * sizeof(float));
}

/* ---- activations: one buffer sized from (B, T), named offsets ---- */

struct wh_model_acts {
	int B, T, rows;		/* rows: positions whose logits are computed */
	int32_t *tokens, *pos, *targets;	/* [N] */
	int32_t *row, *rtarget;	/* [rows]: position and target of each row */
	float *x;		/* [L+1][N][C] the residual stream into each layer */
	float *ln1, *rstd1;	/* [L][N][C], [L][N] */
	float *q, *k, *v;	/* [L][N][QD|KD|KD], q and k rotated */
	float *att;		/* [L][B][heads][T][T] attention weights */
	float *atty;		/* [L][N][QD] */
	float *xmid;		/* [L][N][C] after the attention residual */
	float *ln2, *rstd2;	/* [L][N][C], [L][N] */
	float *gate, *up, *h;	/* [L][N][F] h = silu(gate) * up */
	float *lnf, *rstdf;	/* [N][C], [N] */
	float *lnr;		/* [N][C] lnf rows that get logits */
	float *lse;		/* [N] log-sum-exp of each logits row */
	float *cos, *sin;	/* [max_pos][head_dim/2] rotary tables */
	/* backward scratch, reused by every layer */
	float *dx, *dxmid, *dln, *dq, *dk, *dv, *datty, *dgate, *dup, *dh;
	float *mem;
};

static void
rope_tables(float *cosv, float *sinv, const struct wh_model_config *c)
{
	int half = c->head_dim / 2;

	for (int p = 0; p < c->max_pos; p++)
		for (int i = 0; i < half; i++) {
			float inv = (float)(1.0 / pow(c->rope_theta, 2.0 * i / c->head_dim));
			float ang = (float)p * inv;
			cosv[(size_t)p * half + i] = cosf(ang);
			sinv[(size_t)p * half + i] = sinf(ang);
		}
}

/* The floats of the activations of B rows of T positions; with mem, point
 * a's arrays into it. */
static size_t
acts_place(const struct wh_model_config *c, int B, int T, struct wh_model_acts *a,
    float *mem)
{
	size_t N = (size_t)B * T, L = c->layers, C = c->hidden, F = c->intermediate;
	size_t QD = (size_t)c->heads * c->head_dim, KD = (size_t)c->kv_heads * c->head_dim;
	size_t rope = (size_t)c->max_pos * (c->head_dim / 2);
	struct { float **p; size_t n; } f[] = {
		{ &a->x, (L + 1) * N * C }, { &a->ln1, L * N * C }, { &a->rstd1, L * N },
		{ &a->q, L * N * QD }, { &a->k, L * N * KD }, { &a->v, L * N * KD },
		{ &a->att, L * B * c->heads * (size_t)T * T }, { &a->atty, L * N * QD },
		{ &a->xmid, L * N * C }, { &a->ln2, L * N * C }, { &a->rstd2, L * N },
		{ &a->gate, L * N * F }, { &a->up, L * N * F }, { &a->h, L * N * F },
		{ &a->lnf, N * C }, { &a->rstdf, N }, { &a->lnr, N * C }, { &a->lse, N },
		{ &a->cos, rope }, { &a->sin, rope },
		{ &a->dx, N * C }, { &a->dxmid, N * C }, { &a->dln, N * C },
		{ &a->dq, N * QD }, { &a->dk, N * KD }, { &a->dv, N * KD },
		{ &a->datty, N * QD }, { &a->dgate, N * F }, { &a->dup, N * F },
		{ &a->dh, N * F },
	};
	size_t total = 0;

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (mem)
			*f[i].p = mem + total;
		total += f[i].n;
	}
	return total;
}

size_t
wh_model_acts_bytes(const struct wh_model_config *c, int B, int T)
{
	struct wh_model_acts a;
	size_t N = (size_t)B * T;

	return (acts_place(c, B, T, &a, NULL) + N * (size_t)c->vocab) * sizeof(float) +
	    5 * N * sizeof(int32_t);
}

static struct wh_model_acts *
acts_new(const struct wh_model_config *c, int B, int T)
{
	struct wh_model_acts *a = wh_xcalloc(1, sizeof *a);
	size_t N = (size_t)B * T, total = acts_place(c, B, T, a, NULL);

	a->mem = wh_xcalloc(total, sizeof(float));
	acts_place(c, B, T, a, a->mem);
	a->B = B;
	a->T = T;
	a->tokens = wh_xmalloc(5 * N * sizeof(int32_t));
	a->pos = a->tokens + N;
	a->targets = a->pos + N;
	a->row = a->targets + N;
	a->rtarget = a->row + N;
	rope_tables(a->cos, a->sin, c);
	return a;
}

static void
acts_free(struct wh_model_acts *a)
{
	if (a == NULL)
		return;
	free(a->mem);
	free(a->tokens);
	free(a);
}

void
wh_model_free(struct wh_model *m)
{
	if (m == NULL)
		return;
	acts_free(m->acts);
	if (!m->replica)
		free(m->params);
	free(m->grads);
	free(m->logits);
	free(m);
}

/* ---- RMSNorm ---- */

/* One row: out = w ⊙ x·rstd(x); returns rstd. */
WH_CLONES static float
rmsnorm_row(float *restrict out, const float *restrict x,
    const float *restrict w, int C, float eps)
{
	float r = 1.0f / sqrtf(wh_dot(x, x, C) / C + eps);
	#pragma omp simd
	for (int i = 0; i < C; i++)
		out[i] = w[i] * (x[i] * r);
	return r;
}

static void
rmsnorm_forward(float *out, float *rstd, const float *x, const float *w, int N,
    int C, float eps)
{
	#pragma omp parallel for
	for (int n = 0; n < N; n++)
		rstd[n] = rmsnorm_row(out + (size_t)n * C, x + (size_t)n * C, w, C, eps);
}

/* One row of the backward: dx = dres + ∂/∂x (dres NULL: zeros; dres may
 * be dx). */
WH_CLONES static void
rmsnorm_row_backward(float *dx, const float *dres, const float *restrict dout,
    const float *restrict x, const float *restrict w, float r, int C)
{
	float dot = 0;

	#pragma omp simd reduction(+:dot)
	for (int i = 0; i < C; i++)
		dot += dout[i] * w[i] * x[i] * r;
	#pragma omp simd
	for (int i = 0; i < C; i++)
		dx[i] = (dres ? dres[i] : 0.0f) + r * (dout[i] * w[i] - x[i] * r * dot / C);
}

/* dw[0..width) += Σ over the N rows, in order, of dout·x·rstd; x and dout
 * point at the block's first column of row 0. */
WH_CLONES static void
rmsnorm_dw_block(float *restrict dw, const float *restrict dout,
    const float *restrict x, const float *restrict rstd, int N, int C, int width)
{
	float s[64] = { 0 };

	for (int n = 0; n < N; n++) {
		const float *xn = x + (size_t)n * C, *dn = dout + (size_t)n * C;
		float r = rstd[n];
		#pragma omp simd
		for (int i = 0; i < width; i++)
			s[i] += dn[i] * xn[i] * r;
	}
	for (int i = 0; i < width; i++)
		dw[i] += s[i];
}

/* dx = dres + ∂/∂x (dres NULL: zeros; dres may be dx), dw += ∂/∂w of
 * out = w ⊙ x·rstd(x), given dout. */
static void
rmsnorm_backward(float *dx, const float *dres, float *dw, const float *dout,
    const float *x, const float *rstd, const float *w, int N, int C)
{
	#pragma omp parallel for
	for (int n = 0; n < N; n++) {
		size_t o = (size_t)n * C;
		rmsnorm_row_backward(dx + o, dres ? dres + o : NULL, dout + o, x + o, w,
		    rstd[n], C);
	}
	/* dw in blocks of 64 columns, each summed over the rows in order */
	#pragma omp parallel for
	for (int i0 = 0; i0 < C; i0 += 64)
		rmsnorm_dw_block(dw + i0, dout + i0, x + i0, rstd, N, C,
		    C - i0 < 64 ? C - i0 : 64);
}

/* ---- rotary positions (HF rotate-half: pairs i and i + head_dim/2) ---- */

/* Rotate the nh heads of one row by the angles of cos cs and sine sn. */
WH_CLONES static void
rope_row(float *restrict v, const float *restrict cs, const float *restrict sn,
    int nh, int hd, float sign)
{
	int half = hd / 2;

	for (int h = 0; h < nh; h++) {
		float *x = v + (size_t)h * hd;
		#pragma omp simd
		for (int i = 0; i < half; i++) {
			float a = x[i], b = x[i + half], s = sign * sn[i];
			x[i] = a * cs[i] - b * s;
			x[i + half] = b * cs[i] + a * s;
		}
	}
}

/* Rotate each head of v[N][nh*hd] by its position's angle; sign -1 applies
 * the inverse rotation, which is the backward. */
static void
rope_apply(float *v, const int32_t *pos, const float *cosv, const float *sinv,
    int N, int nh, int hd, float sign)
{
	#pragma omp parallel for
	for (int n = 0; n < N; n++)
		rope_row(v + (size_t)n * nh * hd, cosv + (size_t)pos[n] * (hd / 2),
		    sinv + (size_t)pos[n] * (hd / 2), nh, hd, sign);
}

/* ---- attention: causal, within a document, grouped-query ---- */

struct attn_shape {
	int B, T, heads, kv_heads, hd;
	float scale;
};

/* Position t of a row attends to [t - pos[t], t]. Rows go in blocks of
 * ROWS: a block's scores are one product over the columns its rows can
 * see, from the earliest start among them to its last row, and the
 * weights outside each row's span are zeros. */
enum { ROWS = 32 };

static int
block_start(const int32_t *pos, int r0, int r1)
{
	int lo = r0;

	for (int t = r0; t < r1; t++)
		lo = t - pos[t] < lo ? t - pos[t] : lo;
	return lo;
}

/* Turn scores w[lo..end) of row t into its softmax over [t0, t], zeros
 * elsewhere. The maximum and the sum are kept in LANES partial results
 * (one AVX-512 register, two AVX2 ones, four SSE ones) combined pairwise
 * in a fixed order, so every variant of the kernel gives the same
 * weights; the last n % LANES scores go through a padded copy as one
 * more vector. */
enum { LANES = 16 };

WH_CLONES static void
softmax_span(float *w, int lo, int t0, int t, int end)
{
	int n = t + 1 - t0, body = n - n % LANES, rest = n - body;
	float *x = w + t0, tail[LANES], m[LANES], e[LANES] = { 0 }, max, sum;

	memset(w + lo, 0, (size_t)(t0 - lo) * sizeof(float));
	#pragma omp simd
	for (int j = 0; j < LANES; j++)
		m[j] = tail[j] = j < rest ? x[body + j] : -INFINITY;
	for (int u = 0; u < body; u += LANES)
		#pragma omp simd
		for (int j = 0; j < LANES; j++)
			m[j] = x[u + j] > m[j] ? x[u + j] : m[j];
	for (int half = LANES / 2; half > 0; half /= 2)
		for (int j = 0; j < half; j++)
			m[j] = m[j + half] > m[j] ? m[j + half] : m[j];
	max = m[0];
	for (int u = 0; u < body; u += LANES)
		#pragma omp simd
		for (int j = 0; j < LANES; j++)
			e[j] += (x[u + j] = wh_expf(x[u + j] - max));
	#pragma omp simd
	for (int j = 0; j < LANES; j++) {
		tail[j] = wh_expf(tail[j] - max);
		e[j] += j < rest ? tail[j] : 0.0f;
	}
	for (int half = LANES / 2; half > 0; half /= 2)
		for (int j = 0; j < half; j++)
			e[j] += e[j + half];
	sum = e[0];
	memcpy(x + body, tail, (size_t)rest * sizeof(float));
	#pragma omp simd
	for (int u = 0; u < n; u++)
		x[u] /= sum;
	memset(w + t + 1, 0, (size_t)(end - t - 1) * sizeof(float));
}

static void
attention_forward(float *restrict atty, float *restrict att, const float *restrict q,
    const float *restrict k, const float *restrict v, const int32_t *pos,
    const struct attn_shape *s)
{
	int T = s->T, hd = s->hd, group = s->heads / s->kv_heads;
	int QD = s->heads * hd, KD = s->kv_heads * hd;

	#pragma omp parallel for collapse(2)
	for (int b = 0; b < s->B; b++)
		for (int h = 0; h < s->heads; h++) {
			const int32_t *pb = pos + (size_t)b * T;
			size_t kvo = (size_t)b * T * KD + (size_t)(h / group) * hd;
			const float *qb = q + (size_t)b * T * QD + (size_t)h * hd;
			const float *kb = k + kvo, *vb = v + kvo;
			float *w = att + ((size_t)b * s->heads + h) * T * T;
			float *y = atty + (size_t)b * T * QD + (size_t)h * hd;
			for (int r0 = 0; r0 < T; r0 += ROWS) {
				int r1 = r0 + ROWS < T ? r0 + ROWS : T, lo = block_start(pb, r0, r1);
				float *wb = w + (size_t)r0 * T + lo;
				wh_gemm(false, true, r1 - r0, r1 - lo, hd, s->scale, qb + (size_t)r0 * QD,
				    QD, kb + (size_t)lo * KD, KD, 0.0f, wb, T);
				for (int t = r0; t < r1; t++)
					softmax_span(w + (size_t)t * T, lo, t - pb[t], t, r1);
				wh_gemm(false, false, r1 - r0, hd, r1 - lo, 1.0f, wb, T,
				    vb + (size_t)lo * KD, KD, 0.0f, y + (size_t)r0 * QD, QD);
			}
		}
}

/* The softmax's backward of one row in place: d = w ⊙ (d - w·d) · scale. */
WH_CLONES static void
softmax_row_backward(float *restrict d, const float *restrict w, int n,
    float scale)
{
	float dot = wh_dot(w, d, n);

	#pragma omp simd
	for (int u = 0; u < n; u++)
		d[u] = w[u] * (d[u] - dot) * scale;
}

/* dq, dk, dv from datty, block by block as the forward went. One thread
 * owns a KV head and the query heads that share it, so sums need no locks;
 * it zeroes its columns of dk and dv first, and each block of dq rows is
 * written once. */
static void
attention_backward(float *restrict dq, float *restrict dk, float *restrict dv,
    const float *restrict datty, const float *restrict att, const float *restrict q,
    const float *restrict k, const float *restrict v, const int32_t *pos,
    const struct attn_shape *s)
{
	int T = s->T, hd = s->hd, group = s->heads / s->kv_heads;
	int QD = s->heads * hd, KD = s->kv_heads * hd;
	float scale = s->scale;

	#pragma omp parallel for collapse(2)
	for (int b = 0; b < s->B; b++)
		for (int kh = 0; kh < s->kv_heads; kh++) {
			float *ds = wh_xmalloc((size_t)ROWS * T * sizeof(float));
			const int32_t *pb = pos + (size_t)b * T;
			size_t kvo = (size_t)b * T * KD + (size_t)kh * hd;
			const float *kb = k + kvo, *vb = v + kvo;
			float *dkb = dk + kvo, *dvb = dv + kvo;
			for (int t = 0; t < T; t++) {
				memset(dkb + (size_t)t * KD, 0, hd * sizeof(float));
				memset(dvb + (size_t)t * KD, 0, hd * sizeof(float));
			}
			for (int h = kh * group; h < (kh + 1) * group; h++) {
				size_t qo = (size_t)b * T * QD + (size_t)h * hd;
				const float *w = att + ((size_t)b * s->heads + h) * T * T;
				for (int r0 = 0; r0 < T; r0 += ROWS) {
					int r1 = r0 + ROWS < T ? r0 + ROWS : T, lo = block_start(pb, r0, r1);
					int m = r1 - r0, n = r1 - lo;
					const float *wb = w + (size_t)r0 * T + lo;
					const float *dy = datty + qo + (size_t)r0 * QD;
					/* ds = dy·vᵀ, then the softmax's backward in place */
					wh_gemm(false, true, m, n, hd, 1.0f, dy, QD, vb + (size_t)lo * KD, KD,
					    0.0f, ds, n);
					wh_gemm(true, false, n, hd, m, 1.0f, wb, T, dy, QD, 1.0f,
					    dvb + (size_t)lo * KD, KD);
					for (int i = 0; i < m; i++)
						softmax_row_backward(ds + (size_t)i * n, wb + (size_t)i * T,
						    n, scale);
					wh_gemm(false, false, m, hd, n, 1.0f, ds, n, kb + (size_t)lo * KD, KD,
					    0.0f, dq + qo + (size_t)r0 * QD, QD);
					wh_gemm(true, false, n, hd, m, 1.0f, ds, n, q + qo + (size_t)r0 * QD, QD,
					    1.0f, dkb + (size_t)lo * KD, KD);
				}
			}
			free(ds);
		}
}

/* ---- SwiGLU ---- */

enum { SPAN = 4096 };	/* elements of an elementwise kernel's call */

/* h may be gate (generation reuses the buffer). */
WH_CLONES static void
swiglu_span(float *h, const float *gate, const float *restrict up, size_t n)
{
	#pragma omp simd
	for (size_t i = 0; i < n; i++)
		h[i] = gate[i] * wh_sigmoid(gate[i]) * up[i];
}

static void
swiglu_forward(float *h, const float *gate, const float *up, size_t n)
{
	#pragma omp parallel for
	for (size_t i = 0; i < n; i += SPAN)
		swiglu_span(h + i, gate + i, up + i, n - i < SPAN ? n - i : SPAN);
}

WH_CLONES static void
swiglu_span_backward(float *restrict dgate, float *restrict dup,
    const float *restrict dh, const float *restrict gate, const float *restrict up,
    size_t n)
{
	#pragma omp simd
	for (size_t i = 0; i < n; i++) {
		float sg = wh_sigmoid(gate[i]), silu = gate[i] * sg;
		dup[i] = dh[i] * silu;
		dgate[i] = dh[i] * up[i] * sg * (1.0f + gate[i] * (1.0f - sg));
	}
}

static void
swiglu_backward(float *dgate, float *dup, const float *dh, const float *gate,
    const float *up, size_t n)
{
	#pragma omp parallel for
	for (size_t i = 0; i < n; i += SPAN)
		swiglu_span_backward(dgate + i, dup + i, dh + i, gate + i, up + i,
		    n - i < SPAN ? n - i : SPAN);
}

/* ---- cross-entropy over the rows that carry loss ---- */

/* Log-sum-exp of one row of logits. */
WH_CLONES static float
logsumexp(const float *l, int V)
{
	float max = -INFINITY;
	double sum = 0;

	#pragma omp simd reduction(max:max)
	for (int i = 0; i < V; i++)
		max = l[i] > max ? l[i] : max;
	#pragma omp simd reduction(+:sum)
	for (int i = 0; i < V; i++)
		sum += wh_expf(l[i] - max);
	return max + (float)log(sum);
}

/* Log-sum-exp of each row into lse; returns Σ (lse - logit[target]) over
 * rows with a target, summed in row order. */
static double
crossentropy_forward(float *lse, const float *logits, const int32_t *target,
    int R, int V)
{
	double loss = 0;

	#pragma omp parallel for
	for (int r = 0; r < R; r++)
		lse[r] = logsumexp(logits + (size_t)r * V, V);
	for (int r = 0; r < R; r++)
		if (target[r] >= 0)
			loss += lse[r] - logits[(size_t)r * V + target[r]];
	return loss;
}

/* One row of logits l into s · e^(l - lse), in place. */
WH_CLONES static void
softmax_scaled(float *l, int V, float lse, float s)
{
	#pragma omp simd
	for (int i = 0; i < V; i++)
		l[i] = s * wh_expf(l[i] - lse);
}

/* Turn logits into scale * (softmax - onehot(target)) in place; rows
 * without a target get zeros. */
static void
crossentropy_backward(float *logits, const float *lse, const int32_t *target,
    int R, int V, float scale)
{
	#pragma omp parallel for
	for (int r = 0; r < R; r++) {
		float *l = logits + (size_t)r * V;
		softmax_scaled(l, V, lse[r], target[r] >= 0 ? scale : 0);
		if (target[r] >= 0)
			l[target[r]] -= scale;
	}
}

/* ---- one decoder layer ---- */

/* Pointers to layer l's slices of parameters or gradients. */
struct layer {
	float *ln1, *wq, *bq, *wk, *bk, *wv, *bv, *wo, *ln2, *wgate, *wup, *wdown;
};

static struct layer
layer_at(const struct wh_model_params *p, const struct wh_model_config *c, int l)
{
	size_t C = c->hidden, F = c->intermediate;
	size_t QD = (size_t)c->heads * c->head_dim, KD = (size_t)c->kv_heads * c->head_dim;

	return (struct layer){
		.ln1 = p->ln1 + l * C, .wq = p->wq + l * QD * C,
		.bq = p->bq ? p->bq + l * QD : NULL, .wk = p->wk + l * KD * C,
		.bk = p->bk ? p->bk + l * KD : NULL, .wv = p->wv + l * KD * C,
		.bv = p->bv ? p->bv + l * KD : NULL, .wo = p->wo + l * C * QD,
		.ln2 = p->ln2 + l * C, .wgate = p->wgate + l * F * C,
		.wup = p->wup + l * F * C, .wdown = p->wdown + l * C * F,
	};
}

/* Layer l's activations. */
struct layer_acts {
	float *x, *ln1, *rstd1, *q, *k, *v, *att, *atty, *xmid, *ln2, *rstd2;
	float *gate, *up, *h, *out;
};

static struct layer_acts
layer_acts_at(const struct wh_model_acts *a, const struct wh_model_config *c, int l)
{
	size_t N = (size_t)a->B * a->T, C = c->hidden, F = c->intermediate;
	size_t QD = (size_t)c->heads * c->head_dim, KD = (size_t)c->kv_heads * c->head_dim;

	return (struct layer_acts){
		.x = a->x + l * N * C, .ln1 = a->ln1 + l * N * C, .rstd1 = a->rstd1 + l * N,
		.q = a->q + l * N * QD, .k = a->k + l * N * KD, .v = a->v + l * N * KD,
		.att = a->att + l * (size_t)a->B * c->heads * a->T * a->T,
		.atty = a->atty + l * N * QD, .xmid = a->xmid + l * N * C,
		.ln2 = a->ln2 + l * N * C, .rstd2 = a->rstd2 + l * N,
		.gate = a->gate + l * N * F, .up = a->up + l * N * F, .h = a->h + l * N * F,
		.out = a->x + (l + 1) * N * C,
	};
}

static struct attn_shape
attn_shape(const struct wh_model_acts *a, const struct wh_model_config *c)
{
	return (struct attn_shape){ a->B, a->T, c->heads, c->kv_heads, c->head_dim,
		1.0f / sqrtf((float)c->head_dim) };
}

static void
layer_forward(struct wh_model *m, int l)
{
	const struct wh_model_config *c = &m->cfg;
	struct wh_model_acts *a = m->acts;
	struct layer w = layer_at(&m->p, c, l);
	struct layer_acts s = layer_acts_at(a, c, l);
	struct attn_shape as = attn_shape(a, c);
	int N = a->B * a->T, C = c->hidden, F = c->intermediate;
	int QD = c->heads * c->head_dim, KD = c->kv_heads * c->head_dim;

	rmsnorm_forward(s.ln1, s.rstd1, s.x, w.ln1, N, C, c->eps);
	wh_linear_forward(s.q, s.ln1, w.wq, w.bq, N, C, QD);
	wh_linear_forward(s.k, s.ln1, w.wk, w.bk, N, C, KD);
	wh_linear_forward(s.v, s.ln1, w.wv, w.bv, N, C, KD);
	rope_apply(s.q, a->pos, a->cos, a->sin, N, c->heads, c->head_dim, 1);
	rope_apply(s.k, a->pos, a->cos, a->sin, N, c->kv_heads, c->head_dim, 1);
	attention_forward(s.atty, s.att, s.q, s.k, s.v, a->pos, &as);
	wh_linear_forward_add(s.xmid, s.x, s.atty, w.wo, N, QD, C);
	rmsnorm_forward(s.ln2, s.rstd2, s.xmid, w.ln2, N, C, c->eps);
	wh_linear_forward(s.gate, s.ln2, w.wgate, NULL, N, C, F);
	wh_linear_forward(s.up, s.ln2, w.wup, NULL, N, C, F);
	swiglu_forward(s.h, s.gate, s.up, (size_t)N * F);
	wh_linear_forward_add(s.out, s.xmid, s.h, w.wdown, N, F, C);
}

/* Given a->dx = ∂loss/∂(layer l's output), leave ∂loss/∂(its input) there. */
static void
layer_backward(struct wh_model *m, int l)
{
	const struct wh_model_config *c = &m->cfg;
	struct wh_model_acts *a = m->acts;
	struct layer w = layer_at(&m->p, c, l), g = layer_at(&m->g, c, l);
	struct layer_acts s = layer_acts_at(a, c, l);
	struct attn_shape as = attn_shape(a, c);
	int N = a->B * a->T, C = c->hidden, F = c->intermediate;
	int QD = c->heads * c->head_dim, KD = c->kv_heads * c->head_dim;

	/* MLP: out = xmid + down(silu(gate(ln2)) * up(ln2)) */
	wh_linear_backward(a->dh, false, g.wdown, NULL, a->dx, s.h, w.wdown, N, F, C);
	swiglu_backward(a->dgate, a->dup, a->dh, s.gate, s.up, (size_t)N * F);
	wh_linear_backward(a->dln, false, g.wgate, NULL, a->dgate, s.ln2, w.wgate, N, C, F);
	wh_linear_backward(a->dln, true, g.wup, NULL, a->dup, s.ln2, w.wup, N, C, F);
	rmsnorm_backward(a->dxmid, a->dx, g.ln2, a->dln, s.xmid, s.rstd2, w.ln2, N, C);

	/* attention: xmid = x + o(attend(rope(q(ln1)), rope(k(ln1)), v(ln1))) */
	wh_linear_backward(a->datty, false, g.wo, NULL, a->dxmid, s.atty, w.wo, N, QD, C);
	attention_backward(a->dq, a->dk, a->dv, a->datty, s.att, s.q, s.k, s.v, a->pos, &as);
	rope_apply(a->dq, a->pos, a->cos, a->sin, N, c->heads, c->head_dim, -1);
	rope_apply(a->dk, a->pos, a->cos, a->sin, N, c->kv_heads, c->head_dim, -1);
	wh_linear_backward(a->dln, false, g.wq, g.bq, a->dq, s.ln1, w.wq, N, C, QD);
	wh_linear_backward(a->dln, true, g.wk, g.bk, a->dk, s.ln1, w.wk, N, C, KD);
	wh_linear_backward(a->dln, true, g.wv, g.bv, a->dv, s.ln1, w.wv, N, C, KD);
	rmsnorm_backward(a->dx, a->dxmid, g.ln1, a->dln, s.x, s.rstd1, w.ln1, N, C);
}

/* ---- the model ---- */

/* Copy the batch in and choose the rows that get logits. */
static int
take_batch(struct wh_model *m, const struct wh_batch *b, bool all_rows)
{
	struct wh_model_acts *a = m->acts;
	int N = b->B * b->T, R = 0;

	memcpy(a->tokens, b->tokens, (size_t)N * sizeof(int32_t));
	memcpy(a->targets, b->targets, (size_t)N * sizeof(int32_t));
	for (int n = 0; n < N; n++) {
		a->pos[n] = b->pos ? b->pos[n] : n % b->T;
		if (all_rows || a->targets[n] >= 0) {
			a->row[R] = n;
			a->rtarget[R++] = a->targets[n];
		}
	}
	return R;
}

/* The final norm's rows that get logits: all of them in order, or those
 * take_batch chose, copied into lnr. */
static const float *
logit_inputs(const struct wh_model_acts *a)
{
	return a->rows == a->B * a->T ? a->lnf : a->lnr;
}

static void
ensure_acts(struct wh_model *m, int B, int T)
{
	if (m->acts && m->acts->B == B && m->acts->T == T)
		return;
	acts_free(m->acts);
	m->acts = acts_new(&m->cfg, B, T);
	free(m->logits);
	m->logits = wh_xmalloc((size_t)B * T * m->cfg.vocab * sizeof(float));
}

double
wh_model_forward(struct wh_model *m, const struct wh_batch *b, bool want_logits,
    long *count)
{
	const struct wh_model_config *c = &m->cfg;
	struct wh_model_acts *a;
	int N = b->B * b->T, C = c->hidden;

	ensure_acts(m, b->B, b->T);
	a = m->acts;
	a->rows = take_batch(m, b, want_logits);
	#pragma omp parallel for
	for (int n = 0; n < N; n++)
		memcpy(a->x + (size_t)n * C, m->p.embed + (size_t)a->tokens[n] * C,
		    C * sizeof(float));
	for (int l = 0; l < c->layers; l++)
		layer_forward(m, l);
	rmsnorm_forward(a->lnf, a->rstdf, a->x + (size_t)c->layers * N * C, m->p.norm,
	    N, C, c->eps);
	if (a->rows < N)
		for (int r = 0; r < a->rows; r++)
			memcpy(a->lnr + (size_t)r * C, a->lnf + (size_t)a->row[r] * C,
			    C * sizeof(float));
	wh_linear_forward(m->logits, logit_inputs(a), m->p.lm_head, NULL, a->rows, C,
	    c->vocab);
	*count = 0;
	for (int r = 0; r < a->rows; r++)
		*count += a->rtarget[r] >= 0;
	return crossentropy_forward(a->lse, m->logits, a->rtarget, a->rows, c->vocab);
}

void
wh_model_row_losses(const struct wh_model *m, float *out)
{
	const struct wh_model_acts *a = m->acts;
	size_t V = (size_t)m->cfg.vocab;

	for (int r = 0; r < a->rows; r++)
		out[r] = a->rtarget[r] >= 0
		    ? a->lse[r] - m->logits[(size_t)r * V + (size_t)a->rtarget[r]] : 0;
}

void
wh_model_backward(struct wh_model *m, float scale)
{
	const struct wh_model_config *c = &m->cfg;
	struct wh_model_acts *a = m->acts;
	int N = a->B * a->T, C = c->hidden;
	const float *dlnf = a->dln;

	crossentropy_backward(m->logits, a->lse, a->rtarget, a->rows, c->vocab, scale);
	wh_linear_backward(a->dln, false, m->g.lm_head, NULL, m->logits, logit_inputs(a),
	    m->p.lm_head, a->rows, C, c->vocab);
	if (a->rows < N) {
		memset(a->dxmid, 0, (size_t)N * C * sizeof(float));
		for (int r = 0; r < a->rows; r++)
			memcpy(a->dxmid + (size_t)a->row[r] * C, a->dln + (size_t)r * C,
			    C * sizeof(float));
		dlnf = a->dxmid;
	}
	rmsnorm_backward(a->dx, NULL, m->g.norm, dlnf, a->x + (size_t)c->layers * N * C,
	    a->rstdf, m->p.norm, N, C);
	for (int l = c->layers - 1; l >= 0; l--)
		layer_backward(m, l);
	/* in blocks of 16 columns over threads, each row's tokens in order */
	#pragma omp parallel for
	for (int i0 = 0; i0 < C; i0 += 16) {
		int w = C - i0 < 16 ? C - i0 : 16;
		for (int n = 0; n < N; n++) {
			float *ge = m->g.embed + (size_t)a->tokens[n] * C + i0;
			const float *d = a->dx + (size_t)n * C + i0;
			for (int i = 0; i < w; i++)
				ge[i] += d[i];
		}
	}
}

void
wh_model_next_logits(struct wh_model *m, const int32_t *ids, int n, float *out)
{
	int32_t *targets = wh_xmalloc((size_t)n * sizeof(int32_t));
	struct wh_batch b = { 1, n, ids, targets, NULL };
	long count;

	for (int i = 0; i < n; i++)
		targets[i] = i == n - 1 ? 0 : -1;
	wh_model_forward(m, &b, false, &count);
	memcpy(out, m->logits, (size_t)m->cfg.vocab * sizeof(float));
	free(targets);
}

/* ---- generation: one sequence, keys and values cached ---- */

struct wh_kv_cache {
	int len, cap;		/* positions filled, max_pos */
	float *k, *v;		/* [L][cap][KD], keys rotated */
	float *cos, *sin;	/* rotary tables */
	/* scratch for up to cap new positions */
	float *x, *ln, *rstd, *q, *atty, *gate, *up, *score;
	int32_t *pos;
	float *mem;
};

struct wh_kv_cache *
wh_kv_cache_new(const struct wh_model_config *c)
{
	struct wh_kv_cache *kv = wh_xcalloc(1, sizeof *kv);
	size_t P = c->max_pos, L = c->layers, C = c->hidden, F = c->intermediate;
	size_t QD = (size_t)c->heads * c->head_dim, KD = (size_t)c->kv_heads * c->head_dim;
	size_t rope = P * (c->head_dim / 2);
	struct { float **p; size_t n; } f[] = {
		{ &kv->k, L * P * KD }, { &kv->v, L * P * KD }, { &kv->cos, rope },
		{ &kv->sin, rope }, { &kv->x, P * C }, { &kv->ln, P * C }, { &kv->rstd, P },
		{ &kv->q, P * QD }, { &kv->atty, P * QD }, { &kv->gate, P * F },
		{ &kv->up, P * F }, { &kv->score, c->heads * P },
	};
	size_t total = 0;

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		total += f[i].n;
	kv->mem = wh_xmalloc(total * sizeof(float));
	total = 0;
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		*f[i].p = kv->mem + total;
		total += f[i].n;
	}
	kv->cap = c->max_pos;
	kv->pos = wh_xmalloc(P * sizeof(int32_t));
	rope_tables(kv->cos, kv->sin, c);
	return kv;
}

void
wh_kv_cache_free(struct wh_kv_cache *kv)
{
	if (kv == NULL)
		return;
	free(kv->mem);
	free(kv->pos);
	free(kv);
}

void
wh_kv_cache_reset(struct wh_kv_cache *kv)
{
	kv->len = 0;
}

int
wh_kv_cache_len(const struct wh_kv_cache *kv)
{
	return kv->len;
}

/* Attention of n new positions (from kv->len on) over all cached ones: what
 * attention_forward computes, its sums in another order. */
static void
cached_attention(struct wh_kv_cache *kv, const float *k, const float *v, int n,
    const struct wh_model_config *c)
{
	int hd = c->head_dim, QD = c->heads * hd, KD = c->kv_heads * hd;
	int group = c->heads / c->kv_heads;
	float scale = 1.0f / sqrtf((float)hd);

	for (int t = 0; t < n; t++) {
		int last = kv->len + t;
		#pragma omp parallel for
		for (int h = 0; h < c->heads; h++) {
			const float *qt = kv->q + (size_t)t * QD + (size_t)h * hd;
			float *w = kv->score + (size_t)h * kv->cap;
			float *y = kv->atty + (size_t)t * QD + (size_t)h * hd;
			int kh = h / group;
			float max = -INFINITY, sum = 0;
			for (int u = 0; u <= last; u++) {
				w[u] = wh_dot(qt, k + (size_t)u * KD + (size_t)kh * hd, hd) * scale;
				max = w[u] > max ? w[u] : max;
			}
			#pragma omp simd reduction(+:sum)
			for (int u = 0; u <= last; u++)
				sum += (w[u] = wh_expf(w[u] - max));
			memset(y, 0, hd * sizeof(float));
			for (int u = 0; u <= last; u++) {
				const float *vu = v + (size_t)u * KD + (size_t)kh * hd;
				w[u] /= sum;
				#pragma omp simd
				for (int i = 0; i < hd; i++)
					y[i] += w[u] * vu[i];
			}
		}
	}
}

int
wh_model_extend(struct wh_model *m, struct wh_kv_cache *kv, const int32_t *ids, int n,
    float *logits)
{
	const struct wh_model_config *c = &m->cfg;
	int C = c->hidden, F = c->intermediate;
	int QD = c->heads * c->head_dim, KD = c->kv_heads * c->head_dim;

	if (n < 1 || n > kv->cap - kv->len)
		return -1;
	for (int i = 0; i < n; i++) {
		kv->pos[i] = kv->len + i;
		memcpy(kv->x + (size_t)i * C, m->p.embed + (size_t)ids[i] * C,
		    C * sizeof(float));
	}
	for (int l = 0; l < c->layers; l++) {
		struct layer w = layer_at(&m->p, c, l);
		float *k = kv->k + (size_t)l * kv->cap * KD, *v = kv->v + (size_t)l * kv->cap * KD;
		float *knew = k + (size_t)kv->len * KD, *vnew = v + (size_t)kv->len * KD;

		rmsnorm_forward(kv->ln, kv->rstd, kv->x, w.ln1, n, C, c->eps);
		wh_linear_forward(kv->q, kv->ln, w.wq, w.bq, n, C, QD);
		wh_linear_forward(knew, kv->ln, w.wk, w.bk, n, C, KD);
		wh_linear_forward(vnew, kv->ln, w.wv, w.bv, n, C, KD);
		rope_apply(kv->q, kv->pos, kv->cos, kv->sin, n, c->heads, c->head_dim, 1);
		rope_apply(knew, kv->pos, kv->cos, kv->sin, n, c->kv_heads, c->head_dim, 1);
		cached_attention(kv, k, v, n, c);
		wh_linear_forward_add(kv->x, kv->x, kv->atty, w.wo, n, QD, C);
		rmsnorm_forward(kv->ln, kv->rstd, kv->x, w.ln2, n, C, c->eps);
		wh_linear_forward(kv->gate, kv->ln, w.wgate, NULL, n, C, F);
		wh_linear_forward(kv->up, kv->ln, w.wup, NULL, n, C, F);
		swiglu_forward(kv->gate, kv->gate, kv->up, (size_t)n * F);
		wh_linear_forward_add(kv->x, kv->x, kv->gate, w.wdown, n, F, C);
	}
	kv->len += n;
	if (logits) {
		rmsnorm_forward(kv->ln, kv->rstd, kv->x + (size_t)(n - 1) * C, m->p.norm, 1,
		    C, c->eps);
		wh_linear_forward(logits, kv->ln, m->p.lm_head, NULL, 1, C, c->vocab);
	}
	return 0;
}
