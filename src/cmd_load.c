/*
 * atlas-offboard load FILE.csv... [--skip-invalid]
 *
 * All files are loaded in one transaction: if any file has a bad row (and
 * --skip-invalid is not given), or anything else fails, nothing is changed,
 * and a job store or audit log created by this invocation is removed again.
 */
#include "cmd.h"
#include "csv_input.h"
#include "csv_output.h"
#include "exitcodes.h"
#include "mem.h"
#include "msg.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SHOWN_ERRORS 50

static const char load_help[] =
	"usage: atlas-offboard load FILE.csv... [--skip-invalid] [--db PATH]\n"
	"\n"
	"Loads CSV lists of users to remove into the job store, in one transaction.\n"
	"  project users:  group_id,user_id[,ticket]\n"
	"  database users: group_id,database_name,username[,ticket]\n"
	"A file with an invalid row loads nothing (exit 2); every bad row is shown\n"
	"as FILE:LINE: COLUMN: problem.\n"
	"\n"
	"  --skip-invalid  load the valid rows; write the bad ones with an 'error'\n"
	"                  column to FILE.rejects.csv\n"
	"  --db PATH       job store (default $ATLAS_OFFBOARD_DB, else ./offboard.db)\n";

struct load_ctx {
	struct jobstore *js;
	const char *file;
	int64_t load_id;
	int skip_invalid;
	long duplicates;
	long shown;            /* errors printed, over all files */
	struct ob_buf summary; /* the lines printed once everything is committed */
	long bad_total;        /* bad rows, over all files */
	FILE *rejects;         /* FILE.rejects.csv when --skip-invalid */
	char *rejects_path;
	const char *const *header;
	size_t header_n;
	char **header_copy;
	struct ob_err err;
};

static int on_header(void *vctx, const char *const *names, size_t n)
{
	struct load_ctx *c = vctx;
	c->header_copy = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		c->header_copy[i] = xstrdup(names[i]);
	c->header_n = n;
	return 0;
}

static int on_row(void *vctx, const struct csv_row *row)
{
	struct load_ctx *c = vctx;
	struct job j;
	int ret;

	job_view(&j, row->kind, row->group_id, row->user_id, row->database_name, row->username,
		 row->ticket);
	ret = jobstore_insert_job(c->js, c->load_id, row->line, &j, &c->err);
	if (ret == OB_EEXISTS) {
		c->duplicates++;
		return 0;
	}
	return ret < 0 ? ret : 0;
}

static int open_rejects(struct load_ctx *c)
{
	c->rejects_path = xasprintf("%s.rejects.csv", c->file);
	c->rejects = fopen(c->rejects_path, "w");
	if (!c->rejects)
		return ob_err_set(&c->err, OB_ERROR, "could not create '%s': %s", c->rejects_path,
				  strerror(errno));
	for (size_t i = 0; i < c->header_n; i++) {
		csv_output_field(c->rejects, c->header_copy[i], strlen(c->header_copy[i]));
		fputc(',', c->rejects);
	}
	fputs("error\n", c->rejects);
	return 0;
}

static int on_reject(void *vctx, const struct csv_reject *rej)
{
	struct load_ctx *c = vctx;
	char *why = xasprintf("%s: %s", rej->column, rej->message);

	c->bad_total++;
	if (c->shown < MAX_SHOWN_ERRORS) {
		fprintf(stderr, "%s:%ld: %s\n", c->file, rej->line, why);
		c->shown++;
	}
	if (c->skip_invalid) {
		if (!c->rejects && open_rejects(c) < 0) {
			free(why);
			return OB_ERROR;
		}
		for (size_t i = 0; i < rej->nfields; i++) {
			csv_output_field(c->rejects, rej->fields[i], rej->lens[i]);
			fputc(',', c->rejects);
		}
		for (size_t i = rej->nfields; i < c->header_n; i++)
			fputc(',', c->rejects);
		csv_output_field(c->rejects, why, strlen(why));
		fputc('\n', c->rejects);
	}
	free(why);
	return 0;
}

static void release_file_state(struct load_ctx *c)
{
	for (size_t i = 0; i < c->header_n; i++)
		free(c->header_copy[i]);
	free(c->header_copy);
	c->header_copy = NULL;
	c->header_n = 0;
	if (c->rejects)
		fclose(c->rejects);
	c->rejects = NULL;
	free(c->rejects_path);
	c->rejects_path = NULL;
}

