/*
 * jobstore.h - the durable job table: one SQLite file (SPEC section 4). The
 * only file that includes <sqlite3.h>.
 *
 * Guarantees:
 * - The file and its -wal/-shm companions are created with mode 0600 whatever
 *   the umask. WAL journal; a write transaction is all or nothing.
 * - Opening runs the embedded migrations (schema/) up to schema_version inside
 *   one transaction; a store with a newer user_version is refused
 *   (OB_ENEWER), a file that is not a job store is refused with a clear
 *   message, never a crash.
 * - Jobs are unique by (kind, group_id, target); inserting one again returns
 *   OB_EEXISTS and changes nothing.
 * - The audit head (last seq and hash of the audit log) is stored here and
 *   written in the same transaction as the changes the records describe.
 *
 * Not thread-safe: one connection, used by one thread. All functions return
 * OB_OK or a negative code and fill `err` (if non-NULL).
 */
#ifndef OB_JOBSTORE_H
#define OB_JOBSTORE_H

#include "job.h"
#include "oberr.h"

#include <stdint.h>

struct jobstore;

enum jobstore_open_flags {
	JOBSTORE_CREATE = 1 /* create the file if it does not exist */
};

int jobstore_open(struct jobstore **out, const char *path, int flags, struct ob_err *err);
/* Closes the store; an open transaction is rolled back. NULL-safe. */
void jobstore_free(struct jobstore *js);

int jobstore_begin(struct jobstore *js, struct ob_err *err);
/*
 * on: a rollback journal for one bulk transaction (a load); off: back to
 * WAL. Call outside a transaction. Best effort: returns an error, and
 * changes nothing, when another connection has the file open.
 */
int jobstore_bulk_mode(struct jobstore *js, int on);
int jobstore_commit(struct jobstore *js, struct ob_err *err);
void jobstore_rollback(struct jobstore *js); /* no-op without a transaction */

/* --- loading ------------------------------------------------------------ */

/* Records a load of `file` and returns its id (inside the caller's transaction). */
int jobstore_load_begin(struct jobstore *js, const char *file, int64_t *load_id,
			struct ob_err *err);
/* Completes the load's record once the file has been read. */
int jobstore_load_finish(struct jobstore *js, int64_t load_id, const char *sha256, long rows,
			 long duplicates, long rejected, struct ob_err *err);

/*
 * Inserts one pending job. Uses kind, group_id, user_id or database_name and
 * username, and ticket of `j`. Returns OB_OK, or OB_EEXISTS for a duplicate.
 */
int jobstore_insert_job(struct jobstore *js, int64_t load_id, long source_line, const struct job *j,
			struct ob_err *err);

/* --- the audit head ------------------------------------------------------ */

int jobstore_audit_head(struct jobstore *js, int64_t *seq, char hash[65], struct ob_err *err);
int jobstore_set_audit_head(struct jobstore *js, int64_t seq, const char *hash, struct ob_err *err);

/* --- counts -------------------------------------------------------------- */

struct job_counts {
	long by_state[JOB_STATE_COUNT];
	long by_kind_state[3][JOB_STATE_COUNT]; /* [JOB_PROJECT_USER or JOB_DB_USER][state] */
	long total;
};

int jobstore_counts(struct jobstore *js, struct job_counts *c, struct ob_err *err);

/* Calls fn for every (kind, group_id) with open (not terminal) jobs, with its count. */
int jobstore_open_by_group(struct jobstore *js,
			   int (*fn)(void *ctx, enum job_kind kind, const char *group_id, long n),
			   void *ctx, struct ob_err *err);

/* --- runs and the engine ------------------------------------------------- */

/* Makes the store ready for a run: the open-jobs index exists, and every job
 * left in_flight by a crash is pending again. Reports how many were reset. */
int jobstore_prepare_run(struct jobstore *js, long *reset_in_flight, struct ob_err *err);

int jobstore_run_begin(struct jobstore *js, const char *options_json, int64_t *run_id,
		       struct ob_err *err);
int jobstore_run_end(struct jobstore *js, int64_t run_id, int exit_code, struct ob_err *err);

/* Calls fn for every (group id, kind) that has open jobs: the engine's lanes. */
int jobstore_open_lanes(struct jobstore *js,
			int (*fn)(void *ctx, const char *group_id, enum job_kind kind), void *ctx,
			struct ob_err *err);

/*
 * Claims up to `max` open jobs of (group_id, kind) with id > after_id, in id
 * order: reads them into out[] (each initialised here; the caller releases
 * them with job_release; their state is as it was) and marks them in_flight
 * in the store, in one statement. *n is the number read (0 when the lane
 * has no more). Needs an open transaction.
 */
int jobstore_claim(struct jobstore *js, const char *group_id, enum job_kind kind, int64_t after_id,
		   int max, struct job *out, int *n, struct ob_err *err);

/* A job's new state after an attempt (or when sent: in_flight). */
struct job_update {
	int64_t job_id;
	enum job_state state;
	int attempts;
	int tries;
	long http_status;       /* 0 = none (no answer) */
	const char *error_code; /* NULL or "" = none */
	const char *detail;     /* NULL or "" = none */
	int64_t not_before_ms;
};

int jobstore_update_job(struct jobstore *js, const struct job_update *u, struct ob_err *err);

/* Changes only the state: a claimed job the run did not send goes back. */
int jobstore_set_state(struct jobstore *js, int64_t job_id, enum job_state state,
		       struct ob_err *err);

struct attempt_row {
	int64_t job_id;
	int64_t run_id;
	int attempt;
	const char *started_at; /* RFC 3339 */
	long ms;
	long http_status; /* 0 = none */
	const char *error_code;
	const char *outcome;
};

int jobstore_add_attempt(struct jobstore *js, const struct attempt_row *a, struct ob_err *err);

/* failed -> pending with the attempt budget reset; *n = how many. */
int jobstore_retry_failed(struct jobstore *js, long *n, struct ob_err *err);

/* --- reports -------------------------------------------------------------- */

/* One job as the report shows it. Strings are NULL when empty. */
struct job_row {
	int64_t id;
	enum job_kind kind;
	const char *group_id;
	const char *user_id;
	const char *database_name;
	const char *username;
	const char *ticket;
	enum job_state state;
	long http_status; /* 0 = none */
	const char *error_code;
	int attempts; /* every attempt made (tries) */
	const char *updated_at;
	const char *source_file;
	long source_line;
	const char *detail;
};

/* Calls fn for every job in id order; a non-zero return stops and is returned. */
int jobstore_foreach(struct jobstore *js, int (*fn)(void *ctx, const struct job_row *row),
		     void *ctx, struct ob_err *err);

#endif
