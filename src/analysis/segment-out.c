/* A segmentation as data and as text: the names of roles, labels and flags,
 * the JSON that `whittle show --segments --json` prints, and the listing of
 * `whittle show --segments`. */
#include <string.h>

#include "whittle/json.h"
#include "whittle/segment.h"
#include "whittle/tokenizer.h"

static const char *const role_names[WH_NROLES] = {
	"restate", "understand", "explore", "verify", "conclude"
};
static const char *const label_names[] = {
	"correct", "incorrect", "incomplete", "unknown"
};
static const char *const flag_names[WH_SEG_NFLAGS] = {
	"paragraph", "self-affirm", "self-negate", "claim", "redundant", "main",
	"answer"
};

const char *
wh_segment_role_name(enum wh_role r)
{
	return (unsigned)r < WH_NROLES ? role_names[r] : "?";
}

const char *
wh_segment_label_name(enum wh_label l)
{
	return (unsigned)l <= WH_LABEL_UNKNOWN ? label_names[l] : "?";
}

const char *
wh_segment_flag_name(unsigned bit)
{
	for (int k = 0; k < WH_SEG_NFLAGS; k++)
		if (bit == 1u << k)
			return flag_names[k];
	return "?";
}

static void
json_flags(struct wh_buf *out, unsigned flags)
{
	bool first = true;

	wh_buf_addc(out, '[');
	for (int k = 0; k < WH_SEG_NFLAGS; k++)
		if (flags & (1u << k)) {
			wh_buf_printf(out, "%s\"%s\"", first ? "" : ",", flag_names[k]);
			first = false;
		}
	wh_buf_addc(out, ']');
}

static size_t
tokens(const struct wh_tokenizer *tok, const char *t, size_t s, size_t e)
{
	return wh_tokenizer_count(tok, t + s, e - s);
}

static void
json_segment(struct wh_buf *out, const struct wh_segment *sg, const char *t,
    const struct wh_tokenizer *tok)
{
	wh_buf_printf(out, "{\"role\":\"%s\",\"solution\":", role_names[sg->role]);
	if (sg->solution)
		wh_buf_printf(out, "%u", sg->solution);
	else
		wh_buf_adds(out, "null");
	wh_buf_printf(out, ",\"start\":%zu,\"end\":%zu,\"flags\":", sg->start, sg->end);
	json_flags(out, sg->flags);
	if (sg->flags & WH_SEG_CLAIM) {
		wh_buf_adds(out, ",\"claim\":");
		wh_json_quote(out, t + sg->claim_start, sg->claim_end - sg->claim_start);
	}
	if (tok)
		wh_buf_printf(out, ",\"tokens\":%zu", tokens(tok, t, sg->start, sg->end));
	wh_buf_addc(out, '}');
}

static void
json_solution(struct wh_buf *out, const struct wh_segmentation *g, size_t k,
    const char *t, const struct wh_tokenizer *tok)
{
	const struct wh_solution *so = &g->sols[k];

	wh_buf_printf(out, "{\"index\":%zu,\"role\":\"%s\",\"answer\":", k + 1,
	    role_names[so->role]);
	if (so->has_answer)
		wh_json_quote(out, t + so->answer_start, so->answer_end - so->answer_start);
	else
		wh_buf_adds(out, "null");
	wh_buf_printf(out, ",\"label\":\"%s\",\"redundant\":%s,\"same_as\":",
	    label_names[so->label], so->redundant ? "true" : "false");
	if (so->same_as)
		wh_buf_printf(out, "%u", so->same_as);
	else
		wh_buf_adds(out, "null");
	wh_buf_printf(out, ",\"main\":%s,\"first_segment\":%zu,\"last_segment\":%zu",
	    so->main ? "true" : "false", so->first, so->last);
	if (tok)
		wh_buf_printf(out, ",\"tokens\":%zu", tokens(tok, t,
		    g->segs[so->first].start, g->segs[so->last].end));
	wh_buf_addc(out, '}');
}

