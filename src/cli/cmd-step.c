/* whittle step NAME [k=v ...] IN -o OUT: apply one step, shipped or the
 * user's, to every record (cmd-run.c does the work). */
#include "cli.h"

int wh_cli_run_main(const struct wh_cmd *cmd, int argc, char **argv, bool step,
    bool check);
extern const struct wh_cmd wh_cmd_step;

static int
exec_step(const struct wh_cmd *self, int argc, char **argv)
{
	return wh_cli_run_main(self, argc, argv, true, false);
}

const struct wh_cmd wh_cmd_step = {
	"step", "apply one distillation step to every record",
	"usage: whittle step [OPTIONS] NAME [KEY=VALUE ...] IN -o OUT\n"
	"\n"
	"Apply the step NAME (see whittle steps) with the given parameters to\n"
	"every record of IN. Takes the options of whittle run.\n"
	"\n"
	"See whittle-lua(7).\n",
	exec_step,
};
