/* wh.segment and the whittle.segmenter type: a trace's thinking cut into
 * DLCoT segments and solution attempts, with the built-in cue rules or rules
 * given as a Lua table. Offsets are 1-based and inclusive, as string.sub's. */
#include <limits.h>
#include <string.h>

#include "script-int.h"

static struct wh_segmenter **
check_segmenter(lua_State *L, int idx)
{
	return luaL_checkudata(L, idx, "whittle.segmenter");
}

static const struct wh_segmenter *
default_segmenter(lua_State *L)
{
	struct wh_script *s = wh_lua_script(L);
	struct wh_error e;

	if (s->seg == NULL && wh_segmenter_new(&s->seg, wh_segment_default_rules(), &e) < 0)
		luaL_error(L, "%s", e.msg);
	return s->seg;
}

/* Push the flags set of a segment: one table per distinct set, shared by
 * the segments of one result (a trace has a few sets and many segments,
 * and a table each made wh.segment.run spend more in tables than in the
 * segmenter); cache is a table on the stack, by flag bits. */
static void
push_flags(lua_State *L, int cache, unsigned flags)
{
	if (lua_rawgeti(L, cache, (lua_Integer)flags + 1) != LUA_TNIL)
		return;
	lua_pop(L, 1);
	lua_createtable(L, 0, 2);
	for (unsigned b = 0; b < WH_SEG_NFLAGS; b++)
		if (flags & (1u << b)) {
			lua_pushboolean(L, 1);
			lua_setfield(L, -2, wh_segment_flag_name(1u << b));
		}
	lua_pushvalue(L, -1);
	lua_rawseti(L, cache, (lua_Integer)flags + 1);
}

static void
set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

/* The keys of a segment table and the role names, pushed once per result
 * and set by stack index: lua_setfield would look each name up again. */
enum { K_START, K_STOP, K_ROLE, K_SOLUTION, K_FLAGS, K_CLAIM, K_ROLES, NKEYS = K_ROLES + WH_NROLES };

static void
set_key(lua_State *L, int keys, int k)
{
	lua_pushvalue(L, keys + k);
	lua_insert(L, -2);
	lua_rawset(L, -3);
}

