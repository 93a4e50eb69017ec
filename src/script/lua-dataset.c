/* wh.open and the whittle.dataset type: read the records of a dataset as
 * traces, edit them through the journaled overlay the TUI uses, save and
 * export (the last two only outside the sandbox). */
#include <string.h>

#include "script-int.h"
#include "whittle/export.h"
#include "whittle/overrides.h"

struct ldataset {
	struct wh_dataset *ds;
	bool owned;		/* false: the run's input, borrowed */
	struct wh_overrides ov;	/* FILE.segments, read when first needed */
	bool ov_loaded;
};

static struct ldataset *
check_ds(lua_State *L)
{
	struct ldataset *d = luaL_checkudata(L, 1, "whittle.dataset");

	if (d->ds == NULL)
		luaL_error(L, "the dataset is closed");
	return d;
}

static int
raise_error(lua_State *L, const struct wh_error *e)
{
	char msg[1200];

	wh_error_format(e, msg, sizeof msg);
	return luaL_error(L, "%s", msg);
}

static void
push_dataset(lua_State *L, struct wh_dataset *ds, bool owned)
{
	struct ldataset *d = lua_newuserdatauv(L, sizeof *d, 0);

	memset(d, 0, sizeof *d);
	d->ds = ds;
	d->owned = owned;
	luaL_setmetatable(L, "whittle.dataset");
}

static const char *
opt_string(lua_State *L, int idx, const char *key)
{
	const char *v = NULL;

	if (lua_istable(L, idx)) {
		lua_getfield(L, idx, key);
		v = lua_tostring(L, -1);	/* the table keeps it alive */
		lua_pop(L, 1);
	}
	return v;
}

/* wh.open(path [, {map=, layout=, journal=}]) */
static int
l_open(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	struct wh_open_opts o = { .map = opt_string(L, 2, "map"),
		.layout = opt_string(L, 2, "layout"), .threads = 1 };
	struct wh_dataset *ds;
	struct wh_error e;

	if (lua_istable(L, 2)) {
		lua_getfield(L, 2, "journal");
		o.journal = lua_toboolean(L, -1);
		lua_pop(L, 1);
		if (o.journal)
			wh_lua_need_trust(L, "a journal");
	}
	if (wh_dataset_open(&ds, path, &o, &e) < 0) {
		char msg[1200];
		wh_error_format(&e, msg, sizeof msg);
		lua_pushnil(L);
		lua_pushstring(L, msg);
		return 2;
	}
	push_dataset(L, ds, true);
	return 1;
}

/* wh.input(): the dataset the run reads, or nil. */
static int
l_input(lua_State *L)
{
	struct wh_dataset *ds = wh_lua_script(L)->env->input;

	if (ds == NULL)
		return 0;
	push_dataset(L, ds, false);
	return 1;
}

static int
ds_count(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)wh_dataset_entries(check_ds(L)->ds));
	return 1;
}

static size_t
check_entry(lua_State *L, struct wh_dataset *ds, int idx)
{
	lua_Integer i = luaL_checkinteger(L, idx);

	luaL_argcheck(L, i >= 1 && (size_t)i <= wh_dataset_entries(ds), idx,
	    "no such record");
	return (size_t)i - 1;
}

/* Push entry i, generation gen, as a trace; nil and the reason if bad. */
static int
push_entry(lua_State *L, int dsidx, struct wh_dataset *ds, size_t i, uint32_t gen)
{
	struct wh_trace t;
	struct wh_error e;
	const char *raw;
	size_t len;

	if (wh_dataset_trace(ds, i, gen, &t, &e) < 0) {
		lua_pushnil(L);
		lua_pushstring(L, e.msg);
		return 2;
	}
	wh_dataset_bytes(ds, i, &raw, &len);
	wh_lua_push_trace(L, &t, i, (long)ds->index.entries[i].line, raw, len);
	wh_trace_free(&t);
	lua_pushvalue(L, dsidx);
	lua_setfield(L, -2, "_dataset");
	return 1;
}

