/* Following metric sources as other programs write them: each file is read
 * from the offset the last poll stopped at, a line or record cut short is
 * left for the next poll, and folders are searched for new files. */
#include <dirent.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "whittle/metrics.h"
#include "whittle/tfevents.h"

#define CHUNK (1 << 20)
#define MAX_RECORD (256u << 20)
#define MAX_DEPTH 3
#define MAX_SOURCES 256
#define RESCAN_S 1.0

enum kind { JSONL, TRAINER_STATE, TFEVENTS };

struct source {
	char *path;
	enum kind kind;
	size_t off;		/* bytes consumed */
	int64_t lines;		/* lines read: the step of a line without one */
	int64_t mtime_ns;	/* trainer_state: of the version read */
	ino_t ino;
	int skip_line;		/* JSONL: inside a line too long to be a point */
	int broken;
};

struct wh_metrics_watch {
	struct source src[MAX_SOURCES];
	int n;
	char **dirs;
	int ndirs;
	double scanned;		/* when the folders were last searched */
	int64_t ts_step;	/* trainer_state: highest step read */
};

struct wh_metrics_watch *
wh_metrics_watch_new(void)
{
	struct wh_metrics_watch *w = wh_xcalloc(1, sizeof *w);

	w->ts_step = -1;
	w->scanned = -1e9;
	return w;
}

static void
add_source(struct wh_metrics_watch *w, const char *path, enum kind kind)
{
	for (int i = 0; i < w->n; i++)
		if (strcmp(w->src[i].path, path) == 0)
			return;
	if (w->n == MAX_SOURCES)
		return;
	memset(&w->src[w->n], 0, sizeof w->src[w->n]);
	w->src[w->n].path = wh_xstrdup(path);
	w->src[w->n].kind = kind;
	w->n++;
}

void
wh_metrics_watch_file(struct wh_metrics_watch *w, const char *path)
{
	add_source(w, path, JSONL);
}

void
wh_metrics_watch_dir(struct wh_metrics_watch *w, const char *path)
{
	w->dirs = wh_xrealloc(w->dirs, (w->ndirs + 1) * sizeof *w->dirs);
	w->dirs[w->ndirs++] = wh_xstrdup(path);
}

void
wh_metrics_watch_free(struct wh_metrics_watch *w)
{
	if (w == NULL)
		return;
	for (int i = 0; i < w->n; i++)
		free(w->src[i].path);
	for (int i = 0; i < w->ndirs; i++)
		free(w->dirs[i]);
	free(w->dirs);
	free(w);
}

static void
search(struct wh_metrics_watch *w, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct wh_buf p = {0};
		if (e->d_name[0] == '.')
			continue;
		wh_buf_printf(&p, "%s/%s", dir, e->d_name);
		if (strncmp(e->d_name, "events.out.tfevents.", 20) == 0)
			add_source(w, p.data, TFEVENTS);
		else if (strcmp(e->d_name, "trainer_state.json") == 0)
			add_source(w, p.data, TRAINER_STATE);
		else if (strcmp(e->d_name, "metrics.jsonl") == 0)
			add_source(w, p.data, JSONL);
		else if (depth < MAX_DEPTH && (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN))
			search(w, p.data, depth + 1);
		wh_buf_free(&p);
	}
	closedir(d);
}

/* Read up to max bytes of s from its offset; 0 bytes when nothing is new. A
 * file replaced by another (new inode, or shorter) is read from the start. */
static ssize_t
read_new(struct source *s, int fd, struct wh_buf *b, size_t max)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return -1;
	if (st.st_ino != s->ino || (size_t)st.st_size < s->off) {
		s->ino = st.st_ino;
		s->off = 0;
		s->lines = 0;
	}
	wh_buf_clear(b);
	wh_buf_reserve(b, max);
	n = pread(fd, b->data, max, (off_t)s->off);
	b->len = n > 0 ? (size_t)n : 0;
	return n;
}

struct emit {
	wh_metrics_fn fn;
	void *arg;
	long count;
};

static void
count_point(void *arg, const struct wh_metric *m)
{
	struct emit *e = arg;

	e->count++;
	e->fn(e->arg, m);
}

