/* Unit tests of summary statistics. */
#include "unit.h"
#include "whittle/stats.h"

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
	return unit_done("stats");
}
