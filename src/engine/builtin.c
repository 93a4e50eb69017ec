/* The builtin backend: whittle's own commands as a run. `train` (the
 * builtin trainer), `eval` (grading a checkpoint), `run` and `step` (a Lua
 * pipeline over a dataset) and `lua` (a script that submits jobs of its
 * own) run as a child `whittle COMMAND ARGS...` the way the exec backend runs any command; their
 * metrics come through $WHITTLE_METRICS. A training run that ended
 * unfinished resumes from its latest checkpoint. run.json records the
 * datasets a job reads: size, time and the provenance whittle run wrote. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine-int.h"
#include "whittle/metrics.h"
#include "whittle/train.h"

static const char *const commands[] = { "train", "eval", "run", "step", "lua", NULL };

static const char *
command(const cJSON *job)
{
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(job, "argv");
	const cJSON *first = cJSON_GetArrayItem(argv, 0);

	return cJSON_IsString(first) ? first->valuestring : "";
}

static int
builtin_check(const cJSON *job, struct wh_error *err)
{
	if (wh_engine_exec_check(job, err) < 0)
		return -1;
	for (int i = 0; commands[i]; i++)
		if (strcmp(command(job), commands[i]) == 0)
			return 0;
	return wh_error_set(err, NULL, 0,
	    "the builtin backend runs train, eval, run, step or lua, not \"%s\"", command(job));
}

static bool
builtin_resumable(const cJSON *job)
{
	return strcmp(command(job), "train") == 0;
}

/* A Lua script waits on the jobs it submits. */
static bool
builtin_slot_free(const cJSON *job)
{
	return strcmp(command(job), "lua") == 0;
}

/* The value of the last --NAME V or --NAME=V in argv, or NULL. */
static const char *
option(const cJSON *argv, const char *name)
{
	const char *value = NULL;
	size_t n = strlen(name);
	const cJSON *v;

	cJSON_ArrayForEach(v, argv) {
		const char *a = v->valuestring;
		if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
			continue;
		if (a[2 + n] == '=')
			value = a + 3 + n;
		else if (a[2 + n] == '\0' && cJSON_IsString(v->next))
			value = v->next->valuestring;
	}
	return value;
}

/* The provenance whittle run or step wrote in the first record of the file
 * (its "whittle" field, less what is the record's own), or NULL. */
