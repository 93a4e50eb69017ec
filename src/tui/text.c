/* Display widths of UTF-8 text and word wrapping, for every view that draws
 * trace text. */
#include <stdbool.h>
#include <stdlib.h>
#include <wchar.h>

#include "tui/text.h"
#include "whittle/buf.h"

size_t
wh_tui_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] < 0xe0)
		len = 2, c = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] < 0xf0)
		len = 3, c = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] < 0xf5)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		goto bad;
	if (len > n)
		goto bad;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}

int
wh_tui_cpwidth(uint32_t cp)
{
	int w;

	if (cp < 0x20 || cp == 0x7f)
		return 1;
	if (cp < 0x7f)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

size_t
wh_tui_width(const char *s, size_t n)
{
	size_t w = 0, i = 0;
	uint32_t cp;

	while (i < n) {
		i += wh_tui_decode(s + i, n - i, &cp);
		w += (size_t)wh_tui_cpwidth(cp);
	}
	return w;
}

size_t
wh_tui_fit(const char *s, size_t n, size_t cols, size_t *used)
{
	size_t w = 0, i = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = wh_tui_decode(s + i, n - i, &cp);
		int cw = wh_tui_cpwidth(cp);
		if (w + (size_t)cw > cols)
			break;
		w += (size_t)cw;
		i += len;
	}
	if (used)
		*used = w;
	return i;
}

static void
push_line(struct wh_tui_line **lines, size_t *n, size_t start, size_t end)
{
	*lines = wh_xrealloc(*lines, (*n + 1) * sizeof **lines);
	(*lines)[(*n)++] = (struct wh_tui_line){ start, end };
}

/* Wrap one paragraph s[from..to) (no newlines). */
static void
wrap_paragraph(const char *s, size_t from, size_t to, size_t cols,
    struct wh_tui_line **lines, size_t *n)
{
	size_t start = from, i = from, w = 0, last_space = 0;
	bool have_space = false;

	while (i < to) {
		uint32_t cp;
		size_t len = wh_tui_decode(s + i, to - i, &cp);
		size_t cw = (size_t)wh_tui_cpwidth(cp);

		if (w + cw > cols && i > start) {
			size_t end = have_space ? last_space : i;
			push_line(lines, n, start, end);
			start = end;
			while (start < to && s[start] == ' ')
				start++;
			i = start;
			w = 0;
			have_space = false;
			continue;
		}
		if (cp == ' ') {
			last_space = i;
			have_space = i > start;
		}
		w += cw;
		i += len;
	}
	push_line(lines, n, start, to);
}

void
wh_tui_wrap(const char *s, size_t n, size_t cols,
    struct wh_tui_line **lines, size_t *n_lines)
{
	size_t from = 0;

	if (cols < 1)
		cols = 1;
	for (;;) {
		size_t to = from;
		while (to < n && s[to] != '\n')
			to++;
		wrap_paragraph(s, from, to, cols, lines, n_lines);
		if (to >= n)
			break;
		from = to + 1;
	}
}
