/* A whittle Lua state: standard libraries for the trusted host code, the
 * `whittle` module in package.preload, the instruction-count hook, and calls
 * into Lua through pcall with a traceback turned into a wh_error. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <lualib.h>

#include "script-int.h"
#include "whittle/spell.h"

#define HOOK_EVERY 1000

struct wh_script *
wh_lua_script(lua_State *L)
{
	return *(struct wh_script **)lua_getextraspace(L);
}

lua_State *
wh_script_lua(struct wh_script *s)
{
	return s->L;
}

void
wh_lua_need_trust(lua_State *L, const char *what)
{
	if (!wh_lua_script(L)->env->trust)
		luaL_error(L, "%s is not allowed in the sandbox (run with --trust)", what);
}

static void
count_hook(lua_State *L, lua_Debug *ar)
{
	struct wh_script *s = wh_lua_script(L);

	(void)ar;
	s->executed += HOOK_EVERY;
	if (s->env->max_instructions && s->executed > s->env->max_instructions) {
		/* level 0 is the function the hook stopped, not its caller */
		luaL_where(L, 0);
		lua_pushfstring(L, "instruction limit of %I exceeded (a runaway loop? "
		    "raise it with %s)", (lua_Integer)s->env->max_instructions,
		    s->env->max_instructions_hint ? s->env->max_instructions_hint :
		    "--max-instructions");
		lua_concat(L, 2);
		lua_error(L);
	}
}

/* "FILE:LINE: " of the innermost Lua function on the stack, or "". */
static void
push_where(lua_State *L)
{
	lua_Debug ar;

	for (int level = 1; lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.currentline > 0) {
			lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
			return;
		}
	}
	lua_pushliteral(L, "");
}

/* The message handler: the error as text, with a traceback after it. An
 * error value that is not a string (error({})) gets where it was raised,
 * as error("text") does. */
static int
traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (msg == NULL) {
		push_where(L);
		if (!luaL_callmeta(L, 1, "__tostring") || !lua_isstring(L, -1))
			lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
		lua_concat(L, 2);
		msg = lua_tostring(L, -1);
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* Fill err from a Lua message "FILE:LINE: text\nstack traceback:...": file
 * and line apart, and the text without the traceback unless full. */
static int
lua_error_to(const char *m, bool full, struct wh_error *err)
{
	const char *colon = strstr(m, ":"), *tb = strstr(m, "\nstack traceback:");
	char *end;
	long line = 0;
	int flen = 0;

	if (colon && colon != m && colon[1] >= '0' && colon[1] <= '9') {
		line = strtol(colon + 1, &end, 10);
		if (end[0] == ':' && end[1] == ' ') {
			flen = (int)(colon - m);
			m = end + 2;
		} else
			line = 0;
	}
	int mlen = full || tb == NULL ? (int)strlen(m) : (int)(tb - m);
	wh_error_set(err, "", line, "%.*s", mlen, m);
	if (flen)
		snprintf(err->file, sizeof err->file, "%.*s", flen, colon - flen);
	return -1;
}

/* Call the function under nargs arguments with pcall and the traceback. */
static int
pcall(struct wh_script *s, int nargs, int nres, bool full, struct wh_error *err)
{
	lua_State *L = s->L;
	int base = lua_gettop(L) - nargs;

	lua_pushcfunction(L, traceback);
	lua_insert(L, base);
	int rc = lua_pcall(L, nargs, nres, base);
	lua_remove(L, base);
	if (rc == LUA_OK)
		return 0;
	lua_error_to(lua_tostring(L, -1), full, err);
	lua_pop(L, 1);
	return -1;
}

static void
set_path(lua_State *L, const char *datadir)
{
	lua_getglobal(L, "package");
	lua_pushfstring(L, "%s/lua/?.lua", datadir);
	lua_setfield(L, -2, "path");
	lua_pushliteral(L, "");
	lua_setfield(L, -2, "cpath");
	lua_getfield(L, -1, "preload");
	lua_pushcfunction(L, wh_lua_open_whittle);
	lua_setfield(L, -2, "whittle");
	lua_pop(L, 2);
}

/* listdir(path) -> sorted names of the *.lua files in path ({} if none). */
static int
listdir(lua_State *L)
{
	DIR *d = opendir(luaL_checkstring(L, 1));
	struct dirent *e;
	lua_Integer n = 0;

	lua_newtable(L);
	if (d == NULL)
		return 1;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 4 && e->d_name[0] != '.' &&
		    strcmp(e->d_name + len - 4, ".lua") == 0) {
			lua_pushstring(L, e->d_name);
			lua_rawseti(L, -2, ++n);
		}
	}
	closedir(d);
	lua_getglobal(L, "table");
	lua_getfield(L, -1, "sort");
	lua_pushvalue(L, -3);
	lua_call(L, 1, 0);
	lua_pop(L, 1);
	return 1;
}

