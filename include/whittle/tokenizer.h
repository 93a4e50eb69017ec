/* Hugging Face byte-level BPE tokenizers (Qwen2/2.5/3, Llama 3, DeepSeek-V3/R1,
 * GPT-2) loaded from their tokenizer.json, giving the ids Hugging Face gives.
 * A loaded tokenizer is read-only: any number of threads may share one. */
#ifndef WHITTLE_TOKENIZER_H
#define WHITTLE_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "whittle/buf.h"
#include "whittle/error.h"

struct wh_tokenizer;

/* A growable list of token ids; the owner frees v. */
struct wh_ids {
	uint32_t *v;
	size_t n, cap;
};

/* Load the tokenizer.json at path (or in the folder path, as a model's
 * folder holds it). Returns the tokenizer (free it with
 * wh_tokenizer_free), or NULL with err naming the file and what is wrong or
 * unsupported (a WordPiece or Unigram model, an unknown pre-tokenizer, ...). */
struct wh_tokenizer *wh_tokenizer_load(const char *path, struct wh_error *err);

/* Like wh_tokenizer_load, from the bytes json[0..len); name is the file name
 * errors carry. The bytes are not kept. */
struct wh_tokenizer *wh_tokenizer_parse(const char *json, size_t len,
    const char *name, struct wh_error *err);

void wh_tokenizer_free(struct wh_tokenizer *tok);

/* Append the ids of text[0..len) to out, as Hugging Face's encode with
 * add_special_tokens=False: added and special tokens written in the text are
 * matched, and no BOS/EOS is added. Invalid UTF-8 is first replaced by U+FFFD
 * (one for each maximal invalid subpart), as reading the text in Python or
 * Node.js does. Thread-safe. */
void wh_tokenizer_encode(const struct wh_tokenizer *tok, const char *text,
    size_t len, struct wh_ids *out);

/* The number of ids wh_tokenizer_encode gives for text[0..len). Thread-safe. */
size_t wh_tokenizer_count(const struct wh_tokenizer *tok, const char *text,
    size_t len);

/* Append the bytes of ids[0..n) to out, as Hugging Face's decode with the
 * ByteLevel decoder (a token may end inside a UTF-8 sequence; bytes are
 * appended as they are). Special tokens are written as their content, or
 * left out when skip_special; other added tokens are always written. Returns
 * 0, or -1 with err set for an id the tokenizer does not have. Thread-safe. */
int wh_tokenizer_decode(const struct wh_tokenizer *tok, const uint32_t *ids,
    size_t n, bool skip_special, struct wh_buf *out, struct wh_error *err);

/* One more than the largest id the tokenizer can give. */
uint32_t wh_tokenizer_vocab_size(const struct wh_tokenizer *tok);

/* Append id to ids. */
void wh_ids_push(struct wh_ids *ids, uint32_t id);
void wh_ids_free(struct wh_ids *ids);

#endif
