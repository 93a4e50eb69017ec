/* Datasets: open (gunzip to the cache, map, index, detect the layout,
 * restore the journal), read records lazily, splice edits into the original
 * bytes, and save without touching what was not edited. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "whittle/buf.h"
#include "whittle/cpus.h"
#include "whittle/dataset.h"
#include "whittle/hash.h"
#include "whittle/journal.h"
#include "whittle/paths.h"
#include "whittle/utf8.h"

#define DETECT_RECORDS 16

static void
add_note(struct wh_dataset *ds, const char *fmt, const char *a, const char *b)
{
	struct wh_buf n = {0};

	wh_buf_printf(&n, fmt, a, b);
	ds->notes = wh_xrealloc(ds->notes, (ds->n_notes + 1) * sizeof *ds->notes);
	ds->notes[ds->n_notes++] = wh_buf_take(&n);
}

/* --- gzip ---------------------------------------------------------------- */

static int
is_gzip(const char *path)
{
	unsigned char magic[2];
	FILE *f = fopen(path, "rb");
	int yes = 0;

	if (f) {
		yes = fread(magic, 1, 2, f) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
		fclose(f);
	}
	size_t n = strlen(path);
	if (!yes && n > 3 && strcmp(path + n - 3, ".gz") == 0)
		return -1;	/* named .gz but not gzip */
	return yes;
}

/* Decompress path once into the cache; *out gets the cache file. The stamp
 * beside it keeps zlib's complaint about damaged data, so that a later open
 * from the cache tells the user again. */
static int
gunzip_cached(struct wh_dataset *ds, const char *path, char **out,
    struct wh_error *err)
{
	char *abs = wh_abspath(path), *dir = wh_xdg_dir("CACHE");
	struct wh_buf cache = {0}, stamp = {0};
	struct stat st;
	char have[128] = "", damage[256] = "";

	stat(path, &st);
	wh_buf_printf(&cache, "%s/gunzip/%016llx.jsonl", dir,
	    (unsigned long long)wh_hash(WH_HASH_SEED, abs, strlen(abs)));
	wh_buf_printf(&stamp, "%lld %lld.%09ld\n", (long long)st.st_size,
	    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	free(dir);
	free(abs);
	*out = wh_buf_take(&cache);

	char *stamp_path = wh_xstrndup(*out, strlen(*out) - 6);
	stamp_path = wh_xrealloc(stamp_path, strlen(stamp_path) + 8);
	strcat(stamp_path, ".stamp");
	FILE *sf = fopen(stamp_path, "r");
	if (sf) {
		if (fgets(have, sizeof have, sf) == NULL)
			have[0] = '\0';
		else if (fgets(damage, sizeof damage, sf) == NULL)
			damage[0] = '\0';
		fclose(sf);
	}
	if (strcmp(have, stamp.data) == 0 && access(*out, R_OK) == 0)
		goto done;
	damage[0] = '\0';

	char *d = wh_xstrdup(*out);
	*strrchr(d, '/') = '\0';
	int rc = wh_mkdirs(d, err);
	free(d);
	if (rc < 0)
		goto fail;
	struct wh_atomic a;
	if (wh_atomic_open(&a, *out, err) < 0)
		goto fail;
	if (wh_gunzip(path, a.fp, damage, sizeof damage, err) < 0) {
		wh_atomic_abort(&a);
		goto fail;
	}
	if (wh_atomic_commit(&a, err) < 0)
		goto fail;
	sf = fopen(stamp_path, "w");
	if (sf) {
		fputs(stamp.data, sf);
		if (damage[0])
			fprintf(sf, "%s\n", damage);
		fclose(sf);
	}
done:
	if (damage[0]) {
		damage[strcspn(damage, "\n")] = '\0';
		add_note(ds, "%s: the gzip data is damaged or cut short (%s); "
		    "reading what came before it", path, damage);
	}
	free(stamp_path);
	wh_buf_free(&stamp);
	return 0;
fail:
	free(stamp_path);
	wh_buf_free(&stamp);
	free(*out);
	*out = NULL;
	return -1;
}

/* --- Reading records ---------------------------------------------------- */

size_t
wh_dataset_entries(const struct wh_dataset *ds)
{
	return ds->index.n;
}

int
wh_dataset_adopt_index(struct wh_dataset *ds, struct wh_index *full)
{
	size_t old = ds->index.n, n = full->n;

	if (full->kind != ds->index.kind || n < old || (old > 0 &&
	    memcmp(full->entries, ds->index.entries, old * sizeof *full->entries) != 0))
		return -1;
	ds->state = wh_xrealloc(ds->state, n ? n : 1);
	ds->reason = wh_xrealloc(ds->reason, (n ? n : 1) * sizeof *ds->reason);
	memset(ds->state + old, 0, n - old);
	memset(ds->reason + old, 0, (n - old) * sizeof *ds->reason);
	wh_index_free(&ds->index);
	ds->index = *full;
	memset(full, 0, sizeof *full);
	return 0;
}

static struct wh_edit *
find_edit(const struct wh_dataset *ds, size_t entry)
{
	size_t lo = 0, hi = ds->n_edits;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ds->edits[mid].entry < entry)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ds->n_edits && ds->edits[lo].entry == entry ? &ds->edits[lo] : NULL;
}

bool
wh_dataset_edited(const struct wh_dataset *ds, size_t i)
{
	return find_edit(ds, i) != NULL;
}

void
wh_dataset_bytes(const struct wh_dataset *ds, size_t i, const char **p,
    size_t *len)
{
	const struct wh_edit *e = find_edit(ds, i);

	if (e) {
		*p = e->bytes;
		*len = e->len;
	} else {
		*p = ds->map.data + ds->index.entries[i].start;
		*len = ds->index.entries[i].len;
	}
}

