/* atlas-offboard status [--json]: counts by state and by kind. */
#include "cmd.h"
#include "exitcodes.h"
#include "msg.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char status_help[] =
	"usage: atlas-offboard status [--json] [--db PATH]\n"
	"\n"
	"Counts jobs by state and by kind.\n"
	"  --json     one JSON object, for scripts\n"
	"  --db PATH  job store (default $ATLAS_OFFBOARD_DB, else ./offboard.db)\n";

static void print_json(const struct job_counts *c)
{
	cJSON *root = cJSON_CreateObject(), *states, *kinds;
	char *text;

	cJSON_AddNumberToObject(root, "total", (double)c->total);
	states = cJSON_AddObjectToObject(root, "by_state");
	for (int s = 0; s < JOB_STATE_COUNT; s++)
		cJSON_AddNumberToObject(states, job_state_name(s), (double)c->by_state[s]);
	kinds = cJSON_AddObjectToObject(root, "by_kind");
	for (int k = JOB_PROJECT_USER; k <= JOB_DB_USER; k++) {
		cJSON *o = cJSON_AddObjectToObject(kinds, job_kind_name(k));
		long total = 0;
		for (int s = 0; s < JOB_STATE_COUNT; s++) {
			cJSON_AddNumberToObject(o, job_state_name(s),
						(double)c->by_kind_state[k][s]);
			total += c->by_kind_state[k][s];
		}
		cJSON_AddNumberToObject(o, "total", (double)total);
	}
	text = cJSON_Print(root);
	printf("%s\n", text);
	free(text);
	cJSON_Delete(root);
}

static void print_text(const struct job_counts *c)
{
	printf("%ld jobs\n", c->total);
	printf("  %-12s %10s %14s %10s\n", "state", "all", "project_user", "db_user");
	for (int s = 0; s < JOB_STATE_COUNT; s++)
		printf("  %-12s %10ld %14ld %10ld\n", job_state_name(s), c->by_state[s],
		       c->by_kind_state[JOB_PROJECT_USER][s], c->by_kind_state[JOB_DB_USER][s]);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct jobstore *js = NULL;
	struct job_counts c;
	struct ob_err err = { 0 };
	const char *dbopt = NULL;
	int opt, json = 0, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': json = 1; break;
		case 'd': dbopt = optarg; break;
		case 'h': fputs(status_help, stdout); return OB_EXIT_OK;
		default: fputs(status_help, stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		msg_error("unexpected argument '%s'", argv[optind]);
		return OB_EXIT_USAGE;
	}
	if ((rc = cmd_open_ro(cmd_db_path(dbopt), &js)) != 0)
		return rc;
	if (jobstore_counts(js, &c, &err) < 0) {
		msg_err(&err);
		rc = OB_EXIT_FAILED;
	} else if (json) {
		print_json(&c);
	} else {
		print_text(&c);
	}
	jobstore_free(js);
	return rc;
}
