/* Growable byte buffers and allocation helpers that abort on out-of-memory. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/buf.h"

static void
out_of_memory(size_t n)
{
	fprintf(stderr, "whittle: out of memory (%zu bytes)\n", n);
	abort();
}

void *
wh_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		out_of_memory(n);
	return p;
}

void *
wh_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (p == NULL)
		out_of_memory(count * size);
	return p;
}

void *
wh_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		out_of_memory(n);
	return p;
}

char *
wh_xstrndup(const char *s, size_t n)
{
	char *p = wh_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
wh_xstrdup(const char *s)
{
	return wh_xstrndup(s, strlen(s));
}

void
wh_buf_reserve(struct wh_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;

	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < want)
		b->cap *= 2;
	b->data = wh_xrealloc(b->data, b->cap);
}

void
wh_buf_add(struct wh_buf *b, const void *p, size_t n)
{
	wh_buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
wh_buf_addc(struct wh_buf *b, char c)
{
	wh_buf_add(b, &c, 1);
}

void
wh_buf_adds(struct wh_buf *b, const char *s)
{
	wh_buf_add(b, s, strlen(s));
}

void
wh_buf_printf(struct wh_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	wh_buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
wh_buf_clear(struct wh_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
wh_buf_free(struct wh_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
wh_buf_take(struct wh_buf *b)
{
	char *p;

	wh_buf_reserve(b, 0);
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
