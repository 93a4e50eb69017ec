/* GNU readline inside curses through the callback interface, as
 * rlncurses.c does it: we hand readline one byte at a time, draw its line
 * ourselves, keep it off the terminal (no tty modes, no signals, no LINES,
 * no output), and disarm what a user's inputrc could turn on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "tui/actions.h"
#include "tui/cmdline.h"
#include "tui/cmds.h"
#include "tui/keys.h"
#include "tui/steps.h"
#include "tui/text.h"
#include "tui/ui.h"
#include "whittle/file.h"
#include "whittle/paths.h"
#include "whittle/theme.h"

static struct {
	struct wh_tui *app;
	enum wh_prompt kind;
	char prompt[64];
	unsigned char queue[512];	/* input bytes readline has not read */
	size_t head, tail;
	char *history;		/* the history file */
	char step[64];		/* the step whose parameters complete */
	bool pasting;		/* a paste's end has not come yet */
	FILE *null;		/* readline's output goes here */
} cl;

static const char paste_begin[] = "\033[200~", paste_end[] = "\033[201~";

/* Whether the queue, from its head, starts with s; with part, also
 * whether it holds only a start of s. */
static bool
queued(const char *s, bool part)
{
	size_t n = strlen(s), have = cl.tail - cl.head;

	if (have < n)
		return part && memcmp(cl.queue + cl.head, s, have) == 0;
	return memcmp(cl.queue + cl.head, s, n) == 0;
}

static int
getc_hook(FILE *in)
{
	(void)in;
	return cl.head < cl.tail ? cl.queue[cl.head++] : EOF;
}

/* Readline asks this to tell an Escape from the start of a key sequence,
 * and reads typed-ahead text while it says yes: never into a paste, which
 * is ours to take as text. */
static int
input_available(void)
{
	return cl.head < cl.tail && !queued(paste_begin, true);
}

static void
redisplay(void)
{
	if (cl.app)
		cl.app->dirty = true;
}

static void
no_prep(int meta)
{
	(void)meta;
}

static void
no_deprep(void)
{
}

static void
close_prompt(void)
{
	struct wh_tui *app = cl.app;

	rl_callback_handler_remove();
	app->prompt = WH_PROMPT_NONE;
	wh_ui_raw(false);
	app->dirty = true;
}

static void
on_line(char *line)
{
	struct wh_tui *app = cl.app;
	enum wh_prompt kind = cl.kind;
	size_t point = (size_t)rl_point;

	close_prompt();
	if (line && *line && (kind == WH_PROMPT_COMMAND || kind == WH_PROMPT_SEARCH))
		add_history(line);
	if (line && kind == WH_PROMPT_SPLIT)
		wh_tui_segment_line(app, kind, line, point);
	else
		wh_tui_line_done(app, kind, line);
	free(line);
}

/* Completion: commands first, then what the command's arguments are. */
static char *
from_list(const char *text, int state, const char *const *names, size_t n)
{
	static size_t k;

	if (state == 0)
		k = 0;
	while (k < n) {
		const char *s = names[k++];
		if (strncmp(s, text, strlen(text)) == 0)
			return strdup(s);
	}
	return NULL;
}

static char *
command_gen(const char *text, int state)
{
	static const char *names[64];
	size_t n;
	const struct wh_command *c = wh_tui_commands(&n);

	for (size_t k = 0; k < n && k < 64; k++)
		names[k] = c[k].name;
	return from_list(text, state, names, n < 64 ? n : 64);
}

static char *
theme_gen(const char *text, int state)
{
	static char **names;
	static size_t n;
	char *r;

	if (state == 0) {
		for (size_t k = 0; k < n; k++)
			free(names[k]);
		free(names);
		names = wh_theme_list(cl.app->datadir, &n);
	}
	r = from_list(text, state, (const char *const *)names, n);
	return r;
}

static size_t
count(const char *const *v)
{
	size_t n = 0;
	while (v[n])
		n++;
	return n;
}

static char *
facet_gen(const char *text, int state)
{
	return from_list(text, state, wh_tui_facet_names, count(wh_tui_facet_names));
}

