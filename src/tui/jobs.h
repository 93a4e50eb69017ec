/* The Jobs view: every job of the engine (id, kind, state, progress,
 * start, end, elapsed time, exit status, name), kept up to date while the
 * view is open, with the selected job's log, cancel, a filter by state and
 * the way to its run's charts in the Runs view. */
#ifndef WH_TUI_JOBS_H
#define WH_TUI_JOBS_H

#include "tui/app.h"

/* :jobs [ID | STATE]: open the view (on job ID, or showing only jobs in
 * STATE); returns to the workbench when the user leaves it. Starts the
 * engine if none runs. */
void wh_tui_jobs(struct wh_tui *app, char *args);

#endif
