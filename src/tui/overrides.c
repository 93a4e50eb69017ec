/* Segment overrides in a sidecar file beside the dataset: loaded at open,
 * appended to on every change, applied to a trace's segmentation. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/overrides.h"
#include "whittle/buf.h"
#include "whittle/hash.h"

static struct wh_tui_override *
find(const struct wh_tui_overrides *o, size_t entry, uint64_t hash, uint32_t occ)
{
	for (size_t k = 0; k < o->n; k++)
		if (o->v[k].entry == entry && o->v[k].hash == hash && o->v[k].occ == occ)
			return &o->v[k];
	return NULL;
}

static void
put(struct wh_tui_overrides *o, const struct wh_tui_override *v)
{
	struct wh_tui_override *old = find(o, v->entry, v->hash, v->occ);

	if (old == NULL && (v->role >= 0 || v->solution >= 0)) {
		o->v = wh_xrealloc(o->v, (o->n + 1) * sizeof *o->v);
		old = &o->v[o->n++];
	}
	if (old && v->role < 0 && v->solution < 0)
		*old = o->v[--o->n];
	else if (old)
		*old = *v;
}

static void
read_line(struct wh_tui_overrides *o, const char *line)
{
	struct wh_tui_override v;
	unsigned long long entry, hash;
	unsigned occ;
	char role[16], sol[24], *end;

	if (sscanf(line, "%llu\t%llx\t%u\t%15s\t%23s", &entry, &hash, &occ, role, sol) != 5)
		return;
	v.entry = (size_t)entry;
	v.hash = hash;
	v.occ = occ;
	v.role = -1;
	for (int r = 0; r < WH_NROLES; r++)
		if (strcmp(role, wh_segment_role_name((enum wh_role)r)) == 0)
			v.role = r;
	v.solution = -1;
	if (strcmp(sol, "-") != 0 &&
	    ((v.solution = strtol(sol, &end, 10)) < 0 || *end != '\0'))
		return;
	put(o, &v);
}

int
wh_tui_overrides_load(struct wh_tui_overrides *o, const char *dataset_path,
    struct wh_error *err)
{
	struct wh_buf b = {0};
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;

	memset(o, 0, sizeof *o);
	wh_buf_printf(&b, "%s.segments", dataset_path);
	o->path = wh_buf_take(&b);
	if ((fp = fopen(o->path, "r")) == NULL)
		return errno == ENOENT ? 0 : wh_error_sys(err, o->path, errno,
		    "cannot read segment overrides");
	while (getline(&line, &cap, fp) > 0)
		read_line(o, line);
	free(line);
	fclose(fp);
	return 0;
}

int
wh_tui_overrides_set(struct wh_tui_overrides *o,
    const struct wh_tui_override *v, struct wh_error *err)
{
	FILE *fp = fopen(o->path, "a");

	if (fp == NULL)
		return wh_error_sys(err, o->path, errno, "cannot write segment overrides");
	fprintf(fp, "%zu\t%016llx\t%u\t%s\t", v->entry, (unsigned long long)v->hash,
	    v->occ, v->role >= 0 ? wh_segment_role_name((enum wh_role)v->role) : "-");
	if (v->solution >= 0)
		fprintf(fp, "%ld\n", v->solution);
	else
		fputs("-\n", fp);
	if (fclose(fp) != 0)
		return wh_error_sys(err, o->path, errno, "cannot write segment overrides");
	put(o, v);
	return 0;
}

static uint64_t
text_hash(const char *thinking, const struct wh_segment *s)
{
	return wh_hash(WH_HASH_SEED, thinking + s->start, s->end - s->start);
}

void
wh_tui_overrides_get(const struct wh_tui_overrides *o, size_t entry,
    const char *thinking, const struct wh_segmentation *g, size_t k,
    struct wh_tui_override *out)
{
	const struct wh_tui_override *have;

	out->entry = entry;
	out->hash = text_hash(thinking, &g->segs[k]);
	out->occ = 0;
	for (size_t j = 0; j < k; j++)
		out->occ += text_hash(thinking, &g->segs[j]) == out->hash;
	have = find(o, entry, out->hash, out->occ);
	out->role = have ? have->role : -1;
	out->solution = have ? have->solution : -1;
}

void
wh_tui_overrides_apply(const struct wh_tui_overrides *o, size_t entry,
    const char *thinking, struct wh_segmentation *g)
{
	struct wh_tui_override v;
	bool any = false;

	for (size_t k = 0; k < o->n && !any; k++)
		any = o->v[k].entry == entry;
	for (size_t k = 0; any && k < g->n_segs; k++) {
		wh_tui_overrides_get(o, entry, thinking, g, k, &v);
		if (v.role >= 0)
			g->segs[k].role = (uint8_t)v.role;
		if (v.solution >= 0 && (size_t)v.solution <= g->n_sols)
			g->segs[k].solution = (uint32_t)v.solution;
	}
}

void
wh_tui_overrides_free(struct wh_tui_overrides *o)
{
	free(o->v);
	free(o->path);
	memset(o, 0, sizeof *o);
}
