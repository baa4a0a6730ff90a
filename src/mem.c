#include "mem.h"
#include "oberr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void die_oom(size_t n)
{
	fprintf(stderr, "atlas-offboard: fatal: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		die_oom(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct ob_buf b;
	va_list ap;
	ob_buf_init(&b);
	va_start(ap, fmt);
	ob_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return ob_buf_detach(&b);
}

static void buf_grow(struct ob_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->ptr = xrealloc(b->ptr, cap);
	b->cap = cap;
}

void ob_buf_init(struct ob_buf *b)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	buf_grow(b, 0);
	b->ptr[0] = '\0';
}

void ob_buf_add(struct ob_buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void ob_buf_addstr(struct ob_buf *b, const char *s)
{
	ob_buf_add(b, s, strlen(s));
}

void ob_buf_addch(struct ob_buf *b, char c)
{
	ob_buf_add(b, &c, 1);
}

void ob_buf_vaddf(struct ob_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void ob_buf_addf(struct ob_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ob_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void ob_buf_reset(struct ob_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void ob_buf_release(struct ob_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

char *ob_buf_detach(struct ob_buf *b)
{
	char *s = b->ptr;
	if (!s)
		s = xstrdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	return s;
}

int ob_err_set(struct ob_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

void ob_err_clear(struct ob_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
