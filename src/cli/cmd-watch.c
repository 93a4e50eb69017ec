/* whittle watch: print a run's metric points as they come, from the engine
 * (by run id) or straight from a folder another program writes (a run
 * folder, an HF Trainer output folder, a TensorBoard log folder). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "whittle/engine-client.h"
#include "whittle/metrics.h"
#include "whittle/paths.h"
#include "whittle/runs.h"

extern const struct wh_cmd wh_cmd_watch;

#define SELF "/proc/self/exe"
#define POLL_MS 200
#define PAGE 5000
#define RECONNECTS 5

struct out {
	bool plain;
};

static void
print_point(struct out *o, int64_t step, const char *name, double value)
{
	if (o->plain)
		printf("%lld %s %.10g\n", (long long)step, name, value);
	else
		printf("step %-8lld %-28s %.6g\n", (long long)step, name, value);
}

static void
print_metric(void *arg, const struct wh_metric *m)
{
	print_point(arg, m->step, m->name, m->value);
}

/* A point of a metric event or a history page. */
static void
print_json_point(struct out *o, const cJSON *p)
{
	const cJSON *step = cJSON_GetObjectItemCaseSensitive(p, "step");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(p, "value");

	if (cJSON_IsNumber(step) && cJSON_IsString(name))
		print_point(o, (int64_t)step->valuedouble, name->valuestring,
		    cJSON_IsNumber(value) ? value->valuedouble : NAN);
}

/* A run folder is over when its run.json says so (or cannot be read). */
static bool
run_over(const char *dir)
{
	char *path = wh_abspath(dir), *slash = strrchr(path, '/');
	struct wh_run r;
	bool over = true;

	if (slash != NULL && slash != path) {
		*slash = '\0';
		if (wh_runs_load(path, slash + 1, &r, NULL) == 0) {
			over = wh_runs_state_final(r.state);
			wh_runs_free(&r);
		}
	}
	free(path);
	return over;
}

static int
watch_dir(const char *dir, struct out *o, bool follow)
{
	struct wh_metrics_watch *w = wh_metrics_watch_new();
	struct wh_buf p = {0};
	struct wh_error note;
	struct stat st;
	bool is_run;

	wh_buf_printf(&p, "%s/run.json", dir);
	is_run = stat(p.data, &st) == 0;
	wh_buf_clear(&p);
	wh_buf_printf(&p, "%s/metrics.jsonl", dir);
	if (is_run)
		wh_metrics_watch_file(w, p.data);
	else
		wh_metrics_watch_dir(w, dir);
	for (;;) {
		bool over = is_run && run_over(dir);	/* before the last read */
		wh_metrics_watch_poll(w, (double)time(NULL), print_metric, o, &note);
		if (note.msg[0])
			wh_cli_error(&note);
		fflush(stdout);
		if (!follow || over)
			break;
		nanosleep(&(struct timespec){ 0, POLL_MS * 1000000L }, NULL);
	}
	wh_metrics_watch_free(w);
	wh_buf_free(&p);
	return WH_EXIT_OK;
}

static int
history(struct wh_engine_conn *c, const char *id, struct out *o, struct wh_error *err)
{
	double from = 0;
	bool more = true;

	while (more) {
		cJSON *req = wh_engine_request("history"), *reply, *pt;
		cJSON_AddStringToObject(req, "run", id);
		cJSON_AddNumberToObject(req, "from", from);
		cJSON_AddNumberToObject(req, "limit", PAGE);
		if (wh_engine_call(c, req, &reply, err) < 0)
			return -1;
		cJSON_ArrayForEach(pt, cJSON_GetObjectItemCaseSensitive(reply, "points"))
			print_json_point(o, pt);
		from = cJSON_GetObjectItemCaseSensitive(reply, "next")->valuedouble;
		more = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply, "more"));
		cJSON_Delete(reply);
	}
	return 0;
}

/* Print metric events after point *seq until the run's end event, keeping
 * *seq the last point printed; returns 0 when the run ended done, 1 when it
 * ended otherwise, -1 with err set when the connection broke. */
static int
follow_run(struct wh_engine_conn *c, const char *id, double *seq, struct out *o,
    struct wh_error *err)
{
	cJSON *req = wh_engine_request("subscribe"), *reply, *msg;

