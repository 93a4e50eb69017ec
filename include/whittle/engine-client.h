/* Talking to the engine: a connection to the local engine's socket (started
 * on demand), or to a remote one through `ssh HOST whittle engine connect`,
 * with requests and replies as JSON objects and events read as they come. */
#ifndef WHITTLE_ENGINE_CLIENT_H
#define WHITTLE_ENGINE_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "whittle/buf.h"
#include "whittle/error.h"

struct wh_engine_conn {
	int rfd, wfd;		/* the socket twice, or the pipes of ssh */
	pid_t child;		/* the ssh process, or 0 */
	struct wh_buf in;	/* bytes read and not yet returned */
	uint64_t next_id;
	long pid;		/* the engine's, from its hello */
	char *socket;		/* the engine's socket path, from its hello */
	char *host;		/* HOST of ssh:HOST, or NULL */
	int errfd;		/* ssh's stderr kept in a file; -1 for a local engine */
	bool lost;		/* ssh ended by a signal or its own error (exit
				   status 255): the link broke, not the engine */
	char error_code[32];	/* the code of the last error reply, or "" */
};

/* Connect. where is "" for the local engine or "ssh:HOST"; NULL means
 * $WHITTLE_ENGINE, or the local engine when that is unset. With
 * start_exe (the whittle binary) a local engine that is not running is
 * started with `start_exe engine start`. Says hello and checks the protocol
 * version. Returns 0; -2 with err set when no local engine runs (and none
 * was started); -1 with err set for any other failure. */
int wh_engine_connect(struct wh_engine_conn *c, const char *where,
    const char *start_exe, struct wh_error *err);
/* wh_engine_connect in two halves, for a caller that must not wait on the
 * engine: connect (starting no engine) and send hello, its id in *hello_id,
 * returning as wh_engine_connect does; then, once hello's reply has come
 * (wh_engine_recv, wh_engine_reply_to), check it: 0, or -1 with err set
 * (another protocol). */
int wh_engine_connect_start(struct wh_engine_conn *c, const char *where,
    uint64_t *hello_id, struct wh_error *err);
int wh_engine_hello_reply(struct wh_engine_conn *c, const cJSON *reply,
    struct wh_error *err);
/* From now on ssh runs as under a screen that is not a terminal's (the
 * workbench's): what it writes on stderr is kept off this process's
 * stderr, and the errors that say how the connection ended give its last
 * line instead; and it asks nothing (BatchMode), since a password or a
 * host key question would be drawn over the screen and answered by no
 * one: it fails, saying why. */
void wh_engine_ssh_quiet(void);
/* Whether where (as wh_engine_connect takes it) names a remote engine:
 * its jobs must not be given this machine's folders. */
bool wh_engine_remote(const char *where);
/* Connect to the local socket without hello (for relaying raw bytes);
 * returns as wh_engine_connect does. */
int wh_engine_connect_raw(struct wh_engine_conn *c, const char *start_exe,
    struct wh_error *err);
/* Close the connection (ending the ssh process, if any). */
void wh_engine_close(struct wh_engine_conn *c);

/* Send req (which the call deletes) with "v" and a fresh "id", and wait for
 * its reply, dropping events that come first. Returns 0 with *reply (the
 * caller deletes), or -1 with err set, from an error reply too (whose
 * code goes to c->error_code). */
int wh_engine_call(struct wh_engine_conn *c, cJSON *req, cJSON **reply,
    struct wh_error *err);
/* Send req (which the call deletes) with "v" and a fresh "id", *id, and
 * return without waiting for the reply: wh_engine_recv gives it, and
 * wh_engine_reply_to tells it from an event. Returns 0, or -1 with err
 * set. */
int wh_engine_send(struct wh_engine_conn *c, cJSON *req, uint64_t *id,
    struct wh_error *err);
/* What msg (from wh_engine_recv) is: 0, an event; 1, the reply to request
 * *id; -1, the engine's refusal of request *id, with err set and its code
 * in c->error_code (*id 0: the connection itself refused). */
int wh_engine_reply_to(struct wh_engine_conn *c, const cJSON *msg, uint64_t *id,
    struct wh_error *err);
/* A request object {"op": op} to add fields to. */
cJSON *wh_engine_request(const char *op);
/* Read the next message. timeout_ms < 0 waits for ever. Returns 1 with *msg
 * (caller deletes), 0 on timeout, -1 with err set when the connection ends
 * or breaks. */
int wh_engine_recv(struct wh_engine_conn *c, cJSON **msg, int timeout_ms,
    struct wh_error *err);

/* Copy bytes both ways between in/out and c until either side ends. */
int wh_engine_relay(struct wh_engine_conn *c, int in, int out,
    struct wh_error *err);

#endif
