/* JSON with byte offsets: a validating parser that turns one JSON text into a
 * flat "tape" of nodes, each knowing its byte span in the text. whittle reads
 * records through it (lazily, one record at a time) and splices edited values
 * back into the original bytes, which a DOM that re-serialises cannot do
 * losslessly. The text is borrowed, never copied. */
#ifndef WHITTLE_JSON_H
#define WHITTLE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "whittle/buf.h"

enum wh_jtype {
	WH_JNULL, WH_JFALSE, WH_JTRUE, WH_JNUMBER, WH_JSTRING, WH_JARRAY, WH_JOBJECT
};

/* Bits of wh_jnode.escaped. */
enum { WH_JESC_ANY = 1, WH_JESC_UNICODE = 2 /* a \uXXXX or \/ escape */ };

struct wh_jnode {
	uint8_t type;		/* enum wh_jtype */
	uint8_t escaped;	/* string: 0, or WH_JESC_* bits */
	uint32_t next;		/* index just past this node's subtree */
	uint32_t count;		/* array: elements; object: members;
				   string: code points once decoded */
	size_t start, end;	/* byte span; strings include their quotes */
};

struct wh_json {
	const char *text;
	size_t len;
	struct wh_jnode *nodes;	/* nodes[0] is the root; object members are
				   stored as key node then value node */
	uint32_t n, cap;
};

/* Why a parse failed, and where (byte offset into the text). */
struct wh_jerror {
	size_t offset;
	const char *msg;	/* static string */
};

/* Parse exactly one JSON value in text[0..len), allowing white space around
 * it. Reuses j's node storage. Returns 0, or -1 with e filled. */
int wh_json_parse(struct wh_json *j, const char *text, size_t len,
    struct wh_jerror *e);

/* Parse the first JSON value of text[0..len); *used gets the offset just past
 * it. Used to split streams of concatenated values. */
int wh_json_parse_prefix(struct wh_json *j, const char *text, size_t len,
    size_t *used, struct wh_jerror *e);

/* Parse the line that starts text[0..len) as JSON lines do: one JSON value,
 * white space around it, then a newline or the end. *line_len gets where
 * the line ends (the newline's offset, or len). Returns -1 for any other
 * line, e.g. one whose value would go on past a newline: its end is then
 * for the caller to find. Lets a scan index and read a file in one pass. */
int wh_json_parse_line(struct wh_json *j, const char *text, size_t len,
    size_t *line_len, struct wh_jerror *e);

void wh_json_free(struct wh_json *j);

/* Node index of object member key (NUL-terminated), or -1. */
long wh_json_member(const struct wh_json *j, long obj, const char *key);
/* Node index of array element i, or -1. */
long wh_json_element(const struct wh_json *j, long arr, uint32_t i);
/* Node index of an RFC 6901 JSON pointer ("" is the root), or -1. */
long wh_json_pointer(const struct wh_json *j, const char *pointer);

/* Append the decoded value of string node s to out. Lone surrogate escapes
 * decode to U+FFFD. */
void wh_json_string(const struct wh_json *j, long s, struct wh_buf *out);
/* Compare string node s with key without allocating. */
int wh_json_string_eq(const struct wh_json *j, long s, const char *key);

/* Append text[0..len) as a quoted JSON string to out. UTF-8 stays as it is;
 * ", \ and control characters are escaped. */
void wh_json_quote(struct wh_buf *out, const char *text, size_t len);

const char *wh_json_type_name(enum wh_jtype t);

#endif