static char *
option_gen(const char *text, int state)
{
	return from_list(text, state, wh_tui_option_names, count(wh_tui_option_names));
}

static char *
step_gen(const char *text, int state)
{
	size_t n;
	const char *const *names = wh_tui_step_names(cl.app, &n);

	if (*text == '-')
		return state == 0 && strncmp("--all", text, strlen(text)) == 0
		    ? wh_xstrdup("--all") : NULL;
	return names ? from_list(text, state, names, n) : NULL;
}

static char *
role_gen(const char *text, int state)
{
	static const char *names[WH_NROLES];

	for (int r = 0; r < WH_NROLES; r++)
		names[r] = wh_segment_role_name((enum wh_role)r);
	return from_list(text, state, names, WH_NROLES);
}

static char *
mark_gen(const char *text, int state)
{
	static const char *const names[] = { "accept", "reject", "fix", "all",
		"none", "export" };
	return from_list(text, state, names, 6);
}

/* The step info of the step called name, or NULL. */
static const struct wh_step_info *
step_info(const char *name)
{
	size_t n;

	if (wh_tui_step_names(cl.app, &n) == NULL)
		return NULL;
	for (size_t k = 0; k < n; k++)
		if (strcmp(cl.app->steps.infos[k].name, name) == 0)
			return &cl.app->steps.infos[k];
	return NULL;
}

/* The parameters of the step cl.step names, each as NAME=. */
static char *
param_gen(const char *text, int state)
{
	static size_t k;
	const struct wh_step_info *info = step_info(cl.step);

	if (state == 0)
		k = 0;
	while (info && k < info->n_params) {
		const char *name = info->params[k++].name;
		if (strncmp(name, text, strlen(text)) == 0) {
			struct wh_buf b = {0};
			wh_buf_printf(&b, "%s=", name);
			return wh_buf_take(&b);
		}
	}
	return NULL;
}

static char *
on_off_gen(const char *text, int state)
{
	static const char *const names[] = { "on", "off" };
	return from_list(text, state, names, 2);
}

/* The words of the line before byte start, after the command's name (at
 * most max), into words (each cut to 63 bytes); returns how many. */
static size_t
args_before(int start, char words[][64], size_t max)
{
	size_t n = 0, at = strcspn(rl_line_buffer, " ");

	while ((int)at < start) {
		size_t len;
		at += strspn(rl_line_buffer + at, " ");
		len = strcspn(rl_line_buffer + at, " ");
		if ((int)(at + len) >= start)
			break;
		if (n < max)
			snprintf(words[n++], 64, "%.*s", (int)len, rl_line_buffer + at);
		at += len;
	}
	return n;
}

/* :run [--all] STEP [NAME=VALUE...]: the step, then its parameters. */
static char **
complete_run(const char *text, int start)
{
	char words[2][64];
	size_t n = args_before(start, words, 2);
	bool all = n > 0 && strcmp(words[0], "--all") == 0;

	if (n == (size_t)all)
		return rl_completion_matches(text, step_gen);
	if (rl_line_buffer[start - 1] == '=')	/* a value: nothing to offer */
		return NULL;
	memcpy(cl.step, words[all], sizeof cl.step);
	rl_completion_suppress_append = 1;
	return rl_completion_matches(text, param_gen);
}

/* :set OPTION=VALUE: the options, then after theme= or split= their
 * values; no space after a name that ends in =. */
static char **
complete_set(const char *text, int start)
{
	int from = start - 1;

	rl_completion_suppress_append = 1;
	if (start == 0 || rl_line_buffer[start - 1] != '=')
		return rl_completion_matches(text, option_gen);
	while (from > 0 && rl_line_buffer[from - 1] != ' ')
		from--;
	if (strncmp(rl_line_buffer + from, "theme=", 6) == 0 && from + 6 == start)
		return rl_completion_matches(text, theme_gen);
	if (strncmp(rl_line_buffer + from, "split=", 6) == 0 && from + 6 == start)
		return rl_completion_matches(text, on_off_gen);
	return NULL;
}

