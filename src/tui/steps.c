/* Lua steps from the workbench. One trace: the UI's Lua state applies the
 * step with the instruction limit of whittle step, and the fields the
 * result changes wait in the diff view. The whole file: a child process
 * (so that a job can be stopped, and nothing it does can take the
 * workbench down) runs the step over its own reading of the saved file
 * and reports to a pipe, one line each: "p DONE TOTAL", "e ERROR",
 * "s RECORDS OUTPUTS ERRORS" at the end, or "f ERROR". */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui/app.h"
#include "tui/cmds.h"
#include "tui/diff.h"
#include "tui/steps.h"
#include "whittle/cpus.h"
#include "whittle/json.h"
#include "whittle/paths.h"
#include "whittle/script-run.h"

#define MAX_ARGS 32
#define REPORTED_ERRORS 20

static void
ignore_log(void *arg, const char *level, const char *msg)
{
	(void)arg, (void)level, (void)msg;
}

/* The environment of the steps' Lua states over input. */
static void
make_env(struct wh_tui *app, struct wh_script_env *env, struct wh_dataset *input)
{
	struct wh_tui_steps *s = &app->steps;

	if (s->user_steps == NULL) {
		char *config = wh_xdg_dir("CONFIG");
		struct wh_buf b = {0};
		wh_buf_printf(&b, "%s/steps", config);
		s->user_steps = wh_buf_take(&b);
		free(config);
	}
	memset(env, 0, sizeof *env);
	env->datadir = app->datadir;
	env->user_steps = s->user_steps;
	env->max_instructions = s->max_instructions;
	env->max_instructions_hint = ":set max-instructions=N";
	env->tok = app->tok;
	env->input = input;
	env->overrides = &app->ov;
	env->log = ignore_log;
}

/* Show a Lua error (where it happened and what, with whatever traceback
 * the script layer gives) in the text view. */
static void
show_error(struct wh_tui *app, const char *what, const char *msg)
{
	char title[128];

	snprintf(title, sizeof title, "%s failed", what);
	wh_tui_diff_text(app, title, msg, strlen(msg));
	wh_tui_message(app, true, "%s failed: the error is shown (q returns)", what);
}

static void
show_lua_error(struct wh_tui *app, const char *what, const struct wh_error *err)
{
	char buf[1200];

	wh_error_format(err, buf, sizeof buf);
	show_error(app, what, buf);
}

static void
drop_pending(struct wh_tui_steps *s)
{
	for (int f = 0; f < WH_NFIELDS; f++) {
		free(s->text[f]);
		s->text[f] = NULL;
	}
	s->pending = false;
}

/* The string member key of the output record j, or NULL. */
static char *
member(const struct wh_json *j, const char *key, size_t *len)
{
	long m = wh_json_member(j, 0, key);
	struct wh_buf b = {0};

	if (m < 0 || j->nodes[m].type != WH_JSTRING)
		return NULL;
	wh_json_string(j, m, &b);
	*len = b.len;
	return b.data ? wh_buf_take(&b) : wh_xstrdup("");
}

/* Keep the fields of the one output record out that differ from t. */
static size_t
collect(struct wh_tui_steps *s, const struct wh_trace *t, const struct wh_buf *out)
{
	struct wh_json j = {0};
	struct wh_jerror je;
	size_t changed = 0;

	if (wh_json_parse(&j, out->data, out->len, &je) < 0)
		return 0;
	for (int f = 0; f < WH_NFIELDS; f++) {
		size_t len = 0;
		char *v = t->text[f] ? member(&j, wh_field_name(f), &len) : NULL;
		if (v && (len != t->len[f] || memcmp(v, t->text[f], len) != 0)) {
			s->text[f] = v;
			s->len[f] = len;
			changed++;
		} else
			free(v);
	}
	wh_json_free(&j);
	return changed;
}

/* The labels of the one output record out as JSON, cut to size bytes; ""
 * when it has none. */
static void
labels_of(const struct wh_buf *out, char *buf, size_t size)
{
	struct wh_json j = {0};
	struct wh_jerror je;
	long l;

	buf[0] = '\0';
	if (wh_json_parse(&j, out->data, out->len, &je) == 0 &&
	    (l = wh_json_member(&j, 0, "labels")) >= 0 && j.nodes[l].count > 0) {
		size_t n = j.nodes[l].end - j.nodes[l].start;
		snprintf(buf, size, "%.*s%s", (int)(n < size - 4 ? n : size - 4),
		    j.text + j.nodes[l].start, n < size - 4 ? "" : "...");
	}
	wh_json_free(&j);
}

