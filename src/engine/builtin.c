/* The builtin backend: whittle's own commands as a run. `train` (the
 * builtin trainer), `eval` (grading a checkpoint), `run` and `step` (a Lua
 * pipeline over a dataset) and `lua` (a script that submits jobs of its
 * own) run as a child `whittle COMMAND ARGS...` the way the exec backend runs any command; their
 * metrics come through $WHITTLE_METRICS. A job is refused at submit when
 * the command's own check of its arguments refuses them (less the files
 * it reads, for a job that waits for runs that may write them). A training run
 * that ended unfinished resumes from its latest checkpoint. run.json
 * records the datasets a job reads: size, time and the provenance whittle
 * run wrote. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine-int.h"
#include "whittle/metrics.h"
#include "whittle/train.h"

#define CHECK_MS 10000		/* the check of a job's arguments, at most */
#define CHECK_SAID_MAX 4096	/* what is kept of what it says */

static const char *const commands[] = { "train", "eval", "run", "step", "lua", NULL };

static const char *
command(const cJSON *job)
{
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(job, "argv");
	const cJSON *first = cJSON_GetArrayItem(argv, 0);

	return cJSON_IsString(first) ? first->valuestring : "";
}

/* In the child: the engine's check of the arguments, as the job would
 * run, with what it says on out. Never returns. */
static void
check_child(const struct engine *e, const cJSON *job, int out)
{
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(job, "argv"), *v;
	const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(job, "cwd");
	int n = cJSON_GetArraySize(argv), i = 0, null = open("/dev/null", O_RDWR);
	char **args = wh_xcalloc((size_t)n + 1, sizeof *args);
	const int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };

	for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
		signal(sigs[k], SIG_DFL);	/* not the engine's handlers */
	dup2(null, 0);
	dup2(null, 1);
	dup2(out, 2);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(job, "env"))
		setenv(v->string, v->valuestring, 1);
	if (cJSON_IsString(cwd) && chdir(cwd->valuestring) < 0) {
		fprintf(stderr, "whittle: cannot enter %s: %s\n", cwd->valuestring, strerror(errno));
		_exit(126);
	}
	cJSON_ArrayForEach(v, argv)
		args[i++] = v->valuestring;
	_exit(e->check(n, args, cJSON_GetArraySize(
	    cJSON_GetObjectItemCaseSensitive(job, "after")) == 0));
}

/* What the check said, lines joined with "; " less their "whittle: ". */
static void
check_message(struct wh_buf *said, int status, struct wh_error *err)
{
	struct wh_buf msg = {0};
	char *line, *save = NULL;

	wh_buf_addc(said, '\0');
	for (line = strtok_r(said->data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "whittle: ", 9) == 0)
			line += 9;
		wh_buf_printf(&msg, "%s%s", msg.len ? "; " : "", line);
	}
	if (msg.len == 0)
		wh_buf_printf(&msg, "the check of its arguments %s %d", WIFEXITED(status) ?
		    "exited with status" : "was killed by signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	wh_error_set(err, NULL, 0, "%s", msg.data);
	wh_buf_free(&msg);
}

static int
elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int)((t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000);
}

/* The engine's check of a builtin job's arguments (see struct
 * wh_engine_options), in a child it waits for, CHECK_MS at most. */
static int
check_args(const struct engine *e, const cJSON *job, struct wh_error *err)
{
	struct wh_buf said = {0};
	struct timespec t0;
	int p[2], status = 0;
	bool late = false;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return wh_error_sys(err, NULL, errno, "cannot make a pipe");
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return wh_error_sys(err, NULL, errno, "cannot fork");
	}
	if (pid == 0)
		check_child(e, job, p[1]);
	close(p[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		int left = CHECK_MS - elapsed_ms(&t0), r;
		char buf[4096];
		ssize_t n;
		if ((late = left <= 0))
			break;
		if ((r = poll(&pf, 1, left)) < 0 && errno == EINTR)
			continue;
		if ((late = r == 0) || r < 0)
			break;
		if ((n = read(p[0], buf, sizeof buf)) < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (said.len < CHECK_SAID_MAX)
			wh_buf_add(&said, buf, (size_t)n);
	}
	close(p[0]);
	if (late)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!late && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		wh_buf_free(&said);
		return 0;
	}
	if (late)
		wh_error_set(err, NULL, 0, "the check of its arguments took more than %d s",
		    CHECK_MS / 1000);
	else
		check_message(&said, status, err);
	wh_buf_free(&said);
	return -1;
}

static int
builtin_check(const struct engine *e, const cJSON *job, struct wh_error *err)
{
	bool known = false;

	if (wh_engine_exec_check(e, job, err) < 0)
		return -1;
	for (int i = 0; commands[i]; i++)
		known |= strcmp(command(job), commands[i]) == 0;
	if (!known)
		return wh_error_set(err, NULL, 0, "the builtin backend runs train, eval, "
		    "run, step or lua, not \"%s\"", command(job));
	return e->check ? check_args(e, job, err) : 0;
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
	/* the engine's own binary, even when an upgrade or a rebuild has
	 * replaced the file at self since the engine started */
	rc = wh_engine_exec_run(j, "/proc/self/exe", args, err);
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
