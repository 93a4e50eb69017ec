/* Datasets: a mapped file of records, its container index, its layout, the
 * state of each record (good or bad, and why), an overlay of edits journaled
 * to disk, and a lossless save. The TUI, Lua and the engine all read traces
 * through this module. A dataset is used by one thread at a time, except
 * that several threads may read entries at once (the same one too) with
 * wh_dataset_parse, wh_dataset_trace and wh_dataset_bytes while no thread
 * edits, saves or adopts an index: wh_scan (scan.h), whittle run and the
 * workbench's background scan do. */
#ifndef WHITTLE_DATASET_H
#define WHITTLE_DATASET_H

#include <stdbool.h>
#include <stdint.h>

#include "whittle/container.h"
#include "whittle/error.h"
#include "whittle/file.h"
#include "whittle/json.h"
#include "whittle/layout.h"
#include "whittle/trace.h"

enum wh_rec_state { WH_REC_UNKNOWN, WH_REC_GOOD, WH_REC_BAD };

struct wh_edit {
	size_t entry;
	char *bytes;		/* the record as it is now */
	size_t len;
};

struct wh_journal;

struct wh_open_opts {
	const char *map;	/* --map spec, or NULL */
	const char *layout;	/* force a built-in layout by name, or NULL */
	int threads;		/* for indexing; 0 = one per core, up to 16 */
	bool journal;		/* restore and keep a journal of edits */
	size_t index_prefix;	/* > 0: index JSON lines only this far at
				   first (see wh_dataset_adopt_index) */
};

struct wh_dataset {
	char *path;		/* as given */
	char *source;		/* the file mapped: path, or a cache copy of a .gz */
	bool gzip;
	struct wh_map map;
	struct wh_index index;
	struct wh_layout layout;
	bool layout_known;	/* false: no layout matched; records stay raw */
	uint8_t *state;		/* enum wh_rec_state per entry */
	char **reason;		/* per entry: why it is bad, or NULL */
	struct wh_edit *edits;	/* sorted by entry */
	size_t n_edits;
	struct wh_journal *journal;
	char **notes;		/* things the user should be told on open */
	size_t n_notes;
	int threads;
};

/* Open path. Returns 0, or -1 with err set (missing file, not gzip, ...);
 * bad records never make it fail. */
int wh_dataset_open(struct wh_dataset **out, const char *path,
    const struct wh_open_opts *opts, struct wh_error *err);
void wh_dataset_close(struct wh_dataset *ds);

size_t wh_dataset_entries(const struct wh_dataset *ds);
/* Replace a partial index (opened with index_prefix) by full, an index of
 * the whole of ds->map built meanwhile, e.g. by wh_index_build in another
 * thread (it only reads ds->map). Records read and edits made so far keep
 * their numbers. Takes full's arrays; returns -1 if full does not extend
 * the current index. */
int wh_dataset_adopt_index(struct wh_dataset *ds, struct wh_index *full);
/* Whether entry i has an unsaved edit. */
bool wh_dataset_edited(const struct wh_dataset *ds, size_t i);
/* The current bytes of entry i (the edit if there is one). */
void wh_dataset_bytes(const struct wh_dataset *ds, size_t i, const char **p,
    size_t *len);
/* Parse entry i into j; on failure mark it bad and fill err (line set). */
int wh_dataset_parse(struct wh_dataset *ds, size_t i, struct wh_json *j,
    struct wh_error *err);
/* Parse and map entry i, generation gen, to t. Marks the entry's state. */
int wh_dataset_trace(struct wh_dataset *ds, size_t i, uint32_t gen,
    struct wh_trace *t, struct wh_error *err);
/* The same for generation 0, measuring the fields without decoding them
 * (wh_layout_measure): the scanner's fast path. */
int wh_dataset_measure(struct wh_dataset *ds, size_t i, struct wh_trace_size *z,
    struct wh_error *err);
/* Read a record's bytes p[0..len), which start on line, without an entry:
 * measure it into z, else map generation gen to t, else (both NULL) only
 * parse it. Returns 0; -1 with err set when the record is bad; -2 with err
 * set when it cannot be read as asked but is not bad (no layout, no such
 * generation). Marks nothing: the scanner reads records before they have
 * an entry. */
int wh_dataset_read_text(const struct wh_dataset *ds, const char *p, size_t len,
    long line, uint32_t gen, struct wh_trace *t, struct wh_trace_size *z,
    struct wh_error *err);
/* The same for a record already parsed into j. */
int wh_dataset_read_json(const struct wh_dataset *ds, const struct wh_json *j,
    long line, uint32_t gen, struct wh_trace *t, struct wh_trace_size *z,
    struct wh_error *err);
/* Record the outcome of reading entry i (used by the scanner). */
void wh_dataset_mark(struct wh_dataset *ds, size_t i, const struct wh_error *e);

/* Entry index of the n-th good record (0-based), reading records up to it
 * if they were not read yet; -1 if there are fewer. */
long wh_dataset_nth_good(struct wh_dataset *ds, size_t n);

/* All bad records and unreadable stretches, by line. Caller frees the array
 * (not the reasons). Reads every record not read yet. */
struct wh_bad *wh_dataset_bad(struct wh_dataset *ds, size_t *n);

/* Replace field f of entry i (generation gen) with text, splicing the new
 * value into the record's bytes; the edit is journaled before this returns
 * 0. Fails for a field the record does not hold or that is derived. */
int wh_dataset_set_field(struct wh_dataset *ds, size_t i, uint32_t gen,
    enum wh_field f, const char *text, size_t len, struct wh_error *err);
/* Drop the edits of entry i (journaled). */
int wh_dataset_restore(struct wh_dataset *ds, size_t i, struct wh_error *err);

/* Whether path names ds's own file: NULL, or another name of it. */
bool wh_dataset_is_own(const struct wh_dataset *ds, const char *path);
/* Write the dataset with its edits to path (NULL or another name of its own
 * file: over its own file, then forget the journal). Untouched records and
 * everything between them are written byte for byte. */
int wh_dataset_save(struct wh_dataset *ds, const char *path,
    struct wh_error *err);

/* Where the journal of ds's file lives (caller frees). */
char *wh_dataset_journal_path(const char *path);

#endif
