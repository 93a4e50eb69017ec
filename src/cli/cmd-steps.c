/* whittle steps [NAME]: the distillation steps there are (shipped and the
 * user's) with their summaries, or one step's parameters and doc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "whittle/buf.h"
#include "whittle/paths.h"
#include "whittle/script.h"

extern const struct wh_cmd wh_cmd_steps;

static void
print_step(const struct wh_step_info *s)
{
	printf("%s: %s\n", s->name, s->summary);
	printf("file: %s\n", s->file);
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

static int
show(struct wh_step_info *steps, size_t n, const char *name)
{
	size_t w = 0;

	if (name == NULL) {
		for (size_t i = 0; i < n; i++)
			if (strlen(steps[i].name) > w)
				w = strlen(steps[i].name);
		for (size_t i = 0; i < n; i++)
			printf("%-*s  %s\n", (int)w, steps[i].name, steps[i].summary);
		return WH_EXIT_OK;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(steps[i].name, name) == 0) {
			print_step(&steps[i]);
			return WH_EXIT_OK;
		}
	fprintf(stderr, "whittle: no step named '%s' (whittle steps lists them)\n", name);
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
		else
			rc = show(steps, n, argc > 1 ? argv[1] : NULL);
	}
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
	"parameters (type, default, doc) and documentation.\n"
	"\n"
	"See whittle-lua(7).\n",
	exec_steps,
};
