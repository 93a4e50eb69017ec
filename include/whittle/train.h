/* Training the builtin model: documents of token ids with per-token loss
 * masks, packed into rows without attention across documents; AdamW steps
 * with accumulation and clipping; metrics as JSON lines; atomic, resumable
 * checkpoints (HF model files, optimizer state, data position, DONE). */
#ifndef WHITTLE_TRAIN_H
#define WHITTLE_TRAIN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "whittle/error.h"
#include "whittle/eval.h"
#include "whittle/model.h"

/* The byte-level tokenizer of models trained from scratch: ids 0-255 are
 * bytes, WH_BYTE_EOS ends a document. */
#define WH_BYTE_EOS 256
#define WH_BYTE_VOCAB 257

/* Documents: doc i is ids[start[i], start[i+1]); loss[j] says whether
 * token j is a target that carries loss (it is predicted from j-1). Doc i
 * came from record[i] of the file (its non-blank lines numbered from 0, as
 * the workbench numbers records) whose "id" was id[i] (its JSON text) or
 * none (NULL). */
struct wh_train_data {
	int32_t *ids;
	uint8_t *loss;
	size_t *start;		/* ndocs + 1 entries */
	size_t ndocs, ntokens;
	size_t *record;		/* ndocs entries */
	char **id;		/* ndocs entries */
	char *path;		/* the file, absolute */
	size_t bytes, records;	/* its size and its non-blank lines */
	uint64_t hash;		/* wh_hash of its bytes */
	size_t n_bad;		/* lines skipped: not JSON, or not a document */
	struct wh_bad bad[WH_BAD_KEPT];	/* the first of them */
};

struct wh_tokenizer;

/* Read a JSONL file: each line {"ids": [...]} with optional "mask": [0|1...]
 * of the same length, or {"text": T}, or {"prompt": P, "completion": C}
 * (loss on the completion only). Texts go through tok, or bytes when tok is
 * NULL (then WH_BYTE_EOS ends each text). Ids must be below vocab. A bad
 * line is skipped, counted and (the first WH_BAD_KEPT) noted in
 * d->bad; it keeps its record number. Returns 0, or -1 with err naming
 * the file (and the first bad line) when no document is left. */
int wh_train_data_load(struct wh_train_data *d, const char *path,
    const struct wh_tokenizer *tok, int vocab, int eos, struct wh_error *err);
void wh_train_data_free(struct wh_train_data *d);

struct wh_train_opts {
	int batch, seq, accum;		/* rows, positions, micro-batches per step */
	long steps, warmup;
	float lr, weight_decay, clip;
	uint64_t seed;			/* data order and validation split */
	double val_frac;		/* share of documents held out */
	long eval_every, save_every;	/* 0: never (the last step always saves) */
	const char *out;		/* folder for checkpoints; NULL: none */
	const char *metrics;		/* JSON lines appended here; NULL: none */
	const char *batches;		/* each step's records as JSON lines
					   (see whittle-train(7)); NULL: none */
	bool resume;			/* continue from out's latest checkpoint */
	const struct wh_eval_set *eval_set;	/* questions answered at each
					   evaluation; NULL: none */
	const struct wh_eval_opts *eval;	/* how, when eval_set is set */
	const volatile sig_atomic_t *stop;	/* once non-zero (a signal
					   handler's flag): save a checkpoint
					   after the step under way and return;
					   NULL: never */
};

/* Defaults: batch 8, seq 128, accum 1, 100 steps, warmup 10, lr 1e-3,
 * weight decay 0.01, clip 1, seed 1, val_frac 0.05. */
void wh_train_opts_default(struct wh_train_opts *o);

/* Called after each optimizer step (and evaluation: eval_loss >= 0 for
 * the validation loss, eval_accuracy >= 0 for the questions). */
struct wh_train_progress {
	long step, steps;
	double loss, eval_loss, lr, grad_norm, tokens, seconds;
	double eval_accuracy, eval_tokens;	/* eval_tokens: a question's mean */
	/* tokens trained on; seconds spent in steps (not evals or saves) */
};
typedef void (*wh_train_fn)(void *arg, const struct wh_train_progress *p);

/* Train m on d. With o->resume and a complete checkpoint in o->out, m's
 * parameters, the optimizer and the data position come from it and the run
 * goes on exactly as if never stopped. Returns 0, or -1 with err set. */
int wh_train_run(struct wh_model *m, const struct wh_train_data *d,
    const struct wh_train_opts *o, wh_train_fn fn, void *arg, struct wh_error *err);

/* Write to out a line naming d's file (as batches.jsonl's first) and, for
 * each document of d, {"record":R,"id":ID,"loss":X,"targets":N}: its mean
 * token loss under m (no generation, no update), the documents packed in
 * B rows of T positions as in training. Returns 0, or -1 when out cannot
 * be written. */
int wh_train_losses(struct wh_model *m, const struct wh_train_data *d, int B, int T,
    FILE *out);

/* The step of the latest complete checkpoint under out (into *step), or -1
 * when there is none; sets path (size bytes) to its folder. */
long wh_train_latest(const char *out, char *path, size_t size);

#endif
