/* Segment overrides: a segment's role or solution set by hand (in the
 * workbench), kept beside the dataset in FILE.segments (never inside it,
 * like review marks) as an append-only list of lines
 * "ENTRY<TAB>HASH<TAB>OCC<TAB>ROLE<TAB>SOLUTION", the last one for a
 * segment winning. A segment is known by its record, the hash of its text
 * and which occurrence of that text it is in the thinking, so edits
 * elsewhere in the record keep its override; ROLE is a role name and
 * SOLUTION a number (0: in no solution), each "-" for what the segmenter
 * says. The workbench shows them, and Lua steps see them through
 * wh.segment.run. */
#ifndef WH_OVERRIDES_H
#define WH_OVERRIDES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "whittle/error.h"
#include "whittle/segment.h"

struct wh_override {
	size_t entry;
	uint64_t hash;		/* of the segment's text */
	uint32_t occ;		/* earlier segments of the record with that text */
	int role;		/* enum wh_role, or -1 */
	long solution;		/* 0..n_sols, or -1 */
};

struct wh_overrides {
	char *path;		/* the sidecar file */
	struct wh_override *v;	/* sorted by entry */
	size_t n;
	size_t bad, first_bad;	/* lines that cannot be read; the first's number */
};

/* Read the overrides of the dataset at dataset_path (none yet is fine).
 * Returns 0, or -1 with err when the file cannot be read (o is then left
 * empty, with nothing to free). A line that cannot be read (or names a
 * role this version does not know) is skipped and counted in bad. */
int wh_overrides_load(struct wh_overrides *o, const char *dataset_path,
    struct wh_error *err);
/* Set the override of v->entry, v->hash, v->occ (role and solution both -1
 * drop it) and append it to the file. Returns 0, or -1 with err set. */
int wh_overrides_set(struct wh_overrides *o, const struct wh_override *v,
    struct wh_error *err);
/* The key and current override of segment k of entry's segmentation g of
 * thinking into *out (role and solution -1 where there is none). */
void wh_overrides_get(const struct wh_overrides *o, size_t entry,
    const char *thinking, const struct wh_segmentation *g, size_t k,
    struct wh_override *out);
/* Whether any segment of entry has an override. */
bool wh_overrides_has(const struct wh_overrides *o, size_t entry);
/* Give the segments of entry's segmentation g the roles and solutions set
 * for them (solutions past g->n_sols are ignored); the attempts keep the
 * span the segmenter gave them. Returns the number of segments changed. */
size_t wh_overrides_apply(const struct wh_overrides *o, size_t entry,
    const char *thinking, struct wh_segmentation *g);
void wh_overrides_free(struct wh_overrides *o);

#endif
