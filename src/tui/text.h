/* Terminal text: the display width of UTF-8 (CJK and emoji take two
 * columns, combining marks none), cutting text to a width, and wrapping
 * paragraphs into screen lines. Pure; needs a UTF-8 LC_CTYPE for wcwidth. */
#ifndef WH_TUI_TEXT_H
#define WH_TUI_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decode the character at s[0..n) (n > 0): its code point in *cp, its byte
 * length returned (1 for a bad byte, whose *cp is U+FFFD). */
size_t wh_tui_decode(const char *s, size_t n, uint32_t *cp);

/* Columns code point cp takes: 0 for combining marks, 2 for wide ones; a
 * control character counts 1 (it is drawn as a replacement). */
int wh_tui_cpwidth(uint32_t cp);

/* Columns s[0..n) takes. */
size_t wh_tui_width(const char *s, size_t n);

/* How many bytes of s[0..n) fit in cols columns without splitting a
 * character; *used gets their width (may be NULL). */
size_t wh_tui_fit(const char *s, size_t n, size_t cols, size_t *used);

/* One screen line of wrapped text: bytes [start, end) of the text. */
struct wh_tui_line {
	size_t start, end;
};

/* Wrap s[0..n) to cols columns (>= 1): breaks at spaces where it can, inside
 * words where it must, and at every newline. Appends to *lines (realloc'd,
 * *n_lines updated); an empty text gives one empty line. */
void wh_tui_wrap(const char *s, size_t n, size_t cols,
    struct wh_tui_line **lines, size_t *n_lines);

#endif
