/* wh.job, wh.train, wh.eval and wh.runs: a Lua script submits jobs to the
 * engine and follows them through handles (state, wait, cancel, metrics,
 * log), so one Lua file can curate, train and evaluate. Each call is one
 * connection to the engine (started if need be). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "whittle/engine-client.h"
#include "whittle/engine-lua.h"

#define SELF "/proc/self/exe"
#define HANDLE "whittle.job"
#define SPEC "whittle.jobspec"	/* a job being built (see hold) */
#define HISTORY_PAGE 100000

/* Push a JSON value as a Lua value (null: nil, arrays: sequences, whole
 * numbers: integers). */
static void
push_json(lua_State *L, const cJSON *v)
{
	const cJSON *e;
	lua_Integer i = 0;

	if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 9007199254740992.0)
		lua_pushinteger(L, (lua_Integer)v->valuedouble);
	else if (cJSON_IsNumber(v))
		lua_pushnumber(L, v->valuedouble);
	else if (cJSON_IsString(v))
		lua_pushstring(L, v->valuestring);
	else if (cJSON_IsBool(v))
		lua_pushboolean(L, cJSON_IsTrue(v));
	else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
		lua_newtable(L);
		cJSON_ArrayForEach(e, v) {
			push_json(L, e);
			if (cJSON_IsArray(v))
				lua_rawseti(L, -2, ++i);
			else
				lua_setfield(L, -2, e->string);
		}
	} else
		lua_pushnil(L);
}

static void
raise_error(lua_State *L, const char *what, const struct wh_error *err)
{
	char msg[1200];

	wh_error_format(err, msg, sizeof msg);
	luaL_error(L, "%s: %s", what, msg);
}

/* Send req and return the reply (the caller deletes); raises on error. */
static cJSON *
ask(lua_State *L, cJSON *req)
{
	struct wh_engine_conn c;
	struct wh_error err;
	cJSON *reply;
	const cJSON *op = cJSON_GetObjectItemCaseSensitive(req, "op");
	char what[32];

	snprintf(what, sizeof what, "engine %s", op->valuestring);
	if (wh_engine_connect(&c, NULL, SELF, &err) < 0) {
		cJSON_Delete(req);
		raise_error(L, what, &err);
	}
	int rc = wh_engine_call(&c, req, &reply, &err);
	wh_engine_close(&c);
	if (rc < 0)
		raise_error(L, what, &err);
	return reply;
}

static cJSON *
run_request(const char *op, const char *id)
{
	cJSON *req = wh_engine_request(op);

	cJSON_AddStringToObject(req, "run", id);
	return req;
}

static const char *
handle_id(lua_State *L)
{
	luaL_checkudata(L, 1, HANDLE);
	lua_getiuservalue(L, 1, 1);
	const char *id = lua_tostring(L, -1);
	lua_pop(L, 1);	/* the user value keeps the string alive */
	return id;
}

static void
push_handle(lua_State *L, const char *id)
{
	lua_newuserdatauv(L, 0, 1);
	lua_pushstring(L, id);
	lua_setiuservalue(L, -2, 1);
	luaL_setmetatable(L, HANDLE);
}

/* Push the state string of reply's "state" (or run.state). */
static void
push_state(lua_State *L, const cJSON *reply)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(reply, "state");

	if (!cJSON_IsString(s))
		s = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(reply, "run"), "state");
	lua_pushstring(L, cJSON_IsString(s) ? s->valuestring : "unknown");
}

/* Send op about the handle's run; push the state the reply gives. */
static int
ask_state(lua_State *L, const char *op)
{
	cJSON *reply = ask(L, run_request(op, handle_id(L)));

	push_state(L, reply);
	cJSON_Delete(reply);
	return 1;
}

/* h:state() -> "queued", "waiting", "running", "done", ... */
static int
job_state(lua_State *L)
{
	return ask_state(L, "run");
}

/* h:cancel() -> the state after the request. */
static int
job_cancel(lua_State *L)
{
	return ask_state(L, "cancel");
}

