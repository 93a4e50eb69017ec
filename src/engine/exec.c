/* The exec backend: any command (torchrun, accelerate, a script) as a run.
 * It gets WHITTLE_RUN_DIR and WHITTLE_METRICS; its output goes to the run's
 * log, JSON lines on its stdout and in $WHITTLE_METRICS become points, and
 * the folders named in "watch" are followed for trainer_state.json and
 * TensorBoard event files. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine-int.h"
#include "whittle/metrics.h"

#define KILL_AFTER_MS 5000
#define READ_CHUNK 65536
#define LINE_MAX_LEN (1 << 20)
#define DRAIN_READS 256

struct exec {
	struct job *job;
	int fd[2];		/* stdout, stderr of the child; -1 when closed */
	struct wh_buf line;	/* stdout: a line not yet ended */
	int64_t dicts;		/* metric lines read from stdout */
	struct wh_metrics_watch *watch;
	uint64_t kill_timer;
};

static int
check_strings(const cJSON *a, const char *what, int need, struct wh_error *err)
{
	const cJSON *v;

	if (a == NULL && !need)
		return 0;
	if (!cJSON_IsArray(a) || (need && cJSON_GetArraySize(a) == 0))
		return wh_error_set(err, NULL, 0, "\"%s\" must be a%s array of strings",
		    what, need ? " non-empty" : "n");
	cJSON_ArrayForEach(v, a)
		if (!cJSON_IsString(v))
			return wh_error_set(err, NULL, 0, "\"%s\" must hold strings only", what);
	return 0;
}

int
wh_engine_exec_check(const struct engine *e, const cJSON *job, struct wh_error *err)
{
	const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(job, "cwd");
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(job, "env"), *v;
	struct stat st;
	(void)e;

	if (check_strings(cJSON_GetObjectItemCaseSensitive(job, "argv"), "argv", 1, err) < 0 ||
	    check_strings(cJSON_GetObjectItemCaseSensitive(job, "watch"), "watch", 0, err) < 0)
		return -1;
	if (cwd != NULL && !(cJSON_IsString(cwd) && cwd->valuestring[0] == '/'))
		return wh_error_set(err, NULL, 0, "\"cwd\" must be an absolute path");
	if (cwd != NULL && (stat(cwd->valuestring, &st) < 0 || !S_ISDIR(st.st_mode)))
		return wh_error_set(err, NULL, 0, "the job's folder %s is not a folder on "
		    "the engine's machine (a folder of another machine?)", cwd->valuestring);
	if (env != NULL && !cJSON_IsObject(env))
		return wh_error_set(err, NULL, 0, "\"env\" must be an object of strings");
	cJSON_ArrayForEach(v, env)
		if (!cJSON_IsString(v) || strchr(v->string, '=') || v->string[0] == '\0')
			return wh_error_set(err, NULL, 0, "\"env\" must be an object of strings");
	return 0;
}

static void
job_point(void *arg, const struct wh_metric *m)
{
	wh_engine_job_point(arg, m);
}

/* In the child: never returns. */
static void
child(struct job *j, const char *file, char *const args[], pid_t engine, int out,
    int err, const char *dir, const char *metrics)
{
	const cJSON *spec = j->run.spec, *v;
	const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(spec, "cwd");
	int null = open("/dev/null", O_RDONLY);
	sigset_t none;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != engine)
		_exit(128 + SIGTERM);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	dup2(null, 0);
	dup2(out, 1);
	dup2(err, 2);
	setenv("WHITTLE_RUN_DIR", dir, 1);
	setenv("WHITTLE_METRICS", metrics, 1);
	setenv("WHITTLE_RUN_ID", j->run.id, 1);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(spec, "env"))
		setenv(v->string, v->valuestring, 1);
	if (cJSON_IsString(cwd) && chdir(cwd->valuestring) < 0) {
		fprintf(stderr, "whittle: cannot enter %s: %s\n", cwd->valuestring, strerror(errno));
		_exit(126);
	}
	execvp(file ? file : args[0], args);
	fprintf(stderr, "whittle: cannot run %s: %s\n", args[0], strerror(errno));
	_exit(127);
}

static void
stdout_lines(struct exec *x, const char *p, size_t n)
{
	const char *end = p + n, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		wh_buf_add(&x->line, p, (size_t)(nl - p));
		if (x->line.len <= LINE_MAX_LEN &&
		    wh_metrics_parse_line(x->line.data ? x->line.data : "", x->line.len,
		    x->dicts, wh_loop_now(), job_point, x->job) >= 0)
			x->dicts++;
		wh_buf_clear(&x->line);
		p = nl + 1;
	}
	if (x->line.len <= LINE_MAX_LEN)
		wh_buf_add(&x->line, p, (size_t)(end - p));
}

/* Read what one pipe has; returns bytes read, 0 at its end, -1 if none now. */
static ssize_t
read_pipe(struct exec *x, int which)
{
	char buf[READ_CHUNK];
	ssize_t n = read(x->fd[which], buf, sizeof buf);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? -1 : 0;
	if (n == 0) {
		wh_loop_unwatch(x->job->eng->loop, x->fd[which]);
		close(x->fd[which]);
		x->fd[which] = -1;
		return 0;
	}
	wh_engine_job_log(x->job, buf, (size_t)n);
	if (which == 0)
		stdout_lines(x, buf, (size_t)n);
	return n;
}

static void
pipe_event(struct wh_loop *l, int fd, int ready, void *arg)
{
	struct exec *x = arg;
	(void)l;
	(void)ready;

	read_pipe(x, fd == x->fd[0] ? 0 : 1);
}

