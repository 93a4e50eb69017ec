/* UTF-8: validation, counting, encoding, and replacing what is invalid. */
#ifndef WHITTLE_UTF8_H
#define WHITTLE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "whittle/buf.h"

/* Length of the longest valid UTF-8 prefix of s (n when all of it is valid).
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
size_t wh_utf8_valid_prefix(const char *s, size_t n);

/* Number of code points in valid UTF-8 text. */
size_t wh_utf8_count(const char *s, size_t n);

/* Write code point cp as UTF-8 into out (4 bytes room); returns its length. */
size_t wh_utf8_encode(uint32_t cp, char *out);

/* Append s[0..n) to out with each maximal subpart of an invalid sequence
 * replaced by U+FFFD (the WHATWG decoder's rule, which Python, Node.js and
 * Rust's from_utf8_lossy follow). */
void wh_utf8_replace_invalid(const char *s, size_t n, struct wh_buf *out);

#endif
