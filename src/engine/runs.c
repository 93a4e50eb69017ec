/* The runs store: a folder a run, run.json replaced atomically, metrics.jsonl
 * appended one whole line per write, and recovery after a crash. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "whittle/file.h"
#include "whittle/paths.h"
#include "whittle/runs.h"

static const char *const state_names[] = {
	"queued", "waiting", "running", "done", "failed", "cancelled", "interrupted"
};

const char *
wh_runs_state_name(enum wh_run_state s)
{
	return state_names[s];
}

bool
wh_runs_state_final(enum wh_run_state s)
{
	return s >= WH_RUN_DONE;
}

char *
wh_runs_root(void)
{
	char *data = wh_xdg_dir("DATA");
	struct wh_buf b = {0};

	wh_buf_printf(&b, "%s/runs", data);
	free(data);
	return wh_buf_take(&b);
}

char *
wh_runs_path(const char *root, const char *id, const char *file)
{
	struct wh_buf b = {0};

	wh_buf_printf(&b, "%s/%s%s%s", root, id, file ? "/" : "", file ? file : "");
	return wh_buf_take(&b);
}

static void
add_time(cJSON *o, const char *key, double t)
{
	if (t > 0)
		cJSON_AddNumberToObject(o, key, t);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *
wh_runs_json(const struct wh_run *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "name", r->name ? r->name : "");
	cJSON_AddStringToObject(o, "state", wh_runs_state_name(r->state));
	add_time(o, "created", r->created);
	add_time(o, "started", r->started);
	add_time(o, "ended", r->ended);
	cJSON_AddNumberToObject(o, "exit_status", r->exit_status);
	cJSON_AddNumberToObject(o, "signal", r->signal);
	if (r->error)
		cJSON_AddStringToObject(o, "error", r->error);
	if (r->cancelled_by)
		cJSON_AddStringToObject(o, "cancelled_by", r->cancelled_by);
	if (r->tail)
		cJSON_AddStringToObject(o, "tail", r->tail);
	cJSON_AddItemToObject(o, "spec", r->spec ? cJSON_Duplicate(r->spec, 1)
	    : cJSON_CreateObject());
	if (r->data)
		cJSON_AddItemToObject(o, "data", cJSON_Duplicate(r->data, 1));
	return o;
}

int
wh_runs_save(const char *root, const struct wh_run *r, struct wh_error *err)
{
	char *path = wh_runs_path(root, r->id, "run.json");
	cJSON *o = wh_runs_json(r);
	char *text = cJSON_Print(o);
	struct wh_atomic a;
	int rc = wh_atomic_open(&a, path, err);

	if (rc == 0) {
		fputs(text, a.fp);
		fputc('\n', a.fp);
		rc = wh_atomic_commit(&a, err);
	}
	free(text);
	cJSON_Delete(o);
	free(path);
	return rc;
}

static void
new_id(char *id, unsigned salt)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	unsigned r = (unsigned)ts.tv_nsec ^ ((unsigned)getpid() << 8) ^ (salt * 0x9e3779b9u);
	size_t n = strftime(id, WH_RUN_ID_MAX, "%Y%m%d-%H%M%S", &tm);
	snprintf(id + n, WH_RUN_ID_MAX - n, "-%04x", (r ^ (r >> 16)) & 0xffff);
}

int
wh_runs_create(const char *root, struct wh_run *r, struct wh_error *err)
{
	if (wh_mkdirs(root, err) < 0)
		return -1;
	for (unsigned salt = 0; salt < 64; salt++) {
		new_id(r->id, salt);
		char *dir = wh_runs_path(root, r->id, NULL);
		int rc = mkdir(dir, 0700), e = errno;
		free(dir);
		if (rc == 0)
			return wh_runs_save(root, r, err);
		if (e != EEXIST)
			return wh_error_sys(err, root, e, "cannot make a run folder");
	}
	return wh_error_set(err, root, 0, "cannot find a free run id");
}

static double
time_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static char *
string_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? wh_xstrdup(v->valuestring) : NULL;
}

static int
state_of(const cJSON *o)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "state");

	for (int i = 0; cJSON_IsString(v) && i <= WH_RUN_INTERRUPTED; i++)
		if (strcmp(v->valuestring, state_names[i]) == 0)
			return i;
	return -1;
}

static int
from_json(const cJSON *o, struct wh_run *r)
{
	int state = state_of(o);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");

	if (state < 0 || !cJSON_IsString(id) || strlen(id->valuestring) >= WH_RUN_ID_MAX)
		return -1;
	snprintf(r->id, sizeof r->id, "%s", id->valuestring);
	r->state = (enum wh_run_state)state;
	r->name = string_of(o, "name");
	r->error = string_of(o, "error");
	r->cancelled_by = string_of(o, "cancelled_by");
	r->tail = string_of(o, "tail");
	r->created = time_of(o, "created");
	r->started = time_of(o, "started");
	r->ended = time_of(o, "ended");
	r->exit_status = (int)time_of(o, "exit_status");
	r->signal = (int)time_of(o, "signal");
	r->spec = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(o, "spec"), 1);
	if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(o, "data")))
		r->data = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(o, "data"), 1);
	return 0;
}

static bool
run_folder_exists(const char *root, const char *id)
{
	char *dir = wh_runs_path(root, id, NULL);
	struct stat st;
	bool yes = stat(dir, &st) == 0;

	free(dir);
	return yes;
}

int
wh_runs_load(const char *root, const char *id, struct wh_run *r,
    struct wh_error *err)
{
	char *path = wh_runs_path(root, id, "run.json");
	struct wh_map m;
	cJSON *o = NULL;
	int rc = -1;

	memset(r, 0, sizeof *r);
	if (strchr(id, '/') != NULL || id[0] == '.')
		rc = wh_error_set(err, NULL, 0, "%s: not a run id", id);
	else if (!run_folder_exists(root, id))
		rc = wh_error_set(err, NULL, 0, "no run %s (`whittle runs` lists them)", id);
	else if (wh_map_open(&m, path, err) == 0) {
		o = cJSON_ParseWithLength(m.data ? m.data : "", m.size);
		wh_map_close(&m);
		if (o == NULL || from_json(o, r) < 0) {
			wh_runs_free(r);
			wh_error_set(err, path, 0, "not a run.json whittle can read");
		} else {
			rc = 0;
		}
	}
	cJSON_Delete(o);
	free(path);
	return rc;
}

void
wh_runs_free(struct wh_run *r)
{
	free(r->name);
	free(r->error);
	free(r->cancelled_by);
	free(r->tail);
	cJSON_Delete(r->spec);
	cJSON_Delete(r->data);
	memset(r, 0, sizeof *r);
}

static int
by_creation(const void *a, const void *b)
{
	const struct wh_run *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
wh_runs_list(const char *root, struct wh_run **runs, size_t *n,
    struct wh_error *err)
{
	DIR *d = opendir(root);
	struct dirent *e;
	size_t cap = 0;

	*runs = NULL;
	*n = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : wh_error_sys(err, root, errno, "cannot list runs");
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*runs = wh_xrealloc(*runs, cap * sizeof **runs);
		}
		if (wh_runs_load(root, e->d_name, &(*runs)[*n], NULL) == 0)
			(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(*runs, *n, sizeof **runs, by_creation);
	return 0;
}

void
wh_runs_free_list(struct wh_run *runs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wh_runs_free(&runs[i]);
	free(runs);
}

/* Cut what follows the last newline of path (a line half-written). */
static int
cut_partial_line(const char *path, struct wh_error *err)
{
	struct wh_map m;
	int rc = 0;

	if (access(path, F_OK) != 0 || wh_map_open(&m, path, err) < 0)
		return access(path, F_OK) != 0 ? 0 : -1;
	size_t keep = m.size;
	while (keep > 0 && m.data[keep - 1] != '\n')
		keep--;
	if (keep != m.size && truncate(path, (off_t)keep) < 0)
		rc = wh_error_sys(err, path, errno, "cannot cut a half-written line");
	wh_map_close(&m);
	return rc;
}

