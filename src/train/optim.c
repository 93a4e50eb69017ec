/* AdamW, the learning-rate schedule and gradient clipping: loops over the
 * flat buffers in fixed chunks, so threads change nothing. */
#include <math.h>
#include <stdlib.h>

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "whittle/buf.h"
#include "whittle/optim.h"
#include "ops.h"

void
wh_adamw_init(struct wh_adamw *o, size_t n, const uint8_t *decay, float weight_decay)
{
	*o = (struct wh_adamw){ .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f,
		.weight_decay = weight_decay, .n = n, .decay = decay };
	o->m = wh_xcalloc(n ? n : 1, sizeof(float));
	o->v = wh_xcalloc(n ? n : 1, sizeof(float));
}

void
wh_adamw_free(struct wh_adamw *o)
{
	free(o->m);
	free(o->v);
	o->m = o->v = NULL;
}

enum { CHUNK = 1 << 16 };	/* elements of a kernel's call, a thread's unit */

/* Elements [i0, i1) of an AdamW step; c1 and c2 the moments' bias
 * corrections. */
WH_CLONES static void
adamw_span(const struct wh_adamw *o, float *restrict params,
    const float *restrict grads, float lr, float c1, float c2, size_t i0, size_t i1)
{
	float *restrict mo = o->m, *restrict vo = o->v;
	const uint8_t *restrict decay = o->decay;
	float b1 = o->beta1, b2 = o->beta2, wd = o->weight_decay, eps = o->eps;

	#pragma omp simd
	for (size_t i = i0; i < i1; i++) {
		float g = grads[i];
		float m = mo[i] = b1 * mo[i] + (1.0f - b1) * g;
		float v = vo[i] = b2 * vo[i] + (1.0f - b2) * g * g;
		if (decay[i])
			params[i] -= lr * wd * params[i];
		params[i] -= lr * (m / c1) / (sqrtf(v / c2) + eps);
	}
}

void
wh_adamw_step(struct wh_adamw *o, float *params, const float *grads, float lr)
{
	o->t++;
	float c1 = 1.0f - powf(o->beta1, (float)o->t), c2 = 1.0f - powf(o->beta2, (float)o->t);

	#pragma omp parallel for
	for (size_t i = 0; i < o->n; i += CHUNK)
		adamw_span(o, params, grads, lr, c1, c2, i, o->n - i < CHUNK ? o->n : i + CHUNK);
}

float
wh_lr_at(long step, long total, long warmup, float lr)
{
	if (step < warmup)
		return lr * (float)step / (float)warmup;
	if (total <= warmup)
		return lr;
	double progress = (double)(step - warmup) / (double)(total - warmup);
	return (float)(lr * 0.5 * (1.0 + cos(M_PI * progress)));
}

/* The squares are summed in chunks of a fixed size over threads, and the
 * chunks' sums added in order: the same norm whatever the thread count. */
double
wh_clip_grad_norm(float *grads, size_t n, double max_norm)
{
	size_t nchunks = (n + CHUNK - 1) / CHUNK;
	double *part = wh_xcalloc(nchunks ? nchunks : 1, sizeof(double)), ss = 0;

	#pragma omp parallel for
	for (size_t c = 0; c < nchunks; c++) {
		size_t end = (c + 1) * CHUNK < n ? (c + 1) * CHUNK : n;
		double s = 0;
		#pragma omp simd reduction(+:s)
		for (size_t i = c * CHUNK; i < end; i++)
			s += (double)grads[i] * grads[i];
		part[c] = s;
	}
	for (size_t c = 0; c < nchunks; c++)
		ss += part[c];
	free(part);
	double norm = sqrt(ss);
	if (max_norm > 0 && norm > max_norm) {
		float s = (float)(max_norm / (norm + 1e-6));
		#pragma omp parallel for simd
		for (size_t i = 0; i < n; i++)
			grads[i] *= s;
	}
	return norm;
}
