/* Encoding text to ids and back with a loaded tokenizer, step for step as
 * Hugging Face's tokenizers does it: added tokens, normalizers, regex splits,
 * ByteLevel, then BPE merges (lowest rank first, leftmost on ties). */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "tokenizer-int.h"
#include "whittle/utf8.h"

#define CACHE_MAX_KEY 64		/* longer pre-tokens are not cached */
#define CACHE_MAX_SLOTS (1u << 19)	/* cleared when this full */

/* One symbol of a word being merged: a doubly linked list over an array. */
struct sym {
	uint32_t id;
	int32_t prev, next;
	bool alive;
};

struct cache_slot {
	uint64_t hash;		/* 0: empty */
	uint32_t key_off, ids_off;
	uint16_t key_len, n_ids;
};

/* Pre-token bytes -> ids, for the words a text repeats. */
struct cache {
	struct cache_slot *slot;
	uint32_t mask, used;
	struct wh_buf keys;
	struct wh_ids ids;
};

/* Scratch for one encoding at a time; the pool keeps one per thread that
 * has encoded, each with its warm cache. A thread gets back the one it used
 * last: handed to the other thread, a cache and its scratch would move
 * between cores at every text, which cost 2 threads a tenth of their time. */
struct tok_ctx {
	struct tok_ctx *next;
	pthread_t owner;	/* the thread that used it last */
	const struct wh_tokenizer *t;
	struct wh_ids *out;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *jit;
	struct wh_buf clean, norm, prefixed;
	utf8proc_int32_t *cps;
	size_t cps_cap;
	struct sym *sym;
	uint64_t *heap;
	size_t sym_cap;
	struct cache cache;
	struct wh_ids count;
};

struct tok_pool {
	pthread_mutex_t lock;
	struct tok_ctx *free;
};

void
wh_ids_push(struct wh_ids *ids, uint32_t id)
{
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? ids->cap * 2 : 256;
		ids->v = wh_xrealloc(ids->v, ids->cap * sizeof *ids->v);
	}
	ids->v[ids->n++] = id;
}

void
wh_ids_free(struct wh_ids *ids)
{
	free(ids->v);
	memset(ids, 0, sizeof *ids);
}

/* Normalizing. utf8proc runs on the stretches that hold non-ASCII text: a
 * text can be cut before any ASCII char, which never composes with what
 * precedes it, and a stretch starts at the ASCII char before it, which may. */

static size_t
normalize_stretch(int options, const char *s, size_t n, utf8proc_int32_t **cps,
    size_t *cap, struct wh_buf *out)
{
	utf8proc_ssize_t r;

	for (;;) {
		r = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
		    *cps, (utf8proc_ssize_t)*cap, options);
		if (r < 0) {
			wh_buf_add(out, s, n);
			return n;
		}
		if ((size_t)r <= *cap)
			break;
		*cap = (size_t)r * 2;
		*cps = wh_xrealloc(*cps, *cap * sizeof **cps);
	}
	r = utf8proc_reencode(*cps, r, options);
	if (r < 0) {
		wh_buf_add(out, s, n);
		return n;
	}
	wh_buf_add(out, *cps, (size_t)r);
	return (size_t)r;
}

static void
normalize_one(int options, const char *s, size_t n, utf8proc_int32_t **cps,
    size_t *cap, struct wh_buf *out)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && (unsigned char)s[j] < 0x80)
			j++;
		size_t start = j > i ? j - 1 : i, k = j;
		while (k < n && (unsigned char)s[k] >= 0x80)
			k++;
		wh_buf_add(out, s + i, start - i);
		if (k > start)
			normalize_stretch(options, s + start, k - start, cps, cap, out);
		i = k > start ? k : j;
	}
}

static void
normalize(const struct wh_tokenizer *t, const char *s, size_t n,
    utf8proc_int32_t **cps, size_t *cap, struct wh_buf *out)
{
	struct wh_buf a = {0}, b = {0};

	if (t->n_norm == 1) {
		normalize_one(t->norm[0], s, n, cps, cap, out);
		return;
	}
	for (int i = 0; i < t->n_norm; i++) {
		struct wh_buf swap;
		wh_buf_clear(&b);
		normalize_one(t->norm[i], s, n, cps, cap, &b);
		swap = a, a = b, b = swap;
		s = a.data;
		n = a.len;
	}
	wh_buf_add(out, s, n);
	wh_buf_free(&a);
	wh_buf_free(&b);
}

