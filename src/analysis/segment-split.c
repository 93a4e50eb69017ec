/* The sentence splitter under the segmenter: paragraphs at blank lines,
 * lines, and sentence ends (". ", "? ", "。"), never inside $..$, \(..\),
 * \[..\], $$..$$, \begin..\end, ``` code ```, `code`, [asy]..[/asy], a
 * number or a UTF-8 character. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "segment-impl.h"

/* How far an opener looks for its closer; an opener with none is text. */
#define WINDOW 65536

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n')

static size_t
limit(size_t len, size_t i)
{
	return len - i > WINDOW ? i + WINDOW : len;
}

static bool
at(const char *t, size_t len, size_t i, const char *s)
{
	size_t n = strlen(s);

	return len - i >= n && memcmp(t + i, s, n) == 0;
}

/* Offset just past closer, searched from i, or 0 (none in the window). A
 * blank line stops the search when para is set. */
static size_t
find_closer(const char *t, size_t len, size_t i, const char *closer, bool para)
{
	size_t n = strlen(closer), end = limit(len, i);

	for (size_t j = i; j + n <= end; j++) {
		if (para && t[j] == '\n' && j + 1 < len && t[j + 1] == '\n')
			return 0;
		if (t[j] == '\\' && closer[0] != '\\') {
			j++;
			continue;
		}
		if (t[j] == closer[0] && memcmp(t + j, closer, n) == 0)
			return j + n;
	}
	return 0;
}

/* Inline $...$ (pandoc's rule): the opener has no space after it, the
 * closer none before it and no digit after it ("$5 and $10" is money). */
static size_t
dollar_end(const char *t, size_t len, size_t i)
{
	size_t end = limit(len, i);

	if (i + 1 >= len || IS_SPACE(t[i + 1]))
		return 0;
	for (size_t j = i + 1; j < end; j++) {
		if (t[j] == '\n' && j + 1 < len && t[j + 1] == '\n')
			return 0;
		if (t[j] == '\\') {
			j++;
			continue;
		}
		if (t[j] == '$' && !IS_SPACE(t[j - 1]) && (j + 1 == len || !IS_DIGIT(t[j + 1])))
			return j + 1;
	}
	return 0;
}

/* \begin{name} ... \end{name}. */
static size_t
environment_end(const char *t, size_t len, size_t i)
{
	char closer[64];
	size_t s = i + 7, e = s;

	while (e < len && e - s < 40 && t[e] != '}' && t[e] != '\n')
		e++;
	if (e >= len || t[e] != '}')
		return 0;
	snprintf(closer, sizeof closer, "\\end{%.*s}", (int)(e - s), t + s);
	return find_closer(t, len, e + 1, closer, false);
}

/* If a protected span opens at t[i], the offset just past it, else 0. */
static size_t
protected_end(const char *t, size_t len, size_t i)
{
	switch (t[i]) {
	case '`':
		if (at(t, len, i, "```"))
			return find_closer(t, len, i + 3, "```", false);
		return find_closer(t, len, i + 1, "`", true);
	case '$':
		if (at(t, len, i, "$$"))
			return find_closer(t, len, i + 2, "$$", false);
		return dollar_end(t, len, i);
	case '\\':
		if (at(t, len, i, "\\("))
			return find_closer(t, len, i + 2, "\\)", true);
		if (at(t, len, i, "\\["))
			return find_closer(t, len, i + 2, "\\]", false);
		if (at(t, len, i, "\\begin{"))
			return environment_end(t, len, i);
		return 0;
	case '[':
		return at(t, len, i, "[asy]") ? find_closer(t, len, i + 5, "[/asy]", false) : 0;
	}
	return 0;
}

/* Whether t[s..e) is a list mark before a dot: "1", "12", "a". */
static bool
list_mark(const char *t, size_t s, size_t e)
{
	size_t i = s;

	while (i < e && IS_SPACE(t[i]))
		i++;
	if (e - i == 1 && ((t[i] | 32) >= 'a' && (t[i] | 32) <= 'z'))
		return true;
	for (size_t k = i; k < e; k++)
		if (!IS_DIGIT(t[k]))
			return false;
	return i < e;
}

