/* The trace view: question, thinking as DLCoT segments coloured by role
 * with a gutter (role, solution, tokens, flags), answer and gold; solutions
 * fold; the cursor moves by segment, solution and error. */
#ifndef WH_TUI_TVIEW_H
#define WH_TUI_TVIEW_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/text.h"
#include "whittle/dataset.h"
#include "whittle/segment.h"
#include "whittle/tokenizer.h"

enum wh_tline_kind { WH_TL_TITLE, WH_TL_QUESTION, WH_TL_SEGMENT, WH_TL_FOLD,
	WH_TL_ANSWER, WH_TL_GOLD, WH_TL_BLANK };

/* One screen line of the view. */
struct wh_tline {
	uint8_t kind;		/* enum wh_tline_kind */
	bool first;		/* first line of its segment: the gutter shows */
	size_t seg;		/* segment (or solution, for a fold) */
	size_t start, end;	/* bytes of the field's text */
};

struct wh_tui_tview {
	bool loaded;
	size_t entry;
	struct wh_trace t;
	bool bad;
	char error[256];	/* why the record could not be read, or why
				   there is none (not loaded, not bad) */
	struct wh_segmentation g;
	uint32_t *seg_tokens;	/* per segment: tokens, or characters */
	bool in_tokens;		/* seg_tokens counts tokens */
	uint8_t *folded;	/* per solution */
	long departs;		/* segment where a prediction of whittle eval
				   departs from the teacher ("departs"), or -1 */
	char review[240];	/* the record's review mark and note, shown in
				   the question's title; "" for none */
	char origin[240];	/* the question's title says it too: where
				   the record is from (side by side) */
	size_t cur;		/* current segment */
	size_t top;		/* first screen line shown */
	bool jumped;		/* cur moved by a jump (solution, error, search):
				   out of sight, it goes a third down, not to
				   the screen's edge */
	struct wh_tline *lines;
	size_t n_lines;
	int width;		/* lines were laid out for this width */
};

/* Load entry i of ds into v (dropping what v held); the cursor goes to the
 * first segment, or stays at keep_cur when it is still in range. */
void wh_tui_tview_load(struct wh_tui_tview *v, struct wh_dataset *ds, size_t i,
    const struct wh_segmenter *seg, const struct wh_tokenizer *tok,
    size_t keep_cur);
void wh_tui_tview_free(struct wh_tui_tview *v);

/* Draw v in the rectangle (y, x, h, w); cursor shows the current segment
 * (false for a pane without the keys); matches of re (may be NULL) are
 * highlighted. */
void wh_tui_tview_draw(struct wh_tui_tview *v, int y, int x, int h, int w,
    bool cursor, const regex_t *re);

/* The first screen line of segment seg (or of its fold) when v is laid
 * out w columns wide; false when there is no such segment. */
bool wh_tui_tview_line_of(struct wh_tui_tview *v, size_t seg, int w, size_t *line);

/* Cursor moves; each returns false when there is nowhere to go. */
bool wh_tui_tview_step(struct wh_tui_tview *v, int dir);
bool wh_tui_tview_solution(struct wh_tui_tview *v, int dir);
bool wh_tui_tview_error(struct wh_tui_tview *v, int dir);
/* Scroll by n screen lines (negative: up), keeping the cursor on screen. */
void wh_tui_tview_scroll(struct wh_tui_tview *v, long n, int h);
void wh_tui_tview_home(struct wh_tui_tview *v, bool end);

/* Make segment k (< the segments) current, as a jump does, unfolding its
 * solution when it is folded. */
void wh_tui_tview_reveal(struct wh_tui_tview *v, size_t k);
/* Fold or unfold the current segment's solution. */
void wh_tui_tview_fold(struct wh_tui_tview *v);
/* Fold the solutions folded[0..n_sols) says, when v has as many: the folds
 * of a record reloaded after an edit (the cursor leaves a folded part). */
void wh_tui_tview_refold(struct wh_tui_tview *v, const uint8_t *folded, size_t n_sols);
/* Fold every verification attempt (all true) or unfold everything. */
void wh_tui_tview_fold_all(struct wh_tui_tview *v, bool all);

/* Is segment k an error: in an incorrect or redundant attempt, or a
 * self-negation? */
bool wh_tui_tview_is_error(const struct wh_tui_tview *v, size_t k);

#endif
