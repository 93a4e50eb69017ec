/* Unit tests of segment overrides (FILE.segments): set, reload, apply by
 * text and occurrence, drop, and sidecar lines out of order, from a later
 * version, or damaged. */
#include <stdint.h>

#include "unit.h"
#include "whittle/hash.h"
#include "whittle/overrides.h"

/* Three paragraphs, the first and last of the same text. */
static const char THINKING[] = "Check it.\n\nSo 2+2=4.\n\nCheck it.";

static void
segment(struct wh_segmentation *g)
{
	struct wh_segmenter *s;
	struct wh_error err;
	struct wh_segment_input in = { .thinking = THINKING, .thinking_len = sizeof THINKING - 1 };

	if (wh_segmenter_new(&s, wh_segment_default_rules(), &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(99);
	}
	wh_segment_trace(s, &in, g);
	wh_segmenter_free(s);
}

static uint64_t
hash_of(const char *text)
{
	return wh_hash(WH_HASH_SEED, text, strlen(text));
}

static void
set_get_apply(const char *dataset)
{
	struct wh_overrides o, again;
	struct wh_segmentation g;
	struct wh_override v, got;
	struct wh_error err;

	segment(&g);
	CHECK(g.n_segs == 3);
	CHECK(wh_overrides_load(&o, dataset, &err) == 0 && o.n == 0);
	/* The second "Check it." (occurrence 1) becomes a conclusion. */
	wh_overrides_get(&o, 4, THINKING, &g, 2, &v);
	CHECK(v.hash == hash_of("Check it.") && v.occ == 1 && v.role == -1);
	v.role = WH_ROLE_CONCLUDE;
	CHECK(wh_overrides_set(&o, &v, &err) == 0);
	CHECK(wh_overrides_has(&o, 4) && !wh_overrides_has(&o, 3) && !wh_overrides_has(&o, 5));

	CHECK(wh_overrides_load(&again, dataset, &err) == 0 && again.n == 1);
	wh_overrides_get(&again, 4, THINKING, &g, 0, &got);
	CHECK(got.occ == 0 && got.role == -1);
	wh_overrides_get(&again, 4, THINKING, &g, 2, &got);
	CHECK(got.role == WH_ROLE_CONCLUDE);
	uint8_t first = g.segs[0].role;
	CHECK(wh_overrides_apply(&again, 4, THINKING, &g) == 1);
	CHECK(g.segs[2].role == WH_ROLE_CONCLUDE && g.segs[0].role == first);
	CHECK(wh_overrides_apply(&again, 4, THINKING, &g) == 0);	/* already so */
	CHECK(wh_overrides_apply(&again, 3, THINKING, &g) == 0);

	/* Both -1: the override goes, in memory and after a reload. */
	v.role = -1;
	v.solution = -1;
	CHECK(wh_overrides_set(&o, &v, &err) == 0 && o.n == 0);
	wh_overrides_free(&again);
	CHECK(wh_overrides_load(&again, dataset, &err) == 0 && again.n == 0);
	wh_overrides_free(&again);
	wh_overrides_free(&o);
	wh_segmentation_free(&g);
}

/* Lines out of order stay findable; the largest record number sorts
 * last; a role this version does not know leaves the line alone rather
 * than dropping what an earlier line set; damaged lines are skipped. */
static void
sidecar_lines(const char *dataset)
{
	char path[4200], text[1024];
	unsigned long long h = (unsigned long long)hash_of("Check it.");
	struct wh_overrides o;
	struct wh_error err;
	struct wh_override got;
	struct wh_segmentation g;

	snprintf(path, sizeof path, "%s.segments", dataset);
	snprintf(text, sizeof text,
	    "7\t%016llx\t0\tverify\t-\n"
	    "18446744073709551615\t%016llx\t0\tverify\t-\n"
	    "5\t%016llx\t0\t-\t0\n"
	    "5\t%016llx\t0\tVerify\t-\n"
	    "5\t%016llx\t0\tverify\n"
	    "not a line\n"
	    "6\t%016llx\t0\texplore\t-1\n",
	    h, h, h, h, h, h);
	FILE *f = fopen(path, "w");
	CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0);
	CHECK(wh_overrides_load(&o, dataset, &err) == 0);
	CHECK(o.n == 3);
	CHECK(wh_overrides_has(&o, 5) && wh_overrides_has(&o, 7) && !wh_overrides_has(&o, 6));
	CHECK(wh_overrides_has(&o, SIZE_MAX));
	segment(&g);
	wh_overrides_get(&o, 5, THINKING, &g, 0, &got);
	CHECK(got.role == -1 && got.solution == 0);
	wh_overrides_get(&o, 7, THINKING, &g, 0, &got);
	CHECK(got.role == WH_ROLE_VERIFY);
	wh_segmentation_free(&g);
	wh_overrides_free(&o);
	remove(path);
}

/* A sidecar that cannot be read (a link to itself: even root cannot) is
 * an error that names it, with nothing left to free. */
static void
unreadable(const char *dataset)
{
	char path[4200];
	struct wh_overrides o;
	struct wh_error err;

	snprintf(path, sizeof path, "%s.segments", dataset);
	CHECK(symlink(path, path) == 0);
	CHECK(wh_overrides_load(&o, dataset, &err) == -1);
	CHECK(o.path == NULL && o.v == NULL && o.n == 0);
	CHECK(strstr(err.file, ".segments") != NULL);
	remove(path);
}

int
main(void)
{
	const char *dataset = unit_file("overrides.jsonl", "", 0);
	char sidecar[4200];

	snprintf(sidecar, sizeof sidecar, "%s.segments", dataset);
	remove(sidecar);
	set_get_apply(dataset);
	remove(sidecar);
	sidecar_lines(dataset);
	unreadable(dataset);
	remove(dataset);
	return unit_done("test-overrides");
}
