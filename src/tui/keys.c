/* The keymap table, key-sequence dispatch and the help overlay generated
 * from the table, so that help always says what the keys do now. */
#include <stdio.h>
#include <string.h>

#include "tui/actions.h"
#include "tui/app.h"
#include "tui/cmds.h"
#include "tui/keys.h"
#include "tui/ui.h"

#define L (1u << WH_VIEW_LIST)
#define T (1u << WH_VIEW_TRACE)
#define F (1u << WH_VIEW_FACETS)
#define D (1u << WH_VIEW_DIFF)
#define ALL (L | T | F | D)

static const struct wh_binding keymap[] = {
	{ "j", ALL, "next row / segment", wh_act_down },
	{ "<Down>", ALL, "next row / segment", wh_act_down },
	{ "k", ALL, "previous row / segment", wh_act_up },
	{ "<Up>", ALL, "previous row / segment", wh_act_up },
	{ "<PgDn>", ALL, "page down", wh_act_page_down },
	{ "<C-f>", ALL, "page down", wh_act_page_down },
	{ "<Space>", ALL, "page down", wh_act_page_down },
	{ "<PgUp>", ALL, "page up", wh_act_page_up },
	{ "<C-b>", ALL, "page up", wh_act_page_up },
	{ "gg", ALL, "first row / segment", wh_act_top },
	{ "<Home>", ALL, "first row / segment", wh_act_top },
	{ "G", ALL, "last row / segment", wh_act_bottom },
	{ "<End>", ALL, "last row / segment", wh_act_bottom },
	{ "<Enter>", L | F, "open the trace / filter the list to the value", wh_act_open },
	{ "l", L, "open the trace", wh_act_open },
	{ "<Right>", L, "open the trace", wh_act_open },
	{ "<Tab>", L | T, "move the keys between list and trace", wh_act_focus },
	{ "o", F, "order the values by value or by count", wh_act_facet_order },
	{ "q", ALL, "back to the list; quit from the list", wh_act_back },
	{ "<Esc>", ALL, "back to the list; on the list, clear the filter", wh_act_back },
	{ "h", T, "back to the list", wh_act_back },
	{ "<Left>", T, "back to the list", wh_act_back },
	{ "?", ALL, "this help", wh_act_help },
	{ "<F1>", ALL, "this help", wh_act_help },
	{ ":", ALL, "command line", wh_act_command },
	{ "/", L | T | F, "search questions and thinking, or a facet's values (regex)",
	    wh_act_search },
	{ "n", L | T | F, "next match", wh_act_search_next },
	{ "N", L | T | F, "previous match", wh_act_search_prev },
	{ "<C-l>", ALL, "redraw the whole screen", wh_act_redraw },
	{ "<C-z>", ALL, "suspend to the shell (fg resumes)", wh_act_suspend },
	{ "]s", T, "next solution", wh_act_next_solution },
	{ "[s", T, "previous solution", wh_act_prev_solution },
	{ "]e", T, "next error (incorrect, redundant, self-negation)", wh_act_next_error },
	{ "[e", T, "previous error", wh_act_prev_error },
	{ "}", T, "next record", wh_act_next_record },
	{ "{", T, "previous record", wh_act_prev_record },
	{ "za", T, "fold or unfold this solution", wh_act_fold },
	{ "zM", T, "fold every verification attempt", wh_act_fold_verify },
	{ "zR", T, "unfold everything", wh_act_unfold_all },
	{ "dd", T, "delete this segment", wh_act_delete_segment },
	{ "J", T, "merge this segment with the next", wh_act_merge },
	{ "s", T, "split this segment at a point you choose", wh_act_split },
	{ "e", T, "edit this segment inline", wh_act_edit_inline },
	{ "E", T, "edit the thinking in $EDITOR", wh_act_edit_external },
	{ "dS", T, "delete this whole solution", wh_act_delete_solution },
	{ "t", T, "trim here: cut after this segment, keep the conclusion", wh_act_trim },
	{ "r", T, "change this segment's role (:role)", wh_act_role },
	{ ">", T, "move this segment to the next solution", wh_act_move_next_solution },
	{ "<", T, "move this segment to the previous solution (0: none)", wh_act_move_prev_solution },
	{ "R", L | T, "restore the original record", wh_act_restore },
	{ "u", ALL, "undo", wh_act_undo },
	{ "<C-r>", ALL, "redo", wh_act_redo },
	{ "=", L | T | D, "diff of the last edit", wh_act_diff },
	{ "]c", D, "next change", wh_act_next_change },
	{ "[c", D, "previous change", wh_act_prev_change },
	{ "y", D, "keep what :run did to the trace", wh_act_keep },
	{ "n", D, "discard what :run did to the trace", wh_act_discard },
	{ "a", L | T, "mark: accept", wh_act_accept },
	{ "x", L | T, "mark: reject", wh_act_reject },
	{ "f", L | T, "mark: needs fix", wh_act_fix },
	{ "m", L | T, "note on the mark", wh_act_note },
	{ "F", L | T, "facets: frequency table of a column", wh_act_facets },
	{ "Q", ALL, "quit (asks when edits are unsaved)", wh_act_quit },
};

