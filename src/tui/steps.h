/* Lua steps from the workbench: `:run STEP [k=v ...]` on the current trace
 * (the result shown as a diff, then kept as one undoable edit or
 * discarded) and `:run --all STEP [k=v ...]` over the whole file in a child
 * process (a progress bar in the status line; the output is a new file
 * beside the dataset, opened side by side). A Lua error shows its
 * traceback and never ends the workbench. */
#ifndef WH_TUI_STEPS_H
#define WH_TUI_STEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "whittle/buf.h"
#include "whittle/script.h"
#include "whittle/trace.h"

struct wh_tui;

struct wh_tui_steps {
	/* runs on one trace, in the UI's own Lua state */
	struct wh_script *script;	/* made on first use */
	struct wh_script_env env;
	char *user_steps;
	struct wh_step_info *infos;	/* for completion, read on first use */
	size_t n_infos;
	const char **names;
	uint64_t max_instructions;	/* per record and step call; 0: none */
	bool pending;			/* a result waits for keep or discard */
	size_t entry;
	char *text[WH_NFIELDS];		/* the result's changed fields, or NULL */
	size_t len[WH_NFIELDS];
	char what[80];

	/* the run over the whole file */
	pid_t pid;			/* 0: none */
	int fd;				/* its reports */
	char step[64];
	char *out_path, *tmp_path;
	size_t done, total, records, outputs, dropped, errors;
	struct wh_buf line;		/* a report line being read */
	char *first_error;		/* of a record, or the run's failure */
	bool failed;
};

/* The entries of the list's rows for which the Lua expression expr holds,
 * as the filter step sees it (labels, fields, tokens, chars), into v (room
 * for every row) and *n. Returns -1 after saying on the message line what
 * is wrong with it (or with the first record it failed on). */
int wh_tui_lua_filter(struct wh_tui *app, const char *expr, size_t *v, size_t *n);
/* Run the command line's `:run` arguments. */
void wh_tui_run(struct wh_tui *app, char *args);
/* The names of the steps (shipped and the user's), n of them. */
const char *const *wh_tui_step_names(struct wh_tui *app, size_t *n);
/* Keep (true) or discard the result waiting in the diff view. */
void wh_tui_run_keep(struct wh_tui *app, bool keep);
/* The descriptor of the running job's reports, or -1. */
int wh_tui_job_fd(const struct wh_tui *app);
/* Read the job's reports; finish it when it is over. */
void wh_tui_job_poll(struct wh_tui *app);
/* Stop a running job (removing its partial output) and free everything. */
/* The instruction limit of the steps run from now on (0: none). */
void wh_tui_steps_limit(struct wh_tui *app, uint64_t max_instructions);
void wh_tui_steps_free(struct wh_tui *app);

#endif
