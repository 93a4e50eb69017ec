/* A validating JSON parser that records byte spans on a flat tape.
 * Strings are read in blocks of 64 bytes (with SSE2 where available): the
 * long thinking texts of a trace are almost all of a dataset's bytes. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "whittle/json.h"
#include "whittle/utf8.h"

#define MAX_DEPTH 512

struct parser {
	struct wh_json *j;
	const char *s;
	size_t len, pos;
	struct wh_jerror *e;
	/* Of the string being read: bytes that add no code point of their
	   own once decoded, and where the last high surrogate escape ended. */
	size_t extra, high_end;
	bool one_line;		/* a newline ends the text */
};

static int
fail(struct parser *p, size_t at, const char *msg)
{
	p->e->offset = at;
	p->e->msg = msg;
	return -1;
}

static uint32_t
push_node(struct parser *p, enum wh_jtype type, size_t start)
{
	struct wh_json *j = p->j;

	if (j->n == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 64;
		j->nodes = wh_xrealloc(j->nodes, j->cap * sizeof *j->nodes);
	}
	j->nodes[j->n] = (struct wh_jnode){ .type = type, .start = start };
	return j->n++;
}

static void
skip_space(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c != ' ' && (c != '\n' || p->one_line) && c != '\r' && c != '\t')
			break;
		p->pos++;
	}
}

static int
hex4(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* What a string's 64-byte block holds, bit k for byte k. */
struct block {
	uint64_t quote, bslash, letter_n;	/* '"', '\\', 'n' */
	uint64_t ctl, high;			/* < 0x20, >= 0x80 */
	uint64_t cont, ge3, ge4;		/* 80-BF, E0-FF, F0-FF */
};

#ifdef __SSE2__
/* The 64 bits of four 16-byte compare results. */
static inline uint64_t
bits4(__m128i a, __m128i b, __m128i c, __m128i d)
{
	return (uint64_t)(uint16_t)_mm_movemask_epi8(a) |
	    (uint64_t)(uint16_t)_mm_movemask_epi8(b) << 16 |
	    (uint64_t)(uint16_t)_mm_movemask_epi8(c) << 32 |
	    (uint64_t)(uint16_t)_mm_movemask_epi8(d) << 48;
}

#define EACH(op, v) bits4(op(x0, v), op(x1, v), op(x2, v), op(x3, v))

static inline void
classify(const char *s, struct block *b)
{
	const __m128i *v = (const __m128i *)s;
	__m128i x0 = _mm_loadu_si128(v), x1 = _mm_loadu_si128(v + 1);
	__m128i x2 = _mm_loadu_si128(v + 2), x3 = _mm_loadu_si128(v + 3);

	b->high = bits4(x0, x1, x2, x3);
	b->quote = EACH(_mm_cmpeq_epi8, _mm_set1_epi8('"'));
	b->bslash = EACH(_mm_cmpeq_epi8, _mm_set1_epi8('\\'));
	b->letter_n = EACH(_mm_cmpeq_epi8, _mm_set1_epi8('n'));
	/* Signed compares: bytes from 0x80 are negative. */
	b->ctl = EACH(_mm_cmplt_epi8, _mm_set1_epi8(0x20)) & ~b->high;
	if (b->high == 0) {
		b->cont = b->ge3 = b->ge4 = 0;
		return;
	}
	b->cont = EACH(_mm_cmplt_epi8, _mm_set1_epi8((char)0xC0));
	b->ge3 = EACH(_mm_cmpgt_epi8, _mm_set1_epi8((char)0xDF)) & b->high;
	b->ge4 = EACH(_mm_cmpgt_epi8, _mm_set1_epi8((char)0xEF)) & b->high;
}
#undef EACH

/* The bytes that start a character the block path leaves to utf8_char_ok:
 * C0, C1, E0, ED, F0 (overlong or surrogate forms possible) and F4-FF. */
static inline uint64_t
rare_leads(const char *s)
{
	uint64_t bits = 0;

	for (int k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(s + 16 * k));
		__m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE0)),
		    _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xED)));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xF0)));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC0)));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC1)));
		m = _mm_or_si128(m, _mm_cmpgt_epi8(x, _mm_set1_epi8((char)0xF3)));
		bits |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_and_si128(m,
		    _mm_cmplt_epi8(x, _mm_setzero_si128()))) << (16 * k);
	}
	return bits;
}
#else
static inline void
classify(const char *s, struct block *b)
{
	*b = (struct block){0};
	for (int k = 0; k < 64; k++) {
		unsigned char c = (unsigned char)s[k];
		uint64_t bit = (uint64_t)1 << k;
		b->quote |= c == '"' ? bit : 0;
		b->bslash |= c == '\\' ? bit : 0;
		b->letter_n |= c == 'n' ? bit : 0;
		b->ctl |= c < 0x20 ? bit : 0;
		b->high |= c >= 0x80 ? bit : 0;
		b->cont |= c >= 0x80 && c < 0xC0 ? bit : 0;
		b->ge3 |= c >= 0xE0 ? bit : 0;
		b->ge4 |= c >= 0xF0 ? bit : 0;
	}
}

