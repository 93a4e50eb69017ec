/* Traces in Lua: a plain table (question, thinking, answer, gold, labels,
 * anything a step adds) with the whittle.trace metatable, which gives the
 * methods and the read-only index, line, generation and record. */
#include <string.h>

#include "whittle/json.h"

#include "script-int.h"
#include "whittle/tokenizer.h"

const char *
wh_lua_field(lua_State *L, int idx, const char *name, size_t *len)
{
	const char *p = NULL;

	if (lua_getfield(L, idx, name) == LUA_TSTRING)
		p = lua_tolstring(L, -1, len);	/* the table keeps it alive */
	lua_pop(L, 1);
	return p;
}

static void
set_hidden(lua_State *L, const char *key, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, key);
}

/* A record written by an earlier run keeps its labels: set t.labels from
 * the record's "labels" object, if it has one. */
static void
carry_labels(lua_State *L, const char *raw, size_t len)
{
	struct wh_json j = {0};
	struct wh_jerror e;
	struct wh_buf tmp = {0};

	if (memmem(raw, len, "\"labels\"", 8) == NULL)
		return;
	if (wh_json_parse(&j, raw, len, &e) == 0 && j.nodes[0].type == WH_JOBJECT) {
		long m = wh_json_member(&j, 0, "labels");
		if (m >= 0 && j.nodes[m].type == WH_JOBJECT) {
			wh_buf_add(&tmp, raw + j.nodes[m].start, j.nodes[m].end - j.nodes[m].start);
			if (wh_lua_json_decode(L, tmp.data, tmp.len) == 1)
				lua_setfield(L, -2, "labels");
			else
				lua_pop(L, 2);
		}
	}
	wh_json_free(&j);
	wh_buf_free(&tmp);
}

void
wh_lua_push_trace(lua_State *L, const struct wh_trace *t, size_t entry,
    long line, const char *raw, size_t len)
{
	lua_createtable(L, 0, 8);
	for (int f = 0; f < WH_NFIELDS; f++)
		if (t->text[f]) {
			lua_pushlstring(L, t->text[f], t->len[f]);
			lua_setfield(L, -2, wh_field_name(f));
		}
	set_hidden(L, "_entry", (lua_Integer)entry);
	set_hidden(L, "_line", line);
	set_hidden(L, "_generation", t->generation);
	if (t->think_open && !t->think_closed) {
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, "_truncated");
	}
	if (raw) {
		lua_pushlstring(L, raw, len);
		lua_setfield(L, -2, "_raw");
		carry_labels(L, raw, len);
	}
	luaL_setmetatable(L, "whittle.trace");
}

/* The number of entries of the table at idx. */
static int
count_entries(lua_State *L, int idx)
{
	int n = 0;

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		n++;
	}
	return n;
}

/* t:copy(): a new trace with the same fields (labels copied, not shared).
 * Made at its size: grown key by key, a trace's table was rehashed at
 * every power of two. */
static int
t_copy(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_createtable(L, 0, count_entries(L, 1));
	lua_pushnil(L);
	while (lua_next(L, 1)) {
		if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1) &&
		    strcmp(lua_tostring(L, -2), "labels") == 0) {
			lua_createtable(L, 0, count_entries(L, lua_gettop(L)));
			lua_pushnil(L);
			while (lua_next(L, -3)) {
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_rawset(L, -4);
			}
			lua_remove(L, -2);
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
	luaL_setmetatable(L, "whittle.trace");
	return 1;
}

/* t:label(key, value): set labels[key], making labels if needed. */
static int
t_label(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checkstring(L, 2);
	lua_settop(L, 3);
	if (lua_getfield(L, 1, "labels") != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, 1, "labels");
	}
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 3);
	lua_rawset(L, -3);
	lua_settop(L, 1);
	return 1;
}

static const struct wh_tokenizer *
tokenizer_arg(lua_State *L, int idx)
{
	if (!lua_isnoneornil(L, idx))
		return *(struct wh_tokenizer **)luaL_checkudata(L, idx, "whittle.tokenizer");
	const struct wh_tokenizer *tok = wh_lua_script(L)->env->tok;
	if (tok == NULL)
		luaL_error(L, "no tokenizer: give one with --tokenizer or pass one");
	return tok;
}

/* t:tokens([tok]): {question=, thinking=, answer=, total=} token counts. */
static int
t_tokens(lua_State *L)
{
	static const char *fields[] = { "question", "thinking", "answer" };
	const struct wh_tokenizer *tok;
	lua_Integer total = 0;

	luaL_checktype(L, 1, LUA_TTABLE);
	tok = tokenizer_arg(L, 2);
	lua_createtable(L, 0, 4);
	for (int f = 0; f < 3; f++) {
		size_t len;
		const char *p = wh_lua_field(L, 1, fields[f], &len);
		lua_Integer n = p ? (lua_Integer)wh_tokenizer_count(tok, p, len) : 0;
		lua_pushinteger(L, n);
		lua_setfield(L, -2, fields[f]);
		total += f ? n : 0;
	}
	lua_pushinteger(L, total);
	lua_setfield(L, -2, "total");
	return 1;
}

/* The read-only keys, then the methods. */
static int
t_index(lua_State *L)
{
	const char *k = lua_tostring(L, 2);

	if (k == NULL)
		return 0;
	if (strcmp(k, "index") == 0 || strcmp(k, "line") == 0 ||
	    strcmp(k, "generation") == 0) {
		lua_getfield(L, 1, k[0] == 'i' ? "_entry" : k[0] == 'l' ? "_line" : "_generation");
		if (k[0] == 'i' && lua_isinteger(L, -1))
			lua_pushinteger(L, lua_tointeger(L, -1) + 1);
		return 1;
	}
	if (strcmp(k, "truncated") == 0) {
		lua_pushboolean(L, lua_getfield(L, 1, "_truncated") == LUA_TBOOLEAN);
		return 1;
	}
	if (strcmp(k, "record") == 0) {
		size_t len;
		if (lua_getfield(L, 1, "_record") == LUA_TTABLE)
			return 1;
		const char *raw = wh_lua_field(L, 1, "_raw", &len);
		if (raw == NULL || wh_lua_json_decode(L, raw, len) != 1)
			return 0;
		lua_pushvalue(L, -1);
		lua_setfield(L, 1, "_record");
		return 1;
	}
	lua_getmetatable(L, 1);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

static const luaL_Reg trace_methods[] = {
	{ "copy", t_copy },
	{ "label", t_label },
	{ "tokens", t_tokens },
	{ NULL, NULL }
};

/* wh.trace{question=..., thinking=...}: make a table a trace. */
static int
l_trace(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	luaL_setmetatable(L, "whittle.trace");
	return 1;
}

void
wh_lua_open_trace(lua_State *L)
{
	luaL_newmetatable(L, "whittle.trace");
	luaL_newlib(L, trace_methods);
	lua_setfield(L, -2, "methods");
	lua_pushcfunction(L, t_index);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	lua_pushcfunction(L, l_trace);
	lua_setfield(L, -2, "trace");
}
