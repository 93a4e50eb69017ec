/* Containers: where the records are in a file's bytes. A file holds JSON
 * lines, one JSON array of records, one object whose values are records keyed
 * by id, or a stream of concatenated (often pretty-printed) JSON values. The
 * index lists each record's byte span and line without parsing records
 * (JSON lines) or by parsing each value once (the other containers). */
#ifndef WHITTLE_CONTAINER_H
#define WHITTLE_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wh_container { WH_CONT_JSONL, WH_CONT_ARRAY, WH_CONT_KEYED, WH_CONT_STREAM };

struct wh_entry {
	uint64_t start;		/* byte offset of the record in the file */
	uint32_t len;		/* bytes, without the line end */
	uint32_t line;		/* 1-based line the record starts on */
};

/* A stretch of the file that is not a record and could not be read as one. */
struct wh_junk {
	uint64_t start;
	uint32_t line;
	char *reason;		/* what is wrong, with the column of a parse error */
};

struct wh_index {
	enum wh_container kind;
	struct wh_entry *entries;
	size_t n, cap;
	struct wh_junk *junk;	/* only for non-JSONL containers */
	size_t n_junk, cap_junk;
	size_t body_start;	/* after a UTF-8 byte order mark */
	bool partial;		/* JSON lines indexed only up to a limit */
	size_t end;		/* JSON lines: bytes indexed (all, unless partial) */
	uint32_t newlines;	/* JSON lines: newlines before end */
};

/* Index data[0..size) with up to threads threads. Never fails: what cannot
 * be read as records is listed in junk (or, for JSON lines, left to the
 * record parse to report). */
void wh_index_build(struct wh_index *ix, const char *data, size_t size,
    int threads);
/* The same, but JSON lines only up to the line holding byte limit (then
 * ix->partial is set if there is more), so that the first records of a huge
 * file can be shown at once while the full index is built elsewhere. */
void wh_index_build_prefix(struct wh_index *ix, const char *data, size_t size,
    size_t limit, int threads);
/* Add the JSON line data[start..start+n) (its newline left out) to ix as
 * the record on line, unless it is blank; a CR before the newline is not
 * part of the record. Returns whether it was added. */
bool wh_index_line(struct wh_index *ix, const char *data, size_t start,
    size_t n, uint32_t line);
void wh_index_free(struct wh_index *ix);

const char *wh_container_name(enum wh_container c);

#endif
