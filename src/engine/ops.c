/* The protocol's operations: each request line is parsed, checked, and
 * answered by one function here; subscriptions then stream events. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "engine-int.h"
#include "whittle/file.h"

#define LOG_DEFAULT 16384
#define HISTORY_DEFAULT 1000
#define HISTORY_MAX 100000

typedef int (*op_fn)(struct client *c, const struct wh_engine_request *q, cJSON *reply);

static void
fail(struct client *c, const struct wh_engine_request *q, const char *code,
    const struct wh_error *err)
{
	char msg[1200];

	wh_error_format(err, msg, sizeof msg);
	wh_engine_proto_error(&c->out, q->id, code, msg);
}

/* A run's fields less its spec, data and tail, with the runs it waits
 * for ("after") when it names some. */
static cJSON *
summary(const struct wh_run *r)
{
	cJSON *o = wh_runs_json(r);
	const cJSON *after = cJSON_GetObjectItemCaseSensitive(r->spec, "after");

	if (cJSON_GetArraySize(after) > 0)
		cJSON_AddItemToObject(o, "after", cJSON_Duplicate(after, 1));
	cJSON_DeleteItemFromObject(o, "spec");
	cJSON_DeleteItemFromObject(o, "data");
	cJSON_DeleteItemFromObject(o, "tail");
	return o;
}

static int
op_hello(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	(void)q;
	cJSON_AddNumberToObject(reply, "protocol", WH_ENGINE_PROTOCOL);
	cJSON_AddStringToObject(reply, "version", PACKAGE_VERSION);
	cJSON_AddNumberToObject(reply, "pid", (double)getpid());
	cJSON_AddStringToObject(reply, "socket", c->eng->sock);
	cJSON_AddStringToObject(reply, "runs", c->eng->root);
	cJSON_AddNumberToObject(reply, "max_jobs", c->eng->max_jobs);
	return 0;
}

/* A job's step, point count and progress, added to its summary o. */
static void
add_progress(cJSON *o, const struct job *j)
{
	cJSON_AddNumberToObject(o, "step", (double)j->step);
	cJSON_AddNumberToObject(o, "points", (double)j->metrics.seq);
	if (j->max_steps > 0)
		cJSON_AddNumberToObject(o, "progress", j->step / j->max_steps);
	if (j->max_steps > 0 && j->resumed)	/* where this start began */
		cJSON_AddNumberToObject(o, "progress_start", j->skip_step / j->max_steps);
	if (isfinite(j->loss))
		cJSON_AddNumberToObject(o, "loss", j->loss);
	if (isfinite(j->accuracy))
		cJSON_AddNumberToObject(o, "accuracy", j->accuracy);
}

static int
op_jobs(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	cJSON *a = cJSON_AddArrayToObject(reply, "jobs");
	(void)q;

	for (struct job *j = c->eng->jobs; j; j = j->next) {
		cJSON *o = summary(&j->run);
		const cJSON *argv = cJSON_GetObjectItemCaseSensitive(j->run.spec, "argv");
		cJSON_AddStringToObject(o, "kind", j->backend == &wh_engine_exec_backend ?
		    "exec" : cJSON_GetArrayItem(argv, 0)->valuestring);
		add_progress(o, j);
		cJSON_AddItemToArray(a, o);
	}
	return 0;
}

static int
op_runs(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	cJSON *a = cJSON_AddArrayToObject(reply, "runs");
	struct wh_run *runs;
	struct wh_error err;
	size_t n;

	if (wh_runs_list(c->eng->root, &runs, &n, &err) < 0) {
		fail(c, q, "io", &err);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct job *j = wh_engine_job(c->eng, runs[i].id);
		cJSON *o = summary(&runs[i]);
		if (j != NULL && j->run.state == WH_RUN_RUNNING)
			add_progress(o, j);
		cJSON_AddItemToArray(a, o);
	}
	wh_runs_free_list(runs, n);
	return 0;
}

/* Read run q->run (its live state if it is a job here); -1 with an error
 * reply if there is no such run. */
static int
load(struct client *c, const struct wh_engine_request *q, struct wh_run *r)
{
	struct wh_error err;
	struct job *j = wh_engine_job(c->eng, q->run);

	if (wh_runs_load(c->eng->root, q->run, r, &err) == 0) {
		if (j != NULL)
			r->state = j->run.state;
		return 0;
	}
	fail(c, q, "no-run", &err);
	return -1;
}

static int
op_run(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	struct wh_run r;

	if (load(c, q, &r) < 0)
		return -1;
	char *dir = wh_runs_path(c->eng->root, r.id, NULL);
	cJSON_AddItemToObject(reply, "run", wh_runs_json(&r));
	cJSON_AddStringToObject(reply, "dir", dir);
	free(dir);
	wh_runs_free(&r);
	return 0;
}

static int
op_submit(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	struct wh_error err;
	struct job *j;

	if (wh_engine_submit(c->eng, q->job, &j, &err) < 0) {
		fail(c, q, "bad-job", &err);
		return -1;
	}
	cJSON_AddStringToObject(reply, "run", j->run.id);
	cJSON_AddStringToObject(reply, "state", wh_runs_state_name(j->run.state));
	return 0;
}

static int
op_cancel(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	struct wh_error err;
	struct wh_run r;
	bool over;

	if (load(c, q, &r) < 0)		/* no such run */
		return -1;
	over = wh_runs_state_final(r.state);
	if (over)
		wh_error_set(&err, NULL, 0, "run %s is %s: nothing to cancel", q->run,
		    wh_runs_state_name(r.state));
	wh_runs_free(&r);
	if (over || wh_engine_cancel(c->eng, q->run, &err) < 0) {
		fail(c, q, "not-active", &err);
		return -1;
	}
	cJSON_AddStringToObject(reply, "run", q->run);
	cJSON_AddStringToObject(reply, "state",
	    wh_runs_state_name(wh_engine_job(c->eng, q->run)->run.state));
	return 0;
}

