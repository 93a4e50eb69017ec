/* Jobs: the queue, starting as many as the engine may run at once, in the
 * order they were queued, reaping their processes, and what a backend
 * reports (points, output, the end), each written to the run's folder
 * before subscribers hear of it. A job may wait for other runs (its spec's
 * "after"): it joins the queue once they all end done, and is cancelled
 * when one ends otherwise; resumed, that run takes it back. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine-int.h"

#define TICK_MS 100
#define TAIL_MAX 4096
#define NAME_MAX_LEN 256
#define AFTER_MAX 256		/* runs a job may wait for */

static const struct backend *const backends[] = {
	&wh_engine_exec_backend, &wh_engine_builtin_backend, NULL
};

static const struct backend *
backend_named(const char *name)
{
	for (int i = 0; backends[i]; i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

struct job *
wh_engine_job(struct engine *e, const char *run)
{
	for (struct job *j = e->jobs; j; j = j->next)
		if (strcmp(j->run.id, run) == 0)
			return j;
	return NULL;
}

/* A job of backend be, with no run yet. */
static struct job *
new_job(struct engine *e, const struct backend *be)
{
	struct job *j = wh_xcalloc(1, sizeof *j);

	j->eng = e;
	j->backend = be;
	j->log_fd = j->metrics.fd = -1;
	j->loss = j->accuracy = NAN;
	return j;
}

/* The backend a run's spec names, or NULL. */
static const struct backend *
backend_of(const cJSON *spec)
{
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(spec, "backend");

	return cJSON_IsString(b) ? backend_named(b->valuestring) : NULL;
}

static bool
resumable(const struct backend *be, const cJSON *spec)
{
	return be != NULL && be->resumable != NULL && be->resumable(spec);
}

/* The runs a job waits for: its spec's "after", or NULL when empty. */
static const cJSON *
after_of(const cJSON *spec)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(spec, "after");

	return cJSON_GetArraySize(a) > 0 ? a : NULL;
}

/* Whether run r, of backend be, can run again: one that ended unfinished
 * and its backend can resume, or one cancelled or interrupted before it
 * started (a job cancelled while it waited), whatever its backend. */
static bool
can_resume(const struct backend *be, const struct wh_run *r)
{
	if (be == NULL || !wh_runs_state_final(r->state) || r->state == WH_RUN_DONE)
		return false;
	return resumable(be, r->spec) || (r->started == 0 &&
	    (r->state == WH_RUN_CANCELLED || r->state == WH_RUN_INTERRUPTED));
}

enum wait { NEVER = -2, GONE, PENDING, MET };

/* How the wait for run id stands: MET (it ended done), PENDING (it has
 * not ended, or ended interrupted and can run again), NEVER (it ended
 * otherwise; *how says how) or GONE (no such run). A run that is a job
 * here is read from memory; one that is not (it ended before this engine
 * started) from its run.json, which only a resume, making it a job here,
 * changes. */
static enum wait
awaited(struct engine *e, const char *id, const char **how)
{
	struct job *j = wh_engine_job(e, id);
	enum wh_run_state s;
	bool resume;
	struct wh_run r;

	if (j != NULL) {
		s = j->run.state;
		resume = can_resume(j->backend, &j->run);
	} else if (wh_runs_load(e->root, id, &r, NULL) == 0) {
		s = r.state;
		resume = can_resume(backend_of(r.spec), &r);
		wh_runs_free(&r);
	} else
		return GONE;
	*how = wh_runs_state_name(s);
	if (s == WH_RUN_DONE)
		return MET;
	if (!wh_runs_state_final(s) || (s == WH_RUN_INTERRUPTED && resume))
		return PENDING;
	return NEVER;
}

/* A job's "after": an array of ids of runs that exist. */
static int
check_after(struct engine *e, const cJSON *job, struct wh_error *err)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(job, "after"), *v;
	const char *how;

	if (a == NULL)
		return 0;
	if (!cJSON_IsArray(a))
		return wh_error_set(err, NULL, 0, "\"after\" is not an array of run ids");
	if (cJSON_GetArraySize(a) > AFTER_MAX)
		return wh_error_set(err, NULL, 0, "a job waits for %d runs at most", AFTER_MAX);
	cJSON_ArrayForEach(v, a) {
		if (!cJSON_IsString(v))
			return wh_error_set(err, NULL, 0, "\"after\" is not an array of run ids");
		if (awaited(e, v->valuestring, &how) == GONE)
			return wh_error_set(err, NULL, 0, "no run %s to wait for", v->valuestring);
	}
	return 0;
}

