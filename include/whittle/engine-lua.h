/* The engine from Lua: wh.job, wh.train, wh.eval and wh.runs submit jobs
 * to the engine and return handles (state, wait, cancel, metrics, log) on them.
 * They are added to the whittle module of a state whose scripts the user
 * trusts (whittle lua), never to the sandbox steps run in. */
#ifndef WHITTLE_ENGINE_LUA_H
#define WHITTLE_ENGINE_LUA_H

struct lua_State;

/* Add job, train, eval and runs to require "whittle" in L. A lua_CFunction: call
 * it with lua_pcall (it raises when the module cannot be loaded). */
int wh_engine_lua_open(struct lua_State *L);

#endif
