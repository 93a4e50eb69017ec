/* Errors as values: a function that can fail fills a wh_error with the file,
 * line and message the user should see, and returns non-zero. Only main and
 * the UI decide how an error is shown. */
#ifndef WHITTLE_ERROR_H
#define WHITTLE_ERROR_H

#include <stddef.h>
#include <stdint.h>

struct wh_error {
	char file[512];		/* file the problem is in, or "" */
	long line;		/* 1-based line in that file, or 0 */
	char msg[512];
};

/* A bad line of an input file, and why: what a reader skipped. */
struct wh_bad {
	uint32_t line;
	char *reason;
};

/* How many skipped lines a reader notes, beside their count. */
#define WH_BAD_KEPT 5

/* Set err (if not NULL) to a formatted message; returns -1 for "return". */
int wh_error_set(struct wh_error *err, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Like wh_error_set, appending ": strerror(errno_value)". */
int wh_error_sys(struct wh_error *err, const char *file, int errno_value,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Say that the error err already holds is in file (line 0), its message
 * kept; returns -1 for "return". */
int wh_error_in(struct wh_error *err, const char *file);

/* Write "FILE:LINE: msg" (parts that are empty left out) into out. */
void wh_error_format(const struct wh_error *err, char *out, size_t size);

#endif
