/* Finding the records of a file: JSON lines by memchr over newlines (in
 * parallel chunks), the other containers by parsing value after value. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/buf.h"
#include "whittle/container.h"
#include "whittle/json.h"
#include "whittle/utf8.h"

const char *
wh_container_name(enum wh_container c)
{
	static const char *names[] = { "jsonl", "array", "keyed", "stream" };
	return names[c];
}

static void
add_entry(struct wh_index *ix, uint64_t start, uint64_t len, uint32_t line)
{
	if (ix->n == ix->cap) {
		ix->cap = ix->cap ? ix->cap * 2 : 1024;
		ix->entries = wh_xrealloc(ix->entries, ix->cap * sizeof *ix->entries);
	}
	if (len > UINT32_MAX)
		len = UINT32_MAX;	/* a 4 GB record is not read as one */
	ix->entries[ix->n++] = (struct wh_entry){ start, (uint32_t)len, line };
}

/* A stretch that is not a record; column (in characters, 1-based) is where
 * the JSON parser failed, 0 when it is no parse error. */
static void
add_junk(struct wh_index *ix, uint64_t start, uint32_t line, uint32_t column,
    const char *why)
{
	struct wh_buf r = {0};

	if (ix->n_junk == ix->cap_junk) {
		ix->cap_junk = ix->cap_junk ? ix->cap_junk * 2 : 16;
		ix->junk = wh_xrealloc(ix->junk, ix->cap_junk * sizeof *ix->junk);
	}
	if (column)
		wh_buf_printf(&r, "invalid JSON at column %u: %s", column, why);
	else
		wh_buf_adds(&r, why);
	ix->junk[ix->n_junk++] = (struct wh_junk){ start, line, wh_buf_take(&r) };
}

static int
is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return 0;
	return 1;
}

/* --- JSON lines --------------------------------------------------------- */

struct chunk {
	const char *data;
	size_t from, to;	/* [from, to) starts on a line start */
	struct wh_index part;	/* lines counted from 0 within the chunk */
	uint32_t newlines;
};

bool
wh_index_line(struct wh_index *ix, const char *d, size_t start, size_t n,
    uint32_t line)
{
	if (n && d[start + n - 1] == '\r')
		n--;
	if (is_blank(d + start, n))
		return false;
	add_entry(ix, start, n, line);
	return true;
}

static void *
index_chunk(void *arg)
{
	struct chunk *c = arg;
	const char *d = c->data;
	size_t pos = c->from;
	uint32_t line = 1;

	while (pos < c->to) {
		const char *nl = memchr(d + pos, '\n', c->to - pos);
		size_t end = nl ? (size_t)(nl - d) : c->to;
		wh_index_line(&c->part, d, pos, end - pos, line);
		if (nl == NULL)
			break;
		line++;
		pos = end + 1;
	}
	c->newlines = line - 1;
	return NULL;
}

static void
index_jsonl(struct wh_index *ix, const char *data, size_t size, int threads)
{
	struct chunk chunks[16];
	pthread_t tid[16];
	size_t from = ix->body_start;
	int n = threads < 1 ? 1 : threads > 16 ? 16 : threads;

	if (size - from < ((size_t)4 << 20))
		n = 1;
	for (int i = 0; i < n; i++) {
		size_t to = i == n - 1 ? size : from + (size - from) / (size_t)(n - i);
		const char *nl = to < size ? memchr(data + to, '\n', size - to) : NULL;
		to = i == n - 1 ? size : nl ? (size_t)(nl - data) + 1 : size;
		chunks[i] = (struct chunk){ .data = data, .from = from, .to = to };
		from = to;
	}
	for (int i = 1; i < n; i++)
		pthread_create(&tid[i], NULL, index_chunk, &chunks[i]);
	index_chunk(&chunks[0]);
	uint32_t base = 0;
	for (int i = 0; i < n; i++) {
		if (i > 0)
			pthread_join(tid[i], NULL);
		struct wh_index *p = &chunks[i].part;
		for (size_t k = 0; k < p->n; k++)
			add_entry(ix, p->entries[k].start, p->entries[k].len,
			    p->entries[k].line + base);
		base += chunks[i].newlines;
		free(p->entries);
	}
	ix->end = size;
	ix->newlines = base;
}

