/* Per-record losses from a training run's batches.jsonl (each record's
 * loss at the last step that trained on it) or from whittle losses (each
 * record's under one checkpoint): the list's loss column; and the records
 * behind one step, which the Runs view opens. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tui/app.h"
#include "tui/cmdline.h"
#include "tui/losses.h"
#include "tui/ui.h"
#include "whittle/buf.h"
#include "whittle/file.h"
#include "whittle/hash.h"
#include "whittle/paths.h"
#include "whittle/runs.h"

char *
wh_tui_batches_path(const char *src)
{
	struct wh_buf b = { 0 };
	struct stat st;

	if (stat(src, &st) == 0 && S_ISDIR(st.st_mode))
		wh_buf_printf(&b, "%s/batches.jsonl", src);
	else if (stat(src, &st) == 0 || strchr(src, '/') != NULL) {
		wh_buf_printf(&b, "%s", src);
	} else {
		char *root = wh_runs_root(), *p = wh_runs_path(root, src, "batches.jsonl");
		wh_buf_printf(&b, "%s", p);
		free(root);
		free(p);
	}
	return wh_buf_take(&b);
}

void
wh_tui_losses_free(struct wh_tui_losses *l)
{
	free(l->v);
	free(l->data);
	memset(l, 0, sizeof *l);
}

static void
take_header(struct wh_tui_losses *l, const cJSON *j)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
	const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(j, "bytes");
	const cJSON *hash = cJSON_GetObjectItemCaseSensitive(j, "hash");

	if (cJSON_IsString(data))
		l->data = wh_xstrdup(data->valuestring);
	if (cJSON_IsNumber(bytes))
		l->bytes = (size_t)bytes->valuedouble;
	if (cJSON_IsString(hash))
		l->hash = strtoull(hash->valuestring, NULL, 16);
}

/* Set the losses of one step's line; with recs, collect its records. */
static void
take_step(struct wh_tui_losses *l, const cJSON *j, size_t **recs, size_t *nrecs)
{
	const cJSON *rec = cJSON_GetObjectItemCaseSensitive(j, "record");
	const cJSON *loss = cJSON_GetObjectItemCaseSensitive(j, "loss");
	int n = cJSON_GetArraySize(rec);

	if (recs)
		*recs = wh_xmalloc((n ? (size_t)n : 1) * sizeof **recs);
	for (int i = 0; i < n; i++) {
		const cJSON *r = cJSON_GetArrayItem(rec, i), *x = cJSON_GetArrayItem(loss, i);
		if (!cJSON_IsNumber(r) || r->valuedouble < 0 || r->valuedouble >= (double)l->n
		    || !cJSON_IsNumber(x))
			continue;
		size_t e = (size_t)r->valuedouble;
		if (recs && isnan(l->v[e]))
			(*recs)[(*nrecs)++] = e;
		l->v[e] = (float)x->valuedouble;
	}
}

static int
by_loss_desc(const void *a, const void *b, void *arg)
{
	const float *v = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	return v[i] < v[j] ? 1 : v[i] > v[j] ? -1 : (i > j) - (i < j);
}

int
wh_tui_losses_load(struct wh_tui_losses *l, const char *path, size_t n,
    long step, size_t **recs, size_t *nrecs, struct wh_error *err)
{
	struct wh_map m;
	bool found = false;

	memset(l, 0, sizeof *l);
	*nrecs = 0;
	if (recs)
		*recs = NULL;
	if (wh_map_open(&m, path, err) < 0)
		return -1;
	l->n = n;
	l->v = wh_xmalloc((n ? n : 1) * sizeof *l->v);
	for (size_t i = 0; i < n; i++)
		l->v[i] = NAN;
	for (size_t at = 0; at < m.size;) {
		const char *s = m.data + at, *nl = memchr(s, '\n', m.size - at);
		size_t len = nl ? (size_t)(nl - s) : m.size - at;
		cJSON *j = nl ? cJSON_ParseWithLength(s, len) : NULL;	/* a cut line: skip */
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(j, "step");
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "record");
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, "loss");
		at += len + 1;
		if (cJSON_IsNumber(k) && (step <= 0 || (long)k->valuedouble == step)) {
			take_step(l, j, step > 0 ? recs : NULL, nrecs);
			found = true;
		} else if (step <= 0 && cJSON_IsNumber(r) && cJSON_IsNumber(x)) {
			if (r->valuedouble >= 0 && r->valuedouble < (double)n)	/* whittle losses */
				l->v[(size_t)r->valuedouble] = (float)x->valuedouble;
			found = true;
		} else if (cJSON_HasObjectItem(j, "data"))
			take_header(l, j);
		cJSON_Delete(j);
		if (found && step > 0)
			break;
	}
	wh_map_close(&m);
	if (!found) {
		wh_tui_losses_free(l);
		return step > 0 ? wh_error_set(err, path, 0, "no step %ld", step)
		    : wh_error_set(err, path, 0, "no steps");
	}
	if (recs && *recs)
		qsort_r(*recs, *nrecs, sizeof **recs, by_loss_desc, l->v);
	return 0;
}

