/* The `:` commands, one table entry each as tmux's cmd-*.c are (name,
 * arguments, what completes them, help), and what a finished command line
 * does for each kind of prompt. */
#ifndef WH_TUI_CMDS_H
#define WH_TUI_CMDS_H

#include "tui/app.h"

/* What a command's arguments complete to. */
enum wh_complete { WH_COMPLETE_NONE, WH_COMPLETE_FILE, WH_COMPLETE_THEME,
	WH_COMPLETE_FACET, WH_COMPLETE_MARK, WH_COMPLETE_OPTION,
	WH_COMPLETE_COMMAND, WH_COMPLETE_ROLE, WH_COMPLETE_STEP };

struct wh_command {
	const char *name;
	const char *args;	/* usage of the arguments, "" for none */
	enum wh_complete complete;
	const char *help;
	void (*exec)(struct wh_tui *app, char *args);
};

/* A command's paragraph of whittle(1), as plain text (help-text.c, made
 * from the man page): the table ends with a NULL name; a command may have
 * several (":run" and ":run --all"). */
struct wh_tui_help_text {
	const char *name, *usage, *text;
};
extern const struct wh_tui_help_text wh_tui_help_texts[];

/* The command table, n entries. */
const struct wh_command *wh_tui_commands(size_t *n);

/* A line was entered at a prompt of kind (line is NULL when cancelled). */
void wh_tui_line_done(struct wh_tui *app, enum wh_prompt kind, char *line);
/* Run the command line text (":set theme=light") as if typed. */
void wh_tui_command(struct wh_tui *app, const char *text);

/* The facet names (for :facet and its completion), NULL-terminated. */
extern const char *const wh_tui_facet_names[];
/* The option names of :set, NULL-terminated. */
extern const char *const wh_tui_option_names[];

#endif
