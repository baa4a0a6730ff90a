#include "jobstore.h"
#include "clock.h"
#include "mem.h"
#include "schema.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Marks our files ('OBDJ'), so that another program's SQLite file is refused. */
#define OB_APPLICATION_ID 0x4f42444a

enum stmt_id {
	ST_INSERT_JOB,
	ST_UPDATE_JOB,
	ST_ADD_ATTEMPT,
	ST_CLAIM,
	ST_SET_HEAD,
	ST_MARK_CLAIMED,
	ST_SET_STATE,
	ST_LOAD_BEGIN,
	ST_LOAD_FINISH,
	ST_RUN_BEGIN,
	ST_RUN_END,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	/* updated_at stays NULL until the job changes: the load's time stands in */
	[ST_INSERT_JOB] = "INSERT INTO jobs (kind, group_id, target, ticket, load_id, source_line)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
	[ST_UPDATE_JOB] = "UPDATE jobs SET state = ?2, attempts = ?3, tries = ?4, http_status = ?5,"
			  " error_code = ?6, detail = ?7, not_before = ?8, updated_at = ?9"
			  " WHERE id = ?1",
	[ST_ADD_ATTEMPT] =
		"INSERT INTO attempts (job_id, run_id, attempt, started_at, ms,"
		" http_status, error_code, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_CLAIM] =
		"SELECT id, kind, target, ticket, state, attempts, tries, not_before FROM jobs"
		" WHERE group_id = ?1 AND kind = ?4 AND state < 3 AND id > ?2 ORDER BY id LIMIT ?3",
	[ST_SET_HEAD] = "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1",
	[ST_SET_STATE] = "UPDATE jobs SET state = ?2 WHERE id = ?1",
	[ST_LOAD_BEGIN] = "INSERT INTO loads (file, sha256, loaded_at) VALUES (?1, '', ?2)",
	[ST_LOAD_FINISH] = "UPDATE loads SET rows = ?2, duplicates = ?3, rejected = ?4, sha256 = ?5"
			   " WHERE id = ?1",
	[ST_RUN_BEGIN] = "INSERT INTO runs (started_at, options) VALUES (?1, ?2)",
	[ST_RUN_END] = "UPDATE runs SET ended_at = ?2, exit_code = ?3 WHERE id = ?1",
	[ST_MARK_CLAIMED] =
		"UPDATE jobs SET state = 1 WHERE group_id = ?1 AND kind = ?2 AND state < 3"
		" AND id > ?3 AND id <= ?4",
};

struct jobstore {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *stmt[ST_COUNT];
	char load_time[32];
	int in_txn;
};

static int db_fail(struct jobstore *js, struct ob_err *err, const char *what)
{
	return ob_err_set(err, OB_ERROR, "job store '%s': %s: %s", js->path, what,
			  sqlite3_errmsg(js->db));
}

static int exec_sql(struct jobstore *js, const char *sql, struct ob_err *err)
{
	char *emsg = NULL;
	if (sqlite3_exec(js->db, sql, NULL, NULL, &emsg) != SQLITE_OK) {
		ob_err_set(err, OB_ERROR, "job store '%s': %s", js->path,
			   emsg ? emsg : sqlite3_errmsg(js->db));
		sqlite3_free(emsg);
		return OB_ERROR;
	}
	return OB_OK;
}

static int query_int(struct jobstore *js, const char *sql, long long *out, struct ob_err *err)
{
	sqlite3_stmt *st = NULL;
	int ret = OB_OK;
	if (sqlite3_prepare_v2(js->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		ret = db_fail(js, err, "could not read it");
		goto done;
	}
	*out = sqlite3_column_int64(st, 0);
done:
	sqlite3_finalize(st);
	return ret;
}

/*
 * SQLite gives the -wal and -shm files the mode of the database file, so
 * creating the database ourselves with 0600 (not SQLite's 0644 & ~umask)
 * makes all three private.
 */
static int create_private(const char *path, int flags, struct ob_err *err)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | ((flags & JOBSTORE_CREATE) ? O_CREAT : 0), 0600);
	if (fd < 0) {
		if (errno == ENOENT && !(flags & JOBSTORE_CREATE))
			return ob_err_set(err, OB_ENOTFOUND,
					  "no job store at '%s' (load a CSV file first)", path);
		return ob_err_set(err, OB_ERROR, "could not open job store '%s': %s", path,
				  strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) && fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		return ob_err_set(err, OB_ERROR, "could not make job store '%s' private: %s", path,
				  strerror(e));
	}
	close(fd);
	return OB_OK;
}

