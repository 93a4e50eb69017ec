/* The sets of words the segmenter compares: a segment's with the
 * question's (restatement), an attempt's with an earlier one's
 * (redundancy). A word is an ASCII run of letters and digits from its
 * first letter on, two bytes or more, lower-cased ("x2", not "2x"), or a
 * three-byte UTF-8 character (CJK) on its own; the set holds their hashes.
 *
 * Words are found 64 bytes at a time from bit masks (which bytes are
 * letters, digits, CJK leads) and hashed eight bytes at a time: hashing
 * byte by byte put a multiply in the chain from each byte to the next,
 * the segmenter's largest cost. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "whittle/buf.h"
#include "segment-impl.h"

bool
wh_words_has(const struct wh_words *w, uint32_t h)
{
	if (h == 0)
		return w->zero;
	if (w->cap == 0)
		return false;
	for (size_t k = h & (w->cap - 1); w->slot[k]; k = (k + 1) & (w->cap - 1))
		if (w->slot[k] == h)
			return true;
	return false;
}

/* Double the slots of w (64 at first). */
static void
grow(struct wh_words *w)
{
	size_t cap = w->cap ? w->cap * 2 : 64;
	uint32_t *slot = wh_xcalloc(cap, sizeof *slot);

	for (size_t k = 0; k < w->cap; k++) {
		if (!w->slot[k])
			continue;
		size_t j = w->slot[k] & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = w->slot[k];
	}
	free(w->slot);
	w->slot = slot;
	w->cap = cap;
}

/* Add h to w; whether it is new there. */
static inline bool
add(struct wh_words *w, uint32_t h)
{
	if (h == 0) {
		bool new = !w->zero;
		w->n += new;
		w->zero = true;
		return new;
	}
	if ((w->n + 1) * 2 > w->cap)
		grow(w);
	size_t k = h & (w->cap - 1);
	while (w->slot[k] && w->slot[k] != h)
		k = (k + 1) & (w->cap - 1);
	if (w->slot[k])
		return false;
	w->slot[k] = h;
	w->n++;
	return true;
}

/* add, and when other is not NULL, count in *common a new word that
 * other holds. */
static inline void
add_counted(struct wh_words *w, uint32_t h, const struct wh_words *other,
    size_t *common)
{
	if (add(w, h) && other)
		*common += wh_words_has(other, h);
}

/* Bytes p[0..n) (n <= 8) as a number, byte i in bits 8i..8i+7; the
 * eight bytes are read at once where limit allows. */
static inline uint64_t
load(const unsigned char *p, size_t n, const unsigned char *limit)
{
	uint64_t x = 0;

	if (limit - p >= 8) {
		memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		x = __builtin_bswap64(x);
#endif
		return n == 8 ? x : x & (((uint64_t)1 << (8 * n)) - 1);
	}
	for (size_t i = 0; i < n; i++)
		x |= (uint64_t)p[i] << (8 * i);
	return x;
}

