/* Summary statistics: mean and nearest-rank percentiles. */
#include <stdlib.h>
#include <string.h>

#include "whittle/buf.h"
#include "whittle/stats.h"

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile p (0..100) of sorted v[0..n), n > 0. */
static uint32_t
rank(const uint32_t *v, size_t n, int p)
{
	size_t k = (size_t)((p * n + 99) / 100);

	return v[k == 0 ? 0 : k - 1];
}

void
wh_summarize(const uint32_t *v, size_t n, struct wh_summary *s)
{
	uint32_t *sorted;
	double sum = 0;

	memset(s, 0, sizeof *s);
	s->n = n;
	if (n == 0)
		return;
	sorted = wh_xmalloc(n * sizeof *sorted);
	memcpy(sorted, v, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_u32);
	for (size_t i = 0; i < n; i++)
		sum += sorted[i];
	s->mean = sum / (double)n;
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->p50 = rank(sorted, n, 50);
	s->p90 = rank(sorted, n, 90);
	s->p99 = rank(sorted, n, 99);
	free(sorted);
}
