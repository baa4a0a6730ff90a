#include "cmd.h"
#include "exitcodes.h"
#include "msg.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

const char *cmd_db_path(const char *opt)
{
	const char *env = getenv("ATLAS_OFFBOARD_DB");
	if (opt && *opt)
		return opt;
	if (env && *env)
		return env;
	return "./offboard.db";
}

static int exit_for(const struct ob_err *err)
{
	return err->code == OB_EINVALID || err->code == OB_ENEWER || err->code == OB_ELOCKED ||
			       err->code == OB_ENOTFOUND
		       ? OB_EXIT_USAGE
		       : OB_EXIT_FAILED;
}

int cmd_open_ro(const char *db, struct jobstore **js)
{
	struct ob_err err = { 0 };
	if (jobstore_open(js, db, 0, &err) < 0) {
		msg_err(&err);
		return exit_for(&err);
	}
	return 0;
}

int cmd_open_rw(const char *db, int create, struct jobstore **js, struct audit **a)
{
	struct ob_err err = { 0 };
	int64_t head_seq;
	char head_hash[65];

	*js = NULL;
	*a = NULL;
	if (jobstore_open(js, db, create ? JOBSTORE_CREATE : 0, &err) < 0 ||
	    audit_open(a, db, &err) < 0 || jobstore_audit_head(*js, &head_seq, head_hash, &err) < 0)
		goto fail;
	if (audit_seq(*a) < head_seq) {
		ob_err_set(&err, OB_EINVALID,
			   "audit log '%s' ends at record %lld but the job store has committed "
			   "record %lld: the log was cut; run 'atlas-offboard audit verify'",
			   audit_file(*a), (long long)audit_seq(*a), (long long)head_seq);
		goto fail;
	}
	if (audit_torn(*a)->bytes)
		msg_warn("the last line of audit log '%s' was torn (%zu bytes, an interrupted "
			 "write): set aside in '%s'",
			 audit_file(*a), audit_torn(*a)->bytes, audit_torn(*a)->saved_to);
	return 0;
fail:
	msg_err(&err);
	audit_free(*a);
	jobstore_free(*js);
	*a = NULL;
	*js = NULL;
	return exit_for(&err);
}

int cmd_commit(struct jobstore *js, struct audit *a)
{
	struct ob_err err = { 0 };
	if (audit_flush(a, &err) < 0 ||
	    jobstore_set_audit_head(js, audit_seq(a), audit_hash(a), &err) < 0 ||
	    jobstore_commit(js, &err) < 0) {
		msg_err(&err);
		jobstore_rollback(js);
		return OB_EXIT_FAILED;
	}
	return 0;
}

void cmd_note_set_aside(struct audit *a, cJSON *fields)
{
	const struct audit_torn *t = audit_torn(a);
	if (!t->bytes)
		return;
	cJSON *o = cJSON_AddObjectToObject(fields, "set_aside");
	cJSON_AddStringToObject(o, "file", t->saved_to);
	cJSON_AddNumberToObject(o, "bytes", (double)t->bytes);
	cJSON_AddStringToObject(o, "sha256", t->sha256);
}

int cmd_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;
	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