static void
free_job(struct job *j)
{
	wh_runs_free(&j->run);
	wh_buf_free(&j->tail);
	free(j);
}

static void
append_job(struct engine *e, struct job *j)
{
	struct job **tail;

	for (tail = &e->jobs; *tail; tail = &(*tail)->next)
		;
	*tail = j;
}

/* j joins the end of the queue. */
static void
enqueue(struct engine *e, struct job *j)
{
	j->run.state = WH_RUN_QUEUED;
	j->place = ++e->places;
}

/* A job submitted or resumed: it waits when its spec names runs to wait
 * for, else it is queued; the next schedule sees to it. */
static void
wait_or_queue(struct engine *e, struct job *j)
{
	if (after_of(j->run.spec)) {
		j->run.state = WH_RUN_WAITING;
		j->met = 0;
	} else
		enqueue(e, j);
	e->changed = true;
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The name given, else the command's name; for whittle's own commands
 * with the file or step they work on ("train add.jsonl"). */
static char *
default_name(const cJSON *job, const struct backend *be)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(job, "name");
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(job, "argv");
	const cJSON *first = cJSON_GetArrayItem(argv, 0), *second = cJSON_GetArrayItem(argv, 1);
	struct wh_buf b = {0};

	if (cJSON_IsString(name))
		return wh_xstrdup(name->valuestring);
	if (!cJSON_IsString(first))
		return wh_xstrdup("job");
	wh_buf_adds(&b, be == &wh_engine_builtin_backend ? first->valuestring :
	    base_name(first->valuestring));
	if (be == &wh_engine_builtin_backend && cJSON_IsString(second) &&
	    second->valuestring[0] != '-')
		wh_buf_printf(&b, " %s", base_name(second->valuestring));
	return wh_buf_take(&b);
}

int
wh_engine_submit(struct engine *e, const cJSON *job, struct job **out,
    struct wh_error *err)
{
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(job, "backend");
	const char *home = getenv("HOME");
	const struct backend *be;
	struct job *j;
	cJSON *spec;

	if (!cJSON_IsString(b))
		return wh_error_set(err, NULL, 0, "the job needs a \"backend\" (exec or builtin)");
	if ((be = backend_named(b->valuestring)) == NULL)
		return wh_error_set(err, NULL, 0, "no backend \"%s\" in this engine",
		    b->valuestring);
	/* A job that names no folder runs in the home folder, as a command
	 * given to ssh does (a remote client's folders mean nothing here). */
	spec = cJSON_Duplicate(job, 1);
	if (!cJSON_HasObjectItem(spec, "cwd"))
		cJSON_AddStringToObject(spec, "cwd", home && home[0] == '/' ? home : "/");
	if (check_after(e, spec, err) < 0 || be->check(e, spec, err) < 0) {
		cJSON_Delete(spec);
		return -1;
	}
	job = spec;
	j = new_job(e, be);
	j->run.spec = spec;
	wait_or_queue(e, j);
	j->run.name = default_name(job, be);
	if (be->data)
		j->run.data = be->data(job);
	j->run.created = wh_loop_now();
	j->run.exit_status = -1;
	if (wh_runs_create(e->root, &j->run, err) < 0) {
		wh_runs_free(&j->run);
		free(j);
		return -1;
	}
	append_job(e, j);
	*out = j;
	wh_engine_schedule(e);
	return 0;
}