/* Removes what this invocation created, so that a failed load changes nothing. */
static void remove_created(const char *db, int db_existed, int log_existed)
{
	if (!db_existed) {
		char *wal = xasprintf("%s-wal", db), *shm = xasprintf("%s-shm", db);
		unlink(db);
		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	if (!log_existed) {
		char *log = audit_path_for(db);
		unlink(log);
		free(log);
	}
}

/* Loads one file inside the open transaction; returns 0 or an exit code. */
static int load_one(struct load_ctx *c, struct audit *a, const char *file, long *bad_in_file)
{
	struct csv_summary sum = { 0 };
	struct csv_input_cb cb = { on_header, on_row, on_reject, c };
	long bad_before = c->bad_total, shown_before = c->shown;
	int rc = 0;

	c->file = file;
	c->duplicates = 0;
	if (jobstore_load_begin(c->js, file, &c->load_id, &c->err) < 0) {
		msg_err(&c->err);
		return OB_EXIT_FAILED;
	}
	if (csv_input_read(file, &cb, &sum, &c->err) < 0) {
		if (!c->err.msg[0])
			ob_err_set(&c->err, OB_ERROR, "could not load '%s'", file);
		msg_err(&c->err);
		rc = c->err.code == OB_ERROR ? OB_EXIT_FAILED : OB_EXIT_USAGE;
		goto done;
	}
	*bad_in_file = c->bad_total - bad_before;
	if (sum.ignored)
		msg_warn("'%s': ignoring column%s %s", file, strchr(sum.ignored, ',') ? "s" : "",
			 sum.ignored);
	long loaded = sum.rows - c->duplicates;
	if (jobstore_load_finish(c->js, c->load_id, sum.sha256, loaded, c->duplicates, *bad_in_file,
				 &c->err) < 0) {
		msg_err(&c->err);
		rc = OB_EXIT_FAILED;
		goto done;
	}
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "file", file);
	cJSON_AddStringToObject(f, "sha256", sum.sha256);
	cJSON_AddNumberToObject(f, "rows", (double)loaded);
	cJSON_AddNumberToObject(f, "duplicates", (double)c->duplicates);
	cJSON_AddNumberToObject(f, "rejected", (double)*bad_in_file);
	cJSON_AddStringToObject(f, "kind", job_kind_name(sum.kind));
	cmd_note_set_aside(a, f);
	if (audit_append(a, "load", 0, f, &c->err) < 0) {
		msg_err(&c->err);
		rc = OB_EXIT_FAILED;
		goto done;
	}
	if (*bad_in_file > c->shown - shown_before)
		fprintf(stderr, "... and %ld more invalid rows\n",
			*bad_in_file - (c->shown - shown_before));
	ob_buf_addf(&c->summary, "loaded %ld jobs from %s (%ld duplicates, %ld rejected)\n", loaded,
		    file, c->duplicates, *bad_in_file);
	if (c->rejects)
		ob_buf_addf(&c->summary, "wrote %ld rejected rows to %s\n", *bad_in_file,
			    c->rejects_path);
done:
	csv_summary_release(&sum);
	release_file_state(c);
	return rc;
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "skip-invalid", no_argument, NULL, 's' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct load_ctx c = { 0 };
	struct audit *a = NULL;
	const char *dbopt = NULL, *db;
	int opt, rc, db_existed, log_existed;
	char *log;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 's': c.skip_invalid = 1; break;
		case 'd': dbopt = optarg; break;
		case 'h': fputs(load_help, stdout); return OB_EXIT_OK;
		default: fputs(load_help, stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		msg_error("no CSV file given");
		fputs(load_help, stderr);
		return OB_EXIT_USAGE;
	}
	db = cmd_db_path(dbopt);
	log = audit_path_for(db);
	db_existed = access(db, F_OK) == 0;
	log_existed = access(log, F_OK) == 0;
	free(log);
	ob_buf_init(&c.summary);
	if ((rc = cmd_open_rw(db, 1, &c.js, &a)) != 0) {
		ob_buf_release(&c.summary);
		remove_created(db, db_existed, log_existed);
		return rc;
	}
	/* A first load into a new store: no WAL, each page is written once. (An
	 * existing store stays in WAL mode, so a failed load leaves its bytes as
	 * they were.) */
	if (!db_existed)
		jobstore_bulk_mode(c.js, 1);
	if (jobstore_begin(c.js, &c.err) < 0) {
		msg_err(&c.err);
		rc = OB_EXIT_FAILED;
		goto done;
	}
	for (int i = optind; i < argc && rc == 0; i++) {
		long bad = 0;
		rc = load_one(&c, a, argv[i], &bad);
		if (rc == 0 && bad && !c.skip_invalid)
			msg_error("'%s' has %ld invalid row%s", argv[i], bad, bad == 1 ? "" : "s");
	}
	if (rc == 0 && c.bad_total && !c.skip_invalid) {
		msg_error("nothing was loaded (--skip-invalid loads the valid rows and writes the "
			  "bad ones to FILE.rejects.csv)");
		rc = OB_EXIT_USAGE;
	}
	if (rc == 0 && (rc = cmd_commit(c.js, a)) == 0)
		fputs(c.summary.ptr, stdout);
done:
	if (rc != 0) {
		audit_discard(a);
		jobstore_rollback(c.js);
	}
	audit_free(a);
	if (c.js && !db_existed)
		jobstore_bulk_mode(c.js, 0);
	jobstore_free(c.js);
	ob_buf_release(&c.summary);
	if (rc != 0)
		remove_created(db, db_existed, log_existed);
	return rc;
}