static int
op_resume(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	struct wh_error err;
	struct job *j;

	if (wh_engine_resume(c->eng, q->run, &j, &err) < 0) {
		fail(c, q, "not-resumable", &err);
		return -1;
	}
	cJSON_AddStringToObject(reply, "run", j->run.id);
	cJSON_AddStringToObject(reply, "state", wh_runs_state_name(j->run.state));
	return 0;
}

static int
op_subscribe(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	struct wh_run r;

	if (load(c, q, &r) < 0)
		return -1;
	cJSON_AddStringToObject(reply, "run", r.id);
	cJSON_AddStringToObject(reply, "state", wh_runs_state_name(r.state));
	wh_runs_free(&r);
	wh_engine_subscribe(c, q->run, q->from, NULL);
	return 0;
}

static int
op_unsubscribe(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	(void)reply;
	wh_engine_unsubscribe(c, q->run);
	return 0;
}

/* Points of metrics.jsonl after seq q->from, at most q->limit of them. */
static int
op_history(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	char *path = wh_runs_path(c->eng->root, q->run, "metrics.jsonl");
	long limit = q->limit < 0 ? HISTORY_DEFAULT : q->limit > HISTORY_MAX ? HISTORY_MAX : q->limit;
	cJSON *a = cJSON_AddArrayToObject(reply, "points");
	uint64_t seq = 0;
	struct wh_map m = {0};
	struct wh_run r;

	if (load(c, q, &r) < 0) {
		free(path);
		return -1;
	}
	wh_runs_free(&r);
	if (access(path, F_OK) == 0 && wh_map_open(&m, path, NULL) < 0)
		m.data = NULL, m.size = 0;
	const char *p = m.data, *end = m.data ? m.data + m.size : NULL, *nl;
	while (p && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL && limit > 0) {
		seq++;
		cJSON *pt = seq > q->from ? cJSON_ParseWithLength(p, (size_t)(nl - p)) : NULL;
		if (pt != NULL) {
			cJSON_AddNumberToObject(pt, "seq", (double)seq);
			cJSON_AddItemToArray(a, pt);
			limit--;
		}
		p = nl + 1;
	}
	cJSON_AddNumberToObject(reply, "next", (double)(seq > q->from ? seq : q->from));
	cJSON_AddBoolToObject(reply, "more", p != NULL && memchr(p, '\n', (size_t)(end - p)) != NULL);
	wh_map_close(&m);
	free(path);
	return 0;
}

static int
op_log(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	char *path = wh_runs_path(c->eng->root, q->run, "log");
	long want = q->limit < 0 ? LOG_DEFAULT : q->limit;
	struct wh_buf text = {0};
	struct stat st;
	struct wh_run r;
	int fd;

	if (load(c, q, &r) < 0) {
		free(path);
		return -1;
	}
	wh_runs_free(&r);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0) {
		off_t from = st.st_size > want ? st.st_size - want : 0;
		wh_buf_reserve(&text, (size_t)(st.st_size - from) + 1);
		ssize_t n = pread(fd, text.data, (size_t)(st.st_size - from), from);
		text.len = n > 0 ? (size_t)n : 0;
		/* Cut: from the first whole line, not the middle of one (or of a
		 * character), where there is one. */
		char *nl = from > 0 ? memchr(text.data, '\n', text.len) : NULL;
		if (nl && nl + 1 < text.data + text.len) {
			text.len -= (size_t)(nl + 1 - text.data);
			memmove(text.data, nl + 1, text.len);
		}
	}
	if (fd >= 0)
		close(fd);
	wh_buf_addc(&text, '\0');
	cJSON_AddStringToObject(reply, "log", text.data);
	wh_buf_free(&text);
	free(path);
	return 0;
}

static void
stop_now(struct wh_loop *l, void *arg)
{
	(void)arg;
	wh_loop_stop(l);
}

static int
op_shutdown(struct client *c, const struct wh_engine_request *q, cJSON *reply)
{
	(void)q;
	(void)reply;
	/* Stop on the next pass, once this reply is written. */
	wh_loop_timer(c->eng->loop, 20, stop_now, NULL);
	return 0;
}

static const op_fn ops[] = {
	[WH_OP_HELLO] = op_hello, [WH_OP_SUBMIT] = op_submit,
	[WH_OP_CANCEL] = op_cancel, [WH_OP_JOBS] = op_jobs, [WH_OP_RUNS] = op_runs,
	[WH_OP_RUN] = op_run, [WH_OP_SUBSCRIBE] = op_subscribe,
	[WH_OP_UNSUBSCRIBE] = op_unsubscribe, [WH_OP_HISTORY] = op_history,
	[WH_OP_LOG] = op_log, [WH_OP_SHUTDOWN] = op_shutdown,
	[WH_OP_RESUME] = op_resume,
};

void
wh_engine_dispatch(struct client *c, const char *line, size_t len)
{
	struct wh_engine_request q;
	struct wh_error err;
	const char *code;

	if (wh_engine_proto_parse(line, len, &q, &code, &err) < 0) {
		wh_engine_proto_error(&c->out, q.id, code, err.msg);
		wh_engine_proto_free(&q);
		return;
	}
	cJSON *reply = wh_engine_proto_reply(q.id);
	if (ops[q.op](c, &q, reply) == 0)	/* else it wrote an error reply */
		wh_engine_proto_put(&c->out, reply);
	else
		cJSON_Delete(reply);
	if (q.op == WH_OP_SUBSCRIBE)
		wh_engine_pump(c);
	wh_engine_proto_free(&q);
}
