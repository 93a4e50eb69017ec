/* Tests of themes: style strings, theme files with inherit, the shipped
 * themes loading cleanly, user themes overriding shipped ones. */
#include <locale.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "unit.h"
#include "whittle/theme.h"

static void
test_style(void)
{
	struct wh_style s;
	struct wh_error err = {0};

	CHECK(wh_style_parse("fg=red,bg=colour236,bold,underline", &s, &err) == 0);
	CHECK(s.fg == 1 && s.bg == 236);
	CHECK(s.attrs == (WH_ATTR_BOLD | WH_ATTR_UNDERLINE));
	CHECK(wh_style_parse("fg=#ff8000", &s, &err) == 0);
	CHECK(s.fg == (WH_COLOUR_RGB | 0xff8000));
	CHECK(wh_style_parse("none", &s, &err) == 0 && s.fg == WH_COLOUR_DEFAULT && s.attrs == 0);
	CHECK(wh_style_parse("fg=brightwhite,reverse", &s, &err) == 0 && s.fg == 15);
	CHECK(wh_style_parse("fg=colour256", &s, &err) < 0);
	CHECK(wh_style_parse("blink", &s, &err) < 0);
	CHECK(strstr(err.msg, "blink") != NULL);
	CHECK(wh_style_parse("fg=red,,bold", &s, &err) < 0);
}

static void
test_parse(void)
{
	struct wh_theme t;
	struct wh_error err = {0};
	const char good[] = "# comment\n\nstatus   fg=white,bg=blue\nrole.verify bold  \n";
	const char bad[] = "status fg=white\nnosuch bold\n";

	wh_theme_builtin(&t);
	CHECK(wh_theme_parse(&t, good, sizeof good - 1, "x.theme", NULL, NULL, &err) == 0);
	CHECK(t.el[WH_EL_STATUS].fg == 7 && t.el[WH_EL_STATUS].bg == 4);
	CHECK(t.el[WH_EL_ROLE_VERIFY].attrs == WH_ATTR_BOLD);
	CHECK(wh_theme_parse(&t, bad, sizeof bad - 1, "x.theme", NULL, NULL, &err) < 0);
	CHECK(err.line == 2 && strcmp(err.file, "x.theme") == 0);
	/* a file a Windows editor saved: byte order mark, CR LF */
	const char bom[] = "\xef\xbb\xbfstatus fg=red\r\nheader bold\r\n";
	CHECK(wh_theme_parse(&t, bom, sizeof bom - 1, "x.theme", NULL, NULL, &err) == 0);
	CHECK(t.el[WH_EL_STATUS].fg == 1 && t.el[WH_EL_HEADER].attrs == WH_ATTR_BOLD);
	CHECK(wh_theme_element("role.conclude") == WH_EL_ROLE_CONCLUDE);
	CHECK(wh_theme_element("nope") == -1);
	for (int e = 0; e < WH_NELEMENTS; e++)
		CHECK(wh_theme_element(wh_theme_element_name((enum wh_element)e)) == e);
}

static void
test_shipped(void)
{
	const char *names[] = { "default", "light", "high-contrast", "monochrome" };
	struct wh_theme t;
	struct wh_error err = {0};
	size_t n;
	char **list;

	for (size_t k = 0; k < 4; k++) {
		CHECK(wh_theme_load(&t, names[k], WH_SRCDIR, &err) == 0);
		if (err.msg[0])
			fprintf(stderr, "%s: %s:%ld: %s\n", names[k], err.file, err.line, err.msg);
	}
	CHECK(wh_theme_load(&t, "monochrome", WH_SRCDIR, &err) == 0);
	for (int e = 0; e < WH_NELEMENTS; e++)
		CHECK(t.el[e].fg == WH_COLOUR_DEFAULT && t.el[e].bg == WH_COLOUR_DEFAULT);
	CHECK(wh_theme_load(&t, "light", WH_SRCDIR, &err) == 0);
	CHECK(t.el[WH_EL_CURSOR].attrs == WH_ATTR_REVERSE);	/* inherited */
	CHECK(wh_theme_load(&t, "nosuch", WH_SRCDIR, &err) < 0);
	CHECK(wh_theme_load(&t, "../etc/passwd", WH_SRCDIR, &err) < 0);
	list = wh_theme_list(WH_SRCDIR, &n);
	CHECK(n >= 4);
	for (size_t k = 0; k < n; k++)
		free(list[k]);
	free(list);
}

static void
test_user_override(void)
{
	char dir[] = "/tmp/whittle-theme.XXXXXX", path[512];
	struct wh_theme t;
	struct wh_error err = {0};
	FILE *fp;

	CHECK(mkdtemp(dir) != NULL);
	setenv("XDG_CONFIG_HOME", dir, 1);
	snprintf(path, sizeof path, "%s/whittle", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/whittle/themes", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/whittle/themes/light.theme", dir);
	fp = fopen(path, "w");
	fputs("inherit default\nstatus fg=red\n", fp);
	fclose(fp);
	CHECK(wh_theme_load(&t, "light", WH_SRCDIR, &err) == 0);
	CHECK(t.el[WH_EL_STATUS].fg == 1 && t.el[WH_EL_STATUS].bg == WH_COLOUR_DEFAULT);
	fp = fopen(path, "w");
	fputs("inherit light\n", fp);
	fclose(fp);
	CHECK(wh_theme_load(&t, "light", WH_SRCDIR, &err) < 0);	/* a loop */
	unlink(path);
	snprintf(path, sizeof path, "%s/whittle/themes", dir);
	rmdir(path);
	snprintf(path, sizeof path, "%s/whittle", dir);
	rmdir(path);
	rmdir(dir);
}

int
main(void)
{
	setlocale(LC_ALL, "");
	test_style();
	test_parse();
	test_shipped();
	test_user_override();
	return unit_done("test-theme");
}