/* The fields of the one output record out that a step set beyond the
 * trace's own (target, messages, ...): their names, ", "-separated, to
 * names, and each as "NAME:" and its value (a string as its text, else
 * its JSON) to text. */
static void
added_fields(const struct wh_buf *out, struct wh_buf *names, struct wh_buf *text)
{
	struct wh_json j = {0};
	struct wh_jerror je;
	struct wh_buf key = {0};

	if (wh_json_parse(&j, out->data, out->len, &je) < 0 || j.nodes[0].type != WH_JOBJECT)
		goto done;
	for (uint32_t m = 0, k = 1; m < j.nodes[0].count; m++, k = j.nodes[k + 1].next) {
		const struct wh_jnode *v = &j.nodes[k + 1];
		bool own = wh_json_string_eq(&j, k, "labels") || wh_json_string_eq(&j, k, "whittle");
		for (int f = 0; f < WH_NFIELDS && !own; f++)
			own = wh_json_string_eq(&j, k, wh_field_name(f));
		if (own)
			continue;
		key.len = 0;
		wh_json_string(&j, k, &key);
		wh_buf_printf(names, "%s%.*s", names->len ? ", " : "", (int)key.len, key.data);
		wh_buf_printf(text, "%s%.*s:\n", text->len ? "\n" : "", (int)key.len, key.data);
		if (v->type == WH_JSTRING)
			wh_json_string(&j, k + 1, text);
		else
			wh_buf_add(text, j.text + v->start, v->end - v->start);
		wh_buf_addc(text, '\n');
	}
done:
	wh_buf_free(&key);
	wh_json_free(&j);
}

int
wh_tui_lua_filter(struct wh_tui *app, const char *expr, size_t *v, size_t *n)
{
	struct wh_tui_steps *s = &app->steps;
	struct wh_apply_out o = {0};
	struct wh_apply_result r;
	struct wh_error err = {0};
	struct wh_buf arg = {0};
	char *argv[1];
	int rc = 0;

	if (s->script == NULL) {
		make_env(app, &s->env, app->ds);
		if (wh_script_new(&s->script, &s->env, &err) < 0)
			rc = -1;
	}
	wh_buf_printf(&arg, "expr=%s", expr);
	argv[0] = arg.data;
	if (rc == 0 && wh_script_pipeline(s->script, NULL, "filter", 1, argv, &err) < 0)
		rc = -1;
	*n = 0;
	for (size_t i = 0; rc == 0 && i < app->rows.n; i++) {
		struct wh_trace t;
		const char *raw;
		size_t len;
		if (wh_dataset_trace(app->ds, i, 0, &t, NULL) < 0)
			continue;
		wh_dataset_bytes(app->ds, i, &raw, &len);
		if (wh_script_apply(s->script, &t, i, app->ds->index.entries[i].line, raw, len,
		    &o, &r, &err) < 0)
			rc = -1;
		else if (r.outputs > 0)
			v[(*n)++] = i;
		wh_trace_free(&t);
	}
	if (rc < 0) {	/* the message without its traceback, named once */
		char buf[1200];
		wh_error_format(&err, buf, sizeof buf);
		buf[strcspn(buf, "\n")] = '\0';
		wh_tui_message(app, true, "%s%s", strncmp(buf, "filter", 6) ? "filter: " : "",
		    buf);
	}
	wh_buf_free(&arg);
	return rc;
}

