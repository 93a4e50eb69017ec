/* The `:` commands, one table entry each (name, arguments, completion,
 * help, exec), and what a finished line does for each kind of prompt. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tui/actions.h"
#include "tui/cmds.h"
#include "tui/diff.h"
#include "tui/facets.h"
#include "tui/filter.h"
#include "tui/jobs.h"
#include "tui/keys.h"
#include "tui/runs.h"

const char *const wh_tui_option_names[] = { "theme=", "split=on", "split=off",
	"max-instructions=", NULL };

static void
show_error(struct wh_tui *app, const char *what, const struct wh_error *err)
{
	char buf[600];

	wh_error_format(err, buf, sizeof buf);
	wh_tui_message(app, true, "%s: %s", what, buf);
}

/* path with a leading ~ (alone or before /) read as $HOME, as a shell
 * would: the completion of file names offers such paths. */
static const char *
home_path(const char *path, char *buf, size_t size)
{
	const char *home = getenv("HOME");

	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0') || home == NULL ||
	    (size_t)snprintf(buf, size, "%s%s", home, path + 1) >= size)
		return path;
	return buf;
}

/* Whether FILE is no longer the file read or last saved: another program
 * wrote or replaced it since. A FILE that is gone is written anew. */
static bool
changed_on_disk(const struct wh_tui *app)
{
	struct stat st;

	if (stat(app->ds->path, &st) < 0)
		return false;
	return st.st_dev != app->disk.st_dev || st.st_ino != app->disk.st_ino ||
	    st.st_size != app->disk.st_size ||
	    st.st_mtim.tv_sec != app->disk.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != app->disk.st_mtim.tv_nsec;
}

