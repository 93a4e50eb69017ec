/* whittle steps [NAME]: the distillation steps there are (shipped and the
 * user's) with their summaries, or one step's parameters and doc. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "whittle/buf.h"
#include "whittle/paths.h"
#include "whittle/script.h"
#include "whittle/spell.h"

extern const struct wh_cmd wh_cmd_steps;

static void
print_step(const struct wh_step_info *s)
{
	printf("%s: %s\n", s->name, s->summary);
	printf("file: %s%s\n", s->file, s->user ? " (yours)" : "");
	if (s->replaces)
		printf("replaces: %s (the shipped step of this name)\n", s->replaces);
	if (s->n_params) {
		printf("\nparameters:\n");
		for (size_t k = 0; k < s->n_params; k++) {
			const struct wh_step_param *p = &s->params[k];
			printf("  %-14s %-8s %s\n  %14s %s\n", p->name, p->type,
			    p->def ? p->def : "(no default)", "", p->doc);
		}
	}
	if (s->doc)
		printf("\n%s\n", s->doc);
}

/* Whether the message of a broken step file, "DIR/NAME.lua:LINE: ...",
 * is about the file of step name. */
static bool
about(const char *msg, size_t len, const char *name)
{
	const char *end = memchr(msg, ':', len), *base = msg;
	size_t n = strlen(name);

	if (end == NULL)
		return false;
	for (const char *p = msg; p < end; p++)
		if (*p == '/')
			base = p + 1;
	return (size_t)(end - base) == n + 4 && strncmp(base, name, n) == 0
	    && strncmp(base + n, ".lua", 4) == 0;
}

/* Each line of the messages of the step files that failed to load (with
 * name, only the one about that step's file, if any); returns how many. */
static int
print_broken(const char *broken, const char *name)
{
	int k = 0;

	for (const char *p = broken; *p;) {
		size_t len = strcspn(p, "\n");
		if (name == NULL || about(p, len, name)) {
			fprintf(stderr, "whittle: %.*s\n", (int)len, p);
			k++;
		}
		p += len + (p[len] == '\n');
	}
	return k;
}

/* The list (the steps that loaded, then the files that did not, on
 * standard error) or step name. */
static int
show(struct wh_step_info *steps, size_t n, const char *name, const char *broken)
{
	size_t w = 0;

	if (name == NULL) {
		for (size_t i = 0; i < n; i++)
			if (strlen(steps[i].name) > w)
				w = strlen(steps[i].name);
		for (size_t i = 0; i < n; i++)
			printf("%-*s  %s%s\n", (int)w, steps[i].name, steps[i].summary,
			    steps[i].replaces ? " (yours, in place of the shipped one)" :
			    steps[i].user ? " (yours)" : "");
		if (broken == NULL)
			return WH_EXIT_OK;
		fflush(stdout);
		print_broken(broken, NULL);
		return WH_EXIT_ERROR;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(steps[i].name, name) == 0) {
			print_step(&steps[i]);
			return WH_EXIT_OK;
		}
	if (broken && print_broken(broken, name) > 0)
		return WH_EXIT_ERROR;
	const char **names = wh_xcalloc(n ? n : 1, sizeof *names), *near;
	for (size_t i = 0; i < n; i++)
		names[i] = steps[i].name;
	if ((near = wh_spell_nearest(name, names, n)) != NULL)
		fprintf(stderr, "whittle: no step named '%s' (did you mean %s? whittle steps "
		    "lists them)\n", name, near);
	else
		fprintf(stderr, "whittle: no step named '%s' (whittle steps lists them)\n", name);
	free(names);
	if (broken) {
		fprintf(stderr, "whittle: these step files could not be loaded:\n");
		print_broken(broken, NULL);
	}
	return WH_EXIT_ERROR;
}

static int
exec_steps(const struct wh_cmd *self, int argc, char **argv)
{
	char *datadir = wh_datadir(), *config = wh_xdg_dir("CONFIG");
	struct wh_buf user = {0};
	struct wh_script_env env = {0};
	struct wh_script *s = NULL;
	struct wh_step_info *steps = NULL;
	struct wh_error err;
	char *broken = NULL;
	size_t n = 0;
	int rc = WH_EXIT_ERROR;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		rc = wh_cli_help(self);
	else if (argc > 2)
		rc = wh_cli_usage(self, "give at most one step name");
	else {
		wh_buf_printf(&user, "%s/steps", config);
		env.datadir = datadir;
		env.user_steps = user.data;
		if (wh_script_new(&s, &env, &err) < 0 ||
		    wh_script_steps(s, &steps, &n, &err) < 0)
			wh_cli_error(&err);
		else {
			broken = wh_script_steps_broken(s);
			rc = show(steps, n, argc > 1 ? argv[1] : NULL, broken);
		}
	}
	free(broken);
	wh_script_steps_free(steps, n);
	wh_script_free(s);
	wh_buf_free(&user);
	free(datadir);
	free(config);
	return rc;
}

const struct wh_cmd wh_cmd_steps = {
	"steps", "list the distillation steps, or show one",
	"usage: whittle steps [NAME]\n"
	"\n"
	"List the steps shipped in the data folder's lua/whittle/steps and the\n"
	"user's in $XDG_CONFIG_HOME/whittle/steps, or show step NAME: its file,\n"
	"parameters (type, default, doc) and documentation. A step file that\n"
	"cannot be loaded is named on standard error with its line and what is\n"
	"wrong (the exit status is then 1); the other steps are listed.\n"
	"\n"
	"See whittle-lua(7).\n",
	exec_steps,
};
