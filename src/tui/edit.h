/* Edits of the workbench: each is a change of one field of one record made
 * through the dataset's journaled overlay, or of one segment's override
 * (role, solution) in the overrides file, kept on an unbounded undo list
 * (undo and redo write the journal or the overrides file too), and the
 * segment edits built on them: delete, merge, split, delete a solution,
 * trim after a segment. */
#ifndef WH_TUI_EDIT_H
#define WH_TUI_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "whittle/overrides.h"
#include "tui/rows.h"
#include "whittle/dataset.h"
#include "whittle/error.h"

#define WH_TUI_OVERRIDE (-1)	/* the field of an override's change */

/* One change: field of entry from before to after (for an override, the
 * override from o_before to o_after, before and after describing them).
 * Changes of one group (a restore changes several fields) are undone
 * together. */
struct wh_tui_change {
	size_t entry;
	int field;
	unsigned group;
	char *before, *after;
	size_t before_len, after_len;
	struct wh_override o_before, o_after;
	bool clean_before;	/* the record had no edit before: undo restores it */
	bool restores;		/* a restore (R): redo restores the record again */
	char what[48];		/* "delete segment", ... for messages */
};

struct wh_tui_history {
	struct wh_tui_change *v;
	size_t n;		/* changes made */
	size_t at;		/* changes applied: v[at..n) can be redone */
	unsigned groups;	/* groups handed out */
	struct wh_overrides *ov;	/* where overrides go */
	unsigned open_group;	/* non-zero: changes join this group */
};

/* Set field f of entry i to text[0..len) and record it for undo. The write
 * happens under rows' write lock and the row is recomputed. Returns 0, or
 * -1 with err set (the field is derived or absent, the journal failed). */
int wh_tui_edit_set(struct wh_tui_history *h, struct wh_tui_rows *rows,
    size_t i, int f, const char *text, size_t len, const char *what,
    struct wh_error *err);

/* Set the override of a segment from before to after (same segment), for
 * undo as what; before and after describe them for the diff view. */
int wh_tui_edit_override(struct wh_tui_history *h,
    const struct wh_override *before, const struct wh_override *after,
    const char *describe_before, const char *describe_after, const char *what,
    struct wh_error *err);

/* Changes made between begin and end are undone and redone together. */
void wh_tui_edit_begin(struct wh_tui_history *h);
void wh_tui_edit_end(struct wh_tui_history *h);

/* Undo (dir < 0) or redo (dir > 0) one change. Returns the change (entry
 * and what) or NULL when there is none; err set when it failed. */
const struct wh_tui_change *wh_tui_edit_undo(struct wh_tui_history *h,
    struct wh_tui_rows *rows, int dir, struct wh_error *err);

/* Drop the edits of entry i (restore the original), recorded for undo as
 * a change of each field that differed. */
int wh_tui_edit_restore(struct wh_tui_history *h, struct wh_tui_rows *rows,
    size_t i, struct wh_error *err);

/* FILE was saved with the edits applied: the history stays, but what
 * "the original" was is now the saved file (undo writes the old text). */
void wh_tui_edit_saved(struct wh_tui_history *h);

/* The last change applied, or NULL. */
const struct wh_tui_change *wh_tui_edit_last(const struct wh_tui_history *h);

void wh_tui_edit_free(struct wh_tui_history *h);

#endif