void
tok_normalize(const struct wh_tokenizer *t, const char *s, size_t n,
    struct wh_buf *out)
{
	utf8proc_int32_t *cps = NULL;
	size_t cap = 0;

	normalize(t, s, n, &cps, &cap, out);
	free(cps);
}

/* Code points as Rust's regex crate sees them, for the added-token rules
 * that Hugging Face writes with it: \s (White_Space) and \w (Unicode's
 * UTS #18 word chars: Alphabetic, M, Nd, Pc and Join_Control). */

static bool
is_white_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* The word chars new in Unicode 16.0, which the reference's regex crate has
 * and utf8proc 2.8 (Unicode 15.0) does not: found by tests/tokenizer/
 * word-chars.js, which tries every code point against the reference. */
static const uint32_t unicode16_word[][2] = {
	{ 0x0897, 0x0897 }, { 0x1C89, 0x1C8A }, { 0xA7CB, 0xA7CD },
	{ 0xA7DA, 0xA7DC }, { 0x105C0, 0x105F3 }, { 0x10D40, 0x10D65 },
	{ 0x10D69, 0x10D6D }, { 0x10D6F, 0x10D85 }, { 0x10EC2, 0x10EC4 },
	{ 0x10EFC, 0x10EFC }, { 0x11380, 0x11389 }, { 0x1138B, 0x1138B },
	{ 0x1138E, 0x1138E }, { 0x11390, 0x113B5 }, { 0x113B7, 0x113C0 },
	{ 0x113C2, 0x113C2 }, { 0x113C5, 0x113C5 }, { 0x113C7, 0x113CA },
	{ 0x113CC, 0x113D3 }, { 0x113E1, 0x113E2 }, { 0x116D0, 0x116E3 },
	{ 0x11BC0, 0x11BE0 }, { 0x11BF0, 0x11BF9 }, { 0x11F5A, 0x11F5A },
	{ 0x13460, 0x143FA }, { 0x16100, 0x16139 }, { 0x16D40, 0x16D6C },
	{ 0x16D70, 0x16D79 }, { 0x18CFF, 0x18CFF }, { 0x1CCF0, 0x1CCF9 },
	{ 0x1E5D0, 0x1E5FA }, { 0x2EBF0, 0x2EE5D }
};

/* Alphabetic is the letters (L), Nl and Other_Alphabetic. utf8proc has no
 * Other_Alphabetic, but all of it is marks (M) except the circled, squared
 * and negative squared Latin letters, symbols (So) listed here. */
