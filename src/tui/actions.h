/* What keys do: one function per action of the keymap, over the app. */
#ifndef WH_TUI_ACTIONS_H
#define WH_TUI_ACTIONS_H

#include <stddef.h>

struct wh_tui;

#define WH_ACTION(name) void wh_act_##name(struct wh_tui *app)

WH_ACTION(down); WH_ACTION(up); WH_ACTION(page_down); WH_ACTION(page_up);
WH_ACTION(top); WH_ACTION(bottom); WH_ACTION(open); WH_ACTION(back);
WH_ACTION(help); WH_ACTION(command); WH_ACTION(search);
WH_ACTION(search_next); WH_ACTION(search_prev); WH_ACTION(redraw);
WH_ACTION(suspend);
WH_ACTION(next_solution); WH_ACTION(prev_solution); WH_ACTION(next_error);
WH_ACTION(prev_error); WH_ACTION(next_record); WH_ACTION(prev_record);
WH_ACTION(fold); WH_ACTION(fold_verify); WH_ACTION(unfold_all);
WH_ACTION(delete_segment); WH_ACTION(merge); WH_ACTION(split);
WH_ACTION(edit_inline); WH_ACTION(edit_external); WH_ACTION(delete_solution);
WH_ACTION(trim); WH_ACTION(restore); WH_ACTION(undo); WH_ACTION(redo);
WH_ACTION(diff); WH_ACTION(accept); WH_ACTION(reject); WH_ACTION(fix);
WH_ACTION(note); WH_ACTION(facets); WH_ACTION(focus); WH_ACTION(quit);
WH_ACTION(role); WH_ACTION(move_next_solution); WH_ACTION(move_prev_solution);
WH_ACTION(keep); WH_ACTION(discard); WH_ACTION(next_change);
WH_ACTION(prev_change); WH_ACTION(facet_order);

/* A split (at byte point of the segment) or inline edit of the current
 * segment was entered as line. */
void wh_tui_segment_line(struct wh_tui *app, int kind, const char *line,
    size_t point);
/* Give the trace view's current segment the role called name, or move it
 * to solution n (0: none), as an override beside the dataset (undoable). */
void wh_tui_set_role(struct wh_tui *app, const char *name);
void wh_tui_set_solution(struct wh_tui *app, long n);
/* A note was entered for the current record. */
void wh_tui_note_line(struct wh_tui *app, const char *line);

struct wh_ui_event;
/* A mouse event: a click selects the row or segment under it, the wheel
 * scrolls. */
void wh_tui_mouse(struct wh_tui *app, const struct wh_ui_event *ev);

#endif
