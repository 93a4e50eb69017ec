/* AdamW, the learning-rate schedule and gradient clipping: loops over the
 * flat buffers, each element on its own, so threads change nothing. */
#include <math.h>
#include <stdlib.h>

#include "whittle/buf.h"
#include "whittle/optim.h"

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

void
wh_adamw_step(struct wh_adamw *o, float *params, const float *grads, float lr)
{
	o->t++;
	float c1 = 1.0f - powf(o->beta1, (float)o->t), c2 = 1.0f - powf(o->beta2, (float)o->t);

	#pragma omp parallel for simd
	for (size_t i = 0; i < o->n; i++) {
		float g = grads[i];
		float m = o->m[i] = o->beta1 * o->m[i] + (1.0f - o->beta1) * g;
		float v = o->v[i] = o->beta2 * o->v[i] + (1.0f - o->beta2) * g * g;
		if (o->decay[i])
			params[i] -= lr * o->weight_decay * params[i];
		params[i] -= lr * (m / c1) / (sqrtf(v / c2) + o->eps);
	}
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

double
wh_clip_grad_norm(float *grads, size_t n, double max_norm)
{
	double ss = 0;

	#pragma omp simd reduction(+:ss)
	for (size_t i = 0; i < n; i++)
		ss += (double)grads[i] * grads[i];
	double norm = sqrt(ss);
	if (max_norm > 0 && norm > max_norm) {
		float s = (float)(max_norm / (norm + 1e-6));
		#pragma omp simd
		for (size_t i = 0; i < n; i++)
			grads[i] *= s;
	}
	return norm;
}
