/* Helpers shared by the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "whittle/buf.h"
#include "whittle/engine-client.h"
#include "whittle/file.h"
#include "whittle/runs.h"
#include "whittle/tokenizer.h"
#include "whittle/train.h"

int
wh_cli_usage(const struct wh_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("whittle: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'whittle %s --help'.\n", cmd->name);
	return WH_EXIT_USAGE;
}

bool
wh_cli_run_id(const char *id, const char *where)
{
	if (strchr(id, '/') == NULL && id[0] != '.')
		return true;
	if (where == NULL)
		where = getenv("WHITTLE_ENGINE");
	if (wh_engine_remote(where))
		fprintf(stderr, "whittle: %s: not a run id; a remote engine (%s) takes "
		    "the id of a run, not its folder (`whittle runs --engine %s` lists "
		    "them)\n", id, where, where);
	else
		fprintf(stderr, "whittle: %s: no such folder, and not a run id "
		    "(`whittle runs` lists them)\n", id);
	return false;
}

int
wh_cli_bad_option(const struct wh_cmd *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return wh_cli_usage(cmd, "option %s needs a value", arg);
	if (strncmp(arg, "--", 2) == 0 && optopt)
		return wh_cli_usage(cmd, "option %.*s takes no value", (int)strcspn(arg, "="), arg);
	if (strncmp(arg, "--", 2) == 0)
		return wh_cli_usage(cmd, "unknown option %.*s", (int)strcspn(arg, "="), arg);
	return wh_cli_usage(cmd, "unknown option -%c", optopt);
}

void
wh_cli_error(const struct wh_error *err)
{
	char msg[1200];

	wh_error_format(err, msg, sizeof msg);
	fprintf(stderr, "whittle: %s\n", msg);
}

int
wh_cli_open_output(struct wh_atomic *a, const char *path, struct wh_error *err)
{
	size_t n = strlen(path);

	if (wh_atomic_open(a, path, err) < 0)
		return -1;
	if (n > 3 && strcmp(path + n - 3, ".gz") == 0 && wh_atomic_gzip(a, err) < 0) {
		wh_atomic_abort(a);
		return -1;
	}
	return 0;
}

void
wh_cli_skipped(const char *path, const struct wh_bad *bad, size_t n,
    const char *what)
{
	for (size_t i = 0; i < n && i < WH_BAD_KEPT; i++)
		fprintf(stderr, "whittle: %s:%u: %s (%s skipped)\n", path, bad[i].line,
		    bad[i].reason, what);
	if (n > WH_BAD_KEPT)
		fprintf(stderr, "whittle: %s: %zu bad %ss skipped in all\n", path, n, what);
}

int
wh_cli_help(const struct wh_cmd *cmd)
{
	fputs(cmd->usage, stdout);
	return WH_EXIT_OK;
}

static bool check_files = true;

void
wh_cli_check_files(bool on)
{
	check_files = on;
}

int
wh_cli_check_path(const char *path, bool folder)
{
	struct stat st;

	if (!check_files)
		return 0;
	if (stat(path, &st) < 0 || access(path, R_OK) < 0) {
		fprintf(stderr, "whittle: %s: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	if (folder != S_ISDIR(st.st_mode)) {
		fprintf(stderr, "whittle: %s: %s\n", path, folder ? "not a folder" : "is a folder");
		return -1;
	}
	return 0;
}

int
wh_cli_not_input(const char *in, const char *out)
{
	struct stat a, b;

	if (out == NULL || strcmp(out, "-") == 0 || stat(in, &a) < 0 || stat(out, &b) < 0
	    || !S_ISREG(a.st_mode) || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
		return 0;
	fprintf(stderr, "whittle: %s: is the input file; write the output to another "
	    "file (the input is kept as it is)\n", out);
	return -1;
}

long
wh_cli_positive(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && *end == '\0' && v > 0 ? v : -1;
}

int
wh_cli_number(const char *s, double min, double max, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v >= min && v <= max))
		return -1;
	*out = v;
	return 0;
}

int
wh_cli_common_opt(const struct wh_cmd *cmd, struct wh_cli_common *o, int c,
    const char *arg)
{
	switch (c) {
	case 'm':
		o->map = arg;
		return 1;
	case 'L':
		o->layout = arg;
		return 1;
	case 'k':
		o->tokenizer = arg;
		return 1;
	case 'j':
		o->threads = (int)wh_cli_positive(arg);
		if (o->threads < 1) {
			wh_cli_usage(cmd, "--threads %s: give a number of threads (1 or more)", arg);
			return -1;
		}
		return 1;
	case 'J':
		o->json = true;
		return 1;
	case 'h':
		o->help = true;
		return 1;
	}
	return 0;
}

int
wh_cli_open(const char *path, const struct wh_cli_common *o,
    struct wh_dataset **ds)
{
	struct wh_open_opts opts = { .map = o->map, .layout = o->layout,
	    .threads = o->threads, .index_prefix = o->index_prefix };
	struct wh_error err;

	if (wh_dataset_open(ds, path, &opts, &err) < 0) {
		wh_cli_error(&err);
		return -1;
	}
	for (size_t i = 0; i < (*ds)->n_notes; i++)
		fprintf(stderr, "whittle: %s\n", (*ds)->notes[i]);
	return 0;
}

static void
progress_bar(const char *label, size_t done, size_t total, double scale,
    const char *unit)
{
	int width = 30, fill;

	if (!isatty(STDERR_FILENO) || total == 0)
		return;
	fill = (int)((double)done / (double)total * width);
	fprintf(stderr, "\r%s %3d%% [%.*s%*s] %.*f/%.*f %s", label,
	    (int)(100.0 * (double)done / (double)total), fill,
	    "##############################", width - fill, "",
	    scale > 1 ? 1 : 0, (double)done / scale,
	    scale > 1 ? 1 : 0, (double)total / scale, unit);
	if (done >= total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

void
wh_cli_progress(void *arg, size_t done, size_t total)
{
	progress_bar(arg, done, total, 1e6, "MB");
}

void
wh_cli_progress_records(void *arg, size_t done, size_t total)
{
	progress_bar(arg, done, total, 1, "records");
}

int
wh_cli_tokenizer(const struct wh_cli_common *o, struct wh_tokenizer **tok)
{
	struct wh_error err;

	*tok = NULL;
	if (o->tokenizer == NULL)
		return 0;
	*tok = wh_tokenizer_load(o->tokenizer, &err);
	if (*tok == NULL) {
		wh_cli_error(&err);
		return -1;
	}
	return 0;
}

/* The folder a training run wrote its checkpoints to: the --out of its
 * command line (from the folder it ran in), else the run's checkpoints/.
 * rundir is a run's folder; NULL when it holds no run.json. Caller frees. */