/* h:wait([seconds]) -> the final state, or nil, "timeout". */
static int
job_wait(lua_State *L)
{
	const char *id = handle_id(L);
	double limit = luaL_optnumber(L, 2, -1);
	int timeout = limit < 0 ? -1 : (int)(limit * 1000);
	struct wh_engine_conn c;
	struct wh_error err;
	cJSON *reply, *msg;
	int rc;

	if (wh_engine_connect(&c, NULL, SELF, &err) < 0)
		raise_error(L, "engine subscribe", &err);
	if (wh_engine_call(&c, run_request("subscribe", id), &reply, &err) < 0) {
		wh_engine_close(&c);
		raise_error(L, "engine subscribe", &err);
	}
	cJSON_Delete(reply);
	while ((rc = wh_engine_recv(&c, &msg, timeout, &err)) == 1) {
		const cJSON *ev = cJSON_GetObjectItemCaseSensitive(msg, "event");
		if (cJSON_IsString(ev) && strcmp(ev->valuestring, "end") == 0) {
			push_state(L, msg);
			cJSON_Delete(msg);
			wh_engine_close(&c);
			return 1;
		}
		cJSON_Delete(msg);
	}
	wh_engine_close(&c);
	if (rc < 0)
		raise_error(L, "engine subscribe", &err);
	lua_pushnil(L);
	lua_pushliteral(L, "timeout");
	return 2;
}

/* h:metrics([name]) -> { {step=, name=, value=, time=, tokens=}, ... } */
static int
job_metrics(lua_State *L)
{
	const char *id = handle_id(L), *name = luaL_optstring(L, 2, NULL);
	double from = 0;
	lua_Integer n = 0;
	bool more = true;

	lua_newtable(L);
	while (more) {
		cJSON *req = run_request("history", id), *pt;
		cJSON_AddNumberToObject(req, "from", from);
		cJSON_AddNumberToObject(req, "limit", HISTORY_PAGE);
		cJSON *reply = ask(L, req);
		cJSON_ArrayForEach(pt, cJSON_GetObjectItemCaseSensitive(reply, "points")) {
			const cJSON *nm = cJSON_GetObjectItemCaseSensitive(pt, "name");
			if (name && !(cJSON_IsString(nm) && strcmp(nm->valuestring, name) == 0))
				continue;
			cJSON_DeleteItemFromObject(pt, "seq");
			push_json(L, pt);
			lua_rawseti(L, -2, ++n);
		}
		const cJSON *next = cJSON_GetObjectItemCaseSensitive(reply, "next");
		more = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply, "more")) &&
		    cJSON_IsNumber(next) && next->valuedouble > from;
		if (cJSON_IsNumber(next))
			from = next->valuedouble;
		cJSON_Delete(reply);
	}
	return 1;
}

/* h:log([bytes]) -> the end of the run's log. */
static int
job_log(lua_State *L)
{
	cJSON *req = run_request("log", handle_id(L));

	cJSON_AddNumberToObject(req, "limit", (double)luaL_optinteger(L, 2, 16384));
	cJSON *reply = ask(L, req);
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(reply, "log");
	lua_pushstring(L, cJSON_IsString(log) ? log->valuestring : "");
	cJSON_Delete(reply);
	return 1;
}

static int
job_index(lua_State *L)
{
	const char *key = luaL_checkstring(L, 2);

	if (strcmp(key, "id") == 0) {
		lua_pushstring(L, handle_id(L));
		return 1;
	}
	luaL_getmetatable(L, HANDLE);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, key);
	return 1;
}

static int
job_tostring(lua_State *L)
{
	lua_pushfstring(L, "job %s", handle_id(L));
	return 1;
}

static const luaL_Reg job_methods[] = {
	{ "state", job_state },
	{ "wait", job_wait },
	{ "cancel", job_cancel },
	{ "metrics", job_metrics },
	{ "log", job_log },
	{ NULL, NULL }
};

/* The strings of the sequence at idx as a JSON array. */
static cJSON *
strings(lua_State *L, int idx, const char *what)
{
	cJSON *a = cJSON_CreateArray();
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx);

	for (lua_Integer i = 1; i <= n; i++) {
		lua_rawgeti(L, idx, i);
		if (!lua_isstring(L, -1)) {
			cJSON_Delete(a);
			luaL_error(L, "%s[%d] is not a string", what, (int)i);
		}
		cJSON_AddItemToArray(a, cJSON_CreateString(lua_tostring(L, -1)));
		lua_pop(L, 1);
	}
	return a;
}

/* The run id of the value at idx: a job handle's, or a string. */
static const char *
id_at(lua_State *L, int idx)
{
	const char *id;

	if (luaL_testudata(L, idx, HANDLE) == NULL)
		return lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
	lua_getiuservalue(L, idx, 1);
	id = lua_tostring(L, -1);
	lua_pop(L, 1);	/* the user value keeps the string alive */
	return id;
}

/* Add to job's "after" the field after of the table at idx: a job, a run
 * id, or a sequence of them. */
