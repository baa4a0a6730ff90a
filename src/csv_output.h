/*
 * csv_output.h - writes RFC 4180 CSV fields (the rejects file, the report).
 * Fields that need it (comma, quote, CR, LF) are quoted by libcsv's
 * csv_fwrite; others are written as they are.
 */
#ifndef OB_CSV_OUTPUT_H
#define OB_CSV_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

/* Writes one field (no separator); `s` may be NULL (an empty field). */
void csv_output_field(FILE *f, const char *s, size_t len);

#endif