/* nearest(word, names) -> the name of the list closest to word within two
 * edits (wh_spell_nearest), or nil. */
static int
nearest(lua_State *L)
{
	const char *word = luaL_checkstring(L, 1);
	size_t n;
	const char **names, *near;

	luaL_checktype(L, 2, LUA_TTABLE);
	n = lua_rawlen(L, 2);
	names = lua_newuserdatauv(L, (n ? n : 1) * sizeof *names, 0);
	for (size_t k = 0; k < n; k++) {
		if (lua_rawgeti(L, 2, (lua_Integer)k + 1) != LUA_TSTRING)
			return luaL_error(L, "nearest: name %d is not a string", (int)k + 1);
		names[k] = lua_tostring(L, -1);	/* kept alive by the list */
		lua_pop(L, 1);
	}
	if ((near = wh_spell_nearest(word, names, n)) == NULL)
		lua_pushnil(L);
	else
		lua_pushstring(L, near);
	return 1;
}

static void
push_config(lua_State *L, const struct wh_script_env *env)
{
	lua_createtable(L, 0, 7);
	lua_pushcfunction(L, listdir);
	lua_setfield(L, -2, "listdir");
	lua_pushcfunction(L, nearest);
	lua_setfield(L, -2, "nearest");
	lua_pushfstring(L, "%s/lua/whittle", env->datadir);
	lua_setfield(L, -2, "shipped");
	if (env->user_steps) {
		lua_pushstring(L, env->user_steps);
		lua_setfield(L, -2, "user");
	}
	lua_pushboolean(L, env->trust);
	lua_setfield(L, -2, "trust");
	lua_pushinteger(L, (lua_Integer)env->seed);
	lua_setfield(L, -2, "seed");
	if (env->tok_path) {
		lua_pushstring(L, env->tok_path);
		lua_setfield(L, -2, "tokenizer");
	}
}

