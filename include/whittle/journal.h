/* The journal of unsaved edits: an append-only file of JSON lines under
 * $XDG_STATE_HOME/whittle/journal/, one per dataset file. Its first line
 * identifies the file the edits apply to; every edit is written and synced
 * before it is acknowledged, so a crash loses no acknowledged edit. A torn
 * last line (a crash inside an append) is ignored on replay. */
#ifndef WHITTLE_JOURNAL_H
#define WHITTLE_JOURNAL_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "whittle/error.h"
#include "whittle/file.h"

/* What identifies a file's contents well enough to notice a change. */
struct wh_file_ident {
	uint64_t size;
	int64_t mtime_ns;
	uint64_t hash;		/* of the first and last MiB */
};

struct wh_journal {
	int fd;
	char *path;
};

void wh_file_ident_of(const struct wh_map *m, struct wh_file_ident *id);

/* The journal file for the dataset at abs_path (caller frees). */
char *wh_journal_path_for(const char *abs_path);

/* Start a new journal at jpath for source, identified by id. */
int wh_journal_create(struct wh_journal **out, const char *jpath,
    const char *source, const struct wh_file_ident *id, struct wh_error *err);
/* Open the journal at jpath to go on appending to it, first cutting off a
 * torn last line, which would swallow the next operation appended. */
int wh_journal_reopen(struct wh_journal **out, const char *jpath,
    struct wh_error *err);
/* Append one operation object and sync it. */
int wh_journal_append(struct wh_journal *j, const cJSON *op,
    struct wh_error *err);
void wh_journal_close(struct wh_journal *j);

/* Lines of a journal that hold no operation (a damaged file): how many,
 * and the number of the first. */
struct wh_journal_damage {
	long lines;
	long first;
};

/* Read jpath: the header's identity into id, then each operation to fn;
 * a damaged line is counted in dmg and skipped (each operation stands on
 * its own). Returns the number of operations; -1 with err set when jpath
 * cannot be read or its first line is no journal's header; -2 when it
 * holds no whole line (cut off as it was created, before any edit). */
long wh_journal_replay(const char *jpath, struct wh_file_ident *id,
    int (*fn)(void *arg, const cJSON *op), void *arg,
    struct wh_journal_damage *dmg, struct wh_error *err);

#endif
