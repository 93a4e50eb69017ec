/* Record layouts: how the records of a known dataset family (OpenThoughts,
 * chat messages, s1K, LIMO, OpenR1, GSM8K, MATH, PRM800K, ...) map to the
 * trace model, detection of the layout from a file's first records, and
 * user-given mappings of JSON pointers (--map). */
#ifndef WHITTLE_LAYOUT_H
#define WHITTLE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "whittle/error.h"
#include "whittle/json.h"
#include "whittle/trace.h"

/* How the text that holds the thinking is cut into fields. */
enum wh_split {
	WH_SPLIT_NONE,		/* the whole text is the thinking */
	WH_SPLIT_THINK,		/* <think>..</think> or <|begin_of_thought|>..
				   <|end_of_thought|>, the rest is the answer */
	WH_SPLIT_GSM8K,		/* steps, then "#### N": N is answer and gold */
	WH_SPLIT_STEPS,		/* "question Step 1: ..." (Math-Shepherd) */
};

enum wh_layout_kind {
	WH_KIND_FIELDS,		/* fields at JSON pointers */
	WH_KIND_CHAT,		/* a list of role/content turns */
	WH_KIND_JOINED,		/* thinking joined from a list of steps */
};

#define WH_MAX_PTR 256

/* Where the thinking of a text lies: after its first <think> (or
 * <|begin_of_thought|>), else from the start, up to the first closing tag
 * after that (</think>, <|end_of_thought|>), else to the end. */
struct wh_think_span {
	size_t start, end;	/* the thinking: text[start..end) */
	size_t after;		/* just past the closing tag; n when none */
	bool open, closed;	/* the tags were there */
};

void wh_layout_think_span(const char *s, size_t n, struct wh_think_span *sp);

struct wh_layout {
	char name[64];
	const char *doc;		/* one line; NULL for a --map layout */
	enum wh_layout_kind kind;
	const char *detect[5];		/* root members that must all be present */
	const char *marker;		/* and a string the body must contain */
	/* JSON pointers; "*" in body stands for the generation index.
	   For WH_KIND_CHAT, question and body name the turns list. */
	char question[WH_MAX_PTR], body[WH_MAX_PTR], answer[WH_MAX_PTR],
	    gold[WH_MAX_PTR];
	enum wh_split split;
	bool body_required;		/* a record without a body is bad */
	/* JSON pointer of the part of a record that keeps copies of its
	   fields (OpenR1's messages), or NULL: an edit changes them too. */
	const char *copies;
};

/* The built-in layouts, in detection order, NULL-terminated by name[0]. */
const struct wh_layout *wh_layouts(void);
const struct wh_layout *wh_layout_find(const char *name);

/* Does the record (a parsed tape) look like layout l? */
bool wh_layout_matches(const struct wh_layout *l, const struct wh_json *j);

/* Build a layout from "question=/problem,thinking=/generations/0,..."
 * (fields question, thinking, answer, gold; thinking may use "*" for the
 * generation; "split=think" cuts thinking/answer at the delimiters). */
int wh_layout_from_map(struct wh_layout *l, const char *spec,
    struct wh_error *err);

/* The string node of record j's own system prompt under layout l (its
 * member system, or the system turn of a chat), or -1; *where says which
 * it looks for. */
long wh_layout_system(const struct wh_layout *l, const struct wh_json *j,
    const char **where);

/* Number of generations record j holds under layout l (0 if none). */
uint32_t wh_layout_generations(const struct wh_layout *l, const struct wh_json *j);

/* Map record j to trace t (generation gen). Returns 0, or -1 with err->msg
 * saying which field is missing or of the wrong type. */
int wh_layout_map(const struct wh_layout *l, const struct wh_json *j,
    uint32_t gen, struct wh_trace *t, struct wh_error *err);
/* The same for generation 0, measuring the fields without decoding them:
 * z gets what wh_layout_map's trace would give (presence, code points,
 * delimiters), and the same errors. */
int wh_layout_measure(const struct wh_layout *l, const struct wh_json *j,
    struct wh_trace_size *z, struct wh_error *err);

#endif
