/* The Runs view: a list of the engine's runs over live Braille charts of
 * the selected run's metrics, with other runs overlaid to compare. One
 * connection carries it all without waiting on the engine (a remote one
 * may be slow to answer): the list is asked for once a second, each run
 * on the charts is subscribed to, and replies and points are taken as
 * they come; the points are kept in memory, one series a metric name. Charts draw the raw line dim and a debiased EMA
 * over it, autoscaled to the 1st..99th percentile of what the window shows
 * with what lies outside drawn on the edge; the window zooms and pans.
 * One table holds the keys: it dispatches them and ? lists it. */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/chart.h"
#include "tui/losses.h"
#include "tui/runs.h"
#include "tui/ui.h"
#include "tui/views.h"
#include "whittle/engine-client.h"

#define LIST_EVERY_MS 1000
#define DRAW_EVERY_MS 100
#define CHART_W_MIN 36
#define CHART_H 8		/* rows of a chart box: title, 6 of dots, x labels */
#define LABEL_W 9
#define SAMPLES 2048		/* values sorted to find the percentiles */
#define SELF "/proc/self/exe"
#define LOG_BYTES 16384
#define SPIKE_SD 4.0		/* a jump of this many standard deviations */
#define SPIKE_WEIGHT 0.9	/* of the past, in the moving mean and variance */
#define SPIKE_AFTER 10		/* points before jumps count */
#define SPIKE_RANGE 0.01	/* a jump is at least this share of the range */
#define FOLLOW_MAX 5		/* the selected run and four to compare */

/* What the x axis is. */
enum axis { AXIS_STEP, AXIS_TOKENS, AXIS_TIME, NAXES };
static const char *const axis_names[NAXES] = { "step", "tokens", "seconds" };

struct series {
	char *name;
	double *x[NAXES], *y;	/* x: step, tokens (NaN: unknown), wall time */
	size_t n, cap;
};

/* A run on the charts: its points, and how far its subscription is. */
struct follow {
	char run[64];		/* "" when the slot is free */
	uint64_t seq;		/* of its last point: a point again is dropped */
	bool on;		/* subscribed, on this connection */
	uint64_t asked;		/* the id of its subscription's request while
				   that has no reply: points before the reply
				   are the last subscription's, and dropped */
	struct series *s;
	size_t ns;
};

/* What a request on the link is. */
enum ask_kind { ASK_RUNS, ASK_LOG, ASK_OP, ASK_SUBSCRIBE, ASK_UNSUBSCRIBE };

/* The colour of each run on the charts, the selected one first. */
static const enum wh_element run_colour[FOLLOW_MAX] = {
	WH_EL_CORRECT, WH_EL_ROLE_EXPLORE, WH_EL_GOLD, WH_EL_ROLE_VERIFY,
	WH_EL_WRONG
};

struct view {
	struct wh_tui *app;
	struct wh_tui_link link;
	bool lost;		/* the connection broke: say so when it is back */
	char want[64];		/* the run to select once the list comes */
	cJSON *reply;		/* the last "runs" reply; runs newest first in it */
	const cJSON *runs;
	int n_runs, cur, top;
	struct follow fl[FOLLOW_MAX];	/* fl[0]: the selected run */
	double zoom, right;	/* the x window: its width and right end, as
				   shares of the whole range (1, 1: all) */
	double smooth;		/* EMA weight of the past, 0 for none */
	bool log_y, log_x;	/* log_x: of steps and tokens, not of time */
	enum axis axis;
	bool show_log;		/* the run's log instead of its charts */
	char *log;		/* its end, as last asked for */
	bool quit;
	char confirm[64];	/* the run a y cancels, or "" */
	struct wh_tui_vstate st;
	double listed, drawn;	/* ms */
	double draw_ms;		/* what the last draw took */
};

/* Series. */

static struct series *
series_find(const struct follow *f, const char *name)
{
	for (size_t i = 0; i < f->ns; i++)
		if (strcmp(f->s[i].name, name) == 0)
			return &f->s[i];
	return NULL;
}

static struct series *
series_named(struct follow *f, const char *name)
{
	struct series *s = series_find(f, name);

	if (s != NULL)
		return s;
	f->s = realloc(f->s, (f->ns + 1) * sizeof *f->s);
	if (f->s == NULL)
		abort();
	memset(&f->s[f->ns], 0, sizeof *f->s);
	f->s[f->ns].name = wh_xstrdup(name);
	return &f->s[f->ns++];
}

static void
series_add(struct series *s, const double x[NAXES], double y)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		for (int a = 0; a < NAXES; a++)
			if ((s->x[a] = realloc(s->x[a], s->cap * sizeof *s->x[a])) == NULL)
				abort();
		if ((s->y = realloc(s->y, s->cap * sizeof *s->y)) == NULL)
			abort();
	}
	for (int a = 0; a < NAXES; a++)
		s->x[a][s->n] = x[a];
	s->y[s->n++] = y;
}

static void
series_free(struct follow *f)
{
	for (size_t i = 0; i < f->ns; i++) {
		free(f->s[i].name);
		for (int a = 0; a < NAXES; a++)
			free(f->s[i].x[a]);
		free(f->s[i].y);
	}
	free(f->s);
	f->s = NULL;
	f->ns = 0;
}

/* Where the charts go first: the training curves, then accuracy. */
static int
rank(const char *name)
{
	static const char *const order[] = { "loss", "eval_loss", "learning_rate",
		"grad_norm", "tokens_per_second", NULL };

	for (int i = 0; order[i]; i++)
		if (strcmp(name, order[i]) == 0)
			return i;
	return strstr(name, "acc") ? 5 : 6;
}

