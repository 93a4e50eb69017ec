/* whittle engine: start, stop and ask after the background engine, submit
 * a command as a run, and `connect`, the protocol over stdio (the transport
 * of `--engine ssh:HOST`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "whittle/engine-client.h"
#include "whittle/engine.h"

extern const struct wh_cmd wh_cmd_engine;

#define SELF "/proc/self/exe"
#define STOP_WAIT_MS 15000

static int
fail(const struct wh_error *err)
{
	wh_cli_error(err);
	return WH_EXIT_ERROR;
}

/* For the engine: check a builtin job's arguments as its command would. */
static int
check_job(int argc, char **argv, bool files)
{
	wh_cli_check_files(files);
	if (strcmp(argv[0], "train") == 0)
		return wh_cli_train_check(argc, argv);
	if (strcmp(argv[0], "eval") == 0)
		return wh_cli_eval_check(argc, argv);
	if (strcmp(argv[0], "lua") == 0)
		return wh_cli_lua_check(argc, argv);
	return wh_cli_run_check(argc, argv);
}

static int
engine_start(int argc, char **argv)
{
	struct wh_engine_options o = { .max_jobs = 1, .check = check_job };
	struct wh_engine_conn c;
	struct wh_error err;
	bool foreground = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--foreground") == 0)
			foreground = true;
		else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc &&
		    (o.max_jobs = (int)wh_cli_positive(argv[i + 1])) > 0 &&
		    o.max_jobs <= WH_ENGINE_MAX_JOBS)
			i++;
		else
			return wh_cli_usage(&wh_cmd_engine, "engine start: unexpected '%s'", argv[i]);
	}
	if (wh_engine_connect(&c, "", NULL, &err) == 0) {
		cJSON *hello = NULL;
		int running = 0;
		if (wh_engine_call(&c, wh_engine_request("hello"), &hello, &err) == 0) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(hello, "max_jobs");
			running = cJSON_IsNumber(v) ? v->valueint : 0;
		}
		cJSON_Delete(hello);
		fprintf(stderr, "whittle: an engine is already running (pid %ld) on %s\n",
		    c.pid, c.socket);
		if (running > 0 && running != o.max_jobs)	/* --jobs asked another */
			fprintf(stderr, "whittle: it runs %d job%s at a time; for %d, stop it "
			    "(whittle engine stop: the jobs it runs end interrupted) and start "
			    "it again\n", running, running == 1 ? "" : "s", o.max_jobs);
		wh_engine_close(&c);
		return WH_EXIT_ERROR;
	}
	if (foreground)
		return wh_engine_serve(&o, -1, &err) == 0 ? WH_EXIT_OK : fail(&err);
	pid_t pid = wh_engine_start(&o, &err);
	if (pid < 0)
		return fail(&err);
	printf("engine started, pid %ld\n", (long)pid);
	return WH_EXIT_OK;
}

static int
engine_status(int argc, char **argv)
{
	struct wh_engine_conn c;
	struct wh_error err;
	bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
	char *dir = NULL, *sock;
	int rc;

	if (argc > 1 + json)
		return wh_cli_usage(&wh_cmd_engine, "engine status takes only --json");
	rc = wh_engine_connect(&c, "", NULL, &err);
	if (rc == -1)
		return fail(&err);
	wh_engine_runtime_dir(&dir, false, &err);
	sock = rc == 0 ? wh_xstrdup(c.socket) : dir ? wh_engine_socket_path(dir) : wh_xstrdup("");
	if (json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "running", rc == 0);
		cJSON_AddItemToObject(o, "pid", rc == 0 ? cJSON_CreateNumber(c.pid) : cJSON_CreateNull());
		cJSON_AddStringToObject(o, "socket", sock);
		char *text = cJSON_PrintUnformatted(o);
		printf("%s\n", text);
		free(text);
		cJSON_Delete(o);
	} else if (rc == 0)
		printf("engine running, pid %ld, socket %s\n", c.pid, sock);
	else
		printf("no engine running (socket %s)\n", sock);
	if (rc == 0)
		wh_engine_close(&c);
	free(dir);
	free(sock);
	return rc == 0 ? WH_EXIT_OK : WH_EXIT_ERROR;
}