static int
spawn(struct job *j, struct exec *x, const char *file, char *const args[],
    struct wh_error *err)
{
	char *dir = wh_runs_path(j->eng->root, j->run.id, NULL);
	char *metrics = wh_runs_path(j->eng->root, j->run.id, "child-metrics.jsonl");
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, rc = 0;
	pid_t engine = getpid();

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		rc = wh_error_sys(err, NULL, errno, "cannot make a pipe");
	else if ((j->pid = fork()) < 0)
		rc = wh_error_sys(err, NULL, errno, "cannot fork");
	else if (j->pid == 0)
		child(j, file, args, engine, out[1], errp[1], dir, metrics);
	if (rc == 0) {
		x->fd[0] = out[0];
		x->fd[1] = errp[0];
		out[0] = errp[0] = -1;
		x->watch = wh_metrics_watch_new();
		wh_metrics_watch_file(x->watch, metrics);
	}
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	free(dir);
	free(metrics);
	return rc;
}

static void
watch_dirs(struct exec *x, const cJSON *spec)
{
	const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(spec, "cwd"), *v;

	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(spec, "watch")) {
		struct wh_buf p = {0};
		if (v->valuestring[0] != '/' && cJSON_IsString(cwd))
			wh_buf_printf(&p, "%s/", cwd->valuestring);
		wh_buf_adds(&p, v->valuestring);
		wh_metrics_watch_dir(x->watch, p.data);
		wh_buf_free(&p);
	}
}

int
wh_engine_exec_run(struct job *j, const char *file, char *const args[],
    struct wh_error *err)
{
	struct exec *x = wh_xcalloc(1, sizeof *x);

	x->job = j;
	x->fd[0] = x->fd[1] = -1;
	j->state = x;
	if (spawn(j, x, file, args, err) < 0)
		return -1;
	watch_dirs(x, j->run.spec);
	for (int i = 0; i < 2; i++) {
		fcntl(x->fd[i], F_SETFL, O_NONBLOCK);
		wh_loop_watch(j->eng->loop, x->fd[i], WH_LOOP_READ, pipe_event, x);
	}
	return 0;
}

static void
poll_watch(struct exec *x)
{
	struct wh_error note;

	wh_metrics_watch_poll(x->watch, wh_loop_now(),
	    job_point, x->job, &note);
	if (note.msg[0]) {
		char msg[1200];
		wh_error_format(&note, msg, sizeof msg);
		wh_engine_job_log(x->job, "whittle: ", 9);
		wh_engine_job_log(x->job, msg, strlen(msg));
		wh_engine_job_log(x->job, "\n", 1);
	}
}

static int
exec_start(struct job *j, struct wh_error *err)
{
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(j->run.spec, "argv"), *v;
	char **args = wh_xcalloc((size_t)cJSON_GetArraySize(argv) + 1, sizeof *args);
	int i = 0, rc;

	cJSON_ArrayForEach(v, argv)
		args[i++] = v->valuestring;
	rc = wh_engine_exec_run(j, NULL, args, err);
	free(args);
	return rc;
}

void
wh_engine_exec_tick(struct job *j)
{
	poll_watch(j->state);
}

void
wh_engine_exec_exited(struct job *j, int status)
{
	struct exec *x = j->state;
	char why[128] = "";

	/* What the child wrote before it ended is in the pipes: read it all. */
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < DRAIN_READS && x->fd[i] >= 0 && read_pipe(x, i) > 0; k++)
			;
	if (x->line.len)
		stdout_lines(x, "\n", 1);
	poll_watch(x);
	if (j->cancelling)
		wh_engine_job_finish(j, WH_RUN_CANCELLED, -1, 0, NULL);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		wh_engine_job_finish(j, WH_RUN_DONE, 0, 0, NULL);
	else if (WIFEXITED(status)) {
		snprintf(why, sizeof why, "exited with status %d", WEXITSTATUS(status));
		wh_engine_job_finish(j, WH_RUN_FAILED, WEXITSTATUS(status), 0, why);
	} else {
		snprintf(why, sizeof why, "killed by signal %d (%s)", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
		wh_engine_job_finish(j, WH_RUN_FAILED, -1, WTERMSIG(status), why);
	}
}

static void
kill_now(struct wh_loop *l, void *arg)
{
	struct job *j = arg;
	struct exec *x = j->state;
	(void)l;

	x->kill_timer = 0;
	if (j->pid > 0)
		kill(-j->pid, SIGKILL);
}

void
wh_engine_exec_cancel(struct job *j)
{
	struct exec *x = j->state;

	if (j->pid <= 0)
		return;
	kill(-j->pid, SIGTERM);
	x->kill_timer = wh_loop_timer(j->eng->loop, KILL_AFTER_MS, kill_now, j);
}

void
wh_engine_exec_release(struct job *j)
{
	struct exec *x = j->state;

	if (x == NULL)
		return;
	for (int i = 0; i < 2; i++)
		if (x->fd[i] >= 0) {
			wh_loop_unwatch(j->eng->loop, x->fd[i]);
			close(x->fd[i]);
		}
	wh_loop_cancel(j->eng->loop, x->kill_timer);
	wh_metrics_watch_free(x->watch);
	wh_buf_free(&x->line);
	free(x);
	j->state = NULL;
}

const struct backend wh_engine_exec_backend = {
	.name = "exec",
	.check = wh_engine_exec_check,
	.start = exec_start,
	.tick = wh_engine_exec_tick,
	.exited = wh_engine_exec_exited,
	.cancel = wh_engine_exec_cancel,
	.release = wh_engine_exec_release,
};