static int migrate(struct jobstore *js, struct ob_err *err)
{
	long long version = 0, appid = 0, tables = 0;
	int ret;

	if ((ret = query_int(js, "PRAGMA user_version", &version, err)) < 0 ||
	    (ret = query_int(js, "PRAGMA application_id", &appid, err)) < 0 ||
	    (ret = query_int(js, "SELECT count(*) FROM sqlite_master", &tables, err)) < 0)
		return ret;
	if (appid != OB_APPLICATION_ID && (appid != 0 || tables != 0 || version != 0))
		return ob_err_set(err, OB_EINVALID,
				  "'%s' is a SQLite file but not an atlas-offboard job store",
				  js->path);
	if (version > schema_version)
		return ob_err_set(err, OB_ENEWER,
				  "job store '%s' has schema version %lld, newer than this "
				  "atlas-offboard (%d): use a newer release",
				  js->path, version, schema_version);
	if (version == schema_version)
		return OB_OK;

	if ((ret = exec_sql(js, "BEGIN IMMEDIATE", err)) < 0)
		return ret;
	for (long long v = version; v < schema_version; v++) {
		char pragma[64];
		if ((ret = exec_sql(js, schema_migrations[v], err)) < 0)
			goto fail;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %lld", v + 1);
		if ((ret = exec_sql(js, pragma, err)) < 0)
			goto fail;
	}
	if ((ret = exec_sql(js, "PRAGMA application_id = 1329742922", err)) < 0)
		goto fail;
	return exec_sql(js, "COMMIT", err);
fail:
	exec_sql(js, "ROLLBACK", NULL);
	return ret;
}