static int
engine_stop(void)
{
	struct wh_engine_conn c;
	struct wh_error err;
	cJSON *reply, *msg;
	int rc = wh_engine_connect(&c, "", NULL, &err);

	if (rc == -2) {
		printf("no engine running\n");
		return WH_EXIT_OK;
	}
	if (rc < 0)
		return fail(&err);
	long pid = c.pid;
	if (wh_engine_call(&c, wh_engine_request("shutdown"), &reply, &err) < 0) {
		wh_engine_close(&c);
		return fail(&err);
	}
	cJSON_Delete(reply);
	/* The engine closes the connection as it exits. */
	while ((rc = wh_engine_recv(&c, &msg, STOP_WAIT_MS, &err)) == 1)
		cJSON_Delete(msg);
	wh_engine_close(&c);
	if (rc == 0) {
		fprintf(stderr, "whittle: the engine (pid %ld) has not stopped yet\n", pid);
		return WH_EXIT_ERROR;
	}
	printf("engine stopped (pid %ld)\n", pid);
	return WH_EXIT_OK;
}

static int
engine_connect(void)
{
	struct wh_engine_conn c;
	struct wh_error err;

	if (wh_engine_connect_raw(&c, SELF, &err) < 0)
		return fail(&err);
	int rc = wh_engine_relay(&c, 0, 1, &err);
	wh_engine_close(&c);
	return rc < 0 ? fail(&err) : WH_EXIT_OK;
}

static bool
is_builtin(const char *word)
{
	return strcmp(word, "train") == 0 || strcmp(word, "eval") == 0 ||
	    strcmp(word, "run") == 0 || strcmp(word, "step") == 0 ||
	    strcmp(word, "lua") == 0;
}

/* The job object of `engine submit [OPTIONS] -- COMMAND ARGS...` (exec) or
 * `engine submit [OPTIONS] train|eval|run|step|lua ARGS...` (builtin). */
static cJSON *
submit_job(int argc, char **argv, const char **where)
{
	cJSON *job = cJSON_CreateObject(), *a = cJSON_CreateArray();
	cJSON *watch = cJSON_CreateArray(), *env = cJSON_CreateObject();
	cJSON *after = cJSON_CreateArray();
	char cwd[4096];
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0 && !is_builtin(argv[i]); i++) {
		const char *eq = i + 1 < argc ? strchr(argv[i + 1], '=') : NULL;
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			cJSON_AddStringToObject(job, "name", argv[++i]);
		else if (strcmp(argv[i], "--watch") == 0 && i + 1 < argc)
			cJSON_AddItemToArray(watch, cJSON_CreateString(argv[++i]));
		else if (strcmp(argv[i], "--after") == 0 && i + 1 < argc)
			cJSON_AddItemToArray(after, cJSON_CreateString(argv[++i]));
		else if (strcmp(argv[i], "--engine") == 0 && i + 1 < argc)
			*where = argv[++i];
		else if (strcmp(argv[i], "--cwd") == 0 && i + 1 < argc)
			cJSON_AddStringToObject(job, "cwd", argv[++i]);
		else if (strcmp(argv[i], "--env") == 0 && eq != NULL && eq != argv[i + 1]) {
			char *k = wh_xstrndup(argv[i + 1], (size_t)(eq - argv[i + 1]));
			cJSON_AddStringToObject(env, k, eq + 1);
			free(k);
			i++;
		} else
			break;
	}
	if (i < argc && is_builtin(argv[i]))
		cJSON_AddStringToObject(job, "backend", "builtin");
	else if (i < argc - 1 && strcmp(argv[i], "--") == 0) {
		cJSON_AddStringToObject(job, "backend", "exec");
		i++;
	} else {
		cJSON_Delete(job);
		cJSON_Delete(a);
		cJSON_Delete(watch);
		cJSON_Delete(env);
		cJSON_Delete(after);
		return NULL;
	}
	for (; i < argc; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(argv[i]));
	cJSON_AddItemToObject(job, "argv", a);
	cJSON_AddItemToObject(job, "watch", watch);
	cJSON_AddItemToObject(job, "env", env);
	if (cJSON_GetArraySize(after) > 0)
		cJSON_AddItemToObject(job, "after", after);
	else
		cJSON_Delete(after);
	/* This folder, unless the engine is remote (its jobs run in its
	 * user's home folder, as a command given to ssh does). */
	if (!cJSON_HasObjectItem(job, "cwd") && !wh_engine_remote(*where) &&
	    getcwd(cwd, sizeof cwd) != NULL)
		cJSON_AddStringToObject(job, "cwd", cwd);
	return job;
}

