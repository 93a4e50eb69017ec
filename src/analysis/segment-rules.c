/* Compiled rule sets: the cues of a struct wh_segment_rules as two tries
 * (cues matched anywhere, cues matched at a segment's start), and the
 * matcher that finds which cue kinds a segment holds in one pass (and,
 * on the way, where an explicit answer may be). */
#include <stdlib.h>
#include <string.h>

#include "whittle/answer.h"
#include "segment-impl.h"

static const char *const cue_names[WH_NCUES] = {
	"restate", "understand", "new-solution", "verify", "self-affirm",
	"self-negate", "conclude", "claim", "filler"
};

const char *
wh_segment_cue_name(enum wh_cue_kind k)
{
	return (unsigned)k < WH_NCUES ? cue_names[k] : "?";
}

int
wh_segment_cue_kind(const char *name)
{
	for (int k = 0; k < WH_NCUES; k++)
		if (strcmp(name, cue_names[k]) == 0)
			return k;
	return -1;
}

static unsigned char
fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static const bool alnum[256] = {
	['0'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['A'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['a'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* A 16-bit hash of the four bytes at p with the ASCII case bit set: cue
 * phrases and text that fold to the same bytes hash the same. */
static unsigned
prefix4(const char *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return ((w | 0x20202020u) * 2654435761u) >> 16;
}

/* A 12-bit hash of the eight bytes at p, folded as prefix4 does: the
 * second filter, for cues of eight bytes or more. */
static unsigned
prefix8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return (unsigned)(((w | 0x2020202020202020ull) * 0x9e3779b97f4a7c15ull) >> 52);
}

/* The same of the first four bytes, for cues of four to seven bytes. */
static unsigned
mid4(const char *p)
{
	return prefix4(p) >> 4;
}

static uint32_t
new_node(struct wh_cue_trie *tr, unsigned char byte)
{
	if (tr->n_nodes == tr->cap) {
		tr->cap = tr->cap ? tr->cap * 2 : 64;
		tr->nodes = wh_xrealloc(tr->nodes, tr->cap * sizeof *tr->nodes);
	}
	memset(&tr->nodes[tr->n_nodes], 0, sizeof tr->nodes[0]);
	tr->nodes[tr->n_nodes].byte = byte;
	return tr->n_nodes++;
}

/* Add the path of phrase (folded on the way) to tr, and c's kind at its
 * end. */
static void
insert(struct wh_cue_trie *tr, const struct wh_cue *c)
{
	const unsigned char *p = (const unsigned char *)c->phrase;
	uint32_t n = tr->root[fold(p[0])];

	if (n == 0) {
		n = new_node(tr, fold(p[0]));
		tr->root[p[0]] = tr->root[fold(p[0])] = n;
		if (p[0] >= 'a' && p[0] <= 'z')
			tr->root[p[0] - 32] = n;
	}
	for (p++; *p; p++) {
		uint32_t k = tr->nodes[n].child;
		while (k && tr->nodes[k].byte != fold(*p))
			k = tr->nodes[k].sibling;
		if (k == 0) {
			k = new_node(tr, fold(*p));
			tr->nodes[k].sibling = tr->nodes[n].child;
			tr->nodes[n].child = k;
		}
		n = k;
	}
	tr->nodes[n].kinds |= (uint16_t)(1u << c->kind);
	tr->nodes[n].filler |= c->kind == WH_CUE_FILLER;
}

int
wh_segmenter_new(struct wh_segmenter **out, const struct wh_segment_rules *rules,
    struct wh_error *err)
{
	struct wh_segmenter *s;

	for (size_t i = 0; i < rules->n_cues; i++) {
		if (!rules->cues[i].phrase || !rules->cues[i].phrase[0])
			return wh_error_set(err, "", 0, "cue %zu: empty phrase", i + 1);
		if ((unsigned)rules->cues[i].kind >= WH_NCUES)
			return wh_error_set(err, "", 0, "cue %zu (%s): unknown kind %d", i + 1,
			    rules->cues[i].phrase, (int)rules->cues[i].kind);
	}
	s = wh_xcalloc(1, sizeof *s);
	s->rules = *rules;
	s->rules.cues = NULL;
	s->rules.n_cues = 0;
	new_node(&s->any, 0);	/* node 0 means "none" */
	new_node(&s->start, 0);
	for (size_t i = 0; i < rules->n_cues; i++) {
		const struct wh_cue *c = &rules->cues[i];
		insert(c->anywhere ? &s->any : &s->start, c);
		size_t n = strlen(c->phrase);
		if (c->anywhere && n < 4)
			s->short_any = true;
		else if (c->anywhere) {
			unsigned h = prefix4(c->phrase);
			s->any4[h >> 6] |= 1ull << (h & 63);
			if (n >= 8)
				h = prefix8(c->phrase), s->any8[h >> 6] |= 1ull << (h & 63);
			else
				h = mid4(c->phrase), s->mid4[h >> 6] |= 1ull << (h & 63);
		}
	}
	for (int b = 0; b < 256; b++) {
		s->byte_class[b] = (uint8_t)((s->any.root[b] && !(b >= 0x80 && b < 0xc0) ? CUE_ANY : 0) |
		    (strchr("\\<#wW\xe7", b) && b ? CUE_ANCHOR : 0));
		s->odd_any |= (s->byte_class[b] & CUE_ANY) && b < 0x80 && !alnum[b];
	}
	*out = s;
	return 0;
}

void
wh_segmenter_free(struct wh_segmenter *s)
{
	if (!s)
		return;
	free(s->any.nodes);
	free(s->start.nodes);
	free(s);
}

/* Whether node n of a trie, reached after t[..k), ends a cue at a word
 * boundary (a phrase that ends in a letter or digit must end a word). */
static bool
ends_cue(const struct wh_cue_node *n, const char *t, size_t k, size_t e)
{
	return n->kinds && (!alnum[n->byte] || k == e || !alnum[(unsigned char)t[k]]);
}

/* The child of node n for byte b, or 0. */
static uint32_t
child(const struct wh_cue_trie *tr, uint32_t n, unsigned char b)
{
	uint32_t k = tr->nodes[n].child;

	b = fold(b);
	while (k && tr->nodes[k].byte != b)
		k = tr->nodes[k].sibling;
	return k;
}

/* Bit mask of the kinds of the cues of tr that match t[i..e) at i. */
static unsigned
match_at(const struct wh_cue_trie *tr, const char *t, size_t i, size_t e)
{
	uint32_t n = tr->root[(unsigned char)t[i]];
	unsigned mask = 0;

	for (size_t k = i + 1; n; k++) {
		if (ends_cue(&tr->nodes[n], t, k, e))
			mask |= tr->nodes[n].kinds;
		if (k == e)
			break;
		n = child(tr, n, (unsigned char)t[k]);
	}
	return mask;
}

/* Skip what may lead a sentence before its first word: "**", "- ", "> ". */
static size_t
lead(const char *t, size_t i, size_t e)
{
	static const bool leads[256] = { [' '] = 1, ['\t'] = 1, ['*'] = 1, ['#'] = 1,
		['-'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1, ['('] = 1 };

	while (i < e && leads[(unsigned char)t[i]])
		i++;
	return i;
}

/* match_at for the start cues at t[i] (i < e), which also finds, on the
 * same walk, the offset past the shortest filler word there and the ", "
 * after it (*next; i when there is none). */
static unsigned
match_start(const struct wh_segmenter *s, const char *t, size_t i, size_t e,
    size_t *next)
{
	const struct wh_cue_trie *tr = &s->start;
	uint32_t n = tr->root[(unsigned char)t[i]];
	unsigned mask = 0;

	*next = i;
	for (size_t k = i + 1; n; k++) {
		if (ends_cue(&tr->nodes[n], t, k, e)) {
			mask |= tr->nodes[n].kinds;
			if (tr->nodes[n].filler && *next == i) {
				size_t j = k;
				while (j < e && (t[j] == ',' || t[j] == ' '))
					j++;
				*next = j;
			}
		}
		if (k == e)
			break;
		n = child(tr, n, (unsigned char)t[k]);
	}
	return mask;
}

/* Whether a cue may start at t[i]: not inside a word or a UTF-8 character. */
static bool
word_start(const char *t, size_t start, size_t i)
{
	unsigned char c = (unsigned char)t[i];

	return !(i > start && alnum[c] && alnum[(unsigned char)t[i - 1]]) &&
	    !(c >= 0x80 && c < 0xc0);
}

/* Whether t[i..e) starts with w, ASCII case aside (w is lower case). */
static bool
at_word(const char *t, size_t i, size_t e, const char *w)
{
	for (; *w; w++, i++)
		if (i >= e || (t[i] >= 'A' && t[i] <= 'Z' ? t[i] + 32 : t[i]) != *w)
			return false;
	return true;
}

/* The explicit answer rules that may find something at the anchor t[i] of
 * t[s..e): \boxed needs "\box" or "\fbo", a tag '<', GSM8K's "####" '#';
 * "final answer" and "the answer is" are looked for whole around each
 * "answer" (at its 'w', a rarer letter) and 答 (the rules look for the
 * last of them from the end, byte by byte: they run only where they will
 * find one). */
static unsigned
answer_anchor(const char *t, size_t s, size_t e, size_t i)
{
	unsigned char c = (unsigned char)t[i];
	unsigned rules = 0;

	if (c == '\\' && e - i > 4 && (memcmp(t + i + 1, "box", 3) == 0 ||
	    memcmp(t + i + 1, "fbo", 3) == 0))
		rules |= WH_ANSWER_RULE(WH_ANSWER_BOXED);
	else if (c == '<')
		rules |= WH_ANSWER_RULE(WH_ANSWER_TAG);
	else if (c == '#')
		rules |= WH_ANSWER_RULE(WH_ANSWER_HASH);
	else if (c != 0xe7 && i - s >= 3 && (t[i - 1] | 32) == 's' && e - i > 1 &&
	    (t[i + 1] | 32) == 'e' && at_word(t, i - 3, e, "answer")) {
		if (i - s >= 9 && at_word(t, i - 9, e, "final answer"))
			rules |= WH_ANSWER_RULE(WH_ANSWER_FINAL);
		if (at_word(t, i - 3, e, "answer is") || at_word(t, i - 3, e, "answer:"))
			rules |= WH_ANSWER_RULE(WH_ANSWER_IS);
	} else if (c == 0xe7 && at_word(t, i, e, "\xe7\xad\x94")) {	/* 答 */
		if (i - s >= 6 && at_word(t, i - 6, e, "\xe6\x9c\x80\xe7\xbb\x88\xe7\xad\x94\xe6\xa1\x88"))
			rules |= WH_ANSWER_RULE(WH_ANSWER_FINAL);	/* 最终答案 */
		if (at_word(t, i, e, "\xe7\xad\x94\xe6\xa1\x88\xe6\x98\xaf") ||	/* 答案是 */
		    at_word(t, i, e, "\xe7\xad\x94\xe6\xa1\x88\xe4\xb8\xba") ||	/* 答案为 */
		    at_word(t, i, e, "\xe7\xad\x94\xe6\xa1\x88\xef\xbc\x9a"))	/* 答案： */
			rules |= WH_ANSWER_RULE(WH_ANSWER_IS);
	}
	return rules;
}

/* Whether an anywhere cue may start at t[j] (j < end) by its first four
 * bytes: some cue has them, or the text or a cue is shorter. Without a
 * branch: most words are no cue, at random. */
static inline unsigned
may_match4(const struct wh_segmenter *s, const char *t, size_t j, size_t end)
{
	if (s->short_any || end - j < 4)
		return 1;
	unsigned h = prefix4(t + j);
	return (unsigned)(s->any4[h >> 6] >> (h & 63)) & 1;
}

/* And then by its first eight: false when the text goes on that far, no
 * cue of eight bytes or more has them and none shorter has the four. */
static bool
may_match8(const struct wh_segmenter *s, const char *t, size_t j, size_t end)
{
	unsigned h;

	if (s->short_any || end - j < 8)
		return true;
	h = mid4(t + j);
	if (s->mid4[h >> 6] & (1ull << (h & 63)))
		return true;
	h = prefix8(t + j);
	return (s->any8[h >> 6] & (1ull << (h & 63))) != 0;
}

unsigned
wh_segment_cues(const struct wh_segmenter *s, const char *t, const struct wh_text_bits *tb,
    size_t start, size_t end, unsigned *answer)
{
	size_t at0 = lead(t, start, end), at1, at2;
	unsigned mask = 0, m;

	*answer = 0;
	if (at0 == end) {	/* no word: "---", "**" (but "####" anchors) */
		for (size_t i = start; i < end; i++)
			if (s->byte_class[(unsigned char)t[i]] & CUE_ANCHOR)
				*answer |= answer_anchor(t, start, end, i);
		return 0;
	}
	m = match_start(s, t, at0, end, &at1);	/* "but perhaps another ..." */
	mask |= word_start(t, start, at0) ? m : 0;
	if (at1 != at0 && at1 < end) {	/* start cues match after a filler */
		m = match_start(s, t, at1, end, &at2);
		mask |= word_start(t, start, at1) ? m : 0;
		if (at2 != at1 && at2 < end && word_start(t, start, at2))
			mask |= match_at(&s->start, t, at2, end);
	}
	uint64_t equals = 0;
	for (size_t k = start / 64; 64 * k < end; k++) {
		const struct wh_bits_block *b = &tb->b[k];
		size_t base = 64 * k, at_word[64], n = 0;
		uint64_t in = ~(uint64_t)0, first = 0;
		if (k == start / 64) {	/* the segment's first byte here */
			in <<= start - base;
			first = (uint64_t)1 << (start - base);
		}
		if (end - base < 64)
			in &= ((uint64_t)1 << (end - base)) - 1;
		uint64_t words = ((b->cand & ~first) | (b->first & first)) & in;
		uint64_t anchors = ((b->anchor & ~first) | (b->anchor_first & first)) & in;
		equals |= b->equals & in;
		for (; anchors; anchors &= anchors - 1)
			*answer |= answer_anchor(t, start, end, base + (size_t)__builtin_ctzll(anchors));
		for (; words; words &= words - 1) {	/* those a cue may start */
			size_t j = base + (size_t)__builtin_ctzll(words);
			at_word[n] = j;
			n += may_match4(s, t, j, end);
		}
		for (size_t w = 0; w < n; w++)	/* then looked at */
			if (may_match8(s, t, at_word[w], end))
				mask |= match_at(&s->any, t, at_word[w], end);
	}
	return (mask & ~(1u << WH_CUE_FILLER)) | (equals ? WH_SEG_EQUATION : 0);
}
