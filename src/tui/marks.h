/* Review marks: accept, reject or needs-fix per record, with an optional
 * note, kept beside the dataset in FILE.marks (never inside it) as an
 * append-only list of lines "ENTRY<TAB>MARK<TAB>NOTE", the last one for an
 * entry winning. */
#ifndef WH_TUI_MARKS_H
#define WH_TUI_MARKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "whittle/dataset.h"
#include "whittle/error.h"

enum wh_mark { WH_MARK_NONE, WH_MARK_ACCEPT, WH_MARK_REJECT, WH_MARK_FIX,
	WH_NMARKS };

struct wh_tui_marks {
	char *path;		/* the sidecar file */
	size_t n;		/* entries */
	uint8_t *mark;		/* per entry */
	char **note;		/* per entry, or NULL */
	size_t counts[WH_NMARKS];
	char problem[600];	/* what of the file could not be read, or "" */
};

/* Read the marks of the dataset at dataset_path with n entries (none yet
 * is fine; complete: n is every entry, so a mark past it is an error). A
 * line that cannot be read is skipped, a file that cannot be read gives
 * no mark: problem says so, naming the file and the first line. */
void wh_tui_marks_load(struct wh_tui_marks *m, const char *dataset_path,
    size_t n, bool complete);
/* Set entry i's mark (and note, NULL to keep it) and append it to the
 * file; a mark that cannot be written is not set. Returns 0, or -1 with
 * err set. */
int wh_tui_marks_set(struct wh_tui_marks *m, size_t i, enum wh_mark mark,
    const char *note, struct wh_error *err);
/* "accept", "reject", "fix", "none"; wh_tui_mark_parse gives -1 for an
 * unknown name. */
const char *wh_tui_mark_name(enum wh_mark k);
int wh_tui_mark_parse(const char *name);
/* Write the ids of the records marked k (all marks for WH_MARK_NONE) to
 * path, one a line: the record's id member (or uuid, unique_id, item_id,
 * idx), else "line N" or, on a line several records share, "record N". */
int wh_tui_marks_export(const struct wh_tui_marks *m, struct wh_dataset *ds,
    enum wh_mark k, const char *path, size_t *written, struct wh_error *err);
void wh_tui_marks_free(struct wh_tui_marks *m);

#endif
