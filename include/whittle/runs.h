/* The runs store: one folder a run under $XDG_DATA_HOME/whittle/runs/<id>/
 * holding run.json (spec and state, replaced atomically), metrics.jsonl
 * (appended a whole line per write) and log. kill -9 at any moment leaves
 * every file readable; at most the line being written is lost. */
#ifndef WHITTLE_RUNS_H
#define WHITTLE_RUNS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "whittle/error.h"
#include "whittle/metrics.h"

/* waiting: queued until the runs its spec's "after" names end done. */
enum wh_run_state {
	WH_RUN_QUEUED, WH_RUN_WAITING, WH_RUN_RUNNING, WH_RUN_DONE, WH_RUN_FAILED,
	WH_RUN_CANCELLED, WH_RUN_INTERRUPTED
};

#define WH_RUN_ID_MAX 32

struct wh_run {
	char id[WH_RUN_ID_MAX];
	enum wh_run_state state;
	char *name;		/* owned */
	cJSON *spec;		/* the job as submitted: backend, argv, ... (owned) */
	cJSON *data;		/* the datasets it reads, as they were when it was
				 * submitted, or NULL (owned) */
	double created, started, ended;	/* seconds since the epoch; 0 = not yet */
	int exit_status;	/* exit code, or -1 */
	int signal;		/* signal that ended it, or 0 */
	char *error;		/* why it failed, or NULL (owned) */
	char *cancelled_by;	/* the run it waited for whose end cancelled
				   it, or NULL (owned) */
	char *tail;		/* last lines of its output when it failed (owned) */
};

/* The folder of runs: $XDG_DATA_HOME/whittle/runs. Caller frees. */
char *wh_runs_root(void);
/* root/id/file (file may be NULL for the run's folder). Caller frees. */
char *wh_runs_path(const char *root, const char *id, const char *file);

/* "queued", "running", ... (a static string). */
const char *wh_runs_state_name(enum wh_run_state s);
/* True for done, failed, cancelled and interrupted. */
bool wh_runs_state_final(enum wh_run_state s);

/* Give r a fresh id, make its folder and write its run.json. */
int wh_runs_create(const char *root, struct wh_run *r, struct wh_error *err);
/* Replace run.json with r's fields (atomically). */
int wh_runs_save(const char *root, const struct wh_run *r, struct wh_error *err);
/* Read root/id/run.json into r (zeroed first; free with wh_runs_free). */
int wh_runs_load(const char *root, const char *id, struct wh_run *r,
    struct wh_error *err);
/* Free r's fields and zero it. */
void wh_runs_free(struct wh_run *r);
/* r as the JSON object of run.json (caller deletes). */
cJSON *wh_runs_json(const struct wh_run *r);

/* Every readable run, oldest first; folders without a
 * readable run.json are left out. Free with wh_runs_free_list. */
int wh_runs_list(const char *root, struct wh_run **runs, size_t *n,
    struct wh_error *err);
/* Free what wh_runs_list returned. */
void wh_runs_free_list(struct wh_run *runs, size_t n);

/* Append text (a line, ending in '\n') to root/id/log, after a newline
 * when the log ends without one. Errors are ignored: the log is not
 * worth failing a run for. */
void wh_runs_log_line(const char *root, const char *id, const char *text);

/* After a crash: mark queued and running runs interrupted (with a line at
 * the end of their log), and cut a line left half-written at the end of
 * their metrics.jsonl. Waiting runs stay waiting: the engine takes them
 * back into its queue. Returns how many were marked. */
int wh_runs_recover(const char *root, struct wh_error *err);

/* Appending points to a run's metrics.jsonl; seq counts its lines. */
struct wh_runs_metrics {
	int fd;
	uint64_t seq;		/* lines in the file: the seq of the last point */
};

/* Open root/id/metrics.jsonl for appending and count its whole lines. */
int wh_runs_metrics_open(const char *root, const char *id,
    struct wh_runs_metrics *w, struct wh_error *err);
/* Append m as one line with one write(2); returns its seq, or 0 with err. */
uint64_t wh_runs_metrics_append(struct wh_runs_metrics *w,
    const struct wh_metric *m, struct wh_error *err);
/* The highest step in root/id/metrics.jsonl (0 when it has none). */
int64_t wh_runs_metrics_top_step(const char *root, const char *id);
/* Close the file (w->fd becomes -1). */
void wh_runs_metrics_close(struct wh_runs_metrics *w);

#endif
