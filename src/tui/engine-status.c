/* The engine's state for the status line, from its "jobs" reply. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/engine-status.h"

#define ASK_EVERY_MS 2000
#define RETRY_REMOTE_MS 30000	/* a remote engine not reached: each try is an ssh */

enum { ASK_JOBS };

void
wh_tui_engine_init(struct wh_tui_engine *e)
{
	const char *where = getenv("WHITTLE_ENGINE");

	memset(e, 0, sizeof *e);
	wh_tui_link_init(&e->link);
	e->asked = -1e9;
	if (where != NULL && strncmp(where, "ssh:", 4) == 0 && where[4])
		e->host = where + 4;
}

int
wh_tui_engine_fd(const struct wh_tui_engine *e)
{
	return e->link.conn.rfd;
}

/* The state as the status line shows it: "engine: what", or
 * "engine@HOST: what" for a remote engine; "" for what NULL. */
static void
say(struct wh_tui_engine *e, const char *what)
{
	if (what == NULL)
		e->text[0] = '\0';
	else
		snprintf(e->text, sizeof e->text, "engine%s%.40s: %s", e->host ? "@" : "",
		    e->host ? e->host : "", what);
}

/* The text for jobs, the "jobs" reply's array (oldest first): the newest
 * running job with its progress when it is the only one, else counts. */
static void
summarize(struct wh_tui_engine *e, const cJSON *jobs)
{
	const cJSON *j, *newest = NULL;
	int running = 0, waiting = 0;
	char what[64] = "";

	cJSON_ArrayForEach(j, jobs) {
		const char *state = wh_tui_jstr(j, "state");
		if (strcmp(state, "running") == 0) {
			running++;
			newest = j;
		} else if (strcmp(state, "queued") == 0 || strcmp(state, "waiting") == 0)
			waiting++;
	}
	if (running == 1) {
		const char *name = wh_tui_jstr(newest, "name");
		double p = wh_tui_jnum(newest, "progress");
		if (name[0] == '\0')
			name = wh_tui_jstr(newest, "kind");
		if (isfinite(p))
			snprintf(what, sizeof what, "%.20s %.0f%%", name, 100 * fmin(fmax(p, 0), 1));
		else
			snprintf(what, sizeof what, "%.20s running", name);
	} else if (running > 1)
		snprintf(what, sizeof what, "%d running", running);
	if (waiting > 0)
		snprintf(what + strlen(what), sizeof what - strlen(what), "%s%d waiting",
		    what[0] ? ", " : "", waiting);
	say(e, what[0] ? what : "idle");
}

bool
wh_tui_engine_tick(struct wh_tui_engine *e)
{
	char was[sizeof e->text];
	struct wh_tui_ask a;
	struct wh_error err;
	cJSON *msg;
	double t = wh_tui_now_ms();
	bool ok;
	char silent[32];
	int r, s;

	snprintf(was, sizeof was, "%s", e->text);
	while ((r = wh_tui_link_take(&e->link, &e->st, &msg, &a, &ok, &err)) > 0) {
		if (a.id && a.kind == ASK_JOBS && ok)
			summarize(e, cJSON_GetObjectItemCaseSensitive(msg, "jobs"));
		e->answered = true;
		cJSON_Delete(msg);
	}
	if (r < 0) {	/* an engine stopped here; the link lost there */
		say(e, !e->host ? NULL : e->answered ? "lost" : "not reached");
		e->answered = false;
	}
	if (t - e->asked >= (e->host && e->link.conn.rfd < 0 ? RETRY_REMOTE_MS : ASK_EVERY_MS)) {
		e->asked = t;
		if (!wh_tui_link_asking(&e->link, ASK_JOBS, NULL))
			wh_tui_link_ask(&e->link, &e->st, wh_engine_request("jobs"), ASK_JOBS,
			    "jobs", NULL, NULL);
		if (e->link.conn.rfd < 0)	/* none runs here; unreached there */
			say(e, e->host ? "not reached" : NULL);
	}
	if ((s = wh_tui_link_silent_s(&e->link)) > 0) {
		snprintf(silent, sizeof silent, "no answer for %d s", s);
		say(e, silent);
	}
	return strcmp(was, e->text) != 0;
}

void
wh_tui_engine_close(struct wh_tui_engine *e)
{
	wh_tui_link_close(&e->link);
}