static inline uint64_t
rare_leads(const char *s)
{
	uint64_t bits = 0;

	for (int k = 0; k < 64; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c == 0xC0 || c == 0xC1 || c == 0xE0 || c == 0xED || c == 0xF0 ||
		    c >= 0xF4)
			bits |= (uint64_t)1 << k;
	}
	return bits;
}
#endif

/* Is s[0..n) one valid UTF-8 character? The common two- and three-byte
 * forms are checked inline; the rest by the full validator. */
static inline int
utf8_char_ok(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	if (n == 2)
		return s[0] >= 0xC2 && (s[1] & 0xC0) == 0x80;
	if (n == 3 && s[0] > 0xE0 && s[0] != 0xED)
		return (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80;
	return wh_utf8_valid_prefix(str, n) == n;
}

/* Skip the special byte at i of a string (an escape, a non-ASCII
 * character, or a control character, which is an error), counting the
 * bytes that add no code point; returns the offset after it, or 0 on an
 * error (i > 0 always: a string starts with '"'). */
static size_t
skip_special(struct parser *p, size_t i, uint32_t node)
{
	const char *s = p->s;
	unsigned char c = (unsigned char)s[i];
	uint32_t cp;

	if (c == '\\') {
		p->j->nodes[node].escaped |= WH_JESC_ANY;
		if (i + 1 >= p->len)
			return fail(p, i, "unterminated string"), 0;
		switch (s[i + 1]) {
		case '/':
			p->j->nodes[node].escaped |= WH_JESC_UNICODE;
			/* fall through */
		case '"': case '\\': case 'b': case 'f':
		case 'n': case 'r': case 't':
			p->extra += 1;
			return i + 2;
		case 'u':
			if (i + 6 > p->len || hex4(s + i + 2, &cp) < 0)
				return fail(p, i, "bad \\u escape in string"), 0;
			p->j->nodes[node].escaped |= WH_JESC_UNICODE;
			/* A surrogate pair decodes to one code point. */
			p->extra += cp >= 0xDC00 && cp <= 0xDFFF && p->high_end == i ? 6 : 5;
			if (cp >= 0xD800 && cp <= 0xDBFF)
				p->high_end = i + 6;
			return i + 6;
		default:
			return fail(p, i, "bad escape in string"), 0;
		}
	}
	if (c < 0x20)
		return fail(p, i, c == 0 ? "NUL byte in string"
		    : "control character in string"), 0;
	size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
	if (n > p->len - i || !utf8_char_ok(s + i, n))
		return fail(p, i, "invalid UTF-8 in string"), 0;
	p->extra += n - 1;
	return i + n;
}

#define EVEN_BITS 0x5555555555555555ULL

/* Set bits of x; without a popcnt instruction, by halves. */
static inline unsigned
ones(uint64_t x)
{
#ifdef __POPCNT__
	return (unsigned)__builtin_popcountll(x);
#else
	x -= (x >> 1) & EVEN_BITS;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
#endif
}

/* The bits below bit n (n <= 64). */
static inline uint64_t
below(unsigned n)
{
	return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
}

/* The last k bits below bit n. */
static inline uint64_t
last(unsigned n, unsigned k)
{
	return below(n) & ~below(n > k ? n - k : 0);
}

/* The escapes that stand for one ASCII character and need no checks. */
static const unsigned char plain_escape[256] = {
	['"'] = 1, ['\\'] = 1, ['b'] = 1, ['f'] = 1, ['n'] = 1, ['r'] = 1, ['t'] = 1,
};

/* Whether every escaped byte of the block is a plain escape; \n, \\ and
 * \" are known from the masks, the rest looked up. */
static inline bool
plain_escapes(const char *s, const struct block *b, uint64_t escaped)
{
	for (uint64_t e = escaped & ~(b->letter_n | b->bslash | b->quote); e;
	    e &= e - 1)
		if (!plain_escape[(unsigned char)s[__builtin_ctzll(e)]])
			return false;
	return true;
}

/* Read a string's bytes from s[0] (not escaped, the start of a character)
 * in one 64-byte block, with no branch per byte, when the block holds only
 * what is common in traces: plain escapes and well-formed characters of
 * two to four bytes. A run of backslashes or a character that the block's
 * end cuts is left to the next block. Returns the bytes read, with *closed
 * set when the string's closing quote follows them, or 0 when the block
 * needs the byte-by-byte path (which also reports errors). */
static size_t
string_block(struct parser *p, const char *s, uint32_t node, bool *closed)
{
	struct block b;
	unsigned end = 64;

	classify(s, &b);
	if (b.bslash >> 63) {
		if (~b.bslash == 0)
			return 0;
		end = 64 - (unsigned)__builtin_clzll(~b.bslash);
	}
	uint64_t leads = b.high & ~b.cont;
	if (b.high) {
		uint64_t cut = (leads & last(end, 1)) | (b.ge3 & last(end, 2)) |
		    (b.ge4 & last(end, 3));
		if (cut)
			end = (unsigned)__builtin_ctzll(cut);
	}
	if (end == 0 || (b.bslash >> (end - 1) & 1))
		return 0;

	/* Escapes: a run of backslashes escapes every other byte from its
	   start. Adding the runs' first bits clears the runs; split by the
	   parity of where each run starts, every other bit of it begins an
	   escape. */
	uint64_t in = below(end), bs = b.bslash & in;
	uint64_t starts = bs & ~(bs << 1);
	uint64_t even_runs = bs & ~(bs + (starts & EVEN_BITS));
	uint64_t odd_runs = bs & ~(bs + (starts & ~EVEN_BITS));
	uint64_t escapes = (even_runs & EVEN_BITS) | (odd_runs & ~EVEN_BITS);
	uint64_t escaped = escapes << 1;

	uint64_t quote = b.quote & in & ~escaped;
	if (quote) {
		end = (unsigned)__builtin_ctzll(quote);
		in = below(end);
		escapes &= in;
		escaped &= in;
	}
	if ((b.ctl & in) || !plain_escapes(s, &b, escaped))
		return 0;
	if (b.high & in) {
		/* Each lead is followed by exactly its continuation bytes. */
		if ((leads & in & rare_leads(s)) ||
		    ((leads & in) << 1 | (b.ge3 & in) << 2 | (b.ge4 & in) << 3) !=
		    (b.cont & in))
			return 0;
	}
	*closed = quote != 0;
	if (escapes)
		p->j->nodes[node].escaped |= WH_JESC_ANY;
	p->extra += ones(escapes | (b.cont & in));	/* disjoint: '\\' is ASCII */
	return end;
}

/* How far ahead of a long string's reading to ask for its bytes: the
 * hardware prefetcher stops at each 4 KB page, and a 1 GB file is read
 * from memory, not cache (the index pass read it first); asking 2 KB
 * ahead made the whole stats scan 1.5 times faster. */
#define PREFETCH 2048

/* Strings are read 64 bytes at a time (string_block), and byte by byte
 * where a block has something rare: \u and \/ escapes, malformed or
 * unusual UTF-8, errors. The node's count gets the string's code points. */
static int
parse_string(struct parser *p)
{
	size_t start = p->pos, i = p->pos + 1, len = p->len;
	uint32_t node = push_node(p, WH_JSTRING, start);
	const char *s = p->s;

	p->extra = 0;
	p->high_end = 0;
	while (i + 64 <= len) {
		__builtin_prefetch(s + i + PREFETCH);
		bool closed = false;
		size_t n = string_block(p, s + i, node, &closed);
		i += n;
		if (closed)
			goto end;
		for (size_t stop = i + 64; n == 0 && i < stop; ) {
			unsigned char c = (unsigned char)s[i];
			if (c == '"')
				goto end;
			if (c == '\\' || c < 0x20 || c >= 0x80) {
				if ((i = skip_special(p, i, node)) == 0)
					return -1;
			} else {
				i++;
			}
		}
	}
	for (;;) {
		if (i >= len)
			return fail(p, start, "unterminated string");
		unsigned char c = (unsigned char)s[i];
		if (c == '"')
			break;
		if (c == '\\' || c < 0x20 || c >= 0x80) {
			if ((i = skip_special(p, i, node)) == 0)
				return -1;
		} else {
			i++;
		}
	}
end:
	p->j->nodes[node].end = i + 1;
	p->j->nodes[node].next = node + 1;
	p->j->nodes[node].count = (uint32_t)(i - start - 1 - p->extra);
	p->pos = i + 1;
	return 0;
}

static int
digits(struct parser *p)
{
	size_t from = p->pos;

	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++;
	return p->pos > from ? 0 : -1;
}

static int
parse_number(struct parser *p)
{
	size_t start = p->pos;
	uint32_t node = push_node(p, WH_JNUMBER, start);

	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0')
		p->pos++;
	else if (digits(p) < 0)
		return fail(p, start, "bad number");
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (digits(p) < 0)
			return fail(p, start, "bad number");
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (digits(p) < 0)
			return fail(p, start, "bad number");
	}
	p->j->nodes[node].end = p->pos;
	p->j->nodes[node].next = node + 1;
	return 0;
}