/* Apply the step to the current trace; the result waits in the diff view. */
static void
run_one(struct wh_tui *app, const char *step, int argc, char **argv)
{
	struct wh_tui_steps *s = &app->steps;
	size_t e = wh_tui_current(app), n;
	struct wh_error err = {0};
	struct wh_buf out = {0};
	struct wh_apply_out o = { .out = &out, .traceback = true };
	struct wh_apply_result r;
	struct wh_trace t;
	const char *raw;
	size_t len;
	char what[80], title[160];
	int f;

	snprintf(what, sizeof what, ":run %s", step);
	if (e == (size_t)-1)
		return;
	drop_pending(s);
	if (s->script == NULL) {
		make_env(app, &s->env, app->ds);
		if (wh_script_new(&s->script, &s->env, &err) < 0) {
			show_lua_error(app, what, &err);
			return;
		}
	}
	if (wh_script_pipeline(s->script, NULL, step, argc, argv, &err) < 0) {
		show_lua_error(app, what, &err);
		return;
	}
	if (wh_dataset_trace(app->ds, e, 0, &t, &err) < 0) {
		wh_tui_message(app, true, "%s: record %zu cannot be read", what, e + 1);
		return;
	}
	wh_dataset_bytes(app->ds, e, &raw, &len);
	if (wh_script_apply(s->script, &t, e, app->ds->index.entries[e].line, raw,
	    len, &o, &r, &err) < 0)
		show_lua_error(app, what, &err);
	else if (r.outputs != 1)
		wh_tui_message(app, false, r.outputs == 0
		    ? "%s drops record %zu; nothing to keep"
		    : "%s makes several records of record %zu; :run --all writes them",
		    what, e + 1);
	else if ((n = collect(s, &t, &out)) == 0) {
		char labels[160];
		struct wh_buf names = {0}, text = {0};
		labels_of(&out, labels, sizeof labels);
		added_fields(&out, &names, &text);
		if (names.len) {
			snprintf(title, sizeof title, "record %zu, %s: the fields it sets", e + 1, what);
			wh_tui_diff_text(app, title, text.data, text.len);
		}
		if (names.len && labels[0])
			wh_tui_message(app, false, "%s changes no text of record %zu; it sets %s "
			    "(shown) and labels it %s (:run --all writes them)", what, e + 1,
			    names.data, labels);
		else if (names.len)
			wh_tui_message(app, false, "%s changes no text of record %zu; it sets %s "
			    "(shown; :run --all writes them)", what, e + 1, names.data);
		else if (labels[0])
			wh_tui_message(app, false, "%s changes no text of record %zu; it labels "
			    "it %s (:run --all writes the labels)", what, e + 1, labels);
		else
			wh_tui_message(app, false, "%s changes nothing in record %zu", what, e + 1);
		wh_buf_free(&names);
		wh_buf_free(&text);
	}
	else {
		s->pending = true;
		s->entry = e;
		snprintf(s->what, sizeof s->what, "%s", what);
		for (f = WH_THINKING; s->text[f] == NULL; f = (f + 1) % WH_NFIELDS)
			;
		snprintf(title, sizeof title, "record %zu, %s (%s): y keeps, n discards",
		    e + 1, what, wh_field_name(f));
		wh_tui_diff_open(app, title, t.text[f], t.len[f], s->text[f], s->len[f]);
		struct wh_buf names = {0}, text = {0};
		added_fields(&out, &names, &text);
		wh_tui_message(app, false, "%s changes %zu field%s of record %zu%s%s%s: "
		    "y keeps, n discards", what, n, n > 1 ? "s" : "", e + 1,
		    names.len ? " and sets " : "", names.len ? names.data : "",
		    !names.len ? "" : strchr(names.data, ',') ? " (:run --all writes them)"
		    : " (:run --all writes it)");
		wh_buf_free(&names);
		wh_buf_free(&text);
	}
	wh_trace_free(&t);
	wh_buf_free(&out);
}

void
wh_tui_run_keep(struct wh_tui *app, bool keep)
{
	struct wh_tui_steps *s = &app->steps;
	struct wh_error err = {0};
	char buf[600];

	if (!s->pending)
		return;
	if (keep) {
		wh_tui_edit_begin(&app->undo);
		for (int f = 0; f < WH_NFIELDS; f++)
			if (s->text[f] && wh_tui_edit_set(&app->undo, &app->rows, s->entry, f,
			    s->text[f], s->len[f], s->what, &err) < 0)
				break;
		wh_tui_edit_end(&app->undo);
		app->confirm_quit = false;
		wh_tui_reload(app);
		if (err.msg[0]) {
			wh_error_format(&err, buf, sizeof buf);
			wh_tui_message(app, true, "%s: %s", s->what, buf);
		} else
			wh_tui_message(app, false, "%s kept (u undoes)", s->what);
	} else
		wh_tui_message(app, false, "%s discarded", s->what);
	drop_pending(s);
	app->view = app->back;
	app->dirty = true;
}

/* --- The run over the whole file ---------------------------------------- */

struct child {
	int fd;
	size_t errors;
	int percent;
};

static void
report(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
report(int fd, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof buf - 2)
		n = sizeof buf - 2;
	for (int k = 0; k < n; k++)
		if (buf[k] == '\n')
			buf[k] = '\x1f';	/* one report a line */
	buf[n++] = '\n';
	if (write(fd, buf, (size_t)n) < 0)
		_exit(1);
}

static void
child_progress(void *arg, size_t done, size_t total)
{
	struct child *c = arg;
	int percent = total ? (int)(100.0 * (double)done / (double)total) : 100;

	if (percent != c->percent)
		report(c->fd, "p %zu %zu", done, total);
	c->percent = percent;
}

static void
child_error(void *arg, const char *msg)
{
	struct child *c = arg;

	if (c->errors++ < REPORTED_ERRORS)
		report(c->fd, "e %s", msg);
}

