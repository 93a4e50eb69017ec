/* Summary statistics of a list of lengths: mean and percentiles. */
#ifndef WHITTLE_STATS_H
#define WHITTLE_STATS_H

#include <stddef.h>
#include <stdint.h>

struct wh_summary {
	size_t n;
	double mean;
	uint32_t min, p50, p90, p99, max;
};

/* Summarise v[0..n) (v is not changed). */
void wh_summarize(const uint32_t *v, size_t n, struct wh_summary *s);

#endif