static int
engine_submit(int argc, char **argv)
{
	const char *where = NULL;
	cJSON *job = submit_job(argc, argv, &where), *req, *reply;
	struct wh_engine_conn c;
	struct wh_error err;

	if (job == NULL)
		return wh_cli_usage(&wh_cmd_engine,
		    "engine submit [--name N] [--watch DIR] [--env K=V] [--after ID]\n"
		    "                     [--cwd DIR] -- COMMAND [ARG]...\n"
		    "       engine submit [--name N] [--env K=V] [--after ID] [--cwd DIR]\n"
		    "                     train|eval|run|step|lua [ARG]...");
	if (wh_engine_connect(&c, where, SELF, &err) < 0) {
		cJSON_Delete(job);
		return fail(&err);
	}
	req = wh_engine_request("submit");
	cJSON_AddItemToObject(req, "job", job);
	int rc = wh_engine_call(&c, req, &reply, &err);
	bool refused = rc < 0 && strcmp(c.error_code, "bad-job") == 0;
	char *host = c.host ? wh_xstrdup(c.host) : NULL;
	wh_engine_close(&c);
	if (rc < 0) {
		wh_cli_error(&err);
		/* The files were looked for there, not here. */
		if (refused && host != NULL)
			fprintf(stderr, "whittle: the engine on %s checked the job there: "
			    "the files it names are %s's, from the home folder there (or "
			    "--cwd DIR); copy them over first (scp FILE %s:)\n", host, host, host);
		free(host);
		return refused ? WH_EXIT_USAGE : WH_EXIT_ERROR;
	}
	free(host);
	printf("%s\n", cJSON_GetObjectItemCaseSensitive(reply, "run")->valuestring);
	cJSON_Delete(reply);
	return WH_EXIT_OK;
}

static int
engine_exec(const struct wh_cmd *self, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0)
		return wh_cli_help(self);
	if (strcmp(sub, "start") == 0)
		return engine_start(argc - 1, argv + 1);
	if (strcmp(sub, "status") == 0)
		return engine_status(argc - 1, argv + 1);
	if (strcmp(sub, "submit") == 0)
		return engine_submit(argc - 1, argv + 1);
	if (argc > 2)
		return wh_cli_usage(self, "engine %s takes no arguments", sub);
	if (strcmp(sub, "stop") == 0)
		return engine_stop();
	if (strcmp(sub, "connect") == 0)
		return engine_connect();
	return wh_cli_usage(self, "engine needs start, stop, status, submit or connect");
}

const struct wh_cmd wh_cmd_engine = {
	"engine", "start, stop or query the background engine",
	"usage: whittle engine start [--jobs N] [--foreground]\n"
	"       whittle engine stop\n"
	"       whittle engine status [--json]\n"
	"       whittle engine submit [--name NAME] [--watch DIR] [--env K=V]\n"
	"                             [--after ID] [--cwd DIR] [--engine ssh:HOST]\n"
	"                             -- COMMAND [ARG]...\n"
	"       whittle engine submit [--name NAME] [--env K=V] [--after ID]\n"
	"                             [--cwd DIR] [--engine ssh:HOST]\n"
	"                             train|eval|run|step|lua [ARG]...\n"
	"       whittle engine connect\n"
	"\n"
	"The engine runs jobs in the background and keeps their runs under\n"
	"$XDG_DATA_HOME/whittle/runs; commands that need it start it.\n"
	"\n"
	"  start       start it (--jobs N: run N jobs at once, 1 to 64, default 1;\n"
	"              --foreground: serve in this process)\n"
	"  stop        stop it; runs it was running are marked interrupted\n"
	"  status      whether it runs; --json prints {\"running\", \"pid\", \"socket\"}\n"
	"              and exits 0 only when it runs\n"
	"  submit      run COMMAND as a run (the exec backend) and print its id;\n"
	"              --watch DIR follows DIR for trainer_state.json and\n"
	"              TensorBoard event files. With train, eval, run, step or\n"
	"              lua instead of -- COMMAND, run `whittle COMMAND ARG...`\n"
	"              (the builtin backend): its metrics and progress stream\n"
	"              to the run (an eval run's accuracy and tokens too), a\n"
	"              train run can be resumed (whittle runs resume), and a\n"
	"              lua script takes no job slot. The engine checks the\n"
	"              arguments as the command does first, and refuses them\n"
	"              (exit status 2) when the command would. --after ID\n"
	"              (repeated: each) keeps it waiting until run ID ends done,\n"
	"              and cancels it if ID ends otherwise; the files the job\n"
	"              reads are then checked only when it runs. The job runs\n"
	"              in this folder, or in the remote user's home folder for\n"
	"              --engine ssh:HOST; --cwd DIR (absolute, on the engine's\n"
	"              machine) names another\n"
	"  connect     speak the engine protocol over stdin/stdout (what\n"
	"              `--engine ssh:HOST` runs on HOST)\n"
	"\n"
	"See whittle-engine(7).\n",
	engine_exec
};
