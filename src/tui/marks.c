/* Review marks in a sidecar file beside the dataset: loaded at open,
 * appended to on every change, exported as a list of record ids. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/marks.h"
#include "whittle/buf.h"
#include "whittle/json.h"

static const char *mark_names[WH_NMARKS] = { "none", "accept", "reject", "fix" };

const char *
wh_tui_mark_name(enum wh_mark k)
{
	return (unsigned)k < WH_NMARKS ? mark_names[k] : "none";
}

int
wh_tui_mark_parse(const char *name)
{
	for (int k = 0; k < WH_NMARKS; k++)
		if (strcmp(name, mark_names[k]) == 0)
			return k;
	return -1;
}

static void
put(struct wh_tui_marks *m, size_t i, int k, const char *note)
{
	m->counts[m->mark[i]]--;
	m->mark[i] = (uint8_t)k;
	m->counts[k]++;
	if (note) {
		free(m->note[i]);
		m->note[i] = note[0] ? wh_xstrdup(note) : NULL;
	}
}

/* Read one line "ENTRY<TAB>MARK<TAB>NOTE"; NULL, or why it cannot be. */
static const char *
read_line(struct wh_tui_marks *m, char *line, bool complete)
{
	char *tab = strchr(line, '\t'), *tab2, *end;
	unsigned long long i;
	int k;

	if (tab == NULL)
		return "not ENTRY<TAB>MARK<TAB>NOTE";
	*tab++ = '\0';
	tab2 = strchr(tab, '\t');
	if (tab2)
		*tab2++ = '\0';
	i = strtoull(line, &end, 10);
	if (*end != '\0' || end == line)
		return "the record is not a number";
	if ((k = wh_tui_mark_parse(tab)) < 0)
		return "the mark is not accept, reject, fix or none";
	if (i >= m->n)
		return complete ? "no such record in the dataset" : NULL;
	put(m, (size_t)i, k, tab2 ? tab2 : "");
	return NULL;
}

void
wh_tui_marks_load(struct wh_tui_marks *m, const char *dataset_path, size_t n,
    bool complete)
{
	struct wh_buf b = {0};
	char *line = NULL;
	const char *why, *first = NULL;
	size_t cap = 0, lines = 0, bad = 0, first_line = 0;
	ssize_t len;
	FILE *fp;

	memset(m, 0, sizeof *m);
	wh_buf_printf(&b, "%s.marks", dataset_path);
	m->path = wh_buf_take(&b);
	m->n = n;
	m->mark = wh_xcalloc(n ? n : 1, 1);
	m->note = wh_xcalloc(n ? n : 1, sizeof *m->note);
	m->counts[WH_MARK_NONE] = n;
	if ((fp = fopen(m->path, "r")) == NULL) {
		if (errno != ENOENT)
			snprintf(m->problem, sizeof m->problem, "%s: cannot read the marks "
			    "(%s): no record shows its mark", m->path, strerror(errno));
		return;
	}
	while ((len = getline(&line, &cap, fp)) > 0) {
		lines++;
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (line[0] != '\0' && (why = read_line(m, line, complete)) != NULL &&
		    bad++ == 0) {
			first = why;
			first_line = lines;
		}
	}
	if (ferror(fp))
		snprintf(m->problem, sizeof m->problem, "%s: cannot read the marks (%s): "
		    "no record shows its mark", m->path, strerror(errno));
	else if (bad > 0)
		snprintf(m->problem, sizeof m->problem, "%s: skipped %zu line(s) of the "
		    "marks that cannot be read (the first, line %zu: %s)", m->path, bad,
		    first_line, first);
	free(line);
	fclose(fp);
}

