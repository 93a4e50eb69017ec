/* whittle: a terminal workbench for chain-of-thought distillation.
 * main picks the subcommand; each lives in src/cli/cmd-*.c. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli/cli.h"
#include "whittle/file.h"
#include "whittle/paths.h"
#include "whittle/spell.h"
#include "whittle/tui.h"

extern const struct wh_cmd wh_cmd_tokenize;
extern const struct wh_cmd wh_cmd_check;
extern const struct wh_cmd wh_cmd_steps, wh_cmd_step, wh_cmd_run;
extern const struct wh_cmd wh_cmd_engine, wh_cmd_runs, wh_cmd_watch, wh_cmd_cancel;
extern const struct wh_cmd wh_cmd_train, wh_cmd_generate, wh_cmd_eval, wh_cmd_losses;
extern const struct wh_cmd wh_cmd_lua;

static const struct wh_cmd *commands[] = {
	&wh_cmd_stats, &wh_cmd_show, &wh_cmd_export,
	&wh_cmd_tokenize,
	&wh_cmd_check,
	&wh_cmd_steps,
	&wh_cmd_step,
	&wh_cmd_run,
	&wh_cmd_engine,
	&wh_cmd_runs,
	&wh_cmd_watch,
	&wh_cmd_cancel,
	&wh_cmd_train,
	&wh_cmd_generate,
	&wh_cmd_eval,
	&wh_cmd_losses,
	&wh_cmd_lua,
	NULL
};

static void
usage(FILE *out)
{
	fputs("usage: whittle FILE\n"
	    "       whittle COMMAND [OPTIONS] ...\n"
	    "\n"
	    "A workbench for chain-of-thought distillation datasets.\n"
	    "\n"
	    "Commands:\n", out);
	for (int i = 0; commands[i]; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n"
	    "whittle FILE [--with FILE2] [--tokenizer PATH] [--theme NAME] opens\n"
	    "the workbench on FILE (? inside shows its keys).\n"
	    "\n"
	    "  -h, --help     this help; `whittle COMMAND --help` for a command\n"
	    "  -V, --version  print the version\n"
	    "\n"
	    "See whittle(1) and whittle-formats(5).\n", out);
}

/* A command ended by a signal leaves no temp file beside its output: it
 * is removed, then the signal does what it would have done. */
static void
on_fatal_signal(int sig)
{
	wh_atomic_remove_pending();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
remove_temp_files_on_signals(void)
{
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (signal(sigs[i], on_fatal_signal) == SIG_IGN)
			signal(sigs[i], SIG_IGN);	/* nohup's choice stands */
}

/* A command's exit status, made an error when what it printed could not
 * all be written (a full disk, a closed pipe): a script must not take a
 * cut report for a whole one. */
static int
flushed(int rc)
{
	errno = 0;
	if ((fflush(stdout) == 0 && !ferror(stdout)) || rc != 0)
		return rc;	/* a failed command has said why */
	if (errno)
		fprintf(stderr, "whittle: cannot write the standard output: %s\n",
		    strerror(errno));
	else
		fputs("whittle: cannot write the standard output\n", stderr);
	return WH_EXIT_ERROR;
}

/* Whether word, which names no file, is a command mistyped; says which. */
static bool
mistyped(const char *word)
{
	const char *names[sizeof commands / sizeof commands[0]], *near;
	size_t n = 0;

	if (word[0] == '-' || access(word, F_OK) == 0)
		return false;	/* an option, or a file */
	for (; commands[n]; n++)
		names[n] = commands[n]->name;
	if ((near = wh_spell_nearest(word, names, n)) == NULL)
		return false;
	fprintf(stderr, "whittle: %s: no such file, nor command (did you mean %s? "
	    "whittle --help lists the commands)\n", word, near);
	return true;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		char *dir = wh_datadir();
		printf("whittle %s\ndata folder: %s\n", PACKAGE_VERSION, dir);
		free(dir);
		return 0;
	}
	for (int i = 0; commands[i]; i++)
		if (strcmp(argv[1], commands[i]->name) == 0) {
			remove_temp_files_on_signals();
			return flushed(commands[i]->exec(commands[i], argc - 1, argv + 1));
		}
	/* whittle -j 2 FILE: options before the file are the workbench's
	 * too, and it names one it does not know. */
	if (argv[1][0] != '-' && mistyped(argv[1]))
		return 2;
	/* whittle FILE: the workbench. */
	return wh_tui_main(argc, argv);
}
