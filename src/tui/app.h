/* The workbench's state, shared by its views, and the calls views make on
 * it: messages, moving between records and views, redraw requests. */
#ifndef WH_TUI_APP_H
#define WH_TUI_APP_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "tui/edit.h"
#include "tui/engine-status.h"
#include "tui/init.h"
#include "tui/losses.h"
#include "tui/marks.h"
#include "whittle/overrides.h"
#include "tui/rows.h"
#include "tui/steps.h"
#include "tui/tview.h"
#include "whittle/dataset.h"
#include "whittle/theme.h"

enum wh_view { WH_VIEW_LIST, WH_VIEW_TRACE, WH_VIEW_FACETS, WH_VIEW_DIFF,
	WH_NVIEWS };

/* What the command line is being used for. */
enum wh_prompt { WH_PROMPT_NONE, WH_PROMPT_COMMAND, WH_PROMPT_SEARCH,
	WH_PROMPT_EDIT, WH_PROMPT_SPLIT,
	WH_PROMPT_NOTE };

struct wh_facet_row {
	char value[64];
	size_t count;
};

/* A question's first line as the list shows it, kept for the next draw. */
struct wh_tui_qline {
	size_t entry;			/* (size_t)-1: empty */
	char text[256];
	char difficulty[16];		/* the record's, when the list shows it */
};

#define WH_QLINES 256			/* cached question lines */

struct wh_tui {
	struct wh_dataset *ds;
	struct stat disk;	/* FILE as read or last saved: a save over it
				   first checks that no other program wrote it */
	struct wh_tui_rows rows;
	struct wh_tui_engine engine;	/* its state on the status line */
	struct wh_segmenter *seg;
	struct wh_tokenizer *tok;
	struct wh_theme theme;
	char *datadir;
	bool color;
	int height, width;
	enum wh_view view, back;	/* back: where Esc/q returns to */
	bool help;
	size_t help_top;
	bool quit;
	bool dirty;			/* the screen must be drawn again */
	size_t last_done;		/* rows done at the last draw */

	/* the list: positions index the filter when there is one */
	size_t *filter, n_filter;
	bool filtered;
	char filter_desc[96];	/* the filter's expression, or "" */
	char sort_desc[48];	/* the order's column, or "": file order */
	size_t cur, top;
	struct wh_tui_qline qlines[WH_QLINES];	/* by entry % WH_QLINES */
	const char *difficulty;		/* the field the list's difficulty
					   column shows, or NULL for none */
	bool difficulty_probed;

	struct wh_tui_tview tv;
	struct wh_tui_tview side;	/* the second dataset's trace */
	struct wh_dataset *ds2;		/* side by side, or NULL */
	size_t *side_match;		/* per segment of tv: side's equal one, or
					   SIZE_MAX; NULL: not paired yet */
	size_t side_match_n;		/* tv's segments when it was paired */
	struct wh_tui_side_key {	/* ds2's records by question, made */
		uint64_t hash;		/* when first needed */
		size_t entry;		/* plus one; 0: a free slot */
	} *side_keys;
	size_t side_cap;
	bool no_split;			/* :set split=off: one pane however wide */

	/* facets */
	char facet[32];
	struct wh_facet_row *facets;
	size_t n_facets, facet_cur, facet_top;
	bool facet_by_value;		/* values in their order (o), not by
					   count (as each facet opens) */

	/* diff: parts of before (kind 1), after (2) or both (0) */
	char diff_title[200];
	char *diff_text[2];
	struct wh_diff_part { uint8_t kind; size_t start, end; } *diff;
	size_t n_diff, diff_top;
	size_t *diff_line;		/* per part its first screen line, and
					   the total after the last, laid out
					   diff_width columns wide */
	int diff_width;
	size_t diff_rows;		/* the parts' rows at the last draw */
	bool diff_plain;		/* one text shown as it is, no diff */

	/* search */
	char *pattern;			/* the last search, or NULL */
	regex_t re;			/* pattern compiled */
	bool search_back;

	/* command line */
	enum wh_prompt prompt;
	char msg[512];
	bool msg_error;
	bool msg_indexing;	/* msg says the list is still being indexed */
	bool msg_fresh;		/* msg came after the last key: shown whole */

	struct wh_tui_history undo;
	struct wh_tui_marks marks;
	struct wh_overrides ov;	/* segment roles and solutions set by hand */
	char ov_problem[600];	/* what of the overrides file could not be read */
	struct wh_tui_steps steps;	/* :run */
	struct wh_tui_losses losses;	/* the loss column, if any */

	struct wh_tui_user_key *user_keys;	/* bound by init.lua, looked */
	size_t n_user_keys;			/* at before the keymap */
	int keys[4];			/* a key sequence under way */
	int n_keys;
	bool confirm_quit;		/* q asked once with unsaved edits */
};

/* Forget ds2's records by question (ds2 closed or replaced). */
void wh_tui_side_forget(struct wh_tui *app);

/* Show a message (error: in the error style) on the message line. */
void wh_tui_message(struct wh_tui *app, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records on the list (all, or the filter's). */
size_t wh_tui_list_len(const struct wh_tui *app);
/* Entry of list position pos. */
size_t wh_tui_list_entry(const struct wh_tui *app, size_t pos);
/* Entry under the list cursor; (size_t)-1 when the list is empty. */
size_t wh_tui_current(const struct wh_tui *app);
/* Move the list cursor to position pos (clamped); the trace view follows. */
void wh_tui_goto(struct wh_tui *app, size_t pos);
/* Open the current record in the trace view. */
void wh_tui_open_trace(struct wh_tui *app);
/* Set the list's filter to the entries in v[0..n) (taken), desc saying
 * what it is; v NULL clears it. */
void wh_tui_set_filter(struct wh_tui *app, size_t *v, size_t n, const char *desc);
/* Adopt the whole index once the background indexer has it (wait: block
 * until then); the list and the marks grow. */
void wh_tui_index_poll(struct wh_tui *app, bool wait);
/* Load theme name; false with a message when it cannot. */
bool wh_tui_set_theme(struct wh_tui *app, const char *name);
/* Reload the trace views after the current record changed. */
void wh_tui_reload(struct wh_tui *app);
/* Search for the regular expression s from now on; false (with a
 * message) when it does not compile. */
bool wh_tui_set_pattern(struct wh_tui *app, const char *s);
/* Unsaved edits in the dataset. */
size_t wh_tui_unsaved(const struct wh_tui *app);

#endif
