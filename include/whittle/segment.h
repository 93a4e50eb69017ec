/* DLCoT segmentation: a trace's thinking cut into sentence segments (never
 * inside LaTeX math, code, a number or a UTF-8 character), each with a role
 * of DLCoT's macro structure, grouped into solution attempts that are
 * labelled against the reference and marked when they repeat an earlier
 * one. Cue words are data (struct wh_segment_rules); a compiled rule set is
 * read-only and may be shared by threads. Same text and rules, same result. */
#ifndef WHITTLE_SEGMENT_H
#define WHITTLE_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "whittle/buf.h"
#include "whittle/error.h"

/* DLCoT's five macro parts, in the order they occur. */
enum wh_role {
	WH_ROLE_RESTATE,	/* Question_Repeat */
	WH_ROLE_UNDERSTAND,	/* Problem_Understand */
	WH_ROLE_EXPLORE,	/* Solution_Explore: up to the first answer */
	WH_ROLE_VERIFY,		/* checks and other approaches after it */
	WH_ROLE_CONCLUDE,	/* the final statement */
	WH_NROLES
};

/* What a cue announces. */
enum wh_cue_kind {
	WH_CUE_RESTATE,		/* "the problem says", "we need to find" */
	WH_CUE_UNDERSTAND,	/* "first, I need to understand", "recall that" */
	WH_CUE_NEW_SOLUTION,	/* "alternatively", "换一种方法" */
	WH_CUE_VERIFY,		/* "let me check", "验证" */
	WH_CUE_AFFIRM,		/* "that checks out" */
	WH_CUE_NEGATE,		/* "wait, that's wrong", "we already did that" */
	WH_CUE_CONCLUDE,	/* "final answer", "综上" */
	WH_CUE_CLAIM,		/* "so", "therefore": a sentence that states a result */
	WH_CUE_FILLER,		/* "hmm", "but": start cues also match after it */
	WH_NCUES
};

/* One cue: a phrase matched ASCII-case-insensitively at a word start, either
 * only at the start of a segment (after spaces, "**", "- ") or anywhere. */
struct wh_cue {
	const char *phrase;	/* UTF-8 */
	enum wh_cue_kind kind;
	bool anywhere;
};

/* A rule set: cues and the thresholds of the heuristics. */
struct wh_segment_rules {
	const struct wh_cue *cues;
	size_t n_cues;
	double similarity;	/* word-set overlap |A∩B|/min(|A|,|B|) at which
				   two attempts with the same answer count as
				   one approach */
	double restate_overlap;	/* share of a segment's words found in the
				   question that makes it a restatement */
};

/* The built-in rules, English and Chinese (static, never freed). */
const struct wh_segment_rules *wh_segment_default_rules(void);

/* A compiled rule set. */
struct wh_segmenter;

/* Compile rules (copied: the caller's arrays may go away). Fails, with err
 * set, on an empty phrase or an unknown kind. Free with wh_segmenter_free. */
int wh_segmenter_new(struct wh_segmenter **out, const struct wh_segment_rules *rules,
    struct wh_error *err);
void wh_segmenter_free(struct wh_segmenter *s);

/* Segment flags. */
enum {
	WH_SEG_PARAGRAPH = 1 << 0,	/* starts a paragraph */
	WH_SEG_AFFIRM = 1 << 1,		/* self-affirmation */
	WH_SEG_NEGATE = 1 << 2,		/* self-negation */
	WH_SEG_CLAIM = 1 << 3,		/* states an intermediate answer */
	WH_SEG_REDUNDANT = 1 << 4,	/* in a redundant attempt */
	WH_SEG_MAIN = 1 << 5,		/* on the main path */
	WH_SEG_ANSWER = 1 << 6,		/* the claim is stated as an answer */
	WH_SEG_NFLAGS = 7
};

struct wh_segment {
	size_t start, end;	/* bytes of the thinking */
	uint8_t role;		/* enum wh_role */
	uint8_t flags;
	uint16_t cues;		/* the segmenter's: cue kinds found in it */
	uint32_t solution;	/* 1-based attempt, 0 outside any */
	size_t claim_start, claim_end;	/* the value stated, when CLAIM */
};

