/* Subscriptions: each client follows a run's metrics.jsonl from the seq it
 * already has, so a client that reconnects misses nothing and gets nothing
 * twice. Events are read from the file only while the client's output is
 * short, so a slow reader holds back only itself. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-int.h"

#define OUT_HIGH (256 * 1024)
#define READ_CHUNK 65536

static struct sub **
find(struct client *c, const char *run)
{
	struct sub **p;

	for (p = &c->subs; *p; p = &(*p)->next)
		if (strcmp((*p)->run, run) == 0)
			break;
	return p;
}

static void
drop(struct sub **p)
{
	struct sub *s = *p;

	*p = s->next;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

void
wh_engine_unsubscribe(struct client *c, const char *run)
{
	struct sub **p = find(c, run);

	if (*p)
		drop(p);
}

void
wh_engine_free_subs(struct client *c)
{
	while (c->subs)
		drop(&c->subs);
}

int
wh_engine_subscribe(struct client *c, const char *run, uint64_t from,
    struct wh_error *err)
{
	struct sub *s;

	if (wh_engine_job(c->eng, run) == NULL) {
		struct wh_run r;
		if (wh_runs_load(c->eng->root, run, &r, err) < 0)
			return -1;
		wh_runs_free(&r);
	}
	wh_engine_unsubscribe(c, run);
	s = wh_xcalloc(1, sizeof *s);
	snprintf(s->run, sizeof s->run, "%s", run);
	s->fd = -1;
	s->from = from;
	s->next = c->subs;
	c->subs = s;
	return 0;
}

/* The run's state when it is over, or NULL while it may still grow. */
static const char *
final_state(struct engine *e, const char *run)
{
	struct job *j = wh_engine_job(e, run);
	struct wh_run r;
	const char *name;

	if (j != NULL)
		return wh_runs_state_final(j->run.state) ? wh_runs_state_name(j->run.state) : NULL;
	if (wh_runs_load(e->root, run, &r, NULL) < 0)
		return "interrupted";
	name = wh_runs_state_name(r.state);
	wh_runs_free(&r);
	return name;
}

static void
put_metric(struct client *c, struct sub *s, const char *line, size_t len)
{
	wh_buf_printf(&c->out, "{\"v\":%d,\"event\":\"metric\",\"run\":\"%s\",\"seq\":%llu,",
	    WH_ENGINE_PROTOCOL, s->run, (unsigned long long)s->seq);
	wh_buf_add(&c->out, line + 1, len - 1);
	wh_buf_addc(&c->out, '\n');
}

static void
put_end(struct client *c, struct sub *s, const char *state)
{
	wh_buf_printf(&c->out,
	    "{\"v\":%d,\"event\":\"end\",\"run\":\"%s\",\"state\":\"%s\",\"seq\":%llu}\n",
	    WH_ENGINE_PROTOCOL, s->run, state, (unsigned long long)s->seq);
}

/* Send what s has not sent; returns 1 when it has reached the end of the run. */
static int
pump_one(struct client *c, struct sub *s)
{
	char buf[READ_CHUNK];
	const char *state = final_state(c->eng, s->run);	/* before reading */

	if (s->fd < 0) {
		char *path = wh_runs_path(c->eng->root, s->run, "metrics.jsonl");
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		free(path);
	}
	while (s->fd >= 0 && c->out.len < OUT_HIGH) {
		ssize_t n = pread(s->fd, buf, sizeof buf, s->off);
		const char *p = buf, *nl;
		if (n <= 0)
			break;
		while ((nl = memchr(p, '\n', (size_t)(buf + n - p))) != NULL) {
			s->seq++;
			if (s->seq > s->from && nl > p && *p == '{')
				put_metric(c, s, p, (size_t)(nl - p));
			p = nl + 1;
		}
		if (p == buf)
			break;	/* no whole line yet */
		s->off += p - buf;
	}
	if (state == NULL || c->out.len >= OUT_HIGH)
		return 0;
	/* Over, and everything written before it ended has been read? */
	char probe;
	if (s->fd >= 0 && pread(s->fd, &probe, 1, s->off) > 0)
		return 0;
	put_end(c, s, state);
	return 1;
}

void
wh_engine_pump(struct client *c)
{
	struct sub **p = &c->subs;

	while (*p && c->out.len < OUT_HIGH) {
		if (pump_one(c, *p))
			drop(p);
		else
			p = &(*p)->next;
	}
}

void
wh_engine_notify(struct engine *e, const char *run)
{
	for (struct client *c = e->clients, *next; c; c = next) {
		next = c->next;
		if (run != NULL && *find(c, run) == NULL)
			continue;
		if (c->out.len == 0) {
			wh_engine_pump(c);
			wh_engine_client_kick(c);
		}
	}
}