/* The completion kind of the command the line starts with. */
static enum wh_complete
arg_kind(void)
{
	size_t n, len = strcspn(rl_line_buffer, " ");
	const struct wh_command *c = wh_tui_commands(&n);

	for (size_t k = 0; k < n; k++)
		if (strlen(c[k].name) == len && strncmp(c[k].name, rl_line_buffer, len) == 0)
			return c[k].complete;
	return WH_COMPLETE_NONE;
}

static char **
complete(const char *text, int start, int end)
{
	static rl_compentry_func_t *const gen[] = {
		[WH_COMPLETE_THEME] = theme_gen, [WH_COMPLETE_FACET] = facet_gen,
		[WH_COMPLETE_MARK] = mark_gen, [WH_COMPLETE_COMMAND] = command_gen,
		[WH_COMPLETE_ROLE] = role_gen,
	};
	enum wh_complete k;

	(void)end;
	rl_attempted_completion_over = 1;
	if (cl.kind != WH_PROMPT_COMMAND)
		return NULL;
	if (start == 0)
		return rl_completion_matches(text, command_gen);
	k = arg_kind();
	if (k == WH_COMPLETE_FILE) {
		rl_attempted_completion_over = 0;
		return NULL;
	}
	if (k == WH_COMPLETE_STEP)
		return complete_run(text, start);
	if (k == WH_COMPLETE_OPTION)
		return complete_set(text, start);
	return gen[k] ? rl_completion_matches(text, gen[k]) : NULL;
}

/* Readline would print the list of matches on the terminal: show it on the
 * message line instead. */
static void
show_matches(char **matches, int n, int max)
{
	struct wh_buf b = {0};

	(void)max;
	for (int k = 1; k <= n; k++)
		wh_buf_printf(&b, "%s%s", k > 1 ? "  " : "", matches[k]);
	wh_tui_message(cl.app, false, "%s", b.data ? b.data : "");
	wh_buf_free(&b);
}

/* Settings a user's inputrc may not change: they would write to the
 * terminal behind curses or break our drawing of the line. */
static void
disarm(void)
{
	static Keymap maps[3];

	rl_variable_bind("enable-bracketed-paste", "off");
	rl_variable_bind("show-mode-in-prompt", "off");
	rl_variable_bind("page-completions", "off");
	rl_variable_bind("prefer-visible-bell", "on");
	rl_variable_bind("bell-style", "none");
	rl_variable_bind("enable-keypad", "off");
	rl_completion_query_items = -1;
	maps[0] = emacs_standard_keymap;
	maps[1] = vi_insertion_keymap;
	maps[2] = vi_movement_keymap;
	for (int k = 0; k < 3; k++) {
		rl_bind_key_in_map('\r', rl_newline, maps[k]);
		rl_bind_key_in_map('\n', rl_newline, maps[k]);
	}
	rl_bind_key_in_map('\t', rl_complete, emacs_standard_keymap);
	rl_bind_key_in_map('\t', rl_complete, vi_insertion_keymap);
	/* Readline binds Home, End and Delete from terminfo only when it
	   draws the line itself; we draw it, so bind what tmux, screen, the
	   Linux console, rxvt and xterm's Delete send (an inputrc wins). */
	for (int k = 0; k < 3; k++) {
		rl_bind_keyseq_if_unbound_in_map("\033[1~", rl_beg_of_line, maps[k]);
		rl_bind_keyseq_if_unbound_in_map("\033[7~", rl_beg_of_line, maps[k]);
		rl_bind_keyseq_if_unbound_in_map("\033[4~", rl_end_of_line, maps[k]);
		rl_bind_keyseq_if_unbound_in_map("\033[8~", rl_end_of_line, maps[k]);
		rl_bind_keyseq_if_unbound_in_map("\033[3~", rl_delete, maps[k]);
	}
}