enum wh_label {
	WH_LABEL_CORRECT, WH_LABEL_INCORRECT, WH_LABEL_INCOMPLETE,
	WH_LABEL_UNKNOWN	/* no reference, or equivalence undecided */
};

/* A solution attempt: consecutive segments of one role (explore or verify). */
struct wh_solution {
	size_t first, last;	/* segment indices, inclusive */
	uint8_t role;		/* WH_ROLE_EXPLORE or WH_ROLE_VERIFY */
	uint8_t label;		/* enum wh_label */
	bool has_answer;
	size_t answer_start, answer_end;	/* bytes of the thinking */
	bool redundant;		/* repeats attempt same_as */
	uint32_t same_as;	/* 1-based, 0 when not redundant */
	bool main;		/* on the main path: up to the first correct */
};

struct wh_segmentation {
	struct wh_segment *segs;
	size_t n_segs;
	struct wh_solution *sols;
	size_t n_sols;
	bool has_reference;
	bool reference_is_gold;	/* labels are against gold, not the trace's
				   own final answer */
	/* What wh_segment_retrace checks before it reuses this segmentation's
	   work: the rules that made it and its reference (a copy). */
	const struct wh_segmenter *rules;
	char *reference;
	size_t reference_len;
};

/* What to segment: thinking is required; the others may be NULL. */
struct wh_segment_input {
	const char *thinking;
	size_t thinking_len;
	const char *question;
	size_t question_len;
	const char *answer;	/* the trace's final response */
	size_t answer_len;
	const char *gold;	/* reference answer or solution */
	size_t gold_len;
};

/* Segment in->thinking with the compiled rules s into out (owned by the
 * caller, released with wh_segmentation_free). Pure: reads only in's text
 * and s; never fails. */
void wh_segment_trace(const struct wh_segmenter *s, const struct wh_segment_input *in,
    struct wh_segmentation *out);
/* The same result as wh_segment_trace, with less work when in->thinking
 * is made of segments of the text prev was made from (as when pruning drops
 * some): a segment with the bytes of one of prev's gets prev's cues and
 * claim instead of looking for them again, provided prev was made with
 * the same rules s and against the same reference. prev may be NULL. */
void wh_segment_retrace(const struct wh_segmenter *s, const struct wh_segment_input *in,
    const struct wh_segmentation *prev, const char *prev_text,
    struct wh_segmentation *out);
void wh_segmentation_free(struct wh_segmentation *g);

/* Cut text[0..len) into sentence segments only (no roles): out->segs with
 * start, end and WH_SEG_PARAGRAPH. */
void wh_segment_split(const char *text, size_t len, struct wh_segmentation *out);

/* "restate", "understand", "explore", "verify", "conclude". */
const char *wh_segment_role_name(enum wh_role r);
/* "correct", "incorrect", "incomplete", "unknown". */
const char *wh_segment_label_name(enum wh_label l);
/* Names of the flags: "paragraph", "self-affirm", "self-negate", "claim",
 * "redundant", "main", "answer"; bit is one WH_SEG_* value. */
const char *wh_segment_flag_name(unsigned bit);
/* Cue kind by name ("restate", ..., "claim"), or -1: for rule files. */
int wh_segment_cue_kind(const char *name);
const char *wh_segment_cue_name(enum wh_cue_kind k);

struct wh_tokenizer;

/* Append g as one JSON object {segments: [{role, solution, start, end,
 * flags[, claim][, tokens]}], solutions: [{index, role, answer, label,
 * redundant, same_as, main, first_segment, last_segment[, tokens]}],
 * reference} to out; thinking is the text g was made from; tok, when not
 * NULL, adds token counts. */
void wh_segment_json(const struct wh_segmentation *g, const char *thinking,
    const struct wh_tokenizer *tok, struct wh_buf *out);

/* Append g as text for a terminal: one line per segment (role, solution,
 * flags, tokens when tok is not NULL, text shortened to width columns),
 * then one per solution. */
void wh_segment_print(const struct wh_segmentation *g, const char *thinking,
    const struct wh_tokenizer *tok, int width, struct wh_buf *out);

#endif
