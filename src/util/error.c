/* Error values: formatting a message with the place it is about. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "whittle/error.h"

static void
set_place(struct wh_error *err, const char *file, long line)
{
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
}

int
wh_error_set(struct wh_error *err, const char *file, long line,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	set_place(err, file, line);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int
wh_error_in(struct wh_error *err, const char *file)
{
	if (err)
		set_place(err, file, 0);
	return -1;
}

int
wh_error_sys(struct wh_error *err, const char *file, int errno_value,
    const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (err == NULL)
		return -1;
	set_place(err, file, 0);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof err->msg - n, "%s%s",
	    n ? ": " : "", strerror(errno_value));
	return -1;
}

void
wh_error_format(const struct wh_error *err, char *out, size_t size)
{
	if (err->file[0] && err->line > 0)
		snprintf(out, size, "%s:%ld: %s", err->file, err->line, err->msg);
	else if (err->file[0])
		snprintf(out, size, "%s: %s", err->file, err->msg);
	else
		snprintf(out, size, "%s", err->msg);
}
