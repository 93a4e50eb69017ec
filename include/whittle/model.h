/* The builtin student: a decoder-only Llama / Qwen2 transformer in fp32
 * (RMSNorm, rotary positions, grouped-query attention, SwiGLU, optional tied
 * embeddings and q/k/v biases), with a hand-written backward pass and
 * Hugging Face checkpoints (config.json + model.safetensors) in and out. */
#ifndef WHITTLE_MODEL_H
#define WHITTLE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "whittle/error.h"

enum wh_arch { WH_LLAMA, WH_QWEN2 };

struct wh_model_config {
	enum wh_arch arch;
	int vocab, hidden, intermediate, layers, heads, kv_heads, head_dim;
	int max_pos;
	float eps, rope_theta;
	bool tied;		/* lm_head shares the token embeddings */
	int bos, eos;		/* token ids, -1 when none */
};

/* The parameters: one buffer; each field points into it, stacked over
 * layers (wq is [layers][heads*head_dim][hidden], HF's [out, in] order). */
struct wh_model_params {
	float *embed, *ln1, *wq, *bq, *wk, *bk, *wv, *bv, *wo;
	float *ln2, *wgate, *wup, *wdown, *norm, *lm_head;
};

/* A batch: B rows of T positions. targets[i] is the token position i should
 * predict, or -1 for no loss; pos[i] is the position within its document
 * (packed documents restart at 0, and attention never looks back past the
 * document's start); pos may be NULL for 0..T-1 in every row. */
struct wh_batch {
	int B, T;
	const int32_t *tokens, *targets, *pos;
};

struct wh_model_acts;

struct wh_model {
	struct wh_model_config cfg;
	size_t nparams;
	float *params, *grads;		/* nparams each */
	struct wh_model_params p, g;	/* pointers into params and grads */
	struct wh_model_acts *acts;	/* sized at first forward */
	float *logits;			/* [B*T][vocab] after a forward with
					   want_logits, else only rows with loss */
	bool replica;			/* params belong to another model */
};

/* Run the model's math on n OpenMP threads (BLAS stays on one thread per
 * call: OpenBLAS's own pool would spin beside OpenMP's). */
void wh_model_threads(int n);

/* Fill c with a small Llama default for the given vocabulary. */
void wh_model_config_default(struct wh_model_config *c, int vocab);
/* Check that c describes a model this code can run. */
int wh_model_config_check(const struct wh_model_config *c, struct wh_error *err);

/* A model with c's shape: parameters drawn from N(0, 0.02) by seed (norms
 * 1, biases 0), gradients zero. Free with wh_model_free. */
struct wh_model *wh_model_new(const struct wh_model_config *c, uint64_t seed);
/* A model with c's shape, parameters and gradients zero: for weights read
 * from a file (drawing ones to overwrite took a second per 30M). */
struct wh_model *wh_model_alloc(const struct wh_model_config *c);
/* A model for one thread of data parallelism: m's parameters, shared (no
 * one may change them while it runs), and gradients (zero) and activations
 * of its own. wh_model_free frees only what is its own. */
struct wh_model *wh_model_replica(const struct wh_model *m);
/* Bytes of the activations (and logits) of a forward and backward pass
 * over B rows of T positions. */
size_t wh_model_acts_bytes(const struct wh_model_config *c, int B, int T);
void wh_model_free(struct wh_model *m);

/* Load dir/config.json and dir/model.safetensors (F32, F16 or BF16 weights,
 * HF names). Returns NULL with err set. */
struct wh_model *wh_model_load(const char *dir, struct wh_error *err);
/* Write dir/config.json and dir/model.safetensors (F32), each atomically;
 * dir must exist. */
int wh_model_save(const struct wh_model *m, const char *dir, struct wh_error *err);

/* Read every tensor of the model, named prefix + HF name, from the
 * safetensors file at path into base (a buffer laid out like m->params:
 * the parameters, or optimizer moments). Returns 0 or -1 with err set. */
int wh_model_read(struct wh_model *m, const char *path, const char *prefix,
    float *base, struct wh_error *err);
/* Write base's tensors so, named prefix + HF name, atomically. */
int wh_model_write(const struct wh_model *m, const char *path, const char *prefix,
    const float *base, struct wh_error *err);

/* The HF name, shape and location of parameter tensor i (i from 0 while it
 * returns 1); buf is space for the name. */
struct wh_st_entry;
int wh_model_tensor(const struct wh_model *m, const float *base, size_t i,
    struct wh_st_entry *e, char *buf, size_t size);

/* Run the model on b. Returns the summed cross-entropy over positions with
 * a target, and their count in *count. With want_logits m->logits holds
 * every position's logits. */
double wh_model_forward(struct wh_model *m, const struct wh_batch *b,
    bool want_logits, long *count);
/* The loss of each row of m->logits after the last forward (its
 * log-sum-exp minus its target's logit; 0 without a target) into out, one
 * per row. */
void wh_model_row_losses(const struct wh_model *m, float *out);
/* Add to m->grads the gradient of scale * (the summed loss of the last
 * forward); scale is 1/(tokens with loss in the optimizer step). */
void wh_model_backward(struct wh_model *m, float scale);
void wh_model_zero_grad(struct wh_model *m);

/* Logits of the next token after ids[0..n) into out[vocab] (a full forward
 * over the prefix; n at most max_pos). */
void wh_model_next_logits(struct wh_model *m, const int32_t *ids, int n, float *out);

/* The keys and values of one sequence being generated, room for max_pos
 * positions of a model with config c, and scratch for running it. */
struct wh_kv_cache;
struct wh_kv_cache *wh_kv_cache_new(const struct wh_model_config *c);
void wh_kv_cache_free(struct wh_kv_cache *kv);
/* Forget the sequence: the next extend starts at position 0. */
void wh_kv_cache_reset(struct wh_kv_cache *kv);
/* The positions the cache holds. */
int wh_kv_cache_len(const struct wh_kv_cache *kv);

/* Run ids[0..n) at the next n positions of kv's sequence, adding their keys
 * and values to it, and write the logits of the next token after the last
 * into logits[vocab] (when not NULL): the numbers the full forward over the
 * whole sequence gives. Returns -1, doing nothing, when n < 1 or the cache
 * lacks room for n more. It writes only to kv, so threads with caches of
 * their own may share m. */
int wh_model_extend(struct wh_model *m, struct wh_kv_cache *kv, const int32_t *ids,
    int n, float *logits);

#endif
