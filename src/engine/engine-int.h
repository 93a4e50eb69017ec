/* Inside the engine: its state, clients and their subscriptions, jobs and
 * the backend interface each kind of job (exec: any command; builtin:
 * whittle's own train, run and step) implements. One thread runs all of it
 * from one loop; every job is a child process. */
#ifndef WHITTLE_ENGINE_INT_H
#define WHITTLE_ENGINE_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "loop.h"
#include "whittle/buf.h"
#include "whittle/engine-proto.h"
#include "whittle/runs.h"

struct engine;
struct job;

/* A kind of job. check validates a submitted job object before a run is
 * made (the builtin backend runs the engine's check of its arguments); start launches it, and the backend then reports through
 * wh_engine_job_point, _log and _finish. tick runs every 100 ms while the
 * job runs; exited is told when the process in j->pid ends; cancel asks the
 * job to stop (it still ends through _finish); release frees its state.
 * resumable (NULL: never) says whether a run of this spec that ended
 * unfinished can start again where it stopped; start is then called with
 * j->resumed set. slot_free (NULL: never) marks jobs that mostly wait on
 * jobs they submit (a Lua script): they start at once and take none of the
 * engine's max_jobs, so they cannot hold the slot their own jobs wait for.
 * data (NULL: none) describes the datasets a job reads, for run.json. */
struct backend {
	const char *name;
	int (*check)(const struct engine *e, const cJSON *job, struct wh_error *err);
	bool (*resumable)(const cJSON *job);
	bool (*slot_free)(const cJSON *job);
	cJSON *(*data)(const cJSON *job);
	int (*start)(struct job *j, struct wh_error *err);
	void (*tick)(struct job *j);
	void (*exited)(struct job *j, int status);
	void (*cancel)(struct job *j);
	void (*release)(struct job *j);
};

extern const struct backend wh_engine_exec_backend, wh_engine_builtin_backend;

struct job {
	struct job *next;
	struct engine *eng;
	const struct backend *backend;
	void *state;		/* the backend's */
	pid_t pid;		/* the process it runs, or 0 */
	struct wh_run run;
	struct wh_runs_metrics metrics;
	int log_fd;
	struct wh_buf tail;	/* the last lines of output */
	int64_t step;		/* the highest step of its points */
	double max_steps;	/* its last "max_steps" point, or 0 */
	double loss, accuracy;	/* its last "loss" and "*acc*" points, or NaN */
	bool cancelling;
	bool resumed;		/* started again after it ended unfinished */
	uint64_t place;		/* queued: its place in the queue (lower first) */
	int met;		/* waiting: its first runs of after seen done */
	int64_t skip_step;	/* resumed: points up to this step are dropped */
};

struct sub {
	struct sub *next;
	char run[WH_RUN_ID_MAX];
	int fd;			/* the run's metrics.jsonl, -1 until it exists */
	off_t off;		/* bytes sent */
	uint64_t seq;		/* lines passed */
	uint64_t from;		/* the client has every seq up to this */
};

struct client {
	struct client *next;
	struct engine *eng;
	int fd;			/* its socket */
	struct wh_buf in, out;
	size_t out_off;		/* bytes of out already written */
	bool skipping;		/* discarding the rest of a line too long */
	bool eof;		/* it sent all it will: close once answered */
	bool refused;		/* another uid: told so, its input is dropped */
	struct sub *subs;
};

struct engine {
	struct wh_loop *loop;
	char *root;		/* the runs store */
	char *sock;		/* socket path */
	int listen_fd, lock_fd, sig_fd[2];
	int max_jobs;
	int (*check)(int argc, char **argv, bool files);	/* of builtin jobs' arguments */
	struct client *clients;
	struct job *jobs;	/* submitted since the engine started (and the
				 * runs left waiting before), oldest first */
	uint64_t tick;		/* the timer that polls running jobs */
	uint64_t places;	/* the queue places given so far */
	bool changed;		/* a job ended or came to wait or queue: the
				 * next schedule looks at the queue again */
};

/* jobs.c */
int wh_engine_submit(struct engine *e, const cJSON *job, struct job **out,
    struct wh_error *err);
int wh_engine_cancel(struct engine *e, const char *run, struct wh_error *err);
/* Queue again run, which ended unfinished, if its backend can resume it
 * or it never started, with the jobs cancelled while they waited for it. */
int wh_engine_resume(struct engine *e, const char *run, struct job **out,
    struct wh_error *err);
struct job *wh_engine_job(struct engine *e, const char *run);
void wh_engine_schedule(struct engine *e);
/* At start: take back the runs a past engine left waiting, as jobs (a
 * run of a backend this engine lacks is cancelled). */
int wh_engine_restore(struct engine *e, struct wh_error *err);
void wh_engine_stop_jobs(struct engine *e);
void wh_engine_free_jobs(struct engine *e);
/* For backends: a metric point, output for the log (whole lines or not),
 * and the end of the job. */
void wh_engine_job_point(struct job *j, const struct wh_metric *m);
void wh_engine_job_log(struct job *j, const char *text, size_t len);
void wh_engine_job_finish(struct job *j, enum wh_run_state state,
    int exit_status, int signal, const char *error);

/* exec.c: run the program file (NULL: args[0], looked up in PATH) with args
 * (NULL-ended) as j's process group, as the exec backend runs its argv:
 * with the spec's cwd and env and WHITTLE_RUN_DIR, WHITTLE_METRICS,
 * WHITTLE_RUN_ID; the functions after it are the exec backend's, for
 * backends that start their process this way. */
int wh_engine_exec_run(struct job *j, const char *file, char *const args[],
    struct wh_error *err);
int wh_engine_exec_check(const struct engine *e, const cJSON *job,
    struct wh_error *err);
void wh_engine_exec_tick(struct job *j);
void wh_engine_exec_exited(struct job *j, int status);
void wh_engine_exec_cancel(struct job *j);
void wh_engine_exec_release(struct job *j);

/* subs.c */
int wh_engine_subscribe(struct client *c, const char *run, uint64_t from,
    struct wh_error *err);
void wh_engine_unsubscribe(struct client *c, const char *run);
/* Send subscribers of run (NULL: of every run) what they have not seen. */
void wh_engine_notify(struct engine *e, const char *run);
void wh_engine_pump(struct client *c);
void wh_engine_free_subs(struct client *c);

/* server.c */
/* Write c's output when its socket can take it (from the loop, later). */
void wh_engine_client_kick(struct client *c);
void wh_engine_broadcast_state(struct engine *e, const struct wh_run *r);

/* ops.c */
void wh_engine_dispatch(struct client *c, const char *line, size_t len);

#endif
