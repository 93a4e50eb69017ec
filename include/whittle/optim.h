/* The optimizer: AdamW with decoupled weight decay over a flat parameter
 * buffer, the warmup + cosine learning-rate schedule of Hugging Face's
 * get_cosine_schedule_with_warmup, and global-norm gradient clipping. */
#ifndef WHITTLE_OPTIM_H
#define WHITTLE_OPTIM_H

#include <stddef.h>
#include <stdint.h>

struct wh_adamw {
	float beta1, beta2, eps, weight_decay;
	long t;			/* steps taken */
	size_t n;
	float *m, *v;		/* first and second moments, n each */
	const uint8_t *decay;	/* 1 where weight decay applies; borrowed */
};

/* Zeroed moments for n parameters; decay (n flags) is borrowed. Free with
 * wh_adamw_free. */
void wh_adamw_init(struct wh_adamw *o, size_t n, const uint8_t *decay,
    float weight_decay);
void wh_adamw_free(struct wh_adamw *o);
/* One bias-corrected AdamW update of params from grads at rate lr. */
void wh_adamw_step(struct wh_adamw *o, float *params, const float *grads, float lr);

/* The rate for optimizer step `step` (from 0) of `total`: linear from 0 over
 * `warmup` steps, then a half cosine from lr down to 0. */
float wh_lr_at(long step, long total, long warmup, float lr);

/* The L2 norm of grads[0..n); when above max_norm (> 0) scale grads down to
 * it. Returns the norm before clipping. */
double wh_clip_grad_norm(float *grads, size_t n, double max_norm);

#endif
