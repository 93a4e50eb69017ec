/* Metric points and where they come from: JSON lines (whittle's own format,
 * or a trainer's log dicts), the Hugging Face Trainer's trainer_state.json,
 * and TensorBoard event files; a watch follows all of them in a folder. */
#ifndef WHITTLE_METRICS_H
#define WHITTLE_METRICS_H

#include <stdint.h>

#include "whittle/buf.h"
#include "whittle/error.h"

/* One point. name is borrowed for the duration of a callback. */
struct wh_metric {
	int64_t step;
	double time;		/* wall time, seconds since the epoch */
	double tokens;		/* tokens seen so far; < 0 when unknown */
	const char *name;
	double value;		/* NaN when the source wrote null/NaN */
};

/* Called for each point. */
typedef void (*wh_metrics_fn)(void *arg, const struct wh_metric *m);

/* The points of one JSON line: {"name": N, "value": V, ...} is one point;
 * any other object gives one point per number (or null: NaN) member, as a
 * log dict {"loss": 2.1, "learning_rate": 1e-4, "step": 10}; a Python dict repr with
 * single quotes is accepted too. "step" (else default_step), "time" (else
 * now) and "tokens"/"num_input_tokens_seen" qualify every point.
 * Returns the number of points, or -1 if the line is not a JSON object. */
int wh_metrics_parse_line(const char *line, size_t len, int64_t default_step,
    double now, wh_metrics_fn fn, void *arg);

/* Points of the log_history entries of a trainer_state.json text whose step
 * is above *last_step, which is then raised to the highest step seen. */
int wh_metrics_trainer_state(const char *text, size_t len, int64_t *last_step,
    double now, wh_metrics_fn fn, void *arg, struct wh_error *err);

/* Append m as one line of whittle's metrics.jsonl format (with '\n'). */
void wh_metrics_format(struct wh_buf *out, const struct wh_metric *m);

/* A watch over metric sources: files of JSON lines, and folders searched
 * (three levels deep) for trainer_state.json, events.out.tfevents.* and
 * metrics.jsonl. Each source is read from where the last poll stopped. */
struct wh_metrics_watch;

/* An empty watch; free it with wh_metrics_watch_free. */
struct wh_metrics_watch *wh_metrics_watch_new(void);
/* Add a file of JSON lines (it may not exist yet), or a folder to search. */
void wh_metrics_watch_file(struct wh_metrics_watch *w, const char *path);
void wh_metrics_watch_dir(struct wh_metrics_watch *w, const char *path);
/* Read what is new in every source (looking for new files in the folders
 * at most once a second) and call fn for each point. A source that turns
 * out corrupt is dropped and described in *note (note->msg[0] is 0 when
 * none was). Returns the number of points read. */
long wh_metrics_watch_poll(struct wh_metrics_watch *w, double now,
    wh_metrics_fn fn, void *arg, struct wh_error *note);
void wh_metrics_watch_free(struct wh_metrics_watch *w);

#endif