static void
push_segments(lua_State *L, const struct wh_segmentation *g, const char *text)
{
	static const char *const names[K_ROLES] = { "start", "stop", "role", "solution",
		"flags", "claim" };
	int keys = lua_gettop(L) + 1, cache = keys + NKEYS;

	luaL_checkstack(L, NKEYS + 8, NULL);
	for (int k = 0; k < K_ROLES; k++)
		lua_pushstring(L, names[k]);
	for (int r = 0; r < WH_NROLES; r++)
		lua_pushstring(L, wh_segment_role_name((enum wh_role)r));
	lua_createtable(L, 1 << WH_SEG_NFLAGS, 0);
	lua_createtable(L, (int)g->n_segs, 0);
	for (size_t i = 0; i < g->n_segs; i++) {
		const struct wh_segment *sg = &g->segs[i];
		lua_createtable(L, 0, 7);
		lua_pushinteger(L, (lua_Integer)sg->start + 1);
		set_key(L, keys, K_START);
		lua_pushinteger(L, (lua_Integer)sg->end);
		set_key(L, keys, K_STOP);
		lua_pushvalue(L, keys + K_ROLES + sg->role);
		set_key(L, keys, K_ROLE);
		lua_pushinteger(L, sg->solution);
		set_key(L, keys, K_SOLUTION);
		push_flags(L, cache, sg->flags);
		set_key(L, keys, K_FLAGS);
		if (sg->flags & WH_SEG_CLAIM) {
			lua_pushlstring(L, text + sg->claim_start, sg->claim_end - sg->claim_start);
			set_key(L, keys, K_CLAIM);
		}
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_replace(L, keys);	/* the list where the keys began */
	lua_settop(L, keys);
}

/* The keys of a solution table, pushed once per result as the segments'. */
enum { S_FIRST, S_LAST, S_ROLE, S_LABEL, S_ANSWER, S_REDUNDANT, S_SAME_AS, S_MAIN,
	S_ROLES, S_LABELS = S_ROLES + WH_NROLES, NSKEYS = S_LABELS + WH_LABEL_UNKNOWN + 1 };

static void
push_solutions(lua_State *L, const struct wh_segmentation *g, const char *text)
{
	static const char *const names[S_ROLES] = { "first", "last", "role", "label",
		"answer", "redundant", "same_as", "main" };
	int keys = lua_gettop(L) + 1;

	luaL_checkstack(L, NSKEYS + 8, NULL);
	for (int k = 0; k < S_ROLES; k++)
		lua_pushstring(L, names[k]);
	for (int r = 0; r < WH_NROLES; r++)
		lua_pushstring(L, wh_segment_role_name((enum wh_role)r));
	for (int l = 0; l <= WH_LABEL_UNKNOWN; l++)
		lua_pushstring(L, wh_segment_label_name((enum wh_label)l));
	lua_createtable(L, (int)g->n_sols, 0);
	for (size_t i = 0; i < g->n_sols; i++) {
		const struct wh_solution *so = &g->sols[i];
		lua_createtable(L, 0, 9);
		lua_pushinteger(L, (lua_Integer)so->first + 1);
		set_key(L, keys, S_FIRST);
		lua_pushinteger(L, (lua_Integer)so->last + 1);
		set_key(L, keys, S_LAST);
		lua_pushvalue(L, keys + S_ROLES + so->role);
		set_key(L, keys, S_ROLE);
		lua_pushvalue(L, keys + S_LABELS + so->label);
		set_key(L, keys, S_LABEL);
		if (so->has_answer) {
			lua_pushlstring(L, text + so->answer_start, so->answer_end - so->answer_start);
			set_key(L, keys, S_ANSWER);
		}
		lua_pushboolean(L, so->redundant);
		set_key(L, keys, S_REDUNDANT);
		lua_pushinteger(L, so->same_as);
		set_key(L, keys, S_SAME_AS);
		lua_pushboolean(L, so->main);
		set_key(L, keys, S_MAIN);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_replace(L, keys);
	lua_settop(L, keys);
}

static int
segmentation_gc(lua_State *L)
{
	wh_segmentation_free(luaL_checkudata(L, 1, "whittle.segmentation"));
	return 0;
}

/* __index of a result: its segments, made the first time they are read
 * (a step that only looks at the solutions, as drop-incorrect does on a
 * trace it drops, never pays for a table a segment). Upvalue 1 is the C
 * segmentation, whose user value is the thinking it points into. */
static int
lazy_segments(lua_State *L)
{
	const struct wh_segmentation *g = lua_touserdata(L, lua_upvalueindex(1));
	const char *key = lua_tostring(L, 2);

	if (key == NULL || strcmp(key, "segments") != 0)
		return 0;
	lua_getiuservalue(L, lua_upvalueindex(1), 1);
	const char *text = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
	push_segments(L, g, text);
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, 1);
	return 1;
}

/* Segment the trace (or string) at idx with seg (the segmenter userdata
 * at seg_ud, 0 for the state's default) reusing prev's work where it can
 * (wh_segment_retrace; prev may be NULL); push the result table. */
static int
segment(lua_State *L, int idx, const struct wh_segmenter *seg, int seg_ud,
    const struct wh_segmentation *prev, const char *prev_text)
{
	struct wh_segment_input in = {0};
	struct wh_segmentation *g;
	const struct wh_overrides *ov;
	size_t entry, overridden = 0;

	if (lua_type(L, idx) == LUA_TSTRING)
		lua_pushvalue(L, idx);
	else {
		luaL_checktype(L, idx, LUA_TTABLE);
		in.question = wh_lua_field(L, idx, "question", &in.question_len);
		in.answer = wh_lua_field(L, idx, "answer", &in.answer_len);
		in.gold = wh_lua_field(L, idx, "gold", &in.gold_len);
		lua_getfield(L, idx, "thinking");
	}
	in.thinking = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &in.thinking_len) : "";
	g = lua_newuserdatauv(L, sizeof *g, 2);
	memset(g, 0, sizeof *g);
	luaL_setmetatable(L, "whittle.segmentation");
	lua_rotate(L, -2, 1);
	lua_setiuservalue(L, -2, 1);	/* the thinking lives as long as g */
	if (seg_ud) {
		lua_pushvalue(L, seg_ud);
		lua_setiuservalue(L, -2, 2);	/* and the rules, for wh.segment.rerun */
	}
	wh_segment_retrace(seg, &in, prev, prev_text, g);
	if (lua_istable(L, idx) && (ov = wh_lua_trace_overrides(L, idx, &entry)))
		overridden = wh_overrides_apply(ov, entry, in.thinking, g);
	lua_createtable(L, 0, 6);
	lua_pushinteger(L, (lua_Integer)overridden);
	lua_setfield(L, -2, "overridden");
	push_solutions(L, g, in.thinking);
	lua_setfield(L, -2, "solutions");
	lua_pushinteger(L, (lua_Integer)g->n_segs);
	lua_setfield(L, -2, "n_segments");
	lua_pushboolean(L, g->has_reference);
	lua_setfield(L, -2, "has_reference");
	lua_pushboolean(L, g->reference_is_gold);
	lua_setfield(L, -2, "reference_is_gold");
	lua_createtable(L, 0, 1);
	lua_pushvalue(L, -3);
	lua_pushcclosure(L, lazy_segments, 1);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	return 1;
}

