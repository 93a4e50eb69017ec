/* Unit tests of summary statistics. */
#include "unit.h"
#include "whittle/stats.h"

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Values over all four bytes, and repeats: the percentiles of a sorted
 * copy made here. */
static void
wide_values(void)
{
	enum { N = 10007 };
	static uint32_t v[N], ref[N];
	uint64_t x = 1;
	struct wh_summary s;

	for (int i = 0; i < N; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		v[i] = i % 5 == 0 ? 4000000000u : (uint32_t)(x >> 32) >> (i % 4 * 8);
	}
	memcpy(ref, v, sizeof v);
	qsort(ref, N, sizeof *ref, cmp_u32);
	wh_summarize(v, N, &s);
	CHECK(s.min == ref[0] && s.max == ref[N - 1]);
	CHECK(s.p50 == ref[(50 * N + 99) / 100 - 1]);
	CHECK(s.p90 == ref[(90 * N + 99) / 100 - 1]);
	CHECK(s.p99 == ref[(99 * N + 99) / 100 - 1]);
	CHECK(memcmp(v, ref, sizeof v) != 0);	/* input untouched, not sorted */
}

int
main(void)
{
	uint32_t v[100], one = 7;
	struct wh_summary s;

	for (int i = 0; i < 100; i++)
		v[i] = (uint32_t)(100 - i);	/* 100 .. 1, unsorted */
	wh_summarize(v, 100, &s);
	CHECK(s.n == 100);
	CHECK(s.min == 1 && s.max == 100);
	CHECK(s.p50 == 50 && s.p90 == 90 && s.p99 == 99);
	CHECK(s.mean > 50.49 && s.mean < 50.51);
	CHECK(v[0] == 100);	/* input untouched */
	wh_summarize(&one, 1, &s);
	CHECK(s.p50 == 7 && s.p99 == 7 && s.min == 7);
	wh_summarize(NULL, 0, &s);
	CHECK(s.n == 0 && s.max == 0);
	wide_values();
	return unit_done("stats");
}
