/* Embedded Lua 5.4: a state with the `whittle` module loaded, the sandbox
 * step files run in, the instruction limit, the step registry and pipelines.
 * One state belongs to one thread; many states may share one wh_script_env. */
#ifndef WHITTLE_SCRIPT_H
#define WHITTLE_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "whittle/buf.h"
#include "whittle/dataset.h"
#include "whittle/error.h"
#include "whittle/overrides.h"
#include "whittle/tokenizer.h"

/* The instruction limit a step gets unless the user sets another. */
#define WH_MAX_INSTRUCTIONS 100000000ull

/* What the states of one run share; read-only once states exist. */
struct wh_script_env {
	const char *datadir;	/* holds lua/whittle (wh_datadir()) */
	const char *user_steps;	/* the user's steps folder, or NULL */
	bool trust;		/* no sandbox: full io, os, package */
	uint64_t max_instructions;	/* per record and step call; 0: none */
	/* How the user raises it, for the error (NULL: --max-instructions). */
	const char *max_instructions_hint;
	uint64_t seed;
	const struct wh_tokenizer *tok;	/* --tokenizer, or NULL */
	const char *tok_path;
	struct wh_dataset *input;	/* the dataset a run reads, or NULL */
	/* The input's segment overrides (FILE.segments), which wh.segment.run
	   applies to its traces; NULL: none. */
	const struct wh_overrides *overrides;
	/* Where wh.log goes (NULL: stderr); called from the state's thread. */
	void (*log)(void *arg, const char *level, const char *msg);
	void *log_arg;
};

struct wh_script;

/* A new state over env (borrowed: it must outlive the state). Fails when
 * the shipped Lua cannot be loaded. */
int wh_script_new(struct wh_script **out, const struct wh_script_env *env,
    struct wh_error *err);
void wh_script_free(struct wh_script *s);

/* The state's lua_State, for tests and callers that push their own values. */
struct lua_State *wh_script_lua(struct wh_script *s);

/* Run the Lua file at path (trusted; args become `...`). Errors carry the
 * file and line of the failing code and a traceback in msg. */
int wh_script_dofile(struct wh_script *s, const char *path, int argc,
    char **argv, struct wh_error *err);

/* One parameter of a step, as declared. */
struct wh_step_param {
	char *name, *type, *def, *doc;	/* def is the default as text */
};

struct wh_step_info {
	char *name, *summary, *doc, *file;
	bool user;		/* the user's, not shipped */
	char *replaces;		/* the file of the shipped step of its name it
				   replaces, or NULL */
	struct wh_step_param *params;
	size_t n_params;
};

/* Every step: shipped ones, then the user's (which override a shipped step
 * of the same name), sorted by name. A step file that fails to load is left
 * out (wh_script_steps_broken says why). Free with wh_script_steps_free. */
int wh_script_steps(struct wh_script *s, struct wh_step_info **out, size_t *n,
    struct wh_error *err);
void wh_script_steps_free(struct wh_step_info *steps, size_t n);

/* The messages of the step files that failed to load, one a line, each
 * naming its file (and line); NULL when every file loaded. Free it. */
char *wh_script_steps_broken(struct wh_script *s);

/* Make the state run the pipeline in the file at path, or (when path is
 * NULL) the single step name with args "k=v". Checks every step and
 * parameter. */
int wh_script_pipeline(struct wh_script *s, const char *path, const char *name,
    int argc, char **argv, struct wh_error *err);

/* What applying the pipeline to one trace gave. */
/* What one step of a pipeline did over the records a state applied it to. */
struct wh_step_count {
	char name[64];
	size_t got, gave, dropped;	/* traces in, traces out, and traces in
					   that gave none out */
};

/* The counts of each step of s's pipeline so far, in a new array of *n
 * (free it). */
int wh_script_step_counts(struct wh_script *s, struct wh_step_count **out,
    size_t *n, struct wh_error *err);

struct wh_apply_result {
	size_t outputs;		/* records written (0: dropped) */
	size_t tokens_in, tokens_out;	/* thinking + answer, when env->tok */
};

/* Where wh_script_apply writes: out (NULL: nowhere, a dry run) gets each
 * output record as one JSON line with its provenance in a "whittle" field;
 * with side, out gets the source record untouched instead and side a line
 * of provenance and labels for each. */
struct wh_apply_out {
	struct wh_buf *out, *side;
	bool count_tokens;	/* fill tokens_in and tokens_out */
	bool traceback;		/* keep Lua's stack traceback in an error */
};

/* Apply the pipeline to trace t (dataset entry entry, source line line, raw
 * record bytes raw[0..len)), writing as o says. A failing step is an error
 * naming the step's file and line and the record's line; nothing of the
 * record is written then. */
int wh_script_apply(struct wh_script *s, const struct wh_trace *t, size_t entry,
    long line, const char *raw, size_t len, const struct wh_apply_out *o,
    struct wh_apply_result *r, struct wh_error *err);

#endif
