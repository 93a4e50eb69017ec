/* Suggestions for mistyped names: the optimal string alignment distance
 * (Damerau's edits without re-editing a swapped pair), bounded. */
#include <string.h>

#include "whittle/spell.h"

#define MAX_EDITS 2
#define MAX_LEN 64

static size_t
min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* The distance of a and b (both under MAX_LEN bytes). */
static size_t
distance(const char *a, size_t an, const char *b, size_t bn)
{
	size_t d[MAX_LEN + 1][MAX_LEN + 1];

	for (size_t i = 0; i <= an; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= bn; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= an; i++)
		for (size_t j = 1; j <= bn; j++) {
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
			    d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[an][bn];
}

const char *
wh_spell_nearest(const char *word, const char *const *names, size_t n)
{
	size_t wn = strlen(word), best_d = MAX_EDITS + 1;
	const char *best = NULL;

	if (wn >= MAX_LEN)
		return NULL;
	for (size_t k = 0; k < n; k++) {
		size_t nn = strlen(names[k]), d;
		if (nn >= MAX_LEN || (nn > wn ? nn - wn : wn - nn) > MAX_EDITS)
			continue;
		if ((d = distance(word, wn, names[k], nn)) < best_d) {
			best = names[k];
			best_d = d;
		}
	}
	return best;
}
