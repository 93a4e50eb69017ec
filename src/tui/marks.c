/* Review marks in a sidecar file beside the dataset: loaded at open,
 * appended to on every change, exported as a list of record ids. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void
read_line(struct wh_tui_marks *m, char *line)
{
	char *tab = strchr(line, '\t'), *tab2, *end;
	unsigned long long i;
	int k;

	if (tab == NULL)
		return;
	*tab++ = '\0';
	tab2 = strchr(tab, '\t');
	if (tab2)
		*tab2++ = '\0';
	i = strtoull(line, &end, 10);
	if (*end != '\0' || i >= m->n || (k = wh_tui_mark_parse(tab)) < 0)
		return;
	put(m, (size_t)i, k, tab2 ? tab2 : "");
}

int
wh_tui_marks_load(struct wh_tui_marks *m, const char *dataset_path, size_t n,
    struct wh_error *err)
{
	struct wh_buf b = {0};
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *fp;

	memset(m, 0, sizeof *m);
	wh_buf_printf(&b, "%s.marks", dataset_path);
	m->path = wh_buf_take(&b);
	m->n = n;
	m->mark = wh_xcalloc(n ? n : 1, 1);
	m->note = wh_xcalloc(n ? n : 1, sizeof *m->note);
	m->counts[WH_MARK_NONE] = n;
	if ((fp = fopen(m->path, "r")) == NULL)
		return errno == ENOENT ? 0 : wh_error_sys(err, m->path, errno, "cannot read marks");
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		read_line(m, line);
	}
	free(line);
	fclose(fp);
	return 0;
}

int
wh_tui_marks_set(struct wh_tui_marks *m, size_t i, enum wh_mark mark,
    const char *note, struct wh_error *err)
{
	FILE *fp;
	const char *nt;

	if (i >= m->n)
		return wh_error_set(err, m->path, 0, "no record %zu", i + 1);
	put(m, i, (int)mark, note);
	if ((fp = fopen(m->path, "a")) == NULL)
		return wh_error_sys(err, m->path, errno, "cannot write marks");
	nt = m->note[i] ? m->note[i] : "";
	fprintf(fp, "%zu\t%s\t", i, wh_tui_mark_name(mark));
	for (; *nt; nt++)
		fputc(*nt == '\t' || *nt == '\n' ? ' ' : *nt, fp);
	fputc('\n', fp);
	if (fclose(fp) != 0)
		return wh_error_sys(err, m->path, errno, "cannot write marks");
	return 0;
}

/* The id of entry i: its "id" member, else "line N". */
static void
record_id(struct wh_dataset *ds, size_t i, struct wh_buf *out)
{
	struct wh_json j = {0};
	long id;

	if (wh_dataset_parse(ds, i, &j, NULL) == 0 &&
	    (id = wh_json_member(&j, 0, "id")) >= 0 && j.nodes[id].type == WH_JSTRING)
		wh_json_string(&j, id, out);
	else
		wh_buf_printf(out, "line %u", ds->index.entries[i].line);
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
