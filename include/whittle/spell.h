/* The name a mistyped word was meant to be, for "did you mean ...?". */
#ifndef WHITTLE_SPELL_H
#define WHITTLE_SPELL_H

#include <stddef.h>

/* The name of names[0..n) closest to word, within two edits (insertions,
 * deletions, substitutions, swaps of neighbours), or NULL; of two as
 * close, the first. */
const char *wh_spell_nearest(const char *word, const char *const *names, size_t n);

#endif