/* Whether the run's data is the file the workbench has open: the same
 * path, or the same bytes. */
static bool
same_data(const struct wh_tui *app, const struct wh_tui_losses *l)
{
	char *abs = wh_abspath(app->ds->path);
	bool same = l->data && strcmp(abs, l->data) == 0;

	free(abs);
	return same || (l->bytes == app->ds->map.size && l->hash ==
	    wh_hash(WH_HASH_SEED, app->ds->map.data, app->ds->map.size));
}

static void
show(struct wh_tui *app, struct wh_tui_losses *l, long step, size_t *recs,
    size_t nrecs, const char *src)
{
	char desc[96];
	bool same = same_data(app, l);
	size_t have = 0;

	wh_tui_losses_free(&app->losses);
	app->losses = *l;
	for (size_t i = 0; i < l->n; i++)
		have += !isnan(l->v[i]);
	if (step > 0) {
		snprintf(desc, sizeof desc, "step %ld of %s", step, src);
		wh_tui_set_filter(app, recs, nrecs, desc);
		wh_tui_goto(app, 0);
		app->view = WH_VIEW_LIST;
	}
	if (!same)
		wh_tui_message(app, true, "losses of %s, not of this file: records "
		    "matched by number", l->data ? l->data : "another file");
	else if (step > 0)
		wh_tui_message(app, false, "step %ld trained on %zu records, hardest first",
		    step, nrecs);
	else
		wh_tui_message(app, false, "losses of %zu records; :sort loss desc puts "
		    "the hardest first", have);
	app->dirty = true;
}

void
wh_tui_losses_show(struct wh_tui *app, const char *src, long step)
{
	struct wh_tui_losses l;
	struct wh_error err;
	char *path = wh_tui_batches_path(src), buf[600];
	size_t *recs, nrecs;

	wh_tui_index_poll(app, true);	/* record numbers reach the whole file */
	if (wh_tui_losses_load(&l, path, app->rows.n, step, &recs, &nrecs, &err) < 0) {
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, true, "losses: %s", buf);
	} else
		show(app, &l, step, recs, nrecs, src);
	free(path);
}

/* Start whittle again on data with the losses of path's step (the
 * workbench's journal keeps nothing unsaved: the caller made sure). */
static void
restart_on(struct wh_tui *app, const char *data, const char *path, long step,
    char *msg, size_t size)
{
	char n[32];
	char *argv[] = { "whittle", (char *)data, "--losses", (char *)path, "--step", n,
		NULL };

	snprintf(n, sizeof n, "%ld", step);
	wh_tui_cmdline_done();
	wh_ui_suspend();
	execv("/proc/self/exe", argv);
	snprintf(msg, size, "cannot start whittle on %s", data);
	wh_ui_resume();
	wh_tui_cmdline_init(app);
}

bool
wh_tui_losses_open(struct wh_tui *app, const char *path, long step, char *msg,
    size_t size)
{
	struct wh_tui_losses l;
	struct wh_error err;
	size_t *recs, nrecs;

	wh_tui_index_poll(app, true);
	if (wh_tui_losses_load(&l, path, app->rows.n, step, &recs, &nrecs, &err) < 0) {
		wh_error_format(&err, msg, size);
		return false;
	}
	if (same_data(app, &l)) {
		show(app, &l, step, recs, nrecs, path);
		return true;
	}
	free(recs);
	if (l.data == NULL)
		snprintf(msg, size, "%s does not name the run's data", path);
	else if (wh_tui_unsaved(app) > 0)
		snprintf(msg, size, "the run trained on %s: save or drop the edits "
		    "here first", l.data);
	else
		restart_on(app, l.data, path, step, msg, size);
	wh_tui_losses_free(&l);
	return false;
}
