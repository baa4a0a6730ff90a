/* atlas-offboard audit verify: checks the hash chain and the head. */
#include "cmd.h"
#include "exitcodes.h"
#include "mem.h"
#include "msg.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char audit_help[] =
	"usage: atlas-offboard audit verify [--db PATH]\n"
	"\n"
	"Checks the audit log PATH.audit.jsonl: every record's 'prev' is the SHA-256\n"
	"of the line before, seq counts up from 1, and the last record the job store\n"
	"committed is there unchanged. Prints 'audit log OK: N records' (exit 0) or\n"
	"names the first bad line (exit 1).\n"
	"  --db PATH  job store (default $ATLAS_OFFBOARD_DB, else ./offboard.db)\n";

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct jobstore *js = NULL;
	struct audit_verify_result r;
	struct ob_err err = { 0 };
	const char *dbopt = NULL;
	int64_t head_seq;
	char head_hash[65], *path = NULL;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': dbopt = optarg; break;
		case 'h': fputs(audit_help, stdout); return OB_EXIT_OK;
		default: fputs(audit_help, stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "verify") != 0 || optind + 1 < argc) {
		msg_error("expected 'atlas-offboard audit verify'");
		fputs(audit_help, stderr);
		return OB_EXIT_USAGE;
	}
	if ((rc = cmd_open_ro(cmd_db_path(dbopt), &js)) != 0)
		return rc;
	path = audit_path_for(cmd_db_path(dbopt));
	if (jobstore_audit_head(js, &head_seq, head_hash, &err) < 0 ||
	    audit_verify(path, head_seq, head_hash, &r, &err) < 0) {
		msg_err(&err);
		rc = OB_EXIT_FAILED;
		goto done;
	}
	if (!r.ok) {
		if (r.bad_line)
			msg_error("audit log '%s': line %ld: %s", path, r.bad_line, r.why);
		else
			msg_error("audit log '%s': %s", path, r.why);
		rc = OB_EXIT_FAILED;
		goto done;
	}
	printf("audit log OK: %ld records\n", r.records);
	if (r.set_aside)
		msg_note("%ld record%s (first at line %ld) note a torn line that an interrupted "
			 "write left and that was set aside ('set_aside' field)",
			 r.set_aside, r.set_aside == 1 ? "" : "s", r.first_set_aside_line);
	if (r.beyond_head)
		msg_note("the last %ld record%s were written by a run that stopped before "
			 "committing them; the next run continues after them",
			 r.beyond_head, r.beyond_head == 1 ? "" : "s");
done:
	free(path);
	jobstore_free(js);
	return rc;
}
