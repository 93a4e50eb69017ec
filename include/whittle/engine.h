/* The background engine: a daemon that runs jobs (training, evaluation,
 * external trainers) one folder a run, and serves their state and metrics
 * over a Unix socket that only its own user may use. */
#ifndef WHITTLE_ENGINE_H
#define WHITTLE_ENGINE_H

#include <stdbool.h>
#include <sys/types.h>

#include "whittle/error.h"

#define WH_ENGINE_MAX_JOBS 64

struct wh_engine_options {
	int max_jobs;		/* jobs that run at once, 1 to WH_ENGINE_MAX_JOBS */
	/* Check the arguments of a builtin job (argv[0]: train, eval, run,
	 * step or lua) as its command would, without running it: print what
	 * is wrong on stderr and return an exit status, 0 when they are fine.
	 * The engine calls it at submit, in a child process in the job's
	 * folder, and refuses the job with what it printed. files: also
	 * check that the files it reads exist (not for a job that waits for
	 * other runs, which may write them). NULL: no check. */
	int (*check)(int argc, char **argv, bool files);
};

/* The engine's runtime folder: $XDG_RUNTIME_DIR/whittle, or
 * /tmp/whittle-UID when XDG_RUNTIME_DIR is unset. With create, it is made
 * (mode 0700). It must be a real folder owned by this user with no group or
 * other access, else -1 with err set (and *dir NULL). Without create, -2
 * when it does not exist (no engine runs; *dir is still set). Caller frees
 * *dir. */
int wh_engine_runtime_dir(char **dir, bool create, struct wh_error *err);
/* dir/engine.sock. Caller frees. */
char *wh_engine_socket_path(const char *dir);

/* Serve in this process until a shutdown request or SIGTERM/SIGINT: take
 * the engine lock (an engine already running is an error naming its pid),
 * mark the runs a dead engine left unfinished interrupted (those waiting
 * for other runs go on waiting), listen, and run jobs. ready_fd, when >= 0, gets "ok\n" once the socket listens, or the
 * error message, and is closed. Returns 0, or -1 with err set. */
int wh_engine_serve(const struct wh_engine_options *o, int ready_fd,
    struct wh_error *err);

/* Start a detached engine process (fork, setsid, serve) and wait until it
 * listens. Returns its pid, or -1 with err set (e.g. one already runs). */
pid_t wh_engine_start(const struct wh_engine_options *o, struct wh_error *err);

#endif
