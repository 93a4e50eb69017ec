/* Files: read-only mappings of the files a user opens, and atomic saves
 * (temp file in the same folder, fsync, rename, fsync the folder) so that a
 * crash or a full disk never leaves a half-written file in place. */
#ifndef WHITTLE_FILE_H
#define WHITTLE_FILE_H

#include <stdint.h>
#include <stdio.h>

#include "whittle/error.h"

struct wh_map {
	const char *data;	/* NULL for an empty file */
	size_t size;
	int64_t mtime_ns;	/* of the file when mapped */
	int64_t inode;
};

/* Map path read-only. Returns 0, or -1 with err set. */
int wh_map_open(struct wh_map *m, const char *path, struct wh_error *err);

/* Append all that can be read from fd (a pipe, standard input) to out.
 * Returns 0, or -1 with errno set. */
struct wh_buf;
int wh_read_fd(int fd, struct wh_buf *out);
void wh_map_close(struct wh_map *m);

struct wh_atomic {
	FILE *fp;		/* where to write */
	FILE *plain;		/* with wh_atomic_gzip: the file under fp */
	char *path;		/* the destination */
	char *tmp;		/* the temp file beside it; NULL: written in place */
};

/* Start writing path through a temp file in the same folder. A symbolic
 * link is followed (the file it names is replaced, the link stays); what
 * is not a regular file (/dev/null, /dev/stdout, a FIFO) is written in
 * place, never replaced. */
int wh_atomic_open(struct wh_atomic *a, const char *path, struct wh_error *err);
/* Make what is written to a->fp from here on gzip-compressed (for a path
 * ending in .gz). */
int wh_atomic_gzip(struct wh_atomic *a, struct wh_error *err);
/* Decompress the gzip file at path (its members one after another, as gzip
 * -d does) to out. Returns 0 with damage[0] = '\0', or 0 with zlib's
 * complaint in damage when the data is damaged or cut short (what came
 * before it is written), or -1 with err set when path cannot be read. */
int wh_gunzip(const char *path, FILE *out, char *damage, size_t size,
    struct wh_error *err);
/* Flush, fsync, rename over path, fsync the folder. On failure the temp file
 * is removed and path is untouched (in place: only flush). Always releases
 * a. */
int wh_atomic_commit(struct wh_atomic *a, struct wh_error *err);
/* Give up: remove the temp file, leave path untouched. */
void wh_atomic_abort(struct wh_atomic *a);
/* Remove the temp files of the writes under way (the first sixteen):
 * async-signal-safe, for a handler of the signals that end the process. */
void wh_atomic_remove_pending(void);

/* Make path and its parents (mode 0700 for the ones created); a path that
 * is there but not a folder is an error. */
int wh_mkdirs(const char *path, struct wh_error *err);
/* fsync the folder that holds path. */
int wh_fsync_dir_of(const char *path, struct wh_error *err);

#endif