static int
parse_literal(struct parser *p, const char *word, enum wh_jtype type)
{
	size_t n = strlen(word);
	uint32_t node;

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return fail(p, p->pos, "unexpected character");
	node = push_node(p, type, p->pos);
	p->pos += n;
	p->j->nodes[node].end = p->pos;
	p->j->nodes[node].next = node + 1;
	return 0;
}

/* Parse one value at p->pos, containers iteratively. */
static int
parse_value(struct parser *p)
{
	uint32_t stack[MAX_DEPTH];
	int depth = 0;

	for (;;) {
		/* Here a value is expected. */
		skip_space(p);
		if (p->pos >= p->len)
			return fail(p, p->pos, depth ? "unexpected end inside a value"
			    : "no JSON value");
		char c = p->s[p->pos];
		int rc;

		if (c == '{' || c == '[') {
			if (depth == MAX_DEPTH)
				return fail(p, p->pos, "nesting too deep");
			stack[depth++] = push_node(p, c == '{' ? WH_JOBJECT : WH_JARRAY, p->pos);
			p->pos++;
			skip_space(p);
			if (p->pos < p->len && p->s[p->pos] == (c == '{' ? '}' : ']'))
				goto close;
			if (c == '{')
				goto key;
			continue;
		}
		if (c == '"')
			rc = parse_string(p);
		else if (c == '-' || (c >= '0' && c <= '9'))
			rc = parse_number(p);
		else if (c == 't')
			rc = parse_literal(p, "true", WH_JTRUE);
		else if (c == 'f')
			rc = parse_literal(p, "false", WH_JFALSE);
		else if (c == 'n')
			rc = parse_literal(p, "null", WH_JNULL);
		else
			return fail(p, p->pos, "unexpected character");
		if (rc < 0)
			return -1;
after_value:
		if (depth == 0)
			return 0;
		{
			struct wh_jnode *top = &p->j->nodes[stack[depth - 1]];
			top->count++;
			skip_space(p);
			if (p->pos >= p->len)
				return fail(p, top->start, top->type == WH_JOBJECT
				    ? "unterminated object" : "unterminated array");
			c = p->s[p->pos];
			if (c == ',') {
				p->pos++;
				if (top->type == WH_JOBJECT)
					goto key;
				continue;
			}
			if (c != (top->type == WH_JOBJECT ? '}' : ']'))
				return fail(p, p->pos, top->type == WH_JOBJECT
				    ? "expected ',' or '}'" : "expected ',' or ']'");
		}
close:
		{
			struct wh_jnode *top = &p->j->nodes[stack[--depth]];
			p->pos++;
			top->end = p->pos;
			top->next = p->j->n;
		}
		goto after_value;
key:
		skip_space(p);
		if (p->pos >= p->len || p->s[p->pos] != '"')
			return fail(p, p->pos, "expected a member name");
		if (parse_string(p) < 0)
			return -1;
		skip_space(p);
		if (p->pos >= p->len || p->s[p->pos] != ':')
			return fail(p, p->pos, "expected ':'");
		p->pos++;
	}
}