void
wh_segment_json(const struct wh_segmentation *g, const char *t,
    const struct wh_tokenizer *tok, struct wh_buf *out)
{
	wh_buf_adds(out, "{\"segments\":[");
	for (size_t i = 0; i < g->n_segs; i++) {
		if (i)
			wh_buf_addc(out, ',');
		json_segment(out, &g->segs[i], t, tok);
	}
	wh_buf_adds(out, "],\"solutions\":[");
	for (size_t k = 0; k < g->n_sols; k++) {
		if (k)
			wh_buf_addc(out, ',');
		json_solution(out, g, k, t, tok);
	}
	wh_buf_printf(out, "],\"reference\":\"%s\"}", !g->has_reference ? "none" :
	    g->reference_is_gold ? "gold" : "final-answer");
}

/* Up to width columns of t[s..e) on one line: newlines and tabs shown as
 * spaces, cut at a character boundary with "…". */
static void
excerpt(struct wh_buf *out, const char *t, size_t s, size_t e, int width)
{
	int cols = 0;

	for (size_t i = s; i < e;) {
		unsigned char b = (unsigned char)t[i];
		size_t n = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		if (i + n > e)
			n = e - i;
		if (cols + 1 >= width && i + n < e) {
			wh_buf_adds(out, "\xe2\x80\xa6");
			return;
		}
		if (b == '\n' || b == '\t' || b == '\r')
			wh_buf_addc(out, ' ');
		else
			wh_buf_add(out, t + i, n);
		cols += n == 3 && b >= 0xe3 ? 2 : 1;	/* CJK is two columns */
		i += n;
	}
}

static void
print_flags(struct wh_buf *out, unsigned flags)
{
	static const char marks[WH_SEG_NFLAGS] = { 0, '+', '-', '=', 'R', 'M', 'A' };

	for (int k = 1; k < WH_SEG_NFLAGS; k++)
		wh_buf_addc(out, flags & (1u << k) ? marks[k] : '.');
}

void
wh_segment_print(const struct wh_segmentation *g, const char *t,
    const struct wh_tokenizer *tok, int width, struct wh_buf *out)
{
	int text_width = width > 48 ? width - (tok ? 36 : 29) : 12;

	wh_buf_printf(out, "  #  role        sol flags   %stext   (flags: + affirm, - negate, "
	    "= claim, R redundant, M main path, A answer)\n", tok ? "tokens " : "");
	for (size_t i = 0; i < g->n_segs; i++) {
		const struct wh_segment *sg = &g->segs[i];
		if (sg->flags & WH_SEG_PARAGRAPH && i)
			wh_buf_addc(out, '\n');
		wh_buf_printf(out, "%3zu  %-10s  ", i + 1, role_names[sg->role]);
		if (sg->solution)
			wh_buf_printf(out, "%3u ", sg->solution);
		else
			wh_buf_adds(out, "  - ");
		print_flags(out, sg->flags);
		wh_buf_adds(out, "  ");
		if (tok)
			wh_buf_printf(out, "%6zu ", tokens(tok, t, sg->start, sg->end));
		excerpt(out, t, sg->start, sg->end, text_width);
		wh_buf_addc(out, '\n');
	}
	wh_buf_printf(out, "\nsolutions (against %s):\n", !g->has_reference ? "nothing" :
	    g->reference_is_gold ? "the gold answer" : "the trace's final answer");
	for (size_t k = 0; k < g->n_sols; k++) {
		const struct wh_solution *so = &g->sols[k];
		wh_buf_printf(out, "%3zu  %-7s segments %zu-%zu  %-10s", k + 1,
		    role_names[so->role], so->first + 1, so->last + 1, label_names[so->label]);
		if (so->has_answer) {
			wh_buf_adds(out, " answer ");
			excerpt(out, t, so->answer_start, so->answer_end, 40);
		}
		if (so->redundant)
			wh_buf_printf(out, "  redundant (repeats %u)", so->same_as);
		if (so->main)
			wh_buf_adds(out, "  main path");
		wh_buf_addc(out, '\n');
	}
}
