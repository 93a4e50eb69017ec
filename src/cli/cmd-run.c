/* whittle run PIPELINE.lua IN -o OUT: apply a Lua pipeline to every record
 * with N threads. Also the machinery `whittle step` shares (one step given
 * by name with k=v parameters is a pipeline of one). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "whittle/buf.h"
#include "whittle/file.h"
#include "whittle/paths.h"
#include "whittle/script-run.h"

int wh_cli_run_main(const struct wh_cmd *cmd, int argc, char **argv, bool step,
    bool check);
extern const struct wh_cmd wh_cmd_run, wh_cmd_step;

static const struct option longopts[] = {
	WH_CLI_COMMON_LONGOPTS,
	{ "output", required_argument, NULL, 'o' },
	{ "seed", required_argument, NULL, 's' },
	{ "shard", required_argument, NULL, 'S' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "trust", no_argument, NULL, 'T' },
	{ "max-instructions", required_argument, NULL, 'I' },
	{ "sidecar", required_argument, NULL, 'C' },
	{ NULL, 0, NULL, 0 }
};

struct run_args {
	struct wh_cli_common c;
	const char *output, *sidecar;
	unsigned long long seed;
	unsigned long long max_instructions;
	size_t shard, shards;
	bool dry_run, trust;
};

static void
print_log(void *arg, const char *level, const char *msg)
{
	(void)arg;
	fprintf(stderr, "whittle: %s: %s\n", level, msg);
}

/* Record errors as they come, in input order: a run of records that fail
 * alike (a step that needs a tokenizer, on a million records) shows its
 * first SAME_SHOWN and then a count. A line without " (record at line"
 * continues the message before it (a traceback). */
#define SAME_SHOWN 3

static struct {
	char reason[512];	/* the last message, its line left out */
	size_t same;		/* records in a row that failed with it */
	long first_hidden, last_hidden;
} errors_seen;

static void
print_hidden(void)
{
	size_t hidden = errors_seen.same > SAME_SHOWN ? errors_seen.same - SAME_SHOWN : 0;

	if (hidden)
		fprintf(stderr, "whittle: the same error for %zu more record(s), the first "
		    "at line %ld, the last at line %ld\n", hidden, errors_seen.first_hidden,
		    errors_seen.last_hidden);
}

static void
print_error(void *arg, const char *msg)
{
	const char *at = strstr(msg, " (record at line ");

	(void)arg;
	if (at == NULL) {	/* a traceback line of the message before */
		if (errors_seen.same <= SAME_SHOWN)
			fprintf(stderr, "%s\n", msg);
		return;
	}
	int n = (int)(at - msg);
	if ((size_t)n < sizeof errors_seen.reason && errors_seen.same &&
	    strncmp(errors_seen.reason, msg, (size_t)n) == 0 && errors_seen.reason[n] == '\0') {
		if (++errors_seen.same <= SAME_SHOWN) {
			fprintf(stderr, "whittle: %s\n", msg);
			return;
		}
		long line = atol(at + strlen(" (record at line "));
		if (errors_seen.same == SAME_SHOWN + 1)
			errors_seen.first_hidden = line;
		errors_seen.last_hidden = line;
		return;
	}
	print_hidden();
	snprintf(errors_seen.reason, sizeof errors_seen.reason, "%.*s", n, msg);
	errors_seen.same = 1;
	fprintf(stderr, "whittle: %s\n", msg);
}

static int
parse_shard(const struct wh_cmd *cmd, const char *s, struct run_args *a)
{
	unsigned long i, n;
	char tail;

	if (sscanf(s, "%lu/%lu%c", &i, &n, &tail) != 2 || n < 1 || i < 1 || i > n)
		return wh_cli_usage(cmd, "--shard %s: give i/n with 1 <= i <= n", s);
	a->shard = i - 1;
	a->shards = n;
	return 0;
}

static int
parse_number(const struct wh_cmd *cmd, const char *opt, const char *s,
    unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno)
		return wh_cli_usage(cmd, "%s %s: give a whole number", opt, s);
	return 0;
}

static int
parse_opt(const struct wh_cmd *cmd, struct run_args *a, int c, char **argv)
{
	int r = wh_cli_common_opt(cmd, &a->c, c, optarg);

	if (r)
		return r < 0 ? WH_EXIT_USAGE : 0;
	switch (c) {
	case 'o':
		a->output = optarg;
		return 0;
	case 'C':
		a->sidecar = optarg;
		return 0;
	case 's':
		return parse_number(cmd, "--seed", optarg, &a->seed);
	case 'I':
		return parse_number(cmd, "--max-instructions", optarg, &a->max_instructions);
	case 'S':
		return parse_shard(cmd, optarg, a);
	case 'n':
		a->dry_run = true;
		return 0;
	case 'T':
		a->trust = true;
		return 0;
	}
	return wh_cli_bad_option(cmd, c, argv);
}