int
wh_json_parse_prefix(struct wh_json *j, const char *text, size_t len,
    size_t *used, struct wh_jerror *e)
{
	struct parser p = { .j = j, .s = text, .len = len, .e = e };

	j->text = text;
	j->len = len;
	j->n = 0;
	if (parse_value(&p) < 0)
		return -1;
	*used = p.pos;
	return 0;
}

int
wh_json_parse_line(struct wh_json *j, const char *text, size_t len,
    size_t *line_len, struct wh_jerror *e)
{
	struct parser p = { .j = j, .s = text, .len = len, .e = e, .one_line = true };

	j->text = text;
	j->n = 0;
	if (parse_value(&p) < 0)
		return -1;
	skip_space(&p);
	if (p.pos < len && text[p.pos] != '\n')
		return fail(&p, p.pos, "text after the JSON value");
	j->len = *line_len = p.pos;
	return 0;
}

int
wh_json_parse(struct wh_json *j, const char *text, size_t len,
    struct wh_jerror *e)
{
	struct parser p = { .j = j, .s = text, .len = len, .e = e };

	j->text = text;
	j->len = len;
	j->n = 0;
	if (parse_value(&p) < 0)
		return -1;
	skip_space(&p);
	if (p.pos < len)
		return fail(&p, p.pos, "text after the JSON value");
	return 0;
}

