/* The command line: one file a subcommand, each exporting a table entry, and
 * the helpers they share (errors, opening a dataset, progress bars). */
#ifndef WHITTLE_CLI_H
#define WHITTLE_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "whittle/dataset.h"

struct wh_cmd {
	const char *name;
	const char *summary;	/* one line for `whittle --help` */
	const char *usage;	/* the full text of `whittle NAME --help` */
	int (*exec)(const struct wh_cmd *self, int argc, char **argv);
};

extern const struct wh_cmd wh_cmd_stats, wh_cmd_show, wh_cmd_export;

/* Options every dataset command takes. */
struct wh_cli_common {
	const char *map, *layout;
	const char *tokenizer;	/* --tokenizer PATH: lengths in tokens too */
	int threads;
	bool json;
	bool help;
	size_t index_prefix;	/* for wh_cli_open: see wh_open_opts */
};

#define WH_CLI_COMMON_LONGOPTS \
	{ "map", required_argument, NULL, 'm' }, \
	{ "layout", required_argument, NULL, 'L' }, \
	{ "tokenizer", required_argument, NULL, 'k' }, \
	{ "threads", required_argument, NULL, 'j' }, \
	{ "json", no_argument, NULL, 'J' }, \
	{ "help", no_argument, NULL, 'h' }
#define WH_CLI_COMMON_SHORTOPTS "m:L:j:h"

enum { WH_EXIT_OK = 0, WH_EXIT_ERROR = 1, WH_EXIT_USAGE = 2 };

/* Handle a common option; returns 1 if c was one, -1 on a bad value. */
int wh_cli_common_opt(const struct wh_cmd *cmd, struct wh_cli_common *o, int c,
    const char *arg);
/* Print "whittle: message" and the usage line; returns WH_EXIT_USAGE. */
int wh_cli_usage(const struct wh_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* For getopt_long's answer c ('?' or ':', from an option string that
 * starts with ':' so that getopt prints nothing) about argv: print what
 * was wrong, "unknown option --x" or "option -o needs a value", and the
 * usage line; returns WH_EXIT_USAGE. */
int wh_cli_bad_option(const struct wh_cmd *cmd, int c, char **argv);
/* Print an error as "whittle: FILE:LINE: message". */
void wh_cli_error(const struct wh_error *err);
/* Print `whittle NAME --help`; returns WH_EXIT_OK. */
int wh_cli_help(const struct wh_cmd *cmd);
/* Open a dataset with the common options and print its notes to stderr. */
int wh_cli_open(const char *path, const struct wh_cli_common *o,
    struct wh_dataset **ds);
/* Load --tokenizer's file into *tok (NULL when none was given); prints the
 * error and returns -1 on failure. */
struct wh_tokenizer;
int wh_cli_tokenizer(const struct wh_cli_common *o, struct wh_tokenizer **tok);
/* A progress bar on stderr when it is a terminal (arg: a label string),
 * of bytes or of records. */
void wh_cli_progress(void *arg, size_t done, size_t total);
void wh_cli_progress_records(void *arg, size_t done, size_t total);
/* Progress as points in $WHITTLE_METRICS, for a command run by the engine. */
void wh_cli_job_progress(void *arg, size_t done, size_t total);
/* Append a line of metrics (ending in '\n') to $WHITTLE_METRICS, if set. */
void wh_cli_job_metrics(const char *line, size_t len);
/* Check that path is a readable file (a folder with folder): print what
 * is wrong with it, as the command would when opening it, and return -1. */
int wh_cli_check_path(const char *path, bool folder);
/* Refuse an output file out that is the input file in (the same file by
 * another name too): say so and return -1. */
int wh_cli_not_input(const char *in, const char *out);
/* Whether wh_cli_check_path looks at all (default true): not in the
 * engine's check of a job that waits for runs that may write its files. */
void wh_cli_check_files(bool on);
/* Check the arguments of train, eval, run, step or lua (argv[0]) as the
 * command does before it starts work: the options, and that the files
 * and steps it names exist. Prints what is wrong, as the command would,
 * and returns an exit status; the engine refuses a job they refuse. */
int wh_cli_train_check(int argc, char **argv);
int wh_cli_eval_check(int argc, char **argv);
int wh_cli_run_check(int argc, char **argv);
int wh_cli_lua_check(int argc, char **argv);
/* wh_atomic_open for records written out: gzip-compressed when path ends
 * in .gz (as whittle reads such a file back). */
struct wh_atomic;
int wh_cli_open_output(struct wh_atomic *a, const char *path, struct wh_error *err);
/* Name on stderr the n lines of path a reader skipped (what: "line",
 * "record"): the first WH_BAD_KEPT, in bad, then how many in all. */
void wh_cli_skipped(const char *path, const struct wh_bad *bad, size_t n,
    const char *what);
/* Whether id may name a run of the engine at where (as
 * wh_engine_connect takes it): no '/', no leading '.'; if not, say so, as
 * an argument that was meant as a run or a folder (of this machine). */
bool wh_cli_run_id(const char *id, const char *where);
/* The checkpoint folder arg names for cmd (generate, eval, losses): arg
 * itself when it holds config.json, else the latest complete checkpoint of
 * a training's --out folder, of a run's folder or of a run id, which is
 * named on stderr. Returns 0 with path filled, or -1 with err set. */
int wh_cli_checkpoint(const char *cmd, const char *arg, char *path, size_t size,
    struct wh_error *err);
/* Parse a positive integer; -1 if s is not one. */
long wh_cli_positive(const char *s);
/* Parse a number in [min, max] into *out; -1 if s is not one. */
int wh_cli_number(const char *s, double min, double max, double *out);

/* The options of the commands that generate (generate, eval): --max-new,
 * --temperature, --top-p, --seed and -j. Returns 1 when c is one of them
 * (its value set in g, or the model's threads), 0 when it is not, -1 after
 * a usage message for a bad value. */
enum { WH_OPT_MAX_NEW = 200, WH_OPT_TEMPERATURE, WH_OPT_TOP_P, WH_OPT_SEED };
struct wh_gen_opts;
int wh_cli_gen_opt(const struct wh_cmd *cmd, struct wh_gen_opts *g, int c,
    const char *arg);

#endif
