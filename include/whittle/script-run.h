/* Running a pipeline over a dataset: worker threads, each with its own Lua
 * state, take blocks of records; the output is written in input order, so
 * the same inputs and seed give the same bytes whatever the thread count. */
#ifndef WHITTLE_SCRIPT_RUN_H
#define WHITTLE_SCRIPT_RUN_H

#include <stdio.h>

#include "whittle/scan.h"
#include "whittle/script.h"

struct wh_run_opts {
	const char *pipeline;	/* a pipeline file, or NULL for one step: */
	const char *step;	/* its name */
	int argc;		/* and its k=v arguments */
	char **argv;
	int threads;		/* >= 1 */
	size_t shard, shards;	/* 0-based shard of shards (1: everything) */
	bool dry_run;		/* count, write nothing */
	FILE *out;		/* where the records go (not used in a dry run) */
	FILE *sidecar;		/* or NULL; else out gets the source records
				   untouched and this their provenance */
	/* Record errors (one formatted line each, in input order). */
	void (*on_error)(void *arg, const char *msg);
	wh_progress_fn progress;
	void *arg;
};

struct wh_run_summary {
	size_t records;		/* traces read (generations count apart) */
	size_t bad;		/* entries that could not be read */
	size_t kept, dropped, split;	/* traces giving 1, 0, >1 outputs */
	size_t outputs, errors;
	size_t tokens_in, tokens_out;	/* with a tokenizer */
	struct wh_step_count *steps;	/* what each step did, over every state */
	size_t n_steps;
};

/* Run the pipeline of o over env->input. Fails (err set) when a state or the
 * pipeline cannot be made, or on a write error; record errors go to
 * o->on_error and are counted, and the run goes on. */
int wh_script_run(const struct wh_script_env *env, const struct wh_run_opts *o,
    struct wh_run_summary *sum, struct wh_error *err);
/* Free what wh_script_run allocated in sum. */
void wh_run_summary_free(struct wh_run_summary *sum);

#endif