/* OUT as a message names it. */
static const char *
out_name(const char *output)
{
	return strcmp(output, "-") == 0 ? "standard output" : output;
}

static void
print_summary(const struct run_args *a, const struct wh_run_summary *s, bool tok)
{
	printf("records      %zu read, %zu bad, %zu errors\n", s->records, s->bad, s->errors);
	printf("kept         %zu\n", s->kept);
	printf("dropped      %zu\n", s->dropped);
	printf("split        %zu\n", s->split);
	printf("outputs      %zu\n", s->outputs);
	if (tok) {
		double pct = s->tokens_in ? 100.0 * ((double)s->tokens_out -
		    (double)s->tokens_in) / (double)s->tokens_in : 0;
		printf("tokens       %zu -> %zu (thinking + answer, %+.1f%%)\n",
		    s->tokens_in, s->tokens_out, pct);
	}
	if (a->shards > 1)
		printf("shard        %zu/%zu\n", a->shard + 1, a->shards);
	for (size_t i = 0; s->n_steps > 1 && i < s->n_steps; i++)
		printf("step %-7zu %s: %zu in, %zu out, %zu dropped\n", i + 1,
		    s->steps[i].name, s->steps[i].got, s->steps[i].gave, s->steps[i].dropped);
}

/* Where the records go: standard output for "-", else a wh_atomic file
 * (a temp file renamed over path when the run succeeds). NULL on error. */
static FILE *
open_output(const char *path, struct wh_atomic *a, struct wh_error *err)
{
	memset(a, 0, sizeof *a);
	if (strcmp(path, "-") == 0)
		return stdout;
	return wh_cli_open_output(a, path, err) < 0 ? NULL : a->fp;
}

/* Keep what open_output started when ok, else drop it. */
static int
close_output(struct wh_atomic *a, bool ok, struct wh_error *err)
{
	if (a->fp == NULL)
		return fflush(stdout) == 0 ? 0 :
		    wh_error_sys(err, "standard output", errno, "cannot write");
	if (ok)
		return wh_atomic_commit(a, err);
	wh_atomic_abort(a);
	return 0;
}