	cJSON_AddStringToObject(req, "run", id);
	cJSON_AddNumberToObject(req, "from", *seq);
	if (wh_engine_call(c, req, &reply, err) < 0)
		return -1;
	cJSON_Delete(reply);
	for (;;) {
		if (wh_engine_recv(c, &msg, -1, err) < 0)
			return -1;
		const char *ev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "event"));
		if (ev != NULL && strcmp(ev, "metric") == 0) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(msg, "seq");
			print_json_point(o, msg);
			if (cJSON_IsNumber(n))
				*seq = n->valuedouble;
		}
		if (ev != NULL && strcmp(ev, "end") == 0) {
			const char *state = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "state"));
			int done = state != NULL && strcmp(state, "done") == 0;
			if (!o->plain)
				printf("run %s: %s\n", id, state ? state : "?");
			cJSON_Delete(msg);
			return done ? 0 : 1;
		}
		cJSON_Delete(msg);
	}
}

/* After the ssh link to the engine broke: connect again, waiting 1, 2, 4,
 * 8 then 16 s before each try while the link stays broken. Returns 0, or -1
 * with err set. */
static int
reconnect(struct wh_engine_conn *c, const char *where, double seq,
    struct wh_error *err)
{
	for (int i = 0; i < RECONNECTS; i++) {
		fprintf(stderr, "whittle: connecting again in %d s (try %d of %d)\n",
		    1 << i, i + 1, RECONNECTS);
		sleep(1u << i);
		if (wh_engine_connect(c, where, SELF, err) == 0) {
			fprintf(stderr, "whittle: connected again; going on after point %.0f\n", seq);
			return 0;
		}
		if (!c->lost || i + 1 == RECONNECTS)
			return -1;	/* err is said once, by the caller */
		wh_cli_error(err);
	}
	return -1;
}

static int
watch_run(const char *where, const char *id, struct out *o, bool follow)
{
	struct wh_engine_conn c;
	struct wh_error err;
	double seq = 0;
	int rc = 0;	/* set by history or follow_run, whichever runs */

	if (wh_engine_connect(&c, where, SELF, &err) < 0) {
		wh_cli_error(&err);
		return WH_EXIT_ERROR;
	}
	if (!follow)
		rc = history(&c, id, o, &err);
	/* A link that breaks is connected again; the engine goes on where
	 * the points printed end, so none is lost or printed twice. */
	bool given_up = false;
	while (follow && (rc = follow_run(&c, id, &seq, o, &err)) < 0 && c.lost) {
		wh_cli_error(&err);
		wh_engine_close(&c);
		if ((given_up = reconnect(&c, where, seq, &err) < 0))
			break;
	}
	wh_engine_close(&c);
	if (rc < 0)
		wh_cli_error(&err);
	if (given_up)
		fprintf(stderr, "whittle: giving up; the run goes on there, and "
		    "`whittle watch --engine %s %s` follows it again\n",
		    where ? where : getenv("WHITTLE_ENGINE"), id);
	return rc == 0 ? WH_EXIT_OK : WH_EXIT_ERROR;
}

static int
watch_exec(const struct wh_cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "plain", no_argument, NULL, 'p' },
		{ "no-follow", no_argument, NULL, 'n' },
		{ "engine", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct out o = { false };
	const char *where = NULL;
	bool follow = true;
	struct stat st;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'p')
			o.plain = true;
		else if (c == 'n')
			follow = false;
		else if (c == 'E')
			where = optarg;
		else if (c == 'h')
			return wh_cli_help(self);
		else
			return wh_cli_bad_option(self, c, argv);
	}
	if (optind + 1 != argc)
		return wh_cli_usage(self, "watch takes one run id or folder");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (where == NULL && stat(argv[optind], &st) == 0 && S_ISDIR(st.st_mode))
		return watch_dir(argv[optind], &o, follow);
	if (!wh_cli_run_id(argv[optind], where))
		return WH_EXIT_ERROR;
	return watch_run(where, argv[optind], &o, follow);
}

const struct wh_cmd wh_cmd_watch = {
	"watch", "print a run's metrics as they come",
	"usage: whittle watch [--plain] [--no-follow] [--engine ssh:HOST] ID|DIR\n"
	"\n"
	"Print every metric point of run ID, then follow new ones until the run\n"
	"ends (exit 0 when it ended done, 1 otherwise). DIR is read directly,\n"
	"without the engine: a run folder (followed until its run ends), or any\n"
	"folder another program writes, searched for trainer_state.json,\n"
	"events.out.tfevents.* and metrics.jsonl (followed until interrupted).\n"
	"\n"
	"  --plain      one line a point, `step name value`, for scripts\n"
	"  --no-follow  print what there is and exit\n"
	"  --engine ssh:HOST  the engine on HOST (default: $WHITTLE_ENGINE)\n"
	"  -h, --help   this help\n",
	watch_exec
};