/* wh.segment.run(t [, segmenter]) */
static int
l_run(lua_State *L)
{
	if (lua_isnoneornil(L, 2))
		return segment(L, 1, default_segmenter(L), 0, NULL, NULL);
	return segment(L, 1, *check_segmenter(L, 2), 2, NULL, NULL);
}

/* seg:run(t) */
static int
seg_run(lua_State *L)
{
	return segment(L, 2, *check_segmenter(L, 1), 1, NULL, NULL);
}

/* The C segmentation of the result at idx (the upvalue of its __index),
 * and the thinking it was made from; both stay on the stack. */
static const struct wh_segmentation *
check_result(lua_State *L, int idx, const char **text, size_t *len)
{
	const struct wh_segmentation *g = NULL;

	luaL_checktype(L, idx, LUA_TTABLE);
	if (lua_getmetatable(L, idx) && lua_getfield(L, -1, "__index") == LUA_TFUNCTION &&
	    lua_getupvalue(L, -1, 1) != NULL)
		g = luaL_testudata(L, -1, "whittle.segmentation");
	if (g == NULL)
		luaL_argerror(L, idx, "not a result of wh.segment.run");
	lua_getiuservalue(L, -1, 1);
	*text = lua_isstring(L, -1) ? lua_tolstring(L, -1, len) : "";
	if (!lua_isstring(L, -1))
		*len = 0;
	return g;
}

/* wh.segment.rerun(g, t): segment t as wh.segment.run (with the rules
 * that made g) does, reusing g's work on the segments whose bytes t's
 * thinking shares with the text g was cut from: after pruning, only the
 * segments that changed are looked at again. */
static int
l_rerun(lua_State *L)
{
	const char *text;
	size_t len;
	const struct wh_segmentation *prev = check_result(L, 1, &text, &len);
	int ud = lua_gettop(L) - 1;	/* prev's userdata, under its text */

	if (lua_getiuservalue(L, ud, 2) == LUA_TUSERDATA) {
		int seg_ud = lua_gettop(L);
		return segment(L, 2, *check_segmenter(L, seg_ud), seg_ud, prev, text);
	}
	lua_pop(L, 1);
	return segment(L, 2, default_segmenter(L), 0, prev, text);
}

