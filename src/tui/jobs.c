/* The Jobs view: the engine's jobs, newest first, one row each, asked for
 * once a second on one connection (and at once after a cancel), without
 * waiting on the engine: replies are taken as they come. Enter
 * shows the selected job's log under the list, m opens its run in the
 * Runs view, c cancels it once y confirms, f shows one state at a time.
 * One table holds the keys: it dispatches them and ? lists it. */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/jobs.h"
#include "tui/runs.h"
#include "tui/ui.h"
#include "tui/views.h"
#include "whittle/engine-client.h"

#define LIST_EVERY_MS 1000
#define LOG_BYTES 16384
#define BAR_W 12

/* What f steps through: every job, then each state. */
static const char *const filters[] = { NULL, "queued", "waiting", "running",
	"done", "failed", "cancelled", "interrupted" };
#define NFILTERS (int)(sizeof filters / sizeof filters[0])

/* What a request on the link is. */
enum ask_kind { ASK_JOBS, ASK_LOG, ASK_CANCEL };

struct view {
	struct wh_tui *app;
	struct wh_tui_link link;
	char want[64];		/* the job to select once the list comes */
	cJSON *jobs;		/* the last "jobs" array, oldest first */
	const cJSON **rows;	/* those the filter shows, newest first */
	int n_rows, cur, top;
	int filter;		/* index in filters */
	bool show_log, quit;
	char *log;		/* the end of the selected job's log */
	char confirm[64];	/* the job a y cancels, or "" */
	struct wh_tui_vstate st;
	double listed;		/* ms */
};

static const cJSON *
selected(const struct view *v)
{
	return v->n_rows ? v->rows[v->cur] : NULL;
}

/* Engine talk. */

/* Ask op about job id. */
static void
ask_job(struct view *v, enum ask_kind kind, const char *op, const char *id)
{
	cJSON *req = wh_engine_request(op);

	cJSON_AddStringToObject(req, "run", id);
	if (kind == ASK_LOG)
		cJSON_AddNumberToObject(req, "limit", LOG_BYTES);
	wh_tui_link_ask(&v->link, &v->st, req, kind, op, id, wh_tui_link_start_exe());
}

/* The selected job's log: dropped now, asked for again. */
static void
fetch_log(struct view *v)
{
	const cJSON *j = selected(v);

	free(v->log);
	v->log = NULL;
	if (j != NULL)
		ask_job(v, ASK_LOG, "log", wh_tui_jstr(j, "id"));
	v->st.dirty = true;
}

/* The rows the filter shows, with job keep selected if it is among them;
 * false if it is not. */
static bool
filter_rows(struct view *v, const char *keep)
{
	const char *state = filters[v->filter];
	int n = cJSON_GetArraySize(v->jobs), k = n;
	bool found = false;
	const cJSON *o;

	v->rows = realloc(v->rows, (size_t)(n ? n : 1) * sizeof *v->rows);
	if (v->rows == NULL)
		abort();
	cJSON_ArrayForEach(o, v->jobs)	/* from the end: newest first */
		if (state == NULL || strcmp(wh_tui_jstr(o, "state"), state) == 0)
			v->rows[--k] = o;
	memmove(v->rows, v->rows + k, (size_t)(n - k) * sizeof *v->rows);
	k = n - k;
	v->n_rows = k;
	v->cur = k ? (v->cur < k ? v->cur : k - 1) : 0;
	for (int i = 0; keep[0] && i < k; i++)
		if (strcmp(wh_tui_jstr(v->rows[i], "id"), keep) == 0) {
			v->cur = i;
			found = true;
		}
	v->st.dirty = true;
	return found;
}

/* The id of the selected job, into keep. */
static void
selected_id(const struct view *v, char keep[64])
{
	snprintf(keep, 64, "%s", selected(v) ? wh_tui_jstr(selected(v), "id") : "");
}

