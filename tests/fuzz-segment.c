/* Fuzz target for the trace analysis (clang -fsanitize=fuzzer; `make
 * fuzz-segment`): the input, split at its first NUL into thinking and gold,
 * is segmented, its answer extracted and compared, and the invariants of
 * the result are checked. Built with FUZZ_REPLAY it is a unit test that
 * feeds the real fixture traces, cut and mutated, and random texts built
 * from the characters the splitter cares about, through the same code. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/answer.h"
#include "whittle/segment.h"
#include "whittle/utf8.h"

static struct wh_segmenter *seg;

/* Abort when a segmentation breaks its promises: segments inside the text,
 * in order, not overlapping, on character starts of valid UTF-8; attempts
 * covering valid ranges; claims inside their segment. */
static void
check_segments(const struct wh_segmentation *g, const char *t, size_t len)
{
	size_t valid = wh_utf8_valid_prefix(t, len);

	for (size_t i = 0; i < g->n_segs; i++) {
		const struct wh_segment *s = &g->segs[i];
		if (s->start >= s->end || s->end > len || (i && s->start < g->segs[i - 1].end) ||
		    s->role >= WH_NROLES || s->solution > g->n_sols)
			abort();
		if ((s->start < valid && ((unsigned char)t[s->start] & 0xc0) == 0x80) ||
		    (s->end < valid && ((unsigned char)t[s->end] & 0xc0) == 0x80))
			abort();
		if ((s->flags & WH_SEG_CLAIM) && (s->claim_start < s->start ||
		    s->claim_end > s->end || s->claim_start > s->claim_end))
			abort();
	}
	for (size_t k = 0; k < g->n_sols; k++) {
		const struct wh_solution *so = &g->sols[k];
		if (so->first > so->last || so->last >= g->n_segs ||
		    (k && so->first <= g->sols[k - 1].last) || so->same_as > k)
			abort();
	}
}

static void
check_answer(const char *t, size_t len, const char *gold, size_t glen)
{
	struct wh_answer a;
	struct wh_buf b = {0};

	if (wh_answer_extract(t, len, WH_ANSWER_ALL, &a) != a.rule ||
	    a.start > a.end || a.end > len)
		abort();
	wh_answer_normalize(t + a.start, a.end - a.start, &b);
	wh_buf_free(&b);
	if ((unsigned)wh_answer_equiv(t + a.start, a.end - a.start, gold, glen) >
	    WH_VERDICT_DIFFERENT)
		abort();
	/* An answer is always equal to itself. */
	if (a.end > a.start && wh_answer_equiv(t + a.start, a.end - a.start,
	    t + a.start, a.end - a.start) != WH_VERDICT_EQUAL)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	size_t glen = nul ? size - tlen - 1 : 0;
	char *t = malloc(tlen ? tlen : 1), *gold = malloc(glen ? glen : 1);
	struct wh_segmentation g;
	struct wh_error err;

	if (!seg && wh_segmenter_new(&seg, wh_segment_default_rules(), &err) < 0)
		abort();
	memcpy(t, data, tlen);	/* exact sizes: ASan sees any read past them */
	if (glen)
		memcpy(gold, nul + 1, glen);
	struct wh_segment_input in = { t, tlen, NULL, 0, NULL, 0, glen ? gold : NULL, glen };
	wh_segment_trace(seg, &in, &g);
	check_segments(&g, t, tlen);
	wh_segmentation_free(&g);
	check_answer(t, tlen, gold, glen);
	free(t);
	free(gold);
	return 0;
}

#ifdef FUZZ_REPLAY
static uint64_t rng = 0x243f6a8885a308d3u;

static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static const char *const pieces[] = {
	"$", "$$", "\\(", "\\)", "\\[", "\\]", "\\begin{align}", "\\end{align}",
	"```", "`", "[asy]", "[/asy]", "\\boxed{", "\\fbox{", "}", "{", "\\", ". ",
	"! ", "? ", "\n", "\n\n", "。", "？", "1", "2.5", "1,000", "-3", "x", "=",
	"\\frac{1}{2}", "\\sqrt[3]{", "^", "(", ")", "[", "]", ",", "π", "√",
	"So the answer is ", "Final Answer: ", "#### ", "<answer>", "</answer>",
	"Alternatively, ", "Let me check. ", "Wait, that's wrong. ", "换一种方法",
	"That checks out. ", "\xff", "\xc3", "\xe4\xb8", "\xf0\x9f\x98\x80", " ",
	"\\left", "\\right", "\\text{", "%", "\\%", "e.g. ", "9! ", "...",
	"Hmm", "But perhaps ", "wait, ", "So", "= 7",
};

static void
feed(const char *p, size_t n)
{
	LLVMFuzzerTestOneInput((const uint8_t *)p, n);
}

static void
random_texts(int count)
{
	char buf[4096];

	for (int k = 0; k < count; k++) {
		size_t n = 0, parts = next() % 64;
		for (size_t i = 0; i < parts; i++) {
			const char *p = pieces[next() % (sizeof pieces / sizeof pieces[0])];
			size_t m = strlen(p);
			if (n + m + 1 >= sizeof buf)
				break;
			memcpy(buf + n, p, m);
			n += m;
		}
		if (next() % 4 == 0 && n + 4 < sizeof buf) {
			buf[n++] = '\0';	/* a gold after the NUL */
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%u", next() % 100);
		}
		feed(buf, n);
	}
}

/* Each fixture line (a JSON record) as text, cut short and mutated. */
static void
fixtures(void)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof path, "%s/tests/analysis/traces.jsonl", WH_SRCDIR);
	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(1);
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		feed(line, (size_t)n);
		for (int k = 0; k < 20; k++) {
			size_t cut = next() % (size_t)n;
			char saved = line[cut];
			line[cut] = (char)(next() & 0xff);
			feed(line, cut + 1);
			line[cut] = saved;
		}
	}
	free(line);
	fclose(f);
}

int
main(void)
{
	fixtures();
	random_texts(20000);
	feed("", 0);
	wh_segmenter_free(seg);
	puts("fuzz-segment replay: ok");
	return 0;
}
#endif
