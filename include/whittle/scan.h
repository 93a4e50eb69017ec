/* The whole-file scan: read every record of a dataset with several threads,
 * marking each good or bad and measuring the lengths of its fields. It can
 * run in a background thread; progress is reported through a callback that
 * runs in the calling thread. */
#ifndef WHITTLE_SCAN_H
#define WHITTLE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "whittle/dataset.h"

struct wh_scan_result {
	size_t records;		/* good records */
	size_t bad;		/* bad records (not counting junk stretches) */
	size_t with_gold, with_answer, with_thinking;
	size_t truncated;	/* thinking opened and never closed */
	size_t generations;	/* over all good records */
	/* Per good record, in file order: code points of each field, and
	   tokens when a counter was given (else NULL). */
	uint32_t *chars[WH_NFIELDS];
	uint32_t *tokens[WH_NFIELDS];
	size_t bytes;		/* bytes read */
};

typedef void (*wh_progress_fn)(void *arg, size_t done, size_t total);

/* Counts the tokens of a text; called from several threads at once. The
 * data layer knows no tokenizer: the caller passes one in. */
struct wh_token_counter {
	size_t (*count)(const void *ctx, const char *text, size_t len);
	const void *ctx;
};

/* Scan ds with threads threads (0: one per core). progress, if not NULL,
 * is called about ten times a second and once at the end. counter, if not
 * NULL, fills r->tokens. */
void wh_scan_run(struct wh_dataset *ds, struct wh_scan_result *r, int threads,
    const struct wh_token_counter *counter, wh_progress_fn progress, void *arg);
void wh_scan_free(struct wh_scan_result *r);

#endif