static int
load_host(struct wh_script *s, struct wh_error *err)
{
	lua_State *L = s->L;
	char path[4096];

	snprintf(path, sizeof path, "%s/lua/whittle/lib/host.lua", s->env->datadir);
	if (luaL_loadfile(L, path) != LUA_OK) {
		lua_error_to(lua_tostring(L, -1), true, err);
		lua_pop(L, 1);
		return -1;
	}
	push_config(L, s->env);
	if (pcall(s, 1, 1, true, err) < 0)
		return -1;
	s->host = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

int
wh_script_new(struct wh_script **out, const struct wh_script_env *env,
    struct wh_error *err)
{
	struct wh_script *s = wh_xcalloc(1, sizeof *s);

	s->env = env;
	s->L = luaL_newstate();
	if (s->L == NULL) {
		free(s);
		return wh_error_set(err, "", 0, "cannot make a Lua state: out of memory");
	}
	*(struct wh_script **)lua_getextraspace(s->L) = s;
	luaL_openlibs(s->L);
	/* Generational: each record leaves big short-lived strings, and every
	   incremental cycle they set off traversed all the loaded steps again. */
	lua_gc(s->L, LUA_GCGEN, 0, 0);
	set_path(s->L, env->datadir);
	lua_sethook(s->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
	if (load_host(s, err) < 0) {
		wh_script_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void
wh_script_free(struct wh_script *s)
{
	if (s == NULL)
		return;
	lua_close(s->L);
	wh_segmenter_free(s->seg);
	free(s->prov);
	free(s);
}

int
wh_script_dofile(struct wh_script *s, const char *path, int argc, char **argv,
    struct wh_error *err)
{
	lua_State *L = s->L;

	if (luaL_loadfile(L, path) != LUA_OK) {
		lua_error_to(lua_tostring(L, -1), true, err);
		lua_pop(L, 1);
		return -1;
	}
	for (int i = 0; i < argc; i++)
		lua_pushstring(L, argv[i]);
	s->executed = 0;
	return pcall(s, argc, 0, true, err);
}

/* Push host[name]. */
static void
host_fn(struct wh_script *s, const char *name)
{
	lua_rawgeti(s->L, LUA_REGISTRYINDEX, s->host);
	lua_getfield(s->L, -1, name);
	lua_remove(s->L, -2);
}

static char *
field_dup(lua_State *L, int idx, const char *name)
{
	lua_getfield(L, idx, name);
	char *v = lua_isnil(L, -1) ? NULL : wh_xstrdup(luaL_tolstring(L, -1, NULL));
	lua_pop(L, lua_isnil(L, -1) ? 1 : 2);
	return v;
}

static void
read_params(lua_State *L, struct wh_step_info *si)
{
	lua_getfield(L, -1, "params");
	si->n_params = lua_rawlen(L, -1);
	si->params = wh_xcalloc(si->n_params + 1, sizeof *si->params);
	for (size_t k = 0; k < si->n_params; k++) {
		lua_rawgeti(L, -1, (lua_Integer)k + 1);
		si->params[k].name = field_dup(L, -1, "name");
		si->params[k].type = field_dup(L, -1, "type");
		si->params[k].def = field_dup(L, -1, "default");
		si->params[k].doc = field_dup(L, -1, "doc");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

int
wh_script_steps(struct wh_script *s, struct wh_step_info **out, size_t *n,
    struct wh_error *err)
{
	lua_State *L = s->L;

	host_fn(s, "list");
	s->executed = 0;
	if (pcall(s, 0, 1, false, err) < 0)
		return -1;
	*n = lua_rawlen(L, -1);
	*out = wh_xcalloc(*n + 1, sizeof **out);
	for (size_t i = 0; i < *n; i++) {
		struct wh_step_info *si = &(*out)[i];
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		si->name = field_dup(L, -1, "name");
		si->summary = field_dup(L, -1, "summary");
		si->doc = field_dup(L, -1, "doc");
		si->file = field_dup(L, -1, "file");
		si->replaces = field_dup(L, -1, "replaces");
		lua_getfield(L, -1, "user");
		si->user = lua_toboolean(L, -1);
		lua_pop(L, 1);
		read_params(L, si);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return 0;
}

char *
wh_script_steps_broken(struct wh_script *s)
{
	lua_State *L = s->L;
	struct wh_error err;
	char *msgs = NULL;

	host_fn(s, "broken");
	s->executed = 0;
	if (pcall(s, 0, 1, false, &err) < 0)
		return wh_xstrdup(err.msg);
	if (lua_isstring(L, -1))
		msgs = wh_xstrdup(lua_tostring(L, -1));
	lua_pop(L, 1);
	return msgs;
}

void
wh_script_steps_free(struct wh_step_info *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < steps[i].n_params; k++) {
			free(steps[i].params[k].name);
			free(steps[i].params[k].type);
			free(steps[i].params[k].def);
			free(steps[i].params[k].doc);
		}
		free(steps[i].params);
		free(steps[i].name);
		free(steps[i].summary);
		free(steps[i].doc);
		free(steps[i].file);
		free(steps[i].replaces);
	}
	free(steps);
}

/* Protected: encode value 1 as JSON into the wh_buf at 2. */
static int
encode(lua_State *L)
{
	wh_lua_json_encode(L, 1, lua_touserdata(L, 2));
	return 0;
}

int
wh_script_pipeline(struct wh_script *s, const char *path, const char *name,
    int argc, char **argv, struct wh_error *err)
{
	lua_State *L = s->L;
	struct wh_buf b = {0};

	host_fn(s, "pipeline");
	lua_pushstring(L, path);
	lua_pushstring(L, name);
	lua_createtable(L, argc, 0);
	for (int i = 0; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_rawseti(L, -2, i + 1);
	}
	s->executed = 0;
	if (pcall(s, 3, 1, false, err) < 0)
		return -1;
	lua_pushcfunction(L, encode);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, &b);
	if (pcall(s, 2, 0, false, err) < 0) {
		wh_buf_free(&b);
		return -1;
	}
	free(s->prov);
	s->prov = wh_buf_take(&b);
	return 0;
}

/* The size_t field name of the table at the top of the stack. */
static size_t
count_field(lua_State *L, const char *name)
{
	lua_getfield(L, -1, name);
	size_t v = (size_t)lua_tointeger(L, -1);
	lua_pop(L, 1);
	return v;
}

int
wh_script_step_counts(struct wh_script *s, struct wh_step_count **out,
    size_t *n, struct wh_error *err)
{
	lua_State *L = s->L;

	*out = NULL;
	*n = 0;
	host_fn(s, "counts");
	if (pcall(s, 0, 1, false, err) < 0)
		return -1;
	*n = lua_rawlen(L, -1);
	*out = wh_xcalloc(*n ? *n : 1, sizeof **out);
	for (size_t i = 0; i < *n; i++) {
		struct wh_step_count *c = &(*out)[i];
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		lua_getfield(L, -1, "name");
		snprintf(c->name, sizeof c->name, "%s", lua_tostring(L, -1));
		lua_pop(L, 1);
		c->got = count_field(L, "got");
		c->gave = count_field(L, "gave");
		c->dropped = count_field(L, "dropped");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return 0;
}

static size_t
count_tokens(struct wh_script *s, lua_State *L, int idx)
{
	size_t n = 0, len;
	const char *p;

	if ((p = wh_lua_field(L, idx, "thinking", &len)) != NULL)
		n += wh_tokenizer_count(s->env->tok, p, len);
	if ((p = wh_lua_field(L, idx, "answer", &len)) != NULL)
		n += wh_tokenizer_count(s->env->tok, p, len);
	return n;
}

struct emit {
	struct wh_script *s;
	long line;
	uint32_t gen;
	const char *raw;
	size_t len;
	const struct wh_apply_out *o;
	struct wh_apply_result *r;
};

/* Append the provenance of an output: "record":N,"generation":G, then the
 * pipeline's, closing the object. */
static void
write_provenance(const struct emit *e, struct wh_buf *b)
{
	wh_buf_printf(b, "\"record\":%ld,\"generation\":%u,", e->line, e->gen);
	wh_buf_adds(b, e->s->prov + 1);
}

/* Append output trace idx as one JSON line with its provenance. */
static void
write_output(struct emit *e, lua_State *L, int idx)
{
	struct wh_buf *out = e->o->out;
	size_t before = out->len;

	wh_lua_json_encode(L, idx, out);
	if (out->len - before <= 2)
		out->len = before + 1;	/* "{}" or "[]" → "{" */
	else
		out->data[out->len - 1] = ',';
	out->data[before] = '{';
	wh_buf_adds(out, "\"whittle\":{");
	write_provenance(e, out);
	wh_buf_adds(out, "}\n");
}

/* The source record untouched to out, its provenance and labels to side. */
static void
write_untouched(struct emit *e, lua_State *L, int idx)
{
	struct wh_buf *side = e->o->side;

	wh_buf_add(e->o->out, e->raw, e->len);
	wh_buf_addc(e->o->out, '\n');
	wh_buf_addc(side, '{');
	if (lua_getfield(L, idx, "labels") == LUA_TTABLE) {
		wh_buf_adds(side, "\"labels\":");
		wh_lua_json_encode(L, -1, side);
		wh_buf_addc(side, ',');
	}
	lua_pop(L, 1);
	write_provenance(e, side);
	wh_buf_addc(side, '\n');
}

/* Protected: the list of outputs at 1 into the struct emit at 2. */
static int
emit(lua_State *L)
{
	struct emit *e = lua_touserdata(L, 2);

	e->r->outputs = lua_rawlen(L, 1);
	for (size_t k = 1; k <= e->r->outputs; k++) {
		lua_rawgeti(L, 1, (lua_Integer)k);
		if (e->o->count_tokens && e->s->env->tok)
			e->r->tokens_out += count_tokens(e->s, L, -1);
		if (e->o->out && e->o->side)
			write_untouched(e, L, lua_gettop(L));
		else if (e->o->out)
			write_output(e, L, lua_gettop(L));
		lua_pop(L, 1);
	}
	return 0;
}

/* The traces of a record could not be written (err says why): put in
 * front of err the step that first gave one that cannot be, found by
 * running the steps on the record again (host.blame), when one is. */
static void
blame(struct wh_script *s, const struct wh_trace *t, size_t entry, long line,
    const char *raw, size_t len, uint64_t seed, bool labels_only, struct wh_error *err)
{
	lua_State *L = s->L;
	struct wh_error again;
	char who[256];

	host_fn(s, "blame");
	wh_lua_push_trace(L, t, entry, line, raw, len);
	wh_lua_push_rng(L, seed * 0x9e3779b97f4a7c15ull + entry);
	lua_pushboolean(L, labels_only);
	s->executed = 0;
	if (pcall(s, 3, 1, false, &again) < 0)
		return;
	if (lua_type(L, -1) == LUA_TSTRING) {	/* "FILE: step NAME: " in front */
		size_t n = (size_t)snprintf(who, sizeof who, "%.200s: ", lua_tostring(L, -1));
		size_t m = strlen(err->msg);
		if (n + m >= sizeof err->msg)
			m = sizeof err->msg - 1 - n;
		memmove(err->msg + n, err->msg, m);
		memcpy(err->msg, who, n);
		err->msg[n + m] = '\0';
	}
	lua_pop(L, 1);
}

int
wh_script_apply(struct wh_script *s, const struct wh_trace *t, size_t entry,
    long line, const char *raw, size_t len, const struct wh_apply_out *o,
    struct wh_apply_result *r, struct wh_error *err)
{
	lua_State *L = s->L;
	uint64_t seed = s->env->seed ^ ((uint64_t)entry << 20) ^ t->generation;
	struct emit e = { s, line, t->generation, raw, len, o, r };
	size_t mark = o->out ? o->out->len : 0, side_mark = o->side ? o->side->len : 0;

	memset(r, 0, sizeof *r);
	host_fn(s, "apply");
	wh_lua_push_trace(L, t, entry, line, raw, len);
	if (o->count_tokens && s->env->tok)
		r->tokens_in = count_tokens(s, L, -1);
	wh_lua_push_rng(L, seed * 0x9e3779b97f4a7c15ull + entry);
	s->executed = 0;
	if (pcall(s, 2, 1, o->traceback, err) == 0) {
		lua_pushcfunction(L, emit);
		lua_insert(L, -2);
		lua_pushlightuserdata(L, &e);
		if (pcall(s, 2, 0, o->traceback, err) == 0)
			return 0;
		blame(s, t, entry, line, raw, len, seed, o->out && o->side, err);
	}
	if (o->out)
		o->out->len = mark;
	if (o->side)
		o->side->len = side_mark;
	/* The record's line goes after the message, before any traceback. */
	char *tb = strstr(err->msg, "\nstack traceback:"), rest[sizeof err->msg];
	snprintf(rest, sizeof rest, "%s", tb ? tb : "");
	if (tb)
		*tb = '\0';
	snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
	    " (record at line %ld)%s", line, rest);
	return -1;
}