static int
by_rank(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int d = rank(x) - rank(y);

	return d ? d : strcmp(x, y);
}

/* Engine talk. */

static const cJSON *
selected(const struct view *v)
{
	return v->n_runs ? cJSON_GetArrayItem(v->runs, v->cur) : NULL;
}

/* Sending. */

/* The connection broke: the charts' runs are subscribed to again once a
 * request has made it again. */
static void
lost(struct view *v)
{
	v->lost = true;
	for (int k = 0; k < FOLLOW_MAX; k++) {
		v->fl[k].on = false;
		v->fl[k].asked = 0;
	}
}

/* Send req (deleted) as the op request of kind about run (or NULL);
 * the request while it waits, or NULL (said). A connection lost is made
 * again, to an engine that runs, without waiting for it. */
static struct wh_tui_ask *
request(struct view *v, cJSON *req, enum ask_kind kind, const char *op, const char *run)
{
	struct wh_tui_ask *a = wh_tui_link_ask(&v->link, &v->st, req, kind, op, run, NULL);

	if (v->link.conn.rfd < 0)
		lost(v);
	return a;
}

/* Whether a slot other than skip follows run. */
static bool
followed(const struct view *v, const char *run, const struct follow *skip)
{
	for (int k = 0; k < FOLLOW_MAX; k++)
		if (&v->fl[k] != skip && strcmp(v->fl[k].run, run) == 0)
			return true;
	return false;
}

/* Subscribe f's run from the last point of the slot that follows it least
 * far. The engine has one subscription a run a connection: the slots that
 * follow the same run share it, each dropping the points it has. */
static void
subscribe(struct view *v, struct follow *f)
{
	cJSON *req = wh_engine_request("subscribe");

	uint64_t from = f->seq;

	for (int k = 0; k < FOLLOW_MAX; k++)
		if (strcmp(v->fl[k].run, f->run) == 0 && v->fl[k].seq < from)
			from = v->fl[k].seq;
	struct wh_tui_ask *a;

	cJSON_AddStringToObject(req, "run", f->run);
	cJSON_AddNumberToObject(req, "from", (double)from);
	if ((a = request(v, req, ASK_SUBSCRIBE, "subscribe", f->run)) != NULL) {
		f->asked = a->id;
		f->on = true;
	}
}

static void
follow_close(struct view *v, struct follow *f)
{
	if (f->run[0] && v->link.conn.rfd >= 0 && !followed(v, f->run, f)) {
		cJSON *req = wh_engine_request("unsubscribe");
		cJSON_AddStringToObject(req, "run", f->run);
		request(v, req, ASK_UNSUBSCRIBE, "unsubscribe", f->run);
	}
	f->run[0] = '\0';
	f->seq = f->asked = 0;
	f->on = false;
	series_free(f);
}

/* Put run id in slot f, following it from its first point. */
static void
follow_open(struct view *v, struct follow *f, const char *id)
{
	follow_close(v, f);
	snprintf(f->run, sizeof f->run, "%s", id);
	v->st.dirty = true;
	subscribe(v, f);
}

/* The selected run goes to the first slot (again, with force). */
static void
follow_selected(struct view *v, bool force)
{
	const cJSON *r = selected(v);

	if (r != NULL && (force || strcmp(wh_tui_jstr(r, "id"), v->fl[0].run) != 0))
		follow_open(v, &v->fl[0], wh_tui_jstr(r, "id"));
}

/* The slot of the compared run id (not the selected one's), or -1. */
static int
compared(const struct view *v, const char *id)
{
	for (int k = 1; k < FOLLOW_MAX; k++)
		if (strcmp(v->fl[k].run, id) == 0)
			return k;
	return -1;
}

/* Space: the selected run joins the compared ones, or leaves them. */
static void
toggle_compare(struct view *v)
{
	const cJSON *r = selected(v);
	int k;

	if (r == NULL)
		return;
	if ((k = compared(v, wh_tui_jstr(r, "id"))) > 0) {
		follow_close(v, &v->fl[k]);
		return;
	}
	for (k = 1; k < FOLLOW_MAX && v->fl[k].run[0]; k++)
		;
	if (k == FOLLOW_MAX) {
		wh_tui_view_message(&v->st, true, "%d runs at most are compared", FOLLOW_MAX - 1);
		return;
	}
	follow_open(v, &v->fl[k], wh_tui_jstr(r, "id"));
}

/* Ask for the list of runs, and for the selected run's log when it is
 * shown, unless asked already; subscribe the charts' runs that are not
 * (a connection made again, a request that found the queue full). */
static void
ask_list(struct view *v)
{
	const cJSON *r = selected(v);

	v->listed = wh_tui_now_ms();
	if (!wh_tui_link_asking(&v->link, ASK_RUNS, NULL))
		request(v, wh_engine_request("runs"), ASK_RUNS, "runs", NULL);
	for (int k = 0; k < FOLLOW_MAX; k++)
		if (v->fl[k].run[0] && !v->fl[k].on)
			subscribe(v, &v->fl[k]);
	if (v->show_log && r != NULL && !wh_tui_link_asking(&v->link, ASK_LOG, NULL)) {
		cJSON *req = wh_engine_request("log");
		cJSON_AddStringToObject(req, "run", wh_tui_jstr(r, "id"));
		cJSON_AddNumberToObject(req, "limit", LOG_BYTES);
		request(v, req, ASK_LOG, "log", wh_tui_jstr(r, "id"));
	}
}

