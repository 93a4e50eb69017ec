/* What the training loop and its checkpoints share inside src/train: the
 * document split, the packer and the resumable state. */
#ifndef WHITTLE_TRAIN_INT_H
#define WHITTLE_TRAIN_INT_H

#include <errno.h>

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
 * advancing *next; returns the positions filled. */
long wh_train_pack(const struct wh_train_data *d, const size_t *docs, size_t n,
    size_t *next, int B, int T, int32_t *tok, int32_t *tgt, int32_t *pos);

/* Write out/checkpoint-STEP atomically: model files, optimizer.safetensors,
 * state.json, then DONE; the folder appears only once complete. */
int wh_train_save(const struct wh_model *m, const struct wh_adamw *opt,
    const struct train_state *st, const struct wh_train_opts *o, size_t ndocs,
    struct wh_error *err);
/* Load the latest complete checkpoint of o->out, if any, into m, opt and st
 * (checking it was made with the same batch shape, seed and data). */
int wh_train_resume(struct wh_model *m, struct wh_adamw *opt, struct train_state *st,
    const struct wh_train_opts *o, size_t ndocs, struct wh_error *err);

#endif
