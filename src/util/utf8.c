/* UTF-8 validation (RFC 3629), code point counting, encoding, and the
 * replacement of invalid sequences. */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "whittle/buf.h"
#include "whittle/utf8.h"

size_t
wh_utf8_valid_prefix(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t need;
		unsigned lo = 0x80, hi = 0xBF;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			return i;
		if (need >= n - i)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k <= need; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
		i += need + 1;
	}
	return n;
}

size_t
wh_utf8_count(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t count = 0, i = 0;

#ifdef __SSE2__
	/* Continuation bytes are 0x80..0xBF: as signed bytes, below -64. */
	const __m128i limit = _mm_set1_epi8(-64), one = _mm_set1_epi8(1);
	__m128i sum = _mm_setzero_si128();
	while (i + 16 <= n) {
		__m128i x = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i lead = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_sub_epi8(limit, one)), one);
		sum = _mm_add_epi64(sum, _mm_sad_epu8(lead, _mm_setzero_si128()));
		i += 16;
	}
	count = (size_t)_mm_cvtsi128_si64(sum) +
	    (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum));
#endif
	for (; i < n; i++)
		count += (s[i] & 0xC0) != 0x80;
	return count;
}

size_t
wh_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Length of the valid sequence at s[0..n), or 0 with *bad the length of the
 * maximal subpart to replace. */
static size_t
utf8_sequence(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char b = s[0], lo = 0x80, hi = 0xBF;
	size_t need;

	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF)
		need = 1;
	else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		lo = b == 0xE0 ? 0xA0 : 0x80;
		hi = b == 0xED ? 0x9F : 0xBF;
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		lo = b == 0xF0 ? 0x90 : 0x80;
		hi = b == 0xF4 ? 0x8F : 0xBF;
	} else {
		*bad = 1;
		return 0;
	}
	for (size_t k = 1; k <= need; k++) {
		if (k >= n || s[k] < lo || s[k] > hi) {
			*bad = k;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}

void
wh_utf8_replace_invalid(const char *s, size_t n, struct wh_buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, bad;

	while (i < n) {
		size_t k = utf8_sequence(u + i, n - i, &bad);
		if (k) {
			wh_buf_add(out, s + i, k);
			i += k;
		} else {
			wh_buf_add(out, "\xEF\xBF\xBD", 3);
			i += bad;
		}
	}
}