static char *
run_checkpoints(const char *rundir)
{
	struct wh_buf b = { 0 };
	struct wh_map map;
	const char *out = NULL, *cwd;
	cJSON *run, *spec, *a;

	wh_buf_printf(&b, "%s/run.json", rundir);
	if (wh_map_open(&map, b.data, NULL) < 0) {
		wh_buf_free(&b);
		return NULL;
	}
	run = cJSON_ParseWithLength(map.data ? map.data : "", map.size);
	wh_map_close(&map);
	spec = cJSON_GetObjectItemCaseSensitive(run, "spec");
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(spec, "argv")) {
		const char *s = cJSON_GetStringValue(a);
		if (s && strcmp(s, "--out") == 0 && a->next)
			out = cJSON_GetStringValue(a->next);
		else if (s && strncmp(s, "--out=", 6) == 0)
			out = s + 6;
	}
	cwd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(spec, "cwd"));
	b.len = 0;
	if (out && (out[0] == '/' || cwd == NULL))
		wh_buf_printf(&b, "%s", out);
	else if (out)
		wh_buf_printf(&b, "%s/%s", cwd, out);
	else
		wh_buf_printf(&b, "%s/checkpoints", rundir);
	cJSON_Delete(run);
	return wh_buf_take(&b);
}

int
wh_cli_checkpoint(const char *cmd, const char *arg, char *path, size_t size,
    struct wh_error *err)
{
	struct wh_buf b = { 0 };
	struct stat st;
	char *out = NULL;
	long step;

	wh_buf_printf(&b, "%s/config.json", arg);
	if (stat(b.data, &st) == 0) {	/* a checkpoint folder itself */
		wh_buf_free(&b);
		snprintf(path, size, "%s", arg);
		return 0;
	}
	wh_buf_free(&b);
	step = wh_train_latest(arg, path, size);	/* a training's --out */
	if (step < 0 && (out = run_checkpoints(arg)) == NULL &&
	    stat(arg, &st) < 0 && strchr(arg, '/') == NULL && arg[0] != '.') {
		char *root = wh_runs_root(), *dir = wh_runs_path(root, arg, NULL);
		out = run_checkpoints(dir);	/* a run id */
		free(root);
		free(dir);
	}
	if (step < 0 && out)
		step = wh_train_latest(out, path, size);
	free(out);
	if (step < 0)
		return wh_error_set(err, arg, 0, "no checkpoint: neither a checkpoint "
		    "folder (config.json) nor a training's --out folder, run folder or "
		    "run id with a complete checkpoint-STEP");
	fprintf(stderr, "whittle %s: %s\n", cmd, path);
	return 0;
}
