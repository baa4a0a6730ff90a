#include "csv_output.h"

#include <csv.h>
#include <string.h>

void csv_output_field(FILE *f, const char *s, size_t len)
{
	if (!s || !len)
		return;
	if (memchr(s, ',', len) || memchr(s, '"', len) || memchr(s, '\n', len) ||
	    memchr(s, '\r', len))
		csv_fwrite(f, s, len);
	else
		fwrite(s, 1, len, f);
}

