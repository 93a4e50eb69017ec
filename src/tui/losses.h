/* The list's loss column: each record's mean token loss as a training run
 * saw it, read from the run's batches.jsonl (whittle-train(7)), or under
 * one checkpoint, from whittle losses; and the records behind one step of
 * a run, hardest first. */
#ifndef WH_TUI_LOSSES_H
#define WH_TUI_LOSSES_H

#include <stdbool.h>
#include <stddef.h>

#include "whittle/error.h"

struct wh_tui;

struct wh_tui_losses {
	float *v;		/* per entry: its loss, NaN for none; NULL: no column */
	size_t n;
	char *data;		/* the file the run trained on, from the header */
	size_t bytes;		/* its size and hash then */
	unsigned long long hash;
};

/* The batches file src names: a run id (batches.jsonl in its folder of
 * the runs store), a folder holding batches.jsonl, or the file itself.
 * Caller frees. */
char *wh_tui_batches_path(const char *src);

/* Read the batches file at path for a dataset of n entries: each record's
 * loss at the last step that trained on it (or the loss whittle losses
 * wrote for it), or with step > 0 its loss in that step only, whose records go to *recs (hardest first, caller frees;
 * recs may be NULL for step 0). Returns 0, or -1 with err set (no such
 * file, no such step). */
int wh_tui_losses_load(struct wh_tui_losses *l, const char *path, size_t n,
    long step, size_t **recs, size_t *nrecs, struct wh_error *err);
void wh_tui_losses_free(struct wh_tui_losses *l);

/* :losses SRC [STEP] and --losses, --step: show SRC's losses in the list's
 * loss column; with a step, list that step's records, hardest first. */
void wh_tui_losses_show(struct wh_tui *app, const char *src, long step);

/* From the Runs view: the records of step in the batches file at path.
 * When the workbench has the run's data open they are shown as
 * wh_tui_losses_show does (true: leave the Runs view); otherwise whittle
 * starts again on the run's data, unless edits are unsaved (false, with
 * a message in msg). */
bool wh_tui_losses_open(struct wh_tui *app, const char *path, long step,
    char *msg, size_t size);

#endif