static void
write_file(struct wh_tui *app, char *args, bool force)
{
	struct wh_error err = {0};
	bool own = wh_dataset_is_own(app->ds, *args ? args : NULL);
	struct stat st;
	int rc;

	if (own && !force && changed_on_disk(app)) {
		wh_tui_message(app, true, "write: %s changed on disk since it was read "
		    "(another program wrote it): :w! writes over it, losing that change; "
		    ":w PATH writes a copy", app->ds->path);
		return;
	}
	/* As vim does: a file without write permission is not written over
	   unless asked (a root user would replace it without a word). */
	if (own && !force && stat(app->ds->path, &st) == 0 &&
	    (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0) {
		wh_tui_message(app, true, "write: %s is read-only: :w! writes over it "
		    "all the same, :w PATH writes a copy", app->ds->path);
		return;
	}
	if (!own && !force && stat(args, &st) == 0 && S_ISREG(st.st_mode)) {
		wh_tui_message(app, true, "write: %s exists: :w! %s writes over it", args, args);
		return;
	}
	wh_tui_index_poll(app, true);	/* a save writes every record */
	pthread_rwlock_wrlock(&app->rows.lock);
	rc = wh_dataset_save(app->ds, *args ? args : NULL, &err);
	pthread_rwlock_unlock(&app->rows.lock);
	if (rc < 0 && wh_tui_unsaved(app) == 0)
		show_error(app, "write", &err);
	if (rc < 0 && wh_tui_unsaved(app) > 0) {
		char buf[600];
		wh_error_format(&err, buf, sizeof buf);
		wh_tui_message(app, true, "write: %s; the edits of %zu record(s) are kept, "
		    "unsaved, in the journal: make room and :w again, or :w PATH "
		    "elsewhere", buf, wh_tui_unsaved(app));
	}
	if (rc < 0)
		return;
	if (own) {
		wh_tui_edit_saved(&app->undo);
		if (stat(app->ds->path, &app->disk) < 0)
			memset(&app->disk, 0, sizeof app->disk);
	}
	wh_tui_reload(app);
	wh_tui_message(app, false, "written: %s", *args ? args : app->ds->path);
}

static void cmd_write(struct wh_tui *app, char *args) { write_file(app, args, false); }
static void cmd_write_force(struct wh_tui *app, char *args) { write_file(app, args, true); }

static void
cmd_quit(struct wh_tui *app, char *args)
{
	(void)args;
	app->confirm_quit = false;
	wh_act_quit(app);
	if (app->quit)
		return;
	if (app->steps.pid > 0)
		wh_tui_message(app, true, ":run --all %s is running: :q! stops it, "
		    "removes its output and quits", app->steps.step);
	else
		wh_tui_message(app, true, "%zu record%s unsaved edits: :w saves them, "
		    ":q! quits and keeps them in the journal", wh_tui_unsaved(app),
		    wh_tui_unsaved(app) == 1 ? " has" : "s have");
}

static void
cmd_quit_now(struct wh_tui *app, char *args)
{
	(void)args;
	app->quit = true;
}

static void
cmd_write_quit(struct wh_tui *app, char *args)
{
	cmd_write(app, args);
	if (!app->msg_error)
		app->quit = true;
}

static void
cmd_goto(struct wh_tui *app, char *args)
{
	char *end;
	unsigned long n = strtoul(args, &end, 10);

	if (!isdigit((unsigned char)*args) || *end != '\0' || n == 0) {
		wh_tui_message(app, true, "goto: give a record number");
		return;
	}
	for (size_t k = 0; k < wh_tui_list_len(app); k++)
		if (wh_tui_list_entry(app, k) == n - 1) {
			wh_tui_goto(app, k);
			if (app->view == WH_VIEW_TRACE)
				wh_tui_open_trace(app);
			return;
		}
	wh_tui_message(app, true, "goto: no record %lu on the list", n);
}

static void
cmd_theme(struct wh_tui *app, char *args)
{
	if (*args == '\0')	/* as vim's :colorscheme: the one in use */
		wh_tui_message(app, false, "theme %s (:theme NAME changes it)",
		    app->theme.name);
	else if (wh_tui_set_theme(app, args))
		wh_tui_message(app, false, "theme %s", app->theme.name);
}

static void
cmd_set(struct wh_tui *app, char *args)
{
	if (*args == '\0')
		wh_tui_message(app, false, "theme=%s split=%s max-instructions=%llu",
		    app->theme.name, app->no_split ? "off" : "on",
		    (unsigned long long)app->steps.max_instructions);
	else if (strncmp(args, "theme=", 6) == 0)
		cmd_theme(app, args + 6);
	else if (strcmp(args, "split=on") == 0 || strcmp(args, "split=off") == 0) {
		app->no_split = args[7] == 'f';
		wh_tui_message(app, false, "%s", args);
	} else if (strncmp(args, "max-instructions=", 17) == 0) {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(args + 17, &end, 10);
		if (end == args + 17 || *end != '\0' || errno || args[17] == '-')
			wh_tui_message(app, true, "set: max-instructions is a number (0: no limit)");
		else {
			wh_tui_steps_limit(app, n);
			wh_tui_message(app, false, "max-instructions=%llu", n);
		}
	} else
		wh_tui_message(app, true, "set: options are theme=NAME, split=on|off, "
		    "max-instructions=N");
}

static void
cmd_facet(struct wh_tui *app, char *args)
{
	wh_tui_facets_open(app, *args ? args : "verdict");
}

static void
cmd_filter(struct wh_tui *app, char *args)
{
	wh_tui_filter(app, args);
}

static void
cmd_sort(struct wh_tui *app, char *args)
{
	wh_tui_sort(app, args);
}

static void
export_marks(struct wh_tui *app, char *args)
{
	char *path = strtok(args, " "), *kind = strtok(NULL, " "), buf[4096];
	int k = kind ? wh_tui_mark_parse(kind) : WH_MARK_NONE;
	struct wh_error err = {0};
	size_t n;

	if (path == NULL || k < 0) {
		wh_tui_message(app, true, "marks export PATH [accept|reject|fix]");
		return;
	}
	if (wh_tui_marks_export(&app->marks, app->ds, (enum wh_mark)k,
	    home_path(path, buf, sizeof buf), &n, &err) < 0)
		show_error(app, "marks", &err);
	else
		wh_tui_message(app, false, "%zu ids written to %s", n, path);
}

static void
cmd_marks(struct wh_tui *app, char *args)
{
	if (strncmp(args, "export", 6) == 0 && (args[6] == ' ' || args[6] == '\0'))
		export_marks(app, args + 6);
	else if (*args && wh_tui_mark_parse(args) <= WH_MARK_NONE)
		wh_tui_message(app, true, "marks [accept|reject|fix], or marks export PATH [KIND]");
	else
		wh_tui_filter(app, *args ? args : "marked");
}

static void
cmd_note(struct wh_tui *app, char *args)
{
	if (wh_tui_current(app) != (size_t)-1)
		wh_tui_note_line(app, args);
}

static void
cmd_side(struct wh_tui *app, char *args)
{
	struct wh_open_opts oo = { .map = NULL };
	struct wh_error err = {0};
	struct wh_dataset *ds2;

	wh_tui_tview_free(&app->side);
	if (*args == '\0') {
		wh_tui_side_forget(app);
		wh_dataset_close(app->ds2);
		app->ds2 = NULL;
		wh_tui_message(app, false, "side by side closed");
		return;
	}
	if (wh_dataset_open(&ds2, args, &oo, &err) < 0) {
		show_error(app, "side", &err);
		return;
	}
	wh_tui_side_forget(app);
	wh_dataset_close(app->ds2);
	app->ds2 = ds2;
	wh_tui_reload(app);
	wh_tui_message(app, false, "side by side with %s", args);
}

static void
cmd_role(struct wh_tui *app, char *args)
{
	wh_tui_set_role(app, args);
}

static void
cmd_solution(struct wh_tui *app, char *args)
{
	char *end;
	long n = strtol(args, &end, 10);

	if (*args == '\0' || *end != '\0')
		n = -1;
	wh_tui_set_solution(app, n);
}

static void
cmd_run(struct wh_tui *app, char *args)
{
	wh_tui_run(app, args);
}

static void
cmd_losses(struct wh_tui *app, char *args)
{
	char *src = strtok(args, " "), *step = strtok(NULL, " ");

	if (src == NULL) {
		wh_tui_losses_free(&app->losses);
		wh_tui_message(app, false, "no loss column");
		return;
	}
	wh_tui_losses_show(app, src, step ? atol(step) : 0);
}

static void cmd_undo(struct wh_tui *app, char *a) { (void)a; wh_act_undo(app); }
static void cmd_redo(struct wh_tui *app, char *a) { (void)a; wh_act_redo(app); }
static void cmd_restore(struct wh_tui *app, char *a) { (void)a; wh_act_restore(app); }
static void cmd_diff(struct wh_tui *app, char *a) { (void)a; wh_act_diff(app); }
static void cmd_help(struct wh_tui *app, char *args);

static const struct wh_command commands[] = {
	{ "w", "[PATH]", WH_COMPLETE_FILE, "save the edits (PATH: save a copy there)", cmd_write },
	{ "write", "[PATH]", WH_COMPLETE_FILE, "save the edits (PATH: save a copy there)", cmd_write },
	{ "w!", "[PATH]", WH_COMPLETE_FILE, "save, even over a FILE another program changed or a PATH that exists", cmd_write_force },
	{ "q", "", WH_COMPLETE_NONE, "quit; refuses while edits are unsaved", cmd_quit },
	{ "quit", "", WH_COMPLETE_NONE, "quit; refuses while edits are unsaved", cmd_quit },
	{ "q!", "", WH_COMPLETE_NONE, "quit; unsaved edits stay in the journal", cmd_quit_now },
	{ "wq", "", WH_COMPLETE_NONE, "save and quit", cmd_write_quit },
	{ "goto", "N", WH_COMPLETE_NONE, "go to record N", cmd_goto },
	{ "theme", "[NAME]", WH_COMPLETE_THEME, "use theme NAME (none: say which is in use)", cmd_theme },
	{ "set", "[OPTION=VALUE]", WH_COMPLETE_OPTION, "theme=NAME, split=on|off, max-instructions=N (none: their values)", cmd_set },
	{ "facet", "NAME", WH_COMPLETE_FACET, "frequency table of a column", cmd_facet },
	{ "filter", "[EXPR]", WH_COMPLETE_FACET, "keep records matching EXPR (no EXPR: all)", cmd_filter },
	{ "sort", "KEY [desc]", WH_COMPLETE_FACET, "sort the list by a column", cmd_sort },
	{ "marks", "[KIND | export PATH [KIND]]", WH_COMPLETE_MARK, "list marked records, or export their ids", cmd_marks },
	{ "note", "TEXT", WH_COMPLETE_NONE, "note on the current record's mark", cmd_note },
	{ "side", "[PATH]", WH_COMPLETE_FILE, "read another dataset side by side (no PATH: close)", cmd_side },
	{ "role", "ROLE", WH_COMPLETE_ROLE, "give the current segment a role", cmd_role },
	{ "solution", "N", WH_COMPLETE_NONE, "move the current segment to solution N (0: none)", cmd_solution },
	{ "run", "[--all] STEP [K=V ...]", WH_COMPLETE_STEP, "run a Lua step on this trace (--all: on the file)", cmd_run },
	{ "undo", "", WH_COMPLETE_NONE, "undo the last edit", cmd_undo },
	{ "redo", "", WH_COMPLETE_NONE, "redo an undone edit", cmd_redo },
	{ "restore", "", WH_COMPLETE_NONE, "restore the current record's original", cmd_restore },
	{ "diff", "", WH_COMPLETE_NONE, "show the last edit as a diff", cmd_diff },
	{ "runs", "[ID]", WH_COMPLETE_NONE, "the engine's runs and live charts of their metrics", wh_tui_runs },
	{ "jobs", "[ID | STATE]", WH_COMPLETE_NONE, "the engine's jobs: state, progress, log, cancel", wh_tui_jobs },
	{ "losses", "[RUN|DIR|FILE [STEP]]", WH_COMPLETE_FILE, "each record's loss in a training run (STEP: list that step's records)", cmd_losses },
	{ "train", "FILE.lua [ARG]...", WH_COMPLETE_FILE, "run a Lua script that trains, in the engine", wh_tui_train },
	{ "help", "[COMMAND]", WH_COMPLETE_COMMAND, "what a command does; keys with ?", cmd_help },
};

const struct wh_command *
wh_tui_commands(size_t *n)
{
	*n = sizeof commands / sizeof commands[0];
	return commands;
}

static void
cmd_help(struct wh_tui *app, char *args)
{
	if (*args == '\0') {
		wh_tui_help_open(app, true);
		return;
	}
	struct wh_buf b = {0};
	char title[80];

	/* :help :w as vim takes it; :help marks export as :help marks */
	args += strspn(args, ":");
	args[strcspn(args, " ")] = '\0';
	for (const struct wh_tui_help_text *h = wh_tui_help_texts; h->name; h++)
		if (strcmp(args, h->name) == 0)
			wh_buf_printf(&b, "%s%s\n\n%s\n", b.len ? "\n" : "", h->usage, h->text);
	if (b.len == 0) {
		wh_tui_message(app, true, "help: no command %s", args);
		return;
	}
	snprintf(title, sizeof title, ":help %s, from whittle(1)", args);
	wh_tui_diff_text(app, title, b.data, b.len);
	wh_buf_free(&b);
}

static void
run_command(struct wh_tui *app, char *line)
{
	char *name = line + strspn(line, " :"), *args;
	size_t len = strcspn(name, " ");

	args = name + len;
	if (*args)
		*args++ = '\0';
	args += strspn(args, " ");
	for (char *e = args + strlen(args); e > args && e[-1] == ' '; )
		*--e = '\0';
	if (*name == '\0')
		return;
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (strcmp(name, commands[k].name) == 0) {
			char buf[4096], *path = NULL;
			if (commands[k].complete == WH_COMPLETE_FILE && args[0] == '~')
				path = wh_xstrdup(home_path(args, buf, sizeof buf));
			commands[k].exec(app, path ? path : args);
			free(path);
			return;
		}
	wh_tui_message(app, true, "no command :%s (:help lists them)", name);
}

void
wh_tui_command(struct wh_tui *app, const char *text)
{
	char *line = wh_xstrdup(text);	/* run_command cuts it up */

	wh_tui_line_done(app, WH_PROMPT_COMMAND, line);
	free(line);
}

void
wh_tui_line_done(struct wh_tui *app, enum wh_prompt kind, char *line)
{
	if (line == NULL)
		return;
	switch (kind) {
	case WH_PROMPT_COMMAND:
		run_command(app, line);
		break;
	case WH_PROMPT_SEARCH:
		if (*line && !wh_tui_set_pattern(app, line))
			break;
		wh_act_search_next(app);
		break;
	case WH_PROMPT_EDIT:
		wh_tui_segment_line(app, kind, line, 0);
		break;
	case WH_PROMPT_NOTE:
		wh_tui_note_line(app, line);
		break;
	default:
		break;
	}
	app->dirty = true;
}