/* The "runs" reply: the list, newest first, the selection kept. */
static void
take_list(struct view *v, cJSON *reply)
{
	cJSON *runs, *rev;
	char keep[64];

	snprintf(keep, sizeof keep, "%s", v->want[0] ? v->want : v->fl[0].run);
	runs = cJSON_DetachItemFromObjectCaseSensitive(reply, "runs");
	rev = cJSON_CreateArray();
	for (int i = cJSON_GetArraySize(runs) - 1; i >= 0; i--)
		cJSON_AddItemToArray(rev, cJSON_DetachItemFromArray(runs, i));
	cJSON_Delete(runs);
	cJSON_Delete(v->reply);
	v->reply = rev;
	v->runs = rev;
	v->n_runs = cJSON_GetArraySize(rev);
	v->cur = v->n_runs ? (v->cur < v->n_runs ? v->cur : v->n_runs - 1) : 0;
	for (int i = 0; keep[0] && i < v->n_runs; i++)
		if (strcmp(wh_tui_jstr(cJSON_GetArrayItem(rev, i), "id"), keep) == 0)
			v->cur = i;
	if (v->want[0] && strcmp(wh_tui_jstr(selected(v), "id"), v->want) != 0)
		wh_tui_view_message(&v->st, true, "no run %s", v->want);
	v->want[0] = '\0';
	v->st.dirty = true;
	follow_selected(v, false);
}

/* A point or the end of a run, for each slot that follows it. */
static void
take_event(struct view *v, const cJSON *msg)
{
	const char *event = wh_tui_jstr(msg, "event"), *run = wh_tui_jstr(msg, "run");
	double seq = wh_tui_jnum(msg, "seq");

	if (strcmp(event, "state") == 0 || strcmp(event, "end") == 0)
		v->listed = 0;	/* ask for the list again now */
	if (strcmp(event, "metric") != 0 || !isfinite(seq))
		return;
	for (int k = 0; k < FOLLOW_MAX; k++) {
		struct follow *f = &v->fl[k];
		const char *name = wh_tui_jstr(msg, "name");
		double x[NAXES] = { wh_tui_jnum(msg, "step"), wh_tui_jnum(msg, "tokens"),
		    wh_tui_jnum(msg, "time") };
		if (strcmp(run, f->run) != 0 || f->asked || seq <= (double)f->seq)
			continue;
		f->seq = (uint64_t)seq;
		if (name[0] && strcmp(name, "max_steps") != 0)
			series_add(series_named(f, name), x, wh_tui_jnum(msg, "value"));
		v->st.dirty = true;
	}
}

/* The reply to the oldest request (ok, or the engine's refusal in err). */
static void
take_reply(struct view *v, const struct wh_tui_ask *a, cJSON *reply, bool ok,
    struct wh_error *err)
{
	const cJSON *r = selected(v);

	if (!ok && a->kind != ASK_UNSUBSCRIBE) {
		wh_tui_view_error(&v->st, a->op, err);
		for (int k = 0; a->kind == ASK_SUBSCRIBE && k < FOLLOW_MAX; k++)
			if (v->fl[k].asked == a->id)
				v->fl[k].asked = 0;
		return;
	}
	switch (a->kind) {
	case ASK_RUNS:
		take_list(v, reply);
		break;
	case ASK_LOG:
		if (r != NULL && strcmp(wh_tui_jstr(r, "id"), a->about) == 0) {
			free(v->log);
			v->log = wh_xstrdup(wh_tui_jstr(reply, "log"));
			v->st.dirty = true;
		}
		break;
	case ASK_OP:
		/* A running job's processes take a moment to end: the list shows when. */
		wh_tui_view_message(&v->st, false, "%s %s: %s", a->op, a->about,
		    strcmp(a->op, "cancel") == 0 && strcmp(wh_tui_jstr(reply, "state"),
		    "running") == 0 ? "stopping" : wh_tui_jstr(reply, "state"));
		v->listed = 0;
		if (strcmp(a->op, "resume") == 0 && strcmp(v->fl[0].run, a->about) == 0)
			follow_selected(v, true);	/* follow it afresh */
		break;
	case ASK_SUBSCRIBE:
		for (int k = 0; k < FOLLOW_MAX; k++)
			if (v->fl[k].asked == a->id)
				v->fl[k].asked = 0;
		break;
	case ASK_UNSUBSCRIBE:
		break;
	}
}

/* Take what the engine has sent, without waiting. */
static void
take(struct view *v)
{
	struct wh_tui_ask a;
	struct wh_error err;
	cJSON *msg;
	bool ok;
	int r;

	while ((r = wh_tui_link_take(&v->link, &v->st, &msg, &a, &ok, &err)) > 0) {
		if (a.id != 0 && v->lost) {	/* the engine answers again */
			v->lost = false;
			if (v->fl[0].run[0])
				wh_tui_view_message(&v->st, false, "charts of %s: connected again",
				    v->fl[0].run);
		}
		if (a.id == 0)
			take_event(v, msg);
		else
			take_reply(v, &a, msg, ok, &err);
		cJSON_Delete(msg);
	}
	if (r < 0)
		lost(v);
}

static void
ask_run(struct view *v, const char *op)
{
	const cJSON *r = selected(v);
	cJSON *req;

	if (r == NULL)
		return;
	req = wh_engine_request(op);
	cJSON_AddStringToObject(req, "run", wh_tui_jstr(r, "id"));
	request(v, req, ASK_OP, op, wh_tui_jstr(r, "id"));
}

/* Drawing. */

