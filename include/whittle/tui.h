/* The workbench: `whittle FILE` opens a full-screen view of a trace dataset
 * (list, trace, facets, diff), edits it through the journaled overlay and
 * takes `:` commands on a readline command line. */
#ifndef WHITTLE_TUI_H
#define WHITTLE_TUI_H

/* Run the workbench with whittle's argv (argv[0] "whittle", then FILE and
 * options; see whittle(1)). Returns the process exit status. */
int wh_tui_main(int argc, char **argv);

#endif