/* Ask for the list (and the log, when shown) unless asked already. */
static void
refresh(struct view *v)
{
	v->listed = wh_tui_now_ms();
	if (!wh_tui_link_asking(&v->link, ASK_JOBS, NULL))
		wh_tui_link_ask(&v->link, &v->st, wh_engine_request("jobs"), ASK_JOBS,
		    "jobs", NULL, wh_tui_link_start_exe());
	if (v->show_log && !wh_tui_link_asking(&v->link, ASK_LOG, NULL))
		fetch_log(v);
}

/* The reply to request a (ok, or the engine's refusal in err). */
static void
take_reply(struct view *v, const struct wh_tui_ask *a, cJSON *reply, bool ok,
    struct wh_error *err)
{
	char keep[64];

	if (!ok) {
		wh_tui_view_error(&v->st, a->op, err);
		return;
	}
	switch (a->kind) {
	case ASK_JOBS:
		selected_id(v, keep);
		cJSON_Delete(v->jobs);
		v->jobs = cJSON_DetachItemFromObjectCaseSensitive(reply, "jobs");
		if (!filter_rows(v, v->want[0] ? v->want : keep) && v->want[0])
			wh_tui_view_message(&v->st, true, "no job %s", v->want);
		v->want[0] = '\0';
		break;
	case ASK_LOG:
		selected_id(v, keep);
		if (strcmp(keep, a->about) == 0) {
			free(v->log);
			v->log = wh_xstrdup(wh_tui_jstr(reply, "log"));
			v->st.dirty = true;
		}
		break;
	case ASK_CANCEL: {
		const char *state = wh_tui_jstr(reply, "state");
		wh_tui_view_message(&v->st, false, "cancel %s: %s", a->about,
		    strcmp(state, "running") == 0 ? "stopping" : state);
		v->listed = 0;
		break;
	}
	}
}

/* Take the replies that have come, without waiting. */
static void
take(struct view *v)
{
	struct wh_tui_ask a;
	struct wh_error err;
	cJSON *msg;
	bool ok;

	while (wh_tui_link_take(&v->link, &v->st, &msg, &a, &ok, &err) > 0) {
		if (a.id)
			take_reply(v, &a, msg, ok, &err);
		cJSON_Delete(msg);
	}
}

/* Keys. */

/* Select row (kept within the list); the log follows. */
static void
select_row(struct view *v, int row)
{
	int was = v->cur;

	v->cur = row >= v->n_rows ? v->n_rows - 1 : row;
	if (v->cur < 0)
		v->cur = 0;
	if (v->cur != was && v->show_log)
		fetch_log(v);
}

static void key_down(struct view *v) { select_row(v, v->cur + 1); }
static void key_up(struct view *v) { select_row(v, v->cur - 1); }
static void key_first(struct view *v) { select_row(v, 0); }
static void key_last(struct view *v) { select_row(v, v->n_rows - 1); }

static void
key_log(struct view *v)
{
	v->show_log = !v->show_log;
	if (v->show_log)
		fetch_log(v);
}

static void
key_run(struct view *v)
{
	const cJSON *j = selected(v);
	char id[64];

	if (j == NULL)
		return;
	snprintf(id, sizeof id, "%s", wh_tui_jstr(j, "id"));
	wh_tui_runs(v->app, id);
	v->listed = 0;
	v->st.dirty = true;
}

static void
key_cancel(struct view *v)
{
	const cJSON *j = selected(v);

	if (j != NULL)
		wh_tui_view_ask_cancel(&v->st, j, "job", v->confirm, sizeof v->confirm);
}

/* The answer to key_cancel's question. */
static void
confirmed(struct view *v, int k)
{
	if (k != 'y')
		wh_tui_view_message(&v->st, false, "job %s not cancelled", v->confirm);
	else
		ask_job(v, ASK_CANCEL, "cancel", v->confirm);
	v->confirm[0] = '\0';
}

