/* Unit tests of finding records in the four containers. */
#include "unit.h"
#include "whittle/buf.h"
#include "whittle/container.h"

static void
index_of(struct wh_index *ix, const char *text, int threads)
{
	wh_index_build(ix, text, strlen(text), threads);
}

static int
entry_is(const char *text, const struct wh_entry *e, const char *want, uint32_t line)
{
	return e->len == strlen(want) && memcmp(text + e->start, want, e->len) == 0 &&
	    e->line == line;
}

int
main(void)
{
	struct wh_index ix;
	const char *t;

	/* JSON lines: blank lines, CRLF, BOM, no final newline. */
	t = "\xEF\xBB\xBF{\"a\":1}\r\n\r\n  \n{\"a\":2}\n{\"a\":3}";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_JSONL && ix.n == 3 && ix.body_start == 3);
	CHECK(entry_is(t, &ix.entries[0], "{\"a\":1}", 1));
	CHECK(entry_is(t, &ix.entries[1], "{\"a\":2}", 4));
	CHECK(entry_is(t, &ix.entries[2], "{\"a\":3}", 5));
	wh_index_free(&ix);

	/* A bad first line does not turn JSON lines into a stream. */
	t = "{\"a\":\n{\"a\":2}\n{\"a\":3}\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_JSONL && ix.n == 3);
	wh_index_free(&ix);

	/* One array of records, pretty-printed. */
	t = "[\n  {\"a\": 1},\n  {\"a\": [2,\n 3]}\n]\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_ARRAY && ix.n == 2 && ix.n_junk == 0);
	CHECK(entry_is(t, &ix.entries[0], "{\"a\": 1}", 2));
	CHECK(entry_is(t, &ix.entries[1], "{\"a\": [2,\n 3]}", 3));
	wh_index_free(&ix);

	/* A bad element is junk; the next one is found again. */
	t = "[\n  {\"a\": 1},\n  {\"a\": oops},\n  {\"a\": 3}\n]";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_ARRAY && ix.n == 2 && ix.n_junk == 1);
	CHECK(ix.n_junk == 1 && ix.junk[0].line == 3);
	CHECK(ix.n == 2 && entry_is(t, &ix.entries[1], "{\"a\": 3}", 4));
	wh_index_free(&ix);

	/* A bad last element: the array's ']' still closes it, at the
	   elements' column or left of it; no "not closed" past the end. */
	t = "[\n  {\"a\": 1},\n  {\"a\": oops}\n]\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_ARRAY && ix.n == 1 && ix.n_junk == 1);
	CHECK(ix.n_junk == 1 && ix.junk[0].line == 3);
	wh_index_free(&ix);
	t = "[\n{\"a\": 1},\n{\"a\": oops}\n]\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_ARRAY && ix.n == 1 && ix.n_junk == 1);
	wh_index_free(&ix);
	/* The same in a keyed object; a member's own '}' at the members'
	   column does not close the object. */
	t = "{\n  \"p1\": {\"x\": 1},\n  \"p2\": {\"x\": 2},\n  \"p3\": {\n"
	    "    \"x\": oops\n  }\n}\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_KEYED && ix.n == 2 && ix.n_junk == 1);
	wh_index_free(&ix);
	t = "{\n  \"p1\": {\"x\": 1},\n  \"p2\": {\n    \"x\": oops\n  },\n"
	    "  \"p3\": {\"x\": 3}\n}\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_KEYED && ix.n == 2 && ix.n_junk == 1);
	wh_index_free(&ix);

	/* An array that never closes. */
	t = "[\n  {\"a\": 1},\n";
	index_of(&ix, t, 1);
	CHECK(ix.n == 1 && ix.n_junk == 1);
	CHECK(ix.n_junk == 1 && strcmp(ix.junk[0].reason, "the array is not closed") == 0);
	wh_index_free(&ix);

	/* An object of records keyed by id. */
	t = "{\n \"p1\": {\"x\": 1},\n \"p2\": {\"x\": 2}\n}\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_KEYED && ix.n == 2);
	CHECK(entry_is(t, &ix.entries[1], "{\"x\": 2}", 3));
	wh_index_free(&ix);

	/* A keyed object with a broken record, and one cut short: the other
	   records are read, the broken one is named by its line. */
	t = "{\n \"p1\": {\"x\": 1},\n \"p2\": {\"x\": \"\xff\"},\n \"p3\": {\n  \"x\": 3\n }\n}\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_KEYED && ix.n == 2 && ix.n_junk == 1);
	CHECK(ix.n == 2 && entry_is(t, &ix.entries[1], "{\n  \"x\": 3\n }", 4));
	CHECK(ix.n_junk == 1 && ix.junk[0].line == 3 &&
	    strcmp(ix.junk[0].reason, "invalid JSON at column 15: invalid UTF-8 in string") == 0);
	wh_index_free(&ix);
	t = "{\n \"p1\": {\"x\": 1},\n \"p2\": {\"x\": 2},\n \"p3\": {\"x\": ";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_KEYED && ix.n == 2 && ix.n_junk == 2);
	wh_index_free(&ix);

	/* A record with no ',' after it: the next one is still found. */
	t = "[\n  {\"a\": 1} x\n  {\"a\": 2}\n]\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_ARRAY && ix.n == 2 && ix.n_junk == 1);
	wh_index_free(&ix);

	/* One record on its own (values are not all objects). */
	t = "{\n \"problem\": \"p\",\n \"q\": {\"x\": 1}\n}\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_STREAM && ix.n == 1 && ix.entries[0].line == 1);
	wh_index_free(&ix);

	/* Concatenated pretty-printed objects, one of them broken. */
	t = "{\n  \"a\": 1\n}\n{\n  \"a\": \n}\n{\n  \"a\": 3\n}\n";
	index_of(&ix, t, 1);
	CHECK(ix.kind == WH_CONT_STREAM && ix.n == 2 && ix.n_junk == 1);
	CHECK(ix.n == 2 && ix.entries[1].line == 7);
	CHECK(ix.n_junk == 1 && ix.junk[0].line == 6);
	wh_index_free(&ix);

	/* Empty and blank files hold no records. */
	index_of(&ix, "", 1);
	CHECK(ix.n == 0 && ix.n_junk == 0);
	wh_index_free(&ix);
	index_of(&ix, "\n\n  \n", 1);
	CHECK(ix.n == 0);
	wh_index_free(&ix);

	/* Threads split JSON lines the same way one thread does. */
	struct wh_buf big = {0};
	for (int i = 0; i < 300000; i++)
		wh_buf_printf(&big, i % 7 == 0 ? "\n" : "{\"i\":%d,\"pad\":\"xxxxxxxx\"}\r\n", i);
	struct wh_index one, four;
	wh_index_build(&one, big.data, big.len, 1);
	wh_index_build(&four, big.data, big.len, 4);
	CHECK(big.len > (4u << 20));
	CHECK(one.n == four.n && one.n > 250000);
	CHECK(one.n == four.n &&
	    memcmp(one.entries, four.entries, one.n * sizeof *one.entries) == 0);
	wh_index_free(&one);
	wh_index_free(&four);
	wh_buf_free(&big);
	return unit_done("container");
}
