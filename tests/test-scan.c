/* Unit tests of the whole-file scan: a file opened with a partial index,
 * which the scan indexes and reads in one pass, gives what the same file
 * fully indexed first gives: entries, lines, outcomes, reasons, lengths
 * and the probe's values; and its default number of threads is the CPUs
 * the process may run on. */
#include <sched.h>
#include <unistd.h>

#include "unit.h"
#include "whittle/buf.h"
#include "whittle/cpus.h"
#include "whittle/dataset.h"
#include "whittle/scan.h"

/* A record in whittle's own layout, with escapes and a two-byte character
 * here and there in its thinking. */
static void
record(struct wh_buf *b, int i, size_t think)
{
	wh_buf_printf(b, "{\"question\": \"q%d\", \"thinking\": \"", i);
	for (size_t k = 0; k < think; k++)
		wh_buf_adds(b, k % 50 == 0 ? "\\n" : k % 97 == 0 ? "\xc3\xa9" : "a");
	wh_buf_printf(b, "\", \"answer\": \"\\\\boxed{%d}\", \"gold\": \"%d\"}", i, i);
}

/* Every kind of line a scan meets, with records long enough that some
 * cross the scan's 512 KB chunks and one spans several. */
static void
make_file(struct wh_buf *b)
{
	for (int i = 0; i < 400; i++) {
		size_t think = i == 200 ? (size_t)3 << 20 : (size_t)(i * 7919 % 30000);
		switch (i % 13) {
		case 1:
			wh_buf_adds(b, "\n   \t\n");	/* blank lines */
			break;
		case 2:
			wh_buf_adds(b, "42\n");	/* JSON, not a record */
			break;
		case 3:
			wh_buf_adds(b, "{\"question\":\n\"split\"}\n");	/* a value over two lines */
			break;
		case 4:
			wh_buf_adds(b, "{\"question\": \"raw\nnewline\"}\n");
			break;
		case 5:
			wh_buf_adds(b, "{\"question\": \"x\"} trailing\n");
			break;
		case 6:
			wh_buf_adds(b, "{\"question\": 7}\n");	/* a field of the wrong type */
			break;
		}
		record(b, i, think);
		wh_buf_adds(b, i % 3 == 0 ? "  \r\n" : "\n");
	}
	record(b, 400, 10);	/* no newline at the end */
}

static void
measure(const void *ctx, const struct wh_trace *t, uint32_t *v)
{
	(void)ctx;
	v[0] = (uint32_t)t->len[WH_THINKING];
	v[1] = t->text[WH_GOLD] ? (uint32_t)t->len[WH_GOLD] : 99;
}

static void
compare(const char *path, int threads, const struct wh_scan_probe *probe)
{
	struct wh_open_opts full_o = { .threads = threads };
	struct wh_open_opts part_o = { .threads = threads, .index_prefix = 100000 };
	struct wh_dataset *a, *b;
	struct wh_scan_result ra, rb;
	struct wh_error err;

	CHECK(wh_dataset_open(&a, path, &full_o, &err) == 0);
	CHECK(wh_dataset_open(&b, path, &part_o, &err) == 0);
	CHECK(b->index.partial && b->index.n < a->index.n);
	CHECK(b->layout_known && a->layout_known &&
	    strcmp(a->layout.name, b->layout.name) == 0);
	wh_scan_run(a, &ra, threads, probe, NULL, NULL);
	wh_scan_run(b, &rb, threads, probe, NULL, NULL);
	CHECK(!b->index.partial && a->index.n == b->index.n);
	CHECK(b->index.end == a->index.end && b->index.newlines == a->index.newlines);
	CHECK(memcmp(a->index.entries, b->index.entries,
	    a->index.n * sizeof *a->index.entries) == 0);
	CHECK(memcmp(a->state, b->state, a->index.n) == 0);
	for (size_t i = 0; i < a->index.n; i++)
		if ((a->reason[i] == NULL) != (b->reason[i] == NULL) ||
		    (a->reason[i] && strcmp(a->reason[i], b->reason[i]) != 0)) {
			CHECK_STR(b->reason[i], a->reason[i]);
			break;
		}
	CHECK(ra.records == rb.records && ra.bad == rb.bad && ra.bytes == rb.bytes);
	CHECK(ra.with_gold == rb.with_gold && ra.with_thinking == rb.with_thinking &&
	    ra.truncated == rb.truncated && ra.generations == rb.generations);
	for (int f = 0; f < WH_NFIELDS; f++)
		CHECK(memcmp(ra.chars[f], rb.chars[f], ra.records * sizeof(uint32_t)) == 0);
	for (int k = 0; probe && k < probe->n; k++)
		CHECK(memcmp(ra.values[k], rb.values[k], ra.records * sizeof(uint32_t)) == 0);
	/* What the file holds, so that the comparison compares something. */
	/* 401 records; 31 each of the five bad kinds, two lines each for
	   the split value and the raw newline. */
	CHECK(ra.records == 401 && ra.bad == 31 * 7);
	CHECK(ra.chars[WH_THINKING][1] > 0);
	wh_scan_free(&ra);
	wh_scan_free(&rb);
	wh_dataset_close(a);
	wh_dataset_close(b);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	struct wh_buf b = {0};
	struct wh_scan_probe probe = { measure, NULL, 2 };
	int fd;

	snprintf(path, sizeof path, "%s/whittle-scan-XXXXXX", tmp ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return 99;
	make_file(&b);
	if (write(fd, b.data, b.len) != (ssize_t)b.len)
		return 99;
	close(fd);
	compare(path, 1, NULL);
	compare(path, 2, NULL);
	compare(path, 2, &probe);
	unlink(path);

	/* A process allotted one CPU (taskset, a cluster's scheduler) uses
	 * one, however many the machine has. */
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() >= 0 ? sched_getcpu() : 0, &one);
	CHECK(wh_cpus() >= 1);
	if (sched_setaffinity(0, sizeof one, &one) == 0)
		CHECK(wh_cpus() == 1);
	wh_buf_free(&b);
	return unit_done("scan");
}