int
wh_tui_marks_set(struct wh_tui_marks *m, size_t i, enum wh_mark mark,
    const char *note, struct wh_error *err)
{
	struct wh_buf line = {0};
	const char *nt = note ? note : m->note[i] ? m->note[i] : "";
	off_t end;
	int fd;

	if (i >= m->n)
		return wh_error_set(err, m->path, 0, "no record %zu", i + 1);
	wh_buf_printf(&line, "%zu\t%s\t", i, wh_tui_mark_name(mark));
	for (; *nt; nt++)
		wh_buf_addc(&line, *nt == '\t' || *nt == '\n' ? ' ' : *nt);
	wh_buf_addc(&line, '\n');
	/* One write, cut off again when it fails part way (a full disk), so
	   that the file holds whole lines only. */
	if ((fd = open(m->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		wh_buf_free(&line);
		return wh_error_sys(err, m->path, errno, "cannot write marks");
	}
	end = lseek(fd, 0, SEEK_END);
	char last = '\n';
	if (end > 0 && pread(fd, &last, 1, end - 1) == 1 && last != '\n') {
		/* A line cut short by someone else: ours starts a line of its own. */
		wh_buf_addc(&line, '\0');
		memmove(line.data + 1, line.data, line.len - 1);
		line.data[0] = '\n';
	}
	ssize_t w = write(fd, line.data, line.len);
	int e = errno;
	if (w != (ssize_t)line.len) {
		if (w > 0 && end >= 0)
			ftruncate(fd, end);
		close(fd);
		wh_buf_free(&line);
		return wh_error_sys(err, m->path, w < 0 ? e : ENOSPC, "cannot write marks");
	}
	wh_buf_free(&line);
	if (close(fd) != 0)
		return wh_error_sys(err, m->path, errno, "cannot write marks");
	put(m, i, (int)mark, note);
	return 0;
}

/* The id of entry i: the first of its members id, uuid, unique_id,
 * item_id, idx that is a string or a number (the datasets' own names),
 * else "line N", or "record N" where another record starts on line N
 * too (a JSON array on one line). */
static void
record_id(struct wh_dataset *ds, size_t i, struct wh_buf *out)
{
	static const char *const names[] = { "id", "uuid", "unique_id", "item_id",
	    "idx", NULL };
	const struct wh_entry *e = ds->index.entries;
	struct wh_json j = {0};
	long id = -1;

	if (wh_dataset_parse(ds, i, &j, NULL) == 0)
		for (const char *const *k = names; *k && id < 0; k++)
			if ((id = wh_json_member(&j, 0, *k)) >= 0 &&
			    j.nodes[id].type != WH_JSTRING && j.nodes[id].type != WH_JNUMBER)
				id = -1;
	if (id >= 0 && j.nodes[id].type == WH_JSTRING)
		wh_json_string(&j, id, out);
	else if (id >= 0)
		wh_buf_add(out, j.text + j.nodes[id].start, j.nodes[id].end - j.nodes[id].start);
	else if ((i > 0 && e[i - 1].line == e[i].line) ||
	    (i + 1 < ds->index.n && e[i + 1].line == e[i].line))
		wh_buf_printf(out, "record %zu", i + 1);
	else
		wh_buf_printf(out, "line %u", e[i].line);
	wh_json_free(&j);
}

int
wh_tui_marks_export(const struct wh_tui_marks *m, struct wh_dataset *ds,
    enum wh_mark k, const char *path, size_t *written, struct wh_error *err)
{
	FILE *fp = fopen(path, "w");
	struct wh_buf b = {0};

	*written = 0;
	if (fp == NULL)
		return wh_error_sys(err, path, errno, "cannot write");
	for (size_t i = 0; i < m->n; i++) {
		if (m->mark[i] == WH_MARK_NONE || (k != WH_MARK_NONE && m->mark[i] != k))
			continue;
		wh_buf_clear(&b);
		record_id(ds, i, &b);
		fprintf(fp, "%.*s\n", (int)b.len, b.data ? b.data : "");
		(*written)++;
	}
	wh_buf_free(&b);
	if (fclose(fp) != 0)
		return wh_error_sys(err, path, errno, "cannot write");
	return 0;
}

void
wh_tui_marks_free(struct wh_tui_marks *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->note[i]);
	free(m->note);
	free(m->mark);
	free(m->path);
	memset(m, 0, sizeof *m);
}
