/* Tests of the workbench's text measures: widths of ASCII, CJK, emoji and
 * combining marks, fitting text to a width, and word wrapping; and of its
 * help texts (each command's paragraph of whittle.1). */
#include <locale.h>
#include <stdlib.h>

#include "tui/cmds.h"
#include "tui/text.h"
#include "unit.h"

static void
test_width(void)
{
	const char *cjk = "\xe4\xb8\xad\xe6\x96\x87";	/* 中文 */
	const char *emoji = "\xf0\x9f\x98\x80";		/* 😀 */
	const char *comb = "e\xcc\x81";			/* e + combining acute */

	CHECK(wh_tui_width("abc", 3) == 3);
	CHECK(wh_tui_width(cjk, 6) == 4);
	CHECK(wh_tui_width(emoji, 4) == 2);
	CHECK(wh_tui_width(comb, 3) == 1);
	CHECK(wh_tui_width("\xff", 1) == 1);		/* a bad byte shows as one */
	CHECK(wh_tui_width("\xe4\xb8", 2) == 2);	/* cut sequence: two bad bytes */
}

static void
test_fit(void)
{
	const char *s = "a\xe4\xb8\xad\xe6\x96\x87";	/* a中文 */
	size_t used;

	CHECK(wh_tui_fit(s, 7, 2, &used) == 1 && used == 1);	/* 中 does not fit */
	CHECK(wh_tui_fit(s, 7, 3, &used) == 4 && used == 3);
	CHECK(wh_tui_fit(s, 7, 100, &used) == 7 && used == 5);
}

static void
test_wrap(void)
{
	struct wh_tui_line *l = NULL;
	size_t n = 0;
	const char *s = "one two three four";

	wh_tui_wrap(s, strlen(s), 10, &l, &n);
	CHECK(n == 2);
	CHECK(n == 2 && l[0].start == 0 && l[0].end == 7);	/* "one two" */
	CHECK(n == 2 && l[1].start == 8 && l[1].end == 18);	/* "three four" */
	free(l), l = NULL, n = 0;
	wh_tui_wrap("abcdefghij", 10, 4, &l, &n);		/* no space: cut */
	CHECK(n == 3 && l[2].end - l[2].start == 2);
	free(l), l = NULL, n = 0;
	wh_tui_wrap("a\n\nb", 4, 10, &l, &n);			/* newlines break */
	CHECK(n == 3 && l[1].start == l[1].end);
	free(l), l = NULL, n = 0;
	wh_tui_wrap("", 0, 10, &l, &n);
	CHECK(n == 1);
	free(l), l = NULL, n = 0;
	/* CJK wraps by width: 中文中文中 is 10 columns */
	const char *c = "\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad";
	wh_tui_wrap(c, strlen(c), 5, &l, &n);
	CHECK(n == 3 && l[0].end == 6);
	free(l);
}

/* Every command of the workbench has its paragraph of whittle(1), the
 * text :help COMMAND shows. */
static void
test_help_texts(void)
{
	size_t n;
	const struct wh_command *c = wh_tui_commands(&n);

	for (size_t k = 0; k < n; k++) {
		const struct wh_tui_help_text *h = wh_tui_help_texts;
		while (h->name && strcmp(h->name, c[k].name) != 0)
			h++;
		if (h->name == NULL)
			fprintf(stderr, "whittle.1 has no paragraph for :%s\n", c[k].name);
		CHECK(h->name != NULL && strlen(h->text) > 10);
	}
}

int
main(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	test_width();
	test_fit();
	test_wrap();
	test_help_texts();
	return unit_done("test-tui-text");
}