static void
after_field(lua_State *L, int idx, cJSON *job)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(job, "after");
	int t = lua_getfield(L, idx, "after"), top = lua_gettop(L);
	lua_Integer n = t == LUA_TTABLE ? (lua_Integer)lua_rawlen(L, top) : 1;
	const char *id;

	if (a == NULL)
		a = cJSON_AddArrayToObject(job, "after");
	for (lua_Integer i = 1; t != LUA_TNIL && i <= n; i++) {
		if (t == LUA_TTABLE)
			lua_rawgeti(L, top, i);
		else
			lua_pushvalue(L, top);
		if ((id = id_at(L, -1)) == NULL)
			luaL_error(L, "after must be a job, a run id or a list of them");
		cJSON_AddItemToArray(a, cJSON_CreateString(id));
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (cJSON_GetArraySize(a) == 0)
		cJSON_DeleteItemFromObjectCaseSensitive(job, "after");
}

/* Add the fields name, cwd (default: the current folder, but for a remote
 * engine, whose jobs run in its home folder), env, watch and
 * after of the table at idx to job. */
static void
common_fields(lua_State *L, int idx, cJSON *job)
{
	char cwd[4096];

	after_field(L, idx, job);
	if (lua_getfield(L, idx, "name") == LUA_TSTRING)
		cJSON_AddStringToObject(job, "name", lua_tostring(L, -1));
	if (lua_getfield(L, idx, "cwd") == LUA_TSTRING)
		cJSON_AddStringToObject(job, "cwd", lua_tostring(L, -1));
	else if (!wh_engine_remote(NULL) && getcwd(cwd, sizeof cwd) != NULL)
		cJSON_AddStringToObject(job, "cwd", cwd);
	if (lua_getfield(L, idx, "watch") == LUA_TTABLE)
		cJSON_AddItemToObject(job, "watch", strings(L, lua_gettop(L), "watch"));
	if (lua_getfield(L, idx, "env") == LUA_TTABLE) {
		cJSON *env = cJSON_AddObjectToObject(job, "env");
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_type(L, -2) == LUA_TSTRING && lua_isstring(L, -1))
				cJSON_AddStringToObject(env, lua_tostring(L, -2), lua_tostring(L, -1));
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 4);
}

/* The job that wh.job, wh.train and wh.eval build is held by a userdata
 * at stack index 2 until it is sent, so that an error raised while they
 * read the table's fields frees it (when the userdata is collected). */
static cJSON *
hold(lua_State *L, cJSON *job)
{
	lua_settop(L, 1);
	cJSON **box = lua_newuserdatauv(L, sizeof *box, 0);
	*box = job;
	luaL_setmetatable(L, SPEC);
	return job;
}

static int
spec_gc(lua_State *L)
{
	cJSON **box = luaL_checkudata(L, 1, SPEC);

	cJSON_Delete(*box);
	*box = NULL;
	return 0;
}

/* Send the job held at index 2 (see hold). */
static int
submit(lua_State *L, cJSON *job)
{
	cJSON *req = wh_engine_request("submit");

	*(cJSON **)luaL_checkudata(L, 2, SPEC) = NULL;

	cJSON_AddItemToObject(req, "job", job);
	cJSON *reply = ask(L, req);
	const cJSON *run = cJSON_GetObjectItemCaseSensitive(reply, "run");
	push_handle(L, cJSON_IsString(run) ? run->valuestring : "");
	cJSON_Delete(reply);
	return 1;
}

/* wh.job{argv..., backend=, name=, cwd=, env=, watch=, after=} submits a job;
 * wh.job(ID) is a handle on run ID. */