static const struct { const char *name; int key; } key_names[] = {
	{ "Down", WH_KEY_DOWN }, { "Up", WH_KEY_UP }, { "Left", WH_KEY_LEFT },
	{ "Right", WH_KEY_RIGHT }, { "PgDn", WH_KEY_PGDN }, { "PgUp", WH_KEY_PGUP },
	{ "Home", WH_KEY_HOME }, { "End", WH_KEY_END }, { "Enter", '\n' },
	{ "Tab", '\t' }, { "Esc", 27 }, { "Space", ' ' }, { "F1", WH_KEY_F1 },
};

const struct wh_binding *
wh_tui_keymap(size_t *n)
{
	*n = sizeof keymap / sizeof keymap[0];
	return keymap;
}

int
wh_tui_parse_keys(const char *s, int *out, int max)
{
	int n = 0;

	while (*s && n < max) {
		if (*s == '<' && s[1] && strchr(s, '>')) {
			const char *e = strchr(s, '>');
			size_t len = (size_t)(e - s - 1);
			if (len == 3 && s[1] == 'C' && s[2] == '-')
				out[n++] = s[3] - 'a' + 1;
			for (size_t k = 0; k < sizeof key_names / sizeof key_names[0]; k++)
				if (strlen(key_names[k].name) == len &&
				    strncmp(key_names[k].name, s + 1, len) == 0)
					out[n++] = key_names[k].key;
			s = e + 1;
		} else
			out[n++] = (unsigned char)*s++;
	}
	return n;
}

void
wh_tui_key_name(int code, char *buf, size_t size)
{
	for (size_t k = 0; k < sizeof key_names / sizeof key_names[0]; k++)
		if (key_names[k].key == code) {
			snprintf(buf, size, "<%s>", key_names[k].name);
			return;
		}
	if (code > 0 && code < 27)
		snprintf(buf, size, "<C-%c>", 'a' + code - 1);
	else if (code > ' ' && code < 127)
		snprintf(buf, size, "%c", code);
	else
		snprintf(buf, size, "<%d>", code);
}

/* 1: the pending keys are a binding (run it), 0: a prefix of one, -1: none.
 * The user's keys (init.lua) come first, in every view. */
static int
match(struct wh_tui *app)
{
	bool prefix = false;

	for (size_t u = 0; u < app->n_user_keys; u++) {
		const struct wh_tui_user_key *k = &app->user_keys[u];
		if (k->n < app->n_keys || memcmp(k->keys, app->keys,
		    (size_t)app->n_keys * sizeof *k->keys) != 0)
			continue;
		if (k->n == app->n_keys) {
			app->n_keys = 0;
			wh_tui_command(app, k->command);
			return 1;
		}
		prefix = true;
	}
	for (size_t b = 0; b < sizeof keymap / sizeof keymap[0]; b++) {
		int k[4], n;
		if (!(keymap[b].views & (1u << app->view)))
			continue;
		n = wh_tui_parse_keys(keymap[b].keys, k, 4);
		if (n < app->n_keys || memcmp(k, app->keys, (size_t)app->n_keys * sizeof *k) != 0)
			continue;
		if (n == app->n_keys) {
			app->n_keys = 0;
			keymap[b].fn(app);
			return 1;
		}
		prefix = true;
	}
	return prefix ? 0 : -1;
}

/* A key in the help overlay: the pager's keys scroll it (the drawing keeps
 * the last page full), any other closes it. */
static void
help_key(struct wh_tui *app, int key)
{
	size_t page = app->height > 6 ? (size_t)app->height - 6 : 1;

	if (key == 'j' || key == WH_KEY_DOWN)
		app->help_top++;
	else if (key == 'k' || key == WH_KEY_UP)
		app->help_top -= app->help_top > 0;
	else if (key == WH_KEY_PGDN || key == ' ' || key == 6)	/* C-f */
		app->help_top += page;
	else if (key == WH_KEY_PGUP || key == 2)		/* C-b */
		app->help_top -= app->help_top > page ? page : app->help_top;
	else if (key == 'g' || key == WH_KEY_HOME)
		app->help_top = 0;
	else if (key == 'G' || key == WH_KEY_END)
		app->help_top = (size_t)-1 / 2;
	else
		app->help = false;
}

void
wh_tui_key(struct wh_tui *app, int key)
{
	if (app->help) {
		help_key(app, key);
		app->dirty = true;
		return;
	}
	if (app->n_keys >= 4)
		app->n_keys = 0;
	app->keys[app->n_keys++] = key;
	if (match(app) < 0) {
		app->n_keys = 0;
		if (key != 27)
			wh_tui_message(app, false, "no binding here; ? shows the keys");
	}
	app->dirty = true;
}

static const char *view_names[WH_NVIEWS] = { "List", "Trace", "Facets", "Diff" };