static void
poll_jsonl(struct source *s, int fd, struct wh_buf *b, double now, struct emit *e)
{
	ssize_t n;

	while ((n = read_new(s, fd, b, CHUNK)) > 0) {
		const char *p = b->data, *end = p + n, *nl;
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			if (!s->skip_line)
				wh_metrics_parse_line(p, (size_t)(nl - p), s->lines, now,
				    count_point, e);
			s->skip_line = 0;
			s->lines++;
			p = nl + 1;
		}
		if (p == b->data && n == CHUNK) {
			s->skip_line = 1;	/* no newline in a whole chunk */
			p = end;
		}
		s->off += (size_t)(p - b->data);
		if (n < CHUNK)	/* read to the end: a line cut short waits */
			break;
	}
}

static int
tf_point(void *arg, const struct wh_tfevents_scalar *sc)
{
	struct wh_buf tag = {0};
	struct wh_metric m = {
		.step = sc->step, .time = sc->wall_time, .tokens = -1, .value = sc->value
	};

	wh_buf_add(&tag, sc->tag, sc->tag_len);
	wh_buf_addc(&tag, '\0');
	m.name = tag.data;
	count_point(arg, &m);
	wh_buf_free(&tag);
	return 0;
}

static void
poll_tfevents(struct source *s, int fd, struct wh_buf *b, struct emit *e,
    struct wh_error *note)
{
	size_t want = CHUNK;
	ssize_t n;

	while ((n = read_new(s, fd, b, want)) > 0) {
		size_t used = 0;
		if (wh_tfevents_scan((const uint8_t *)b->data, (size_t)n, &used,
		    tf_point, e, note) < 0) {
			snprintf(note->file, sizeof note->file, "%s", s->path);
			note->line = 0;
			s->broken = 1;
			return;
		}
		s->off += used;
		if (used > 0) {
			want = CHUNK;
			continue;
		}
		/* A record larger than what was read: read it whole next time. */
		uint64_t len = 0;
		for (int i = 7; i >= 0 && n >= 8; i--)
			len = len << 8 | (uint8_t)b->data[i];
		if ((size_t)n < want || len + 16 <= want || len + 16 > MAX_RECORD)
			return;
		want = (size_t)len + 16;
	}
}

static void
poll_trainer_state(struct wh_metrics_watch *w, struct source *s, int fd,
    struct wh_buf *b, double now, struct emit *e)
{
	struct stat st;
	int64_t mtime;

	if (fstat(fd, &st) < 0)
		return;
	mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	if (mtime == s->mtime_ns && st.st_ino == s->ino)
		return;
	s->mtime_ns = mtime;
	s->ino = st.st_ino;
	s->off = 0;
	if (read_new(s, fd, b, (size_t)st.st_size) != st.st_size)
		return;
	/* A file being rewritten in place may not parse yet: try again later. */
	if (wh_metrics_trainer_state(b->data, b->len, &w->ts_step, now,
	    count_point, e, NULL) < 0)
		s->mtime_ns = 0;
}

long
wh_metrics_watch_poll(struct wh_metrics_watch *w, double now,
    wh_metrics_fn fn, void *arg, struct wh_error *note)
{
	struct emit e = { fn, arg, 0 };
	struct wh_buf b = {0};

	note->msg[0] = '\0';
	if (now - w->scanned >= RESCAN_S || now < w->scanned) {
		w->scanned = now;
		for (int i = 0; i < w->ndirs; i++)
			search(w, w->dirs[i], 1);
	}
	for (int i = 0; i < w->n; i++) {
		struct source *s = &w->src[i];
		int fd;
		if (s->broken || (fd = open(s->path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (s->kind == JSONL)
			poll_jsonl(s, fd, &b, now, &e);
		else if (s->kind == TFEVENTS && note->msg[0] == '\0')
			poll_tfevents(s, fd, &b, &e, note);
		else if (s->kind == TRAINER_STATE)
			poll_trainer_state(w, s, fd, &b, now, &e);
		close(fd);
	}
	wh_buf_free(&b);
	return e.count;
}