static void
save_run(struct job *j)
{
	struct wh_error err;

	if (wh_runs_save(j->eng->root, &j->run, &err) < 0) {
		char msg[1200];
		wh_error_format(&err, msg, sizeof msg);
		wh_engine_job_log(j, "whittle: ", 9);
		wh_engine_job_log(j, msg, strlen(msg));
		wh_engine_job_log(j, "\n", 1);
	}
}

void
wh_engine_job_log(struct job *j, const char *text, size_t len)
{
	if (j->log_fd >= 0 && write(j->log_fd, text, len) < 0)
		(void)0;
	wh_buf_add(&j->tail, text, len);
	if (j->tail.len > 2 * TAIL_MAX) {
		char *keep = j->tail.data + j->tail.len - TAIL_MAX;
		char *nl = memchr(keep, '\n', TAIL_MAX);
		if (nl != NULL)
			keep = nl + 1;
		size_t n = (size_t)(j->tail.data + j->tail.len - keep);
		memmove(j->tail.data, keep, n);
		j->tail.len = n;
		j->tail.data[n] = '\0';
	}
}

void
wh_engine_job_point(struct job *j, const struct wh_metric *m)
{
	struct wh_error err;

	if (j->metrics.fd < 0 || m->name[0] == '\0' || strlen(m->name) > NAME_MAX_LEN ||
	    (j->resumed && m->step <= j->skip_step))
		return;
	if (m->step > j->step)
		j->step = m->step;
	if (strcmp(m->name, "max_steps") == 0 && m->value > 0)
		j->max_steps = m->value;
	if (strcmp(m->name, "loss") == 0)
		j->loss = m->value;
	if (strstr(m->name, "acc") != NULL)
		j->accuracy = m->value;
	if (wh_runs_metrics_append(&j->metrics, m, &err) == 0) {
		wh_engine_job_log(j, "whittle: ", 9);
		wh_engine_job_log(j, err.msg, strlen(err.msg));
		wh_engine_job_log(j, "\n", 1);
		return;
	}
	wh_engine_notify(j->eng, j->run.id);
}

static void
tick(struct wh_loop *l, void *arg)
{
	struct engine *e = arg;
	int running = 0;
	(void)l;

	e->tick = 0;
	for (struct job *j = e->jobs; j; j = j->next)
		if (j->run.state == WH_RUN_RUNNING) {
			running++;
			if (j->backend->tick)
				j->backend->tick(j);
		}
	if (running)
		e->tick = wh_loop_timer(e->loop, TICK_MS, tick, e);
}

static int
open_run_files(struct job *j, struct wh_error *err)
{
	char *log = wh_runs_path(j->eng->root, j->run.id, "log");

	j->log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (j->log_fd < 0)
		wh_error_sys(err, log, errno, "cannot open");
	free(log);
	if (j->log_fd < 0)
		return -1;
	return wh_runs_metrics_open(j->eng->root, j->run.id, &j->metrics, err);
}

static void
start(struct job *j)
{
	struct wh_error err;

	j->run.state = WH_RUN_RUNNING;
	j->run.started = wh_loop_now();
	if (j->resumed)
		j->step = j->skip_step = wh_runs_metrics_top_step(j->eng->root, j->run.id);
	if (open_run_files(j, &err) < 0 || j->backend->start(j, &err) < 0) {
		wh_engine_job_finish(j, WH_RUN_FAILED, -1, 0, err.msg);
		return;
	}
	save_run(j);
	wh_engine_broadcast_state(j->eng, &j->run);
	if (j->eng->tick == 0)
		j->eng->tick = wh_loop_timer(j->eng->loop, TICK_MS, tick, j->eng);
}