static void
key_filter(struct view *v)
{
	char keep[64];

	selected_id(v, keep);
	v->filter = (v->filter + 1) % NFILTERS;
	filter_rows(v, keep);
	if (v->show_log)
		fetch_log(v);
}

static void key_help(struct view *v) { v->st.help = true; }

static void
key_back(struct view *v)
{
	if (v->show_log)
		v->show_log = false;
	else
		v->quit = true;
}

static const struct wh_tui_vkey keymap[] = {
	{ "j", "next job", key_down },
	{ "<Down>", "next job", key_down },
	{ "k", "previous job", key_up },
	{ "<Up>", "previous job", key_up },
	{ "g", "newest job", key_first },
	{ "<Home>", "newest job", key_first },
	{ "G", "oldest job", key_last },
	{ "<End>", "oldest job", key_last },
	{ "<Enter>", "show or hide the job's log", key_log },
	{ "o", "show or hide the job's log", key_log },
	{ "m", "the job's run in the Runs view: its metrics as charts", key_run },
	{ "c", "cancel the job (y confirms)", key_cancel },
	{ "f", "show only one state: queued, waiting, running, ... or all", key_filter },
	{ "?", "these keys", key_help },
	{ "<F1>", "these keys", key_help },
	{ "q", "hide the log; back to the workbench", key_back },
	{ "<Esc>", "hide the log; back to the workbench", key_back },
};
#define NKEYS (sizeof keymap / sizeof keymap[0])

static void
key(struct view *v, int k)
{
	v->st.dirty = true;
	if (v->st.help) {
		v->st.help = false;
		return;
	}
	if (v->confirm[0]) {
		confirmed(v, k);
		return;
	}
	wh_tui_vkey_run(&v->st, keymap, NKEYS, v, k);
}

/* Drawing. */

/* A time of day, or "-" for none. */
static void
clock_time(double t, char *buf, size_t size)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (!isfinite(t) || t <= 0 || localtime_r(&s, &tm) == NULL)
		snprintf(buf, size, "-");
	else
		strftime(buf, size, "%H:%M:%S", &tm);
}

static void
draw_row(const cJSON *j, int y, int w, bool cur)
{
	enum wh_element el = cur ? WH_EL_CURSOR : WH_EL_NORMAL;
	double p = wh_tui_jnum(j, "progress"), started = wh_tui_jnum(j, "started");
	double ended = wh_tui_jnum(j, "ended");
	double elapsed = isfinite(started) && started > 0 ? (isfinite(ended) && ended > 0 ?
	    ended : (double)time(NULL)) - started : NAN;
	char line[512], start[16], end[16], el_s[32] = "-", pct[8] = "    ", exit[24] = "-";
	int x;

	clock_time(started, start, sizeof start);
	clock_time(ended, end, sizeof end);
	if (isfinite(elapsed))
		wh_tui_duration(elapsed, el_s, sizeof el_s);
	if (wh_tui_jnum(j, "exit_status") >= 0)
		snprintf(exit, sizeof exit, "exit %.0f", wh_tui_jnum(j, "exit_status"));
	else if (wh_tui_jnum(j, "signal") > 0)
		snprintf(exit, sizeof exit, "signal %.0f", wh_tui_jnum(j, "signal"));
	wh_ui_fill(y, 0, w, el);
	snprintf(line, sizeof line, "%s %-22s %-5s %-11s ", cur ? ">" : " ",
	    wh_tui_jstr(j, "id"), wh_tui_jstr(j, "kind"), wh_tui_jstr(j, "state"));
	x = wh_ui_put(y, 0, w, line, strlen(line), el);
	if (isfinite(p) && x + BAR_W < w) {
		p = fmin(fmax(p, 0), 1);
		int fill = (int)(p * BAR_W + 0.5);
		snprintf(pct, sizeof pct, "%3.0f%%", 100 * p);
		wh_ui_fill(y, x, fill, WH_EL_PROGRESS);
		wh_ui_fill(y, x + fill, BAR_W - fill, WH_EL_GUTTER);
	}
	x += BAR_W;
	snprintf(line, sizeof line, " %s  %-8s %-8s %8s  %-9s %s", pct, start, end, el_s,
	    exit, wh_tui_jstr(j, "name"));
	if (x < w)
		wh_ui_put(y, x, w - x, line, strlen(line), el);
}