int jobstore_open(struct jobstore **out, const char *path, int flags, struct ob_err *err)
{
	struct jobstore *js = NULL;
	int ret;

	*out = NULL;
	if ((ret = create_private(path, flags, err)) < 0)
		return ret;
	js = xcalloc(1, sizeof(*js));
	js->path = xstrdup(path);
	if (sqlite3_open_v2(path, &js->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		ret = db_fail(js, err, "could not open it");
		goto fail;
	}
	sqlite3_busy_timeout(js->db, 10000);
	sqlite3_extended_result_codes(js->db, 1);
	/* The first statement reads the header: a text or truncated file fails here. */
	/* Foreign keys are declared in schema/ but not enforced: this file is the
	 * only writer, and the check cost a lookup per loaded row. */
	if ((ret = exec_sql(js,
			    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
			    " PRAGMA cache_size = -8192",
			    err)) < 0) {
		ret = ob_err_set(err, OB_EINVALID,
				 "'%s' is not a usable atlas-offboard job store: %s", path,
				 sqlite3_errmsg(js->db));
		goto fail;
	}
	if ((ret = migrate(js, err)) < 0)
		goto fail;
	for (int i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(js->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
				       &js->stmt[i], NULL) != SQLITE_OK) {
			ret = db_fail(js, err, "could not prepare a statement");
			goto fail;
		}
	*out = js;
	return OB_OK;
fail:
	jobstore_free(js);
	return ret;
}

void jobstore_free(struct jobstore *js)
{
	if (!js)
		return;
	if (js->in_txn)
		jobstore_rollback(js);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(js->stmt[i]);
	sqlite3_close(js->db);
	free(js->path);
	free(js);
}

int jobstore_bulk_mode(struct jobstore *js, int on)
{
	/* A bulk load writes most pages of the file: through the WAL it would
	 * write each twice. A rollback journal keeps only the old contents of
	 * the pages it changes. The switch needs the file to ourselves; if a
	 * reader has it open, the load goes through the WAL as usual. */
	/* A bigger cache holds the leaf of every project's slice of the unique
	 * index that random inserts keep touching (16 MiB: ~4000 pages). */
	return exec_sql(js,
			on ? "PRAGMA journal_mode = DELETE; PRAGMA cache_size = -16384"
			   : "PRAGMA journal_mode = WAL; PRAGMA cache_size = -8192",
			NULL);
}

int jobstore_begin(struct jobstore *js, struct ob_err *err)
{
	int ret = exec_sql(js, "BEGIN IMMEDIATE", err);
	if (ret == OB_OK)
		js->in_txn = 1;
	return ret;
}

int jobstore_commit(struct jobstore *js, struct ob_err *err)
{
	int ret = exec_sql(js, "COMMIT", err);
	if (ret == OB_OK)
		js->in_txn = 0;
	return ret;
}

void jobstore_rollback(struct jobstore *js)
{
	if (js->in_txn) {
		exec_sql(js, "ROLLBACK", NULL);
		js->in_txn = 0;
	}
}

/* Runs a prepared statement to completion and resets it. */
static int step_done(struct jobstore *js, sqlite3_stmt *st, struct ob_err *err, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return db_fail(js, err, what);
	return OB_OK;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s && *s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int jobstore_load_begin(struct jobstore *js, const char *file, int64_t *load_id, struct ob_err *err)
{
	sqlite3_stmt *st = js->stmt[ST_LOAD_BEGIN];
	int ret;

	clock_rfc3339(js->load_time);
	sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, js->load_time, -1, SQLITE_STATIC);
	if ((ret = step_done(js, st, err, "could not record the load")) == OB_OK)
		*load_id = sqlite3_last_insert_rowid(js->db);
	return ret;
}

int jobstore_load_finish(struct jobstore *js, int64_t load_id, const char *sha256, long rows,
			 long duplicates, long rejected, struct ob_err *err)
{
	sqlite3_stmt *st = js->stmt[ST_LOAD_FINISH];
	sqlite3_bind_int64(st, 1, load_id);
	sqlite3_bind_int64(st, 2, rows);
	sqlite3_bind_int64(st, 3, duplicates);
	sqlite3_bind_int64(st, 4, rejected);
	sqlite3_bind_text(st, 5, sha256, -1, SQLITE_STATIC);
	return step_done(js, st, err, "could not record the load");
}

int jobstore_insert_job(struct jobstore *js, int64_t load_id, long source_line, const struct job *j,
			struct ob_err *err)
{
	sqlite3_stmt *st = js->stmt[ST_INSERT_JOB];
	char target[JOB_USERNAME_MAX + 32];
	int ret;

	if (j->kind == JOB_DB_USER) {
		/* database_name never contains ':', so the split is unambiguous. */
		size_t dl = strlen(j->database_name), ul = strlen(j->username);
		memcpy(target, j->database_name, dl);
		target[dl] = ':';
		memcpy(target + dl + 1, j->username, ul);
		sqlite3_bind_text(st, 3, target, (int)(dl + 1 + ul), SQLITE_STATIC);
	} else {
		sqlite3_bind_text(st, 3, j->user_id, JOB_ID_HEX_LEN, SQLITE_STATIC);
	}
	sqlite3_bind_int(st, 1, (int)j->kind);
	sqlite3_bind_text(st, 2, j->group_id, JOB_ID_HEX_LEN, SQLITE_STATIC);
	bind_text_or_null(st, 4, j->ticket);
	sqlite3_bind_int64(st, 5, load_id);
	sqlite3_bind_int64(st, 6, source_line);
	if ((ret = step_done(js, st, err, "could not insert a job")) < 0)
		return ret;
	return sqlite3_changes(js->db) == 0 ? OB_EEXISTS : OB_OK;
}

int jobstore_audit_head(struct jobstore *js, int64_t *seq, char hash[65], struct ob_err *err)
{
	sqlite3_stmt *st = NULL;
	int ret = OB_OK;
	if (sqlite3_prepare_v2(js->db, "SELECT seq, hash FROM audit_head WHERE id = 1", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		ret = db_fail(js, err, "could not read the audit head");
		goto done;
	}
	*seq = sqlite3_column_int64(st, 0);
	snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(st, 1));
done:
	sqlite3_finalize(st);
	return ret;
}

int jobstore_set_audit_head(struct jobstore *js, int64_t seq, const char *hash, struct ob_err *err)
{
	sqlite3_stmt *st = js->stmt[ST_SET_HEAD];
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	return step_done(js, st, err, "could not write the audit head");
}

int jobstore_counts(struct jobstore *js, struct job_counts *c, struct ob_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = OB_OK;

	memset(c, 0, sizeof(*c));
	if (sqlite3_prepare_v2(js->db,
			       "SELECT kind, state, count(*) FROM jobs GROUP BY kind, state", -1,
			       &st, NULL) != SQLITE_OK) {
		ret = db_fail(js, err, "could not count jobs");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int kind = sqlite3_column_int(st, 0), state = sqlite3_column_int(st, 1);
		long n = (long)sqlite3_column_int64(st, 2);
		if (kind < 1 || kind > 2 || state < 0 || state >= JOB_STATE_COUNT)
			continue;
		c->by_kind_state[kind][state] += n;
		c->by_state[state] += n;
		c->total += n;
	}
	if (rc != SQLITE_DONE)
		ret = db_fail(js, err, "could not count jobs");
done:
	sqlite3_finalize(st);
	return ret;
}

int jobstore_open_by_group(struct jobstore *js,
			   int (*fn)(void *ctx, enum job_kind kind, const char *group_id, long n),
			   void *ctx, struct ob_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = OB_OK;
	if (sqlite3_prepare_v2(js->db,
			       "SELECT kind, group_id, count(*) FROM jobs WHERE state < 3"
			       " GROUP BY kind, group_id ORDER BY kind, group_id",
			       -1, &st, NULL) != SQLITE_OK) {
		ret = db_fail(js, err, "could not count jobs");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ret = fn(ctx, (enum job_kind)sqlite3_column_int(st, 0),
			 (const char *)sqlite3_column_text(st, 1),
			 (long)sqlite3_column_int64(st, 2));
		if (ret)
			goto done;
	}
	if (rc != SQLITE_DONE)
		ret = db_fail(js, err, "could not count jobs");
done:
	sqlite3_finalize(st);
	return ret;
}

int jobstore_prepare_run(struct jobstore *js, long *reset_in_flight, struct ob_err *err)
{
	int ret;
	/* Built here rather than in schema/ so that bulk loads maintain one index only. */
	if ((ret = exec_sql(js,
			    "CREATE INDEX IF NOT EXISTS jobs_open ON jobs (group_id, kind, id)"
			    " WHERE state < 3",
			    err)) < 0)
		return ret;
	if ((ret = exec_sql(js, "UPDATE jobs SET state = 0 WHERE state = 1", err)) < 0)
		return ret;
	*reset_in_flight = sqlite3_changes(js->db);
	return OB_OK;
}

int jobstore_run_begin(struct jobstore *js, const char *options_json, int64_t *run_id,
		       struct ob_err *err)
{
	sqlite3_stmt *st = js->stmt[ST_RUN_BEGIN];
	char now[32];
	int ret;

	clock_rfc3339(now);
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, options_json, -1, SQLITE_STATIC);
	if ((ret = step_done(js, st, err, "could not record the run")) == OB_OK)
		*run_id = sqlite3_last_insert_rowid(js->db);
	return ret;
}