static int
l_job(lua_State *L)
{
	if (lua_type(L, 1) == LUA_TSTRING) {
		cJSON_Delete(ask(L, run_request("run", lua_tostring(L, 1))));
		push_handle(L, lua_tostring(L, 1));
		return 1;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	cJSON *job = hold(L, cJSON_CreateObject());
	lua_getfield(L, 1, "backend");
	cJSON_AddStringToObject(job, "backend", luaL_optstring(L, -1, "exec"));
	lua_pop(L, 1);
	cJSON_AddItemToObject(job, "argv", strings(L, 1, "the command"));
	common_fields(L, 1, job);
	return submit(L, job);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add the options of the table at idx to argv as `--KEY VALUE` (sorted;
 * underscores in keys become dashes, true is a flag alone, false leaves it
 * out), leaving out the keys in own, then the strings of its args; add its
 * common fields to job and submit it. */
static int
submit_command(lua_State *L, int idx, cJSON *job, cJSON *argv, const char *const own[])
{
	static const char *const common[] = { "args", "name", "cwd", "env", "after", NULL };
	char **keys = NULL;
	size_t n = 0;

	lua_pushnil(L);
	while (lua_next(L, idx)) {
		bool skip = lua_type(L, -2) != LUA_TSTRING;
		for (int i = 0; own[i] && !skip; i++)
			skip = strcmp(lua_tostring(L, -2), own[i]) == 0;
		for (int i = 0; common[i] && !skip; i++)
			skip = strcmp(lua_tostring(L, -2), common[i]) == 0;
		if (!skip) {
			keys = realloc(keys, (n + 1) * sizeof *keys);
			keys[n++] = wh_xstrdup(lua_tostring(L, -2));
		}
		lua_pop(L, 1);
	}
	if (n > 0)
		qsort(keys, n, sizeof *keys, by_name);
	for (size_t i = 0; i < n; i++) {
		char opt[256];
		snprintf(opt, sizeof opt, "--%s", keys[i]);
		for (char *p = opt; *p; p++)
			if (*p == '_')
				*p = '-';
		lua_getfield(L, idx, keys[i]);
		if (lua_isboolean(L, -1)) {
			if (lua_toboolean(L, -1))
				cJSON_AddItemToArray(argv, cJSON_CreateString(opt));
		} else if (lua_isinteger(L, -1) || lua_isstring(L, -1)) {
			cJSON_AddItemToArray(argv, cJSON_CreateString(opt));
			cJSON_AddItemToArray(argv, cJSON_CreateString(lua_tostring(L, -1)));
		}
		lua_pop(L, 1);
		free(keys[i]);
	}
	free(keys);
	if (lua_getfield(L, idx, "args") == LUA_TTABLE) {
		cJSON *extra = strings(L, lua_gettop(L), "args"), *v;
		cJSON_ArrayForEach(v, extra)
			cJSON_AddItemToArray(argv, cJSON_CreateString(v->valuestring));
		cJSON_Delete(extra);
	}
	lua_pop(L, 1);
	common_fields(L, idx, job);
	return submit(L, job);
}

/* A builtin job `whittle COMMAND`; its argv, to add to. */
static cJSON *
builtin_job(const char *command, cJSON **argv)
{
	cJSON *job = cJSON_CreateObject();

	cJSON_AddStringToObject(job, "backend", "builtin");
	*argv = cJSON_AddArrayToObject(job, "argv");
	cJSON_AddItemToArray(*argv, cJSON_CreateString(command));
	return job;
}

/* wh.train{data=, KEY=VALUE..., args={...}, name=, cwd=, env=, after=}: `whittle
 * train DATA --KEY VALUE ...` as a builtin job. */
static int
l_train(lua_State *L)
{
	static const char *const own[] = { "data", NULL };
	cJSON *job, *argv;

	luaL_checktype(L, 1, LUA_TTABLE);
	job = hold(L, builtin_job("train", &argv));
	if (lua_getfield(L, 1, "data") != LUA_TSTRING)
		return luaL_error(L, "wh.train needs data = a file of training data");
	cJSON_AddItemToArray(argv, cJSON_CreateString(lua_tostring(L, -1)));
	lua_pop(L, 1);
	return submit_command(L, 1, job, argv, own);
}

/* The checkpoints folder of training run id into path: its --out (from
 * the folder it ran in), else the run's own checkpoints folder; paths as
 * the engine's host has them; *ended: whether the run has ended for good
 * (as the engine waits: a builtin training run that ended interrupted can
 * be resumed, so it has not). Returns 0, or -1 with why in path. */
static int
checkpoints_of(lua_State *L, const char *id, char *path, size_t size, bool *ended)
{
	cJSON *reply = ask(L, run_request("run", id));
	const cJSON *run = cJSON_GetObjectItemCaseSensitive(reply, "run");
	const cJSON *spec = cJSON_GetObjectItemCaseSensitive(run, "spec");
	const cJSON *argv = cJSON_GetObjectItemCaseSensitive(spec, "argv"), *v;
	const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(spec, "cwd");
	const cJSON *dir = cJSON_GetObjectItemCaseSensitive(reply, "dir");
	const cJSON *first = cJSON_GetArrayItem(argv, 0);
	const cJSON *state = cJSON_GetObjectItemCaseSensitive(run, "state");
	const cJSON *backend = cJSON_GetObjectItemCaseSensitive(spec, "backend");
	const char *out = NULL;
	int rc = 0;

	*ended = !cJSON_IsString(state) || (strcmp(state->valuestring, "queued") != 0 &&
	    strcmp(state->valuestring, "waiting") != 0 &&
	    strcmp(state->valuestring, "running") != 0 &&
	    (strcmp(state->valuestring, "interrupted") != 0 || !cJSON_IsString(backend) ||
	    strcmp(backend->valuestring, "builtin") != 0));
	if (!cJSON_IsString(first) || strcmp(first->valuestring, "train") != 0) {
		snprintf(path, size, "run %s is not a training run", id);
		rc = -1;
		goto done;
	}
	cJSON_ArrayForEach(v, argv)
		if (strcmp(v->valuestring, "--out") == 0 && cJSON_IsString(v->next))
			out = v->next->valuestring;
		else if (strncmp(v->valuestring, "--out=", 6) == 0)
			out = v->valuestring + 6;
	if (out && out[0] != '/' && cJSON_IsString(cwd))
		snprintf(path, size, "%s/%s", cwd->valuestring, out);
	else if (out)
		snprintf(path, size, "%s", out);
	else
		snprintf(path, size, "%s/checkpoints", cJSON_IsString(dir) ? dir->valuestring : ".");
done:
	cJSON_Delete(reply);
	return rc;
}

/* wh.eval{checkpoint=, data=, KEY=VALUE..., args=, name=, cwd=, env=,
 * after=}: `whittle eval CHECKPOINT DATA --KEY VALUE ...` as a builtin
 * job; a checkpoint that is a training run's handle is its checkpoints
 * folder, whose latest checkpoint whittle eval takes, and the job waits
 * for that run when it has not ended. */
static int
l_eval(lua_State *L)
{
	static const char *const own[] = { "checkpoint", "data", NULL };
	char path[4096], train[64] = "";
	bool ended = true;
	cJSON *job, *argv;

	luaL_checktype(L, 1, LUA_TTABLE);
	job = hold(L, builtin_job("eval", &argv));
	lua_getfield(L, 1, "checkpoint");
	if (luaL_testudata(L, -1, HANDLE)) {
		snprintf(train, sizeof train, "%s", id_at(L, -1));
		if (checkpoints_of(L, train, path, sizeof path, &ended) < 0)
			return luaL_error(L, "wh.eval: %s", path);
	} else if (lua_type(L, -1) == LUA_TSTRING)
		snprintf(path, sizeof path, "%s", lua_tostring(L, -1));
	else
		return luaL_error(L, "wh.eval needs checkpoint = a checkpoint folder or a training job");
	lua_pop(L, 1);
	if (lua_getfield(L, 1, "data") != LUA_TSTRING)
		return luaL_error(L, "wh.eval needs data = a dataset of questions");
	if (!ended)
		cJSON_AddItemToArray(cJSON_AddArrayToObject(job, "after"),
		    cJSON_CreateString(train));
	cJSON_AddItemToArray(argv, cJSON_CreateString(path));
	cJSON_AddItemToArray(argv, cJSON_CreateString(lua_tostring(L, -1)));
	lua_pop(L, 1);
	return submit_command(L, 1, job, argv, own);
}

/* wh.runs() -> every run: { {id=, state=, name=, started=, progress=...}, ... } */
static int
l_runs(lua_State *L)
{
	cJSON *reply = ask(L, wh_engine_request("runs"));

	push_json(L, cJSON_GetObjectItemCaseSensitive(reply, "runs"));
	cJSON_Delete(reply);
	return 1;
}

static const luaL_Reg functions[] = {
	{ "job", l_job },
	{ "train", l_train },
	{ "eval", l_eval },
	{ "runs", l_runs },
	{ NULL, NULL }
};

int
wh_engine_lua_open(lua_State *L)
{
	if (luaL_newmetatable(L, HANDLE)) {
		lua_pushcfunction(L, job_index);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, job_tostring);
		lua_setfield(L, -2, "__tostring");
		luaL_newlib(L, job_methods);
		lua_setfield(L, -2, "methods");
	}
	lua_pop(L, 1);
	if (luaL_newmetatable(L, SPEC)) {
		lua_pushcfunction(L, spec_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	lua_getglobal(L, "require");
	lua_pushliteral(L, "whittle");
	lua_call(L, 1, 1);
	luaL_setfuncs(L, functions, 0);
	lua_pop(L, 1);
	return 0;
}