static int
run(const struct wh_cmd *cmd, struct run_args *a, struct wh_run_opts *o,
    const char *in)
{
	struct wh_script_env env = { .seed = a->seed, .trust = a->trust,
		.max_instructions = a->max_instructions, .log = print_log,
		.tok_path = a->c.tokenizer };
	struct wh_tokenizer *tok = NULL;
	struct wh_run_summary sum = {0};
	struct wh_error err;
	struct wh_atomic out = {0}, side = {0};
	char *datadir = wh_datadir(), *config = wh_xdg_dir("CONFIG");
	struct wh_buf user = {0};
	struct wh_overrides ov = {0};
	int rc = WH_EXIT_ERROR;

	wh_buf_printf(&user, "%s/steps", config);
	env.datadir = datadir;
	env.user_steps = user.data;
	if (wh_cli_tokenizer(&a->c, &tok) < 0 || wh_cli_open(in, &a->c, &env.input) < 0)
		goto out;
	env.tok = tok;
	if (!env.input->layout_known) {
		fprintf(stderr, "whittle: %s: no known layout: give one with --map "
		    "(see whittle-formats(5))\n", in);
		goto out;
	}
	if (wh_overrides_load(&ov, env.input->path, &err) < 0) {
		wh_cli_error(&err);
		goto out;
	}
	if (ov.n) {
		fprintf(stderr, "whittle: %s: %zu segment override(s) set by hand apply "
		    "to the steps\n", ov.path, ov.n);
		env.overrides = &ov;
	}
	if (!a->dry_run && (o->out = open_output(a->output, &out, &err)) == NULL) {
		wh_cli_error(&err);
		goto out;
	}
	if (!a->dry_run && a->sidecar &&
	    (o->sidecar = open_output(a->sidecar, &side, &err)) == NULL) {
		wh_cli_error(&err);
		close_output(&out, false, &err);
		goto out;
	}
	o->on_error = print_error;
	o->progress = isatty(2) ? wh_cli_progress_records :
	    getenv("WHITTLE_METRICS") ? wh_cli_job_progress : NULL;
	o->arg = (void *)cmd->name;
	int r = wh_script_run(&env, o, &sum, &err);
	print_hidden();
	if (r < 0)
		wh_cli_error(&err);
	bool all_failed = r == 0 && !a->dry_run && sum.errors && sum.errors == sum.records;
	if (!a->dry_run && close_output(&out, r == 0 && !all_failed, &err) < 0 && r == 0) {
		wh_cli_error(&err);
		r = -1;
	}
	if (o->sidecar && close_output(&side, r == 0 && !all_failed, &err) < 0 && r == 0) {
		wh_cli_error(&err);
		r = -1;
	}
	if (r == 0 && a->dry_run)
		print_summary(a, &sum, tok != NULL);
	else if (r == 0 && sum.bad)
		fprintf(stderr, "whittle: skipped %zu bad records of %s (whittle stats lists "
		    "them)\n", sum.bad, in);
	if (all_failed && strcmp(a->output, "-") != 0)
		fprintf(stderr, "whittle: every record failed (%zu); %s is untouched\n",
		    sum.errors, a->output);
	else if (all_failed)
		fprintf(stderr, "whittle: every record failed (%zu)\n", sum.errors);
	else if (r == 0 && !a->dry_run && sum.errors)
		fprintf(stderr, "whittle: %zu of %zu record(s) failed; %s holds the %zu "
		    "output(s) of the others\n", sum.errors, sum.records, out_name(a->output),
		    sum.outputs);
	else if (r == 0 && !a->dry_run && isatty(STDERR_FILENO))
		fprintf(stderr, "whittle: %zu records: %zu kept, %zu dropped, %zu split; "
		    "%zu output(s) to %s\n", sum.records, sum.kept, sum.dropped, sum.split,
		    sum.outputs, out_name(a->output));
	rc = r == 0 && sum.errors == 0 ? WH_EXIT_OK : WH_EXIT_ERROR;
out:
	wh_run_summary_free(&sum);
	wh_overrides_free(&ov);
	if (env.input)
		wh_dataset_close(env.input);
	wh_tokenizer_free(tok);
	free(datadir);
	free(config);
	wh_buf_free(&user);
	return rc;
}

/* Check that the input and the pipeline can be read and that its steps
 * and their parameters exist, as run would before it starts. */
static int
check(const struct run_args *a, const struct wh_run_opts *o, const char *in)
{
	struct wh_script_env env = { .trust = a->trust, .log = print_log,
		.tok_path = a->c.tokenizer };
	char *datadir = wh_datadir(), *config = wh_xdg_dir("CONFIG");
	struct wh_buf user = {0};
	struct wh_script *s = NULL;
	struct wh_error err;
	int rc = WH_EXIT_ERROR;

	wh_buf_printf(&user, "%s/steps", config);
	env.datadir = datadir;
	env.user_steps = user.data;
	if (wh_cli_check_path(in, false) < 0 ||
	    (o->pipeline && wh_cli_check_path(o->pipeline, false) < 0) ||
	    (a->c.tokenizer && wh_cli_check_path(a->c.tokenizer, false) < 0))
		goto out;
	if (wh_script_new(&s, &env, &err) < 0 ||
	    wh_script_pipeline(s, o->pipeline, o->step, o->argc, o->argv, &err) < 0)
		wh_cli_error(&err);
	else
		rc = WH_EXIT_OK;
out:
	wh_script_free(s);
	wh_buf_free(&user);
	free(datadir);
	free(config);
	return rc;
}

static bool
is_lua(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && strcmp(path + n - 4, ".lua") == 0;
}

/* The pipeline path: path itself when it is there, else the shipped
 * pipeline of that name (dlcot, dlcot.lua) in the data folder. NULL, after
 * a message (with the shipped ones for a bare name), when there is none. */
static char *
find_pipeline(const char *path)
{
	char *datadir = wh_datadir();
	struct wh_buf dir = {0}, p = {0};
	char *found = NULL;
	DIR *d;
	struct dirent *e;

	wh_buf_printf(&dir, "%s/lua/whittle/pipelines", datadir);
	free(datadir);
	wh_buf_printf(&p, "%s/%s%s", dir.data, path, is_lua(path) ? "" : ".lua");
	if (access(path, F_OK) == 0)
		found = wh_xstrdup(path);
	else if (strchr(path, '/') == NULL && access(p.data, R_OK) == 0)
		found = wh_buf_take(&p);
	else if (wh_cli_check_path(path, false) == 0)
		found = wh_xstrdup(path);	/* not checked: a job's file to come */
	else if (strchr(path, '/') == NULL && (d = opendir(dir.data)) != NULL) {
		fprintf(stderr, "whittle: the shipped pipelines, given by name:");
		while ((e = readdir(d)) != NULL)
			if (is_lua(e->d_name))
				fprintf(stderr, " %.*s", (int)strlen(e->d_name) - 4, e->d_name);
		fputc('\n', stderr);
		closedir(d);
	}
	wh_buf_free(&dir);
	wh_buf_free(&p);
	return found;
}

