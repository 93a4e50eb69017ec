/* The Runs view: a list of the engine's runs over live Braille charts of
 * the selected run's metrics. One connection asks for the list once a
 * second; another is subscribed to the selected run and its points are
 * kept in memory, one series a metric name. Charts draw the raw line dim
 * and a debiased EMA over it, autoscaled to the 1st..99th percentile with
 * what lies outside drawn on the edge. */
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/chart.h"
#include "tui/runs.h"
#include "tui/ui.h"
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

/* What the x axis is. */
enum axis { AXIS_STEP, AXIS_TOKENS, AXIS_TIME, NAXES };
static const char *const axis_names[NAXES] = { "step", "tokens", "seconds" };

struct series {
	char *name;
	double *x[NAXES], *y;	/* x: step, tokens (NaN: unknown), wall time */
	size_t n, cap;
};

struct view {
	struct wh_tui *app;
	struct wh_engine_conn list, stream;
	bool streaming;
	cJSON *reply;		/* the last "runs" reply; runs newest first in it */
	const cJSON *runs;
	int n_runs, cur, top;
	char run[64];		/* the run streamed ("" none) */
	struct series *s;
	size_t ns;
	double smooth;		/* EMA weight of the past, 0 for none */
	bool log_y;
	enum axis axis;
	bool show_log;		/* the run's log instead of its charts */
	char *log;		/* its end, as last asked for */
	bool quit, dirty;
	char msg[256];
	bool msg_error;
	double listed, drawn;	/* ms */
};

static double
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
message(struct view *v, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
message(struct view *v, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->msg, sizeof v->msg, fmt, ap);
	va_end(ap);
	v->msg_error = error;
	v->dirty = true;
}

static void
error_message(struct view *v, const char *what, const struct wh_error *err)
{
	char buf[600];

	wh_error_format(err, buf, sizeof buf);
	message(v, true, "%s: %s", what, buf);
}

/* Series. */

