/* wh.model and the whittle.model type: load a checkpoint of the builtin
 * model, and from Lua take its logits and loss, generate, evaluate it on a
 * dataset's questions, and save it. */
#include <stdlib.h>

#include "script-int.h"
#include "whittle/eval.h"
#include "whittle/generate.h"
#include "whittle/model.h"

struct lmodel {
	struct wh_model *m;
	struct wh_tokenizer *tok;	/* NULL: bytes */
	struct wh_kv_cache *kv;		/* made at the first generate */
};

static struct lmodel *
check_model(lua_State *L)
{
	struct lmodel *lm = luaL_checkudata(L, 1, "whittle.model");

	if (lm->m == NULL)
		luaL_error(L, "the model is closed");
	return lm;
}

static int
fail(lua_State *L, const struct wh_error *e)
{
	char msg[1200];

	wh_error_format(e, msg, sizeof msg);
	lua_pushnil(L);
	lua_pushstring(L, msg);
	return 2;
}

/* wh.model.load(dir [, tokenizer_path]) -> model | nil, message */
static int
l_load(lua_State *L)
{
	const char *dir = luaL_checkstring(L, 1), *tpath = luaL_optstring(L, 2, NULL);
	struct lmodel *lm = lua_newuserdatauv(L, sizeof *lm, 0);
	struct wh_error e;

	*lm = (struct lmodel){ 0 };
	luaL_setmetatable(L, "whittle.model");
	if ((lm->m = wh_model_load(dir, &e)) == NULL
	    || wh_gen_tokenizer(dir, tpath, lm->m, &lm->tok, &e) < 0)
		return fail(L, &e);
	return 1;
}

/* The ids of the table at idx, checked against the vocabulary, in a
 * buffer the collector frees; *n gets the count. */
static int32_t *
check_ids(lua_State *L, int idx, const struct wh_model *m, size_t *n)
{
	luaL_checktype(L, idx, LUA_TTABLE);
	*n = lua_rawlen(L, idx);
	int32_t *ids = lua_newuserdatauv(L, (*n + 1) * sizeof *ids, 0);
	for (size_t i = 0; i < *n; i++) {
		lua_rawgeti(L, idx, (lua_Integer)i + 1);
		lua_Integer v = wh_lua_top_integer(L, idx, (lua_Integer)i + 1, NULL);
		luaL_argcheck(L, v >= 0 && v < m->cfg.vocab, idx, "a token id out of range");
		ids[i] = (int32_t)v;
		lua_pop(L, 1);
	}
	return ids;
}

