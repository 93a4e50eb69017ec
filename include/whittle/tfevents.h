/* TensorBoard event files: TFRecord framing (length, masked CRC32-C, Event
 * protobuf, masked CRC32-C) and the scalar summaries inside, decoded in C so
 * the engine can follow runs that report to TensorBoard. */
#ifndef WHITTLE_TFEVENTS_H
#define WHITTLE_TFEVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "whittle/error.h"

/* One scalar: tag points into the record being decoded (not NUL-terminated). */
struct wh_tfevents_scalar {
	int64_t step;
	double wall_time;
	const char *tag;
	size_t tag_len;
	double value;
};

/* Called for each scalar; a non-zero return stops the scan and is returned. */
typedef int (*wh_tfevents_fn)(void *arg, const struct wh_tfevents_scalar *s);

/* CRC32-C (Castagnoli) of p[0..n), and TFRecord's masked form of it. */
uint32_t wh_tfevents_crc32c(const void *p, size_t n);
uint32_t wh_tfevents_masked_crc(const void *p, size_t n);

/* Decode one serialized Event and call fn for each scalar summary value
 * (simple_value, or a float/double tensor); other summaries are skipped.
 * Returns 0, fn's non-zero value, or -1 with err set for a malformed Event. */
int wh_tfevents_decode_event(const uint8_t *p, size_t n, wh_tfevents_fn fn,
    void *arg, struct wh_error *err);

/* Decode the records of data[*offset..len), advancing *offset past each one.
 * A record cut short (a writer still writing) stops the scan with *offset at
 * its start and returns 0; a CRC mismatch or malformed Event returns -1 with
 * err set (err->line is the record's byte offset). */
int wh_tfevents_scan(const uint8_t *data, size_t len, size_t *offset,
    wh_tfevents_fn fn, void *arg, struct wh_error *err);

#endif
