/* wh.json: Lua values to JSON and back. Output is deterministic (object keys
 * sorted, numbers in one format) so that a run's output is byte-identical
 * for the same inputs and seed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "script-int.h"
#include "whittle/json.h"

#define MAX_DEPTH 64

/* Where in the value being written the encoder is: a key or an index of
 * each table on the way down, for the errors to name (.labels.x, .ids[3]). */
struct jpath {
	const char *key;	/* NULL: an array's index */
	size_t index;
	const struct jpath *up;
};

static void encode_value(lua_State *L, int idx, struct wh_buf *out, int depth,
    const struct jpath *path);

/* Raise "what as JSON", followed by where it is when not at the top. */
static void
fail_at(lua_State *L, const struct jpath *path, const char *what)
{
	const struct jpath *steps[MAX_DEPTH + 2];
	struct wh_buf b = {0};
	int n = 0;

	for (; path && n < MAX_DEPTH + 2; path = path->up)
		steps[n++] = path;
	while (n-- > 0) {
		if (steps[n]->key)
			wh_buf_printf(&b, ".%s", steps[n]->key);
		else
			wh_buf_printf(&b, "[%zu]", steps[n]->index);
	}
	lua_pushfstring(L, "cannot write %s as JSON%s%s%s", what, b.len ? " (at " : "",
	    b.len ? b.data : "", b.len ? ")" : "");
	wh_buf_free(&b);
	lua_error(L);
}

static void
encode_number(lua_State *L, int idx, struct wh_buf *out)
{
	if (lua_isinteger(L, idx)) {
		wh_buf_printf(out, "%lld", (long long)lua_tointeger(L, idx));
		return;
	}
	double d = lua_tonumber(L, idx);
	char tmp[64];
	if (!isfinite(d)) {
		wh_buf_adds(out, "null");
		return;
	}
	snprintf(tmp, sizeof tmp, "%.15g", d);
	if (strtod(tmp, NULL) != d)
		snprintf(tmp, sizeof tmp, "%.17g", d);
	wh_buf_adds(out, tmp);
}

/* n if the table at idx has exactly the keys 1..n (n >= 1), else 0. */
static size_t
array_length(lua_State *L, int idx)
{
	size_t n = lua_rawlen(L, idx), keys = 0;

	if (n == 0)
		return 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		keys++;
	}
	return keys == n ? n : 0;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
encode_object(lua_State *L, int idx, struct wh_buf *out, int depth,
    const struct jpath *path)
{
	size_t n = 0, cap = 0;

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		cap++;
	}
	/* The keys live in a userdata so an error frees them with it. */
	const char **keys = lua_newuserdatauv(L, cap * sizeof *keys + 1, 0);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			fail_at(L, path, lua_pushfstring(L, "a table with a %s key",
			    luaL_typename(L, -1)));
		const char *k = lua_tostring(L, -1);
		if (k[0] != '_')
			keys[n++] = k;	/* the table keeps the key alive */
	}
	qsort(keys, n, sizeof *keys, key_cmp);
	wh_buf_addc(out, '{');
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		lua_getfield(L, idx, keys[i]);
		if (!lua_isnil(L, -1)) {
			if (!first)
				wh_buf_addc(out, ',');
			first = false;
			wh_json_quote(out, keys[i], strlen(keys[i]));
			wh_buf_addc(out, ':');
			struct jpath here = { keys[i], 0, path };
			encode_value(L, lua_gettop(L), out, depth + 1, &here);
		}
		lua_pop(L, 1);
	}
	wh_buf_addc(out, '}');
	lua_pop(L, 1);
}

static void
encode_table(lua_State *L, int idx, struct wh_buf *out, int depth,
    const struct jpath *path)
{
	size_t n;

	if (depth > MAX_DEPTH)
		luaL_error(L, "cannot write JSON nested deeper than %d (a cycle?)", MAX_DEPTH);
	luaL_checkstack(L, 6, NULL);
	if ((n = array_length(L, idx)) == 0) {
		lua_pushnil(L);
		if (lua_next(L, idx) == 0) {
			wh_buf_adds(out, "[]");
			return;
		}
		lua_pop(L, 2);
		encode_object(L, idx, out, depth, path);
		return;
	}
	wh_buf_addc(out, '[');
	for (size_t i = 1; i <= n; i++) {
		if (i > 1)
			wh_buf_addc(out, ',');
		lua_rawgeti(L, idx, (lua_Integer)i);
		struct jpath here = { NULL, i, path };
		encode_value(L, lua_gettop(L), out, depth + 1, &here);
		lua_pop(L, 1);
	}
	wh_buf_addc(out, ']');
}

