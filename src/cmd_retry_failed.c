/* atlas-offboard retry-failed: failed jobs become pending again. */
#include "cmd.h"
#include "exitcodes.h"
#include "msg.h"

#include <getopt.h>
#include <stdio.h>

static const char retry_help[] =
	"usage: atlas-offboard retry-failed [--db PATH]\n"
	"\n"
	"Makes every failed job pending again, with a fresh attempt budget, and\n"
	"records a 'reset' event in the audit log. The next 'run' sends them.\n"
	"  --db PATH  job store (default $ATLAS_OFFBOARD_DB, else ./offboard.db)\n";

int cmd_retry_failed(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct jobstore *js = NULL;
	struct audit *a = NULL;
	struct ob_err err = { 0 };
	const char *dbopt = NULL;
	long n = 0;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': dbopt = optarg; break;
		case 'h': fputs(retry_help, stdout); return OB_EXIT_OK;
		default: fputs(retry_help, stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		msg_error("unexpected argument '%s'", argv[optind]);
		return OB_EXIT_USAGE;
	}
	if ((rc = cmd_open_rw(cmd_db_path(dbopt), 0, &js, &a)) != 0)
		return rc;
	if (jobstore_begin(js, &err) < 0 || jobstore_retry_failed(js, &n, &err) < 0) {
		msg_err(&err);
		rc = OB_EXIT_FAILED;
		goto done;
	}
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "from", "failed");
	cJSON_AddStringToObject(f, "to", "pending");
	cJSON_AddNumberToObject(f, "jobs", (double)n);
	cmd_note_set_aside(a, f);
	if (audit_append(a, "reset", 0, f, &err) < 0) {
		msg_err(&err);
		rc = OB_EXIT_FAILED;
		goto done;
	}
	if ((rc = cmd_commit(js, a)) == 0)
		printf("reset %ld failed job%s to pending\n", n, n == 1 ? "" : "s");
done:
	if (rc)
		jobstore_rollback(js);
	audit_free(a);
	jobstore_free(js);
	return rc;
}
