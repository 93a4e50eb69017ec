/* Where whittle keeps things: the XDG folders, and the folder of shipped data
 * (lua/, themes/) whether whittle is installed or run from its build tree. */
#ifndef WHITTLE_PATHS_H
#define WHITTLE_PATHS_H

/* $XDG_<KIND>_HOME/whittle, e.g. kind "STATE" gives ~/.local/state/whittle.
 * kind is one of STATE, CACHE, DATA, CONFIG. Caller frees. */
char *wh_xdg_dir(const char *kind);

/* The folder holding lua/ and themes/: $WHITTLE_DATADIR if set, the source
 * tree when the running binary is the one in the build tree, else the
 * installed package data folder. Caller frees. */
char *wh_datadir(void);

/* An absolute, canonical form of path (the path itself if that fails). */
char *wh_abspath(const char *path);

#endif