/* Length of a sentence end at t[i] (".", "?", "!" then space; "。" ...). */
static size_t
sentence_end(const char *t, size_t len, size_t i, size_t seg_start)
{
	static const char *const cjk[] = { "\xe3\x80\x82", "\xef\xbc\x81", "\xef\xbc\x9f" };
	char c = t[i];

	if (c == '.' || c == '?' || c == '!') {
		size_t j = i + 1;
		if (c == '!' && i > 0 && (IS_DIGIT(t[i - 1]) || t[i - 1] == ')'))
			return 0;	/* 9! is a factorial */
		if (j >= len || !IS_SPACE(t[j]) || t[j] == '\n')
			return 0;
		while (j < len && t[j] == ' ')
			j++;
		if (j < len && ((t[j] >= 'a' && t[j] <= 'z') || strchr("+-*/=^)]},;", t[j])))
			return 0;	/* "e.g. the", "a + ... + b" */
		return list_mark(t, seg_start, i) ? 0 : 1;
	}
	if ((unsigned char)c == 0xe3 || (unsigned char)c == 0xef)
		for (size_t k = 0; k < 3; k++)
			if (at(t, len, i, cjk[k]))
				return 3;
	return 0;
}

static void
push(struct wh_segmentation *g, size_t *cap, const char *t, size_t s, size_t e,
    bool para)
{
	while (s < e && IS_SPACE(t[s]))
		s++;
	while (e > s && IS_SPACE(t[e - 1]))
		e--;
	if (s == e)
		return;
	if (g->n_segs == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		g->segs = wh_xrealloc(g->segs, *cap * sizeof *g->segs);
	}
	memset(&g->segs[g->n_segs], 0, sizeof g->segs[0]);
	g->segs[g->n_segs].start = s;
	g->segs[g->n_segs].end = e;
	g->segs[g->n_segs].flags = para ? WH_SEG_PARAGRAPH : 0;
	g->n_segs++;
}

/* The offset of the first byte of t[i..len) where a segment may end or a
 * protected span begin, or len. */
static size_t
next_interesting(const struct wh_text_bits *tb, size_t len, size_t i)
{
	for (size_t k = i / 64; k < tb->n; k++) {
		uint64_t b = tb->b[k].split;
		if (k == i / 64)
			b &= ~(uint64_t)0 << (i % 64);
		if (b)
			return 64 * k + (size_t)__builtin_ctzll(b);
	}
	return len;
}

void
wh_segment_split_bits(const char *t, size_t len, const struct wh_text_bits *tb,
    struct wh_segmentation *g)
{
	size_t cap = 0, start = 0, i = 0, p;
	bool para = true;

	memset(g, 0, sizeof *g);
	while ((i = next_interesting(tb, len, i)) < len) {
		if ((p = protected_end(t, len, i)) != 0) {
			i = p;
			continue;
		}
		if (t[i] == '\\' && i + 1 < len && t[i + 1] != '\n') {
			i += 2;	/* \$ and \\ are text */
			continue;
		}
		if (t[i] == '\n') {
			size_t j = i + 1;
			bool blank = false;
			for (; j < len && IS_SPACE(t[j]); j++)
				blank |= t[j] == '\n';
			push(g, &cap, t, start, i, para);
			para = blank || (para && g->n_segs == 0);
			start = i = j;
			continue;
		}
		size_t n = sentence_end(t, len, i, start);
		if (n) {
			push(g, &cap, t, start, i + n, para);
			para = para && g->n_segs == 0;
			start = i += n;
			continue;
		}
		i++;
	}
	push(g, &cap, t, start, len, para);
}

void
wh_segment_split(const char *t, size_t len, struct wh_segmentation *g)
{
	struct wh_text_bits tb;

	wh_text_bits_make(NULL, t, len, &tb);
	wh_segment_split_bits(t, len, &tb, g);
	wh_text_bits_free(&tb);
}