/* --- Containers of JSON values ----------------------------------------- */

struct walker {
	struct wh_index *ix;
	const char *data;
	size_t size;
	size_t counted;		/* newlines counted up to here */
	uint32_t line;		/* line of offset counted */
	struct wh_json j;
};

static uint32_t
line_at(struct walker *w, size_t off)
{
	while (w->counted < off) {
		const char *nl = memchr(w->data + w->counted, '\n', off - w->counted);
		if (nl == NULL) {
			w->counted = off;
			break;
		}
		w->line++;
		w->counted = (size_t)(nl - w->data) + 1;
	}
	return w->line;
}

/* The column of byte off in its line, in characters from 1. */
static uint32_t
column_at(struct walker *w, size_t off)
{
	size_t ls = off;

	while (ls > 0 && w->data[ls - 1] != '\n')
		ls--;
	return (uint32_t)wh_utf8_count(w->data + ls, off - ls) + 1;
}

static size_t
skip_ws(const char *d, size_t pos, size_t size)
{
	while (pos < size && strchr(" \t\r\n", d[pos]) && d[pos])
		pos++;
	return pos;
}

/* After a bad value at pos: the next line that starts, after indent, with
 * c ('{' for a value, '"' for a member of a keyed object) at the same column
 * as the bad value did, or with the container's close (0 in a stream) left
 * of it, or for an array at it (a keyed object's members end at theirs with
 * a '}'); size if none. */
static size_t
resync(struct walker *w, size_t pos, char c, char close)
{
	size_t ls = pos;

	while (ls > 0 && w->data[ls - 1] != '\n')
		ls--;
	size_t col = pos - ls;
	for (const char *nl = w->data + pos;
	    (nl = memchr(nl, '\n', w->size - (size_t)(nl - w->data))); nl++) {
		size_t s = (size_t)(nl - w->data) + 1;
		size_t t = skip_ws(w->data, s, w->size);
		if (t < w->size && ((t - s == col && w->data[t] == c) ||
		    (close && w->data[t] == close && (t - s < col ||
		    (t - s == col && close == ']')))))
			return t;
	}
	return w->size;
}

/* Read values from pos until the end or a closing byte (']' or '}'); for a
 * keyed object, each value is preceded by "key":. */
static void
walk_values(struct walker *w, size_t pos, int keyed, char close)
{
	struct wh_jerror e;

	for (;;) {
		pos = skip_ws(w->data, pos, w->size);
		if (pos >= w->size) {
			if (close)
				add_junk(w->ix, pos, line_at(w, pos), 0, close == ']'
				    ? "the array is not closed" : "the object is not closed");
			return;
		}
		if (close && w->data[pos] == close) {
			pos = skip_ws(w->data, pos + 1, w->size);
			if (pos < w->size)
				add_junk(w->ix, pos, line_at(w, pos), 0,
				    "text after the end of the JSON document");
			return;
		}
		size_t vstart = pos, mstart = pos, used;
		const char *why = "bad member name";
		uint32_t column = 0;
		if (keyed) {
			if (wh_json_parse_prefix(&w->j, w->data + pos, w->size - pos, &used, &e) < 0 ||
			    w->j.nodes[0].type != WH_JSTRING)
				goto bad;
			pos = skip_ws(w->data, pos + used, w->size);
			if (pos >= w->size || w->data[pos] != ':')
				goto bad;
			vstart = pos = skip_ws(w->data, pos + 1, w->size);
		}
		if (wh_json_parse_prefix(&w->j, w->data + pos, w->size - pos, &used, &e) < 0) {
			why = e.msg;
			pos += e.offset;
			column = column_at(w, pos);
			goto bad;
		}
		add_entry(w->ix, vstart, used, line_at(w, vstart));
		pos = skip_ws(w->data, pos + used, w->size);
		if (close && pos < w->size && w->data[pos] == ',')
			pos++;
		else if (close && (pos >= w->size || w->data[pos] != close)) {
			add_junk(w->ix, pos, line_at(w, pos), 0, close == ']'
			    ? "expected ',' or ']' after a record" : "expected ',' or '}' after a record");
			pos = resync(w, keyed ? mstart : vstart, keyed ? '"' : '{', close);
		}
		continue;
bad:
		add_junk(w->ix, vstart, line_at(w, pos), column, why);
		pos = resync(w, keyed ? mstart : vstart, keyed ? '"' : '{', close);
	}
}

