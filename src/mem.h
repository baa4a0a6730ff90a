/*
 * mem.h - allocation that cannot fail, and a small growable string buffer.
 *
 * Out of memory ends the program here, in one place (STYLE.md, habit 4):
 * the job store is transactional and the audit log is written before each
 * commit, so dying is safe and the next `run` resumes.
 *
 * struct ob_buf owns `ptr`; `ptr` is always NUL-terminated once anything was
 * appended (or after ob_buf_init) and may hold embedded NULs when filled with
 * ob_buf_add(). Release with ob_buf_release(); the struct may be reused after.
 */
#ifndef OB_MEM_H
#define OB_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A malloc'd printf; never NULL. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct ob_buf {
	char *ptr;
	size_t len;
	size_t cap;
};

void ob_buf_init(struct ob_buf *b);
void ob_buf_add(struct ob_buf *b, const void *data, size_t n);
void ob_buf_addstr(struct ob_buf *b, const char *s);
void ob_buf_addch(struct ob_buf *b, char c);
void ob_buf_addf(struct ob_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ob_buf_vaddf(struct ob_buf *b, const char *fmt, va_list ap);
void ob_buf_reset(struct ob_buf *b); /* len = 0, keeps the memory */
void ob_buf_release(struct ob_buf *b);
/* Hands the string to the caller (never NULL) and re-initialises `b`. */
char *ob_buf_detach(struct ob_buf *b);

#endif