/* The user's key (init.lua) that takes the place of the built-in keys
 * written keys: one that is the same sequence, or begins it (it runs
 * first, so the built-in one is never reached); NULL when none does. */
static const struct wh_tui_user_key *
shadowed_by(const struct wh_tui *app, const char *keys)
{
	int k[4], n = wh_tui_parse_keys(keys, k, 4);

	for (size_t u = 0; u < app->n_user_keys; u++) {
		const struct wh_tui_user_key *uk = &app->user_keys[u];
		if (uk->n <= n && memcmp(uk->keys, k, (size_t)uk->n * sizeof *k) == 0)
			return uk;
	}
	return NULL;
}

/* The first built-in binding user key uk takes the place of, or NULL. */
static const struct wh_binding *
replaced_by(const struct wh_tui *app, const struct wh_tui_user_key *uk)
{
	for (size_t b = 0; b < sizeof keymap / sizeof keymap[0]; b++)
		if (shadowed_by(app, keymap[b].keys) == uk)
			return &keymap[b];
	return NULL;
}

/* The help text as lines into a caller-sized array, the keys of each view
 * and then the commands (from line *commands); returns the count. */
static size_t
help_lines(const struct wh_tui *app, char lines[][160], size_t max, size_t *commands)
{
	const struct wh_command *cmd;
	size_t n = 0, n_cmds;

	for (int v = 0; v < WH_NVIEWS; v++) {
		if (n < max)
			snprintf(lines[n++], 160, "%s", view_names[v]);
		for (size_t b = 0; b < sizeof keymap / sizeof keymap[0] && n < max; b++) {
			bool seen = false;
			if (!(keymap[b].views & (1u << v)) || shadowed_by(app, keymap[b].keys))
				continue;
			for (size_t c = 0; c < b && !seen; c++)
				seen = (keymap[c].views & (1u << v)) && keymap[c].fn == keymap[b].fn &&
				    !shadowed_by(app, keymap[c].keys);
			if (seen)
				continue;
			char keys[64] = "";
			for (size_t c = b; c < sizeof keymap / sizeof keymap[0]; c++)
				if ((keymap[c].views & (1u << v)) && keymap[c].fn == keymap[b].fn &&
				    !shadowed_by(app, keymap[c].keys) &&
				    strlen(keys) + strlen(keymap[c].keys) + 2 < sizeof keys)
					snprintf(keys + strlen(keys), sizeof keys - strlen(keys),
					    "%s%s", keys[0] ? " " : "", keymap[c].keys);
			snprintf(lines[n++], 160, "  %-24s %s", keys, keymap[b].help);
		}
		if (n < max)
			lines[n++][0] = '\0';
	}
	if (app->n_user_keys && n < max)
		snprintf(lines[n++], 160, "Your keys (init.lua), in every view");
	for (size_t k = 0; k < app->n_user_keys && n < max; k++) {
		const struct wh_binding *was = replaced_by(app, &app->user_keys[k]);
		char instead[100] = "";
		if (was)
			snprintf(instead, sizeof instead, " (in place of %s: %s)", was->keys,
			    was->help);
		snprintf(lines[n++], 160, "  %-10s %s%s", app->user_keys[k].name,
		    app->user_keys[k].command, instead);
	}
	if (app->n_user_keys && n < max)
		lines[n++][0] = '\0';
	*commands = n;
	if (n < max)
		snprintf(lines[n++], 160, "Commands (:help CMD says what one does)");
	cmd = wh_tui_commands(&n_cmds);
	for (size_t k = 0; k < n_cmds && n < max; k++) {
		char usage[64];
		snprintf(usage, sizeof usage, ":%s %s", cmd[k].name, cmd[k].args);
		snprintf(lines[n++], 160, "  %-24s %s", usage, cmd[k].help);
	}
	return n;
}

void
wh_tui_help_open(struct wh_tui *app, bool commands)
{
	static char lines[256][160];
	size_t at;

	help_lines(app, lines, 256, &at);
	app->help = true;
	app->help_top = commands ? at : 0;
	app->dirty = true;
}

void
wh_tui_help_draw(struct wh_tui *app, int y, int x, int h, int w)
{
	static char lines[256][160];
	size_t at, n = help_lines(app, lines, 256, &at);
	const char *title = "Keys and commands (j/k, PgDn/PgUp, g/G scroll; any other key closes)";
	size_t shown = h > 1 ? (size_t)h - 1 : 1;

	if (app->help_top + shown > n)
		app->help_top = n > shown ? n - shown : 0;
	for (int r = 0; r < h; r++)
		wh_ui_fill(y + r, x, w, WH_EL_HELP);
	wh_ui_put(y, x + 1, w - 2, title, strlen(title), WH_EL_TITLE);
	for (int r = 1; r < h && app->help_top + (size_t)r - 1 < n; r++) {
		const char *l = lines[app->help_top + (size_t)r - 1];
		wh_ui_put(y + r, x + 1, w - 2, l, strlen(l),
		    l[0] != ' ' ? WH_EL_HEADER : WH_EL_HELP);
	}
}