/* ds:get(i [, generation]) */
static int
ds_get(lua_State *L)
{
	struct ldataset *d = check_ds(L);
	size_t i = check_entry(L, d->ds, 2);

	return push_entry(L, 1, d->ds, i, (uint32_t)luaL_optinteger(L, 3, 0));
}

static int
traces_next(lua_State *L)
{
	struct ldataset *d = check_ds(L);
	lua_Integer i = luaL_checkinteger(L, 2);

	for (size_t n = wh_dataset_entries(d->ds); (size_t)i < n; i++)
		if (push_entry(L, 1, d->ds, (size_t)i, 0) == 1) {
			lua_pushinteger(L, i + 1);
			lua_insert(L, -2);
			return 2;
		} else
			lua_pop(L, 2);
	return 0;
}

/* for i, t in ds:traces() do ... end (bad records are skipped) */
static int
ds_traces(lua_State *L)
{
	check_ds(L);
	lua_pushcfunction(L, traces_next);
	lua_pushvalue(L, 1);
	lua_pushinteger(L, 0);
	return 3;
}

static enum wh_field
check_field(lua_State *L, int idx)
{
	int f = wh_field_parse(luaL_checkstring(L, idx));

	luaL_argcheck(L, f >= 0, idx, "not question, thinking, answer or gold");
	return (enum wh_field)f;
}

static void
set_field(lua_State *L, struct wh_dataset *ds, size_t i, uint32_t gen,
    enum wh_field f, const char *text, size_t len)
{
	struct wh_error e;

	if (wh_dataset_set_field(ds, i, gen, f, text, len, &e) < 0)
		raise_error(L, &e);
}

/* ds:set(i, field, text [, generation]) */
static int
ds_set(lua_State *L)
{
	struct ldataset *d = check_ds(L);
	size_t i = check_entry(L, d->ds, 2), len;
	enum wh_field f = check_field(L, 3);
	const char *text = luaL_checklstring(L, 4, &len);

	if (!d->owned)
		luaL_error(L, "the run's input is read-only");
	set_field(L, d->ds, i, (uint32_t)luaL_optinteger(L, 5, 0), f, text, len);
	return 0;
}

/* ds:update(t): write the fields of trace t that changed back to its record. */
static int
ds_update(lua_State *L)
{
	struct ldataset *d = check_ds(L);
	struct wh_trace old;
	struct wh_error e;

	luaL_checktype(L, 2, LUA_TTABLE);
	if (!d->owned)
		luaL_error(L, "the run's input is read-only");
	lua_getfield(L, 2, "_generation");
	lua_getfield(L, 2, "_entry");
	luaL_argcheck(L, lua_isinteger(L, -1) && (lua_isinteger(L, -2) || lua_isnil(L, -2)), 2,
	    "not a trace read from this dataset");
	size_t i = (size_t)lua_tointeger(L, -1);
	uint32_t gen = (uint32_t)lua_tointeger(L, -2);
	luaL_argcheck(L, i < wh_dataset_entries(d->ds), 2, "not a trace of this dataset");
	if (wh_dataset_trace(d->ds, i, gen, &old, &e) < 0)
		return raise_error(L, &e);
	int changed = 0;
	for (int f = 0; f < WH_NFIELDS; f++) {
		size_t len;
		const char *now = wh_lua_field(L, 2, wh_field_name(f), &len);
		if (now == NULL || (old.text[f] && old.len[f] == len &&
		    memcmp(old.text[f], now, len) == 0))
			continue;
		if (wh_dataset_set_field(d->ds, i, gen, f, now, len, &e) < 0) {
			wh_trace_free(&old);
			return raise_error(L, &e);
		}
		changed++;
	}
	wh_trace_free(&old);
	lua_pushinteger(L, changed);
	return 1;
}

