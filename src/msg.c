#include "msg.h"

#include <stdarg.h>
#include <stdio.h>

static void vmsg(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "atlas-offboard: %s: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void msg_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

void msg_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

void msg_note(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("note", fmt, ap);
	va_end(ap);
}

void msg_err(const struct ob_err *err)
{
	msg_error("%s", err && err->msg[0] ? err->msg : "unknown error");
}
