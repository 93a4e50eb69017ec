/* Helpers of the engine's views, the Runs view and the Jobs view. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tui/app.h"
#include "tui/keys.h"
#include "tui/ui.h"
#include "tui/views.h"

double
wh_tui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *
wh_tui_jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

double
wh_tui_jnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

void
wh_tui_duration(double s, char *buf, size_t size)
{
	long t = isfinite(s) && s > 0 && s < 1e8 ? (long)s : 0;

	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

void
wh_tui_draw_log_tail(const char *log, int y, int h, int w)
{
	const char *end = log ? log + strlen(log) : NULL, *p = end;
	int lines = 0;

	if (p == NULL)
		return;
	if (p > log && p[-1] == '\n')
		p--;
	while (p > log && lines < h) {
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

void
wh_tui_view_message(struct wh_tui_vstate *s, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof s->msg, fmt, ap);
	va_end(ap);
	s->msg_error = error;
	s->dirty = true;
}

void
wh_tui_view_ask_cancel(struct wh_tui_vstate *s, const cJSON *item, const char *what,
    char *confirm, size_t size)
{
	const char *state = wh_tui_jstr(item, "state");

	if (strcmp(state, "queued") != 0 && strcmp(state, "waiting") != 0 &&
	    strcmp(state, "running") != 0) {
		wh_tui_view_message(s, true, "%s %s is %s: nothing to cancel", what,
		    wh_tui_jstr(item, "id"), state);
		return;
	}
	snprintf(confirm, size, "%s", wh_tui_jstr(item, "id"));
	wh_tui_view_message(s, false, "cancel %s %s (%s)? y/n", what, confirm,
	    wh_tui_jstr(item, "name"));
}

void
wh_tui_view_error(struct wh_tui_vstate *s, const char *what, const struct wh_error *err)
{
	char buf[600];

	wh_error_format(err, buf, sizeof buf);
	wh_tui_view_message(s, true, "%s: %s", what, buf);
}

void
wh_tui_view_draw_message(const struct wh_tui_vstate *s, int y, int w)
{
	wh_ui_put(y, 0, w, s->msg, strlen(s->msg), s->msg_error ? WH_EL_ERROR : WH_EL_MESSAGE);
}

void
wh_tui_vkey_run(struct wh_tui_vstate *s, const struct wh_tui_vkey *map, size_t n,
    struct view *v, int k)
{
	int code;

	if (k == WH_KEY_RESIZE)
		return;
	for (size_t b = 0; b < n; b++)
		if (wh_tui_parse_keys(map[b].key, &code, 1) == 1 && code == k) {
			map[b].fn(v);
			return;
		}
	wh_tui_view_message(s, false, "no such key here; ? shows the keys");
}

void
wh_tui_vkey_draw_help(const char *title, const struct wh_tui_vkey *map, size_t n,
    int y, int h, int w)
{
	int r = 0;

	for (int i = 0; i < h; i++)
		wh_ui_fill(y + i, 0, w, WH_EL_HELP);
	wh_ui_put(y + r++, 1, w - 2, title, strlen(title), WH_EL_TITLE);
	for (size_t b = 0; b < n && r < h; b++) {
		char keys[64] = "", line[200];
		bool seen = false;
		for (size_t c = 0; c < b; c++)
			seen |= map[c].fn == map[b].fn;
		if (seen)
			continue;
		for (size_t c = b; c < n; c++)
			if (map[c].fn == map[b].fn)
				snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s",
				    keys[0] ? " " : "", map[c].key);
		snprintf(line, sizeof line, "  %-16s %s", keys, map[b].help);
		wh_ui_put(y + r++, 1, w - 2, line, strlen(line), WH_EL_HELP);
	}
}

/* The link to the engine. */

#define SILENT_MS 3000

void
wh_tui_link_init(struct wh_tui_link *l)
{
	memset(l, 0, sizeof *l);
	l->conn.rfd = l->conn.wfd = l->conn.errfd = -1;
}

const char *
wh_tui_link_start_exe(void)
{
	return wh_engine_remote(NULL) ? NULL : "/proc/self/exe";
}

int
wh_tui_link_open(struct wh_tui_link *l, struct wh_tui *app)
{
	struct wh_error err;
	char buf[600];

	wh_tui_link_init(l);
	if (wh_engine_remote(NULL) ||
	    wh_engine_connect(&l->conn, NULL, wh_tui_link_start_exe(), &err) == 0)
		return 0;
	wh_error_format(&err, buf, sizeof buf);
	wh_tui_message(app, true, "engine: %s", buf);
	return -1;
}

/* The connection broke: close it, and forget what waited on it. */
static void
link_broke(struct wh_tui_link *l, struct wh_tui_vstate *s, const struct wh_error *err)
{
	wh_tui_view_error(s, "engine", err);
	wh_engine_close(&l->conn);
	l->n_asks = 0;
}