/* ds:restore(i): drop the edits of record i. */
static int
ds_restore(lua_State *L)
{
	struct ldataset *d = check_ds(L);
	size_t i = check_entry(L, d->ds, 2);
	struct wh_error e;

	if (!d->owned)
		luaL_error(L, "the run's input is read-only");
	if (wh_dataset_restore(d->ds, i, &e) < 0)
		return raise_error(L, &e);
	return 0;
}

/* ds:save([path]) */
static int
ds_save(lua_State *L)
{
	struct ldataset *d = check_ds(L);
	struct wh_error e;

	wh_lua_need_trust(L, "ds:save");
	if (wh_dataset_save(d->ds, luaL_optstring(L, 2, NULL), &e) < 0)
		return raise_error(L, &e);
	return 0;
}

/* ds:export(path [, format]) */
static int
ds_export(lua_State *L)
{
	struct ldataset *d = check_ds(L);
	const char *path = luaL_checkstring(L, 2);
	int fmt = wh_export_format_parse(luaL_optstring(L, 3, "messages"));
	struct wh_export_opts o = { 0 };

	wh_lua_need_trust(L, "ds:export");
	luaL_argcheck(L, fmt >= 0, 3, "unknown export format");
	o.format = (enum wh_export_format)fmt;
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return luaL_error(L, "%s: cannot write", path);
	struct wh_buf *b = wh_lua_newbuf(L);
	for (size_t i = 0, n = 0; i < wh_dataset_entries(d->ds); i++) {
		struct wh_trace t;
		if (wh_dataset_trace(d->ds, i, 0, &t, NULL) < 0)
			continue;
		wh_buf_clear(b);
		wh_export_trace(b, &t, ++n, &o);
		fwrite(b->data, 1, b->len, f);
		wh_trace_free(&t);
	}
	if (fclose(f) != 0)
		return luaL_error(L, "%s: write failed", path);
	return 0;
}

static int
ds_close(lua_State *L)
{
	struct ldataset *d = luaL_checkudata(L, 1, "whittle.dataset");

	if (d->owned)
		wh_dataset_close(d->ds);
	d->ds = NULL;
	wh_overrides_free(&d->ov);
	d->ov_loaded = false;
	return 0;
}

const struct wh_overrides *
wh_lua_trace_overrides(lua_State *L, int idx, size_t *entry)
{
	struct ldataset *d;
	struct wh_error e;

	idx = lua_absindex(L, idx);
	if (lua_getfield(L, idx, "_entry") != LUA_TNUMBER || !lua_isinteger(L, -1)) {
		lua_pop(L, 1);
		return NULL;
	}
	*entry = (size_t)lua_tointeger(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, idx, "_dataset");
	d = luaL_testudata(L, -1, "whittle.dataset");
	lua_pop(L, 1);
	if (d == NULL || !d->owned)
		return wh_lua_script(L)->env->overrides;
	if (!d->ov_loaded && d->ds) {
		if (wh_overrides_load(&d->ov, d->ds->path, &e) < 0)
			raise_error(L, &e);
		d->ov_loaded = true;
	}
	return d->ov_loaded ? &d->ov : NULL;
}

static const luaL_Reg dataset_methods[] = {
	{ "count", ds_count },
	{ "get", ds_get },
	{ "traces", ds_traces },
	{ "set", ds_set },
	{ "update", ds_update },
	{ "restore", ds_restore },
	{ "save", ds_save },
	{ "export", ds_export },
	{ "close", ds_close },
	{ NULL, NULL }
};

static const luaL_Reg dataset_meta[] = {
	{ "__len", ds_count },
	{ "__gc", ds_close },
	{ "__close", ds_close },
	{ NULL, NULL }
};

static const luaL_Reg dataset_fns[] = {
	{ "open", l_open },
	{ "input", l_input },
	{ NULL, NULL }
};

void
wh_lua_open_dataset(lua_State *L)
{
	luaL_newmetatable(L, "whittle.dataset");
	luaL_setfuncs(L, dataset_meta, 0);
	luaL_newlib(L, dataset_methods);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	luaL_setfuncs(L, dataset_fns, 0);
}
