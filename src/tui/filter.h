/* The list's columns as values (for facets, :filter and :sort), filter
 * expressions over them ("verdict=wrong", "solutions>=3", "marked",
 * "loss>2.5") or over the records' fields ("source=aops"), and sorting.
 * Only rows the scan has reached take part in a column's. Any other
 * filter is a Lua expression for the filter step (tui/steps.c). */
#ifndef WH_TUI_FILTER_H
#define WH_TUI_FILTER_H

#include <stdbool.h>
#include <stddef.h>

struct wh_tui;

enum wh_column { WH_COL_VERDICT, WH_COL_SOLUTIONS, WH_COL_REDUNDANT,
	WH_COL_SEGMENTS, WH_COL_LENGTH, WH_COL_MARK, WH_COL_STATE,
	WH_COL_EDITED, WH_COL_LOSS, WH_NCOLUMNS };

/* The loss column's numbers are thousandths of a nat (a filter's value is
 * in nats). */
#define WH_LOSS_SCALE 1000

/* The column called name, or -1. */
int wh_tui_column_parse(const char *name);
/* Column c of entry i: a number in *num and a label (the number, a bucket
 * or a name) in label. False when the scan has not reached the row. */
bool wh_tui_column(struct wh_tui *app, size_t i, enum wh_column c, long *num,
    char *label, size_t size);

/* Whether column c has values to give; when not (the loss column with no
 * run's losses loaded), an error message says so, naming the command. */
bool wh_tui_column_loaded(struct wh_tui *app, int c, const char *command);

/* A field of record i as a column: name is a member of the record
 * ("source"), a JSON pointer ("/meta/source") or "diff", the field of the
 * list's difficulty column (see list.c); label gets a string's
 * text, any other value as written, "(none)" when the record lacks it.
 * False when the record cannot be read. j is reused from call to call
 * (wh_json_free it after). */
struct wh_json;
bool wh_tui_field(struct wh_tui *app, size_t i, const char *name, struct wh_json *j,
    char *label, size_t size);

/* Filter the list with expr (empty: show all; a name that is no column is
 * a field of the records); messages say what it did. */
void wh_tui_filter(struct wh_tui *app, const char *expr);
/* Sort the list by "COLUMN [desc]". */
void wh_tui_sort(struct wh_tui *app, const char *spec);

#endif
