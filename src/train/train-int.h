/* What the training loop and its checkpoints share inside src/train: the
 * document split, the packer and the resumable state. */
#ifndef WHITTLE_TRAIN_INT_H
#define WHITTLE_TRAIN_INT_H

#include <errno.h>
#include <stdio.h>

#include "whittle/optim.h"
#include "whittle/train.h"

/* Document indices: training ones, held-out ones, this epoch's order. */
struct split {
	size_t *train, *val, *order;
	size_t ntrain, nval;
};

/* Everything a resumed run needs besides parameters and moments. */
struct train_state {
	long step, epoch;
	size_t next;		/* index into the epoch order */
	double tokens, seconds;	/* seconds in steps, not evals or saves */
};

void wh_train_split(struct split *sp, const struct wh_train_data *d, uint64_t seed,
    double frac);
void wh_train_split_free(struct split *sp);
/* Pack docs[*next..n) into B rows of T positions (tok, tgt, pos: B*T each),
 * advancing *next; returns the positions filled. who (may be NULL) gets
 * each position's document, -1 for padding. */
long wh_train_pack(const struct wh_train_data *d, const size_t *docs, size_t n,
    size_t *next, int B, int T, int32_t *tok, int32_t *tgt, int32_t *pos, long *who);

/* The batches file of a run: the documents of the step under way, each
 * one's summed loss and targets. */
struct wh_batches {
	FILE *fp;
	long *doc, *targets;
	double *sum;
	size_t n, cap;
};

/* Open path for the run of d: a fresh run starts it with a header line
 * naming the data; a resumed one at step keeps the lines up to it. */
int wh_batches_open(struct wh_batches *bl, const char *path,
    const struct wh_train_data *d, bool resume, long step, struct wh_error *err);
/* The first line of a batches file: the data's path, size and hash. */
void wh_batches_header(FILE *fp, const struct wh_train_data *d);
/* Take the losses of a micro-batch (tgt, pos, who: N positions): row_loss
 * holds one per position with a target, in order (wh_model_row_losses
 * right after its forward pass, before backward overwrites the logits). */
void wh_batches_add(struct wh_batches *bl, const float *row_loss,
    const int32_t *tgt, const int32_t *pos, const long *who, size_t N);
/* Write the line of step and start the next; -1 when it cannot be written. */
int wh_batches_step(struct wh_batches *bl, const struct wh_train_data *d, long step);
void wh_batches_close(struct wh_batches *bl);

/* Write out/checkpoint-STEP atomically: model files, optimizer.safetensors,
 * state.json, then DONE; the folder appears only once complete. */
int wh_train_save(const struct wh_model *m, const struct wh_adamw *opt,
    const struct train_state *st, const struct wh_train_opts *o,
    const struct wh_train_data *d, struct wh_error *err);
/* Load the latest complete checkpoint of o->out, if any, into m, opt and st
 * (checking it was made with the same batch shape, seed and data). */
int wh_train_resume(struct wh_model *m, struct wh_adamw *opt, struct train_state *st,
    const struct wh_train_opts *o, const struct wh_train_data *d,
    struct wh_error *err);

#endif