/* The child: run the step over path into tmp, rename it to out. */
static void
child(struct wh_tui *app, int fd, int argc, char **argv)
{
	struct wh_tui_steps *s = &app->steps;
	struct wh_open_opts oo = { .journal = false };
	struct child c = { .fd = fd, .percent = -1 };
	struct wh_run_opts o = { .step = s->step, .argc = argc, .argv = argv,
		.shards = 1, .on_error = child_error, .progress = child_progress, .arg = &c };
	struct wh_script_env env;
	struct wh_run_summary sum;
	struct wh_error err = {0};
	struct wh_dataset *ds;
	char msg[1200];
	int null = open("/dev/null", O_RDWR);

	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	setpriority(PRIO_PROCESS, 0, 10);
	o.threads = wh_cpus();
	if (wh_dataset_open(&ds, app->ds->path, &oo, &err) < 0) {
		wh_error_format(&err, msg, sizeof msg);
		report(fd, "f %s", msg);
		_exit(1);
	}
	make_env(app, &env, ds);
	if ((o.out = fopen(s->tmp_path, "w")) == NULL) {
		report(fd, "f %s: %s", s->tmp_path, strerror(errno));
		_exit(1);
	}
	int ran = wh_script_run(&env, &o, &sum, &err);
	wh_run_summary_free(&sum);
	if (ran < 0 || fclose(o.out) != 0 ||
	    rename(s->tmp_path, s->out_path) < 0) {
		unlink(s->tmp_path);
		wh_error_format(&err, msg, sizeof msg);
		report(fd, "f %s", err.msg[0] ? msg : strerror(errno));
		_exit(1);
	}
	report(fd, "s %zu %zu %zu %zu", sum.records, sum.outputs, sum.dropped, sum.errors);
	_exit(0);
}

/* FILE's folder and name without .jsonl(.gz), then .STEP.jsonl (for a
 * step file, STEP is its name without its folder and .lua). */
static char *
output_path(const char *path, const char *step)
{
	struct wh_buf b = {0};
	size_t n = strlen(path), k;
	const char *slash = strrchr(step, '/');

	if (slash)
		step = slash + 1;
	k = strlen(step);
	if (slash && k > 4 && strcmp(step + k - 4, ".lua") == 0)
		k -= 4;

	if (n > 3 && strcmp(path + n - 3, ".gz") == 0)
		n -= 3;
	if (n > 6 && strncmp(path + n - 6, ".jsonl", 6) == 0)
		n -= 6;
	else if (n > 5 && strncmp(path + n - 5, ".json", 5) == 0)
		n -= 5;
	wh_buf_printf(&b, "%.*s.%.*s.jsonl", (int)n, path, (int)k, step);
	return wh_buf_take(&b);
}

static void
run_all(struct wh_tui *app, const char *step, int argc, char **argv)
{
	struct wh_tui_steps *s = &app->steps;
	struct wh_buf b = {0};
	int p[2];

	if (s->pid > 0) {
		wh_tui_message(app, true, ":run --all %s is still running", s->step);
		return;
	}
	if (wh_tui_unsaved(app) > 0) {
		wh_tui_message(app, true, ":run --all reads the file as saved: :w first");
		return;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		wh_tui_message(app, true, ":run --all: %s", strerror(errno));
		return;
	}
	snprintf(s->step, sizeof s->step, "%s", step);
	free(s->out_path);
	free(s->tmp_path);
	free(s->first_error);
	s->first_error = NULL;
	s->out_path = output_path(app->ds->path, step);
	wh_buf_printf(&b, "%s.tmp.%ld", s->out_path, (long)getpid());
	s->tmp_path = wh_buf_take(&b);
	s->done = s->total = s->records = s->outputs = s->dropped = s->errors = 0;
	s->failed = false;
	wh_buf_clear(&s->line);
	if ((s->pid = fork()) == 0) {
		close(p[0]);
		child(app, p[1], argc, argv);
	}
	close(p[1]);
	if (s->pid < 0) {
		close(p[0]);
		s->pid = 0;
		wh_tui_message(app, true, ":run --all: %s", strerror(errno));
		return;
	}
	s->fd = p[0];
	fcntl(s->fd, F_SETFL, O_NONBLOCK);
	wh_tui_message(app, false, ":run --all %s: writing %s", step, s->out_path);
}

int
wh_tui_job_fd(const struct wh_tui *app)
{
	return app->steps.pid > 0 ? app->steps.fd : -1;
}