static void
reap(struct engine *e)
{
	int status;
	pid_t pid;

	for (int i = 0; i < 1024 && (pid = waitpid(-1, &status, WNOHANG)) > 0; i++)
		for (struct job *j = e->jobs; j; j = j->next)
			if (j->pid == pid) {
				j->pid = 0;
				j->backend->exited(j, status);
				break;
			}
}

static bool
slot_free(const struct job *j)
{
	return j->backend->slot_free && j->backend->slot_free(j->run.spec);
}

/* End j's wait if it can: queue it when every run it waits for ended
 * done, cancel it (saying which and how) when one never will. Its first
 * runs seen done are not looked at again (done is for good). */
static void
end_wait(struct engine *e, struct job *j)
{
	const cJSON *v = cJSON_GetArrayItem(after_of(j->run.spec), j->met);
	bool pending = false;

	for (int i = j->met; v != NULL; v = v->next, i++) {
		const char *how = NULL;
		enum wait w = awaited(e, v->valuestring, &how);
		if (w == NEVER || w == GONE) {
			struct wh_buf why = {0};
			wh_buf_printf(&why, "waited for run %s, which %s%s", v->valuestring,
			    how ? "ended " : "is gone", how ? how : "");
			free(j->run.cancelled_by);
			j->run.cancelled_by = wh_xstrdup(v->valuestring);
			wh_engine_job_finish(j, WH_RUN_CANCELLED, -1, 0, why.data);
			wh_buf_free(&why);
			return;
		}
		pending |= w == PENDING;
		if (!pending)
			j->met = i + 1;
	}
	if (pending)
		return;
	enqueue(e, j);
	save_run(j);
	wh_engine_broadcast_state(e, &j->run);
}

static int
by_place(const void *a, const void *b)
{
	const struct job *x = *(struct job *const *)a, *y = *(struct job *const *)b;

	return (x->place > y->place) - (x->place < y->place);
}

/* Start the queued jobs there are slots for, in their queue's order. */
static void
start_queued(struct engine *e)
{
	struct job **queue;
	size_t n = 0;
	int running = 0;

	for (struct job *j = e->jobs; j; j = j->next) {
		running += j->run.state == WH_RUN_RUNNING && !slot_free(j);
		n += j->run.state == WH_RUN_QUEUED;
	}
	if (n == 0)
		return;
	queue = wh_xcalloc(n, sizeof *queue);
	n = 0;
	for (struct job *j = e->jobs; j; j = j->next)
		if (j->run.state == WH_RUN_QUEUED)
			queue[n++] = j;
	qsort(queue, n, sizeof *queue, by_place);
	for (size_t i = 0; i < n; i++)
		if (slot_free(queue[i]) || running < e->max_jobs) {
			start(queue[i]);
			running += queue[i]->run.state == WH_RUN_RUNNING && !slot_free(queue[i]);
		}
	free(queue);
}

/* Until nothing changes: a job that ends (done, failed, cancelled, or
 * failed to start) may end the wait of others and frees its slot. */
void
wh_engine_schedule(struct engine *e)
{
	reap(e);
	while (e->changed) {
		e->changed = false;
		for (struct job *j = e->jobs; j; j = j->next)
			if (j->run.state == WH_RUN_WAITING)
				end_wait(e, j);
		start_queued(e);
	}
}

/* The engine's last line in run r's log: how it ended. */
static void
log_end(const char *root, const struct wh_run *r)
{
	struct wh_buf b = {0};

	wh_buf_printf(&b, "whittle: job %s %s", r->id, wh_runs_state_name(r->state));
	if (r->error)
		wh_buf_printf(&b, ": %s", r->error);
	else if (r->state == WH_RUN_DONE)
		wh_buf_adds(&b, " (exit status 0)");
	wh_buf_addc(&b, '\n');
	wh_runs_log_line(root, r->id, b.data);
	wh_buf_free(&b);
}