/* Lua's %s: isspace in the C locale. */
static bool
is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* wh.segment.keep(g [, drop]): a list with true for each segment of g,
 * false for the segments of the solutions k for which drop[k] is true
 * (by each segment's solution, which an override may have changed).
 * Made here at its size: filled from Lua, the list grew through every
 * power of two. */
static int
l_keep(lua_State *L)
{
	const char *t;
	size_t len;
	const struct wh_segmentation *g = check_result(L, 1, &t, &len);
	bool drop = !lua_isnoneornil(L, 2);

	if (drop)
		luaL_checktype(L, 2, LUA_TTABLE);
	bool *gone = lua_newuserdatauv(L, (g->n_sols + 1) * sizeof *gone, 0);	/* collected */
	memset(gone, 0, (g->n_sols + 1) * sizeof *gone);
	for (size_t k = 0; drop && k < g->n_sols; k++) {
		gone[k + 1] = lua_rawgeti(L, 2, (lua_Integer)k + 1) != LUA_TNIL &&
		    lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	lua_createtable(L, g->n_segs < INT_MAX ? (int)g->n_segs : 0, 0);
	for (size_t i = 0; i < g->n_segs; i++) {
		uint32_t k = g->segs[i].solution;
		lua_pushboolean(L, k > g->n_sols || !gone[k]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* wh.segment.rebuild(g, keep): the thinking g was made from with only the
 * segments i for which keep[i] is true, and the number of segments left
 * out. Each kept segment brings the text up to the next segment's start
 * (its spacing); the text before the first segment is always kept;
 * trailing white space is cut. Written into a buffer of the thinking's
 * size: grown piece by piece, it was copied at every doubling. */
static int
l_rebuild(lua_State *L)
{
	const char *t;
	size_t len, n;
	const struct wh_segmentation *g = check_result(L, 1, &t, &len);
	lua_Integer dropped = 0;
	luaL_Buffer b;

	luaL_checktype(L, 2, LUA_TTABLE);
	if (g->n_segs == 0) {
		lua_pushlstring(L, t, len);
		lua_pushinteger(L, 0);
		return 2;
	}
	char *o = luaL_buffinitsize(L, &b, len);
	memcpy(o, t, g->segs[0].start);
	n = g->segs[0].start;
	for (size_t i = 0; i < g->n_segs; i++) {
		int kept = lua_rawgeti(L, 2, (lua_Integer)i + 1) != LUA_TNIL &&
		    lua_toboolean(L, -1);
		lua_pop(L, 1);
		if (kept) {
			size_t stop = i + 1 < g->n_segs ? g->segs[i + 1].start : len;
			memcpy(o + n, t + g->segs[i].start, stop - g->segs[i].start);
			n += stop - g->segs[i].start;
		} else
			dropped++;
	}
	while (n > 0 && is_space(o[n - 1]))
		n--;
	luaL_pushresultsize(&b, n);
	lua_pushinteger(L, dropped);
	return 2;
}

/* wh.segment.split(text): sentence segments only. */
static int
l_split(lua_State *L)
{
	size_t len;
	const char *text = luaL_checklstring(L, 1, &len);
	struct wh_segmentation g = {0};

	wh_segment_split(text, len, &g);
	lua_createtable(L, (int)g.n_segs, 0);
	for (size_t i = 0; i < g.n_segs; i++) {
		lua_createtable(L, 0, 3);
		set_int(L, "start", (lua_Integer)g.segs[i].start + 1);
		set_int(L, "stop", (lua_Integer)g.segs[i].end);
		lua_pushboolean(L, (g.segs[i].flags & WH_SEG_PARAGRAPH) != 0);
		lua_setfield(L, -2, "paragraph");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	wh_segmentation_free(&g);
	return 1;
}

/* wh.segment.rules(): the built-in rules as a table to change and pass to
 * wh.segment.new. */
static int
l_rules(lua_State *L)
{
	const struct wh_segment_rules *r = wh_segment_default_rules();

	lua_createtable(L, 0, 3);
	lua_createtable(L, (int)r->n_cues, 0);
	for (size_t i = 0; i < r->n_cues; i++) {
		lua_createtable(L, 0, 3);
		lua_pushstring(L, r->cues[i].phrase);
		lua_setfield(L, -2, "phrase");
		lua_pushstring(L, wh_segment_cue_name(r->cues[i].kind));
		lua_setfield(L, -2, "kind");
		lua_pushboolean(L, r->cues[i].anywhere);
		lua_setfield(L, -2, "anywhere");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "cues");
	lua_pushnumber(L, r->similarity);
	lua_setfield(L, -2, "similarity");
	lua_pushnumber(L, r->restate_overlap);
	lua_setfield(L, -2, "restate_overlap");
	return 1;
}

static void
read_cue(lua_State *L, struct wh_cue *c)
{
	lua_getfield(L, -1, "phrase");
	c->phrase = wh_lua_top_string(L, 1, 0, "a cue's phrase");	/* kept alive by the rules table */
	lua_getfield(L, -2, "kind");
	int k = wh_segment_cue_kind(wh_lua_top_string(L, 1, 0, "a cue's kind"));
	if (k < 0)
		luaL_error(L, "unknown cue kind '%s'", lua_tostring(L, -1));
	c->kind = (enum wh_cue_kind)k;
	lua_getfield(L, -3, "anywhere");
	c->anywhere = lua_toboolean(L, -1);
	lua_pop(L, 3);
}

/* wh.segment.new(rules) -> segmenter */
static int
l_new(lua_State *L)
{
	struct wh_segment_rules r = *wh_segment_default_rules();
	struct wh_error e;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	if (lua_getfield(L, 1, "similarity") != LUA_TNIL)
		r.similarity = wh_lua_top_number(L, 1, 0, "similarity");
	if (lua_getfield(L, 1, "restate_overlap") != LUA_TNIL)
		r.restate_overlap = wh_lua_top_number(L, 1, 0, "restate_overlap");
	lua_getfield(L, 1, "cues");
	if (lua_istable(L, -1)) {
		r.n_cues = lua_rawlen(L, -1);
		struct wh_cue *cues = lua_newuserdatauv(L, r.n_cues * sizeof *cues + 1, 0);
		for (size_t i = 0; i < r.n_cues; i++) {
			lua_rawgeti(L, -2, (lua_Integer)i + 1);
			luaL_checktype(L, -1, LUA_TTABLE);
			read_cue(L, &cues[i]);
			lua_pop(L, 1);
		}
		r.cues = cues;
	}
	struct wh_segmenter **ud = lua_newuserdatauv(L, sizeof *ud, 0);
	*ud = NULL;
	luaL_setmetatable(L, "whittle.segmenter");
	if (wh_segmenter_new(ud, &r, &e) < 0)
		return luaL_error(L, "%s", e.msg);
	return 1;
}

static int
seg_gc(lua_State *L)
{
	struct wh_segmenter **ud = check_segmenter(L, 1);

	wh_segmenter_free(*ud);
	*ud = NULL;
	return 0;
}

static const luaL_Reg segmenter_methods[] = {
	{ "run", seg_run },
	{ NULL, NULL }
};

static const luaL_Reg segment_fns[] = {
	{ "run", l_run },
	{ "split", l_split },
	{ "rerun", l_rerun },
	{ "keep", l_keep },
	{ "rebuild", l_rebuild },
	{ "rules", l_rules },
	{ "new", l_new },
	{ NULL, NULL }
};

void
wh_lua_open_segment(lua_State *L)
{
	luaL_newmetatable(L, "whittle.segmentation");
	lua_pushcfunction(L, segmentation_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	luaL_newmetatable(L, "whittle.segmenter");
	lua_pushcfunction(L, seg_gc);
	lua_setfield(L, -2, "__gc");
	luaL_newlib(L, segmenter_methods);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	luaL_newlib(L, segment_fns);
	lua_setfield(L, -2, "segment");
}