static bool
is_word(uint32_t c)
{
	for (size_t i = 0; i < sizeof unicode16_word / sizeof *unicode16_word; i++)
		if (c >= unicode16_word[i][0] && c <= unicode16_word[i][1])
			return true;
	switch (utf8proc_category((utf8proc_int32_t)c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_PC:
		return true;
	default:
		return c == 0x200C || c == 0x200D || (c >= 0x24B6 && c <= 0x24E9) ||
		    (c >= 0x1F130 && c <= 0x1F149) || (c >= 0x1F150 && c <= 0x1F169) ||
		    (c >= 0x1F170 && c <= 0x1F189);
	}
}

/* The code point that starts at s[i] (valid UTF-8). */
static uint32_t
char_at(const char *s, size_t n, size_t i)
{
	utf8proc_int32_t c;

	utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
	return (uint32_t)c;
}

/* Offset of the char that ends at s[i] (i > 0). */
static size_t
char_before(const char *s, size_t i)
{
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
	return i;
}

/* Start of the white space that ends s[0..i). */
static size_t
space_run_before(const char *s, size_t i)
{
	while (i > 0) {
		size_t p = char_before(s, i);
		if (!is_white_space(char_at(s, i, p)))
			break;
		i = p;
	}
	return i;
}

/* End of the white space that starts at s[i]. */
static size_t
space_run_after(const char *s, size_t n, size_t i)
{
	while (i < n && is_white_space(char_at(s, n, i)))
		i += (size_t)utf8proc_utf8class[(unsigned char)s[i]];
	return i;
}

/* Whether the added token matched at s[start..stop) stands alone as a word. */
static bool
single_word_ok(const char *s, size_t n, size_t start, size_t stop)
{
	if (start > 0 && is_word(char_at(s, start, char_before(s, start))))
		return false;
	return stop == n || !is_word(char_at(s, n, stop));
}

/* The leftmost-longest added token of trie tr at or after s[from]. */
static bool
next_added(const struct tok_trie *tr, const char *s, size_t n, size_t from,
    size_t *start, size_t *end, int32_t *added)
{
	for (size_t i = from; i < n; i++) {
		if (!tr->first[(unsigned char)s[i]])
			continue;
		uint32_t at = 0;
		*added = -1;
		for (size_t k = i; k < n; k++) {
			uint32_t c = tr->node[at].child;
			while (c && tr->node[c].byte != (unsigned char)s[k])
				c = tr->node[c].sibling;
			if (c == 0)
				break;
			at = c;
			if (tr->node[at].added >= 0) {
				*added = tr->node[at].added;
				*end = k + 1;
			}
		}
		if (*added >= 0) {
			*start = i;
			return true;
		}
	}
	return false;
}

typedef void (*piece_fn)(struct tok_ctx *c, const char *s, size_t n);

/* Cut s[0..n) at the added tokens of tr as HF's AddedVocabulary does
 * (single_word, lstrip, rstrip): ids of tokens go out, the text between them
 * to piece. */
static void
split_added(struct tok_ctx *c, const struct tok_trie *tr, const char *s,
    size_t n, piece_fn piece)
{
	const struct wh_tokenizer *t = c->t;
	size_t from = 0, done = 0, ms, me;
	int32_t k;

	while (next_added(tr, s, n, from, &ms, &me, &k)) {
		const struct tok_added *a = &t->added[k];
		size_t start = ms, stop = me;
		from = me;
		if (a->single_word && !single_word_ok(s, n, ms, me))
			continue;
		if (a->lstrip) {
			start = space_run_before(s, start);
			if (start < done)
				start = done;
		}
		if (a->rstrip)
			stop = space_run_after(s, n, stop);
		if (done < start)
			piece(c, s + done, start - done);
		wh_ids_push(c->out, a->id);
		done = stop;
	}
	if (done < n)
		piece(c, s + done, n - done);
}

/* The cache of pre-token -> ids. */

static const struct cache_slot *
cache_find(const struct cache *ch, uint64_t h, const char *s, size_t n)
{
	if (ch->slot == NULL)
		return NULL;
	for (uint64_t i = h;; i++) {
		const struct cache_slot *e = &ch->slot[i & ch->mask];
		if (e->hash == 0)
			return NULL;
		if (e->hash == h && e->key_len == n &&
		    memcmp(ch->keys.data + e->key_off, s, n) == 0)
			return e;
	}
}

static void
cache_reset(struct cache *ch, uint32_t slots)
{
	free(ch->slot);
	ch->slot = wh_xcalloc(slots, sizeof *ch->slot);
	ch->mask = slots - 1;
	ch->used = 0;
	wh_buf_clear(&ch->keys);
	ch->ids.n = 0;
}

static void
cache_grow(struct cache *ch)
{
	struct cache_slot *old = ch->slot;
	uint32_t n = ch->mask + 1;

	ch->slot = wh_xcalloc(2 * (size_t)n, sizeof *ch->slot);
	ch->mask = 2 * n - 1;
	for (uint32_t i = 0; i < n; i++) {
		if (old[i].hash == 0)
			continue;
		uint64_t k = old[i].hash;
		while (ch->slot[k & ch->mask].hash)
			k++;
		ch->slot[k & ch->mask] = old[i];
	}
	free(old);
}

static void
cache_add(struct cache *ch, uint64_t h, const char *s, size_t n,
    const uint32_t *ids, size_t n_ids)
{
	if (ch->slot == NULL)
		cache_reset(ch, 4096);
	if (2 * (ch->used + 1) > ch->mask + 1) {
		if (ch->mask + 1 < CACHE_MAX_SLOTS)
			cache_grow(ch);
		else
			cache_reset(ch, ch->mask + 1);
	}
	uint64_t i = h;
	while (ch->slot[i & ch->mask].hash)
		i++;
	ch->slot[i & ch->mask] = (struct cache_slot){ h, (uint32_t)ch->keys.len,
		(uint32_t)ch->ids.n, (uint16_t)n, (uint16_t)n_ids };
	wh_buf_add(&ch->keys, s, n);
	for (size_t k = 0; k < n_ids; k++)
		wh_ids_push(&ch->ids, ids[k]);
	ch->used++;
}

/* BPE. */

static void
sym_reserve(struct tok_ctx *c, size_t n)
{
	if (n <= c->sym_cap)
		return;
	c->sym_cap = n * 2;
	c->sym = wh_xrealloc(c->sym, c->sym_cap * sizeof *c->sym);
	c->heap = wh_xrealloc(c->heap, 2 * c->sym_cap * sizeof *c->heap);
}

static size_t
sym_push(struct tok_ctx *c, size_t n, uint32_t id)
{
	c->sym[n] = (struct sym){ id, (int32_t)n - 1, (int32_t)n + 1, true };
	return n + 1;
}

/* The symbols of s[0..n): one per byte, unknown bytes becoming the unk token
 * (fused when fuse_unk) or dropped when there is none, as HF's merge_word. */
static size_t
word_symbols(struct tok_ctx *c, const char *s, size_t n)
{
	const struct wh_tokenizer *t = c->t;
	size_t k = 0;
	bool unk = false;

	sym_reserve(c, n);
	for (size_t i = 0; i < n; i++) {
		uint32_t id = t->byte_id[(unsigned char)s[i]];
		if (id != TOK_NONE) {
			if (unk)
				k = sym_push(c, k, t->unk_id);
			unk = false;
			k = sym_push(c, k, id);
		} else if (t->unk_id != TOK_NONE) {
			if (unk && !t->fuse_unk)
				k = sym_push(c, k, t->unk_id);
			unk = true;
		}
	}
	if (unk)
		k = sym_push(c, k, t->unk_id);
	if (k)
		c->sym[k - 1].next = -1;
	return k;
}

static void
heap_push(uint64_t *h, size_t *n, uint64_t v)
{
	size_t i = (*n)++;

	while (i > 0 && h[(i - 1) / 2] > v) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static uint64_t
heap_pop(uint64_t *h, size_t *n)
{
	uint64_t top = h[0], v = h[--*n];
	size_t i = 0;

	for (;;) {
		size_t l = 2 * i + 1, m = i;
		uint64_t least = v;
		if (l < *n && h[l] < least)
			m = l, least = h[l];
		if (l + 1 < *n && h[l + 1] < least)
			m = l + 1;
		if (m == i)
			break;
		h[i] = h[m];
		i = m;
	}
	if (*n)
		h[i] = v;
	return top;
}

/* Queue the merge of the symbol at pos with its next one, if there is one. */
static void
queue_pair(struct tok_ctx *c, size_t *nq, int32_t pos)
{
	if (pos < 0 || c->sym[pos].next < 0)
		return;
	const struct tok_merge *m = tok_merge_find(&c->t->merges, c->sym[pos].id,
	    c->sym[c->sym[pos].next].id);
	if (m)
		heap_push(c->heap, nq, (uint64_t)m->rank << 32 | (uint32_t)pos);
}

/* Merge the n symbols: lowest rank first, leftmost on ties (HF's word.rs). */
static void
merge_symbols(struct tok_ctx *c, size_t n)
{
	struct sym *sym = c->sym;
	size_t nq = 0;

	for (size_t i = 0; i + 1 < n; i++)
		queue_pair(c, &nq, (int32_t)i);
	while (nq) {
		uint64_t top = heap_pop(c->heap, &nq);
		int32_t pos = (int32_t)(top & 0xffffffff), next = sym[pos].next;
		if (!sym[pos].alive || next < 0)
			continue;
		const struct tok_merge *m = tok_merge_find(&c->t->merges, sym[pos].id,
		    sym[next].id);
		if (m == NULL || m->rank != top >> 32)
			continue;
		sym[pos].id = m->id;
		sym[next].alive = false;
		sym[pos].next = sym[next].next;
		if (sym[next].next >= 0)
			sym[sym[next].next].prev = pos;
		queue_pair(c, &nq, sym[pos].prev);
		queue_pair(c, &nq, pos);
	}
}

static void
bpe(struct tok_ctx *c, const char *s, size_t n)
{
	const struct wh_tokenizer *t = c->t;
	uint64_t h = 0;

	if (t->ignore_merges) {
		uint32_t id = tok_vocab_find(t, s, n);
		if (id != TOK_NONE) {
			wh_ids_push(c->out, id);
			return;
		}
	}
	if (n <= CACHE_MAX_KEY) {
		h = tok_hash(s, n) | 1;
		const struct cache_slot *e = cache_find(&c->cache, h, s, n);
		if (e) {
			for (size_t i = 0; i < e->n_ids; i++)
				wh_ids_push(c->out, c->cache.ids.v[e->ids_off + i]);
			return;
		}
	}
	size_t k = word_symbols(c, s, n), first = c->out->n;
	merge_symbols(c, k);
	for (int32_t i = k ? 0 : -1; i >= 0; i = c->sym[i].next)
		wh_ids_push(c->out, c->sym[i].id);
	if (h && c->out->n - first < UINT16_MAX)
		cache_add(&c->cache, h, s, n, c->out->v + first, c->out->n - first);
}

/* Pre-tokenizing: each step splits the pieces of the one before; the last
 * piece goes to BPE. */

static void pre_tokenize(struct tok_ctx *c, int step, const char *s, size_t n);

/* Whether s[0..n) has a char that PCRE2's Unicode tables leave out of a
 * class the reference puts it in (new in Unicode 15 or 16). */
static bool
has_newer_char(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0xE0 && tok_newer_char(char_at(s, n, i)))
			return true;
	return false;
}

/* Split s[0..n) with the regex of st (Isolated: matches and the text between
 * them are pieces), finding matches as the Rust onig crate's find_iter does.
 * The pattern with the newer chars in its classes is slower by half, so it
 * is kept for the text that needs it. pcre2_jit_match skips pcre2_match's
 * checks of its arguments, a tenth of the time of encoding. */
static void
split_regex(struct tok_ctx *c, int step, const struct tok_step *st,
    const char *s, size_t n)
{
	size_t pos = 0, done = 0, last_end = (size_t)-1;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
	bool newer = st->re_newer && has_newer_char(s, n);
	const pcre2_code *re = newer ? st->re_newer : st->re;
	bool jit = newer ? st->jit_newer : st->jit;

	while (pos <= n) {
		int rc = jit ?
		    pcre2_jit_match(re, (PCRE2_SPTR)s, n, pos, 0, c->md, c->mc) :
		    pcre2_match(re, (PCRE2_SPTR)s, n, pos, PCRE2_NO_UTF_CHECK,
		    c->md, c->mc);
		if (rc < 0)
			break;
		size_t ms = ov[0], me = ov[1];
		if (ms == me && last_end == me) {
			pos += pos < n ? (size_t)utf8proc_utf8class[(unsigned char)s[pos]] : 1;
			continue;
		}
		pos = last_end = me;
		if (done < ms)
			pre_tokenize(c, step + 1, s + done, ms - done);
		if (ms < me)
			pre_tokenize(c, step + 1, s + ms, me - ms);
		done = me;
	}
	if (done < n)
		pre_tokenize(c, step + 1, s + done, n - done);
}

static void
pre_tokenize(struct tok_ctx *c, int step, const char *s, size_t n)
{
	const struct wh_tokenizer *t = c->t;

	if (step == t->n_step) {
		bpe(c, s, n);
		return;
	}
	const struct tok_step *st = &t->step[step];
	if (st->prefix_space && s[0] != ' ') {
		wh_buf_clear(&c->prefixed);
		wh_buf_addc(&c->prefixed, ' ');
		wh_buf_add(&c->prefixed, s, n);
		s = c->prefixed.data;
		n = c->prefixed.len;
	}
	if (st->re)
		split_regex(c, step, st, s, n);
	else
		pre_tokenize(c, step + 1, s, n);
}

/* A piece of normalized text between added tokens. */
static void
normalized_piece(struct tok_ctx *c, const char *s, size_t n)
{
	pre_tokenize(c, 0, s, n);
}

static bool
has_non_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* A piece of text between added tokens matched on the raw text: normalize
 * it, then match the added tokens that match normalized text. */
static void
raw_piece(struct tok_ctx *c, const char *s, size_t n)
{
	const struct wh_tokenizer *t = c->t;

	if (t->n_norm && has_non_ascii(s, n)) {
		wh_buf_clear(&c->norm);
		normalize(t, s, n, &c->cps, &c->cps_cap, &c->norm);
		s = c->norm.data;
		n = c->norm.len;
	}
	split_added(c, &t->norm_trie, s, n, normalized_piece);
}

/* The pool of scratch. */

struct tok_pool *
tok_pool_new(void)
{
	struct tok_pool *p = wh_xcalloc(1, sizeof *p);

	pthread_mutex_init(&p->lock, NULL);
	return p;
}

static struct tok_ctx *
ctx_new(void)
{
	struct tok_ctx *c = wh_xcalloc(1, sizeof *c);

	c->md = pcre2_match_data_create(32, NULL);
	c->mc = pcre2_match_context_create(NULL);
	c->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (c->md == NULL || c->mc == NULL || c->jit == NULL)
		abort();
	pcre2_jit_stack_assign(c->mc, NULL, c->jit);
	return c;
}

static void
ctx_free(struct tok_ctx *c)
{
	pcre2_match_data_free(c->md);
	pcre2_match_context_free(c->mc);
	pcre2_jit_stack_free(c->jit);
	wh_buf_free(&c->clean);
	wh_buf_free(&c->norm);
	wh_buf_free(&c->prefixed);
	free(c->cps);
	free(c->sym);
	free(c->heap);
	free(c->cache.slot);
	wh_buf_free(&c->cache.keys);
	wh_ids_free(&c->cache.ids);
	wh_ids_free(&c->count);
	free(c);
}

void
tok_pool_free(struct tok_pool *p)
{
	while (p->free) {
		struct tok_ctx *c = p->free;
		p->free = c->next;
		ctx_free(c);
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static struct tok_ctx *
ctx_get(const struct wh_tokenizer *t)
{
	pthread_t self = pthread_self();
	struct tok_ctx **at, *c;

	pthread_mutex_lock(&t->pool->lock);
	at = &t->pool->free;
	while (*at && !pthread_equal((*at)->owner, self))
		at = &(*at)->next;
	if (*at == NULL)
		at = &t->pool->free;
	c = *at;
	if (c)
		*at = c->next;
	pthread_mutex_unlock(&t->pool->lock);
	if (c == NULL)
		c = ctx_new();
	c->t = t;
	c->owner = self;
	return c;
}

static void
ctx_put(const struct wh_tokenizer *t, struct tok_ctx *c)
{
	pthread_mutex_lock(&t->pool->lock);
	c->next = t->pool->free;
	t->pool->free = c;
	pthread_mutex_unlock(&t->pool->lock);
}

/* The public functions. */

static void
encode(struct tok_ctx *c, const char *text, size_t len, struct wh_ids *out)
{
	c->out = out;
	if (wh_utf8_valid_prefix(text, len) != len) {
		wh_buf_clear(&c->clean);
		wh_utf8_replace_invalid(text, len, &c->clean);
		text = c->clean.data;
		len = c->clean.len;
	}
	split_added(c, &c->t->raw_trie, text, len, raw_piece);
}

void
wh_tokenizer_encode(const struct wh_tokenizer *t, const char *text, size_t len,
    struct wh_ids *out)
{
	struct tok_ctx *c = ctx_get(t);

	encode(c, text, len, out);
	ctx_put(t, c);
}

size_t
wh_tokenizer_count(const struct wh_tokenizer *t, const char *text, size_t len)
{
	struct tok_ctx *c = ctx_get(t);

	c->count.n = 0;
	encode(c, text, len, &c->count);
	size_t n = c->count.n;
	ctx_put(t, c);
	return n;
}

int
wh_tokenizer_decode(const struct wh_tokenizer *t, const uint32_t *ids, size_t n,
    bool skip_special, struct wh_buf *out, struct wh_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct tok_entry *e = ids[i] < t->n_ids ? &t->entries[ids[i]] : NULL;
		if (e && e->added >= 0) {
			const struct tok_added *a = &t->added[e->added];
			if (!(skip_special && a->special))
				wh_buf_add(out, a->dec, a->dec_len);
		} else if (e && e->in_model)
			wh_buf_add(out, t->bytes + e->off, e->len);
		else
			return wh_error_set(err, NULL, 0, "token id %u is not in the "
			    "tokenizer (it has %u ids)", ids[i], t->n_ids);
	}
	return 0;
}

uint32_t
wh_tokenizer_vocab_size(const struct wh_tokenizer *t)
{
	return t->n_ids;
}
