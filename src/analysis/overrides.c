/* Segment overrides in a sidecar file beside the dataset: loaded at open,
 * appended to on every change, applied to a trace's segmentation; kept
 * sorted by record, since a scan asks for every record's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "whittle/overrides.h"
#include "whittle/buf.h"
#include "whittle/hash.h"

/* The first override of a record from entry on (after: past entry), in v
 * sorted by record. */
static size_t
bound(const struct wh_overrides *o, size_t entry, bool after)
{
	size_t lo = 0, hi = o->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->v[mid].entry < entry || (after && o->v[mid].entry == entry))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct wh_override *
find(const struct wh_overrides *o, size_t entry, uint64_t hash, uint32_t occ)
{
	for (size_t k = bound(o, entry, false); k < o->n && o->v[k].entry == entry; k++)
		if (o->v[k].hash == hash && o->v[k].occ == occ)
			return &o->v[k];
	return NULL;
}

static void
put(struct wh_overrides *o, const struct wh_override *v)
{
	struct wh_override *old = find(o, v->entry, v->hash, v->occ);
	bool drop = v->role < 0 && v->solution < 0;

	if (old && drop) {
		size_t k = (size_t)(old - o->v);
		memmove(old, old + 1, (o->n - k - 1) * sizeof *old);
		o->n--;
	} else if (old) {
		*old = *v;
	} else if (!drop) {
		size_t k = bound(o, v->entry, true);
		o->v = wh_xrealloc(o->v, (o->n + 1) * sizeof *o->v);
		memmove(o->v + k + 1, o->v + k, (o->n - k) * sizeof *o->v);
		o->v[k] = *v;
		o->n++;
	}
}

/* Read one line; false when it cannot be. */
static bool
read_line(struct wh_overrides *o, const char *line)
{
	struct wh_override v;
	unsigned long long entry, hash;
	unsigned occ;
	char role[16], sol[24], *end;

	if (sscanf(line, "%llu\t%llx\t%u\t%15s\t%23s", &entry, &hash, &occ, role, sol) != 5)
		return false;
	v.entry = (size_t)entry;
	v.hash = hash;
	v.occ = occ;
	v.role = -1;
	for (int r = 0; r < WH_NROLES; r++)
		if (strcmp(role, wh_segment_role_name((enum wh_role)r)) == 0)
			v.role = r;
	if (v.role < 0 && strcmp(role, "-") != 0)
		return false;	/* a role this version does not know: not "drop" */
	v.solution = -1;
	if (strcmp(sol, "-") != 0 &&
	    ((v.solution = strtol(sol, &end, 10)) < 0 || *end != '\0'))
		return false;
	put(o, &v);
	return true;
}

int
wh_overrides_load(struct wh_overrides *o, const char *dataset_path,
    struct wh_error *err)
{
	struct wh_buf b = {0};
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;

	memset(o, 0, sizeof *o);
	wh_buf_printf(&b, "%s.segments", dataset_path);
	o->path = wh_buf_take(&b);
	if ((fp = fopen(o->path, "r")) == NULL) {
		int e = errno, rc = 0;
		if (e != ENOENT) {
			rc = wh_error_sys(err, o->path, e, "cannot read segment overrides");
			wh_overrides_free(o);
		}
		return rc;
	}
	for (size_t n = 1; getline(&line, &cap, fp) > 0; n++)
		if (line[0] != '\n' && !read_line(o, line) && o->bad++ == 0)
			o->first_bad = n;
	free(line);
	if (ferror(fp)) {	/* a folder, say */
		int rc = wh_error_sys(err, o->path, errno, "cannot read segment overrides");
		fclose(fp);
		wh_overrides_free(o);
		return rc;
	}
	fclose(fp);
	return 0;
}

