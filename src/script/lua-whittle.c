/* luaopen_whittle: the module table `require "whittle"` returns, put
 * together from the areas (json, traces, datasets, tokenizers, answers,
 * segments, RNG, logging, models), plus the run's seed and version; and
 * the checks the areas share for values read out of table arguments. */
#include "config.h"
#include "script-int.h"

/* Raise "bad argument #arg to 'f' (NAME: WANT expected, got TYPE)" for the
 * value on top of the stack: field name, or item k of a list. */
static void
bad_value(lua_State *L, int arg, lua_Integer k, const char *name, const char *want)
{
	const char *got = luaL_typename(L, -1);

	if (name)
		luaL_argerror(L, arg, lua_pushfstring(L, "%s: %s expected, got %s", name, want, got));
	luaL_argerror(L, arg, lua_pushfstring(L, "item %I: %s expected, got %s",
	    (LUAI_UACINT)k, want, got));
}

lua_Integer
wh_lua_top_integer(lua_State *L, int arg, lua_Integer k, const char *name)
{
	int ok;
	lua_Integer v = lua_tointegerx(L, -1, &ok);

	if (!ok)
		bad_value(L, arg, k, name, "integer");
	return v;
}

lua_Number
wh_lua_top_number(lua_State *L, int arg, lua_Integer k, const char *name)
{
	int ok;
	lua_Number v = lua_tonumberx(L, -1, &ok);

	if (!ok)
		bad_value(L, arg, k, name, "number");
	return v;
}

const char *
wh_lua_top_string(lua_State *L, int arg, lua_Integer k, const char *name)
{
	const char *s = lua_tostring(L, -1);

	if (s == NULL)
		bad_value(L, arg, k, name, "string");
	return s;
}

int
wh_lua_open_whittle(lua_State *L)
{
	lua_newtable(L);
	wh_lua_open_json(L);
	wh_lua_open_trace(L);
	wh_lua_open_dataset(L);
	wh_lua_open_tokenizer(L);
	wh_lua_open_answer(L);
	wh_lua_open_segment(L);
	wh_lua_open_rng(L);
	wh_lua_open_log(L);
	wh_lua_open_model(L);
	lua_pushinteger(L, (lua_Integer)wh_lua_script(L)->env->seed);
	lua_setfield(L, -2, "seed");
	lua_pushstring(L, PACKAGE_VERSION);
	lua_setfield(L, -2, "version");
	return 1;
}