static void
encode_value(lua_State *L, int idx, struct wh_buf *out, int depth,
    const struct jpath *path)
{
	size_t len;
	const char *s;

	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		wh_buf_adds(out, "null");
		break;
	case LUA_TBOOLEAN:
		wh_buf_adds(out, lua_toboolean(L, idx) ? "true" : "false");
		break;
	case LUA_TNUMBER:
		encode_number(L, idx, out);
		break;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		wh_json_quote(out, s, len);
		break;
	case LUA_TTABLE:
		encode_table(L, idx, out, depth, path);
		break;
	default:
		fail_at(L, path, lua_pushfstring(L, "a %s", luaL_typename(L, idx)));
	}
}

void
wh_lua_json_encode(lua_State *L, int idx, struct wh_buf *out)
{
	encode_value(L, lua_absindex(L, idx), out, 0, NULL);
}

static uint32_t push_node(lua_State *L, const struct wh_json *j, uint32_t i,
    struct wh_buf *tmp);

static uint32_t
push_container(lua_State *L, const struct wh_json *j, uint32_t i,
    struct wh_buf *tmp)
{
	const struct wh_jnode *n = &j->nodes[i];
	bool obj = n->type == WH_JOBJECT;
	uint32_t k = i + 1;

	luaL_checkstack(L, 3, "JSON nested too deeply");
	lua_createtable(L, obj ? 0 : (int)n->count, obj ? (int)n->count : 0);
	for (uint32_t m = 0; m < n->count; m++) {
		if (obj) {
			wh_buf_clear(tmp);
			wh_json_string(j, k, tmp);
			lua_pushlstring(L, tmp->data ? tmp->data : "", tmp->len);
			k = j->nodes[k].next;
		}
		k = push_node(L, j, k, tmp);
		if (obj)
			lua_rawset(L, -3);
		else
			lua_rawseti(L, -2, (lua_Integer)m + 1);
	}
	return n->next;
}

/* Push node i; returns the index just past its subtree. */
static uint32_t
push_node(lua_State *L, const struct wh_json *j, uint32_t i, struct wh_buf *tmp)
{
	const struct wh_jnode *n = &j->nodes[i];

	switch (n->type) {
	case WH_JNULL:
		lua_pushnil(L);
		break;
	case WH_JTRUE:
	case WH_JFALSE:
		lua_pushboolean(L, n->type == WH_JTRUE);
		break;
	case WH_JNUMBER:
		lua_pushlstring(L, j->text + n->start, n->end - n->start);
		if (lua_stringtonumber(L, lua_tostring(L, -1)) != 0)
			lua_remove(L, -2);
		break;
	case WH_JSTRING:
		wh_buf_clear(tmp);
		wh_json_string(j, i, tmp);
		lua_pushlstring(L, tmp->data ? tmp->data : "", tmp->len);
		break;
	default:
		return push_container(L, j, i, tmp);
	}
	return n->next;
}

int
wh_lua_json_decode(lua_State *L, const char *p, size_t len)
{
	struct wh_json j = {0};
	struct wh_jerror e;
	struct wh_buf tmp = {0};

	if (wh_json_parse(&j, p, len, &e) < 0) {
		wh_json_free(&j);
		lua_pushnil(L);
		lua_pushfstring(L, "invalid JSON at byte %d: %s", (int)e.offset + 1, e.msg);
		return 2;
	}
	push_node(L, &j, 0, &tmp);
	wh_json_free(&j);
	wh_buf_free(&tmp);
	return 1;
}

static int
buf_gc(lua_State *L)
{
	wh_buf_free(lua_touserdata(L, 1));
	return 0;
}

struct wh_buf *
wh_lua_newbuf(lua_State *L)
{
	struct wh_buf *b = lua_newuserdatauv(L, sizeof *b, 0);

	memset(b, 0, sizeof *b);
	if (luaL_newmetatable(L, "whittle.buf")) {
		lua_pushcfunction(L, buf_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	return b;
}

static int
l_encode(lua_State *L)
{
	luaL_checkany(L, 1);
	lua_settop(L, 1);
	struct wh_buf *b = wh_lua_newbuf(L);
	wh_lua_json_encode(L, 1, b);
	lua_pushlstring(L, b->data ? b->data : "", b->len);
	return 1;
}

static int
l_decode(lua_State *L)
{
	size_t len;
	const char *p = luaL_checklstring(L, 1, &len);

	return wh_lua_json_decode(L, p, len);
}

static const luaL_Reg json_fns[] = {
	{ "encode", l_encode },
	{ "decode", l_decode },
	{ NULL, NULL }
};

void
wh_lua_open_json(lua_State *L)
{
	luaL_newlib(L, json_fns);
	lua_setfield(L, -2, "json");
}
