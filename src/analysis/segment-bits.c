/* The bytes of a thinking text that the segmenter's passes look for, as
 * bit masks made in one pass over it, 64 bytes at a time (16 at once with
 * SSE2): where a sentence may end or a protected span begin, where a cue
 * may start, where an answer phrase may be, and the '='s. The passes then
 * visit only the set bits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "whittle/buf.h"
#include "segment-impl.h"

/* What 64 bytes hold, bit k for byte k. */
struct raw {
	uint64_t alnum;		/* ASCII letters and digits */
	uint64_t lead;		/* first bytes of multi-byte characters (C0-FF) */
	uint64_t s, w;		/* 's' or 'S', 'w' or 'W' */
	uint64_t anchor;	/* '\\', '<', '#', E7: answer anchors but w */
	uint64_t equals;	/* '=' */
	uint64_t split;		/* \n . ? ! $ \ ` [ and E3, EF (。！？) */
};

#ifdef __SSE2__
static inline uint64_t
eq16(__m128i x, char c)
{
	return (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(c)));
}

/* Which bytes of x are in [lo, lo + n), 0 < n < 128: moved to start at
 * -128, where the signed compare can tell. */
static inline uint64_t
range16(__m128i x, unsigned char lo, unsigned char n)
{
	__m128i y = _mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo)));

	return (uint16_t)_mm_movemask_epi8(_mm_cmplt_epi8(y, _mm_set1_epi8((char)(n - 128))));
}

static void
classify(const unsigned char *p, struct raw *r)
{
	*r = (struct raw){0};
	for (int k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
		__m128i low = _mm_or_si128(x, _mm_set1_epi8(0x20));
		int at = 16 * k;
		uint64_t bslash = eq16(x, '\\');
		r->alnum |= (range16(low, 'a', 26) | range16(x, '0', 10)) << at;
		r->lead |= range16(x, 0xc0, 64) << at;
		r->s |= eq16(low, 's') << at;
		r->w |= eq16(low, 'w') << at;
		r->anchor |= (bslash | eq16(x, '<') | eq16(x, '#') | eq16(x, (char)0xe7)) << at;
		r->equals |= eq16(x, '=') << at;
		r->split |= (bslash | eq16(x, '\n') | eq16(x, '.') | eq16(x, '?') |
		    eq16(x, '!') | eq16(x, '$') | eq16(x, '`') | eq16(x, '[') |
		    eq16(x, (char)0xe3) | eq16(x, (char)0xef)) << at;
	}
}
#else
static void
classify(const unsigned char *p, struct raw *r)
{
	*r = (struct raw){0};
	for (int k = 0; k < 64; k++) {
		unsigned c = p[k], low = c | 0x20;
		uint64_t bit = (uint64_t)1 << k;
		r->alnum |= (low >= 'a' && low <= 'z') || (c >= '0' && c <= '9') ? bit : 0;
		r->lead |= c >= 0xc0 ? bit : 0;
		r->s |= low == 's' ? bit : 0;
		r->w |= low == 'w' ? bit : 0;
		r->anchor |= c == '\\' || c == '<' || c == '#' || c == 0xe7 ? bit : 0;
		r->equals |= c == '=' ? bit : 0;
		r->split |= c && strchr("\n.?!$\\`[\xe3\xef", (int)c) ? bit : 0;
	}
}
#endif

void
wh_text_bits_make(const struct wh_segmenter *s, const char *t, size_t len,
    struct wh_text_bits *tb)
{
	uint64_t alnum_before = 0, s_before = 0;	/* of the byte before a block */
	unsigned char pad[64];

	tb->n = (len + 63) / 64;
	tb->b = wh_xmalloc((tb->n ? tb->n : 1) * sizeof *tb->b);
	for (size_t k = 0; k < tb->n; k++) {
		const unsigned char *p = (const unsigned char *)t + 64 * k;
		struct wh_bits_block *b = &tb->b[k];
		struct raw r;
		if (len - 64 * k < 64) {	/* the last block, zeros past len */
			memset(pad, 0, sizeof pad);
			memcpy(pad, p, len - 64 * k);
			p = pad;
		}
		classify(p, &r);
		uint64_t odd = 0;	/* the first bytes of cues that start with
					   neither letter nor digit, rare */
		if (s && s->odd_any)
			for (int i = 0; i < 64; i++)
				odd |= p[i] < 0x80 && (s->byte_class[p[i]] & CUE_ANY) &&
				    !(r.alnum >> i & 1) ? (uint64_t)1 << i : 0;
		b->split = r.split;
		b->first = r.alnum | r.lead | odd;
		b->cand = (r.alnum & ~(r.alnum << 1 | alnum_before)) | r.lead | odd;
		b->anchor_first = r.anchor;
		b->anchor = r.anchor | (r.w & (r.s << 1 | s_before));
		b->equals = r.equals;
		alnum_before = r.alnum >> 63;
		s_before = r.s >> 63;
	}
}

void
wh_text_bits_free(struct wh_text_bits *tb)
{
	free(tb->b);
	tb->b = NULL;
	tb->n = 0;
}
