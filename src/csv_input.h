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
 * characters; ticket at most 256 bytes of valid UTF-8, no control characters but tab, LF
 * and CR).
 * Blank lines are skipped. A good record goes to on_row, a bad one to
 * on_reject with the physical line where the record starts (1-based, counting
 * newlines inside quoted fields), the column at fault (its header name as
 * written in the file, or "row" for a field-count mismatch) and a message.
 * Only the first problem of a record is reported.
 *
 * Line numbers: a line ends at LF, CRLF (one break) or a lone CR; blank
 * lines (nothing between two breaks) are skipped but counted. A record spanning
 * lines (newlines inside quotes) reports the line it starts on.
 *
 * Checks run in the order group_id, user_id / database_name, username, ticket;
 * the first failure is reported. A record with more fields than the header is
 * rejected first (column "row"). Messages (csv_reject.message):
 *   "has N fields, the header has M"                  (column "row")
 *   "is missing"       the record ends before this required column
 *   "is empty"         a required cell is empty (an empty ticket is NULL)
 *   "must be 24 hexadecimal digits, got N characters" (N = bytes)
 *   "must be 24 hexadecimal digits, got 'X' at position P"
 *                      X the byte if printable ASCII, else \xhh; P 1-based
 *   "must be 'admin' or '$external'"    exact, case-sensitive, not trimmed
 *   "is longer than 1024 bytes (N)"     username; 256 for the ticket
 *   "is not valid UTF-8 (byte P)"       overlongs, surrogates, > U+10FFFF
 *   "contains a control character (byte P)"  U+0000-U+001F, U+007F-U+009F
 * (P is the 1-based byte offset of the offending sequence.)
 *
 * Errors that stop reading return OB_EINVALID (the file's content) or
 * OB_ERROR (I/O) with err->msg exactly one of:
 *   "could not open 'FILE': <strerror>"                      (OB_ERROR)
 *   "could not read 'FILE': <strerror>"                      (OB_ERROR)
 *   "FILE: empty file: expected a header row"   0 bytes, a BOM or blank lines
 *   "FILE:L: NAME: duplicate column (same as 'FIRST')"  names as written
 *   "FILE:L: header: no user_id or database_name column (project users need
 *    group_id,user_id; database users need group_id,database_name,username)"
 *   "FILE:L: group_id: missing required column"  (canonical name)
 *   "FILE:L: (csv): malformed CSV: unexpected '\"' in an unquoted field"
 *   "FILE:L: (csv): malformed CSV: unexpected character after a closing quote"
 *   "FILE:L: (csv): malformed CSV: unterminated quoted field"
 * L is the header's line for header errors (1 unless blank lines precede it),
 * the line of the offending byte for a stray quote, and the line where the
 * record starts for an unterminated quote. Header columns that feed no row
 * (unknown names, user_id in a database-user file, username in a project-user
 * file) are listed in csv_summary.ignored.
 *
 * Pointers in the structs handed to callbacks are valid only during the call.
 * A callback returning non-zero stops reading; csv_input_read then returns
 * that value (err is left clear). The summary counts what was read so far;
 * sha256 is filled only when the whole file was read (0 returned), else "".
 */
#ifndef OB_CSV_INPUT_H
#define OB_CSV_INPUT_H

#include "job.h"
#include "oberr.h"

#include <stddef.h>

struct csv_row {
	enum job_kind kind;
	const char *group_id;      /* 24 lowercase hex digits */
	const char *user_id;       /* project_user: 24 lowercase hex digits */
	const char *database_name; /* db_user: "admin" or "$external" */
	const char *username;      /* db_user */
	const char *ticket;        /* NULL when the column is absent or the cell empty */
	long line;
};

struct csv_reject {
	long line;
	const char *column;
	const char *message;       /* e.g. "must be 24 hexadecimal digits, got 23 characters" */
	const char *const *fields; /* the record's raw fields, as parsed, NUL-terminated */
	size_t nfields;
	const size_t *lens; /* byte length of each field (a field may hold NULs) */
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
	long rows;       /* good records */
	long rejected;   /* bad records */
	char sha256[65]; /* hex SHA-256 of the file's bytes */
	char *ignored;   /* "'a', 'b'" ignored header columns, NULL if none */
};

/* Reads `path` to the end. Fills `out` (release with csv_summary_release). */
int csv_input_read(const char *path, const struct csv_input_cb *cb, struct csv_summary *out,
		   struct ob_err *err);

void csv_summary_release(struct csv_summary *s);

#endif