void
wh_runs_log_line(const char *root, const char *id, const char *text)
{
	char *path = wh_runs_path(root, id, "log"), last = '\n';
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;

	free(path);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) < 0)
		last = '\n';
	if ((last != '\n' && write(fd, "\n", 1) < 0) || write(fd, text, strlen(text)) < 0)
		(void)0;
	close(fd);
}

int
wh_runs_recover(const char *root, struct wh_error *err)
{
	struct wh_run *runs;
	size_t n;
	int marked = 0;

	if (wh_runs_list(root, &runs, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && marked >= 0; i++) {
		struct wh_run *r = &runs[i];
		if (wh_runs_state_final(r->state) || r->state == WH_RUN_WAITING)
			continue;
		char *metrics = wh_runs_path(root, r->id, "metrics.jsonl");
		r->state = WH_RUN_INTERRUPTED;
		if (r->ended == 0)
			r->ended = (double)time(NULL);
		if (cut_partial_line(metrics, err) < 0 || wh_runs_save(root, r, err) < 0)
			marked = -1;
		else {
			char line[WH_RUN_ID_MAX + 64];
			snprintf(line, sizeof line, "whittle: job %s interrupted: the engine "
			    "running it died\n", r->id);
			wh_runs_log_line(root, r->id, line);
			marked++;
		}
		free(metrics);
	}
	wh_runs_free_list(runs, n);
	return marked;
}

int
wh_runs_metrics_open(const char *root, const char *id,
    struct wh_runs_metrics *w, struct wh_error *err)
{
	char *path = wh_runs_path(root, id, "metrics.jsonl");
	char buf[65536];
	ssize_t n;

	w->seq = 0;
	w->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		wh_error_sys(err, path, errno, "cannot open");
		free(path);
		return -1;
	}
	free(path);
	while ((n = read(w->fd, buf, sizeof buf)) > 0)
		for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))); p++)
			w->seq++;
	return 0;
}

