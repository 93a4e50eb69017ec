/* whittle runs: the runs the engine knows (every folder of the runs store)
 * with the progress of those running, `runs show ID`: one run's state,
 * command, error and log tail, and `runs resume ID`: start again a
 * training run that ended unfinished. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "whittle/engine-client.h"

extern const struct wh_cmd wh_cmd_runs;

#define SELF "/proc/self/exe"
#define LOG_TAIL 2000

static void
print_time(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char buf[32] = "-";

	if (cJSON_IsNumber(v)) {
		time_t t = (time_t)v->valuedouble;
		struct tm tm;
		strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
	}
	printf("%-19s", buf);
}

/* A running job's progress: "42%", or its step when it has no end. */
static void
print_progress(const cJSON *r)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(r, "progress");
	const cJSON *step = cJSON_GetObjectItemCaseSensitive(r, "step");
	char buf[32] = "-";

	if (cJSON_IsNumber(p))
		snprintf(buf, sizeof buf, "%.0f%%", 100 * p->valuedouble);
	else if (cJSON_IsNumber(step) && step->valuedouble > 0)
		snprintf(buf, sizeof buf, "step %.0f", step->valuedouble);
	printf("%-8s ", buf);
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Ask the engine op (with run when not NULL); prints errors. */
static cJSON *
ask(const char *where, const char *op, const char *run, long limit)
{
	struct wh_engine_conn c;
	struct wh_error err;
	cJSON *req = wh_engine_request(op), *reply = NULL;

	if (run != NULL)
		cJSON_AddStringToObject(req, "run", run);
	if (limit > 0)
		cJSON_AddNumberToObject(req, "limit", (double)limit);
	if (wh_engine_connect(&c, where, SELF, &err) < 0) {
		cJSON_Delete(req);
		wh_cli_error(&err);
		return NULL;
	}
	if (wh_engine_call(&c, req, &reply, &err) < 0)
		wh_cli_error(&err);
	wh_engine_close(&c);
	return reply;
}

static int
list(const char *where, bool json)
{
	cJSON *reply = ask(where, "runs", NULL, 0), *r;
	const cJSON *runs = cJSON_GetObjectItemCaseSensitive(reply, "runs");

	if (reply == NULL)
		return WH_EXIT_ERROR;
	if (json) {
		char *s = cJSON_Print(runs);
		printf("%s\n", s);
		free(s);
	} else {
		printf("%-22s %-11s %-8s %-19s %s\n", "ID", "STATE", "PROGRESS", "STARTED", "NAME");
		cJSON_ArrayForEach(r, runs) {
			printf("%-22s %-11s ", str(r, "id"), str(r, "state"));
			print_progress(r);
			print_time(r, "started");
			printf(" %s\n", str(r, "name"));
		}
	}
	cJSON_Delete(reply);
	return WH_EXIT_OK;
}

static void
print_run(const cJSON *r, const char *dir)
{
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(r, "spec"), *a;

	printf("id:       %s\nname:     %s\nstate:    %s\n", str(r, "id"),
	    str(r, "name"), str(r, "state"));
	printf("created:  ");
	print_time(r, "created");
	printf("\nstarted:  ");
	print_time(r, "started");
	printf("\nended:    ");
	print_time(r, "ended");
	printf("\nbackend:  %s\ncommand: ", str(spec, "backend"));
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(spec, "argv"))
		printf(" %s", cJSON_IsString(a) ? a->valuestring : "?");
	printf("\nfolder:   %s\n", dir);
	if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(spec, "after")) > 0) {
		printf("after:   ");
		cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(spec, "after"))
			printf(" %s", cJSON_IsString(a) ? a->valuestring : "?");
		printf("\n");
	}
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(r, "data")) {
		const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(a, "bytes"), *st;
		const cJSON *prov = cJSON_GetObjectItemCaseSensitive(a, "provenance");
		printf("data:     %s", str(a, "path"));
		if (cJSON_IsNumber(bytes))
			printf(" (%.0f bytes)", bytes->valuedouble);
		if (str(prov, "pipeline")[0]) {
			printf(", from pipeline %s:", str(prov, "pipeline"));
			cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(prov, "steps"))
				printf(" %s", str(st, "name"));
			printf(" (seed %.0f, whittle %s)", cJSON_GetNumberValue(
			    cJSON_GetObjectItemCaseSensitive(prov, "seed")), str(prov, "version"));
		}
		printf("\n");
	}
	if (str(r, "error")[0])
		printf("error:    %s\n", str(r, "error"));
}

static int
show(const char *where, const char *id, bool json)
{
	cJSON *reply = ask(where, "run", id, 0), *log;

	if (reply == NULL)
		return WH_EXIT_ERROR;
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(reply, "run");
	if (json) {
		char *s = cJSON_Print(r);
		printf("%s\n", s);
		free(s);
	} else {
		print_run(r, str(reply, "dir"));
		if ((log = ask(where, "log", id, LOG_TAIL)) != NULL && str(log, "log")[0])
			printf("\nlog (the end):\n%s", str(log, "log"));
		cJSON_Delete(log);
	}
	cJSON_Delete(reply);
	return WH_EXIT_OK;
}

static int
resume(const char *where, const char *id)
{
	cJSON *reply = ask(where, "resume", id, 0);

	if (reply == NULL)
		return WH_EXIT_ERROR;
	printf("%s: %s\n", id, str(reply, "state"));
	cJSON_Delete(reply);
	return WH_EXIT_OK;
}

static int
runs_exec(const struct wh_cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "engine", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *where = NULL;
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'J')
			json = true;
		else if (c == 'E')
			where = optarg;
		else if (c == 'h')
			return wh_cli_help(self);
		else
			return wh_cli_bad_option(self, c, argv);
	}
	if (optind == argc)
		return list(where, json);
	if (optind + 2 == argc && !wh_cli_run_id(argv[optind + 1], where))
		return WH_EXIT_ERROR;
	if (strcmp(argv[optind], "show") == 0 && optind + 2 == argc)
		return show(where, argv[optind + 1], json);
	if (strcmp(argv[optind], "resume") == 0 && optind + 2 == argc)
		return resume(where, argv[optind + 1]);
	return wh_cli_usage(self, "runs takes no argument, show ID or resume ID");
}

const struct wh_cmd wh_cmd_runs = {
	"runs", "list the engine's runs, or show one",
	"usage: whittle runs [--json] [--engine ssh:HOST]\n"
	"       whittle runs show [--json] [--engine ssh:HOST] ID\n"
	"       whittle runs resume [--engine ssh:HOST] ID\n"
	"\n"
	"List every run in the runs store (oldest first): id, state, progress\n"
	"of a running job (percent, or its step), start time, name. `runs show\n"
	"ID` prints one run: its command, times, folder, error, and the end of\n"
	"its log. `runs resume ID` queues again a builtin train run that was\n"
	"interrupted, cancelled or failed: it goes on from its latest\n"
	"checkpoint; or any job cancelled before it started (while waiting):\n"
	"it runs from the start. The jobs cancelled while they waited for a\n"
	"resumed run wait again. The engine is started if it is not running.\n"
	"A run in state waiting waits for the runs it was submitted --after\n"
	"(its \"after\" in --json).\n"
	"\n"
	"  --json            runs: an array of {id, state, name, started, ...};\n"
	"                    show: the run's run.json\n"
	"  --engine ssh:HOST the engine on HOST (default: $WHITTLE_ENGINE, else\n"
	"                    the local one)\n"
	"  -h, --help        this help\n",
	runs_exec
};
