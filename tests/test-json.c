/* Unit tests of the offset-recording JSON parser. */
#include "unit.h"
#include "whittle/buf.h"
#include "whittle/json.h"
#include "whittle/utf8.h"

static int
parses(const char *text)
{
	struct wh_json j = {0};
	struct wh_jerror e;
	int ok = wh_json_parse(&j, text, strlen(text), &e) == 0;

	wh_json_free(&j);
	return ok;
}

static const char *
error_of(const char *text, size_t len)
{
	struct wh_json j = {0};
	struct wh_jerror e = {0};
	const char *msg = wh_json_parse(&j, text, len, &e) == 0 ? "ok" : e.msg;

	wh_json_free(&j);
	return msg;
}

/* Does every string node's count equal the code points of its decoded
 * text? Strings of random pieces, long enough to cross the parser's
 * 64-byte blocks at every offset. */
static int
counts_agree(unsigned seed)
{
	static const char *const pieces[] = {
		"a", " ", "\\n", "\\\\", "\\\"", "\\/", "\\u00e9", "\\ud83d\\ude00",
		"\\ud83d", "\\ude00", "\\ud83d\\u0041", "\xc3\xa9", "\xe4\xb8\xad",
		"\xf0\x9f\x98\x80", "0123456789abcdef",
	};
	char text[4096];
	struct wh_json j = {0};
	struct wh_jerror e;
	struct wh_buf b = {0};
	int ok = 1;

	for (int round = 0; round < 2000; round++) {
		size_t n = 0, k = (size_t)(rand_r(&seed) % 120);
		text[n++] = '"';
		for (size_t i = 0; i < k; i++) {
			const char *p = pieces[rand_r(&seed) % (sizeof pieces / sizeof *pieces)];
			memcpy(text + n, p, strlen(p));
			n += strlen(p);
		}
		text[n++] = '"';
		if (wh_json_parse(&j, text, n, &e) < 0)
			return 0;
		b.len = 0;
		wh_json_string(&j, 0, &b);
		ok &= j.nodes[0].count == wh_utf8_count(b.data ? b.data : "", b.len);
	}
	wh_buf_free(&b);
	wh_json_free(&j);
	return ok;
}

/* Is a fault found, with its message and offset, wherever it falls in a
 * long string: before, across and after the 64-byte block boundaries,
 * among runs of backslashes and multi-byte characters? */
static int
faults_found_everywhere(void)
{
	static const struct { const char *bad, *msg; } faults[] = {
		{ "\\x", "bad escape in string" },
		{ "\\u12G4", "bad \\u escape in string" },
		{ "\x01", "control character in string" },
		{ "\xc3\x28", "invalid UTF-8 in string" },
		{ "\xe4\xb8", "invalid UTF-8 in string" },
		{ "\xed\xa0\x80", "invalid UTF-8 in string" },
		{ "\xe0\x80\x80", "invalid UTF-8 in string" },
		{ "\xf4\x90\x80\x80", "invalid UTF-8 in string" },
		{ "\xbf", "invalid UTF-8 in string" },
	};
	static const char *const fill[] = { "a", "\\\\", "\\n", "\xe4\xb8\xad" };
	char text[512];
	int ok = 1;

	for (size_t f = 0; f < sizeof faults / sizeof *faults; f++)
		for (size_t w = 0; w < sizeof fill / sizeof *fill; w++)
			for (size_t k = 0; k < 140; k++) {
				size_t n = 0, at;
				text[n++] = '"';
				while (n < k + 1) {
					memcpy(text + n, fill[w], strlen(fill[w]));
					n += strlen(fill[w]);
				}
				at = n;
				memcpy(text + n, faults[f].bad, strlen(faults[f].bad));
				n += strlen(faults[f].bad);
				memset(text + n, 'z', 100);
				n += 100;
				text[n++] = '"';

				struct wh_json j = {0};
				struct wh_jerror e = {0};
				int rc = wh_json_parse(&j, text, n, &e);
				wh_json_free(&j);
				/* A cut character at the end is seen at its lead byte. */
				if (rc == 0 || strcmp(e.msg, faults[f].msg) != 0 ||
				    e.offset != at) {
					fprintf(stderr, "fault %zu fill %zu at %zu: %s at %zu\n",
					    f, w, at, rc == 0 ? "ok" : e.msg, e.offset);
					ok = 0;
				}
			}
	return ok;
}

