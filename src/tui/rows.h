/* The list's columns: per record its state, correctness, thinking length
 * and segment counts, filled in by background threads (the workbench's
 * scan) while the list is already on screen. When the dataset was opened
 * with a partial index, one more thread indexes the whole file and the UI
 * adopts that index when it is ready; workers wait for records past the
 * prefix. Workers and the UI share the dataset and the rows under a
 * read-write lock: workers read (and fill their rows), the UI writes
 * (edits, saves, adopting the index) holding the write lock. */
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
	uint16_t n_sols;	/* solution attempts, at most 65535 */
	uint16_t n_redundant;	/* of which redundant */
	uint32_t n_segs;
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

	/* indexing the rest of a partially indexed file */
	bool indexing;			/* the indexer runs or its index waits */
	pthread_t indexer;
	struct wh_index full;		/* its result */
	int wake[2];			/* the indexer writes a byte when done */
	pthread_mutex_t mu;		/* with more: workers wait for records */
	pthread_cond_t more;

	/* rows of an earlier scan of the same file, kept in a cache */
	char *cache;			/* its path, or NULL: no caching */
	struct wh_tui_cached *cached;	/* rows read from it, or NULL */
	size_t n_cached;
};

/* Rows (none ready) for the records of ds; seg and tok (may be NULL) must
 * outlive the rows. A finished scan is kept under $XDG_CACHE_HOME/whittle/
 * rows/, keyed by the file (path, size, time, inode), whittle's version and
 * reading (how records are read and lengths counted: --map, --layout,
 * --tokenizer); a later scan of the same file reads its rows from there
 * instead of segmenting again (edited records excepted). */
void wh_tui_rows_init(struct wh_tui_rows *r, struct wh_dataset *ds,
    const struct wh_segmenter *seg, const struct wh_tokenizer *tok,
    const char *reading);
/* Start threads workers (<= 16), and the indexer if ds's index is
 * partial: after the first screen is drawn, so they do not delay it. */
void wh_tui_rows_start(struct wh_tui_rows *r, int threads);
/* A descriptor that becomes readable when the whole index is ready to be
 * adopted (wh_tui_rows_poll); -1 when there is nothing to wait for. */
int wh_tui_rows_fd(struct wh_tui_rows *r);
/* On the UI thread: adopt the whole index if it is ready (wait first when
 * wait is true). Returns true when the rows grew. */
bool wh_tui_rows_poll(struct wh_tui_rows *r, bool wait);
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
