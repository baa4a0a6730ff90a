/*
 * The job store: private file modes, migrations from an older schema, a newer
 * store refused, files that are not job stores refused cleanly, duplicates.
 */
#include "audit.h"
#include "jobstore.h"
#include "mem.h"
#include "schema.h"
#include "tap.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static char *path_in(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static int mode_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	return (int)(st.st_mode & 0777);
}

static void insert_one(struct jobstore *js, const char *user, int want)
{
	struct ob_err err = { 0 };
	struct job j;
	int64_t load_id = 0;
	job_init(&j);
	j.kind = JOB_PROJECT_USER;
	snprintf(j.group_id, sizeof(j.group_id), "64b7e1c2a9f3d40012ab34cd");
	snprintf(j.user_id, sizeof(j.user_id), "%s", user);
	CHECK_INT(jobstore_begin(js, &err), 0);
	CHECK_INT(jobstore_load_begin(js, "x.csv", &load_id, &err), 0);
	CHECK_INT(jobstore_insert_job(js, load_id, 2, &j, &err), want);
	CHECK_INT(jobstore_commit(js, &err), 0);
}

static void test_modes(void)
{
	char *db = path_in("modes.db"), *wal = xasprintf("%s-wal", db),
	     *shm = xasprintf("%s-shm", db);
	struct jobstore *js = NULL;
	struct audit *a = NULL;
	struct ob_err err = { 0 };

	umask(022);
	CHECK_INT(jobstore_open(&js, db, JOBSTORE_CREATE, &err), 0);
	insert_one(js, "5e8f1a2b3c4d5e6f7a8b9c01", OB_OK);
	/* while the store is open, its WAL and shared-memory files exist */
	CHECK_INT(mode_of(db), 0600);
	CHECK_INT(mode_of(wal), 0600);
	CHECK_INT(mode_of(shm), 0600);
	CHECK_INT(audit_open(&a, db, &err), 0);
	char *log = audit_path_for(db);
	CHECK_INT(mode_of(log), 0600);
	/* a second writer is refused while the first holds the log */
	struct audit *b = NULL;
	CHECK_INT(audit_open(&b, db, &err), OB_ELOCKED);
	CHECK(strstr(err.msg, "another atlas-offboard is working on") != NULL);
	audit_free(a);
	jobstore_free(js);
	free(log);
	free(db);
	free(wal);
	free(shm);
}

static void test_duplicates(void)
{
	char *db = path_in("dups.db");
	struct jobstore *js = NULL;
	struct ob_err err = { 0 };
	struct job_counts c;
	CHECK_INT(jobstore_open(&js, db, JOBSTORE_CREATE, &err), 0);
	insert_one(js, "5e8f1a2b3c4d5e6f7a8b9c01", OB_OK);
	insert_one(js, "5e8f1a2b3c4d5e6f7a8b9c01", OB_EEXISTS);
	insert_one(js, "5e8f1a2b3c4d5e6f7a8b9c02", OB_OK);
	CHECK_INT(jobstore_counts(js, &c, &err), 0);
	CHECK_INT(c.total, 2);
	CHECK_INT(c.by_kind_state[JOB_PROJECT_USER][JOB_PENDING], 2);
	jobstore_free(js);
	free(db);
}

static int user_version(const char *db)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int v = -1;
	if (sqlite3_open(db, &h) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* A store as version 1 of this tool left it: schema/001 only. */
static void make_v1_fixture(const char *db)
{
	sqlite3 *h = NULL;
	CHECK_INT(sqlite3_open(db, &h), SQLITE_OK);
	CHECK_INT(sqlite3_exec(h, schema_migrations[0], NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_exec(
			  h,
			  "PRAGMA user_version = 1; PRAGMA application_id = 1329742922;"
			  "INSERT INTO loads (file, sha256, loaded_at) VALUES ('old.csv', '', 'x');"
			  "INSERT INTO jobs (kind, group_id, target, load_id, source_line)"
			  " VALUES (1, '64b7e1c2a9f3d40012ab34cd', '5e8f1a2b3c4d5e6f7a8b9c07', 1, "
			  "2);",
			  NULL, NULL, NULL),
		  SQLITE_OK);
	sqlite3_close(h);
}

static void test_migrations(void)
{
	char *db = path_in("v1.db"), *newer = path_in("newer.db");
	struct jobstore *js = NULL;
	struct ob_err err = { 0 };
	struct job_counts c;
	sqlite3 *h = NULL;

	CHECK(schema_version >= 2);
	make_v1_fixture(db);
	CHECK_INT(user_version(db), 1);
	CHECK_INT(jobstore_open(&js, db, 0, &err), 0);
	CHECK_INT(user_version(db), schema_version);
	CHECK_INT(jobstore_counts(js, &c, &err), 0);
	CHECK_INT(c.total, 1); /* the old job survived the migration */
	int64_t run = 0;
	CHECK_INT(jobstore_begin(js, &err), 0);
	CHECK_INT(jobstore_run_begin(js, "{}", &run, &err), 0); /* a table of version 2 */
	CHECK_INT(jobstore_commit(js, &err), 0);
	CHECK(run > 0);
	jobstore_free(js);

	CHECK_INT(jobstore_open(&js, newer, JOBSTORE_CREATE, &err), 0);
	jobstore_free(js);
	CHECK_INT(sqlite3_open(newer, &h), SQLITE_OK);
	char *sql = xasprintf("PRAGMA user_version = %d", schema_version + 1);
	CHECK_INT(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	sqlite3_close(h);
	js = NULL;
	CHECK_INT(jobstore_open(&js, newer, 0, &err), OB_ENEWER);
	CHECK(js == NULL);
	CHECK(strstr(err.msg, "newer than this atlas-offboard") != NULL);
	free(db);
	free(newer);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	fwrite(data, 1, len, f);
	fclose(f);
}

static void test_not_a_store(void)
{
	char *text = path_in("text.db"), *trunc = path_in("trunc.db"), *other = path_in("other.db");
	char *missing = path_in("missing.db");
	struct jobstore *js = NULL;
	struct ob_err err = { 0 };
	sqlite3 *h = NULL;
	char buf[512];

	write_file(text, "group_id,user_id\nthis is not a database\n", 40);
	CHECK_INT(jobstore_open(&js, text, 0, &err), OB_EINVALID);
	CHECK(strstr(err.msg, "is not a usable atlas-offboard job store") != NULL);

	/* a real store cut to its first 100 bytes */
	CHECK_INT(jobstore_open(&js, trunc, JOBSTORE_CREATE, &err), 0);
	jobstore_free(js);
	js = NULL;
	FILE *f = fopen(trunc, "rb");
	size_t n = fread(buf, 1, 100, f);
	fclose(f);
	write_file(trunc, buf, n);
	CHECK(jobstore_open(&js, trunc, 0, &err) < 0);
	CHECK(js == NULL);
	CHECK(err.msg[0] != '\0');

	/* some other program's SQLite file */
	CHECK_INT(sqlite3_open(other, &h), SQLITE_OK);
	CHECK_INT(sqlite3_exec(h, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	CHECK_INT(jobstore_open(&js, other, 0, &err), OB_EINVALID);
	CHECK(strstr(err.msg, "not an atlas-offboard job store") != NULL);

	CHECK_INT(jobstore_open(&js, missing, 0, &err), OB_ENOTFOUND);
	CHECK(access(missing, F_OK) != 0); /* opening without create makes nothing */
	free(text);
	free(trunc);
	free(other);
	free(missing);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ob-test-jobstore.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	test_modes();
	test_duplicates();
	test_migrations();
	test_not_a_store();
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return tap_done();
}
