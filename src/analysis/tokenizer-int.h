/* The inside of a loaded tokenizer, shared by tokenizer-load.c (which builds it
 * from tokenizer.json) and tokenizer.c (which encodes and decodes with it).
 * Everything here is read-only once loaded, except the pool of scratch. */
#ifndef WHITTLE_TOKENIZER_INT_H
#define WHITTLE_TOKENIZER_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "whittle/tokenizer.h"

#define TOK_NONE UINT32_MAX

/* A model token: what it decodes to is bytes[off..off+len) of the tokenizer
 * (its ByteLevel chars turned back into bytes, or its string as it is when a
 * char is not in the ByteLevel alphabet, as the ByteLevel decoder does). */
struct tok_entry {
	uint32_t off, len;
	int32_t added;		/* index in tok->added of the added token with
				   this id (decoding prefers it), or -1 */
	uint8_t in_model;	/* the model's vocab has this id */
	uint8_t byte_level;	/* its string is made of ByteLevel chars only */
};

/* Byte strings to ids: open addressing over tok->entries. */
struct tok_vocab_map {
	uint64_t *slot;		/* high half: the string's hash; low: id + 1
				   (0 is an empty slot) */
	uint32_t mask;
};

/* (left id, right id) -> (rank, merged id), open addressing. */
struct tok_merge {
	uint64_t pair;		/* left << 32 | right */
	uint32_t rank;		/* TOK_NONE: empty slot */
	uint32_t id;
};

struct tok_merge_map {
	struct tok_merge *slot;
	uint32_t mask;
};

/* An added token as it is matched in text. */
struct tok_added {
	char *text;		/* content (normalized content if normalized) */
	size_t len;
	char *dec;		/* what it decodes to */
	size_t dec_len;
	uint32_t id;
	bool single_word, lstrip, rstrip, special;
};

/* A byte trie over added tokens, for leftmost-longest matching. */
struct tok_trie_node {
	uint32_t child, sibling;	/* 0: none (node 0 is the root) */
	int32_t added;			/* index in tok->added, or -1 */
	uint8_t byte;
};

struct tok_trie {
	struct tok_trie_node *node;
	uint32_t n, cap;
	bool first[256];	/* bytes some token starts with */
};

/* One splitting step of the pre-tokenizer: an Isolated regex split, or the
 * ByteLevel step (prefix space, then its GPT-2 regex if use_regex). */
struct tok_step {
	pcre2_code *re;		/* NULL: no split */
	pcre2_code *re_newer;	/* re with the classes' chars that PCRE2's
				   Unicode tables lack (tok_newer_char), for
				   text that has some; NULL when the same */
	bool jit, jit_newer;	/* JIT-compiled: match with pcre2_jit_match */
	bool prefix_space;
};

struct tok_pool;

struct wh_tokenizer {
	char *bytes;			/* what model tokens decode to */
	struct tok_entry *entries;	/* by id */
	uint32_t n_ids;
	uint32_t model_size;		/* number of model vocab entries */
	struct tok_vocab_map vocab;	/* ByteLevel bytes -> model id */
	struct tok_merge_map merges;
	uint32_t byte_id[256];		/* id of each single byte, or TOK_NONE */
	uint32_t unk_id;		/* TOK_NONE: unknown bytes are dropped */
	bool fuse_unk, ignore_merges;

	int norm[8];			/* utf8proc options of each normalizer */
	int n_norm;

	struct tok_step step[8];
	int n_step;

	struct tok_added *added;
	size_t n_added;
	struct tok_trie raw_trie;	/* added tokens matched before normalizing */
	struct tok_trie norm_trie;	/* and after */

	struct tok_pool *pool;		/* scratch for encoding, one per thread */
};

/* Whether c is in a class of the patterns (\p{L}, ...) for the reference but
 * not for PCRE2's older Unicode tables. */
bool tok_newer_char(uint32_t c);

/* The ByteLevel alphabet: code point of each byte, and the byte of each code
 * point below 324 (-1 where none). */
void tok_byte_level_tables(uint32_t byte_cp[256], int16_t cp_byte[324]);

/* Hash of a byte string for the maps. */
uint64_t tok_hash(const void *p, size_t n);

/* The model id of the ByteLevel bytes s[0..n), or TOK_NONE. */
uint32_t tok_vocab_find(const struct wh_tokenizer *t, const char *s, size_t n);

/* The merge of (a, b), or NULL. */
const struct tok_merge *tok_merge_find(const struct tok_merge_map *m, uint32_t a,
    uint32_t b);

/* Normalize s[0..n) with the tokenizer's normalizers, appending to out. */
void tok_normalize(const struct wh_tokenizer *t, const char *s, size_t n,
    struct wh_buf *out);

/* Set up and tear down the pool of encoding scratch. */
struct tok_pool *tok_pool_new(void);
void tok_pool_free(struct tok_pool *p);

#endif
