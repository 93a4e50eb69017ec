/* whittle lua FILE.lua [ARG]...: run a Lua script of the user's own (not
 * a step: no sandbox, no instruction limit) with the whittle module and
 * wh.job/wh.train/wh.runs, so one file can curate, train and evaluate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>

#include "cli.h"
#include "whittle/buf.h"
#include "whittle/engine-lua.h"
#include "whittle/paths.h"
#include "whittle/script.h"

extern const struct wh_cmd wh_cmd_lua;

static void
print_log(void *arg, const char *level, const char *msg)
{
	(void)arg;
	fprintf(stderr, "whittle: %s: %s\n", level, msg);
}

static int
lua_exec(const struct wh_cmd *self, int argc, char **argv)
{
	char *datadir = wh_datadir(), *config = wh_xdg_dir("CONFIG");
	struct wh_script_env env = { .trust = true, .log = print_log };
	struct wh_buf user = {0};
	struct wh_script *s = NULL;
	struct wh_error err;
	int rc = WH_EXIT_ERROR;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		free(datadir);
		free(config);
		return argc < 2 ? wh_cli_usage(self, "give a Lua file") : wh_cli_help(self);
	}
	wh_buf_printf(&user, "%s/steps", config);
	env.datadir = datadir;
	env.user_steps = user.data;
	if (wh_script_new(&s, &env, &err) == 0) {
		lua_State *L = wh_script_lua(s);
		lua_pushcfunction(L, wh_engine_lua_open);
		if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
			fprintf(stderr, "whittle: %s\n", lua_tostring(L, -1));
			lua_pop(L, 1);
		} else if (wh_script_dofile(s, argv[1], argc - 2, argv + 2, &err) == 0)
			rc = WH_EXIT_OK;
		else
			wh_cli_error(&err);
	} else
		wh_cli_error(&err);
	wh_script_free(s);
	wh_buf_free(&user);
	free(datadir);
	free(config);
	return rc;
}

int
wh_cli_lua_check(int argc, char **argv)
{
	if (argc < 2)
		return wh_cli_usage(&wh_cmd_lua, "give a Lua file");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return WH_EXIT_OK;
	return wh_cli_check_path(argv[1], false) < 0 ? WH_EXIT_ERROR : WH_EXIT_OK;
}

const struct wh_cmd wh_cmd_lua = {
	"lua", "run a Lua script with the whittle module and the engine",
	"usage: whittle lua FILE.lua [ARG]...\n"
	"\n"
	"Run FILE.lua (ARGs are its ...) with require \"whittle\": datasets,\n"
	"traces, steps, and wh.job, wh.train and wh.runs, which submit jobs to\n"
	"the engine and follow them. The script is trusted as a shell script is:\n"
	"no sandbox and no instruction limit. See whittle-lua(7).\n",
	lua_exec
};
