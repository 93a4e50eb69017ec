/* wh.tokenizer and the whittle.tokenizer type: load a tokenizer.json, and
 * encode, decode and count as Hugging Face does. The run's --tokenizer is
 * shared by every state (tokenizers are read-only and thread-safe). */
#include <stdlib.h>

#include "script-int.h"
#include "whittle/tokenizer.h"

struct ltok {
	struct wh_tokenizer *tok;
	bool owned;
};

static const struct wh_tokenizer *
check_tok(lua_State *L)
{
	return ((struct ltok *)luaL_checkudata(L, 1, "whittle.tokenizer"))->tok;
}

static void
push_tok(lua_State *L, const struct wh_tokenizer *tok, bool owned)
{
	struct ltok *t = lua_newuserdatauv(L, sizeof *t, 0);

	t->tok = (struct wh_tokenizer *)tok;
	t->owned = owned;
	luaL_setmetatable(L, "whittle.tokenizer");
}

/* wh.tokenizer.load(path) */
static int
l_load(lua_State *L)
{
	struct wh_error e;
	struct wh_tokenizer *tok = wh_tokenizer_load(luaL_checkstring(L, 1), &e);
	char msg[1200];

	if (tok == NULL) {
		wh_error_format(&e, msg, sizeof msg);
		lua_pushnil(L);
		lua_pushstring(L, msg);
		return 2;
	}
	push_tok(L, tok, true);
	return 1;
}

/* wh.tokenizer.default(): the run's --tokenizer, or nil. */
static int
l_default(lua_State *L)
{
	const struct wh_tokenizer *tok = wh_lua_script(L)->env->tok;

	if (tok == NULL)
		lua_pushnil(L);
	else
		push_tok(L, tok, false);
	return 1;
}

/* tok:encode(text) -> {ids} */
static int
tok_encode(lua_State *L)
{
	const struct wh_tokenizer *tok = check_tok(L);
	size_t len;
	const char *s = luaL_checklstring(L, 2, &len);
	struct wh_ids ids = {0};

	wh_tokenizer_encode(tok, s, len, &ids);
	if (!lua_checkstack(L, 3)) {
		wh_ids_free(&ids);
		return luaL_error(L, "out of stack");
	}
	lua_createtable(L, (int)ids.n, 0);
	for (size_t i = 0; i < ids.n; i++) {
		lua_pushinteger(L, ids.v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	wh_ids_free(&ids);
	return 1;
}

/* tok:count(text) */
static int
tok_count(lua_State *L)
{
	const struct wh_tokenizer *tok = check_tok(L);
	size_t len;
	const char *s = luaL_checklstring(L, 2, &len);

	lua_pushinteger(L, (lua_Integer)wh_tokenizer_count(tok, s, len));
	return 1;
}

/* tok:decode(ids [, skip_special]) */
static int
tok_decode(lua_State *L)
{
	const struct wh_tokenizer *tok = check_tok(L);
	bool skip_special = lua_toboolean(L, 3);
	size_t n;
	struct wh_error e;

	luaL_checktype(L, 2, LUA_TTABLE);
	n = lua_rawlen(L, 2);
	uint32_t *ids = lua_newuserdatauv(L, n * sizeof *ids + 1, 0);
	for (size_t i = 0; i < n; i++) {
		lua_rawgeti(L, 2, (lua_Integer)i + 1);
		lua_Integer v = wh_lua_top_integer(L, 2, (lua_Integer)i + 1, NULL);
		luaL_argcheck(L, v >= 0 && v <= UINT32_MAX, 2, "not a token id");
		ids[i] = (uint32_t)v;
		lua_pop(L, 1);
	}
	struct wh_buf *b = wh_lua_newbuf(L);
	if (wh_tokenizer_decode(tok, ids, n, skip_special, b, &e) < 0)
		return luaL_error(L, "%s", e.msg);
	lua_pushlstring(L, b->data ? b->data : "", b->len);
	return 1;
}

static int
tok_vocab(lua_State *L)
{
	lua_pushinteger(L, wh_tokenizer_vocab_size(check_tok(L)));
	return 1;
}

static int
tok_gc(lua_State *L)
{
	struct ltok *t = luaL_checkudata(L, 1, "whittle.tokenizer");

	if (t->owned)
		wh_tokenizer_free(t->tok);
	t->tok = NULL;
	return 0;
}

static const luaL_Reg tok_methods[] = {
	{ "encode", tok_encode },
	{ "decode", tok_decode },
	{ "count", tok_count },
	{ "vocab_size", tok_vocab },
	{ NULL, NULL }
};

static const luaL_Reg tok_fns[] = {
	{ "load", l_load },
	{ "default", l_default },
	{ NULL, NULL }
};

void
wh_lua_open_tokenizer(lua_State *L)
{
	luaL_newmetatable(L, "whittle.tokenizer");
	lua_pushcfunction(L, tok_gc);
	lua_setfield(L, -2, "__gc");
	luaL_newlib(L, tok_methods);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	luaL_newlib(L, tok_fns);
	lua_setfield(L, -2, "tokenizer");
}