void
wh_dataset_mark(struct wh_dataset *ds, size_t i, const struct wh_error *e)
{
	/* Two threads may read the same entry (the workbench's view and its
	   scan); the same bytes give the same reason, so the first one set
	   stays and a later one is dropped: never freed twice. */
	char *none = NULL, *why = e ? wh_xstrdup(e->msg) : NULL;

	if (why == NULL) {
		free(__atomic_exchange_n(&ds->reason[i], NULL, __ATOMIC_ACQ_REL));
	} else if (!__atomic_compare_exchange_n(&ds->reason[i], &none, why, false,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		free(why);
	__atomic_store_n(&ds->state[i], e ? WH_REC_BAD : WH_REC_GOOD, __ATOMIC_RELEASE);
}

static uint32_t
column_of(const char *p, size_t off)
{
	return (uint32_t)wh_utf8_count(p, off) + 1;
}

/* Check that a parsed record is one: a bare number or string on a line of
 * junk is valid JSON, not a record. */
static int
check_record(const struct wh_dataset *ds, const struct wh_json *j, long line,
    struct wh_error *err)
{
	if (j->nodes[0].type == WH_JOBJECT)
		return 0;
	return wh_error_set(err, ds->path, line, "not a record: a JSON %s, not an object",
	    wh_json_type_name(j->nodes[0].type));
}

/* Parse a record's bytes p[0..len), which start on line, into j. */
static int
parse_text(const struct wh_dataset *ds, const char *p, size_t len, long line,
    struct wh_json *j, struct wh_error *err)
{
	struct wh_jerror je;

	if (wh_json_parse(j, p, len, &je) == 0)
		return check_record(ds, j, line, err);
	if (len == UINT32_MAX)
		return wh_error_set(err, ds->path, line, "record longer than 4 GB");
	return wh_error_set(err, ds->path, line, "invalid JSON at column %u: %s",
	    column_of(p, je.offset), je.msg);
}

int
wh_dataset_parse(struct wh_dataset *ds, size_t i, struct wh_json *j,
    struct wh_error *err)
{
	const char *p;
	size_t len;
	struct wh_error local;

	wh_dataset_bytes(ds, i, &p, &len);
	if (err == NULL)
		err = &local;
	if (parse_text(ds, p, len, ds->index.entries[i].line, j, err) == 0)
		return 0;
	wh_dataset_mark(ds, i, err);
	return -1;
}

int
wh_dataset_read_json(const struct wh_dataset *ds, const struct wh_json *j,
    long line, uint32_t gen, struct wh_trace *t, struct wh_trace_size *z,
    struct wh_error *err)
{
	if (t)
		memset(t, 0, sizeof *t);
	if (check_record(ds, j, line, err) < 0)
		return -1;
	if (!t && !z)
		return 0;
	if (!ds->layout_known) {
		wh_error_set(err, ds->path, line, "no known layout: give one with --map");
		return -2;
	}
	if ((z ? wh_layout_measure(&ds->layout, j, z, err)
	    : wh_layout_map(&ds->layout, j, gen, t, err)) == 0)
		return 0;
	snprintf(err->file, sizeof err->file, "%s", ds->path);
	err->line = line;
	return strncmp(err->msg, "generation", 10) == 0 ? -2 : -1;
}

int
wh_dataset_read_text(const struct wh_dataset *ds, const char *p, size_t len,
    long line, uint32_t gen, struct wh_trace *t, struct wh_trace_size *z,
    struct wh_error *err)
{
	struct wh_json j = {0};
	int rc;

	rc = parse_text(ds, p, len, line, &j, err);
	if (rc == 0)
		rc = wh_dataset_read_json(ds, &j, line, gen, t, z, err);
	else if (t)
		memset(t, 0, sizeof *t);
	wh_json_free(&j);
	return rc;
}

/* Parse entry i and map it to t, or measure it into z when z is given. */
static int
read_entry(struct wh_dataset *ds, size_t i, uint32_t gen, struct wh_trace *t,
    struct wh_trace_size *z, struct wh_error *err)
{
	const char *p;
	size_t len;
	struct wh_error local;
	int rc;

	if (err == NULL)
		err = &local;
	wh_dataset_bytes(ds, i, &p, &len);
	rc = wh_dataset_read_text(ds, p, len, ds->index.entries[i].line, gen,
	    z ? NULL : t, z, err);
	if (z)
		memset(t, 0, sizeof *t);
	if (rc != -2)
		wh_dataset_mark(ds, i, rc == 0 ? NULL : err);
	return rc < 0 ? -1 : 0;
}

int
wh_dataset_trace(struct wh_dataset *ds, size_t i, uint32_t gen,
    struct wh_trace *t, struct wh_error *err)
{
	return read_entry(ds, i, gen, t, NULL, err);
}

int
wh_dataset_measure(struct wh_dataset *ds, size_t i, struct wh_trace_size *z,
    struct wh_error *err)
{
	struct wh_trace t;

	return read_entry(ds, i, 0, &t, z, err);
}

static void
check_entry(struct wh_dataset *ds, size_t i)
{
	struct wh_trace t;

	if (ds->state[i] != WH_REC_UNKNOWN)
		return;
	if (!ds->layout_known) {
		struct wh_json j = {0};
		if (wh_dataset_parse(ds, i, &j, NULL) == 0)
			wh_dataset_mark(ds, i, NULL);
		wh_json_free(&j);
		return;
	}
	if (wh_dataset_trace(ds, i, 0, &t, NULL) == 0)
		wh_trace_free(&t);
}

long
wh_dataset_nth_good(struct wh_dataset *ds, size_t n)
{
	for (size_t i = 0; i < ds->index.n; i++) {
		check_entry(ds, i);
		if (ds->state[i] == WH_REC_GOOD && n-- == 0)
			return (long)i;
	}
	return -1;
}

static int
bad_by_line(const void *a, const void *b)
{
	const struct wh_bad *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

struct wh_bad *
wh_dataset_bad(struct wh_dataset *ds, size_t *n)
{
	struct wh_bad *bad = NULL;
	size_t k = 0;

	for (size_t i = 0; i < ds->index.n; i++) {
		check_entry(ds, i);
		if (ds->state[i] != WH_REC_BAD)
			continue;
		bad = wh_xrealloc(bad, (k + 1) * sizeof *bad);
		bad[k++] = (struct wh_bad){ ds->index.entries[i].line, ds->reason[i] };
	}
	for (size_t i = 0; i < ds->index.n_junk; i++) {
		bad = wh_xrealloc(bad, (k + 1) * sizeof *bad);
		bad[k++] = (struct wh_bad){ ds->index.junk[i].line,
		    ds->index.junk[i].reason };
	}
	if (k > 1)
		qsort(bad, k, sizeof *bad, bad_by_line);
	*n = k;
	return bad;
}

/* --- Layout detection ----------------------------------------------------- */

static void
detect_layout(struct wh_dataset *ds)
{
	const struct wh_layout *all = wh_layouts();
	int votes[64] = {0}, best = -1;
	struct wh_json j = {0};
	size_t seen = 0;

	for (size_t i = 0; i < ds->index.n && seen < DETECT_RECORDS; i++) {
		if (wh_dataset_parse(ds, i, &j, NULL) < 0)
			continue;
		seen++;
		for (int k = 0; all[k].name[0] && k < 64; k++)
			if (wh_layout_matches(&all[k], &j)) {
				votes[k]++;
				break;
			}
	}
	wh_json_free(&j);
	for (int k = 0; all[k].name[0] && k < 64; k++)
		if (votes[k] > 0 && (best < 0 || votes[k] > votes[best]))
			best = k;
	if (best >= 0) {
		ds->layout = all[best];
		ds->layout_known = true;
	}
}

/* Is string node k a row number of pandas ("0", "17")? */
static bool
is_row_key(const struct wh_json *j, long k)
{
	size_t a = j->nodes[k].start + 1, b = j->nodes[k].end - 1;

	if (a >= b)
		return false;
	for (size_t i = a; i < b; i++)
		if (j->text[i] < '0' || j->text[i] > '9')
			return false;
	return true;
}

/* Is the object at node o a pandas column: members keyed by row number? */
static bool
is_pandas_column(const struct wh_json *j, long o)
{
	if (j->nodes[o].type != WH_JOBJECT || j->nodes[o].count == 0)
		return false;
	for (long k = o + 1; k < (long)j->nodes[o].next; k = j->nodes[k + 1].next)
		if (!is_row_key(j, k))
			return false;
	return true;
}

/* Is the file a table of pandas' DataFrame.to_json instead of records? Its
 * orient: "columns" (the default: one object of columns, each keyed by row
 * number; read as one record, or as a keyed object of columns) or "split"
 * (members columns, index and data); NULL if it is not. */
static const char *
pandas_orient(struct wh_dataset *ds)
{
	struct wh_json j = {0};
	const char *orient = NULL;

	if (ds->index.n == 0)
		return NULL;
	if (wh_dataset_parse(ds, 0, &j, NULL) < 0) {
		wh_json_free(&j);	/* a parse that failed may leave nodes */
		return NULL;
	}
	if (ds->index.kind == WH_CONT_KEYED)
		orient = is_pandas_column(&j, 0) ? "columns" : NULL;
	else if (ds->index.n == 1 && j.nodes[0].type == WH_JOBJECT) {
		long cols = wh_json_member(&j, 0, "columns");
		long data = wh_json_member(&j, 0, "data");
		bool all = j.nodes[0].count > 0;
		for (long k = 1; k < (long)j.n && all; k = j.nodes[k + 1].next)
			all = is_pandas_column(&j, k + 1);
		if (cols >= 0 && data >= 0 && j.nodes[cols].type == WH_JARRAY &&
		    j.nodes[data].type == WH_JARRAY)
			orient = "split";
		else if (all)
			orient = "columns";
	}
	wh_json_free(&j);
	return orient;
}

/* --- Journal ------------------------------------------------------------ */

static int apply_set(struct wh_dataset *ds, size_t i, uint32_t gen,
    enum wh_field f, const char *text, size_t len, struct wh_error *err);
static void drop_edit(struct wh_dataset *ds, size_t i);

char *
wh_dataset_journal_path(const char *path)
{
	char *abs = wh_abspath(path), *j = wh_journal_path_for(abs);

	free(abs);
	return j;
}

struct replay {
	struct wh_dataset *ds;
	long applied;
	bool saved;		/* a save of these edits reached the disk */
	struct wh_file_ident now;
};

static int
replay_op(void *arg, const cJSON *op)
{
	struct replay *r = arg;
	const char *what = cJSON_GetStringValue(cJSON_GetObjectItem(op, "op"));
	double entry = cJSON_GetNumberValue(cJSON_GetObjectItem(op, "entry"));

	if (what == NULL)
		return 0;
	if (strcmp(what, "saving") == 0) {
		const char *h = cJSON_GetStringValue(cJSON_GetObjectItem(op, "hash"));
		double size = cJSON_GetNumberValue(cJSON_GetObjectItem(op, "size"));
		r->saved = h && (uint64_t)size == r->now.size &&
		    strtoull(h, NULL, 16) == r->now.hash;
		return 0;
	}
	if (r->saved || !(entry >= 0 && entry < (double)r->ds->index.n))
		return 0;
	if (strcmp(what, "restore") == 0) {
		drop_edit(r->ds, (size_t)entry);
		r->applied++;
		return 0;
	}
	const cJSON *text = cJSON_GetObjectItem(op, "text");
	const char *field = cJSON_GetStringValue(cJSON_GetObjectItem(op, "field"));
	int f = field ? wh_field_parse(field) : -1;
	uint32_t gen = (uint32_t)cJSON_GetNumberValue(cJSON_GetObjectItem(op, "gen"));
	if (strcmp(what, "set") == 0 && f >= 0 && cJSON_IsString(text) &&
	    apply_set(r->ds, (size_t)entry, gen, (enum wh_field)f,
	    text->valuestring, strlen(text->valuestring), NULL) == 0)
		r->applied++;
	return 0;
}

/* Replay the journal of ds's unsaved edits, if there is one. The file's
 * identity (a hash of its first and last megabyte) is taken only then:
 * opening a file without a journal reads nothing more of it. */
static int
restore_journal(struct wh_dataset *ds, struct wh_error *err)
{
	char *jpath = wh_dataset_journal_path(ds->path);
	struct wh_file_ident then, *now;
	struct replay r = { .ds = ds };
	struct wh_journal_damage dmg;
	struct wh_error jerr;
	struct wh_map m;
	long ops;

	if (access(jpath, F_OK) != 0) {
		free(jpath);
		return 0;
	}
	if (wh_map_open(&m, ds->path, err) < 0) {
		free(jpath);
		return -1;
	}
	now = &r.now;
	wh_file_ident_of(&m, now);
	wh_map_close(&m);
	ops = wh_journal_replay(jpath, &then, replay_op, &r, &dmg, &jerr);
	if (ops == -1) {
		/* Never removed: what it holds is for a person to look at. */
		char why[1200];
		struct wh_buf aside = {0};
		wh_error_format(&jerr, why, sizeof why);
		wh_buf_printf(&aside, "%s.damaged", jpath);
		if (rename(jpath, aside.data) == 0)
			add_note(ds, "%s: its unsaved edits were NOT applied; the journal "
			    "is kept in %s", why, aside.data);
		else
			add_note(ds, "%s: its unsaved edits were NOT applied, and the "
			    "journal cannot be moved aside: copy it before editing%s", why, "");
		wh_buf_free(&aside);
	} else if (ops >= 0 && r.saved) {
		/* Saved, then stopped before the journal was removed. */
		unlink(jpath);
	} else if (ops >= 0 && (then.size != now->size || then.hash != now->hash ||
	    then.mtime_ns != now->mtime_ns)) {
		for (size_t i = 0; i < ds->n_edits; i++)
			free(ds->edits[i].bytes);
		ds->n_edits = 0;
		struct wh_buf stale = {0};
		wh_buf_printf(&stale, "%s.stale", jpath);
		rename(jpath, stale.data);
		add_note(ds, "%s changed on disk since its unsaved edits were "
		    "journaled: they were NOT applied, and are kept in %s",
		    ds->path, stale.data);
		wh_buf_free(&stale);
	} else if ((ops > 0 && r.applied > 0) || dmg.lines > 0) {
		/* The records the edits leave changed: a delete, its undo and
		   its redo are three entries of the journal and one edit. */
		struct wh_buf msg = {0};
		if (dmg.lines > 0) {
			wh_buf_printf(&msg, "skipped %ld damaged line(s) of the journal %s "
			    "(the first: line %ld)", dmg.lines, jpath, dmg.first);
			add_note(ds, "%s%s", msg.data, "");
			wh_buf_clear(&msg);
		}
		wh_buf_printf(&msg, "%zu", ds->n_edits);
		if (ds->n_edits)
			add_note(ds, "restored the unsaved edits of %s record(s) from the journal "
			    "%s (what they undo is not kept: u starts from here)", msg.data, jpath);
		else if (r.applied > 0)
			add_note(ds, "the journal %s holds edits that leave every record as it "
			    "was%s: nothing to restore", jpath, "");
		wh_buf_free(&msg);
		/* Keep appending to the same journal. */
		if (wh_journal_reopen(&ds->journal, jpath, &jerr) < 0) {
			char why[1200];
			wh_error_format(&jerr, why, sizeof why);
			add_note(ds, "the journal cannot be reopened (%s): save soon, a crash "
			    "now would lose the restored edits%s", why, "");
		}
	} else {
		unlink(jpath);
	}
	free(jpath);
	return 0;
}

static int
journal_op(struct wh_dataset *ds, cJSON *op, struct wh_error *err)
{
	int rc;

	if (ds->journal == NULL) {
		char *jpath = wh_dataset_journal_path(ds->path);
		struct wh_file_ident id;
		struct wh_map m;
		char *abs = wh_abspath(ds->path);
		/* The file as read (its map), not what the path names now: edits
		   of a file another program has since replaced must not be
		   replayed onto the new one. A .gz file is read from its cache. */
		rc = 0;
		if (!ds->gzip)
			wh_file_ident_of(&ds->map, &id);
		else if ((rc = wh_map_open(&m, ds->path, err)) == 0) {
			wh_file_ident_of(&m, &id);
			wh_map_close(&m);
		}
		if (rc == 0)
			rc = wh_journal_create(&ds->journal, jpath, abs, &id, err);
		free(abs);
		free(jpath);
		if (rc < 0) {
			cJSON_Delete(op);
			return -1;
		}
	}
	rc = wh_journal_append(ds->journal, op, err);
	cJSON_Delete(op);
	return rc;
}

/* --- Open and close ------------------------------------------------------- */

/* Map and index the source, JSON lines up to byte limit (0: all). */
static int
load(struct wh_dataset *ds, size_t limit, struct wh_error *err)
{
	size_t n;

	if (wh_map_open(&ds->map, ds->source, err) < 0)
		return -1;
	wh_index_build_prefix(&ds->index, ds->map.data, ds->map.size,
	    limit ? limit : ds->map.size, ds->threads);
	n = ds->index.n;
	ds->state = wh_xcalloc(n ? n : 1, 1);
	ds->reason = wh_xcalloc(n ? n : 1, sizeof *ds->reason);
	return 0;
}

static void
unload(struct wh_dataset *ds)
{
	for (size_t i = 0; i < ds->index.n; i++)
		free(ds->reason[i]);
	free(ds->reason);
	free(ds->state);
	for (size_t i = 0; i < ds->n_edits; i++)
		free(ds->edits[i].bytes);
	free(ds->edits);
	ds->edits = NULL;
	ds->n_edits = 0;
	wh_index_free(&ds->index);
	wh_map_close(&ds->map);
}

int
wh_dataset_open(struct wh_dataset **out, const char *path,
    const struct wh_open_opts *opts, struct wh_error *err)
{
	struct wh_dataset *ds = wh_xcalloc(1, sizeof *ds);
	struct wh_open_opts none = {0};
	int gz;

	if (opts == NULL)
		opts = &none;
	*out = NULL;
	ds->path = wh_xstrdup(path);
	ds->threads = opts->threads > 0 ? opts->threads
	    : wh_cpus();
	if (access(path, R_OK) != 0) {
		wh_error_sys(err, path, errno, "cannot open");
		goto fail;
	}
	gz = is_gzip(path);
	if (gz < 0) {
		wh_error_set(err, path, 0, "named .gz but is not a gzip file");
		goto fail;
	}
	ds->gzip = gz;
	if (gz) {
		if (gunzip_cached(ds, path, &ds->source, err) < 0)
			goto fail;
	} else
		ds->source = wh_xstrdup(path);
	if (load(ds, opts->index_prefix, err) < 0)
		goto fail;
	if (ds->map.size >= 8 && memcmp(ds->map.data, "PAR1", 4) == 0) {
		wh_error_set(err, path, 0, "a Parquet file, not JSON: write it as JSON "
		    "lines first, e.g. with datasets.Dataset.from_parquet(PATH)"
		    ".to_json(OUT)");
		goto fail;
	}
	if (opts->map) {
		if (wh_layout_from_map(&ds->layout, opts->map, err) < 0)
			goto fail;
		ds->layout_known = true;
	} else if (opts->layout) {
		const struct wh_layout *l = wh_layout_find(opts->layout);
		if (l == NULL) {
			wh_error_set(err, NULL, 0, "--layout %s: no such layout "
			    "(whittle stats --layouts lists them)", opts->layout);
			goto fail;
		}
		ds->layout = *l;
		ds->layout_known = true;
	} else {
		const char *orient = pandas_orient(ds);
		if (orient) {
			wh_error_set(err, path, ds->index.entries[0].line,
			    "a pandas table (DataFrame.to_json, orient='%s'), not "
			    "records: write it with df.to_json(PATH, orient='records', "
			    "lines=True)", orient);
			goto fail;
		}
		detect_layout(ds);
	}
	if (opts->journal && restore_journal(ds, err) < 0)
		goto fail;
	*out = ds;
	return 0;
fail:
	wh_dataset_close(ds);
	return -1;
}

void
wh_dataset_close(struct wh_dataset *ds)
{
	if (ds == NULL)
		return;
	unload(ds);
	wh_journal_close(ds->journal);
	for (size_t i = 0; i < ds->n_notes; i++)
		free(ds->notes[i]);
	free(ds->notes);
	free(ds->path);
	free(ds->source);
	free(ds);
}

/* --- Edits ------------------------------------------------------------- */

static void
drop_edit(struct wh_dataset *ds, size_t i)
{
	struct wh_edit *e = find_edit(ds, i);

	if (e == NULL)
		return;
	free(e->bytes);
	size_t k = (size_t)(e - ds->edits);
	memmove(e, e + 1, (ds->n_edits - k - 1) * sizeof *e);
	ds->n_edits--;
	ds->state[i] = WH_REC_UNKNOWN;
}

static void
put_edit(struct wh_dataset *ds, size_t i, char *bytes, size_t len)
{
	struct wh_edit *e = find_edit(ds, i);
	size_t k;

	if (e) {
		free(e->bytes);
		e->bytes = bytes;
		e->len = len;
		return;
	}
	for (k = 0; k < ds->n_edits && ds->edits[k].entry < i; k++)
		;
	ds->edits = wh_xrealloc(ds->edits, (ds->n_edits + 1) * sizeof *ds->edits);
	memmove(ds->edits + k + 1, ds->edits + k, (ds->n_edits - k) * sizeof *ds->edits);
	ds->edits[k] = (struct wh_edit){ i, bytes, len };
	ds->n_edits++;
}

/* Offset in the raw (escaped) string body of decoded offset off. */
static size_t
raw_offset(const char *raw, size_t rawlen, size_t off)
{
	size_t r = 0, d = 0;

	while (r < rawlen && d < off) {
		if (raw[r] != '\\') {
			r++, d++;
			continue;
		}
		if (raw[r + 1] != 'u') {
			r += 2, d++;
			continue;
		}
		unsigned cp = (unsigned)strtoul((char[5]){ raw[r + 2], raw[r + 3],
		    raw[r + 4], raw[r + 5], 0 }, NULL, 16);
		r += 6;
		if (cp >= 0xD800 && cp <= 0xDBFF && r + 6 <= rawlen &&
		    raw[r] == '\\' && raw[r + 1] == 'u') {
			unsigned lo = (unsigned)strtoul((char[5]){ raw[r + 2], raw[r + 3],
			    raw[r + 4], raw[r + 5], 0 }, NULL, 16);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				r += 6, d += 4;
				continue;
			}
		}
		d += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
	}
	return r;
}

static int
is_json_number(const char *text, size_t len)
{
	struct wh_json j = {0};
	struct wh_jerror e;
	int yes = wh_json_parse(&j, text, len, &e) == 0 && j.nodes[0].type == WH_JNUMBER &&
	    j.nodes[0].start == 0 && j.nodes[0].end == len;

	wh_json_free(&j);
	return yes;
}

/* A value of a record to be replaced: bytes [start, end) by json. */
struct splice {
	size_t start, end;
	char *json;
	size_t len;
};

static void
add_splice(struct splice **sp, size_t *n, const struct wh_jnode *v,
    const char *json, size_t len)
{
	*sp = wh_xrealloc(*sp, (*n + 1) * sizeof **sp);
	(*sp)[(*n)++] = (struct splice){ v->start, v->end, wh_xstrndup(json, len), len };
}

static int
splice_order(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* What the copies of an edited value are to become. */
struct copies {
	const struct wh_json *j;
	long edited, others[WH_NFIELDS];	/* nodes no copy may be */
	const char *whole, *field;		/* the old value, the old field */
	size_t whole_len, field_len;
	const char *new_whole, *new_field;	/* their new JSON strings */
	size_t new_whole_len, new_field_len;
	const char *text;			/* the new field */
	size_t len;
	struct splice *sp;
	size_t n;
};

static bool
is_other_field(const struct copies *c, long node)
{
	if (node == c->edited)
		return true;
	for (int f = 0; f < WH_NFIELDS; f++)
		if (c->others[f] == node)
			return true;
	return false;
}

/* A copy of string b that holds the old field once: that part replaced. */
static void
replace_once(struct copies *c, const struct wh_jnode *v, const struct wh_buf *b)
{
	const char *at = memmem(b->data, b->len, c->field, c->field_len);
	size_t off;

	if (at == NULL)
		return;
	off = (size_t)(at - b->data);
	if (memmem(at + 1, b->len - off - 1, c->field, c->field_len) != NULL)
		return;		/* more than once: which one is unknown */
	struct wh_buf now = {0}, q = {0};
	wh_buf_add(&now, b->data, off);
	wh_buf_add(&now, c->text, c->len);
	wh_buf_add(&now, at + c->field_len, b->len - off - c->field_len);
	wh_json_quote(&q, now.data ? now.data : "", now.len);
	add_splice(&c->sp, &c->n, v, q.data, q.len);
	wh_buf_free(&now);
	wh_buf_free(&q);
}

/* Collect the strings under node (keys aside) that hold the edited value,
 * or the edited field alone, word for word, or the field once inside a
 * longer text (a response kept whole beside its parts). */
static void
find_copies(struct copies *c, long node)
{
	const struct wh_jnode *v = &c->j->nodes[node];

	if (v->type == WH_JSTRING && !is_other_field(c, node)) {
		struct wh_buf b = {0};
		wh_json_string(c->j, node, &b);
		if (b.len == c->whole_len && memcmp(b.data, c->whole, b.len) == 0)
			add_splice(&c->sp, &c->n, v, c->new_whole, c->new_whole_len);
		else if (b.len == c->field_len && memcmp(b.data, c->field, b.len) == 0)
			add_splice(&c->sp, &c->n, v, c->new_field, c->new_field_len);
		else if (b.len > c->field_len)
			replace_once(c, v, &b);
		wh_buf_free(&b);
	}
	if (v->type != WH_JARRAY && v->type != WH_JOBJECT)
		return;
	for (long k = node + 1; k < (long)v->next; k = c->j->nodes[k].next) {
		if (v->type == WH_JOBJECT)
			k = c->j->nodes[k].next;	/* past the key */
		find_copies(c, k);
	}
}

/* s[0..*n) without the white space around it. */
static void
trim_space(const char **s, size_t *n)
{
	while (*n > 0 && memchr(" \t\r\n", **s, 4))
		(*s)++, (*n)--;
	while (*n > 0 && memchr(" \t\r\n", (*s)[*n - 1], 4))
		(*n)--;
}

/* Whether field f of the record rec reads back as text (a field cut from
 * a longer text, as the thinking inside tags, but for the white space
 * around it, which such a field does not keep). */
static bool
reads_back(const struct wh_dataset *ds, size_t i, uint32_t gen, enum wh_field f,
    const struct wh_buf *rec, const char *text, size_t len)
{
	struct wh_trace t;
	const char *got;
	size_t n;
	bool same;

	if (wh_dataset_read_text(ds, rec->data, rec->len, ds->index.entries[i].line,
	    gen, &t, NULL, NULL) < 0)
		return false;
	got = t.text[f] ? t.text[f] : "";
	n = t.len[f];
	if (!t.origin[f].whole) {
		trim_space(&got, &n);
		trim_space(&text, &len);
	}
	same = n == len && memcmp(got, text, len) == 0;
	wh_trace_free(&t);
	return same;
}

/* The new JSON of value v (field o of record text p) with the field set
 * to text: a number stays one if text is one; a field cut from a longer
 * string replaces its part only, the rest keeping its escapes. */
static void
new_value(const char *p, const struct wh_jnode *v, const struct wh_origin *o,
    const char *text, size_t len, struct wh_buf *val)
{
	if (v->type == WH_JNUMBER && is_json_number(text, len)) {
		wh_buf_add(val, text, len);
	} else if (v->type == WH_JNUMBER || o->whole) {
		wh_json_quote(val, text, len);
	} else {
		const char *raw = p + v->start + 1;
		size_t rawlen = v->end - v->start - 2;
		size_t rf = raw_offset(raw, rawlen, o->from);
		size_t rt = raw_offset(raw, rawlen, o->to);
		struct wh_buf q = {0};
		wh_json_quote(&q, text, len);
		wh_buf_addc(val, '"');
		wh_buf_add(val, raw, rf);
		wh_buf_add(val, q.data + 1, q.len - 2);
		wh_buf_add(val, raw + rt, rawlen - rt);
		wh_buf_addc(val, '"');
		wh_buf_free(&q);
	}
}

/* Add to c->sp the copies the layout keeps of field f of trace t (record
 * tape j), whose value becomes val and the field text. */
static void
collect_copies(const struct wh_dataset *ds, const struct wh_json *j,
    const struct wh_trace *t, enum wh_field f, const struct wh_buf *val,
    const char *text, size_t len, struct copies *c)
{
	struct wh_buf old = {0}, quoted = {0};
	long node = t->origin[f].node, under;

	if (ds->layout.copies == NULL || j->nodes[node].type != WH_JSTRING ||
	    t->len[f] == 0 || (under = wh_json_pointer(j, ds->layout.copies)) < 0)
		return;
	wh_json_string(j, node, &old);
	wh_json_quote(&quoted, text, len);
	c->j = j;
	c->edited = node;
	for (int g = 0; g < WH_NFIELDS; g++)
		c->others[g] = t->origin[g].node;
	c->whole = old.data;
	c->whole_len = old.len;
	c->new_whole = val->data;
	c->new_whole_len = val->len;
	c->field = t->text[f];
	c->field_len = t->len[f];
	c->new_field = quoted.data;
	c->new_field_len = quoted.len;
	c->text = text;
	c->len = len;
	find_copies(c, under);
	wh_buf_free(&old);
	wh_buf_free(&quoted);
}

static int
apply_set(struct wh_dataset *ds, size_t i, uint32_t gen, enum wh_field f,
    const char *text, size_t len, struct wh_error *err)
{
	struct wh_trace t;
	struct wh_json j = {0};
	struct wh_buf out = {0}, val = {0};
	struct copies c = {0};
	const char *p;
	size_t n, pos = 0;
	bool ok;

	if (i >= ds->index.n)
		return wh_error_set(err, ds->path, 0, "no record at entry %zu", i);
	if (wh_utf8_valid_prefix(text, len) != len)
		return wh_error_set(err, ds->path, ds->index.entries[i].line,
		    "the new %s is not valid UTF-8", wh_field_name(f));
	if (wh_dataset_trace(ds, i, gen, &t, err) < 0)
		return -1;
	struct wh_origin o = t.origin[f];
	if (o.derived || o.node < 0) {
		wh_trace_free(&t);
		if (o.derived)
			return wh_error_set(err, ds->path, ds->index.entries[i].line,
			    "the %s of a %s record is built from several values: it "
			    "cannot be edited", wh_field_name(f), ds->layout.name);
		return wh_error_set(err, ds->path, ds->index.entries[i].line,
		    "this record has no %s to edit", wh_field_name(f));
	}
	wh_dataset_bytes(ds, i, &p, &n);
	wh_json_parse(&j, p, n, &(struct wh_jerror){0});
	const struct wh_jnode *v = &j.nodes[o.node];
	new_value(p, v, &o, text, len, &val);
	add_splice(&c.sp, &c.n, v, val.data, val.len);
	collect_copies(ds, &j, &t, f, &val, text, len, &c);
	qsort(c.sp, c.n, sizeof *c.sp, splice_order);
	for (size_t k = 0; k < c.n; k++) {
		wh_buf_add(&out, p + pos, c.sp[k].start - pos);
		wh_buf_add(&out, c.sp[k].json, c.sp[k].len);
		pos = c.sp[k].end;
		free(c.sp[k].json);
	}
	wh_buf_add(&out, p + pos, n - pos);
	ok = v->type != WH_JSTRING || reads_back(ds, i, gen, f, &out, text, len);
	free(c.sp);
	wh_buf_free(&val);
	wh_trace_free(&t);
	wh_json_free(&j);
	if (!ok) {
		wh_buf_free(&out);
		return wh_error_set(err, ds->path, ds->index.entries[i].line, "the new "
		    "%s would not read back as written: %s records cut their text at "
		    "markers (such as </think> or \"Step 1:\") that it adds or "
		    "takes away; nothing changed", wh_field_name(f), ds->layout.name);
	}
	/* Back to the bytes the file holds (an undo past a save): no edit. */
	const struct wh_entry *e = &ds->index.entries[i];
	if (out.len == e->len && memcmp(out.data, ds->map.data + e->start, e->len) == 0) {
		wh_buf_free(&out);
		drop_edit(ds, i);
		return 0;
	}
	size_t outlen = out.len;
	put_edit(ds, i, wh_buf_take(&out), outlen);
	ds->state[i] = WH_REC_GOOD;
	return 0;
}

int
wh_dataset_set_field(struct wh_dataset *ds, size_t i, uint32_t gen,
    enum wh_field f, const char *text, size_t len, struct wh_error *err)
{
	struct wh_edit *prev = find_edit(ds, i);
	char *prev_bytes = prev ? wh_xstrndup(prev->bytes, prev->len) : NULL;
	size_t prev_len = prev ? prev->len : 0;

	if (apply_set(ds, i, gen, f, text, len, err) < 0) {
		free(prev_bytes);
		return -1;
	}
	cJSON *op = cJSON_CreateObject();
	cJSON_AddStringToObject(op, "op", "set");
	cJSON_AddNumberToObject(op, "entry", (double)i);
	cJSON_AddNumberToObject(op, "line", ds->index.entries[i].line);
	cJSON_AddNumberToObject(op, "gen", gen);
	cJSON_AddStringToObject(op, "field", wh_field_name(f));
	char *copy = wh_xstrndup(text, len);
	cJSON_AddStringToObject(op, "text", copy);
	free(copy);
	if (journal_op(ds, op, err) == 0) {
		free(prev_bytes);
		return 0;
	}
	/* Not journaled, so not acknowledged: put back what was there. */
	if (prev_bytes)
		put_edit(ds, i, prev_bytes, prev_len);
	else
		drop_edit(ds, i);
	return -1;
}

int
wh_dataset_restore(struct wh_dataset *ds, size_t i, struct wh_error *err)
{
	if (find_edit(ds, i) == NULL)
		return 0;
	cJSON *op = cJSON_CreateObject();
	cJSON_AddStringToObject(op, "op", "restore");
	cJSON_AddNumberToObject(op, "entry", (double)i);
	if (journal_op(ds, op, err) < 0)
		return -1;
	drop_edit(ds, i);
	return 0;
}

/* --- Save ---------------------------------------------------------------- */

struct sink {
	FILE *fp;
	gzFile gz;
};

static int
sink_write(struct sink *s, const char *p, size_t n)
{
	if (s->gz)
		return n == 0 || gzwrite(s->gz, p, (unsigned)n) == (int)n ? 0 : -1;
	return fwrite(p, 1, n, s->fp) == n ? 0 : -1;
}

static int
write_all(struct wh_dataset *ds, struct sink *s)
{
	size_t pos = 0;

	for (size_t k = 0; k < ds->n_edits; k++) {
		const struct wh_entry *e = &ds->index.entries[ds->edits[k].entry];
		if (sink_write(s, ds->map.data + pos, e->start - pos) < 0 ||
		    sink_write(s, ds->edits[k].bytes, ds->edits[k].len) < 0)
			return -1;
		pos = e->start + e->len;
	}
	return sink_write(s, ds->map.data + pos, ds->map.size - pos);
}

bool
wh_dataset_is_own(const struct wh_dataset *ds, const char *path)
{
	struct stat a, b;

	return path == NULL || (stat(path, &a) == 0 && stat(ds->path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

int
wh_dataset_save(struct wh_dataset *ds, const char *path, struct wh_error *err)
{
	struct wh_atomic a;
	struct sink s = {0};
	bool own = wh_dataset_is_own(ds, path);
	const char *dest = own ? ds->path : path;
	size_t dn = strlen(dest);
	bool gz = own ? ds->gzip : dn > 3 && strcmp(dest + dn - 3, ".gz") == 0;
	const char *kept = access(dest, F_OK) == 0 ? "cannot save (the file is "
	    "untouched)" : "cannot save (nothing was written)";

	if (wh_atomic_open(&a, dest, err) < 0)
		return -1;
	s.fp = a.fp;
	if (gz) {
		fflush(a.fp);
		s.gz = gzdopen(dup(fileno(a.fp)), "wb");
	}
	int rc = write_all(ds, &s);
	if (s.gz && gzclose(s.gz) != Z_OK)
		rc = -1;
	if (rc < 0 || fflush(a.fp) != 0) {
		wh_error_sys(err, dest, errno ? errno : EIO, "%s", kept);
		wh_atomic_abort(&a);
		return -1;
	}
	if (own && ds->journal) {
		/* Say in the journal what the saved file will be, so that a crash
		 * right after the rename is not mistaken for a change on disk. */
		struct wh_map m;
		struct wh_file_ident id;
		char hex[32];
		if (fsync(fileno(a.fp)) < 0 || wh_map_open(&m, a.tmp, err) < 0) {
			wh_error_sys(err, dest, errno, "%s", kept);
			wh_atomic_abort(&a);
			return -1;
		}
		wh_file_ident_of(&m, &id);
		wh_map_close(&m);
		cJSON *op = cJSON_CreateObject();
		cJSON_AddStringToObject(op, "op", "saving");
		cJSON_AddNumberToObject(op, "size", (double)id.size);
		snprintf(hex, sizeof hex, "%016llx", (unsigned long long)id.hash);
		cJSON_AddStringToObject(op, "hash", hex);
		if (journal_op(ds, op, err) < 0) {
			wh_atomic_abort(&a);
			return -1;
		}
	}
	if (wh_atomic_commit(&a, err) < 0)
		return -1;
	if (!own)
		return 0;
	/* The file on disk is now the edited one: forget the journal, read the
	 * new file afresh. */
	if (ds->journal) {
		unlink(ds->journal->path);
		wh_journal_close(ds->journal);
		ds->journal = NULL;
	}
	unload(ds);
	if (ds->gzip) {
		free(ds->source);
		if (gunzip_cached(ds, ds->path, &ds->source, err) < 0)
			return -1;
	}
	return load(ds, 0, err);
}