int
wh_overrides_set(struct wh_overrides *o,
    const struct wh_override *v, struct wh_error *err)
{
	struct wh_buf line = {0};
	char last = '\n';
	off_t end;
	ssize_t w;
	int fd = open(o->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644), e;

	if (fd < 0)
		return wh_error_sys(err, o->path, errno, "cannot write segment overrides");
	end = lseek(fd, 0, SEEK_END);
	/* After a line cut short, ours starts a line of its own. */
	if (end > 0 && pread(fd, &last, 1, end - 1) == 1 && last != '\n')
		wh_buf_addc(&line, '\n');
	wh_buf_printf(&line, "%zu\t%016llx\t%u\t%s\t", v->entry,
	    (unsigned long long)v->hash, v->occ,
	    v->role >= 0 ? wh_segment_role_name((enum wh_role)v->role) : "-");
	if (v->solution >= 0)
		wh_buf_printf(&line, "%ld\n", v->solution);
	else
		wh_buf_adds(&line, "-\n");
	/* One write, cut off again if it fails part way (a full disk). */
	w = write(fd, line.data, line.len);
	e = w < 0 ? errno : ENOSPC;
	bool whole = w == (ssize_t)line.len;
	wh_buf_free(&line);
	if (!whole && w > 0 && end >= 0)
		ftruncate(fd, end);
	if (close(fd) != 0 && whole) {
		whole = false;
		e = errno;
	}
	if (!whole)
		return wh_error_sys(err, o->path, e, "cannot write segment overrides");
	put(o, v);
	return 0;
}

static uint64_t
text_hash(const char *thinking, const struct wh_segment *s)
{
	return wh_hash(WH_HASH_SEED, thinking + s->start, s->end - s->start);
}

void
wh_overrides_get(const struct wh_overrides *o, size_t entry,
    const char *thinking, const struct wh_segmentation *g, size_t k,
    struct wh_override *out)
{
	const struct wh_override *have;

	out->entry = entry;
	out->hash = text_hash(thinking, &g->segs[k]);
	out->occ = 0;
	for (size_t j = 0; j < k; j++)
		out->occ += text_hash(thinking, &g->segs[j]) == out->hash;
	have = find(o, entry, out->hash, out->occ);
	out->role = have ? have->role : -1;
	out->solution = have ? have->solution : -1;
}

bool
wh_overrides_has(const struct wh_overrides *o, size_t entry)
{
	size_t k = bound(o, entry, false);

	return k < o->n && o->v[k].entry == entry;
}

/* Each segment's text is hashed once; occurrences are counted only for
 * the segments whose hash has an override. */
size_t
wh_overrides_apply(const struct wh_overrides *o, size_t entry,
    const char *thinking, struct wh_segmentation *g)
{
	size_t lo = bound(o, entry, false), hi = bound(o, entry, true), changed = 0;

	if (lo == hi || g->n_segs == 0)
		return 0;
	uint64_t *hash = wh_xmalloc(g->n_segs * sizeof *hash);
	for (size_t k = 0; k < g->n_segs; k++)
		hash[k] = text_hash(thinking, &g->segs[k]);
	for (size_t k = 0; k < g->n_segs; k++) {
		size_t m = lo;
		while (m < hi && o->v[m].hash != hash[k])
			m++;
		if (m == hi)
			continue;
		uint32_t occ = 0;
		for (size_t j = 0; j < k; j++)
			occ += hash[j] == hash[k];
		const struct wh_override *v = find(o, entry, hash[k], occ);
		if (v == NULL)
			continue;
		bool role = v->role >= 0 && v->role != g->segs[k].role;
		bool sol = v->solution >= 0 && (size_t)v->solution <= g->n_sols &&
		    (uint32_t)v->solution != g->segs[k].solution;
		if (role)
			g->segs[k].role = (uint8_t)v->role;
		if (sol)
			g->segs[k].solution = (uint32_t)v->solution;
		changed += role || sol;
	}
	free(hash);
	return changed;
}

void
wh_overrides_free(struct wh_overrides *o)
{
	free(o->v);
	free(o->path);
	memset(o, 0, sizeof *o);
}