int jobstore_run_end(struct jobstore *js, int64_t run_id, int exit_code, struct ob_err *err)
{
	sqlite3_stmt *st = js->stmt[ST_RUN_END];
	char now[32];

	clock_rfc3339(now);
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, exit_code);
	return step_done(js, st, err, "could not record the run");
}

int jobstore_open_lanes(struct jobstore *js,
			int (*fn)(void *ctx, const char *group_id, enum job_kind kind), void *ctx,
			struct ob_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = OB_OK;
	if (sqlite3_prepare_v2(js->db,
			       "SELECT DISTINCT group_id, kind FROM jobs WHERE state < 3 ORDER BY "
			       "group_id, kind",
			       -1, &st, NULL) != SQLITE_OK) {
		ret = db_fail(js, err, "could not list projects");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((ret = fn(ctx, (const char *)sqlite3_column_text(st, 0),
			      (enum job_kind)sqlite3_column_int(st, 1))) != 0)
			goto done;
	if (rc != SQLITE_DONE)
		ret = db_fail(js, err, "could not list projects");
done:
	sqlite3_finalize(st);
	return ret;
}

/* Splits a stored target back into the job's fields. */
static void job_set_target(struct job *j, const char *target)
{
	if (j->kind == JOB_DB_USER) {
		const char *colon = strchr(target, ':');
		size_t dblen = colon ? (size_t)(colon - target) : strlen(target);
		j->database_name = xstrndup(target, dblen);
		j->username = xstrdup(colon ? colon + 1 : "");
	} else {
		snprintf(j->user_id, sizeof(j->user_id), "%s", target);
	}
}

int jobstore_claim(struct jobstore *js, const char *group_id, enum job_kind kind, int64_t after_id,
		   int max, struct job *out, int *n, struct ob_err *err)
{
	sqlite3_stmt *st = js->stmt[ST_CLAIM];
	int rc, ret = OB_OK;

	*n = 0;
	sqlite3_bind_text(st, 1, group_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after_id);
	sqlite3_bind_int(st, 3, max);
	sqlite3_bind_int(st, 4, (int)kind);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct job *j = &out[(*n)++];
		const char *ticket = (const char *)sqlite3_column_text(st, 3);
		job_init(j);
		j->id = sqlite3_column_int64(st, 0);
		j->kind = (enum job_kind)sqlite3_column_int(st, 1);
		snprintf(j->group_id, sizeof(j->group_id), "%s", group_id);
		job_set_target(j, (const char *)sqlite3_column_text(st, 2));
		j->ticket = ticket ? xstrdup(ticket) : NULL;
		j->state = (enum job_state)sqlite3_column_int(st, 4);
		j->attempts = sqlite3_column_int(st, 5);
		j->tries = sqlite3_column_int(st, 6);
		j->not_before_ms = sqlite3_column_int64(st, 7);
	}
	if (*n < max && rc != SQLITE_DONE)
		ret = db_fail(js, err, "could not read jobs");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (ret == OB_OK && *n > 0) {
		/* one statement for the batch: these jobs are the run's now */
		st = js->stmt[ST_MARK_CLAIMED];
		sqlite3_bind_text(st, 1, group_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, (int)kind);
		sqlite3_bind_int64(st, 3, after_id);
		sqlite3_bind_int64(st, 4, out[*n - 1].id);
		ret = step_done(js, st, err, "could not claim jobs");
	}
	return ret;
}