static void
push_floats(lua_State *L, const float *v, int n)
{
	lua_createtable(L, n, 0);
	for (int i = 0; i < n; i++) {
		lua_pushnumber(L, v[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

/* Run ids (and targets, when not NULL) as one row; returns the summed
 * loss and sets *count. */
static double
forward(lua_State *L, struct wh_model *m, const int32_t *ids, const int32_t *targets,
    size_t n, bool logits, long *count)
{
	luaL_argcheck(L, n >= 1 && n <= (size_t)m->cfg.max_pos, 2,
	    "between 1 and max_pos ids");
	int32_t *none = lua_newuserdatauv(L, n * sizeof *none, 0);
	for (size_t i = 0; i < n; i++)
		none[i] = -1;
	struct wh_batch b = { 1, (int)n, ids, targets ? targets : none, NULL };
	double s = wh_model_forward(m, &b, logits, count);
	lua_pop(L, 1);
	return s;
}

/* m:logits(ids) -> {{vocab numbers} for each position} */
static int
m_logits(lua_State *L)
{
	struct lmodel *lm = check_model(L);
	size_t n;
	const int32_t *ids = check_ids(L, 2, lm->m, &n);
	long count;
	int V = lm->m->cfg.vocab;

	forward(L, lm->m, ids, NULL, n, true, &count);
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		push_floats(L, lm->m->logits + i * V, V);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* m:loss(ids, labels) -> mean loss, count: as transformers, position i
 * predicts labels[i + 1]; a label of -100 carries no loss. */
static int
m_loss(lua_State *L)
{
	struct lmodel *lm = check_model(L);
	size_t n, nl;
	const int32_t *ids = check_ids(L, 2, lm->m, &n);
	long count;

	luaL_checktype(L, 3, LUA_TTABLE);
	nl = lua_rawlen(L, 3);
	luaL_argcheck(L, nl == n, 3, "as many labels as ids");
	int32_t *targets = lua_newuserdatauv(L, (n + 1) * sizeof *targets, 0);
	for (size_t i = 0; i < n; i++) {
		lua_Integer v = -100;
		if (i + 1 < n) {
			lua_rawgeti(L, 3, (lua_Integer)i + 2);
			v = wh_lua_top_integer(L, 3, (lua_Integer)i + 2, NULL);
			lua_pop(L, 1);
		}
		luaL_argcheck(L, v == -100 || (v >= 0 && v < lm->m->cfg.vocab), 3,
		    "a label is a token id or -100");
		targets[i] = v == -100 ? -1 : (int32_t)v;
	}
	double s = forward(L, lm->m, ids, targets, n, false, &count);
	lua_pushnumber(L, count ? s / count : 0);
	lua_pushinteger(L, count);
	return 2;
}

/* Generation options from the table at idx (or a number: max_new). */
static void
gen_opts(lua_State *L, int idx, struct wh_gen_opts *g)
{
	lua_Integer max_new = g->max_new;

	if (lua_isinteger(L, idx))
		max_new = lua_tointeger(L, idx);
	else if (lua_isnoneornil(L, idx))
		return;
	else {
		luaL_checktype(L, idx, LUA_TTABLE);
		if (lua_getfield(L, idx, "max_new") != LUA_TNIL)
			max_new = wh_lua_top_integer(L, idx, 0, "max_new");
		if (lua_getfield(L, idx, "temperature") != LUA_TNIL)
			g->temperature = (float)wh_lua_top_number(L, idx, 0, "temperature");
		if (lua_getfield(L, idx, "top_p") != LUA_TNIL)
			g->top_p = (float)wh_lua_top_number(L, idx, 0, "top_p");
		if (lua_getfield(L, idx, "seed") != LUA_TNIL)
			g->seed = (uint64_t)wh_lua_top_integer(L, idx, 0, "seed");
		lua_pop(L, 4);
	}
	/* checked before the int cast: 2^32 + 1 is no small count */
	luaL_argcheck(L, max_new >= 1 && max_new <= 10000000, idx,
	    "max_new is a positive count");
	g->max_new = (int)max_new;
	luaL_argcheck(L, g->temperature >= 0 && g->top_p > 0 && g->top_p <= 1, idx,
	    "temperature is 0 or more, top_p in (0, 1]");
}

/* m:generate(prompt [, max_new | {max_new, temperature, top_p, seed, stop}])
 * -> what follows the prompt, and how it ended: text for a text prompt,
 * a table of ids for a table of ids. */
static int
m_generate(lua_State *L)
{
	struct lmodel *lm = check_model(L);
	struct wh_gen_opts g;
	struct wh_ids in = { 0 }, stop = { 0 };
	const int32_t *ids;
	size_t n, slen;
	bool text = lua_type(L, 2) == LUA_TSTRING;
	int got, end;

	wh_gen_opts_default(&g);
	gen_opts(L, 3, &g);
	g.eos = lm->m->cfg.eos;
	if (lua_istable(L, 3) && lua_getfield(L, 3, "stop") != LUA_TNIL) {
		const char *s = luaL_checklstring(L, -1, &slen);
		wh_gen_encode(lm->tok, s, slen, &stop);
		lua_pop(L, 1);
	}
	if (text) {
		const char *s = lua_tolstring(L, 2, &n);
		wh_gen_encode(lm->tok, s, n, &in);
		int32_t *v = lua_newuserdatauv(L, (in.n + 1) * sizeof *v, 0);
		for (size_t i = 0; i < in.n; i++)
			v[i] = (int32_t)in.v[i];
		n = in.n;
		ids = v;
		wh_ids_free(&in);
	} else
		ids = check_ids(L, 2, lm->m, &n);
	int32_t *out = lua_newuserdatauv(L, (size_t)g.max_new * sizeof *out, 0);
	int32_t *sv = lua_newuserdatauv(L, (stop.n + 1) * sizeof *sv, 0);
	for (size_t i = 0; i < stop.n; i++)
		sv[i] = (int32_t)stop.v[i];
	g.stop = sv;
	g.nstop = (int)stop.n;
	wh_ids_free(&stop);
	if (lm->kv == NULL)
		lm->kv = wh_kv_cache_new(&lm->m->cfg);
	end = wh_generate(lm->m, lm->kv, ids, (int)n, &g, out, &got);
	if (end < 0 && n == 0)
		return luaL_error(L, "the prompt is empty: the model needs a token to go on from");
	if (end < 0)
		return luaL_error(L, "a prompt of %d tokens leaves no room in %d positions",
		    (int)n, lm->m->cfg.max_pos);
	if (text) {
		struct wh_buf *b = wh_lua_newbuf(L);
		struct wh_error e;
		if (wh_gen_decode(lm->tok, out, (size_t)got, b, &e) < 0)
			return luaL_error(L, "%s", e.msg);
		lua_pushlstring(L, b->data ? b->data : "", b->len);
	} else {
		lua_createtable(L, got, 0);
		for (int i = 0; i < got; i++) {
			lua_pushinteger(L, out[i]);
			lua_rawseti(L, -2, i + 1);
		}
	}
	lua_pushstring(L, wh_gen_end_name(end));
	return 2;
}

static void
set_integer(lua_State *L, const char *name, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, name);
}

/* Each graded response into the table on top of the stack. */
static void
push_pred(void *arg, const struct wh_eval_pred *p)
{
	lua_State *L = arg;

	lua_createtable(L, 0, 9);
	lua_pushlstring(L, p->output, p->output_len);
	lua_setfield(L, -2, "output");
	if (p->answer) {
		lua_pushlstring(L, p->answer, p->answer_len);
		lua_setfield(L, -2, "answer");
	}
	lua_pushstring(L, p->item->gold);
	lua_setfield(L, -2, "gold");
	lua_pushboolean(L, p->correct);
	lua_setfield(L, -2, "correct");
	lua_pushinteger(L, p->tokens);
	lua_setfield(L, -2, "tokens");
	lua_pushinteger(L, p->thinking_tokens);
	lua_setfield(L, -2, "thinking_tokens");
	lua_pushinteger(L, p->tokens - p->thinking_tokens);
	lua_setfield(L, -2, "answer_tokens");
	if (p->samples) {
		lua_pushinteger(L, p->samples_correct);
		lua_setfield(L, -2, "samples_correct");
	}
	lua_pushstring(L, wh_gen_end_name(p->end));
	lua_setfield(L, -2, "ended");
	lua_rawseti(L, -2, (lua_Integer)p->index + 1);
}

/* The summary (wh_eval_summary) into the table on top of the stack: its
 * lists as sequences of tables, counts as integers. */
static void
sum_number(void *arg, const char *name, double value, bool count)
{
	lua_State *L = arg;

	if (count)
		lua_pushinteger(L, (lua_Integer)value);
	else
		lua_pushnumber(L, value);
	lua_setfield(L, -2, name);
}

static void
sum_string(void *arg, const char *name, const char *value)
{
	lua_pushstring(arg, value);
	lua_setfield(arg, -2, name);
}

static void
sum_begin(void *arg, const char *name)
{
	lua_createtable(arg, 0, name ? 0 : 7);
}

static void
sum_end(void *arg, const char *name)
{
	lua_State *L = arg;

	if (name)
		lua_setfield(L, -2, name);
	else
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
}

static const struct wh_eval_visitor lua_summary = { sum_number, sum_string, sum_begin,
	sum_end };

/* The samples and pass_k of the options at idx, as whittle eval's
 * --samples and --pass-k. */
static void
sample_opts(lua_State *L, int idx, struct wh_eval_opts *o)
{
	luaL_Buffer b;
	const char *list = NULL;

	if (lua_getfield(L, idx, "samples") != LUA_TNIL) {
		lua_Integer n = wh_lua_top_integer(L, idx, 0, "samples");
		luaL_argcheck(L, n >= 1 && n <= 10000, idx, "samples is a positive count");
		luaL_argcheck(L, o->gen.temperature > 0, idx,
		    "samples are drawn at temperature: give one above 0");
		o->samples = (int)n;
	}
	lua_pop(L, 1);
	if (lua_getfield(L, idx, "pass_k") != LUA_TNIL) {
		luaL_argcheck(L, o->samples > 0, idx, "pass_k needs samples");
		luaL_checktype(L, -1, LUA_TTABLE);
		int t = lua_absindex(L, -1);
		luaL_buffinit(L, &b);
		for (lua_Integer k = 1; k <= (lua_Integer)lua_rawlen(L, t); k++) {
			lua_rawgeti(L, t, k);
			luaL_argcheck(L, lua_isinteger(L, -1), idx, "pass_k is a list of counts");
			lua_Integer v = lua_tointeger(L, -1);
			lua_pop(L, 1);
			luaL_addstring(&b, k > 1 ? "," : "");
			lua_pushinteger(L, v);
			luaL_addvalue(&b);
		}
		luaL_pushresult(&b);
		list = lua_tostring(L, -1);
	}
	if (o->samples && wh_eval_parse_pass_k(o, list) < 0)
		luaL_argerror(L, idx, lua_pushfstring(L, "pass_k: up to %d counts, each "
		    "1..%d", WH_EVAL_MAX_K, o->samples));
	lua_pop(L, list ? 2 : 1);
}

/* m:evaluate(dataset_path [, {limit, prompt, stop, samples, pass_k, max_new,
 * temperature, top_p, seed}]) -> the summary of whittle eval --json, and
 * predictions = {...} */
static int
m_evaluate(lua_State *L)
{
	struct lmodel *lm = check_model(L);
	const char *path = luaL_checkstring(L, 2);
	struct wh_eval_opts o;
	struct wh_eval_set set;
	struct wh_eval_result r;
	struct wh_error e;
	lua_Integer limit = 0;

	wh_eval_opts_default(&o);
	o.tok = lm->tok;
	gen_opts(L, 3, &o.gen);
	if (lua_istable(L, 3)) {
		if (lua_getfield(L, 3, "limit") != LUA_TNIL)
			limit = wh_lua_top_integer(L, 3, 0, "limit");
		if (lua_getfield(L, 3, "prompt") != LUA_TNIL)
			o.prompt = wh_lua_top_string(L, 3, 0, "prompt");
		if (lua_getfield(L, 3, "stop") != LUA_TNIL)
			o.stop = wh_lua_top_string(L, 3, 0, "stop");
		/* the strings stay on the stack while they are used */
		sample_opts(L, 3, &o);
	}
	luaL_argcheck(L, limit >= 0, 3, "limit is a count");
	if (wh_eval_set_load(&set, path, (size_t)limit, &e) < 0)
		return fail(L, &e);
	lua_createtable(L, 0, 16);
	lua_createtable(L, (int)set.n, 0);
	int rc = wh_eval_run(lm->m, &set, &o, &r, push_pred, L, &e);
	wh_eval_set_free(&set);
	if (rc < 0)
		return fail(L, &e);
	lua_setfield(L, -2, "predictions");
	wh_eval_summary(&r, &lua_summary, L);
	wh_eval_result_free(&r);
	return 1;
}

/* m:save(dir): config.json and model.safetensors (trusted states only). */
static int
m_save(lua_State *L)
{
	struct lmodel *lm = check_model(L);
	struct wh_error e;

	wh_lua_need_trust(L, "m:save");
	if (wh_model_save(lm->m, luaL_checkstring(L, 2), &e) < 0)
		return fail(L, &e);
	lua_pushboolean(L, 1);
	return 1;
}

/* m:config() -> {arch, vocab, hidden, ...} */
static int
m_config(lua_State *L)
{
	const struct wh_model_config *c = &check_model(L)->m->cfg;

	lua_createtable(L, 0, 12);
	lua_pushstring(L, c->arch == WH_QWEN2 ? "qwen2" : "llama");
	lua_setfield(L, -2, "arch");
	set_integer(L, "vocab", c->vocab);
	set_integer(L, "hidden", c->hidden);
	set_integer(L, "intermediate", c->intermediate);
	set_integer(L, "layers", c->layers);
	set_integer(L, "heads", c->heads);
	set_integer(L, "kv_heads", c->kv_heads);
	set_integer(L, "head_dim", c->head_dim);
	set_integer(L, "max_pos", c->max_pos);
	set_integer(L, "eos", c->eos);
	set_integer(L, "params", (lua_Integer)check_model(L)->m->nparams);
	lua_pushboolean(L, c->tied);
	lua_setfield(L, -2, "tied");
	return 1;
}

static int
m_close(lua_State *L)
{
	struct lmodel *lm = luaL_checkudata(L, 1, "whittle.model");

	wh_kv_cache_free(lm->kv);
	wh_tokenizer_free(lm->tok);
	wh_model_free(lm->m);
	*lm = (struct lmodel){ 0 };
	return 0;
}

static const luaL_Reg model_methods[] = {
	{ "config", m_config },
	{ "logits", m_logits },
	{ "loss", m_loss },
	{ "generate", m_generate },
	{ "evaluate", m_evaluate },
	{ "save", m_save },
	{ "close", m_close },
	{ NULL, NULL }
};

static const luaL_Reg model_fns[] = {
	{ "load", l_load },
	{ NULL, NULL }
};

void
wh_lua_open_model(lua_State *L)
{
	luaL_newmetatable(L, "whittle.model");
	lua_pushcfunction(L, m_close);
	lua_setfield(L, -2, "__gc");
	lua_pushcfunction(L, m_close);
	lua_setfield(L, -2, "__close");
	luaL_newlib(L, model_methods);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	luaL_newlib(L, model_fns);
	lua_setfield(L, -2, "model");
}
