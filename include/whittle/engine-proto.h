/* The engine protocol, version 1: one JSON object a line in each direction.
 * Requests carry "v", "id" and "op"; replies echo the id with "ok"; events
 * carry "event", "run" and, for metric points, "seq". See whittle-engine(7). */
#ifndef WHITTLE_ENGINE_PROTO_H
#define WHITTLE_ENGINE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "whittle/buf.h"
#include "whittle/error.h"

#define WH_ENGINE_PROTOCOL 1
/* The longest request line the engine reads; longer ones get an error. */
#define WH_ENGINE_LINE_MAX (1 << 20)

enum wh_engine_op {
	WH_OP_HELLO, WH_OP_SUBMIT, WH_OP_CANCEL, WH_OP_JOBS, WH_OP_RUNS,
	WH_OP_RUN, WH_OP_SUBSCRIBE, WH_OP_UNSUBSCRIBE, WH_OP_HISTORY, WH_OP_LOG,
	WH_OP_SHUTDOWN, WH_OP_RESUME
};

struct wh_engine_request {
	enum wh_engine_op op;
	cJSON *root;		/* the parsed line (owned) */
	const cJSON *id;	/* echoed in the reply; NULL if none (borrowed) */
	const char *run;	/* run id of run-scoped ops (borrowed) */
	uint64_t from;		/* subscribe, history: the last seq already seen */
	long limit;		/* history: most points; log: most bytes; -1 if absent */
	const cJSON *job;	/* submit: the job object (borrowed) */
};

/* Parse and check one request line. Returns 0, or -1 with *code set to a
 * static error code ("bad-json", "bad-request", "bad-version", "unknown-op")
 * and err->msg explaining; req->id is set whenever the line had one. The
 * caller frees req with wh_engine_proto_free either way. */
int wh_engine_proto_parse(const char *line, size_t len,
    struct wh_engine_request *req, const char **code, struct wh_error *err);
void wh_engine_proto_free(struct wh_engine_request *req);

/* A reply object {"v":1,"id":ID,"ok":true} to add fields to. */
cJSON *wh_engine_proto_reply(const cJSON *id);
/* Append {"v":1,"id":ID,"ok":false,"error":{"code":..,"message":..}}\n. */
void wh_engine_proto_error(struct wh_buf *out, const cJSON *id,
    const char *code, const char *msg);
/* Append o as one line and delete it. */
void wh_engine_proto_put(struct wh_buf *out, cJSON *o);

#endif
