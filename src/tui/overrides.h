/* Segment overrides: a segment's role or solution set by hand, kept beside
 * the dataset in FILE.segments (never inside it, like review marks) as an
 * append-only list of lines "ENTRY<TAB>HASH<TAB>OCC<TAB>ROLE<TAB>SOLUTION",
 * the last one for a segment winning. A segment is known by its record,
 * the hash of its text and which occurrence of that text it is in the
 * thinking, so edits elsewhere in the record keep its override; ROLE is a
 * role name and SOLUTION a number (0: in no solution), each "-" for what
 * the segmenter says. */
#ifndef WH_TUI_OVERRIDES_H
#define WH_TUI_OVERRIDES_H

#include <stddef.h>
#include <stdint.h>

#include "whittle/error.h"
#include "whittle/segment.h"

struct wh_tui_override {
	size_t entry;
	uint64_t hash;		/* of the segment's text */
	uint32_t occ;		/* earlier segments of the record with that text */
	int role;		/* enum wh_role, or -1 */
	long solution;		/* 0..n_sols, or -1 */
};

struct wh_tui_overrides {
	char *path;		/* the sidecar file */
	struct wh_tui_override *v;
	size_t n;
};

/* Read the overrides of the dataset at dataset_path (none yet is fine).
 * Returns 0, or -1 with err when the file cannot be read. */
int wh_tui_overrides_load(struct wh_tui_overrides *o, const char *dataset_path,
    struct wh_error *err);
/* Set the override of o->entry, o->hash, o->occ (role and solution both -1
 * drop it) and append it to the file. Returns 0, or -1 with err set. */
int wh_tui_overrides_set(struct wh_tui_overrides *o,
    const struct wh_tui_override *v, struct wh_error *err);
/* The key and current override of segment k of entry's segmentation g of
 * thinking into *out (role and solution -1 where there is none). */
void wh_tui_overrides_get(const struct wh_tui_overrides *o, size_t entry,
    const char *thinking, const struct wh_segmentation *g, size_t k,
    struct wh_tui_override *out);
/* Give the segments of entry's segmentation g the roles and solutions set
 * for them (solutions past g->n_sols are ignored). */
void wh_tui_overrides_apply(const struct wh_tui_overrides *o, size_t entry,
    const char *thinking, struct wh_segmentation *g);
void wh_tui_overrides_free(struct wh_tui_overrides *o);

#endif