void
wh_tui_cmdline_init(struct wh_tui *app)
{
	char *dir = wh_xdg_dir("STATE");
	struct wh_buf b = {0};
	int rows, cols;

	cl.app = app;
	cl.null = fopen("/dev/null", "w");
	rl_instream = stdin;
	rl_outstream = cl.null;
	rl_readline_name = "whittle";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = no_prep;
	rl_deprep_term_function = no_deprep;
	rl_getc_function = getc_hook;
	rl_input_available_hook = input_available;
	rl_redisplay_function = redisplay;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_initialize();
	disarm();
	wh_ui_size(&rows, &cols);
	rl_set_screen_size(rows, cols);
	wh_mkdirs(dir, NULL);
	wh_buf_printf(&b, "%s/history", dir);
	free(dir);
	cl.history = wh_buf_take(&b);
	using_history();
	read_history(cl.history);
}

void
wh_tui_cmdline_done(void)
{
	if (cl.app && cl.app->prompt != WH_PROMPT_NONE)
		rl_callback_handler_remove();
	stifle_history(1000);
	write_history(cl.history);
	clear_history();
	free(cl.history);
	cl.history = NULL;
	if (cl.null)
		fclose(cl.null);
	cl.null = NULL;
}

void
wh_tui_cmdline_open(struct wh_tui *app, enum wh_prompt kind,
    const char *prompt, const char *text, size_t point)
{
	cl.kind = kind;
	snprintf(cl.prompt, sizeof cl.prompt, "%s", prompt);
	app->prompt = kind;
	app->msg[0] = '\0';
	wh_ui_raw(true);
	rl_callback_handler_install(cl.prompt, on_line);
	if (text) {
		rl_insert_text(text);
		rl_point = point <= (size_t)rl_end ? (int)point : rl_end;
	}
	app->dirty = true;
}

static void
cancel(struct wh_tui *app)
{
	close_prompt();
	wh_tui_line_done(app, cl.kind, NULL);
}

void
wh_tui_cmdline_feed(struct wh_tui *app, int byte)
{
	if (byte == WH_KEY_RESIZE || byte < 0 || byte > 0xff)
		return;
	if (cl.tail == sizeof cl.queue)	/* a long paste: take what came */
		wh_tui_cmdline_idle(app);
	if (cl.tail < sizeof cl.queue)
		cl.queue[cl.tail++] = (unsigned char)byte;
}

/* Where the queue holds C-c or C-g, which cancel the line whatever comes
 * before them (readline reads typed-ahead text in one go); NULL if nowhere. */
static const unsigned char *
cancel_queued(void)
{
	for (size_t k = cl.head; k < cl.tail; k++)
		if (cl.queue[k] == 3 || cl.queue[k] == 7)
			return cl.queue + k;
	return NULL;
}

/* The length of the terminal's mouse report at q[0..n) (SGR: ESC [ < b ; x
 * ; y M or m; X10: ESC [ M and three bytes), 0 when q starts with none. */
static size_t
mouse_report(const unsigned char *q, size_t n)
{
	size_t k = 3;

	if (n < 3 || q[0] != 27 || q[1] != '[')
		return 0;
	if (q[2] == 'M')
		return n >= 6 ? 6 : 0;
	if (q[2] != '<')
		return 0;
	while (k < n && ((q[k] >= '0' && q[k] <= '9') || q[k] == ';'))
		k++;
	return k < n && (q[k] == 'M' || q[k] == 'm') ? k + 1 : 0;
}

/* Clicks and the wheel come as bytes while readline has the keys: drop
 * them, or they would be typed into the line. */
static void
drop_mouse_reports(void)
{
	size_t kept = cl.head, k = cl.head;

	while (k < cl.tail) {
		size_t len = mouse_report(cl.queue + k, cl.tail - k);
		if (len > 0)
			k += len;
		else
			cl.queue[kept++] = cl.queue[k++];
	}
	cl.tail = kept;
}

/* Whether a paste has begun and not ended by the queue's end. */
static bool
paste_queued(void)
{
	size_t n = strlen(paste_begin);

	if (cl.pasting)
		return true;
	for (size_t k = cl.head; k + n <= cl.tail; k++)
		if (memcmp(cl.queue + k, paste_begin, n) == 0)
			return true;
	return false;
}