uint64_t
wh_runs_metrics_append(struct wh_runs_metrics *w, const struct wh_metric *m,
    struct wh_error *err)
{
	struct wh_buf line = {0};
	ssize_t n;

	wh_metrics_format(&line, m);
	n = write(w->fd, line.data, line.len);
	if (n > 0 && n != (ssize_t)line.len) {
		/* Take back a line written in part, so the next one starts a line. */
		struct stat st;
		if (fstat(w->fd, &st) == 0 && ftruncate(w->fd, st.st_size - n) < 0)
			n = -1;
	}
	if (n != (ssize_t)line.len) {
		wh_error_sys(err, NULL, n < 0 ? errno : ENOSPC, "cannot append a metric");
		wh_buf_free(&line);
		return 0;
	}
	wh_buf_free(&line);
	return ++w->seq;
}

int64_t
wh_runs_metrics_top_step(const char *root, const char *id)
{
	char *path = wh_runs_path(root, id, "metrics.jsonl");
	static const char key[] = "{\"step\":";
	int64_t top = 0;
	struct wh_map m;

	if (access(path, F_OK) == 0 && wh_map_open(&m, path, NULL) == 0) {
		const char *p = m.data, *end = m.data + m.size, *nl;
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			if ((size_t)(nl - p) > sizeof key && memcmp(p, key, sizeof key - 1) == 0) {
				long long step = strtoll(p + sizeof key - 1, NULL, 10);
				if (step > top)
					top = step;
			}
			p = nl + 1;
		}
		wh_map_close(&m);
	}
	free(path);
	return top;
}

void
wh_runs_metrics_close(struct wh_runs_metrics *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