int jobstore_update_job(struct jobstore *js, const struct job_update *u, struct ob_err *err)
{
	sqlite3_stmt *st = js->stmt[ST_UPDATE_JOB];
	char now[32];

	clock_rfc3339(now);
	sqlite3_bind_int64(st, 1, u->job_id);
	sqlite3_bind_int(st, 2, (int)u->state);
	sqlite3_bind_int(st, 3, u->attempts);
	sqlite3_bind_int(st, 4, u->tries);
	if (u->http_status)
		sqlite3_bind_int(st, 5, (int)u->http_status);
	else
		sqlite3_bind_null(st, 5);
	bind_text_or_null(st, 6, u->error_code);
	bind_text_or_null(st, 7, u->detail);
	sqlite3_bind_int64(st, 8, u->not_before_ms);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_TRANSIENT);
	return step_done(js, st, err, "could not update a job");
}

int jobstore_set_state(struct jobstore *js, int64_t job_id, enum job_state state,
		       struct ob_err *err)
{
	sqlite3_stmt *st = js->stmt[ST_SET_STATE];
	sqlite3_bind_int64(st, 1, job_id);
	sqlite3_bind_int(st, 2, (int)state);
	return step_done(js, st, err, "could not update a job");
}

int jobstore_add_attempt(struct jobstore *js, const struct attempt_row *a, struct ob_err *err)
{
	sqlite3_stmt *st = js->stmt[ST_ADD_ATTEMPT];
	sqlite3_bind_int64(st, 1, a->job_id);
	sqlite3_bind_int64(st, 2, a->run_id);
	sqlite3_bind_int(st, 3, a->attempt);
	sqlite3_bind_text(st, 4, a->started_at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, a->ms);
	if (a->http_status)
		sqlite3_bind_int(st, 6, (int)a->http_status);
	else
		sqlite3_bind_null(st, 6);
	bind_text_or_null(st, 7, a->error_code);
	sqlite3_bind_text(st, 8, a->outcome, -1, SQLITE_STATIC);
	return step_done(js, st, err, "could not record an attempt");
}

