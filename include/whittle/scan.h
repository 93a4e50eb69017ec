/* The whole-file scan: read every record of a dataset with several threads,
 * marking each good or bad and measuring the lengths of its fields. It can
 * run in a background thread; progress is reported through a callback that
 * runs in the calling thread. */
#ifndef WHITTLE_SCAN_H
#define WHITTLE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "whittle/dataset.h"

#define WH_SCAN_MAX_VALUES 8

struct wh_scan_result {
	size_t records;		/* good records */
	size_t bad;		/* bad records (not counting junk stretches) */
	size_t with_gold, with_answer, with_thinking, with_question;
	size_t truncated;	/* thinking opened and never closed */
	size_t generations;	/* over all good records */
	/* Per good record, in file order: code points of each field, and
	   the probe's values when one was given (else NULL). */
	uint32_t *chars[WH_NFIELDS];
	uint32_t *values[WH_SCAN_MAX_VALUES];
	size_t bytes;		/* bytes read */
};

typedef void (*wh_progress_fn)(void *arg, size_t done, size_t total);

/* More measures of each trace than the scan takes itself (tokens,
 * segments): the data layer knows no tokenizer or segmenter, so the caller
 * passes them in. measure fills values[0..n) and is called from several
 * threads at once. */
struct wh_scan_probe {
	void (*measure)(const void *ctx, const struct wh_trace *t, uint32_t *values);
	const void *ctx;
	int n;			/* at most WH_SCAN_MAX_VALUES */
};

/* Scan ds with threads threads (0: one per core). progress, if not NULL,
 * is called about ten times a second and once at the end. probe, if not
 * NULL, fills r->values. A partial index (wh_open_opts.index_prefix) is
 * completed on the way, each stretch of the file indexed and read while
 * it is in the cache. */
void wh_scan_run(struct wh_dataset *ds, struct wh_scan_result *r, int threads,
    const struct wh_scan_probe *probe, wh_progress_fn progress, void *arg);
void wh_scan_free(struct wh_scan_result *r);

#endif
