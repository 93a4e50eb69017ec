/* Batch provenance: for each optimizer step, one JSON line naming the
 * records its documents came from and each one's mean token loss, so a
 * loss spike can be traced to the records behind it. Appended like the
 * metrics; a resumed run first cuts the lines past its checkpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "whittle/buf.h"
#include "whittle/file.h"
#include "whittle/json.h"
#include "train-int.h"

/* The step of a line ({"step":N,...}), or -1 for the header or a line
 * cut short. */
static long
line_step(const char *s, size_t len)
{
	if (len < 9 || memcmp(s, "{\"step\":", 8) != 0 || s[len - 1] != '}')
		return -1;
	return strtol(s + 8, NULL, 10);
}

/* Keep the header and the lines of steps up to step; the end of what is
 * kept, in bytes. A line without its newline (a crash while it was being
 * written) ends what is kept. */
static size_t
kept_bytes(const struct wh_map *m, long step, bool *header)
{
	size_t at = 0;

	*header = false;
	while (at < m->size) {
		const char *s = m->data + at, *nl = memchr(s, '\n', m->size - at);
		size_t len = nl ? (size_t)(nl - s) : m->size - at;
		long k = line_step(s, len);
		if (nl == NULL || (at > 0 && (k < 0 || k > step)))
			break;
		if (at == 0 && k >= 0)	/* no header: keep nothing */
			break;
		*header = true;
		at += len + 1;
	}
	return at;
}

void
wh_batches_header(FILE *fp, const struct wh_train_data *d)
{
	struct wh_buf b = { 0 };

	wh_json_quote(&b, d->path, strlen(d->path));
	fprintf(fp, "{\"data\":%s,\"bytes\":%zu,\"hash\":\"%016llx\",\"records\":%zu,"
	    "\"documents\":%zu}\n", b.data, d->bytes, (unsigned long long)d->hash,
	    d->records, d->ndocs);
	wh_buf_free(&b);
}

int
wh_batches_open(struct wh_batches *bl, const char *path, const struct wh_train_data *d,
    bool resume, long step, struct wh_error *err)
{
	struct wh_map m;
	bool header = false;
	size_t keep = 0;

	memset(bl, 0, sizeof *bl);
	if (resume && access(path, F_OK) == 0) {
		if (wh_map_open(&m, path, err) < 0)
			return -1;
		keep = kept_bytes(&m, step, &header);
		wh_map_close(&m);
		if (truncate(path, (off_t)keep) < 0)
			return wh_error_sys(err, path, errno, "cannot cut");
	}
	if ((bl->fp = fopen(path, resume ? "a" : "w")) == NULL)
		return wh_error_sys(err, path, errno, "cannot open");
	if (!header)
		wh_batches_header(bl->fp, d);
	return 0;
}

void
wh_batches_close(struct wh_batches *bl)
{
	if (bl->fp)
		fclose(bl->fp);
	free(bl->doc);
	free(bl->sum);
	free(bl->targets);
	memset(bl, 0, sizeof *bl);
}

/* Room for one more document placement. */
static size_t
placement(struct wh_batches *bl, long doc)
{
	if (bl->n == bl->cap) {
		bl->cap = bl->cap ? 2 * bl->cap : 64;
		bl->doc = wh_xrealloc(bl->doc, bl->cap * sizeof *bl->doc);
		bl->sum = wh_xrealloc(bl->sum, bl->cap * sizeof *bl->sum);
		bl->targets = wh_xrealloc(bl->targets, bl->cap * sizeof *bl->targets);
	}
	bl->doc[bl->n] = doc;
	bl->sum[bl->n] = 0;
	bl->targets[bl->n] = 0;
	return bl->n++;
}

void
wh_batches_add(struct wh_batches *bl, const float *row_loss, const int32_t *tgt,
    const int32_t *pos, const long *who, size_t N)
{
	size_t k = 0;

	/* row_loss has the positions with a target, in position order */
	for (size_t n = 0, r = 0; n < N; n++) {
		if (who[n] >= 0 && pos[n] == 0)
			k = placement(bl, who[n]);
		if (tgt[n] < 0)
			continue;
		bl->sum[k] += row_loss[r];
		bl->targets[k]++;
		r++;
	}
}

int
wh_batches_step(struct wh_batches *bl, const struct wh_train_data *d, long step)
{
	struct wh_buf b = { 0 };
	bool ids = false;

	wh_buf_printf(&b, "{\"step\":%ld,\"record\":[", step);
	for (size_t k = 0; k < bl->n; k++) {
		wh_buf_printf(&b, "%s%zu", k ? "," : "", d->record[bl->doc[k]]);
		ids |= d->id[bl->doc[k]] != NULL;
	}
	wh_buf_printf(&b, "],\"loss\":[");
	for (size_t k = 0; k < bl->n; k++)
		if (bl->targets[k])
			wh_buf_printf(&b, "%s%.6g", k ? "," : "", bl->sum[k] / bl->targets[k]);
		else
			wh_buf_printf(&b, "%snull", k ? "," : "");
	wh_buf_printf(&b, "],\"targets\":[");
	for (size_t k = 0; k < bl->n; k++)
		wh_buf_printf(&b, "%s%ld", k ? "," : "", bl->targets[k]);
	if (ids) {
		wh_buf_printf(&b, "],\"id\":[");
		for (size_t k = 0; k < bl->n; k++) {
			const char *id = d->id[bl->doc[k]];
			wh_buf_printf(&b, "%s%s", k ? "," : "", id ? id : "null");
		}
	}
	wh_buf_printf(&b, "]}\n");
	bl->n = 0;
	/* one write a line, flushed with the metrics at the end of the step */
	bool ok = fwrite(b.data, 1, b.len, bl->fp) == b.len;
	wh_buf_free(&b);
	return ok ? 0 : -1;
}
