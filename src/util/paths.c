/* XDG base folders and the shipped-data folder. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "whittle/buf.h"
#include "whittle/paths.h"

static const struct {
	const char *kind;
	const char *fallback;	/* under $HOME */
} xdg_defaults[] = {
	{ "STATE", ".local/state" },
	{ "CACHE", ".cache" },
	{ "DATA", ".local/share" },
	{ "CONFIG", ".config" },
};

char *
wh_xdg_dir(const char *kind)
{
	struct wh_buf b = {0};
	char var[32];
	const char *v, *home;

	snprintf(var, sizeof var, "XDG_%s_HOME", kind);
	v = getenv(var);
	if (v != NULL && v[0] == '/') {
		wh_buf_printf(&b, "%s/whittle", v);
		return wh_buf_take(&b);
	}
	home = getenv("HOME");
	if (home == NULL || home[0] == '\0')
		home = "/tmp";
	for (size_t i = 0; i < sizeof xdg_defaults / sizeof xdg_defaults[0]; i++)
		if (strcmp(xdg_defaults[i].kind, kind) == 0)
			wh_buf_printf(&b, "%s/%s/whittle", home, xdg_defaults[i].fallback);
	return wh_buf_take(&b);
}

char *
wh_datadir(void)
{
	char exe[PATH_MAX], build[PATH_MAX];
	const char *v = getenv("WHITTLE_DATADIR");
	ssize_t n;

	if (v != NULL && v[0] != '\0')
		return wh_xstrdup(v);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0 && realpath(WH_BUILDDIR, build) != NULL) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			if (strcmp(exe, build) == 0)
				return wh_abspath(WH_SRCDIR);
		}
	}
	return wh_xstrdup(WH_PKGDATADIR);
}

char *
wh_abspath(const char *path)
{
	char *r = realpath(path, NULL);

	return r ? r : wh_xstrdup(path);
}
