/* The user's init.lua ($XDG_CONFIG_HOME/whittle/init.lua), run once when
 * the workbench starts, in a Lua state of its own (the user's own file:
 * the standard libraries, no sandbox) with a `workbench` table: map(KEYS,
 * COMMAND) binds keys to a command line, set(OPTION, VALUE) is :set and
 * theme(NAME) is :theme. An error shows on the message line with its file
 * and line, and with Lua's traceback in the text view, as a failed :run
 * does; the workbench goes on without the rest of the file. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/app.h"
#include "tui/cmds.h"
#include "tui/diff.h"
#include "tui/init.h"
#include "tui/keys.h"
#include "whittle/paths.h"

static struct wh_tui *
app_of(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* workbench.map(keys, command) */
static int
l_map(lua_State *L)
{
	struct wh_tui *app = app_of(L);
	const char *keys = luaL_checkstring(L, 1), *command = luaL_checkstring(L, 2);
	struct wh_tui_user_key k = {0};

	k.n = wh_tui_parse_keys(keys, k.keys, 4);
	luaL_argcheck(L, k.n > 0 && keys[strspn(keys, " ")] != '\0', 1, "no keys");
	luaL_argcheck(L, strlen(keys) < sizeof k.name, 1, "at most four keys");
	luaL_argcheck(L, command[strspn(command, " :")] != '\0', 2, "no command");
	snprintf(k.name, sizeof k.name, "%s", keys);
	k.command = wh_xstrdup(command);
	app->user_keys = wh_xrealloc(app->user_keys, (app->n_user_keys + 1) *
	    sizeof *app->user_keys);
	app->user_keys[app->n_user_keys++] = k;
	return 0;
}

/* Run the command line on top of the stack; the error it shows becomes the
 * script's, so that the message names the file and line and the rest of
 * the file is not run. */
static int
run_line(lua_State *L)
{
	struct wh_tui *app = app_of(L);
	bool was_error = app->msg_error;
	char before[sizeof app->msg];

	memcpy(before, app->msg, sizeof before);
	app->msg_error = false;
	wh_tui_command(app, lua_tostring(L, -1));
	if (app->msg_error)
		return luaL_error(L, "%s", app->msg);
	if (strcmp(app->msg, before) == 0)
		app->msg_error = was_error;	/* an earlier error stays one */
	return 0;
}

/* workbench.set(option, value) */
static int
l_set(lua_State *L)
{
	const char *option = luaL_checkstring(L, 1), *value = luaL_checkstring(L, 2);

	lua_pushfstring(L, "set %s=%s", option, value);
	return run_line(L);
}

/* workbench.theme(name) */
static int
l_theme(lua_State *L)
{
	lua_pushfstring(L, "theme %s", luaL_checkstring(L, 1));
	return run_line(L);
}

/* The message handler of the file's pcall: the error with a traceback. */
static int
traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	luaL_traceback(L, L, msg ? msg : "an error that is no string", 1);
	return 1;
}

/* Show the error on top of L's stack: its first line on the message line,
 * all of it (the traceback) in the text view. */
static void
show_error(struct wh_tui *app, lua_State *L)
{
	const char *text = lua_tostring(L, -1);

	if (text == NULL)
		text = "an error";
	wh_tui_diff_text(app, "init.lua failed", text, strlen(text));
	wh_tui_message(app, true, "init.lua: %.*s", (int)strcspn(text, "\n"), text);
}

void
wh_tui_init_lua(struct wh_tui *app)
{
	static const luaL_Reg fns[] = {
		{ "map", l_map }, { "set", l_set }, { "theme", l_theme }, { NULL, NULL }
	};
	char *config = wh_xdg_dir("CONFIG");
	struct wh_buf path = {0};
	lua_State *L;

	wh_buf_printf(&path, "%s/init.lua", config);
	free(config);
	if (access(path.data, F_OK) != 0 || (L = luaL_newstate()) == NULL) {
		wh_buf_free(&path);
		return;
	}
	luaL_openlibs(L);
	lua_newtable(L);
	lua_pushlightuserdata(L, app);
	luaL_setfuncs(L, fns, 1);
	lua_setglobal(L, "workbench");
	lua_pushcfunction(L, traceback);
	if (luaL_loadfile(L, path.data) != LUA_OK || lua_pcall(L, 0, 0, 1) != LUA_OK)
		show_error(app, L);
	lua_close(L);
	wh_buf_free(&path);
}

void
wh_tui_init_free(struct wh_tui *app)
{
	for (size_t i = 0; i < app->n_user_keys; i++)
		free(app->user_keys[i].command);
	free(app->user_keys);
	app->user_keys = NULL;
	app->n_user_keys = 0;
}