static void
draw(struct view *v)
{
	int height, width, list_h;
	char title[200], silent[64] = "";
	const char *header = "  id                     kind  state       progress           "
	    "start    end       elapsed  exit      name";

	wh_ui_size(&height, &width);
	wh_ui_erase();
	wh_tui_link_silence(&v->link, silent, sizeof silent);
	snprintf(title, sizeof title, " Jobs %d%s   %s%s   (? keys, q back) ", v->n_rows,
	    silent, filters[v->filter] ? "only " : "all",
	    filters[v->filter] ? filters[v->filter] : "");
	wh_ui_fill(0, 0, width, WH_EL_TITLE);
	wh_ui_put(0, 0, width, title, strlen(title), WH_EL_TITLE);
	wh_ui_put(1, 0, width, header, strlen(header), WH_EL_HEADER);
	list_h = v->show_log ? (height - 3) / 3 : height - 3;
	if (list_h < 1)
		list_h = 1;
	if (v->cur < v->top)
		v->top = v->cur;
	if (v->cur >= v->top + list_h)
		v->top = v->cur - list_h + 1;
	for (int i = 0; i < list_h && v->top + i < v->n_rows; i++)
		draw_row(v->rows[v->top + i], 2 + i, width, v->top + i == v->cur);
	if (v->n_rows == 0) {
		const char *none = v->jobs == NULL ? "asking the engine for its jobs" :
		    filters[v->filter] ? "no jobs in this state" :
		    "no jobs since the engine started";
		wh_ui_put(2, 2, width - 2, none, strlen(none), WH_EL_GUTTER);
	}
	if (v->show_log) {
		for (int c = 0; c < width; c++)
			wh_ui_put(2 + list_h, c, 1, "\xe2\x94\x80", 3, WH_EL_BORDER);
		wh_tui_draw_log_tail(v->log, 3 + list_h, height - 4 - list_h, width);
	}
	if (v->st.help)
		wh_tui_vkey_draw_help("Jobs view keys (any key closes)", keymap, NKEYS, 1,
		    height - 2, width);
	wh_tui_view_draw_message(&v->st, height - 1, width);
	wh_ui_cursor(-1, 0);
	wh_ui_flush();
	v->st.dirty = false;
}

static void
run_view(struct view *v, const char *id)
{
	struct wh_ui_event ev;

	snprintf(v->want, sizeof v->want, "%s", id);
	refresh(v);
	while (!v->quit) {
		struct pollfd p[2] = { { .fd = wh_ui_fd(), .events = POLLIN },
			{ .fd = v->link.conn.rfd, .events = POLLIN } };
		double wait = LIST_EVERY_MS - (wh_tui_now_ms() - v->listed);
		if (wait <= 0) {
			refresh(v);
			wait = LIST_EVERY_MS;
		}
		if (wh_tui_link_silent_s(&v->link) > 0)	/* once a second */
			v->st.dirty = true;
		if (v->st.dirty)
			draw(v);
		poll(p, 2, (int)wait);
		while (!v->quit && wh_ui_next(&ev))
			key(v, ev.key);
		take(v);
	}
}

void
wh_tui_jobs(struct wh_tui *app, char *args)
{
	struct view v = { .app = app };

	for (int i = 1; i < NFILTERS; i++)
		if (strcmp(args, filters[i]) == 0)
			v.filter = i;
	if (wh_tui_link_open(&v.link, app) < 0)
		return;
	run_view(&v, v.filter ? "" : args);
	wh_tui_link_close(&v.link);
	cJSON_Delete(v.jobs);
	free(v.rows);
	free(v.log);
	app->dirty = true;
}
