/* Inside the Lua binding: the state's C side, and the openers of each area
 * of the `whittle` module (one file and one luaL_Reg table per Lua type). */
#ifndef WHITTLE_SCRIPT_INT_H
#define WHITTLE_SCRIPT_INT_H

#include <lua.h>
#include <lauxlib.h>

#include "whittle/script.h"
#include "whittle/segment.h"

struct wh_script {
	lua_State *L;
	const struct wh_script_env *env;
	uint64_t executed;	/* instructions since the last reset */
	struct wh_segmenter *seg;	/* the default rules, compiled lazily */
	int host;		/* registry ref of the host table (host.lua) */
	char *prov;		/* the pipeline's provenance as JSON */
};

/* The state a lua_State belongs to. */
struct wh_script *wh_lua_script(lua_State *L);

/* Each adds its functions to the module table on top of the stack. */
void wh_lua_open_json(lua_State *L);
void wh_lua_open_trace(lua_State *L);
void wh_lua_open_dataset(lua_State *L);
void wh_lua_open_tokenizer(lua_State *L);
void wh_lua_open_answer(lua_State *L);
void wh_lua_open_segment(lua_State *L);
void wh_lua_open_rng(lua_State *L);
void wh_lua_open_log(lua_State *L);
void wh_lua_open_model(lua_State *L);

/* luaopen_whittle: the module table. */
int wh_lua_open_whittle(lua_State *L);

/* The value on top of the stack, read out of argument arg: its field
 * name, or (name NULL) its item k. Each raises an error naming the
 * argument and the field or item when the value is not of the type. */
lua_Integer wh_lua_top_integer(lua_State *L, int arg, lua_Integer k, const char *name);
lua_Number wh_lua_top_number(lua_State *L, int arg, lua_Integer k, const char *name);
const char *wh_lua_top_string(lua_State *L, int arg, lua_Integer k, const char *name);

/* The segment overrides for the trace table at idx, with its entry: those
 * of the dataset it was read from (wh.open), or the run's for a trace of
 * the run's input; NULL when the trace is no dataset's or there are none.
 * Raises an error when the overrides file cannot be read. */
const struct wh_overrides *wh_lua_trace_overrides(lua_State *L, int idx,
    size_t *entry);

/* Push trace t (entry 0-based, line, raw record bytes or NULL) as a trace
 * table. */
void wh_lua_push_trace(lua_State *L, const struct wh_trace *t, size_t entry,
    long line, const char *raw, size_t len);

/* Append the Lua value at idx as JSON (tables: arrays when their keys are
 * 1..n, else objects with sorted keys; keys starting with "_" are left
 * out). Raises a Lua error on a value JSON cannot hold. */
void wh_lua_json_encode(lua_State *L, int idx, struct wh_buf *out);
/* Push the JSON text p[0..len) as a Lua value; nil and a message if it is
 * not JSON. Returns the number of values pushed. */
int wh_lua_json_decode(lua_State *L, const char *p, size_t len);

/* Push a buffer the garbage collector frees (safe across Lua errors). */
struct wh_buf *wh_lua_newbuf(lua_State *L);

/* Push a new RNG seeded with seed. */
void wh_lua_push_rng(lua_State *L, uint64_t seed);

/* The text of field name of the table at idx, or NULL. */
const char *wh_lua_field(lua_State *L, int idx, const char *name, size_t *len);

/* The sandbox refuses this: raise an error unless the state is trusted. */
void wh_lua_need_trust(lua_State *L, const char *what);

#endif
