/* luaopen_whittle: the module table `require "whittle"` returns, put
 * together from the areas (json, traces, datasets, tokenizers, answers,
 * segments, RNG, logging, models), plus the run's seed and version. */
#include "config.h"
#include "script-int.h"

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
