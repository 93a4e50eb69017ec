/* UTF-8: validation, counting and encoding. */
#ifndef WHITTLE_UTF8_H
#define WHITTLE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the longest valid UTF-8 prefix of s (n when all of it is valid).
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
size_t wh_utf8_valid_prefix(const char *s, size_t n);

/* Number of code points in valid UTF-8 text. */
size_t wh_utf8_count(const char *s, size_t n);

/* Write code point cp as UTF-8 into out (4 bytes room); returns its length. */
size_t wh_utf8_encode(uint32_t cp, char *out);

#endif
