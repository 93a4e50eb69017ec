/* Answer normalisation as the MATH graders do it (Hendrycks' strip_string
 * and the Qwen-math harness): a chain of small rewrites of the answer text,
 * each one a function over a buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "answer-impl.h"

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')
#define IS_ALPHA(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))

/* The first n[0..nn) (nn > 0) in h[0..hn), or NULL: answers are short,
 * and libc's memmem sets up tables for each call that cost more than the
 * search. */
static const char *
find(const char *h, size_t hn, const char *n, size_t nn)
{
	const char *p = h, *end = h + hn;

	while (end - p >= (ptrdiff_t)nn && (p = memchr(p, n[0], (size_t)(end - p) - nn + 1))) {
		if (memcmp(p + 1, n + 1, nn - 1) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* Replace every from by to in b; whether there was one. */
static bool
replace(struct wh_buf *b, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), i = 0;
	struct wh_buf out = {0};
	bool any = false;

	if (b->len < nf || !find(b->data, b->len, from, nf))
		return false;
	while (i + nf <= b->len) {
		if (memcmp(b->data + i, from, nf) == 0) {
			wh_buf_add(&out, to, nt);
			i += nf;
			any = true;
		} else
			wh_buf_addc(&out, b->data[i++]);
	}
	if (!any) {
		wh_buf_free(&out);
		return false;
	}
	wh_buf_add(&out, b->data + i, b->len - i);
	wh_buf_free(b);
	*b = out;
	return true;
}

/* Replace b's bytes [s, e) by p[0..n). */
static void
splice(struct wh_buf *b, size_t s, size_t e, const char *p, size_t n)
{
	struct wh_buf out = {0};

	if (s == e && n == 0)
		return;	/* trim's usual case: nothing to cut */
	wh_buf_add(&out, b->data, s);
	wh_buf_add(&out, p, n);
	wh_buf_add(&out, b->data + e, b->len - e);
	wh_buf_free(b);
	*b = out;
}

size_t
wh_answer_group_end(const char *s, size_t len, size_t open)
{
	int depth = 0;

	for (size_t i = open; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && --depth == 0)
			return i + 1;
	}
	return 0;
}

static void
trim(struct wh_buf *b)
{
	size_t s = 0, e = b->len;

	/* The sets strchr looked in, with their '\0'. */
	while (s < e && (IS_SPACE(b->data[s]) || b->data[s] == '\0'))
		s++;
	while (e > s && (IS_SPACE(b->data[e - 1]) || b->data[e - 1] == '.' ||
	    b->data[e - 1] == '\0'))
		e--;
	splice(b, e, b->len, "", 0);
	splice(b, 0, s, "", 0);
}

/* Peel delimiters that wrap the whole answer: $..$, \(..\), \boxed{..}. */
static void
strip_wrappers(struct wh_buf *b)
{
	static const char *const pairs[][2] = {
		{ "$$", "$$" }, { "$", "$" }, { "\\(", "\\)" }, { "\\[", "\\]" },
		{ "\\boxed{", "}" }, { "\\fbox{", "}" }
	};

	if (b->len == 0 || (b->data[0] != '$' && b->data[0] != '\\'))
		return;	/* every opener starts so */
	for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
		size_t lo = strlen(pairs[k][0]), lc = strlen(pairs[k][1]);
		if (b->len < lo + lc || memcmp(b->data, pairs[k][0], lo) != 0 ||
		    memcmp(b->data + b->len - lc, pairs[k][1], lc) != 0)
			continue;
		if (pairs[k][0][lo - 1] == '{' &&
		    wh_answer_group_end(b->data, b->len, lo - 1) != b->len)
			continue;
		splice(b, b->len - lc, b->len, "", 0);
		splice(b, 0, lo, "", 0);
		trim(b);
		k = (size_t)-1;
	}
}

/* The set of bytes of b. */
static void
present(const struct wh_buf *b, uint64_t bytes[4])
{
	memset(bytes, 0, 4 * sizeof bytes[0]);
	for (size_t i = 0; i < b->len; i++)
		bytes[(unsigned char)b->data[i] >> 6] |= 1ull << ((unsigned char)b->data[i] & 63);
}

/* Whether every byte of s is in the set bytes (made by present). */
static bool
all_present(const uint64_t bytes[4], const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (!(bytes[*p >> 6] >> (*p & 63) & 1))
			return false;
	return true;
}

