/*
 * audit.h - the append-only, hash-chained audit log (SPEC section 9).
 *
 * File: PATH.audit.jsonl beside the job store PATH, mode 0600. One JSON
 * object per line: seq (1, 2, ...), ts, event, run, the event's fields, and
 * last `prev`, the SHA-256 (hex) of the previous line's bytes without its
 * newline (64 zeros for the first line).
 *
 * Writing: records are appended to an in-memory buffer by audit_append() and
 * written, then fsync'ed, by audit_flush(). Callers flush before they commit
 * the job-store transaction that the records describe and store
 * audit_seq()/audit_hash() as the head in that same transaction; so the log
 * is never behind the store. audit_discard() forgets records that were not
 * flushed (their transaction was rolled back).
 *
 * One writer at a time: audit_open() takes an exclusive flock on the log,
 * held until audit_free(). A torn last line (bytes after the final newline,
 * left by a crash in the middle of a write) is set aside on open: moved to
 * PATH.audit.jsonl.torn-<unix seconds> and cut from the log, and described by
 * audit_torn() so the caller records it in its next record (never hidden).
 */
#ifndef OB_AUDIT_H
#define OB_AUDIT_H

#include "oberr.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define AUDIT_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct audit;

struct audit_torn {
	size_t bytes; /* 0: nothing was torn */
	char saved_to[4096];
	char sha256[65]; /* of the torn bytes */
};

/* The log's path for a job store path: malloc'd "PATH.audit.jsonl". */
char *audit_path_for(const char *db_path);

int audit_open(struct audit **out, const char *db_path, struct ob_err *err);
void audit_free(struct audit *a); /* NULL-safe; unflushed records are dropped */

const char *audit_file(const struct audit *a);
int64_t audit_seq(const struct audit *a);      /* seq of the last record appended */
const char *audit_hash(const struct audit *a); /* SHA-256 of that record's line */
const struct audit_torn *audit_torn(const struct audit *a);

/*
 * Appends {seq, ts, event, run, <fields...>, prev}. run <= 0 is written as
 * null. Takes ownership of `fields` (a cJSON object or NULL).
 */
int audit_append(struct audit *a, const char *event, int64_t run, cJSON *fields,
		 struct ob_err *err);

/*
 * Adds an integer member to a record's fields, printed exactly (cJSON's own
 * number printing goes through %1.15g and a sscanf check, the costliest part
 * of an audit line).
 */
void audit_add_int(cJSON *o, const char *key, long long v);

/* Writes the buffered records and fsyncs the file. */
int audit_flush(struct audit *a, struct ob_err *err);

/* Drops the records appended since the last flush. */
void audit_discard(struct audit *a);

/* --- verification --------------------------------------------------------- */

struct audit_verify_result {
	int ok;           /* 1 when the chain and the head check out */
	long records;     /* complete records read */
	long bad_line;    /* first bad line (1-based), 0 when ok or not line-specific */
	char why[512];    /* what is wrong, when !ok */
	long beyond_head; /* records after the job store's head (crash before commit) */
	long set_aside;   /* records that note a torn line set aside */
	long first_set_aside_line;
};

/*
 * Checks the log at `path` against the head (seq, hash) kept by the job
 * store. Fills `r`; returns OB_OK when the file could be read (whatever the
 * verdict), an error when it could not.
 */
int audit_verify(const char *path, int64_t head_seq, const char *head_hash,
		 struct audit_verify_result *r, struct ob_err *err);

#endif