/* run and step (step: NAME [K=V]... instead of PIPELINE.lua); with
 * check_only, only check the arguments. */
int
wh_cli_run_main(const struct wh_cmd *cmd, int argc, char **argv, bool step,
    bool check_only)
{
	struct run_args a = { .c.threads = 1, .shards = 1,
		.max_instructions = WH_MAX_INSTRUCTIONS };
	struct wh_run_opts o = {0};
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":" WH_CLI_COMMON_SHORTOPTS "o:n", longopts,
	    NULL)) != -1)
		if ((r = parse_opt(cmd, &a, c, argv)) != 0)
			return r;
	if (a.c.help)
		return wh_cli_help(cmd);
	argc -= optind;
	argv += optind;
	if (argc < 2)
		return wh_cli_usage(cmd, step ? "give a step name and an input file"
		    : "give a pipeline file and an input file");
	if (a.output == NULL && !a.dry_run)
		return wh_cli_usage(cmd, "give the output file with -o (or --dry-run)");
	o.threads = a.c.threads;
	o.shard = a.shard;
	o.shards = a.shards;
	o.dry_run = a.dry_run;
	if (step) {
		o.step = argv[0];
		o.argc = argc - 2;
		o.argv = argv + 1;
	} else {
		if (argc != 2)
			return wh_cli_usage(cmd, "give one pipeline file and one input file");
		if (is_lua(argv[1]) && !is_lua(argv[0]))
			return wh_cli_usage(cmd, "the pipeline comes first: whittle run %s %s",
			    argv[1], argv[0]);
		o.pipeline = argv[0];
	}
	if (wh_cli_not_input(argv[argc - 1], a.output) < 0
	    || wh_cli_not_input(argv[argc - 1], a.sidecar) < 0)
		return WH_EXIT_ERROR;
	char *pipeline = NULL;
	if (!step && (pipeline = find_pipeline(o.pipeline)) == NULL)
		return WH_EXIT_ERROR;
	o.pipeline = pipeline;
	r = check_only ? check(&a, &o, argv[argc - 1]) : run(cmd, &a, &o, argv[argc - 1]);
	free(pipeline);
	return r;
}

int
wh_cli_run_check(int argc, char **argv)
{
	bool step = strcmp(argv[0], "step") == 0;

	return wh_cli_run_main(step ? &wh_cmd_step : &wh_cmd_run, argc, argv, step, true);
}

static int
exec_run(const struct wh_cmd *self, int argc, char **argv)
{
	return wh_cli_run_main(self, argc, argv, false, false);
}

const struct wh_cmd wh_cmd_run = {
	"run", "apply a Lua pipeline of steps to every record",
	"usage: whittle run [OPTIONS] PIPELINE.lua IN -o OUT\n"
	"\n"
	"Apply the steps PIPELINE.lua lists to every record of IN, writing\n"
	"the records they give to OUT (one JSON object a line, in input order,\n"
	"each with a \"whittle\" field saying what made it). PIPELINE.lua may\n"
	"also be the name of a pipeline shipped in the data folder (dlcot).\n"
	"\n"
	"  -o, --output FILE         where the records go (- for stdout)\n"
	"  -j, --threads N           N worker threads, one Lua state each (1)\n"
	"      --seed N              seed of each record's ctx.rng (0)\n"
	"      --tokenizer PATH      tokenizer.json for steps that count tokens\n"
	"      --shard I/N           only the I-th of N equal slices of IN\n"
	"      --sidecar FILE        write OUT's records untouched, as IN has\n"
	"                            them, and their labels and provenance\n"
	"                            to FILE, a line each\n"
	"  -n, --dry-run             write nothing; print what would change\n"
	"      --trust               run the Lua without the sandbox\n"
	"      --max-instructions N  stop a step after N Lua instructions a\n"
	"                            record (100000000; 0: no limit)\n"
	"  -m, --map SPEC, -L, --layout NAME   how to read IN\n"
	"\n"
	"See whittle-lua(7).\n",
	exec_run,
};
