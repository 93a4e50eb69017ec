/* whittle cancel: stop a queued, waiting or running job and its child
 * processes; its run ends as cancelled. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "whittle/engine-client.h"

extern const struct wh_cmd wh_cmd_cancel;

/* Long enough for the engine's SIGKILL, 5 s after its SIGTERM. */
#define END_WAIT_MS 10000

/* The state of run id after a cancel: a running job's processes take a
 * moment to end, so ask again until it is no longer running (or the wait
 * is over). Returns a copy of the state to free, or NULL with err set. */
static char *
state_after_cancel(struct wh_engine_conn *c, const char *id, const char *state,
    struct wh_error *err)
{
	char *now = wh_xstrdup(state);

	for (int waited = 0; strcmp(now, "running") == 0 && waited < END_WAIT_MS;
	    waited += 50) {
		cJSON *req = wh_engine_request("run"), *reply;
		poll(NULL, 0, 50);
		cJSON_AddStringToObject(req, "run", id);
		if (wh_engine_call(c, req, &reply, err) < 0) {
			free(now);
			return NULL;
		}
		const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(reply, "run"), "state"));
		free(now);
		now = wh_xstrdup(s ? s : "?");
		cJSON_Delete(reply);
	}
	return now;
}

static int
cancel_exec(const struct wh_cmd *self, int argc, char **argv)
{
	struct wh_engine_conn c;
	struct wh_error err;
	const char *where = NULL, *id = NULL;
	cJSON *req, *reply;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return wh_cli_help(self);
		if (strcmp(argv[i], "--engine") == 0 && i + 1 < argc)
			where = argv[++i];
		else if (id == NULL && argv[i][0] != '-')
			id = argv[i];
		else
			return wh_cli_usage(self, "cancel takes one run id");
	}
	if (id == NULL)
		return wh_cli_usage(self, "cancel takes one run id");
	if (!wh_cli_run_id(id, where))
		return WH_EXIT_ERROR;
	int rc = wh_engine_connect(&c, where, NULL, &err);
	if (rc == -2) {
		fprintf(stderr, "whittle: no engine runs, so run %s is not running\n", id);
		return WH_EXIT_ERROR;
	}
	if (rc < 0) {
		wh_cli_error(&err);
		return WH_EXIT_ERROR;
	}
	req = wh_engine_request("cancel");
	cJSON_AddStringToObject(req, "run", id);
	char *state = NULL;
	if (wh_engine_call(&c, req, &reply, &err) == 0) {
		state = state_after_cancel(&c, id, cJSON_GetObjectItemCaseSensitive(reply,
		    "state")->valuestring, &err);
		cJSON_Delete(reply);
	}
	wh_engine_close(&c);
	if (state == NULL) {
		wh_cli_error(&err);
		return WH_EXIT_ERROR;
	}
	printf("%s: %s\n", id, strcmp(state, "running") == 0 ? "stopping" : state);
	free(state);
	return WH_EXIT_OK;
}

const struct wh_cmd wh_cmd_cancel = {
	"cancel", "stop a queued, waiting or running job",
	"usage: whittle cancel [--engine ssh:HOST] ID\n"
	"\n"
	"Stop run ID: a queued or waiting job never starts; a running one gets\n"
	"SIGTERM (its whole process group), then SIGKILL 5 seconds later. The\n"
	"run ends as cancelled, and so do the jobs waiting for it. Prints the\n"
	"run's state once it has ended (cancelled), or stopping after 10 s.\n",
	cancel_exec
};