/* Connect: with start_exe, waiting for hello's reply (and starting the
 * engine if need be); without, hello is a request whose reply is taken
 * with the others, and the connection is not waited on at all. */
static int
link_connect(struct wh_tui_link *l, const char *start_exe, struct wh_error *err)
{
	struct wh_tui_ask *a = &l->asks[0];

	l->n_asks = 0;
	if (start_exe != NULL)
		return wh_engine_connect(&l->conn, NULL, start_exe, err);
	*a = (struct wh_tui_ask){ .kind = WH_TUI_ASK_HELLO, .op = "hello",
		.sent = wh_tui_now_ms() };
	if (wh_engine_connect_start(&l->conn, NULL, &a->id, err) < 0)
		return -1;
	l->n_asks = 1;
	return 0;
}

struct wh_tui_ask *
wh_tui_link_ask(struct wh_tui_link *l, struct wh_tui_vstate *s, cJSON *req,
    int kind, const char *op, const char *about, const char *start_exe)
{
	struct wh_tui_ask *a;
	struct wh_error err;

	if (l->conn.rfd < 0 && link_connect(l, start_exe, &err) < 0) {
		wh_tui_view_error(s, "engine", &err);
		cJSON_Delete(req);
		return NULL;
	}
	if (l->n_asks == WH_TUI_ASKS_MAX) {
		wh_tui_view_message(s, true, "the engine has not answered %d requests: "
		    "waiting for it", WH_TUI_ASKS_MAX);
		cJSON_Delete(req);
		return NULL;
	}
	a = &l->asks[l->n_asks];
	*a = (struct wh_tui_ask){ .kind = kind, .sent = wh_tui_now_ms() };
	snprintf(a->op, sizeof a->op, "%s", op);
	snprintf(a->about, sizeof a->about, "%s", about ? about : "");
	if (wh_engine_send(&l->conn, req, &a->id, &err) < 0) {
		link_broke(l, s, &err);
		return NULL;
	}
	l->n_asks++;
	return a;
}

bool
wh_tui_link_asking(const struct wh_tui_link *l, int kind, const char *about)
{
	for (int i = 0; i < l->n_asks; i++)
		if (l->asks[i].kind == kind && (about == NULL ||
		    strcmp(l->asks[i].about, about) == 0))
			return true;
	return false;
}

int
wh_tui_link_take(struct wh_tui_link *l, struct wh_tui_vstate *s, cJSON **msg,
    struct wh_tui_ask *a, bool *ok, struct wh_error *err)
{
	uint64_t id;
	int r, k;

	for (;;) {
		if (l->conn.rfd < 0 || (r = wh_engine_recv(&l->conn, msg, 0, err)) == 0)
			return 0;
		if (r < 0) {
			link_broke(l, s, err);
			return -1;
		}
		memset(a, 0, sizeof *a);
		if ((r = wh_engine_reply_to(&l->conn, *msg, &id, err)) == 0)
			return 1;	/* an event */
		if (id == 0) {		/* the connection itself refused */
			wh_tui_view_error(s, "engine", err);
			cJSON_Delete(*msg);
			continue;
		}
		for (k = 0; k < l->n_asks && l->asks[k].id != id; k++)
			;
		if (k == l->n_asks) {	/* no request of ours: dropped */
			cJSON_Delete(*msg);
			continue;
		}
		*a = l->asks[k];
		memmove(&l->asks[k], &l->asks[k + 1], (size_t)(l->n_asks - k - 1) * sizeof *a);
		l->n_asks--;
		if (a->kind == WH_TUI_ASK_HELLO) {
			if (r < 0 || wh_engine_hello_reply(&l->conn, *msg, err) < 0) {
				cJSON_Delete(*msg);
				link_broke(l, s, err);
				return -1;
			}
			cJSON_Delete(*msg);
			continue;
		}
		*ok = r > 0;
		return 1;
	}
}

int
wh_tui_link_silent_s(const struct wh_tui_link *l)
{
	double t = l->n_asks ? wh_tui_now_ms() - l->asks[0].sent : 0;

	return t > SILENT_MS ? (int)(t / 1000) : 0;
}

void
wh_tui_link_silence(const struct wh_tui_link *l, char *buf, size_t size)
{
	int t = wh_tui_link_silent_s(l);

	if (t > 0)
		snprintf(buf, size, "  [the engine has not answered for %d s]", t);
	else if (size > 0)
		buf[0] = '\0';
}

void
wh_tui_link_close(struct wh_tui_link *l)
{
	if (l->conn.rfd >= 0)
		wh_engine_close(&l->conn);
	l->n_asks = 0;
}