/* Rewrites that need no context. */
static void
plain_rewrites(struct wh_buf *b)
{
	static const char *const rw[][2] = {
		{ "\\\\", ";" }, { "&", "," }, { "\n", " " }, { "\\!", "" },
		{ "\\,", "" }, { "\\;", "" },
		{ "\\:", "" }, { "\\ ", " " }, { "~", " " }, { "\\displaystyle", "" },
		{ "\\left", "" }, { "\\right", "" }, { "\\bigl", "" }, { "\\bigr", "" },
		{ "\\dfrac", "\\frac" }, { "\\tfrac", "\\frac" },
		{ "^{\\circ}", "" }, { "^\\circ", "" }, { "\xc2\xb0", "" },
		{ "\\%", "%" }, { "\\$", "" }, { "$", "" }, { "{,}", "" },
		{ "\\cdot", "*" }, { "\\times", "*" }, { "\\div", "/" },
		{ "\xcf\x80", "\\pi" }, { "\xe2\x88\x9a", "\\sqrt" },
		{ "\xe2\x88\x92", "-" }, { "\xc3\x97", "*" }, { "\xc2\xb7", "*" },
		{ "\xc3\xb7", "/" }, { "\xe2\x88\x9e", "\\infty" },
		{ "\xc2\xb2", "^2" }, { "\xc2\xb3", "^3" },
		{ "\\begin{pmatrix}", "[" }, { "\\end{pmatrix}", "]" },
		{ "\\begin{bmatrix}", "[" }, { "\\end{bmatrix}", "]" },
	};

	uint64_t bytes[4];	/* the bytes b holds, as bits */

	present(b, bytes);
	for (size_t k = 0; k < sizeof rw / sizeof rw[0]; k++) {
		if (!all_present(bytes, rw[k][0]))
			continue;	/* answers are short: most rules cannot match */
		if (replace(b, rw[k][0], rw[k][1]))
			present(b, bytes);
	}
	if (b->len && memchr(b->data, '%', b->len))
		replace(b, "%", "");
}

/* \text{...}, \textbf, \mathrm, \mbox: units after a value are dropped,
 * anything else keeps its content. */
static void
text_commands(struct wh_buf *b)
{
	static const char *const cmds[] = { "\\text{", "\\textbf{", "\\mathrm{",
		"\\mbox{", "\\textnormal{", "\\mathbf{" };

	if (!b->len || !memchr(b->data, '\\', b->len))
		return;	/* no command */
	for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
		size_t n = strlen(cmds[k]);
		const char *p;
		while (b->len && (p = find(b->data, b->len, cmds[k], n)) != NULL) {
			size_t s = (size_t)(p - b->data), close;
			close = wh_answer_group_end(b->data, b->len, s + n - 1);
			if (close == 0)
				break;
			bool units = s > 0 && close == b->len && strcmp(cmds[k], "\\textbf{") &&
			    (IS_DIGIT(b->data[s - 1]) || b->data[s - 1] == ' ' ||
			    b->data[s - 1] == '}');
			if (units)
				splice(b, s, close, "", 0);
			else {
				splice(b, close - 1, close, "", 0);
				splice(b, s, s + n, "", 0);
			}
		}
	}
}

/* "18 dollars", "5 cm": a number followed by words keeps the number. */
static void
number_units(struct wh_buf *b)
{
	size_t i = 0;

	if (i < b->len && b->data[i] == '-')
		i++;
	if (i == b->len || !IS_DIGIT(b->data[i]))
		return;
	while (i < b->len && (IS_DIGIT(b->data[i]) || b->data[i] == '.' || b->data[i] == ','))
		i++;
	if (i == b->len || b->data[i] != ' ')
		return;
	for (size_t j = i + 1; j < b->len; j++)
		if (!IS_ALPHA(b->data[j]) && b->data[j] != ' ' && b->data[j] != '.')
			return;
	splice(b, i, b->len, "", 0);
}

static void
remove_spaces(struct wh_buf *b)
{
	size_t o = 0;

	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] != ' ' && b->data[i] != '\t' && b->data[i] != '\r')
			b->data[o++] = b->data[i];
	b->len = o;
	if (b->data)
		b->data[o] = '\0';
}

/* "x=3" -> "3", "x\in[1,2]" -> "[1,2]" when the left side is one name. */
static void
left_side(struct wh_buf *b)
{
	size_t i = 0;

	if (b->len && b->data[0] == '\\')
		for (i = 1; i < b->len && IS_ALPHA(b->data[i]); i++)
			;
	else
		while (i < b->len && (IS_ALPHA(b->data[i]) || b->data[i] == '_' ||
		    (i > 0 && IS_DIGIT(b->data[i]))))
			i++;
	if (i == 0 || i > 8)
		return;
	if (i < b->len && b->data[i] == '=' && memchr(b->data + i + 1, '=', b->len - i - 1) == NULL)
		splice(b, 0, i + 1, "", 0);
	else if (b->len - i > 3 && memcmp(b->data + i, "\\in", 3) == 0 &&
	    !IS_ALPHA(b->data[i + 3]))
		splice(b, 0, i + 3, "", 0);
}

/* \frac12 -> \frac{1}{2}, \frac1{x} -> \frac{1}{x}, \sqrt3 -> \sqrt{3}. */
static void
brace_arguments(struct wh_buf *b)
{
	static const struct { const char *cmd; int args; } cmds[] = {
		{ "\\frac", 2 }, { "\\sqrt", 1 }
	};

	if (!b->len || !memchr(b->data, '\\', b->len))
		return;	/* no command */
	for (size_t k = 0; k < 2; k++) {
		size_t n = strlen(cmds[k].cmd);
		for (size_t i = 0; i + n <= b->len; i++) {
			if (memcmp(b->data + i, cmds[k].cmd, n) != 0)
				continue;
			size_t j = i + n;
			for (int a = 0; a < cmds[k].args && j < b->len; a++) {
				if (b->data[j] == '{') {
					size_t e = wh_answer_group_end(b->data, b->len, j);
					if (e == 0)
						return;
					j = e;
				} else if (!strchr("[(\\", b->data[j])) {
					char arg[4] = { '{', b->data[j], '}', 0 };
					splice(b, j, j + 1, arg, 3);
					j += 3;
				} else
					break;
			}
		}
	}
}

