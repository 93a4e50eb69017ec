/* Export formats: a trace written as one JSON line in the layouts trainers
 * take (TRL and OpenAI "messages", LLaMA-Factory "sharegpt", "alpaca",
 * plain "text", and whittle's own flat "jsonl"). */
#ifndef WHITTLE_EXPORT_H
#define WHITTLE_EXPORT_H

#include "whittle/buf.h"
#include "whittle/trace.h"

enum wh_export_format {
	WH_EXPORT_MESSAGES, WH_EXPORT_SHAREGPT, WH_EXPORT_ALPACA,
	WH_EXPORT_TEXT, WH_EXPORT_JSONL
};

struct wh_export_opts {
	enum wh_export_format format;
	const char *think_open;		/* default "<think>" */
	const char *think_close;	/* default "</think>" */
	const char *system;		/* a system turn, or NULL */
};

/* The format called name, or -1. */
int wh_export_format_parse(const char *name);

/* Append trace t (record number n, 1-based) as one line, with its newline. */
void wh_export_trace(struct wh_buf *out, const struct wh_trace *t, size_t n,
    const struct wh_export_opts *o);

/* The assistant's text: thinking wrapped in the delimiters, then the answer. */
void wh_export_response(struct wh_buf *out, const struct wh_trace *t,
    const struct wh_export_opts *o);

#endif
