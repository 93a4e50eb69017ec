/* Themes: the element table, style strings as tmux writes them, theme files
 * (one `element style` a line, `inherit NAME`), and where themes are found. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "whittle/buf.h"
#include "whittle/file.h"
#include "whittle/paths.h"
#include "whittle/theme.h"

static const char *element_names[WH_NELEMENTS] = {
	"normal", "status", "message", "error", "header", "cursor", "gutter",
	"question", "answer", "gold", "title", "fold", "correct", "wrong",
	"edited", "bad", "pending", "progress", "mark.accept", "mark.reject",
	"mark.fix", "diff.add", "diff.del", "match", "help", "prompt", "border",
	"role.restate", "role.understand", "role.explore", "role.verify",
	"role.conclude", "flag.redundant", "flag.incorrect"
};

static const char *colour_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"brightblack", "brightred", "brightgreen", "brightyellow", "brightblue",
	"brightmagenta", "brightcyan", "brightwhite"
};

static const struct { const char *name; uint8_t bit; } attr_names[] = {
	{ "bold", WH_ATTR_BOLD }, { "dim", WH_ATTR_DIM },
	{ "underline", WH_ATTR_UNDERLINE }, { "reverse", WH_ATTR_REVERSE },
	{ "italics", WH_ATTR_ITALIC }, { "italic", WH_ATTR_ITALIC }
};

/* The built-in theme, in the file format: what a missing file falls back to
 * and what every theme starts from. */
static const char builtin_text[] =
	"status fg=black,bg=cyan\n"
	"message default\n"
	"error fg=red,bold\n"
	"header bold,underline\n"
	"cursor reverse\n"
	"gutter fg=brightblack\n"
	"question fg=brightwhite,bold\n"
	"answer fg=brightgreen\n"
	"gold fg=yellow\n"
	"title bold\n"
	"fold fg=brightblack,italics\n"
	"correct fg=green,bold\n"
	"wrong fg=red,bold\n"
	"edited fg=yellow,bold\n"
	"bad fg=red,reverse\n"
	"pending fg=brightblack\n"
	"progress fg=black,bg=green\n"
	"mark.accept fg=green\n"
	"mark.reject fg=red\n"
	"mark.fix fg=yellow\n"
	"diff.add fg=green\n"
	"diff.del fg=red\n"
	"match reverse,bold\n"
	"help default\n"
	"prompt bold\n"
	"border fg=brightblack\n"
	"role.restate fg=blue\n"
	"role.understand fg=cyan\n"
	"role.explore default\n"
	"role.verify fg=green\n"
	"role.conclude fg=magenta,bold\n"
	"flag.redundant fg=yellow,dim\n"
	"flag.incorrect fg=red\n";

const char *
wh_theme_element_name(enum wh_element e)
{
	return (unsigned)e < WH_NELEMENTS ? element_names[e] : NULL;
}

int
wh_theme_element(const char *name)
{
	for (int i = 0; i < WH_NELEMENTS; i++)
		if (strcmp(element_names[i], name) == 0)
			return i;
	return -1;
}

static int
parse_number(const char *s, int lo, int hi)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	return *end == '\0' && v >= lo && v <= hi ? (int)v : -1;
}

static int
parse_colour(const char *s, int32_t *out)
{
	if (strcmp(s, "default") == 0 || strcmp(s, "terminal") == 0) {
		*out = WH_COLOUR_DEFAULT;
		return 0;
	}
	for (int i = 0; i < 16; i++)
		if (strcmp(s, colour_names[i]) == 0) {
			*out = i;
			return 0;
		}
	if (strncmp(s, "colour", 6) == 0 || strncmp(s, "color", 5) == 0) {
		int v = parse_number(s + (s[4] == 'u' ? 6 : 5), 0, 255);
		*out = v;
		return v < 0 ? -1 : 0;
	}
	if (s[0] == '#' && strlen(s) == 7 && strspn(s + 1, "0123456789abcdefABCDEF") == 6) {
		*out = WH_COLOUR_RGB | (int32_t)strtol(s + 1, NULL, 16);
		return 0;
	}
	return -1;
}

static int
parse_word(const char *w, struct wh_style *s)
{
	if (strncmp(w, "fg=", 3) == 0)
		return parse_colour(w + 3, &s->fg);
	if (strncmp(w, "bg=", 3) == 0)
		return parse_colour(w + 3, &s->bg);
	if (strcmp(w, "none") == 0 || strcmp(w, "default") == 0) {
		*s = (struct wh_style){ WH_COLOUR_DEFAULT, WH_COLOUR_DEFAULT, 0 };
		return 0;
	}
	for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
		if (strcmp(w, attr_names[i].name) == 0) {
			s->attrs |= attr_names[i].bit;
			return 0;
		}
	return -1;
}

int
wh_style_parse(const char *text, struct wh_style *s, struct wh_error *err)
{
	char word[64];
	const char *p = text;

	*s = (struct wh_style){ WH_COLOUR_DEFAULT, WH_COLOUR_DEFAULT, 0 };
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof word)
			return wh_error_set(err, "", 0, "bad style \"%s\"", text);
		memcpy(word, p, n);
		word[n] = '\0';
		if (parse_word(word, s) < 0)
			return wh_error_set(err, "", 0, "unknown style word \"%s\"", word);
		p += n + (p[n] == ',');
	}
	return 0;
}

/* Split a line into its first word and the rest, trimmed; false if blank
 * or a comment. */
static bool
split_line(char *line, char **key, char **val)
{
	char *p = line + strspn(line, " \t");
	size_t n;

	if (*p == '\0' || *p == '#')
		return false;
	*key = p;
	p += strcspn(p, " \t");
	if (*p)
		*p++ = '\0';
	p += strspn(p, " \t");
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		p[--n] = '\0';
	*val = p;
	return true;
}