/* Do most of the first lines look like whole one-line objects? */
static int
looks_like_jsonl(const char *d, size_t pos, size_t size)
{
	int lines = 0, whole = 0;

	while (pos < size && lines < 16) {
		const char *nl = memchr(d + pos, '\n', size - pos);
		size_t end = nl ? (size_t)(nl - d) : size;
		size_t a = skip_ws(d, pos, end), b = end;
		while (b > a && strchr(" \t\r", d[b - 1]))
			b--;
		if (b > a) {
			lines++;
			whole += d[a] == '{' && d[b - 1] == '}';
		}
		pos = end + 1;
	}
	return lines > 0 && whole * 2 >= lines;
}

static int
all_values_objects(struct walker *w)
{
	const struct wh_json *j = &w->j;

	if (j->nodes[0].type != WH_JOBJECT || j->nodes[0].count == 0)
		return 0;
	for (long i = 1; i < (long)j->n; i = j->nodes[i + 1].next)
		if (j->nodes[i + 1].type != WH_JOBJECT)
			return 0;
	return 1;
}

/* Is the object at pos records keyed by id, all its values objects? One
 * that cannot be parsed whole still is when the values read around the
 * damage are all objects, two or more. */
static int
is_keyed(struct walker *w, size_t pos)
{
	struct wh_index trial = {0};
	struct walker t = { .ix = &trial, .data = w->data, .size = w->size, .line = 1 };
	struct wh_jerror e;
	size_t used;
	int yes;

	if (wh_json_parse_prefix(&w->j, w->data + pos, w->size - pos, &used, &e) == 0)
		return skip_ws(w->data, pos + used, w->size) == w->size &&
		    all_values_objects(w);
	walk_values(&t, pos + 1, 1, '}');
	yes = trial.n >= 2;
	for (size_t i = 0; i < trial.n && yes; i++)
		yes = w->data[trial.entries[i].start] == '{';
	wh_json_free(&t.j);
	wh_index_free(&trial);
	return yes;
}

void
wh_index_build(struct wh_index *ix, const char *data, size_t size, int threads)
{
	wh_index_build_prefix(ix, data, size, size, threads);
}

void
wh_index_build_prefix(struct wh_index *ix, const char *data, size_t size,
    size_t limit, int threads)
{
	struct walker w = { .ix = ix, .data = data, .size = size, .line = 1 };
	size_t pos;

	memset(ix, 0, sizeof *ix);
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		ix->body_start = 3;
	pos = skip_ws(data, ix->body_start, size);
	if (pos >= size || looks_like_jsonl(data, ix->body_start, size)) {
		ix->kind = WH_CONT_JSONL;
		if (limit < size) {
			const char *nl = memchr(data + limit, '\n', size - limit);
			size_t end = nl ? (size_t)(nl - data) + 1 : size;
			ix->partial = end < size;
			size = end;
		}
		index_jsonl(ix, data, size, threads);
		return;
	}
	w.counted = 0;
	if (data[pos] == '[') {
		ix->kind = WH_CONT_ARRAY;
		walk_values(&w, pos + 1, 0, ']');
	} else if (data[pos] == '{' && is_keyed(&w, pos)) {
		ix->kind = WH_CONT_KEYED;
		walk_values(&w, pos + 1, 1, '}');
	} else {
		ix->kind = WH_CONT_STREAM;
		walk_values(&w, pos, 0, 0);
	}
	wh_json_free(&w.j);
}

void
wh_index_free(struct wh_index *ix)
{
	free(ix->entries);
	for (size_t i = 0; i < ix->n_junk; i++)
		free(ix->junk[i].reason);
	free(ix->junk);
	memset(ix, 0, sizeof *ix);
}