static inline uint64_t
mix(uint64_t h, uint64_t x)
{
	h = (h ^ x) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

/* The hash of the ASCII word p[0..n), lower-cased: letters get bit 5,
 * which digits have already. */
static inline uint32_t
word_hash(const unsigned char *p, size_t n, const unsigned char *limit)
{
	uint64_t h = n * 0x9e3779b97f4a7c15ULL;

	for (; n > 8; p += 8, n -= 8)
		h = mix(h, load(p, 8, limit) | 0x2020202020202020ULL);
	h = mix(h, load(p, n, limit) | (0x2020202020202020ULL >> (64 - 8 * n)));
	return (uint32_t)h;
}

static uint32_t
cjk_hash(const unsigned char *p)
{
	return (uint32_t)mix(0x7c15a3e1d2b4f697ULL, (uint64_t)p[0] | (uint64_t)p[1] << 8 |
	    (uint64_t)p[2] << 16);
}

/* Which of the 64 bytes at p are ASCII letters, digits, and the first
 * bytes of three-byte characters (E0-EF). */
struct bits {
	uint64_t letter, digit, cjk;
};

#ifdef __SSE2__
static inline void
classify(const unsigned char *p, struct bits *b)
{
	*b = (struct bits){0};
	for (int k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
		__m128i low = _mm_or_si128(x, _mm_set1_epi8(0x20));
		/* Signed compares: bytes from 0x80 are negative, below all. */
		__m128i letter = _mm_and_si128(_mm_cmpgt_epi8(low, _mm_set1_epi8('a' - 1)),
		    _mm_cmplt_epi8(low, _mm_set1_epi8('z' + 1)));
		__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
		    _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
		__m128i cjk = _mm_cmpeq_epi8(_mm_and_si128(x, _mm_set1_epi8((char)0xF0)),
		    _mm_set1_epi8((char)0xE0));
		b->letter |= (uint64_t)(uint16_t)_mm_movemask_epi8(letter) << (16 * k);
		b->digit |= (uint64_t)(uint16_t)_mm_movemask_epi8(digit) << (16 * k);
		b->cjk |= (uint64_t)(uint16_t)_mm_movemask_epi8(cjk) << (16 * k);
	}
}
#else
static inline void
classify(const unsigned char *p, struct bits *b)
{
	*b = (struct bits){0};
	for (int k = 0; k < 64; k++) {
		unsigned c = p[k], low = c | 0x20;
		uint64_t bit = (uint64_t)1 << k;
		b->letter |= low >= 'a' && low <= 'z' ? bit : 0;
		b->digit |= c >= '0' && c <= '9' ? bit : 0;
		b->cjk |= (c & 0xF0) == 0xE0 ? bit : 0;
	}
}
#endif

static bool
alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Add the words of p[0..n) (n <= 64) to w, and return how many bytes
 * were done with: all of them, or up to the start of a word that reaches
 * the block's end while the text goes on (the next block starts there).
 * When other is not NULL, *common counts the new words of w it holds. */
static size_t
block_words(const unsigned char *p, size_t n, const unsigned char *end,
    struct wh_words *w, const struct wh_words *other, size_t *common)
{
	unsigned char pad[64];
	struct bits b;

	if (n < 64) {
		memset(pad, 0, sizeof pad);
		memcpy(pad, p, n);
		classify(pad, &b);
	} else
		classify(p, &b);
	/* In a word: letters and digits from a run's first letter on. A
	   digit that starts a run starts a stretch of digits that belong to
	   no word; adding it to the digits carries through that stretch and
	   clears it. */
	uint64_t alnum_bits = b.letter | b.digit;
	uint64_t lead = b.digit & ~(alnum_bits << 1);
	uint64_t in = alnum_bits & ~(b.digit & ~(b.digit + lead));
	uint64_t starts = in & ~(in << 1), ends = in & ~(in >> 1);
	size_t done = n;

	if (n == 64 && (in >> 63) && p + 64 < end) {
		unsigned last = 63 - (unsigned)__builtin_clzll(starts);
		if (last == 0) {
			/* One word over the whole block: read it to its end. */
			const unsigned char *q = p + 64;
			while (q < end && alnum(*q))
				q++;
			add_counted(w, word_hash(p, (size_t)(q - p), end), other, common);
			return (size_t)(q - p);
		}
		uint64_t keep = ((uint64_t)1 << last) - 1;
		starts &= keep;
		ends &= keep;
		b.cjk &= keep;
		done = last;
	}
	for (; starts; starts &= starts - 1, ends &= ends - 1) {
		unsigned s = (unsigned)__builtin_ctzll(starts);
		unsigned e = (unsigned)__builtin_ctzll(ends);
		if (e > s)
			add_counted(w, word_hash(p + s, e - s + 1, end), other, common);
	}
	for (; b.cjk; b.cjk &= b.cjk - 1) {
		unsigned c = (unsigned)__builtin_ctzll(b.cjk);
		if (end - (p + c) >= 3)
			add_counted(w, cjk_hash(p + c), other, common);
	}
	return done;
}

void
wh_words_of(const char *t, size_t s, size_t e, struct wh_words *w)
{
	const unsigned char *p = (const unsigned char *)t + s, *end = (const unsigned char *)t + e;

	memset(w, 0, sizeof *w);
	while (p < end)
		p += block_words(p, end - p > 64 ? 64 : (size_t)(end - p), end, w, NULL, NULL);
}

bool
wh_words_until(const char *t, size_t s, size_t e, struct wh_words *w,
    const struct wh_words *a, double similarity)
{
	const unsigned char *p = (const unsigned char *)t + s, *end = (const unsigned char *)t + e;
	size_t common = 0;

	memset(w, 0, sizeof *w);
	while (p < end) {
		if (a->n && (double)common / (double)a->n >= similarity)
			return false;
		p += block_words(p, end - p > 64 ? 64 : (size_t)(end - p), end, w, a, &common);
	}
	return true;
}

size_t
wh_words_common(const struct wh_words *a, const struct wh_words *b)
{
	size_t n = a->zero && b->zero;

	if (a->cap > b->cap) {
		const struct wh_words *x = a;
		a = b;
		b = x;
	}
	for (size_t k = 0; k < a->cap; k++)
		n += a->slot[k] && wh_words_has(b, a->slot[k]);
	return n;
}

double
wh_words_overlap(const struct wh_words *a, const struct wh_words *b)
{
	size_t small = a->n < b->n ? a->n : b->n;

	return small ? (double)wh_words_common(a, b) / (double)small : 0;
}

void
wh_words_free(struct wh_words *w)
{
	free(w->slot);
	memset(w, 0, sizeof *w);
}