int jobstore_retry_failed(struct jobstore *js, long *n, struct ob_err *err)
{
	char now[32];
	char *sql;
	int ret;

	clock_rfc3339(now);
	sql = sqlite3_mprintf("UPDATE jobs SET state = 0, attempts = 0, not_before = 0,"
			      " updated_at = %Q WHERE state = 5",
			      now);
	ret = exec_sql(js, sql, err);
	sqlite3_free(sql);
	if (ret == OB_OK)
		*n = sqlite3_changes(js->db);
	return ret;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int jobstore_foreach(struct jobstore *js, int (*fn)(void *ctx, const struct job_row *row),
		     void *ctx, struct ob_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = OB_OK;
	char *dbname = NULL;

	if (sqlite3_prepare_v2(
		    js->db,
		    "SELECT j.id, j.kind, j.group_id, j.target, j.ticket, j.state,"
		    " j.http_status, j.error_code, j.tries, coalesce(j.updated_at, l.loaded_at), "
		    "l.file,"
		    " j.source_line, j.detail FROM jobs j JOIN loads l ON l.id = j.load_id"
		    " ORDER BY j.id",
		    -1, &st, NULL) != SQLITE_OK) {
		ret = db_fail(js, err, "could not read jobs");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct job_row r = { 0 };
		const char *target = col_text(st, 3);
		r.id = sqlite3_column_int64(st, 0);
		r.kind = (enum job_kind)sqlite3_column_int(st, 1);
		r.group_id = col_text(st, 2);
		if (r.kind == JOB_DB_USER) {
			const char *colon = strchr(target, ':');
			free(dbname);
			dbname =
				xstrndup(target, colon ? (size_t)(colon - target) : strlen(target));
			r.database_name = dbname;
			r.username = colon ? colon + 1 : "";
		} else {
			r.user_id = target;
		}
		r.ticket = col_text(st, 4);
		r.state = (enum job_state)sqlite3_column_int(st, 5);
		r.http_status = (long)sqlite3_column_int64(st, 6);
		r.error_code = col_text(st, 7);
		r.attempts = sqlite3_column_int(st, 8);
		r.updated_at = col_text(st, 9);
		r.source_file = col_text(st, 10);
		r.source_line = (long)sqlite3_column_int64(st, 11);
		r.detail = col_text(st, 12);
		if ((ret = fn(ctx, &r)) != 0)
			goto done;
	}
	if (rc != SQLITE_DONE)
		ret = db_fail(js, err, "could not read jobs");
done:
	free(dbname);
	sqlite3_finalize(st);
	return ret;
}