static void
draw_run_row(const struct view *v, const cJSON *r, int y, int w, bool cur)
{
	enum wh_element el = cur ? WH_EL_CURSOR : WH_EL_NORMAL;
	int k = compared(v, wh_tui_jstr(r, "id"));
	double p = wh_tui_jnum(r, "progress"), started = wh_tui_jnum(r, "started");
	double ended = wh_tui_jnum(r, "ended");
	double wall = (double)time(NULL), elapsed = isfinite(started) ?
	    (isfinite(ended) ? ended : wall) - started : NAN;
	char line[512], el_s[32] = "-", eta[48] = "", loss[48] = "", pct[8] = "    ";
	const char *state = wh_tui_jstr(r, "state");
	/* The bar gives way on a narrow screen (none at 88 columns) so that
	 * the loss keeps its place after the ETA. */
	int x, bar = w >= 100 ? 12 : w > 88 ? w - 88 : 0;

	if (isfinite(elapsed))
		wh_tui_duration(elapsed, el_s, sizeof el_s);
	/* A resumed run's elapsed time counts from where it began again. */
	double p0 = isfinite(wh_tui_jnum(r, "progress_start")) ?
	    wh_tui_jnum(r, "progress_start") : 0;
	if (isfinite(p) && p > p0 && strcmp(state, "running") == 0) {
		char d[32];
		wh_tui_duration(elapsed * (1 - p) / (p - p0), d, sizeof d);
		snprintf(eta, sizeof eta, "eta %s", d);
	}
	if (isfinite(wh_tui_jnum(r, "loss")))
		snprintf(loss, sizeof loss, "loss %.4g", wh_tui_jnum(r, "loss"));
	if (isfinite(wh_tui_jnum(r, "accuracy")))
		snprintf(loss + strlen(loss), sizeof loss - strlen(loss), " acc %.3g",
		    wh_tui_jnum(r, "accuracy"));
	wh_ui_fill(y, 0, w, el);
	snprintf(line, sizeof line, "%s %-22s %-11s ", cur ? ">" : k > 0 ? "+" : " ",
	    wh_tui_jstr(r, "id"), state);
	x = wh_ui_put(y, 0, w, line, strlen(line), el);
	if (k > 0)
		wh_ui_put(y, 0, 1, "+", 1, run_colour[k]);
	if (isfinite(p)) {
		int fill = (int)(fmin(fmax(p, 0), 1) * bar + 0.5);
		snprintf(pct, sizeof pct, "%3.0f%%", 100 * fmin(fmax(p, 0), 1));
		wh_ui_fill(y, x, fill, WH_EL_PROGRESS);
		wh_ui_fill(y, x + fill, bar - fill, WH_EL_GUTTER);
	}
	x += bar;
	snprintf(line, sizeof line, " %s %8s %-12s %-24s %s", pct, el_s, eta, loss,
	    wh_tui_jstr(r, "name"));
	if (x < w)
		wh_ui_put(y, x, w - x, line, strlen(line), el);
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The lines of one chart: a series of each run on the charts (NULL where
 * a run has none of this name), the x window and the y scale. */
struct chart {
	const char *name;
	const struct series *s[FOLLOW_MAX];
	const double *xs[FOLLOW_MAX];	/* each series' x as drawn */
	double x0, x1, lo, hi;
};

static bool
log_x(const struct view *v)
{
	return v->log_x && v->axis != AXIS_TIME;
}

/* xs: the x of each series on the axis, as their log10 with log x (then
 * owned: free with free_xs). */
static void
make_xs(const struct view *v, struct chart *c)
{
	for (int k = 0; k < FOLLOW_MAX; k++) {
		const struct series *s = c->s[k];
		if (s == NULL || !log_x(v)) {
			c->xs[k] = s ? s->x[v->axis] : NULL;
			continue;
		}
		double *lx = wh_xcalloc(s->n ? s->n : 1, sizeof *lx);
		for (size_t i = 0; i < s->n; i++)
			lx[i] = s->x[v->axis][i] > 0 ? log10(s->x[v->axis][i]) : NAN;
		c->xs[k] = lx;
	}
}

static void
free_xs(const struct view *v, struct chart *c)
{
	for (int k = 0; k < FOLLOW_MAX && log_x(v); k++)
		free((double *)c->xs[k]);
}

/* x0, x1: the window of the whole x range of c's series. */
static bool
window(const struct view *v, struct chart *c)
{
	double a = INFINITY, b = -INFINITY;

	for (int k = 0; k < FOLLOW_MAX; k++)
		for (size_t i = 0; c->s[k] && i < c->s[k]->n; i++) {
			double x = c->xs[k][i];
			if (isfinite(x))
				a = fmin(a, x), b = fmax(b, x);
		}
	if (!(a <= b))
		return false;
	c->x0 = a + (b - a) * (v->right - v->zoom);
	c->x1 = a + (b - a) * v->right;
	return true;
}

/* lo, hi: the 1st and 99th percentiles of the values in the window (of
 * their log10 with log_y), from at most SAMPLES of them spread evenly,
 * widened to take the last value in, padded 5%; false if none is usable. */
static bool
scale(const struct view *v, struct chart *c)
{
	double *pick = wh_xcalloc(SAMPLES, sizeof *pick), last = NAN;
	size_t k = 0, total = 0;

	for (int r = 0; r < FOLLOW_MAX; r++)
		total += c->s[r] ? c->s[r]->n : 0;
	size_t every = total > SAMPLES ? total / SAMPLES + 1 : 1, seen = 0;
	for (int r = 0; r < FOLLOW_MAX; r++)
		for (size_t i = 0; c->s[r] && i < c->s[r]->n; i++) {
			double x = c->xs[r][i], y = c->s[r]->y[i];
			if (!(x >= c->x0 && x <= c->x1) || !isfinite(y) || (v->log_y && y <= 0))
				continue;
			y = v->log_y ? log10(y) : y;
			if (r == 0)
				last = y;
			if (seen++ % every == 0 && k < SAMPLES)
				pick[k++] = y;
		}
	qsort(pick, k, sizeof *pick, by_value);
	if (k > 0) {
		c->lo = pick[(size_t)((double)(k - 1) * 0.01)];
		c->hi = pick[(size_t)((double)(k - 1) * 0.99 + 0.5)];
		if (isfinite(last))	/* so the selected line ends on the chart */
			c->lo = fmin(c->lo, last), c->hi = fmax(c->hi, last);
		double pad = c->hi > c->lo ? (c->hi - c->lo) * 0.05 : fabs(c->hi) * 0.1 + 1e-9;
		c->lo -= pad;
		c->hi += pad;
		if (v->log_y)
			c->lo = pow(10, c->lo), c->hi = pow(10, c->hi);
	}
	free(pick);
	return k > 0;
}

/* The debiased EMA of s's values (TensorBoard's smoothing). */
static double *
smoothed(const struct series *s, double weight)
{
	double *out = wh_xcalloc(s->n ? s->n : 1, sizeof *out), acc = 0, debias = 1;

	for (size_t i = 0; i < s->n; i++) {
		if (!isfinite(s->y[i])) {
			out[i] = s->y[i];
			continue;
		}
		acc = acc * weight + (1 - weight) * s->y[i];
		debias *= weight;
		out[i] = acc / (1 - debias);
	}
	return out;
}

/* The step of the last point that jumped more than SPIKE_SD standard
 * deviations from the moving average of the points before it, and by
 * more than SPIKE_RANGE of their range (so that a smooth line's rounding
 * is no spike), or -1. */
static double
last_spike(const struct series *s)
{
	double mean = 0, var = 0, at = -1, lo = INFINITY, hi = -INFINITY;
	size_t seen = 0;

	for (size_t i = 0; i < s->n; i++) {
		double y = s->y[i], d = y - mean;
		if (!isfinite(y))
			continue;
		if (seen >= SPIKE_AFTER && fabs(d) > SPIKE_SD * sqrt(var) &&
		    fabs(d) > SPIKE_RANGE * (hi - lo))
			at = s->x[AXIS_STEP][i];
		lo = fmin(lo, y);
		hi = fmax(hi, y);
		if (seen++ == 0) {
			mean = y;
			continue;
		}
		mean += (1 - SPIKE_WEIGHT) * d;
		var = SPIKE_WEIGHT * (var + (1 - SPIKE_WEIGHT) * d * d);
	}
	return at;
}

/* The title: the selected run's last and best value and its last spike. */
static void
draw_title(const struct chart *c, int y, int x, int w)
{
	const struct series *s = c->s[0];
	bool higher = strstr(c->name, "acc") != NULL;
	double best = NAN, best_x = 0, spike;
	char line[256];
	int used;

	if (s == NULL) {
		wh_ui_put(y, x, w, c->name, strlen(c->name), WH_EL_HEADER);
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		if (isfinite(s->y[i]) && (!isfinite(best) || (higher ? s->y[i] > best : s->y[i] < best)))
			best = s->y[i], best_x = s->x[AXIS_STEP][i];
	snprintf(line, sizeof line, "%s %.5g  %s %.5g @ %.0f", c->name, s->y[s->n - 1],
	    higher ? "max" : "min", best, best_x);
	used = wh_ui_put(y, x, w, line, strlen(line), WH_EL_HEADER);
	if ((spike = last_spike(s)) >= 0 && used + 2 < w) {
		snprintf(line, sizeof line, "spike @ %.0f", spike);
		wh_ui_put(y, x + used + 2, w - used - 2, line, strlen(line), WH_EL_ERROR);
	}
}

static void
draw_chart(const struct view *v, struct chart *c, int y, int x, int h, int w)
{
	int cw = w - LABEL_W, ch = h - 2, n = cw * ch;
	uint8_t *dots[FOLLOW_MAX], *raw;
	char a[48], b[48];

	draw_title(c, y, x, w);
	make_xs(v, c);
	if (!window(v, c)) {
		snprintf(a, sizeof a, "no %s in these points", axis_names[v->axis]);
		wh_ui_put(y + 1, x + LABEL_W, cw, a, strlen(a), WH_EL_GUTTER);
		free_xs(v, c);
		return;
	}
	/* wall time counts from the start of the window */
	double l0 = log_x(v) ? pow(10, c->x0) : c->x0, l1 = log_x(v) ? pow(10, c->x1) : c->x1;
	snprintf(a, sizeof a, "%.0f", v->axis == AXIS_TIME ? 0 : l0);
	snprintf(b, sizeof b, "%s %.0f", axis_names[v->axis],
	    v->axis == AXIS_TIME ? l1 - l0 : l1);
	if (cw >= 4 && ch >= 1) {
		wh_ui_put(y + h - 1, x + LABEL_W, cw, a, strlen(a), WH_EL_GUTTER);
		if ((int)strlen(b) < cw)
			wh_ui_put(y + h - 1, x + w - (int)strlen(b), (int)strlen(b), b,
			    strlen(b), WH_EL_GUTTER);
	}
	if (cw < 4 || ch < 1 || !scale(v, c)) {
		if (cw >= 4 && ch >= 1)
			wh_ui_put(y + 1, x + LABEL_W, cw, "no points in this window", 24,
			    WH_EL_GUTTER);
		free_xs(v, c);
		return;
	}
	/* the selected run's raw line dim; each run's EMA (or raw line) in
	 * its colour, later runs under earlier ones */
	raw = wh_xcalloc((size_t)n, 1);
	for (int k = 0; k < FOLLOW_MAX; k++) {
		const struct series *s = c->s[k];
		dots[k] = wh_xcalloc((size_t)n, 1);
		if (s == NULL || (k > 0 && c->s[0] == s))
			continue;
		if (k == 0 && v->smooth > 0)
			wh_tui_chart(c->xs[k], s->y, s->n, c->x0, c->x1, c->lo, c->hi,
			    v->log_y, cw, ch, raw);
		double *sm = v->smooth > 0 ? smoothed(s, v->smooth) : NULL;
		wh_tui_chart(c->xs[k], sm ? sm : s->y, s->n, c->x0, c->x1, c->lo,
		    c->hi, v->log_y, cw, ch, dots[k]);
		free(sm);
	}
	snprintf(a, sizeof a, "%.3g", c->hi);
	snprintf(b, sizeof b, "%.3g", c->lo);
	wh_ui_put(y + 1, x, LABEL_W - 1, a, strlen(a), WH_EL_GUTTER);
	wh_ui_put(y + ch, x, LABEL_W - 1, b, strlen(b), WH_EL_GUTTER);
	for (int i = 0; i < n; i++) {
		uint8_t bits = raw[i];
		enum wh_element el = WH_EL_GUTTER;
		char u[3];
		for (int k = FOLLOW_MAX - 1; k >= 0; k--)
			if (dots[k][i])
				bits |= dots[k][i], el = run_colour[k];
		if (bits == 0)
			continue;
		wh_tui_braille(bits, u);
		wh_ui_put(y + 1 + i / cw, x + LABEL_W + i % cw, 1, u, 3, el);
	}
	for (int k = 0; k < FOLLOW_MAX; k++)
		free(dots[k]);
	free(raw);
	free_xs(v, c);
}

/* A line naming the compared runs in their colours; returns rows used. */
static int
draw_legend(const struct view *v, int y, int w)
{
	int x = 0;

	for (int k = 1; k < FOLLOW_MAX; k++)
		if (v->fl[k].run[0])
			x = 1;
	if (x == 0)
		return 0;
	for (int k = 0; k < FOLLOW_MAX && x < w; k++) {
		if (!v->fl[k].run[0] || (k > 0 && strcmp(v->fl[k].run, v->fl[0].run) == 0))
			continue;
		x += wh_ui_put(y, x, w - x, "\xe2\x94\x81\xe2\x94\x81 ", 7, run_colour[k]);
		x += wh_ui_put(y, x, w - x, v->fl[k].run, strlen(v->fl[k].run), WH_EL_NORMAL) + 2;
	}
	return 1;
}

static void
draw_charts(struct view *v, int y, int h, int w)
{
	int cols = w >= 2 * CHART_W_MIN + 2 ? 2 : 1, cw = (w - (cols - 1) * 2) / cols;
	const char **names = NULL;
	size_t n = 0;

	for (int k = 0; k < FOLLOW_MAX; k++)
		for (size_t i = 0; i < v->fl[k].ns; i++) {
			size_t j = 0;
			while (j < n && strcmp(names[j], v->fl[k].s[i].name) != 0)
				j++;
			if (j < n)
				continue;
			names = realloc(names, (n + 1) * sizeof *names);
			if (names == NULL)
				abort();
			names[n++] = v->fl[k].s[i].name;
		}
	if (n == 0) {
		char line[128];
		snprintf(line, sizeof line, v->fl[0].run[0] ? "no points yet in %s" :
		    "no run selected", v->fl[0].run);
		wh_ui_put(y + 1, 2, w - 2, line, strlen(line), WH_EL_GUTTER);
		return;
	}
	qsort(names, n, sizeof *names, by_rank);
	int used = draw_legend(v, y, w), fit = cols * ((h - used) / CHART_H);
	for (int i = 0; i < (int)n && i < fit; i++) {
		struct chart c = { .name = names[i] };
		for (int k = 0; k < FOLLOW_MAX; k++)
			c.s[k] = v->fl[k].run[0] ? series_find(&v->fl[k], names[i]) : NULL;
		draw_chart(v, &c, y + used + (i / cols) * CHART_H, (i % cols) * (cw + 2),
		    CHART_H, cw);
	}
	free(names);
}

/* Zoom the x window by f (around its middle, or keeping its right end
 * where it follows the latest points), or pan it by a share d of its
 * width, keeping it inside the whole range. */
static void
zoom(struct view *v, double f, double d)
{
	double mid = v->right - v->zoom / 2;

	v->zoom = fmin(fmax(v->zoom * f, 1.0 / 1024), 1);
	if (v->right < 1 || d != 0)
		v->right = mid + v->zoom / 2 + d * v->zoom;
	v->right = fmin(fmax(v->right, v->zoom), 1);
}

/* The step behind the loss chart: its last spike, else its highest loss
 * in the x window; -1 when it has no points there. */
static double
spike_step(const struct view *v)
{
	struct chart c = { .name = "loss" };
	double at = -1, worst = -INFINITY;

	if ((c.s[0] = series_find(&v->fl[0], "loss")) == NULL)
		return -1;
	if ((at = last_spike(c.s[0])) >= 0)
		return at;
	make_xs(v, &c);
	if (window(v, &c))
		for (size_t i = 0; i < c.s[0]->n; i++)
			if (c.xs[0][i] >= c.x0 && c.xs[0][i] <= c.x1 && c.s[0]->y[i] > worst)
				worst = c.s[0]->y[i], at = c.s[0]->x[AXIS_STEP][i];
	free_xs(v, &c);
	return at;
}

/* b: the records the selected run trained on at the step behind the
 * loss chart, on the workbench's list. */
static void
open_records(struct view *v)
{
	double step = spike_step(v);
	char *path, msg[600];

	if (!v->fl[0].run[0] || step < 1) {
		wh_tui_view_message(&v->st, true, "no loss to trace to its records");
		return;
	}
	path = wh_tui_batches_path(v->fl[0].run);
	if (wh_tui_losses_open(v->app, path, (long)step, msg, sizeof msg))
		v->quit = true;
	else
		wh_tui_view_message(&v->st, true, "records of step %.0f: %s", step, msg);
	free(path);
}

static void key_down(struct view *v) { v->cur += v->cur + 1 < v->n_runs; }
static void key_up(struct view *v) { v->cur -= v->cur > 0; }
static void key_first(struct view *v) { v->cur = 0; }
static void key_last(struct view *v) { v->cur = v->n_runs ? v->n_runs - 1 : 0; }
static void key_resume(struct view *v) { ask_run(v, "resume"); }
static void key_smoother(struct view *v) { v->smooth = fmin(v->smooth + 0.1, 0.99); }
static void key_log_y(struct view *v) { v->log_y = !v->log_y; }
static void key_log_x(struct view *v) { v->log_x = !v->log_x; }
static void key_axis(struct view *v) { v->axis = (v->axis + 1) % NAXES; }
static void key_zoom_in(struct view *v) { zoom(v, 0.5, 0); }
static void key_zoom_out(struct view *v) { zoom(v, 2, 0); }
static void key_pan_left(struct view *v) { zoom(v, 1, -0.5); }
static void key_pan_right(struct view *v) { zoom(v, 1, 0.5); }
static void key_help(struct view *v) { v->st.help = true; }
static void key_back(struct view *v) { v->quit = true; }

static void
key_rougher(struct view *v)
{
	v->smooth = v->smooth > 0.15 ? v->smooth - 0.1 : 0;
}

/* c: ask before cancelling the selected run (a run's work is not
 * easily had again); the answer is the next key. */
static void
key_cancel(struct view *v)
{
	const cJSON *r = selected(v);

	if (r != NULL)
		wh_tui_view_ask_cancel(&v->st, r, "run", v->confirm, sizeof v->confirm);
}

/* The answer to key_cancel's question: y cancels the run asked about
 * (the list may have moved under it), any other key keeps it. */
static void
confirmed(struct view *v, int k)
{
	int was = v->cur;

	if (k != 'y')
		wh_tui_view_message(&v->st, false, "run %s not cancelled", v->confirm);
	for (int i = 0; k == 'y' && i < v->n_runs; i++)
		if (strcmp(wh_tui_jstr(cJSON_GetArrayItem(v->runs, i), "id"), v->confirm) == 0) {
			v->cur = i;
			ask_run(v, "cancel");
			v->cur = was;
		}
	v->confirm[0] = '\0';
}

static void
key_log(struct view *v)
{
	v->show_log = !v->show_log;
	free(v->log);
	v->log = NULL;
	if (v->show_log)
		ask_list(v);
}

static const struct wh_tui_vkey keymap[] = {
	{ "j", "next run", key_down },
	{ "<Down>", "next run", key_down },
	{ "k", "previous run", key_up },
	{ "<Up>", "previous run", key_up },
	{ "g", "newest run", key_first },
	{ "<Home>", "newest run", key_first },
	{ "G", "oldest run", key_last },
	{ "<End>", "oldest run", key_last },
	{ "<Space>", "compare the run on the charts, or stop", toggle_compare },
	{ "c", "cancel the run (y confirms)", key_cancel },
	{ "r", "resume the run", key_resume },
	{ "o", "the run's log instead of its charts, or back", key_log },
	{ "b", "the records of the loss spike on the workbench's list", open_records },
	{ "+", "smooth more", key_smoother },
	{ "-", "smooth less", key_rougher },
	{ "l", "log or linear y axis", key_log_y },
	{ "L", "log or linear x axis (steps, tokens)", key_log_x },
	{ "x", "x axis: step, tokens, seconds", key_axis },
	{ "z", "zoom in", key_zoom_in },
	{ "Z", "zoom out", key_zoom_out },
	{ "[", "pan left", key_pan_left },
	{ "]", "pan right", key_pan_right },
	{ "?", "these keys", key_help },
	{ "<F1>", "these keys", key_help },
	{ "q", "back to the workbench", key_back },
	{ "<Esc>", "back to the workbench", key_back },
};
#define NKEYS (sizeof keymap / sizeof keymap[0])

static void
key(struct view *v, int k)
{
	int was = v->cur;

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
	if (v->cur != was)
		follow_selected(v, false);
	if (v->show_log && v->cur != was) {
		free(v->log);
		v->log = NULL;
		ask_list(v);
	}
}

static void
draw(struct view *v)
{
	int height, width, list_h;
	char title[300], zoom[32] = "", silent[64] = "";
	double t0 = wh_tui_now_ms();

	wh_ui_size(&height, &width);
	wh_ui_erase();
	if (v->zoom < 1)
		snprintf(zoom, sizeof zoom, "  zoom %.0f%%", 100 * v->zoom);
	wh_tui_link_silence(&v->link, silent, sizeof silent);
	snprintf(title, sizeof title, " Runs %d%s   smoothing %.2f  %s y  x: %s%s%s   "
	    "(? keys, q back) ", v->n_runs, silent, v->smooth, v->log_y ? "log" : "linear",
	    axis_names[v->axis], log_x(v) ? " (log)" : "", zoom);
	wh_ui_fill(0, 0, width, WH_EL_TITLE);
	wh_ui_put(0, 0, width, title, strlen(title), WH_EL_TITLE);
	list_h = v->n_runs < height / 3 ? v->n_runs : height / 3;
	if (list_h < 1)
		list_h = 1;
	if (v->cur < v->top)
		v->top = v->cur;
	if (v->cur >= v->top + list_h)
		v->top = v->cur - list_h + 1;
	for (int i = 0; i < list_h && v->top + i < v->n_runs; i++)
		draw_run_row(v, cJSON_GetArrayItem(v->runs, v->top + i), 1 + i, width,
		    v->top + i == v->cur);
	if (v->n_runs == 0) {
		const char *none = v->reply ? "no runs yet" : "asking the engine for its runs";
		wh_ui_put(1, 2, width - 2, none, strlen(none), WH_EL_GUTTER);
	}
	for (int c = 0; c < width; c++)
		wh_ui_put(1 + list_h, c, 1, "\xe2\x94\x80", 3, WH_EL_BORDER);
	if (v->show_log)
		wh_tui_draw_log_tail(v->log, 2 + list_h, height - 3 - list_h, width);
	else
		draw_charts(v, 2 + list_h, height - 3 - list_h, width);
	if (v->st.help)
		wh_tui_vkey_draw_help("Runs view keys (any key closes)", keymap, NKEYS, 1,
		    height - 2, width);
	wh_tui_view_draw_message(&v->st, height - 1, width);
	wh_ui_cursor(-1, 0);
	wh_ui_flush();
	v->st.dirty = false;
	v->draw_ms = wh_tui_now_ms() - t0;
	v->drawn = wh_tui_now_ms();
}

static void
run_view(struct view *v, const char *id)
{
	struct wh_ui_event ev;

	snprintf(v->want, sizeof v->want, "%s", id);
	ask_list(v);
	while (!v->quit) {
		struct pollfd p[2] = { { .fd = wh_ui_fd(), .events = POLLIN },
			{ .fd = v->link.conn.rfd, .events = POLLIN } };
		double t = wh_tui_now_ms();
		if (t - v->listed >= LIST_EVERY_MS)
			ask_list(v);
		/* the time the engine has been silent, once a second */
		if (wh_tui_link_silent_s(&v->link) > 0 && t - v->drawn >= 1000)
			v->st.dirty = true;
		/* a screen of a million points takes a while: points are
		 * drawn in at most a fifth of the time, so they keep coming */
		if (v->st.dirty && t - v->drawn >= fmax(DRAW_EVERY_MS, 4 * v->draw_ms))
			draw(v);
		poll(p, 2, v->st.dirty ? DRAW_EVERY_MS : LIST_EVERY_MS);
		bool keyed = false;
		while (!v->quit && wh_ui_next(&ev)) {
			key(v, ev.key);
			keyed = true;
		}
		take(v);
		if (keyed && !v->quit)	/* a key's answer is drawn at once */
			draw(v);
	}
}

void
wh_tui_train(struct wh_tui *app, char *args)
{
	cJSON *job = cJSON_CreateObject(), *argv, *req, *reply;
	struct wh_engine_conn c;
	struct wh_error err;
	char cwd[4096], buf[600], *save = NULL;

	cJSON_AddStringToObject(job, "backend", "builtin");
	argv = cJSON_AddArrayToObject(job, "argv");
	cJSON_AddItemToArray(argv, cJSON_CreateString("lua"));
	for (char *w = strtok_r(args, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		cJSON_AddItemToArray(argv, cJSON_CreateString(w));
	if (cJSON_GetArraySize(argv) < 2) {
		cJSON_Delete(job);
		wh_tui_message(app, true, "train: give a Lua file (see whittle-lua(7))");
		return;
	}
	if (!wh_engine_remote(NULL) && getcwd(cwd, sizeof cwd) != NULL)
		cJSON_AddStringToObject(job, "cwd", cwd);
	req = wh_engine_request("submit");
	cJSON_AddItemToObject(req, "job", job);
	if (wh_engine_connect(&c, NULL, SELF, &err) < 0) {
		cJSON_Delete(req);
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, true, "engine: %s", buf);
		return;
	}
	if (wh_engine_call(&c, req, &reply, &err) < 0) {
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, true, "train: %s", buf);
	} else {
		wh_tui_message(app, false, "train: run %s started; :runs follows it",
		    wh_tui_jstr(reply, "run"));
		cJSON_Delete(reply);
	}
	wh_engine_close(&c);
}

void
wh_tui_runs(struct wh_tui *app, char *args)
{
	struct view v = { .app = app, .smooth = 0.6, .zoom = 1, .right = 1 };

	while (*args == ' ')
		args++;
	/* The engine is started here if it is not running; a connection
	 * lost later is made again only to an engine that runs. */
	if (wh_tui_link_open(&v.link, app) < 0)
		return;
	run_view(&v, args);
	for (int k = 0; k < FOLLOW_MAX; k++)
		series_free(&v.fl[k]);
	wh_tui_link_close(&v.link);
	cJSON_Delete(v.reply);
	free(v.log);
	app->dirty = true;
}