static void
take_report(struct wh_tui_steps *s, char *line)
{
	for (char *c = line; *c; c++)
		if (*c == '\x1f')
			*c = '\n';
	if (line[0] == 'p')
		sscanf(line + 1, "%zu %zu", &s->done, &s->total);
	else if (line[0] == 's')
		sscanf(line + 1, "%zu %zu %zu %zu", &s->records, &s->outputs, &s->dropped,
		    &s->errors);
	else if ((line[0] == 'e' || line[0] == 'f') && line[1] == ' ') {
		if (s->first_error == NULL)
			s->first_error = wh_xstrdup(line + 2);
		s->failed |= line[0] == 'f';
	}
}

/* The job's pipe closed: reap it and say how it went. */
static void
finish(struct wh_tui *app)
{
	struct wh_tui_steps *s = &app->steps;
	struct wh_buf cmd = {0};
	char what[96];
	int st = 0;

	waitpid(s->pid, &st, 0);
	close(s->fd);
	s->pid = 0;
	snprintf(what, sizeof what, ":run --all %s", s->step);
	if (s->failed || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		show_error(app, what, s->first_error ? s->first_error : "the run stopped");
		return;
	}
	wh_buf_printf(&cmd, "side %s", s->out_path);
	wh_tui_line_done(app, WH_PROMPT_COMMAND, cmd.data);
	wh_buf_free(&cmd);
	if (s->errors > 0)
		show_error(app, what, s->first_error ? s->first_error : "");
	char dropped[48] = "";
	if (s->dropped > 0)	/* a step gave them nothing: no failure */
		snprintf(dropped, sizeof dropped, ", %zu dropped", s->dropped);
	wh_tui_message(app, s->errors > 0, "%s: %zu records from %zu%s, %zu failed, in %s "
	    "(side by side; :side closes)", what, s->outputs, s->records, dropped, s->errors,
	    s->out_path);
}

void
wh_tui_job_poll(struct wh_tui *app)
{
	struct wh_tui_steps *s = &app->steps;
	char buf[4096];
	ssize_t n;

	if (s->pid <= 0)
		return;
	while ((n = read(s->fd, buf, sizeof buf)) > 0)
		for (ssize_t k = 0; k < n; k++) {
			if (buf[k] != '\n') {
				wh_buf_addc(&s->line, buf[k]);
				continue;
			}
			wh_buf_addc(&s->line, '\0');
			take_report(s, s->line.data);
			wh_buf_clear(&s->line);
		}
	app->dirty = true;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		finish(app);
}

const char *const *
wh_tui_step_names(struct wh_tui *app, size_t *n)
{
	struct wh_tui_steps *s = &app->steps;
	struct wh_error err = {0};

	if (s->names == NULL) {
		if (s->script == NULL) {
			make_env(app, &s->env, app->ds);
			if (wh_script_new(&s->script, &s->env, &err) < 0) {
				*n = 0;
				return NULL;
			}
		}
		if (wh_script_steps(s->script, &s->infos, &s->n_infos, &err) < 0) {
			*n = 0;
			return NULL;
		}
		s->names = wh_xcalloc(s->n_infos + 1, sizeof *s->names);
		for (size_t k = 0; k < s->n_infos; k++)
			s->names[k] = s->infos[k].name;
	}
	*n = s->n_infos;
	return s->names;
}

void
wh_tui_run(struct wh_tui *app, char *args)
{
	char *argv[MAX_ARGS], *step;
	int argc = 0;
	bool all = false;

	for (char *w = strtok(args, " "); w && argc < MAX_ARGS; w = strtok(NULL, " "))
		argv[argc++] = w;
	if (argc > 0 && strcmp(argv[0], "--all") == 0) {
		all = true;
		memmove(argv, argv + 1, (size_t)--argc * sizeof *argv);
	}
	if (argc == 0) {
		wh_tui_message(app, true, "run: give a step (whittle steps lists them)");
		return;
	}
	step = argv[0];
	if (all)
		run_all(app, step, argc - 1, argv + 1);
	else
		run_one(app, step, argc - 1, argv + 1);
}

void
wh_tui_steps_limit(struct wh_tui *app, uint64_t max_instructions)
{
	app->steps.max_instructions = max_instructions;
	app->steps.env.max_instructions = max_instructions;	/* the state made */
}

void
wh_tui_steps_free(struct wh_tui *app)
{
	struct wh_tui_steps *s = &app->steps;

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		close(s->fd);
		unlink(s->tmp_path);
	}
	drop_pending(s);
	wh_script_steps_free(s->infos, s->n_infos);
	free(s->names);
	wh_script_free(s->script);
	free(s->user_steps);
	free(s->out_path);
	free(s->tmp_path);
	free(s->first_error);
	wh_buf_free(&s->line);
	memset(s, 0, sizeof *s);
}