static struct series *
series_named(struct view *v, const char *name)
{
	for (size_t i = 0; i < v->ns; i++)
		if (strcmp(v->s[i].name, name) == 0)
			return &v->s[i];
	v->s = realloc(v->s, (v->ns + 1) * sizeof *v->s);
	if (v->s == NULL)
		abort();
	memset(&v->s[v->ns], 0, sizeof *v->s);
	v->s[v->ns].name = wh_xstrdup(name);
	return &v->s[v->ns++];
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
series_free(struct view *v)
{
	for (size_t i = 0; i < v->ns; i++) {
		free(v->s[i].name);
		for (int a = 0; a < NAXES; a++)
			free(v->s[i].x[a]);
		free(v->s[i].y);
	}
	free(v->s);
	v->s = NULL;
	v->ns = 0;
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
	const struct series *x = a, *y = b;
	int d = rank(x->name) - rank(y->name);

	return d ? d : strcmp(x->name, y->name);
}

/* Engine talk. */

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static double
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const cJSON *
selected(const struct view *v)
{
	return v->n_runs ? cJSON_GetArrayItem(v->runs, v->cur) : NULL;
}

static void
stream_close(struct view *v)
{
	if (v->streaming)
		wh_engine_close(&v->stream);
	v->streaming = false;
	v->run[0] = '\0';
	series_free(v);
}

/* Follow the selected run from its first point. */
static void
stream_open(struct view *v)
{
	const cJSON *r = selected(v);
	struct wh_error err;
	cJSON *req, *reply;

	if (r == NULL || strcmp(str(r, "id"), v->run) == 0)
		return;
	stream_close(v);
	snprintf(v->run, sizeof v->run, "%s", str(r, "id"));
	if (wh_engine_connect(&v->stream, NULL, SELF, &err) < 0) {
		error_message(v, "engine", &err);
		return;
	}
	v->streaming = true;
	req = wh_engine_request("subscribe");
	cJSON_AddStringToObject(req, "run", v->run);
	if (wh_engine_call(&v->stream, req, &reply, &err) < 0) {
		error_message(v, "subscribe", &err);
		wh_engine_close(&v->stream);
		v->streaming = false;
		return;
	}
	cJSON_Delete(reply);
	v->dirty = true;
}

static void
refresh_list(struct view *v)
{
	struct wh_error err;
	cJSON *reply, *runs, *rev;
	char keep[64];

	v->listed = now_ms();
	if (v->list.rfd < 0 && wh_engine_connect(&v->list, NULL, NULL, &err) < 0) {
		error_message(v, "engine", &err);
		return;
	}
	if (wh_engine_call(&v->list, wh_engine_request("runs"), &reply, &err) < 0) {
		error_message(v, "runs", &err);
		wh_engine_close(&v->list);	/* connect again next time */
		return;
	}
	snprintf(keep, sizeof keep, "%s", v->run);
	runs = cJSON_DetachItemFromObjectCaseSensitive(reply, "runs");
	cJSON_Delete(reply);
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
		if (strcmp(str(cJSON_GetArrayItem(rev, i), "id"), keep) == 0)
			v->cur = i;
	v->dirty = true;
}

static void
take_event(struct view *v, const cJSON *msg)
{
	const char *event = str(msg, "event");

	if (strcmp(event, "metric") == 0 && strcmp(str(msg, "run"), v->run) == 0) {
		const char *name = str(msg, "name");
		double x[NAXES] = { num(msg, "step"), num(msg, "tokens"), num(msg, "time") };
		if (name[0] && strcmp(name, "max_steps") != 0)
			series_add(series_named(v, name), x, num(msg, "value"));
	} else if (strcmp(event, "state") == 0 || strcmp(event, "end") == 0)
		v->listed = 0;	/* ask for the list again now */
	v->dirty = true;
}

static void
drain_stream(struct view *v)
{
	struct wh_error err;
	cJSON *msg;
	int r;

	for (int i = 0; v->streaming && i < 100000; i++) {
		if ((r = wh_engine_recv(&v->stream, &msg, 0, &err)) == 0)
			return;
		if (r < 0) {
			wh_engine_close(&v->stream);
			v->streaming = false;
			return;
		}
		take_event(v, msg);
		cJSON_Delete(msg);
	}
}

static void
ask_run(struct view *v, const char *op)
{
	const cJSON *r = selected(v);
	struct wh_error err;
	cJSON *req, *reply;

	if (r == NULL)
		return;
	req = wh_engine_request(op);
	cJSON_AddStringToObject(req, "run", str(r, "id"));
	if (wh_engine_call(&v->list, req, &reply, &err) < 0) {
		error_message(v, op, &err);
		return;
	}
	message(v, false, "%s %s: %s", op, str(r, "id"), str(reply, "state"));
	cJSON_Delete(reply);
	v->listed = 0;
	if (strcmp(op, "resume") == 0)
		v->run[0] = '\0', stream_open(v);	/* follow it afresh */
}

/* Drawing. */

static void
duration(double s, char *buf, size_t size)
{
	long t = isfinite(s) && s > 0 && s < 1e8 ? (long)s : 0;

	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

static void
draw_run_row(const cJSON *r, int y, int w, bool cur)
{
	enum wh_element el = cur ? WH_EL_CURSOR : WH_EL_NORMAL;
	double p = num(r, "progress"), started = num(r, "started"), ended = num(r, "ended");
	double wall = (double)time(NULL), elapsed = isfinite(started) ?
	    (isfinite(ended) ? ended : wall) - started : NAN;
	char line[512], el_s[32] = "-", eta[48] = "", loss[48] = "", pct[8] = "    ";
	const char *state = str(r, "state");
	int x, bar = 12;

	if (isfinite(elapsed))
		duration(elapsed, el_s, sizeof el_s);
	if (isfinite(p) && p > 0 && strcmp(state, "running") == 0) {
		char d[32];
		duration(elapsed * (1 - p) / p, d, sizeof d);
		snprintf(eta, sizeof eta, "eta %s", d);
	}
	if (isfinite(num(r, "loss")))
		snprintf(loss, sizeof loss, "loss %.4g", num(r, "loss"));
	if (isfinite(num(r, "accuracy")))
		snprintf(loss + strlen(loss), sizeof loss - strlen(loss), " acc %.3g",
		    num(r, "accuracy"));
	wh_ui_fill(y, 0, w, el);
	snprintf(line, sizeof line, "%s %-22s %-11s ", cur ? ">" : " ", str(r, "id"), state);
	x = wh_ui_put(y, 0, w, line, strlen(line), el);
	if (isfinite(p)) {
		int fill = (int)(fmin(fmax(p, 0), 1) * bar + 0.5);
		snprintf(pct, sizeof pct, "%3.0f%%", 100 * fmin(fmax(p, 0), 1));
		wh_ui_fill(y, x, fill, WH_EL_PROGRESS);
		wh_ui_fill(y, x + fill, bar - fill, WH_EL_GUTTER);
	}
	x += bar;
	snprintf(line, sizeof line, " %s %8s %-12s %-24s %s", pct, el_s, eta, loss, str(r, "name"));
	if (x < w)
		wh_ui_put(y, x, w - x, line, strlen(line), el);
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The 1st and 99th percentiles of s's values (of log10 with log_y),
 * from at most SAMPLES of them spread evenly; false if none is usable. */
static bool
scale(const struct series *s, bool log_y, double *lo, double *hi)
{
	double *pick = wh_xcalloc(SAMPLES, sizeof *pick);
	size_t k = 0, step = s->n > SAMPLES ? s->n / SAMPLES : 1;

	for (size_t i = 0; i < s->n && k < SAMPLES; i += step)
		if (isfinite(s->y[i]) && (!log_y || s->y[i] > 0))
			pick[k++] = log_y ? log10(s->y[i]) : s->y[i];
	qsort(pick, k, sizeof *pick, by_value);
	if (k > 0) {
		*lo = pick[(size_t)((double)(k - 1) * 0.01)];
		*hi = pick[(size_t)((double)(k - 1) * 0.99 + 0.5)];
		/* the last value always counts, so the line ends on the chart */
		double last = log_y ? log10(s->y[s->n - 1]) : s->y[s->n - 1];
		if (isfinite(last) && last < *lo)
			*lo = last;
		if (isfinite(last) && last > *hi)
			*hi = last;
		double pad = *hi > *lo ? (*hi - *lo) * 0.05 : fabs(*hi) * 0.1 + 1e-9;
		*lo -= pad;
		*hi += pad;
		if (log_y) {
			*lo = pow(10, *lo);
			*hi = pow(10, *hi);
		}
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
 * deviations from the moving average of the points before it, or -1. */
static double
last_spike(const struct series *s)
{
	double mean = 0, var = 0, at = -1;
	size_t seen = 0;

	for (size_t i = 0; i < s->n; i++) {
		double y = s->y[i], d = y - mean;
		if (!isfinite(y))
			continue;
		if (seen >= SPIKE_AFTER && fabs(d) > SPIKE_SD * sqrt(var) + 1e-9 * fabs(mean))
			at = s->x[AXIS_STEP][i];
		if (seen++ == 0) {
			mean = y;
			continue;
		}
		mean += (1 - SPIKE_WEIGHT) * d;
		var = SPIKE_WEIGHT * (var + (1 - SPIKE_WEIGHT) * d * d);
	}
	return at;
}

static void
draw_chart(struct view *v, const struct series *s, int y, int x, int h, int w)
{
	int cw = w - LABEL_W, ch = h - 2;
	const double *xs = s->x[v->axis];
	double lo, hi, x0 = INFINITY, x1 = -INFINITY, best = NAN, best_x = 0;
	double spike = last_spike(s);
	bool higher = strstr(s->name, "acc") != NULL;
	char line[256], a[48], b[48];
	int used;

	for (size_t i = 0; i < s->n; i++) {
		if (isfinite(xs[i]))
			x0 = fmin(x0, xs[i]), x1 = fmax(x1, xs[i]);
		if (isfinite(s->y[i]) && (!isfinite(best) || (higher ? s->y[i] > best : s->y[i] < best)))
			best = s->y[i], best_x = s->x[AXIS_STEP][i];
	}
	snprintf(line, sizeof line, "%s %.5g  %s %.5g @ %.0f", s->name, s->y[s->n - 1],
	    higher ? "max" : "min", best, best_x);
	used = wh_ui_put(y, x, w, line, strlen(line), WH_EL_HEADER);
	if (spike >= 0 && used + 2 < w) {
		snprintf(line, sizeof line, "spike @ %.0f", spike);
		wh_ui_put(y, x + used + 2, w - used - 2, line, strlen(line), WH_EL_ERROR);
	}
	if (!(x0 <= x1)) {
		snprintf(line, sizeof line, "no %s in these points", axis_names[v->axis]);
		wh_ui_put(y + 1, x + LABEL_W, cw, line, strlen(line), WH_EL_GUTTER);
		return;
	}
	if (cw < 4 || ch < 1 || !scale(s, v->log_y, &lo, &hi))
		return;
	uint8_t *raw = wh_xcalloc((size_t)(cw * ch), 1), *ema = wh_xcalloc((size_t)(cw * ch), 1);
	wh_tui_chart(xs, s->y, s->n, x0, x1, lo, hi, v->log_y, cw, ch, raw);
	if (v->smooth > 0) {
		double *sm = smoothed(s, v->smooth);
		wh_tui_chart(xs, sm, s->n, x0, x1, lo, hi, v->log_y, cw, ch, ema);
		free(sm);
	}
	snprintf(a, sizeof a, "%.3g", hi);
	snprintf(b, sizeof b, "%.3g", lo);
	wh_ui_put(y + 1, x, LABEL_W - 1, a, strlen(a), WH_EL_GUTTER);
	wh_ui_put(y + ch, x, LABEL_W - 1, b, strlen(b), WH_EL_GUTTER);
	for (int r = 0; r < ch; r++)
		for (int c = 0; c < cw; c++) {
			uint8_t bits = raw[r * cw + c] | ema[r * cw + c];
			char u[3];
			if (bits == 0)
				continue;
			wh_tui_braille(bits, u);
			wh_ui_put(y + 1 + r, x + LABEL_W + c, 1, u, 3,
			    ema[r * cw + c] || v->smooth == 0 ? WH_EL_CORRECT : WH_EL_GUTTER);
		}
	/* wall time counts from the run's first point */
	snprintf(a, sizeof a, "%.0f", v->axis == AXIS_TIME ? 0 : x0);
	snprintf(b, sizeof b, "%s %.0f", axis_names[v->axis],
	    v->axis == AXIS_TIME ? x1 - x0 : x1);
	wh_ui_put(y + h - 1, x + LABEL_W, cw, a, strlen(a), WH_EL_GUTTER);
	if ((int)strlen(b) < cw)
		wh_ui_put(y + h - 1, x + w - (int)strlen(b), (int)strlen(b), b, strlen(b), WH_EL_GUTTER);
	free(raw);
	free(ema);
}

/* The end of the selected run's log, as many lines as fit. */
static void
draw_log(struct view *v, int y, int h, int w)
{
	const char *end = v->log ? v->log + strlen(v->log) : NULL, *p = end;
	int lines = 0;

	if (p == NULL)
		return;
	if (p > v->log && p[-1] == '\n')
		p--;
	while (p > v->log && lines < h) {
		p--;
		if (*p == '\n')
			lines++;
	}
	if (*p == '\n')
		p++;
	for (int r = 0; r < h && p < end; r++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		wh_ui_put(y + r, 0, w, p, n, WH_EL_NORMAL);
		p += n + (nl != NULL);
	}
}

static void
fetch_log(struct view *v)
{
	const cJSON *r = selected(v);
	struct wh_error err;
	cJSON *req, *reply;

	free(v->log);
	v->log = NULL;
	if (r == NULL || v->list.rfd < 0)
		return;
	req = wh_engine_request("log");
	cJSON_AddStringToObject(req, "run", str(r, "id"));
	cJSON_AddNumberToObject(req, "limit", LOG_BYTES);
	if (wh_engine_call(&v->list, req, &reply, &err) < 0) {
		error_message(v, "log", &err);
		return;
	}
	v->log = wh_xstrdup(str(reply, "log"));
	cJSON_Delete(reply);
	v->dirty = true;
}

static void
draw_charts(struct view *v, int y, int h, int w)
{
	int cols = w >= 2 * CHART_W_MIN + 2 ? 2 : 1, cw = (w - (cols - 1) * 2) / cols;
	int fit = cols * (h / CHART_H), k = 0;
	char line[128];

	if (v->ns == 0) {
		snprintf(line, sizeof line, v->run[0] ? "no points yet in %s" : "no run selected", v->run);
		wh_ui_put(y + 1, 2, w - 2, line, strlen(line), WH_EL_GUTTER);
		return;
	}
	qsort(v->s, v->ns, sizeof *v->s, by_rank);
	for (size_t i = 0; i < v->ns && k < fit; i++, k++)
		draw_chart(v, &v->s[i], y + (k / cols) * CHART_H, (k % cols) * (cw + 2),
		    CHART_H, cw);
}

static void
draw(struct view *v)
{
	int height, width, list_h;
	char title[256];

	wh_ui_size(&height, &width);
	wh_ui_erase();
	snprintf(title, sizeof title, " Runs  %d   j/k select  c cancel  r resume  "
	    "o %s  +/- smoothing %.2f  l %s scale  x by %s  q back ", v->n_runs,
	    v->show_log ? "charts" : "log", v->smooth, v->log_y ? "linear" : "log",
	    axis_names[(v->axis + 1) % NAXES]);
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
		draw_run_row(cJSON_GetArrayItem(v->runs, v->top + i), 1 + i, width,
		    v->top + i == v->cur);
	if (v->n_runs == 0)
		wh_ui_put(1, 2, width - 2, "no runs yet", 11, WH_EL_GUTTER);
	for (int c = 0; c < width; c++)
		wh_ui_put(1 + list_h, c, 1, "\xe2\x94\x80", 3, WH_EL_BORDER);
	if (v->show_log)
		draw_log(v, 2 + list_h, height - 3 - list_h, width);
	else
		draw_charts(v, 2 + list_h, height - 3 - list_h, width);
	wh_ui_put(height - 1, 0, width, v->msg, strlen(v->msg),
	    v->msg_error ? WH_EL_ERROR : WH_EL_MESSAGE);
	wh_ui_cursor(-1, 0);
	wh_ui_flush();
	v->dirty = false;
	v->drawn = now_ms();
}

static void
key(struct view *v, int k)
{
	int was = v->cur;

	switch (k) {
	case 'j': case WH_KEY_DOWN: v->cur += v->cur + 1 < v->n_runs; break;
	case 'k': case WH_KEY_UP: v->cur -= v->cur > 0; break;
	case 'g': case WH_KEY_HOME: v->cur = 0; break;
	case 'G': case WH_KEY_END: v->cur = v->n_runs ? v->n_runs - 1 : 0; break;
	case 'c': ask_run(v, "cancel"); break;
	case 'r': ask_run(v, "resume"); break;
	case '+': v->smooth = fmin(v->smooth + 0.1, 0.99); break;
	case '-': v->smooth = v->smooth > 0.15 ? v->smooth - 0.1 : 0; break;
	case 'l': v->log_y = !v->log_y; break;
	case 'x': v->axis = (v->axis + 1) % NAXES; break;
	case 'o': v->show_log = !v->show_log; break;
	case 'q': case 27: v->quit = true; break;
	case WH_KEY_RESIZE: break;
	default: message(v, false, "j/k select, c cancel, r resume, o log, "
	    "+/- smoothing, l log scale, x x axis, q back");
	}
	if (v->cur != was)
		stream_open(v);
	if (v->show_log && (v->cur != was || k == 'o'))
		fetch_log(v);
	v->dirty = true;
}

static void
run_view(struct view *v, const char *id)
{
	struct wh_ui_event ev;

	refresh_list(v);
	for (int i = 0; id[0] && i < v->n_runs; i++)
		if (strcmp(str(cJSON_GetArrayItem(v->runs, i), "id"), id) == 0)
			v->cur = i;
	if (id[0] && strcmp(str(selected(v), "id"), id) != 0)
		message(v, true, "no run %s", id);
	stream_open(v);
	while (!v->quit) {
		double t = now_ms();
		if (t - v->listed >= LIST_EVERY_MS) {
			refresh_list(v);
			if (v->show_log)
				fetch_log(v);
		}
		if (v->dirty && t - v->drawn >= DRAW_EVERY_MS)
			draw(v);
		struct pollfd p[2] = {
			{ .fd = wh_ui_fd(), .events = POLLIN },
			{ .fd = v->streaming ? v->stream.rfd : -1, .events = POLLIN },
		};
		poll(p, 2, v->dirty ? DRAW_EVERY_MS : LIST_EVERY_MS);
		while (!v->quit && wh_ui_next(&ev))
			key(v, ev.key);
		drain_stream(v);
	}
}

void
wh_tui_runs(struct wh_tui *app, char *args)
{
	struct view v = { .app = app, .smooth = 0.6 };
	struct wh_error err;

	while (*args == ' ')
		args++;
	if (wh_engine_connect(&v.list, NULL, SELF, &err) < 0) {
		char buf[600];
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, true, "engine: %s", buf);
		return;
	}
	run_view(&v, args);
	stream_close(&v);
	wh_engine_close(&v.list);
	cJSON_Delete(v.reply);
	free(v.log);
	app->dirty = true;
}
