/* A growable byte buffer. The owner frees it with wh_buf_free; it aborts on
 * out-of-memory, as every allocation in whittle does. */
#ifndef WHITTLE_BUF_H
#define WHITTLE_BUF_H

#include <stddef.h>

struct wh_buf {
	char *data;		/* always NUL-terminated when len > 0 or after add */
	size_t len;
	size_t cap;
};

void wh_buf_reserve(struct wh_buf *b, size_t extra);
void wh_buf_add(struct wh_buf *b, const void *p, size_t n);
void wh_buf_addc(struct wh_buf *b, char c);
void wh_buf_adds(struct wh_buf *b, const char *s);
void wh_buf_printf(struct wh_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void wh_buf_clear(struct wh_buf *b);
void wh_buf_free(struct wh_buf *b);
/* Hand the bytes to the caller (NUL-terminated, never NULL) and reset b. */
char *wh_buf_take(struct wh_buf *b);

/* Allocation that never returns NULL. */
void *wh_xmalloc(size_t n);
void *wh_xcalloc(size_t count, size_t size);
void *wh_xrealloc(void *p, size_t n);
char *wh_xstrdup(const char *s);
char *wh_xstrndup(const char *s, size_t n);

#endif