/* Whether b is a plain decimal number, maybe with thousands commas. */
static bool
plain_number(const struct wh_buf *b, bool *commas)
{
	size_t i = b->len && b->data[0] == '-', digits = 0, group = 0;
	bool dot = false;

	*commas = false;
	for (; i < b->len; i++) {
		char c = b->data[i];
		if (IS_DIGIT(c)) {
			digits++;
			group++;
		} else if (c == ',' && !dot && digits && (*commas ? group == 3 : group <= 3)) {
			*commas = true;
			group = 0;
		} else if (c == '.' && !dot) {
			if (*commas && group != 3)
				return false;
			dot = true;
			group = 3;
		} else
			return false;
	}
	return digits > 0 && (!*commas || group == 3 || dot);
}

/* "1,000.50" -> "1000.5", "18.0" -> "18", ".5" -> "0.5". */
static void
number_form(struct wh_buf *b)
{
	bool commas;

	if (b->len && b->data[0] == '.')
		splice(b, 0, 0, "0", 1);
	else if (b->len > 1 && b->data[0] == '-' && b->data[1] == '.')
		splice(b, 1, 1, "0", 1);
	if (!plain_number(b, &commas))
		return;
	if (commas)
		replace(b, ",", "");
	if (!memchr(b->data, '.', b->len))
		return;
	while (b->data[b->len - 1] == '0')
		b->len--;
	if (b->data[b->len - 1] == '.')
		b->len--;
	b->data[b->len] = '\0';
}

/* "3/4" -> "\frac{3}{4}" when both sides are integers. */
static void
slash_fraction(struct wh_buf *b)
{
	char *slash = memchr(b->data, '/', b->len);
	size_t i, k;

	if (!slash)
		return;
	k = (size_t)(slash - b->data);
	for (i = b->data[0] == '-'; i < b->len; i++)
		if (i != k && !IS_DIGIT(b->data[i]))
			return;
	if (k == (size_t)(b->data[0] == '-') || k + 1 == b->len)
		return;
	struct wh_buf out = {0};
	wh_buf_printf(&out, "%s\\frac{%.*s}{%s}", b->data[0] == '-' ? "-" : "",
	    (int)(k - (b->data[0] == '-')), b->data + (b->data[0] == '-'), slash + 1);
	wh_buf_free(b);
	*b = out;
}

/* "(A)" -> "A". */
static void
choice_form(struct wh_buf *b)
{
	if (b->len == 3 && b->data[0] == '(' && b->data[2] == ')' &&
	    b->data[1] >= 'A' && b->data[1] <= 'Z')
		splice(b, 0, 3, b->data + 1, 1);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A set "\{b,a\}" or a bare list "b,a" gets its elements sorted. */
static void
sort_set(struct wh_buf *b)
{
	struct wh_answer_list l;
	bool set = b->len > 4 && memcmp(b->data, "\\{", 2) == 0;

	if (b->len == 0 || !memchr(b->data, ',', b->len))
		return;	/* no list, or one split at ';' only */
	if (!wh_answer_split(b->data, b->len, &l) || l.n < 2 ||
	    !(set || l.open[0] == 0) || memchr(l.seps, ';', l.n))
		return;
	char *el[WH_ANSWER_MAXLIST];
	for (size_t i = 0; i < l.n; i++)
		el[i] = wh_xstrndup(b->data + l.start[i], l.end[i] - l.start[i]);
	qsort(el, l.n, sizeof el[0], cmp_str);
	struct wh_buf out = {0};
	wh_buf_add(&out, l.open, strlen(l.open));
	for (size_t i = 0; i < l.n; i++) {
		wh_buf_printf(&out, "%s%s", i ? "," : "", el[i]);
		free(el[i]);
	}
	wh_buf_add(&out, l.close, strlen(l.close));
	wh_buf_free(b);
	*b = out;
}

void
wh_answer_normalize(const char *s, size_t len, struct wh_buf *out)
{
	struct wh_buf b = {0};

	wh_buf_add(&b, s, len);
	trim(&b);
	strip_wrappers(&b);
	plain_rewrites(&b);
	text_commands(&b);
	trim(&b);
	strip_wrappers(&b);
	number_units(&b);
	remove_spaces(&b);
	left_side(&b);
	brace_arguments(&b);
	number_form(&b);
	slash_fraction(&b);
	choice_form(&b);
	sort_set(&b);
	wh_buf_add(out, b.data ? b.data : "", b.len);
	wh_buf_free(&b);
}