static cJSON *
provenance(const char *path)
{
	enum { FIRST_LINE_MAX = 1 << 20 };
	FILE *fp = fopen(path, "r");
	char *line = wh_xmalloc(FIRST_LINE_MAX);
	size_t n = fp ? fread(line, 1, FIRST_LINE_MAX, fp) : 0;
	char *nl = memchr(line, '\n', n);
	cJSON *rec = nl ? cJSON_ParseWithLength(line, (size_t)(nl - line)) : NULL;
	cJSON *p = cJSON_DetachItemFromObjectCaseSensitive(rec, "whittle");

	if (p != NULL && !cJSON_IsObject(p)) {
		cJSON_Delete(p);
		p = NULL;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(p, "record");
	cJSON_DeleteItemFromObjectCaseSensitive(p, "generation");
	cJSON_Delete(rec);
	free(line);
	if (fp)
		fclose(fp);
	return p;
}

/* Add to a the dataset at path (from the job's folder): its absolute
 * path, size, modification time and provenance. */
static void
add_dataset(cJSON *a, const cJSON *job, const char *path)
{
	const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(job, "cwd");
	cJSON *d = cJSON_CreateObject(), *p;
	struct wh_buf b = { 0 };
	struct stat st;

	if (path[0] != '/' && cJSON_IsString(cwd))
		wh_buf_printf(&b, "%s/%s", cwd->valuestring, path);
	else
		wh_buf_adds(&b, path);
	cJSON_AddStringToObject(d, "path", b.data);
	if (stat(b.data, &st) == 0) {
		cJSON_AddNumberToObject(d, "bytes", (double)st.st_size);
		cJSON_AddNumberToObject(d, "modified", (double)st.st_mtim.tv_sec +
		    st.st_mtim.tv_nsec / 1e9);
	}
	if ((p = provenance(b.data)) != NULL)
		cJSON_AddItemToObject(d, "provenance", p);
	cJSON_AddItemToArray(a, d);
	wh_buf_free(&b);
}

/* The datasets: train's DATA and --eval-data, eval's DATASET, the input of
 * run and step. */
static cJSON *
builtin_data(const cJSON *job)
{
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(job, "argv");
	const char *cmd = command(job), *eval_data = option(argv, "eval-data");
	const cJSON *data = cJSON_GetArrayItem(argv, strcmp(cmd, "train") == 0 ? 1 : 2);
	cJSON *a;

	if (strcmp(cmd, "lua") == 0 || !cJSON_IsString(data) || data->valuestring[0] == '-')
		return NULL;
	a = cJSON_CreateArray();
	add_dataset(a, job, data->valuestring);
	if (strcmp(cmd, "train") == 0 && eval_data)
		add_dataset(a, job, eval_data);
	return a;
}

static void
point(void *arg, const struct wh_metric *m)
{
	wh_engine_job_point(arg, m);
}

/* A resumed run: take in what the last process wrote that the engine had
 * not read before it stopped, then start the new process's file afresh. */
static void
take_leftovers(struct job *j, const char *metrics)
{
	struct wh_metrics_watch *w = wh_metrics_watch_new();
	struct wh_error note;

	wh_metrics_watch_file(w, metrics);
	wh_metrics_watch_poll(w, wh_loop_now(), point, j, &note);
	wh_metrics_watch_free(w);
	unlink(metrics);
	j->skip_step = j->step;
}

/* train: the steps it will take, for progress; a max_steps point in the
 * history of a fresh run (a resumed one has it already). */
static void
announce_steps(struct job *j, const cJSON *argv)
{
	const char *steps = option(argv, "steps");
	struct wh_train_opts o;
	struct wh_metric m = { .step = 0, .time = wh_loop_now(), .tokens = -1,
		.name = "max_steps" };

	wh_train_opts_default(&o);
	m.value = steps ? strtod(steps, NULL) : (double)o.steps;
	if (m.value > 0 && !j->resumed)
		wh_engine_job_point(j, &m);
	else if (m.value > 0)
		j->max_steps = m.value;
}

static int
builtin_start(struct job *j, struct wh_error *err)
{
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(j->run.spec, "argv"), *v;
	int n = cJSON_GetArraySize(argv), i = 0, rc;
	char **args = wh_xcalloc((size_t)n + 9, sizeof *args);
	char self[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	char *metrics = wh_runs_path(j->eng->root, j->run.id, "child-metrics.jsonl");
	char *out = wh_runs_path(j->eng->root, j->run.id, "checkpoints");
	char *batches = wh_runs_path(j->eng->root, j->run.id, "batches.jsonl");
	bool train = builtin_resumable(j->run.spec);

	if (len < 0) {
		rc = wh_error_sys(err, "/proc/self/exe", errno, "cannot find the whittle binary");
		goto done;
	}
	self[len] = '\0';
	args[i++] = self;
	cJSON_ArrayForEach(v, argv)
		args[i++] = v->valuestring;
	if (train) {
		args[i++] = "--metrics";
		args[i++] = metrics;
		if (option(argv, "out") == NULL) {
			args[i++] = "--out";
			args[i++] = out;
		}
		if (option(argv, "batches") == NULL) {
			args[i++] = "--batches";
			args[i++] = batches;
		}
		if (j->resumed)
			args[i++] = "--resume";
	}
	if (j->resumed)
		take_leftovers(j, metrics);
	if (train)
		announce_steps(j, argv);
	rc = wh_engine_exec_run(j, args, err);
done:
	free(args);
	free(metrics);
	free(out);
	free(batches);
	return rc;
}

const struct backend wh_engine_builtin_backend = {
	.name = "builtin",
	.check = builtin_check,
	.resumable = builtin_resumable,
	.slot_free = builtin_slot_free,
	.data = builtin_data,
	.start = builtin_start,
	.tick = wh_engine_exec_tick,
	.exited = wh_engine_exec_exited,
	.cancel = wh_engine_exec_cancel,
	.release = wh_engine_exec_release,
};
