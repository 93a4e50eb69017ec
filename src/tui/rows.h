/* The list's columns: per record its state, correctness, thinking length
 * and segment counts, filled in by background threads (the workbench's
 * scan) while the list is already on screen. Workers and the UI share the
 * dataset under a read-write lock: workers read, the UI writes (edits and
 * saves) holding the write lock. */
#ifndef WH_TUI_ROWS_H
#define WH_TUI_ROWS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "whittle/dataset.h"
#include "whittle/segment.h"
#include "whittle/tokenizer.h"

enum wh_tui_verdict { WH_V_NONE, WH_V_CORRECT, WH_V_WRONG, WH_V_UNKNOWN };

struct wh_tui_row {
	atomic_uchar ready;	/* 1 once the fields below are set */
	uint8_t bad;		/* the record could not be read */
	uint8_t verdict;	/* enum wh_tui_verdict */
	uint8_t n_sols;		/* solution attempts, at most 255 */
	uint8_t n_redundant;	/* of which redundant */
	uint16_t n_segs;	/* at most 65535 */
	uint32_t think;		/* thinking length: tokens, or characters */
};

struct wh_tui_rows {
	struct wh_dataset *ds;
	size_t n;
	struct wh_tui_row *row;
	const struct wh_segmenter *seg;
	const struct wh_tokenizer *tok;	/* NULL: lengths in characters */
	pthread_rwlock_t lock;
	atomic_size_t next, done;
	atomic_bool stop;
	pthread_t thread[16];
	int n_threads;
};

/* Start threads workers (<= 16) over ds; seg and tok (may be NULL) must
 * outlive the rows. */
void wh_tui_rows_start(struct wh_tui_rows *r, struct wh_dataset *ds,
    const struct wh_segmenter *seg, const struct wh_tokenizer *tok, int threads);
/* Stop and join the workers and free the rows. */
void wh_tui_rows_stop(struct wh_tui_rows *r);
/* Records done so far (== r->n when the scan is over). */
size_t wh_tui_rows_done(struct wh_tui_rows *r);
/* Recompute the row of entry i now (after an edit). The caller must not
 * hold the lock. */
void wh_tui_rows_refresh(struct wh_tui_rows *r, size_t i);
/* Whether row i is ready, with a copy of it in *out. */
bool wh_tui_rows_get(struct wh_tui_rows *r, size_t i, struct wh_tui_row *out);

#endif