static int
apply_line(struct wh_theme *t, char *line, wh_theme_resolve_fn resolve,
    void *arg, struct wh_error *err)
{
	char *key, *val;
	int el;

	if (!split_line(line, &key, &val))
		return 0;
	if (strcmp(key, "inherit") == 0) {
		if (resolve == NULL)
			return wh_error_set(err, "", 0, "inherit is not allowed here");
		return resolve(arg, val, t, err);
	}
	if ((el = wh_theme_element(key)) < 0)
		return wh_error_set(err, "", 0, "unknown element \"%s\"", key);
	if (*val == '\0')
		return wh_error_set(err, "", 0, "no style for \"%s\"", key);
	return wh_style_parse(val, &t->el[el], err);
}

int
wh_theme_parse(struct wh_theme *t, const char *text, size_t len,
    const char *file, wh_theme_resolve_fn resolve, void *arg,
    struct wh_error *err)
{
	size_t off = 0;
	long lineno = 0;

	/* the byte order mark some editors start a UTF-8 file with */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		off = 3;
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		char *line = wh_xstrndup(text + off, n);
		struct wh_error e = {0};
		int rc;

		lineno++;
		rc = apply_line(t, line, resolve, arg, &e);
		free(line);
		if (rc < 0)
			return wh_error_set(err, e.file[0] ? e.file : file,
			    e.line ? e.line : lineno, "%s", e.msg);
		off += n + 1;
	}
	return 0;
}

void
wh_theme_builtin(struct wh_theme *t)
{
	memset(t, 0, sizeof *t);
	for (int i = 0; i < WH_NELEMENTS; i++)
		t->el[i] = (struct wh_style){ WH_COLOUR_DEFAULT, WH_COLOUR_DEFAULT, 0 };
	wh_theme_parse(t, builtin_text, sizeof builtin_text - 1, "builtin", NULL,
	    NULL, NULL);
	snprintf(t->name, sizeof t->name, "builtin");
}

static char *
user_dir(void)
{
	char *cfg = wh_xdg_dir("CONFIG");
	struct wh_buf b = {0};

	wh_buf_printf(&b, "%s/themes", cfg);
	free(cfg);
	return wh_buf_take(&b);
}

static bool
valid_name(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL &&
	    strlen(name) < 60;
}

/* The file theme name lives in, or NULL. */
static char *
find_theme(const char *name, const char *datadir)
{
	char *dir = user_dir();
	struct wh_buf b = {0};

	wh_buf_printf(&b, "%s/%s.theme", dir, name);
	free(dir);
	if (access(b.data, R_OK) == 0)
		return wh_buf_take(&b);
	wh_buf_clear(&b);
	wh_buf_printf(&b, "%s/themes/%s.theme", datadir, name);
	if (access(b.data, R_OK) == 0)
		return wh_buf_take(&b);
	wh_buf_free(&b);
	return NULL;
}

struct loader {
	const char *datadir;
	int depth;
};

static int load_into(struct loader *l, const char *name, struct wh_theme *t,
    struct wh_error *err);

static int
resolve(void *arg, const char *name, struct wh_theme *t, struct wh_error *err)
{
	return load_into(arg, name, t, err);
}

static int
load_into(struct loader *l, const char *name, struct wh_theme *t,
    struct wh_error *err)
{
	struct wh_map m;
	char *path;
	int rc;

	if (!valid_name(name))
		return wh_error_set(err, "", 0, "bad theme name \"%s\"", name);
	if (l->depth > 8)
		return wh_error_set(err, "", 0, "themes inherit in a loop at \"%s\"", name);
	if ((path = find_theme(name, l->datadir)) == NULL) {
		if (strcmp(name, "builtin") == 0)
			return 0;
		return wh_error_set(err, "", 0, "no theme called \"%s\"", name);
	}
	if (wh_map_open(&m, path, err) < 0) {
		free(path);
		return -1;
	}
	l->depth++;
	rc = wh_theme_parse(t, m.data, m.size, path, resolve, l, err);
	l->depth--;
	wh_map_close(&m);
	free(path);
	return rc;
}

int
wh_theme_load(struct wh_theme *t, const char *name, const char *datadir,
    struct wh_error *err)
{
	struct loader l = { datadir, 0 };
	struct wh_theme nt;

	wh_theme_builtin(&nt);
	if (load_into(&l, name, &nt, err) < 0)
		return -1;
	snprintf(nt.name, sizeof nt.name, "%s", name);
	*t = nt;
	return 0;
}

static void
list_dir(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len <= 6 || strcmp(e->d_name + len - 6, ".theme") != 0 ||
		    e->d_name[0] == '.')
			continue;
		*names = wh_xrealloc(*names, (*n + 1) * sizeof **names);
		(*names)[(*n)++] = wh_xstrndup(e->d_name, len - 6);
	}
	closedir(d);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
wh_theme_list(const char *datadir, size_t *n)
{
	char **names = NULL, *dir = user_dir();
	struct wh_buf b = {0};
	size_t k = 0;

	*n = 0;
	list_dir(dir, &names, n);
	free(dir);
	wh_buf_printf(&b, "%s/themes", datadir);
	list_dir(b.data, &names, n);
	wh_buf_free(&b);
	if (*n == 0)
		return names;
	qsort(names, *n, sizeof *names, by_name);
	for (size_t i = 0; i < *n; i++) {
		if (k > 0 && strcmp(names[k - 1], names[i]) == 0)
			free(names[i]);
		else
			names[k++] = names[i];
	}
	*n = k;
	return names;
}
