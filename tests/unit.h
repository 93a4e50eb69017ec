/* A tiny harness for the C unit tests: CHECK records a failure with its
 * line and goes on; main returns the exit status automake expects. */
#ifndef WHITTLE_TESTS_UNIT_H
#define WHITTLE_TESTS_UNIT_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int unit_failures, unit_checks;

#define CHECK(cond) do { \
	unit_checks++; \
	if (!(cond)) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	unit_checks++; \
	if (g_ == NULL || strcmp(g_, w_) != 0) { \
		unit_failures++; \
		fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
		    g_ ? g_ : "(null)", w_); \
	} \
} while (0)

static inline int
unit_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}

/* The shared real data beside the source tree ($SRCDIR/../shared/data)
 * into dir; when it is absent (a user's clone), say the test skips and
 * return -1: the caller exits 77. */
static inline int
unit_data_dir(char *dir, size_t size)
{
	const char *src = getenv("SRCDIR");

	snprintf(dir, size, "%s/../shared/data", src ? src : WH_SRCDIR);
	if (access(dir, R_OK) == 0)
		return 0;
	printf("SKIP: %s: %s (the real data lives in shared/data beside the "
	    "repository)\n", dir, strerror(errno));
	return -1;
}

/* Write text to a fresh file under $TMPDIR and return its path (static). */
static inline const char *
unit_file(const char *name, const void *data, size_t len)
{
	static char path[4096];
	const char *tmp = getenv("TMPDIR");
	FILE *f;

	snprintf(path, sizeof path, "%s/whittle-unit-%d-%s", tmp ? tmp : "/tmp",
	    (int)getpid(), name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(99);
	}
	fclose(f);
	return path;
}

#endif