void
wh_engine_job_finish(struct job *j, enum wh_run_state state, int exit_status,
    int signal, const char *error)
{
	j->run.state = state;
	j->run.ended = wh_loop_now();
	j->run.exit_status = exit_status;
	j->run.signal = signal;
	free(j->run.error);
	j->run.error = error ? wh_xstrdup(error) : NULL;
	free(j->run.tail);
	j->run.tail = state == WH_RUN_FAILED && j->tail.len ? wh_xstrdup(j->tail.data) : NULL;
	if (j->backend->release)
		j->backend->release(j);
	log_end(j->eng->root, &j->run);	/* before run.json says it ended */
	save_run(j);
	wh_runs_metrics_close(&j->metrics);
	if (j->log_fd >= 0)
		close(j->log_fd);
	j->log_fd = -1;
	wh_buf_free(&j->tail);
	j->eng->changed = true;
	wh_engine_broadcast_state(j->eng, &j->run);
	wh_engine_notify(j->eng, j->run.id);
}

int
wh_engine_cancel(struct engine *e, const char *run, struct wh_error *err)
{
	struct job *j = wh_engine_job(e, run);

	if (j == NULL || wh_runs_state_final(j->run.state))
		return wh_error_set(err, NULL, 0, "run %s is not queued, waiting or running here", run);
	if (j->run.state == WH_RUN_QUEUED || j->run.state == WH_RUN_WAITING) {
		wh_engine_job_finish(j, WH_RUN_CANCELLED, -1, 0, NULL);
		wh_engine_schedule(e);	/* those waiting for it */
		return 0;
	}
	if (!j->cancelling) {
		j->cancelling = true;
		j->backend->cancel(j);
	}
	return 0;
}

/* That every run r waits for can still end done: a job resumed while one
 * of them has ended otherwise would only be cancelled again. */
static int
check_waits(struct engine *e, const struct wh_run *r, struct wh_error *err)
{
	const cJSON *v;
	const char *how = NULL;

	cJSON_ArrayForEach(v, after_of(r->spec))
		switch (awaited(e, v->valuestring, &how)) {
		case GONE:
			return wh_error_set(err, NULL, 0, "run %s waits for run %s, which is gone",
			    r->id, v->valuestring);
		case NEVER:
			return wh_error_set(err, NULL, 0, "run %s waits for run %s, which ended %s",
			    r->id, v->valuestring, how);
		default:
			break;
		}
	return 0;
}

/* Whether r was cancelled because run id, which it waited for, ended
 * otherwise than done (not by hand). */
static bool
cancelled_waiting_for(const struct wh_run *r, const char *id)
{
	return r->state == WH_RUN_CANCELLED && r->cancelled_by != NULL &&
	    strcmp(r->cancelled_by, id) == 0;
}

static int resume_run(struct engine *e, const char *run, struct job **out,
    struct wh_error *err);

/* Run id was resumed: so are the jobs cancelled while they waited for it
 * (and theirs), but for those that wait for another run that cannot end
 * done. */
