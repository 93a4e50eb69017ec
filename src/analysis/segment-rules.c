/* Compiled rule sets: the cues of a struct wh_segment_rules copied and
 * bucketed by their first byte, and the matcher that finds which cue kinds
 * a segment holds. */
#include <stdlib.h>
#include <string.h>

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

/* A 16-bit hash of the first three (folded) bytes of p. */
static unsigned
prefix3(const char *p)
{
	unsigned h = (unsigned char)p[0] * 31u * 31u + (unsigned char)p[1] * 31u +
	    (unsigned char)p[2];

	return (h ^ (h >> 16)) & 0xffff;
}

static int
cmp_first(const void *a, const void *b)
{
	const struct wh_cue *x = a, *y = b;
	int d = (int)y->anywhere - (int)x->anywhere;

	if (d == 0)
		d = fold((unsigned char)x->phrase[0]) - fold((unsigned char)y->phrase[0]);

	return d ? d : strcmp(x->phrase, y->phrase);
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
	s->cues = wh_xcalloc(rules->n_cues ? rules->n_cues : 1, sizeof *s->cues);
	for (size_t i = 0; i < rules->n_cues; i++) {
		s->cues[i] = rules->cues[i];
		char *p = wh_xstrdup(rules->cues[i].phrase);
		for (char *q = p; *q; q++)
			*q = (char)fold((unsigned char)*q);
		s->cues[i].phrase = p;
	}
	qsort(s->cues, rules->n_cues, sizeof *s->cues, cmp_first);
	s->rules.cues = s->cues;
	size_t n_any = 0;
	for (; n_any < rules->n_cues && s->cues[n_any].anywhere; n_any++) {
		const char *p = s->cues[n_any].phrase;
		if (strlen(p) < 3)
			s->short_any = true;
		else
			s->any3[prefix3(p) >> 6] |= 1ull << (prefix3(p) & 63);
	}
	for (int g = 0; g < 2; g++) {
		size_t i = g ? n_any : 0, hi = g ? rules->n_cues : n_any;
		for (size_t b = 0; b <= 256; b++) {
			while (i < hi && (unsigned char)s->cues[i].phrase[0] < b)
				i++;
			s->bucket[g][b] = i;
		}
	}
	*out = s;
	return 0;
}

void
wh_segmenter_free(struct wh_segmenter *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->rules.n_cues; i++)
		free((char *)s->cues[i].phrase);
	free(s->cues);
	free(s);
}

static bool
is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Whether cue phrase p matches t[i..e) at i, ending at a word boundary. */
static bool
matches(const char *t, size_t i, size_t e, const char *p)
{
	size_t k = 0;

	for (; p[k]; k++)
		if (i + k >= e || fold((unsigned char)t[i + k]) != (unsigned char)p[k])
			return false;
	return !is_alnum((unsigned char)p[k - 1]) || i + k == e ||
	    !is_alnum((unsigned char)t[i + k]);
}

static unsigned
match_at(const struct wh_segmenter *s, const char *t, size_t i, size_t e,
    bool first)
{
	unsigned char b = fold((unsigned char)t[i]);
	unsigned mask = 0;

	if (!first) {
		char p[3];
		if (s->bucket[0][b] == s->bucket[0][b + 1])
			return 0;
		if (!s->short_any) {
			if (e - i < 3)
				return 0;
			for (int k = 0; k < 3; k++)
				p[k] = (char)fold((unsigned char)t[i + k]);
			unsigned h = prefix3(p);
			if (!(s->any3[h >> 6] & (1ull << (h & 63))))
				return 0;
		}
	}
	for (int g = 0; g < (first ? 2 : 1); g++)
		for (size_t k = s->bucket[g][b]; k < s->bucket[g][b + 1]; k++)
			if (!(mask & (1u << s->cues[k].kind)) && matches(t, i, e, s->cues[k].phrase))
				mask |= 1u << s->cues[k].kind;
	return mask;
}

/* Skip what may lead a sentence before its first word: "**", "- ", "> ". */
static size_t
lead(const char *t, size_t i, size_t e)
{
	while (i < e && strchr(" \t*#->\"'(", t[i]))
		i++;
	return i;
}

/* Offset past a filler word at t[i] and the ", " after it, or i. */
static size_t
after_filler(const struct wh_segmenter *s, const char *t, size_t i, size_t e)
{
	if (i >= e)
		return i;
	unsigned char b = fold((unsigned char)t[i]);

	for (size_t k = s->bucket[1][b]; k < s->bucket[1][b + 1]; k++) {
		const struct wh_cue *c = &s->cues[k];
		if (c->kind != WH_CUE_FILLER || !matches(t, i, e, c->phrase))
			continue;
		i += strlen(c->phrase);
		while (i < e && (t[i] == ',' || t[i] == ' '))
			i++;
		return i;
	}
	return i;
}

unsigned
wh_segment_cues(const struct wh_segmenter *s, const char *t, size_t start, size_t end)
{
	size_t first = lead(t, start, end), second, third;
	unsigned mask = 0;

	if (first == end)
		return 0;
	second = after_filler(s, t, first, end);	/* "but perhaps another ..." */
	third = after_filler(s, t, second, end);
	for (size_t i = start; i < end; i++) {
		unsigned char c = (unsigned char)t[i];
		if (i > start && is_alnum(c) && is_alnum((unsigned char)t[i - 1]))
			continue;
		if (c >= 0x80 && c < 0xc0)
			continue;	/* inside a UTF-8 character */
		bool at_start = i == first || i == second || i == third;
		if (at_start || s->bucket[0][fold(c)] != s->bucket[0][fold(c) + 1])
			mask |= match_at(s, t, i, end, at_start);
	}
	return mask & ~(1u << WH_CUE_FILLER);
}
