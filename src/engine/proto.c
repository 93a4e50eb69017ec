/* Parsing and checking protocol requests, and writing replies. Everything a
 * client sends passes through wh_engine_proto_parse first (the fuzz target). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/engine-proto.h"
#include "whittle/runs.h"

static const char *const op_names[] = {
	"hello", "submit", "cancel", "jobs", "runs", "run", "subscribe",
	"unsubscribe", "history", "log", "shutdown", "resume"
};

#define NOPS (sizeof op_names / sizeof op_names[0])

static int
needs_run(enum wh_engine_op op)
{
	return op == WH_OP_CANCEL || op == WH_OP_RUN || op == WH_OP_SUBSCRIBE ||
	    op == WH_OP_UNSUBSCRIBE || op == WH_OP_HISTORY || op == WH_OP_LOG ||
	    op == WH_OP_RESUME;
}

static int
bad(const char **code, const char *c, struct wh_error *err, const char *msg)
{
	*code = c;
	return wh_error_set(err, NULL, 0, "%s", msg);
}

/* A non-negative integer member, or dflt when absent; -1 if not one. */
static int
count_member(const cJSON *o, const char *key, double dflt, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL) {
		*out = dflt;
		return 0;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9e15 ||
	    v->valuedouble != floor(v->valuedouble))
		return -1;
	*out = v->valuedouble;
	return 0;
}

static int
valid_run_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= WH_RUN_ID_MAX || s[0] == '.')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

static int
parse_fields(struct wh_engine_request *req, const char **code, struct wh_error *err)
{
	const cJSON *o = req->root, *v;
	double from, limit;

	v = cJSON_GetObjectItemCaseSensitive(o, "v");
	if (!cJSON_IsNumber(v) || v->valuedouble != WH_ENGINE_PROTOCOL)
		return bad(code, "bad-version", err, "\"v\" must be 1, the protocol version");
	v = cJSON_GetObjectItemCaseSensitive(o, "op");
	if (!cJSON_IsString(v))
		return bad(code, "bad-request", err, "\"op\" must be a string");
	size_t i = 0;
	while (i < NOPS && strcmp(v->valuestring, op_names[i]) != 0)
		i++;
	if (i == NOPS)
		return bad(code, "unknown-op", err, "no such op");
	req->op = (enum wh_engine_op)i;
	v = cJSON_GetObjectItemCaseSensitive(o, "run");
	if (needs_run(req->op) && !(cJSON_IsString(v) && valid_run_id(v->valuestring)))
		return bad(code, "bad-request", err, "\"run\" must be a run id");
	req->run = needs_run(req->op) ? v->valuestring : NULL;
	if (count_member(o, "from", 0, &from) < 0 || count_member(o, "limit", -1, &limit) < 0)
		return bad(code, "bad-request", err,
		    "\"from\" and \"limit\" must be non-negative integers");
	req->from = (uint64_t)from;
	req->limit = (long)(limit > 1e9 ? 1e9 : limit);
	req->job = cJSON_GetObjectItemCaseSensitive(o, "job");
	if (req->op == WH_OP_SUBMIT && !cJSON_IsObject(req->job))
		return bad(code, "bad-request", err, "\"job\" must be an object");
	return 0;
}

int
wh_engine_proto_parse(const char *line, size_t len,
    struct wh_engine_request *req, const char **code, struct wh_error *err)
{
	const cJSON *id;

	memset(req, 0, sizeof *req);
	req->root = cJSON_ParseWithLength(line, len);
	if (req->root == NULL)
		return bad(code, "bad-json", err, "not valid JSON");
	if (!cJSON_IsObject(req->root))
		return bad(code, "bad-request", err, "a request must be a JSON object");
	id = cJSON_GetObjectItemCaseSensitive(req->root, "id");
	if (cJSON_IsNumber(id) || cJSON_IsString(id))
		req->id = id;
	return parse_fields(req, code, err);
}

void
wh_engine_proto_free(struct wh_engine_request *req)
{
	cJSON_Delete(req->root);
	memset(req, 0, sizeof *req);
}

cJSON *
wh_engine_proto_reply(const cJSON *id)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "v", WH_ENGINE_PROTOCOL);
	cJSON_AddItemToObject(o, "id", id ? cJSON_Duplicate(id, 0) : cJSON_CreateNull());
	cJSON_AddTrueToObject(o, "ok");
	return o;
}

void
wh_engine_proto_error(struct wh_buf *out, const cJSON *id, const char *code,
    const char *msg)
{
	cJSON *o = wh_engine_proto_reply(id), *e = cJSON_CreateObject();

	cJSON_ReplaceItemInObject(o, "ok", cJSON_CreateFalse());
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	cJSON_AddItemToObject(o, "error", e);
	wh_engine_proto_put(out, o);
}

void
wh_engine_proto_put(struct wh_buf *out, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	wh_buf_adds(out, s);
	wh_buf_addc(out, '\n');
	free(s);
	cJSON_Delete(o);
}
