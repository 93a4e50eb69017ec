/* The engine's state on the workbench's status line: what runs and waits
 * there, and the progress of the newest job running, asked for every two
 * seconds on a link that never waits on the engine; nothing while no
 * local engine runs (the workbench starts none). */
#ifndef WH_TUI_ENGINE_STATUS_H
#define WH_TUI_ENGINE_STATUS_H

#include <stdbool.h>

#include "tui/views.h"

struct wh_tui_engine {
	struct wh_tui_link link;
	struct wh_tui_vstate st;	/* the link's messages, kept off the screen */
	double asked;			/* ms: the last request, or try to connect */
	const char *host;		/* HOST of a remote engine, or NULL */
	bool answered;			/* the connection has had a reply */
	char text[96];			/* for the status line, or "" */
};

void wh_tui_engine_init(struct wh_tui_engine *e);
/* The link's descriptor to poll, or -1. */
int wh_tui_engine_fd(const struct wh_tui_engine *e);
/* Take what has come, and ask again when it is time; true when the text
 * changed. */
bool wh_tui_engine_tick(struct wh_tui_engine *e);
void wh_tui_engine_close(struct wh_tui_engine *e);

#endif
