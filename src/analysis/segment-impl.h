/* Internals shared by the segmenter's files: the compiled rule set and the
 * cue matcher. */
#ifndef WHITTLE_SEGMENT_IMPL_H
#define WHITTLE_SEGMENT_IMPL_H

#include <stdint.h>

#include "whittle/segment.h"

struct wh_segmenter {
	struct wh_segment_rules rules;	/* cues points at the copy below */
	struct wh_cue *cues;		/* lower-cased; the anywhere cues, then
					   the start ones, each by first byte */
	size_t bucket[2][257];		/* cues[bucket[g][b] .. bucket[g][b+1])
					   start with b; g 0 anywhere, 1 start */
	uint64_t any3[1024];		/* bit per hash of an anywhere cue's
					   first three bytes: a quick "no" */
	bool short_any;			/* an anywhere cue under three bytes */
};

/* Bit mask (1 << enum wh_cue_kind) of the cues found in t[start..end):
 * start-only cues at the segment's first word, the others at any word. */
unsigned wh_segment_cues(const struct wh_segmenter *s, const char *t,
    size_t start, size_t end);

#endif