void
wh_json_free(struct wh_json *j)
{
	free(j->nodes);
	memset(j, 0, sizeof *j);
}

int
wh_json_string_eq(const struct wh_json *j, long s, const char *key)
{
	const struct wh_jnode *n = &j->nodes[s];
	size_t klen = strlen(key);

	if (!n->escaped)
		return n->end - n->start - 2 == klen &&
		    memcmp(j->text + n->start + 1, key, klen) == 0;
	struct wh_buf b = {0};
	wh_json_string(j, s, &b);
	int eq = b.len == klen && memcmp(b.data, key, klen) == 0;
	wh_buf_free(&b);
	return eq;
}

long
wh_json_member(const struct wh_json *j, long obj, const char *key)
{
	if (obj < 0 || j->nodes[obj].type != WH_JOBJECT)
		return -1;
	long i = obj + 1;
	for (uint32_t m = 0; m < j->nodes[obj].count; m++) {
		long val = i + 1;
		if (wh_json_string_eq(j, i, key))
			return val;
		i = j->nodes[val].next;
	}
	return -1;
}

long
wh_json_element(const struct wh_json *j, long arr, uint32_t idx)
{
	if (arr < 0 || j->nodes[arr].type != WH_JARRAY || idx >= j->nodes[arr].count)
		return -1;
	long i = arr + 1;
	while (idx--)
		i = j->nodes[i].next;
	return i;
}

long
wh_json_pointer(const struct wh_json *j, const char *ptr)
{
	long cur = 0;
	struct wh_buf tok = {0};

	if (j->n == 0)
		return -1;
	while (*ptr != '\0' && cur >= 0) {
		if (*ptr != '/') {
			cur = -1;
			break;
		}
		ptr++;
		wh_buf_clear(&tok);
		for (; *ptr != '\0' && *ptr != '/'; ptr++) {
			if (ptr[0] == '~' && ptr[1] == '0')
				wh_buf_addc(&tok, '~'), ptr++;
			else if (ptr[0] == '~' && ptr[1] == '1')
				wh_buf_addc(&tok, '/'), ptr++;
			else
				wh_buf_addc(&tok, *ptr);
		}
		wh_buf_reserve(&tok, 0);
		if (j->nodes[cur].type == WH_JOBJECT)
			cur = wh_json_member(j, cur, tok.data);
		else if (j->nodes[cur].type == WH_JARRAY) {
			char *end;
			unsigned long idx = strtoul(tok.data, &end, 10);
			if (tok.len == 0 || *end != '\0' || (tok.len > 1 && tok.data[0] == '0'))
				cur = -1;
			else
				cur = wh_json_element(j, cur, (uint32_t)idx);
		} else
			cur = -1;
	}
	wh_buf_free(&tok);
	return cur;
}

