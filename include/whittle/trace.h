/* The trace model: one record of a dataset seen as question, thinking,
 * answer and gold, each remembering where in the record it came from so that
 * an edit can be written back into the original bytes. */
#ifndef WHITTLE_TRACE_H
#define WHITTLE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wh_field { WH_QUESTION, WH_THINKING, WH_ANSWER, WH_GOLD, WH_NFIELDS };

/* Where a field's text lives in the record. */
struct wh_origin {
	long node;		/* tape node of the JSON value, -1 if absent */
	size_t from, to;	/* the field is decoded[from..to) of that value */
	bool whole;		/* the field is the whole value (from..to = all) */
	bool derived;		/* built from several values: read-only */
};

struct wh_trace {
	char *text[WH_NFIELDS];	/* NUL-terminated UTF-8; NULL when absent */
	size_t len[WH_NFIELDS];
	struct wh_origin origin[WH_NFIELDS];
	bool think_open;	/* the thinking had an opening delimiter */
	bool think_closed;	/* ... and a closing one (false: truncated) */
	uint32_t generation;	/* which generation of the record this is */
	uint32_t n_generations;	/* how many the record holds (>= 1) */
};

/* What the scan needs of a trace: the size of each field, measured
 * without decoding it (wh_layout_measure). */
struct wh_trace_size {
	bool present[WH_NFIELDS];
	uint32_t chars[WH_NFIELDS];	/* code points */
	bool think_open, think_closed;
	uint32_t n_generations;
};

const char *wh_field_name(enum wh_field f);
/* The field called name ("question", ...), or -1. */
int wh_field_parse(const char *name);
void wh_trace_free(struct wh_trace *t);

#endif
