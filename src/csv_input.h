/*
 * csv_input.h - reads one job list (SPEC section 3) with libcsv, streaming:
 * memory does not grow with the file. The only file that includes <csv.h>.
 *
 * Input: UTF-8 (a leading BOM is skipped), LF or CRLF, RFC 4180 quoting, a
 * header row. Header names are matched case-insensitively after trimming
 * spaces and tabs, with the aliases of SPEC section 3; other columns are
 * reported once in csv_summary.ignored (the caller warns). The kind follows
 * from the header: database_name present -> db_user, else user_id present ->
 * project_user, else the file is refused.
 *
 * Each record is validated (ids 24 hex digits, stored lowercase; database_name
 * admin or $external; username 1-1024 bytes of UTF-8 without control
 * characters; ticket at most 256 bytes, valid UTF-8, no control characters).
 * Blank lines are skipped. A good record goes to on_row, a bad one to
 * on_reject with the physical line where the record starts (1-based, counting
 * newlines inside quoted fields), the column at fault (its header name as
 * written in the file, or "row" for a field-count mismatch) and a message.
 * Only the first problem of a record is reported.
 *
 * Errors that stop reading (the file cannot be opened or read, it is empty,
 * the header lacks a required column or repeats one, the CSV quoting is
 * malformed) return OB_EINVALID or OB_ERROR with err->msg in the form
 * "FILE:LINE: COLUMN: message" (or "could not open 'FILE': reason").
 *
 * Pointers in the structs handed to callbacks are valid only during the call.
 * A callback returning non-zero stops reading; csv_input_read then returns
 * that value.
 */
#ifndef OB_CSV_INPUT_H
#define OB_CSV_INPUT_H

#include "job.h"
#include "oberr.h"

#include <stddef.h>

struct csv_row {
	enum job_kind kind;
	const char *group_id;	   /* 24 lowercase hex digits */
	const char *user_id;	   /* project_user: 24 lowercase hex digits */
	const char *database_name; /* db_user: "admin" or "$external" */
	const char *username;	   /* db_user */
	const char *ticket;	   /* NULL when the column is absent or the cell empty */
	long line;
};

struct csv_reject {
	long line;
	const char *column;
	const char *message;	   /* e.g. "must be 24 hexadecimal digits, got 23" */
	const char *const *fields; /* the record's raw fields, as parsed */
	size_t nfields;
};

struct csv_input_cb {
	/* The raw header fields (for writing a rejects file). May be NULL. */
	int (*on_header)(void *ctx, const char *const *names, size_t n);
	int (*on_row)(void *ctx, const struct csv_row *row);
	int (*on_reject)(void *ctx, const struct csv_reject *rej);
	void *ctx;
};

struct csv_summary {
	enum job_kind kind;
	long rows;	   /* good records */
	long rejected;	   /* bad records */
	char sha256[65];   /* hex SHA-256 of the file's bytes */
	char *ignored;	   /* "'a', 'b'" ignored header columns, NULL if none */
};

/* Reads `path` to the end. Fills `out` (release with csv_summary_release). */
int csv_input_read(const char *path, const struct csv_input_cb *cb, struct csv_summary *out,
		   struct ob_err *err);

void csv_summary_release(struct csv_summary *s);

#endif