/* Copy p[0..) up to its next backslash or end to o, and return how many
 * bytes that was. 16 bytes at a time where SSE2 is: escapes come every
 * line in a thinking text, and a call of memchr each costs more than the
 * bytes between them. o may get up to 16 bytes past what it returns,
 * never past o + (end - p). */
static size_t
copy_run(const char *p, const char *end, char *o)
{
	const char *from = p;

#ifdef __SSE2__
	const __m128i backslash = _mm_set1_epi8('\\');

	for (; end - p >= 16; p += 16, o += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)p);
		_mm_storeu_si128((__m128i *)o, x);
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, backslash));
		if (bits)
			return (size_t)(p - from) + (size_t)__builtin_ctz(bits);
	}
#endif
	const char *bs = memchr(p, '\\', (size_t)(end - p));
	size_t run = (size_t)((bs ? bs : end) - p);
	memcpy(o, p, run);
	return (size_t)(p - from) + run;
}

void
wh_json_string(const struct wh_json *j, long s, struct wh_buf *out)
{
	const struct wh_jnode *n = &j->nodes[s];
	const char *p = j->text + n->start + 1, *end = j->text + n->end - 1;

	if (!n->escaped) {
		wh_buf_add(out, p, (size_t)(end - p));
		return;
	}
	/* Decoded text is never longer than its escaped form: write straight
	   into the reserved room. */
	wh_buf_reserve(out, (size_t)(end - p));
	char *o = out->data + out->len;
	while (p < end) {
		size_t run = copy_run(p, end, o);
		o += run;
		p += run;
		if (p == end)
			break;
		uint32_t cp;
		switch (p[1]) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			hex4(p + 2, &cp);
			p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 8 &&
			    p[2] == '\\' && p[3] == 'u') {
				uint32_t lo;
				if (hex4(p + 4, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				}
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD;
			o += wh_utf8_encode(cp, o);
			break;
		default: *o++ = p[1]; break;
		}
		p += 2;
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
}

/* Copy text[0..len) to o up to the next byte JSON must escape ('"', '\\',
 * a control byte), and return how many bytes that was. 16 bytes at a time
 * where SSE2 is, stored before they are looked at: o may get up to 15
 * bytes past what it returns, never past o + len. */
static size_t
copy_plain(const char *text, size_t len, char *o)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
	    control = _mm_set1_epi8(0x1f);

	for (; i + 16 <= len; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(text + i));
		_mm_storeu_si128((__m128i *)(o + i), x);
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote),
		    _mm_cmpeq_epi8(x, backslash)), _mm_cmpeq_epi8(_mm_min_epu8(x, control), x));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits)
			return i + (size_t)__builtin_ctz(bits);
	}
#endif
	for (; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '"' || c == '\\' || c < 0x20)
			return i;
		o[i] = (char)c;
	}
	return len;
}

/* Written straight into the buffer's room, kept at what is left of text
 * with an escape of 6 bytes, the closing quote and the NUL: escapes come
 * every line of a thinking text, and a wh_buf_add for each run and each
 * escape cost more than the bytes between them. */
void
wh_json_quote(struct wh_buf *out, const char *text, size_t len)
{
	static const char hexdig[] = "0123456789abcdef";
	size_t i = 0;

	wh_buf_reserve(out, len + 2);
	char *o = out->data + out->len;
	*o++ = '"';
	for (;;) {
		size_t run = copy_plain(text + i, len - i, o);
		o += run;
		i += run;
		if (i == len)
			break;
		if ((size_t)(out->data + out->cap - o) < len - i + 8) {
			out->len = (size_t)(o - out->data);
			wh_buf_reserve(out, len - i + 8);
			o = out->data + out->len;
		}
		unsigned char c = (unsigned char)text[i++];
		*o++ = '\\';
		switch (c) {
		case '"': case '\\': *o++ = (char)c; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hexdig[c >> 4];
			o[4] = hexdig[c & 15];
			o += 5;
		}
	}
	*o++ = '"';
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
}

const char *
wh_json_type_name(enum wh_jtype t)
{
	static const char *names[] = {
		"null", "false", "true", "number", "string", "array", "object"
	};
	return names[t];
}
