/* The generation options that whittle generate and whittle eval share. */
#include "cli.h"
#include "whittle/generate.h"
#include "whittle/model.h"

int
wh_cli_gen_opt(const struct wh_cmd *cmd, struct wh_gen_opts *g, int c,
    const char *arg)
{
	double v;

	switch (c) {
	case WH_OPT_MAX_NEW:
		if (wh_cli_number(arg, 1, 1e7, &v) < 0 || v != (int)v)
			return wh_cli_usage(cmd, "--max-new %s: a positive count", arg), -1;
		g->max_new = (int)v;
		return 1;
	case WH_OPT_TEMPERATURE:
		if (wh_cli_number(arg, 0, 1e3, &v) < 0)
			return wh_cli_usage(cmd, "--temperature %s: 0 or more", arg), -1;
		g->temperature = (float)v;
		return 1;
	case WH_OPT_TOP_P:
		if (wh_cli_number(arg, 0, 1, &v) < 0 || v == 0)
			return wh_cli_usage(cmd, "--top-p %s: above 0, at most 1", arg), -1;
		g->top_p = (float)v;
		return 1;
	case WH_OPT_SEED:
		if (wh_cli_number(arg, 0, 1e18, &v) < 0)
			return wh_cli_usage(cmd, "--seed %s: a number", arg), -1;
		g->seed = (uint64_t)v;
		return 1;
	case 'j':
		if (wh_cli_positive(arg) < 0)
			return wh_cli_usage(cmd, "--threads %s: 1 or more", arg), -1;
		wh_model_threads((int)wh_cli_positive(arg));
		return 1;
	}
	return 0;
}
