/* wh.log and wh.progress: messages and progress from Lua, handed to the
 * host's callbacks (the CLI prints them on stderr; the TUI in its log). */
#include <stdio.h>
#include <unistd.h>

#include "script-int.h"

/* Format the arguments from idx as string.format does. */
static const char *
format_args(lua_State *L, int idx)
{
	int n = lua_gettop(L);

	lua_getglobal(L, "string");
	lua_getfield(L, -1, "format");
	lua_remove(L, -2);
	for (int i = idx; i <= n; i++)
		lua_pushvalue(L, i);
	lua_call(L, n - idx + 1, 1);
	return lua_tostring(L, -1);
}

static int
emit(lua_State *L, const char *level)
{
	const struct wh_script_env *env = wh_lua_script(L)->env;
	const char *msg = format_args(L, 1);

	if (env->log)
		env->log(env->log_arg, level, msg);
	else
		fprintf(stderr, "whittle: %s: %s\n", level, msg);
	return 0;
}

/* wh.log.info(fmt, ...), wh.log.warn(fmt, ...), wh.log.debug(fmt, ...) */
static int l_info(lua_State *L) { return emit(L, "info"); }
static int l_warn(lua_State *L) { return emit(L, "warning"); }
static int l_debug(lua_State *L) { return emit(L, "debug"); }

struct progress {
	lua_Integer total;
	int tty;
};

/* wh.progress(label, total) -> p; p:update(done); p:done() */
static int
l_progress(lua_State *L)
{
	luaL_checkstring(L, 1);
	lua_Integer total = luaL_checkinteger(L, 2);
	struct progress *p = lua_newuserdatauv(L, sizeof *p, 1);
	p->total = total;
	p->tty = isatty(2);
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, "whittle.progress");
	return 1;
}

static void
draw(lua_State *L, struct progress *p, lua_Integer done, const char *end)
{
	if (!p->tty)
		return;
	lua_getiuservalue(L, 1, 1);
	int pct = p->total > 0 ? (int)(done * 100 / p->total) : 100;
	fprintf(stderr, "\r%s %3d%% (%lld/%lld)%s", lua_tostring(L, -1), pct,
	    (long long)done, (long long)p->total, end);
	lua_pop(L, 1);
}

static int
p_update(lua_State *L)
{
	struct progress *p = luaL_checkudata(L, 1, "whittle.progress");

	draw(L, p, luaL_checkinteger(L, 2), "");
	return 0;
}

static int
p_done(lua_State *L)
{
	struct progress *p = luaL_checkudata(L, 1, "whittle.progress");

	draw(L, p, p->total, "\n");
	return 0;
}

static const luaL_Reg progress_methods[] = {
	{ "update", p_update },
	{ "done", p_done },
	{ NULL, NULL }
};

static const luaL_Reg log_fns[] = {
	{ "info", l_info },
	{ "warn", l_warn },
	{ "debug", l_debug },
	{ NULL, NULL }
};

void
wh_lua_open_log(lua_State *L)
{
	luaL_newmetatable(L, "whittle.progress");
	luaL_newlib(L, progress_methods);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	luaL_newlib(L, log_fns);
	lua_setfield(L, -2, "log");
	lua_pushcfunction(L, l_progress);
	lua_setfield(L, -2, "progress");
}