static void
resume_waiters(struct engine *e, const char *id)
{
	struct wh_run *runs;
	struct wh_error err;
	struct job *j;
	size_t n;

	if (wh_runs_list(e->root, &runs, &n, &err) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (cancelled_waiting_for(&runs[i], id))
			(void)resume_run(e, runs[i].id, &j, &err);
	wh_runs_free_list(runs, n);
}

/* Queue again (or wait again) run, as wh_engine_resume, but for the
 * schedule. */
static int
resume_run(struct engine *e, const char *run, struct job **out,
    struct wh_error *err)
{
	struct job *old = wh_engine_job(e, run), *j;
	const struct backend *be;

	if (old != NULL && !wh_runs_state_final(old->run.state))
		return wh_error_set(err, NULL, 0, "run %s is %s: it has not ended", run,
		    wh_runs_state_name(old->run.state));
	j = new_job(e, NULL);
	if (wh_runs_load(e->root, run, &j->run, err) < 0) {
		free_job(j);
		return -1;
	}
	be = backend_of(j->run.spec);
	if (!can_resume(be, &j->run)) {
		wh_error_set(err, NULL, 0, j->run.state == WH_RUN_DONE ? "run %s is done" :
		    "run %s cannot be resumed (only builtin train runs, and runs that "
		    "never started, can)", run);
		free_job(j);
		return -1;
	}
	if (check_waits(e, &j->run, err) < 0) {
		free_job(j);
		return -1;
	}
	if (old != NULL) {
		struct job **p;
		for (p = &e->jobs; *p != old; p = &(*p)->next)
			;
		*p = old->next;
		free_job(old);
	}
	j->backend = be;
	j->resumed = j->run.started > 0;
	wait_or_queue(e, j);
	j->run.ended = 0;
	j->run.exit_status = -1;
	j->run.signal = 0;
	free(j->run.error);
	free(j->run.tail);
	free(j->run.cancelled_by);
	j->run.error = j->run.tail = j->run.cancelled_by = NULL;
	if (wh_runs_save(e->root, &j->run, err) < 0) {
		free_job(j);
		return -1;
	}
	append_job(e, j);
	*out = j;
	wh_engine_broadcast_state(e, &j->run);
	resume_waiters(e, run);
	return 0;
}

int
wh_engine_resume(struct engine *e, const char *run, struct job **out,
    struct wh_error *err)
{
	if (resume_run(e, run, out, err) < 0)
		return -1;
	wh_engine_schedule(e);
	return 0;
}

/* A run left waiting whose backend this engine lacks: cancelled, as
 * nothing here can run it (and so are those waiting for it). */
static void
cancel_orphan(struct engine *e, struct wh_run *r)
{
	struct wh_error err;

	r->state = WH_RUN_CANCELLED;
	r->ended = wh_loop_now();
	free(r->error);
	r->error = wh_xstrdup("its backend is not in this engine");
	log_end(e->root, r);
	if (wh_runs_save(e->root, r, &err) < 0) {
		char msg[1200], line[1300];
		wh_error_format(&err, msg, sizeof msg);
		snprintf(line, sizeof line, "whittle: %s\n", msg);
		wh_runs_log_line(e->root, r->id, line);
	}
}

int
wh_engine_restore(struct engine *e, struct wh_error *err)
{
	struct wh_run *runs;
	size_t n;

	if (wh_runs_list(e->root, &runs, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct backend *be = backend_of(runs[i].spec);
		if (runs[i].state != WH_RUN_WAITING)
			continue;
		if (be == NULL) {
			cancel_orphan(e, &runs[i]);
			continue;
		}
		struct job *j = new_job(e, be);
		j->run = runs[i];
		j->resumed = j->run.started > 0;	/* it ran before it waited again */
		memset(&runs[i], 0, sizeof runs[i]);
		append_job(e, j);
	}
	wh_runs_free_list(runs, n);
	e->changed = true;
	wh_engine_schedule(e);
	return 0;
}

/* The engine stops: what runs is stopped and marked interrupted; what
 * waits stays waiting, for the next engine. */
void
wh_engine_stop_jobs(struct engine *e)
{
	for (struct job *j = e->jobs; j; j = j->next) {
		if (wh_runs_state_final(j->run.state) || j->run.state == WH_RUN_WAITING)
			continue;
		if (j->pid > 0)
			kill(-j->pid, SIGTERM);
		j->pid = 0;
		wh_engine_job_finish(j, WH_RUN_INTERRUPTED, -1, 0, "the engine stopped");
	}
}

void
wh_engine_free_jobs(struct engine *e)
{
	while (e->jobs) {
		struct job *j = e->jobs;
		e->jobs = j->next;
		free_job(j);
	}
}
