/* wh.answer: find the final answer of a text, a trace or a reference, and
 * decide whether two answers are the same (the analysis layer's rules). */
#include <string.h>

#include "script-int.h"
#include "whittle/answer.h"

/* A rule mask from a list of rule names at idx (absent: every rule). */
static unsigned
rules_arg(lua_State *L, int idx)
{
	unsigned mask = 0;

	if (lua_isnoneornil(L, idx))
		return WH_ANSWER_ALL;
	luaL_checktype(L, idx, LUA_TTABLE);
	for (lua_Integer i = 1; lua_rawgeti(L, idx, i) != LUA_TNIL; i++) {
		const char *name = wh_lua_top_string(L, idx, i, NULL);
		int r;
		for (r = 1; r < WH_ANSWER_NRULES; r++)
			if (strcmp(name, wh_answer_rule_name((enum wh_answer_rule)r)) == 0)
				break;
		if (r == WH_ANSWER_NRULES)
			luaL_error(L, "unknown answer rule '%s'", name);
		mask |= WH_ANSWER_RULE(r);
		lua_pop(L, 1);
	}
	return mask;
}

/* Push text[a] as answer, rule name, start, stop (1-based, inclusive). */
static int
push_answer(lua_State *L, const char *text, const struct wh_answer *a)
{
	if (a->rule == WH_ANSWER_NONE)
		return 0;
	lua_pushlstring(L, text + a->start, a->end - a->start);
	lua_pushstring(L, wh_answer_rule_name(a->rule));
	lua_pushinteger(L, (lua_Integer)a->start + 1);
	lua_pushinteger(L, (lua_Integer)a->end);
	return 4;
}

/* wh.answer.extract(text [, rules]) -> answer, rule, start, stop | nil */
static int
l_extract(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	struct wh_answer a;

	wh_answer_extract(text, len, rules_arg(L, 2), &a);
	return push_answer(L, text, &a);
}

static void
trace_arg(lua_State *L, int idx, struct wh_trace *t)
{
	memset(t, 0, sizeof *t);
	luaL_checktype(L, idx, LUA_TTABLE);
	for (int f = 0; f < WH_NFIELDS; f++)
		t->text[f] = (char *)wh_lua_field(L, idx, wh_field_name(f), &t->len[f]);
}

/* wh.answer.of_trace(t) -> answer, rule, start, stop, field | nil */
static int
l_of_trace(lua_State *L)
{
	struct wh_trace t;
	struct wh_answer a;

	trace_arg(L, 1, &t);
	const char *text = wh_answer_of_trace(&t, &a);
	if (text == NULL)
		return 0;
	push_answer(L, text, &a);
	lua_pushstring(L, text == t.text[WH_ANSWER] ? "answer" : "thinking");
	return 5;
}

/* wh.answer.of_gold(gold) -> answer | nil (nil too for a nil gold: a
 * record without one) */
static int
l_of_gold(lua_State *L)
{
	size_t len;
	const char *gold;
	struct wh_answer a;

	if (lua_isnoneornil(L, 1))
		return 0;
	gold = luaL_checklstring(L, 1, &len);
	if (!wh_answer_of_gold(gold, len, &a))
		return 0;
	if (a.rule == WH_ANSWER_NONE)
		lua_pushvalue(L, 1);
	else
		lua_pushlstring(L, gold + a.start, a.end - a.start);
	return 1;
}

/* wh.answer.equivalent(a, b) -> true | false | nil (cannot tell) */
static int
l_equivalent(lua_State *L)
{
	size_t alen, blen;
	const char *a = luaL_checklstring(L, 1, &alen);
	const char *b = luaL_checklstring(L, 2, &blen);
	enum wh_verdict v = wh_answer_equiv(a, alen, b, blen);

	if (v == WH_VERDICT_UNKNOWN)
		return 0;
	lua_pushboolean(L, v == WH_VERDICT_EQUAL);
	return 1;
}

/* wh.answer.normalize(s) */
static int
l_normalize(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	struct wh_buf *b = wh_lua_newbuf(L);

	wh_answer_normalize(s, len, b);
	lua_pushlstring(L, b->data ? b->data : "", b->len);
	return 1;
}

static const luaL_Reg answer_fns[] = {
	{ "extract", l_extract },
	{ "of_trace", l_of_trace },
	{ "of_gold", l_of_gold },
	{ "equivalent", l_equivalent },
	{ "normalize", l_normalize },
	{ NULL, NULL }
};

void
wh_lua_open_answer(lua_State *L)
{
	luaL_newlib(L, answer_fns);
	lua_setfield(L, -2, "answer");
}
