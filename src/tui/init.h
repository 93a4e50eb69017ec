/* The user's init.lua: keys bound to command lines, options and the theme,
 * set once when the workbench starts (see init.c). */
#ifndef WH_TUI_INIT_H
#define WH_TUI_INIT_H

struct wh_tui;

/* A key sequence the user bound to a command line. */
struct wh_tui_user_key {
	char name[32];		/* as written: "gw", "<C-s>" */
	int keys[4];
	int n;
	char *command;		/* ":filter wrong" */
};

/* Run $XDG_CONFIG_HOME/whittle/init.lua, if there is one. */
void wh_tui_init_lua(struct wh_tui *app);
/* Forget the user's keys. */
void wh_tui_init_free(struct wh_tui *app);

#endif
