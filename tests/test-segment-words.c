/* Unit tests of the segmenter's word sets: on random text made of the
 * pieces traces hold (words, digits, LaTeX, CJK, accents, words longer
 * than the 64-byte blocks the finder reads), the set holds exactly the
 * words a plain reading of the definition finds. */
#include "unit.h"
#include "../src/analysis/segment-impl.h"

#define MAX_WORDS 4096

static bool
letter(unsigned char c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool
alnum(unsigned char c)
{
	return letter(c) || (c >= '0' && c <= '9');
}

/* The words of t[0..n) by the definition (segment-impl.h), lower-cased,
 * each at most once; returns how many. */
static size_t
reference(const char *t, size_t n, char words[][256])
{
	size_t k = 0;

	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)t[i];
		size_t j = i + 1;
		char w[256];
		size_t len = 0;
		if ((c & 0xF0) == 0xE0 && n - i >= 3) {
			memcpy(w, t + i, 3);
			len = 3;
			j = i + 3;
		} else if (letter(c)) {
			for (j = i; j < n && alnum((unsigned char)t[j]); j++)
				if (len < 255)
					w[len++] = (char)(t[j] | (letter((unsigned char)t[j]) ? 0x20 : 0));
			if (len < 2)
				len = 0;
		} else if (c >= '0' && c <= '9') {
			while (j < n && t[j] >= '0' && t[j] <= '9')
				j++;
		}
		i = j;
		if (len == 0)
			continue;
		w[len] = '\0';
		size_t m = 0;
		while (m < k && strcmp(words[m], w) != 0)
			m++;
		if (m == k && k < MAX_WORDS)
			strcpy(words[k++], w);
	}
	return k;
}

/* The hash the set gives word w alone. */
static bool
hash_of(const char *w, uint32_t *h)
{
	struct wh_words one;
	bool ok;

	wh_words_of(w, 0, strlen(w), &one);
	ok = one.n == 1;
	*h = 0;
	for (size_t k = 0; k < one.cap; k++)
		if (one.slot[k])
			*h = one.slot[k];
	wh_words_free(&one);
	return ok;
}

static uint32_t seed = 7;

static uint32_t
next(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void
random_text(char *t, size_t cap, size_t *n)
{
	static const char *const pieces[] = { "a", "Z", "so", "Let", "x2", "2x", "9",
		"1234", " ", "  ", ".", ",", "\n\n", "\\frac{a}{b}", "=", "\xc3\xa9",
		"\xe4\xb8\xad", "\xe6\x96\xb9\xe6\xb3\x95", "Alternatively", "_", "-",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789abcdefghij",
		"q", "Wait", "\xf0\x9f\x99\x82" };
	size_t len = 0, want = next() % 700;

	while (len < want) {
		const char *p = pieces[next() % (sizeof pieces / sizeof pieces[0])];
		size_t m = strlen(p);
		if (len + m >= cap)
			break;
		memcpy(t + len, p, m);
		len += m;
	}
	t[len] = '\0';
	*n = len;
}

/* wh_words_until against the previous text's words: complete, the set
 * wh_words_of makes; stopped early, only where the whole set's overlap
 * reaches the similarity. */
static void
until_matches(void)
{
	static const double sims[] = { 0, 0.3, 0.5, 0.9, 1.1 };
	struct wh_words prev = {0};
	char t[1024];
	size_t n, early = 0, whole = 0;

	for (int round = 0; round < 2000; round++) {
		struct wh_words all, part;
		double sim = sims[round % 5];
		random_text(t, sizeof t, &n);
		wh_words_of(t, 0, n, &all);
		if (wh_words_until(t, 0, n, &part, &prev, sim)) {
			whole++;
			CHECK(part.n == all.n && wh_words_common(&part, &all) == all.n);
		} else {
			early++;
			CHECK(!(wh_words_overlap(&prev, &all) < sim));
		}
		wh_words_free(&part);
		wh_words_free(&prev);
		prev = all;
	}
	wh_words_free(&prev);
	CHECK(early > 100 && whole > 100);
}

int
main(void)
{
	static char words[MAX_WORDS][256];
	char t[1024];
	size_t n, checked = 0;

	for (int round = 0; round < 2000; round++) {
		random_text(t, sizeof t, &n);
		size_t from = round % 3 == 0 && n > 0 ? next() % n : 0;
		struct wh_words all;
		wh_words_of(t, from, n, &all);
		size_t k = reference(t + from, n - from, words);
		bool same = all.n == k;
		checked += k;
		for (size_t m = 0; m < k && same; m++) {
			uint32_t h;
			same = hash_of(words[m], &h) && wh_words_has(&all, h);
		}
		if (!same) {
			fprintf(stderr, "words differ (%zu found, %zu meant) in: %s\n",
			    all.n, k, t + from);
			CHECK(same);
		}
		wh_words_free(&all);
	}
	CHECK(checked > 20000);
	until_matches();
	/* Case folds; digits carry a word on but start none. */
	struct wh_words a, b;
	wh_words_of("Answer ANSWER answer x2 2x 12ab", 0, 31, &a);
	CHECK(a.n == 3);	/* answer, x2, ab */
	wh_words_of("answer ab x2", 0, 12, &b);
	CHECK(wh_words_common(&a, &b) == 3 && wh_words_overlap(&a, &b) == 1.0);
	wh_words_free(&a);
	wh_words_free(&b);
	return unit_done("segment-words");
}
