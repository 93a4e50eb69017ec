/* Internals shared by the segmenter's files: the compiled rule set and the
 * cue matcher. */
#ifndef WHITTLE_SEGMENT_IMPL_H
#define WHITTLE_SEGMENT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "whittle/segment.h"

/* A node of a cue trie: one byte (ASCII folded to lower case) of the
 * phrases that share the path to it. */
struct wh_cue_node {
	uint32_t child;		/* first child, 0 for none */
	uint32_t sibling;	/* the parent's next child, 0 for none */
	unsigned char byte;
	uint16_t kinds;		/* 1 << enum wh_cue_kind of the cues ending here */
	bool filler;		/* a FILLER cue ends here */
};

/* The phrases of one group of cues as a trie: matching at a position walks
 * it once, whatever the number of cues. */
struct wh_cue_trie {
	uint32_t root[256];	/* node of each first byte (both cases), 0 none */
	struct wh_cue_node *nodes;	/* nodes[0] is unused */
	uint32_t n_nodes, cap;
};

/* What a byte may be: the first of an anywhere cue (never inside a UTF-8
 * character), where an explicit answer may be found
 * ('\\', '<', '#', the 'w' of "answer", the first byte of 答). */
enum { CUE_ANY = 1, CUE_ANCHOR = 2 };

/* Beside the cue kinds, wh_segment_cues sets this bit when the segment
 * holds an '=' (the text's bits have them anyway). */
#define WH_SEG_EQUATION (1u << WH_NCUES)

struct wh_segmenter {
	struct wh_segment_rules rules;	/* the thresholds; cues is NULL */
	struct wh_cue_trie any;		/* the cues matched at any word */
	uint64_t any4[1024];		/* bit per hash of an anywhere cue's
					   first four bytes: a quick "no" */
	uint64_t any8[64];		/* the same for the first eight bytes
					   of those of eight bytes or more */
	uint64_t mid4[64];		/* and for the first four bytes of
					   those under eight */
	bool short_any;			/* an anywhere cue under four bytes */
	uint8_t byte_class[256];	/* CUE_ANY | CUE_ANCHOR, by byte */
	bool odd_any;			/* an anywhere cue that starts with an
					   ASCII byte neither letter nor digit */
	struct wh_cue_trie start;	/* those matched at a segment's start */
};

/* What 64 bytes of a text hold (segment-bits.c), bit k for byte k. */
struct wh_bits_block {
	uint64_t split;		/* where a sentence may end or a protected
				   span begin */
	uint64_t cand;		/* where a cue may start: a letter or digit
				   after none, a character's first byte, the
				   first byte of a cue that starts with
				   neither */
	uint64_t first;		/* the same at a segment's first byte, where
				   the byte before does not count */
	uint64_t anchor;	/* where an answer phrase may be: '\\', '<',
				   '#', E7, and 'w' after 's' */
	uint64_t anchor_first;	/* the same at a segment's first byte */
	uint64_t equals;	/* '=' */
};

/* Those of a whole text, block k for its bytes from 64k on (none past
 * its end). */
struct wh_text_bits {
	struct wh_bits_block *b;
	size_t n;
};

/* The bits of t[0..len), with the odd cues of s when s is not NULL. */
void wh_text_bits_make(const struct wh_segmenter *s, const char *t, size_t len,
    struct wh_text_bits *tb);
void wh_text_bits_free(struct wh_text_bits *tb);

/* wh_segment_split with the bits of t made already. */
void wh_segment_split_bits(const char *t, size_t len, const struct wh_text_bits *tb,
    struct wh_segmentation *g);

/* Bit mask (1 << enum wh_cue_kind) of the cues found in t[start..end)
 * (tb: the bits of t made with s): start-only cues at the segment's first
 * word, the others at any word; and WH_SEG_EQUATION. On the same pass,
 * *answer gets the explicit answer rules (WH_ANSWER_RULE) that may find
 * something there. */
unsigned wh_segment_cues(const struct wh_segmenter *s, const char *t,
    const struct wh_text_bits *tb, size_t start, size_t end, unsigned *answer);

/* A set of word hashes (segment-words.c): open addressing, 0 marks a free
 * slot (a word whose hash is 0 is noted aside). */
struct wh_words {
	uint32_t *slot;
	size_t cap, n;		/* n counts the distinct words, zero included */
	bool zero;
};

/* The set of words of t[s..e) into w (which need not be freed first). */
void wh_words_of(const char *t, size_t s, size_t e, struct wh_words *w);
/* wh_words_of, stopped, false, as soon as |w ∩ a| / |a| reaches
 * similarity: then wh_words_overlap(a, w) of the whole set would reach it
 * too (the common words only grow, the smaller set only shrinks), and w
 * is incomplete. */
bool wh_words_until(const char *t, size_t s, size_t e, struct wh_words *w,
    const struct wh_words *a, double similarity);
bool wh_words_has(const struct wh_words *w, uint32_t h);
/* |a ∩ b|. */
size_t wh_words_common(const struct wh_words *a, const struct wh_words *b);
/* The overlap coefficient |a ∩ b| / min(|a|, |b|): a short re-check made
 * of an earlier attempt's words scores high, whatever that attempt's size. */
double wh_words_overlap(const struct wh_words *a, const struct wh_words *b);
void wh_words_free(struct wh_words *w);

#endif
