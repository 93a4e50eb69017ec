/* The Runs view: the engine's runs (state, progress, elapsed, ETA, latest
 * loss) and live charts of the selected run's metrics, with other runs
 * overlaid to compare, streamed from the engine while the view is open. It runs its own poll loop over the
 * terminal and two engine connections until the user leaves it. */
#ifndef WH_TUI_RUNS_H
#define WH_TUI_RUNS_H

#include "tui/app.h"

/* :runs [ID]: open the view (on run ID, else the newest); returns to the
 * workbench when the user leaves it. Starts the engine if none runs. */
void wh_tui_runs(struct wh_tui *app, char *args);
/* :train FILE.lua [ARG]...: run the Lua script in the engine (whittle lua
 * as a job of the builtin backend), from the workbench's folder. */
void wh_tui_train(struct wh_tui *app, char *args);

#endif