int
main(void)
{
	struct wh_json j = {0};
	struct wh_jerror e;
	struct wh_buf b = {0};
	const char *doc = " {\"a\": [1, 2.5e3, \"x\"], \"b\": {\"c~/\": null}, "
	    "\"big\": 12345678901234567890, \"inf\": 1e400, \"s\": \"caf\\u00e9 \\ud83d\\ude00\"} ";

	CHECK(wh_json_parse(&j, doc, strlen(doc), &e) == 0);
	CHECK(j.nodes[0].type == WH_JOBJECT && j.nodes[0].count == 5);
	CHECK(j.nodes[0].start == 1 && j.nodes[0].end == strlen(doc) - 1);
	long a = wh_json_member(&j, 0, "a");
	CHECK(a > 0 && j.nodes[a].type == WH_JARRAY && j.nodes[a].count == 3);
	long two = wh_json_element(&j, a, 1);
	CHECK(two > 0 && j.nodes[two].type == WH_JNUMBER);
	CHECK(memcmp(doc + j.nodes[two].start, "2.5e3", 5) == 0);
	CHECK(wh_json_pointer(&j, "/a/2") == wh_json_element(&j, a, 2));
	CHECK(wh_json_pointer(&j, "/b/c~0~1") > 0);
	CHECK(j.nodes[wh_json_pointer(&j, "/b/c~0~1")].type == WH_JNULL);
	CHECK(wh_json_pointer(&j, "/a/3") == -1);
	CHECK(wh_json_pointer(&j, "/a/01") == -1);
	CHECK(wh_json_pointer(&j, "/nope") == -1);
	CHECK(wh_json_pointer(&j, "") == 0);
	/* Numbers keep their text: nothing is re-serialised. */
	long big = wh_json_member(&j, 0, "big");
	CHECK(j.nodes[big].end - j.nodes[big].start == 20);
	long inf = wh_json_member(&j, 0, "inf");
	CHECK(memcmp(doc + j.nodes[inf].start, "1e400", 5) == 0);
	long s = wh_json_member(&j, 0, "s");
	CHECK(j.nodes[s].escaped);
	wh_json_string(&j, s, &b);
	CHECK_STR(b.data, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	CHECK(wh_json_string_eq(&j, s - 1, "s"));

	/* Quoting round-trips through the parser. */
	const char nasty[] = "a\"b\\c\n\t\x01 \xe4\xb8\xad";
	wh_buf_clear(&b);
	wh_json_quote(&b, nasty, sizeof nasty - 1);
	CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001 \xe4\xb8\xad\"");
	CHECK(wh_json_parse(&j, b.data, b.len, &e) == 0);
	struct wh_buf back = {0};
	wh_json_string(&j, 0, &back);
	CHECK(back.len == sizeof nasty - 1 && memcmp(back.data, nasty, back.len) == 0);
	wh_buf_free(&back);

	/* Every position of a 40-byte text, on both sides of the 16-byte
	   blocks the quoting scans: what must be escaped is, what need not
	   (DEL, bytes from 0x80) is copied, and the text round-trips. */
	const char special[] = "\"\\\n\x1f\x7f\x80\xff";
	const size_t grows[] = { 1, 1, 1, 5, 0, 0, 0 };
	for (size_t k = 0; k < sizeof special - 1; k++)
		for (size_t at = 0; at < 40; at++) {
			char text[40];
			memset(text, 'a', sizeof text);
			text[at] = special[k];
			wh_buf_clear(&b);
			wh_json_quote(&b, text, sizeof text);
			CHECK(b.len == sizeof text + 2 + grows[k]);
			CHECK(wh_json_parse(&j, b.data, b.len, &e) == 0 || special[k] & 0x80);
			if (special[k] & 0x80)
				continue;	/* a lone 0x80 or 0xff is no UTF-8 */
			wh_json_string(&j, 0, &back);
			CHECK(back.len == sizeof text && memcmp(back.data, text, back.len) == 0);
			wh_buf_free(&back);
		}

	/* A lone surrogate decodes to U+FFFD. */
	CHECK(wh_json_parse(&j, "\"\\ud800x\"", 9, &e) == 0);
	wh_buf_clear(&b);
	wh_json_string(&j, 0, &b);
	CHECK_STR(b.data, "\xef\xbf\xbdx");

	/* Valid and invalid texts. */
	CHECK(parses("[]") && parses("{}") && parses("-0.5E+2") && parses("\"\""));
	CHECK(parses("[[[[]]]]") && parses("true") && parses(" null "));
	CHECK_STR(error_of("{\"a\":1,}", 8), "expected a member name");
	CHECK_STR(error_of("[1 2]", 5), "expected ',' or ']'");
	CHECK_STR(error_of("\"abc", 4), "unterminated string");
	CHECK_STR(error_of("\"a\\x\"", 5), "bad escape in string");
	CHECK_STR(error_of("\"a\\u12G4\"", 9), "bad \\u escape in string");
	CHECK_STR(error_of("\"a\x01\"", 4), "control character in string");
	CHECK_STR(error_of("\"a\0b\"", 5), "NUL byte in string");
	CHECK_STR(error_of("\"\xc3\x28\"", 4), "invalid UTF-8 in string");
	CHECK_STR(error_of("\"\xed\xa0\x80\"", 5), "invalid UTF-8 in string");	/* surrogate */
	CHECK_STR(error_of("\"\xc0\xaf\"", 4), "invalid UTF-8 in string");	/* overlong */
	CHECK_STR(error_of("\"\xe2\x82\"", 4), "invalid UTF-8 in string");	/* cut short */
	CHECK_STR(error_of("01", 2), "text after the JSON value");
	CHECK_STR(error_of("1.", 2), "bad number");
	CHECK_STR(error_of("tru", 3), "unexpected character");
	CHECK_STR(error_of("{} x", 4), "text after the JSON value");
	CHECK_STR(error_of("", 0), "no JSON value");
	CHECK_STR(error_of("[1,", 3), "unexpected end inside a value");
	/* The two-byte character right before the closing quote. */
	CHECK_STR(error_of("\"\xc3\xa9\"", 4), "ok");

	/* Deep nesting is refused, not a stack overflow. */
	char deep[2001];
	memset(deep, '[', 1000);
	memset(deep + 1000, ']', 1000);
	deep[2000] = '\0';
	CHECK_STR(error_of(deep, 2000), "nesting too deep");

	/* A prefix parse reports how much it used. */
	size_t used;
	CHECK(wh_json_parse_prefix(&j, "{\"a\":1}\n{\"b\":2}", 15, &used, &e) == 0 && used == 7);

	/* A line parse: one value, then a newline or the end; a value that
	   would go on past a newline, or more after it, is not a line. */
	CHECK(wh_json_parse_line(&j, " {\"a\":1} \r\n{\"b\":2}", 17, &used, &e) == 0 &&
	    used == 10 && j.len == 10);
	CHECK(wh_json_parse_line(&j, "{\"a\":[1,\"x\"]}", 13, &used, &e) == 0 && used == 13);
	CHECK(wh_json_parse_line(&j, "{\"a\":\n1}\n", 9, &used, &e) < 0);
	CHECK(wh_json_parse_line(&j, "{\"a\":\"x\ny\"}\n", 12, &used, &e) < 0);
	CHECK(wh_json_parse_line(&j, "{\"a\":1} x\n", 10, &used, &e) < 0);
	CHECK(wh_json_parse_line(&j, "  \n{\"a\":1}", 10, &used, &e) < 0);
	CHECK(wh_json_parse(&j, "{\"a\":\n1}", 8, &e) == 0);	/* elsewhere a newline is space */

	/* Long strings take the 16-byte path: specials at every position. */
	for (int k = 0; k < 40; k++) {
		struct wh_buf t = {0};
		wh_buf_addc(&t, '"');
		for (int i = 0; i < 40; i++)
			wh_buf_adds(&t, i == k ? "\\n" : "x");
		wh_buf_addc(&t, '"');
		CHECK(wh_json_parse(&j, t.data, t.len, &e) == 0);
		wh_buf_clear(&b);
		wh_json_string(&j, 0, &b);
		CHECK(b.len == 40 && b.data[k] == '\n');
		wh_buf_free(&t);
	}
	wh_buf_free(&b);
	wh_json_free(&j);
	CHECK(counts_agree(1));
	CHECK(counts_agree(2));
	CHECK(faults_found_everywhere());
	return unit_done("json");
}