/* Take a paste (the terminal wraps it in ESC [200~ and ESC [201~) into the
 * line as text: line breaks and tabs as spaces, other control characters
 * left out, so that nothing of it acts as a key (a pasted line break never
 * runs the line); with no line open it is dropped. Returns false when the
 * queue ends before the paste does. */
static bool
take_paste(struct wh_tui *app)
{
	if (!cl.pasting)
		cl.head += strlen(paste_begin);
	cl.pasting = true;
	while (cl.head < cl.tail) {
		char c[2] = { (char)cl.queue[cl.head], '\0' };
		if (queued(paste_end, true)) {
			if (!queued(paste_end, false))
				return false;	/* the end's own start */
			cl.head += strlen(paste_end);
			cl.pasting = false;
			return true;
		}
		cl.head++;
		if (c[0] == '\r' || c[0] == '\n' || c[0] == '\t')
			c[0] = ' ';
		if (app->prompt != WH_PROMPT_NONE && (c[0] == ' ' ||
		    ((unsigned char)c[0] > 0x20 && c[0] != 0x7f)))
			rl_insert_text(c);
	}
	app->dirty = true;
	return false;
}

/* Read the queue with readline while a line is open; bytes typed after a
 * line ended are keys again (they may open the next line). */
void
wh_tui_cmdline_idle(struct wh_tui *app)
{
	bool esc;
	const unsigned char *stop;

	drop_mouse_reports();
	/* an Escape that ends what came in (with no paste in it) is a key of
	   its own, not the start of a sequence: in emacs mode it cancels the
	   line */
	esc = cl.tail > cl.head && cl.queue[cl.tail - 1] == 27 && !paste_queued() &&
	    rl_editing_mode == 1 && app->prompt != WH_PROMPT_NONE;
	cl.tail -= esc;
	while (cl.head < cl.tail) {
		if (cl.pasting || queued(paste_begin, false)) {
			if (!take_paste(app))
				break;
		} else if (app->prompt == WH_PROMPT_NONE) {
			int key = cl.queue[cl.head++];
			wh_tui_key(app, key == '\r' ? '\n' : key);	/* raw Enter */
		}
		else if ((stop = cancel_queued()) != NULL) {
			cl.head = (size_t)(stop - cl.queue) + 1;
			cancel(app);
		} else
			rl_callback_read_char();
	}
	/* keep what is left of a paste for the next read */
	memmove(cl.queue, cl.queue + cl.head, cl.tail - cl.head);
	cl.tail -= cl.head;
	cl.head = 0;
	if (esc && app->prompt != WH_PROMPT_NONE)
		cancel(app);
	else if (esc)
		wh_tui_key(app, 27);
}

void
wh_tui_cmdline_draw(struct wh_tui *app, int y, int w)
{
	size_t pw = wh_tui_width(cl.prompt, strlen(cl.prompt));
	const char *line = rl_line_buffer ? rl_line_buffer : "";
	size_t point = (size_t)rl_point, from = point, used = 0;

	(void)app;
	wh_ui_fill(y, 0, w, WH_EL_NORMAL);
	/* scroll the line so that the cursor stays on screen: back from the
	   cursor while the characters fit, never over the whole line (an
	   edit of a long segment gets a key a screen's width of work) */
	while (from > 0) {
		size_t start = from - 1, cw;
		while (start > 0 && ((unsigned char)line[start] & 0xc0) == 0x80)
			start--;
		cw = wh_tui_width(line + start, from - start);
		if (pw + used + cw + 1 > (size_t)w)
			break;
		used += cw;
		from = start;
	}
	wh_ui_put(y, 0, w, cl.prompt, strlen(cl.prompt), WH_EL_PROMPT);
	wh_ui_put(y, (int)pw, w - (int)pw, line + from, strlen(line + from), WH_EL_NORMAL);
	wh_ui_cursor(y, (int)(pw + used));
}

void
wh_tui_cmdline_resize(int rows, int cols)
{
	rl_set_screen_size(rows, cols);
}
