/* Generation from the builtin model through a KV cache: greedy, or seeded
 * sampling with a temperature and a nucleus (top-p) cut; it stops at the
 * end token, after a stop sequence, or at a token limit. */
#ifndef WHITTLE_GENERATE_H
#define WHITTLE_GENERATE_H

#include <stdint.h>

#include "whittle/buf.h"
#include "whittle/error.h"
#include "whittle/model.h"
#include "whittle/tokenizer.h"

struct wh_gen_opts {
	int max_new;		/* tokens generated at most */
	float temperature;	/* 0: greedy (the lowest id among equal best) */
	float top_p;		/* sample from the fewest most likely tokens
				   whose probabilities reach top_p; 1: all */
	uint64_t seed;		/* the sampling generator's seed */
	int eos;		/* stop at this token, not kept; -1: none */
	const int32_t *stop;	/* stop after these nstop tokens, kept; NULL: none */
	int nstop;
};

/* How a generation ended. */
enum wh_gen_end { WH_GEN_EOS, WH_GEN_STOP, WH_GEN_LENGTH };

/* Defaults: 256 tokens, greedy, top_p 1, seed 1, no eos, no stop. */
void wh_gen_opts_default(struct wh_gen_opts *o);

/* Generate after prompt[0..n) into out (room for o->max_new ids), starting
 * kv afresh; *nout gets the count. The length limit is also reached when
 * prompt and output fill the model's max_pos positions. Returns how it ended, or -1
 * (nothing generated) when n < 1 or n >= max_pos. The same model, prompt
 * and options give the same tokens. */
int wh_generate(struct wh_model *m, struct wh_kv_cache *kv, const int32_t *prompt,
    int n, const struct wh_gen_opts *o, int32_t *out, int *nout);

/* "eos", "stop", "length". */
const char *wh_gen_end_name(enum wh_gen_end e);

/* The tokenizer of the checkpoint in dir into *tok: the file at path when
 * not NULL, else dir/tokenizer.json when there is one, else none (*tok
 * NULL: bytes) for a model of the byte vocabulary (257 ids). Returns 0, or
 * -1 with err set when the file is bad or none fits the model. */
int wh_gen_tokenizer(const char *dir, const char *path, const struct wh_model *m,
    struct wh_tokenizer **tok, struct wh_error *err);

/* Text to ids: through tok, or one id a byte when tok is NULL (the byte
 * vocabulary of models trained from scratch). Appends to out. */
void wh_gen_encode(const struct wh_tokenizer *tok, const char *text, size_t len,
    struct wh_ids *out);
/* Ids to text, appended to out: through tok (special tokens left out), or
 * bytes (ids above 255 left out). Returns 0, or -1 with err set for an id
 * tok does not have. */
int wh_gen_decode(const struct wh_tokenizer *tok, const int32_t *ids, size_t n,
    struct wh_buf *out, struct wh_error *err);

#endif
