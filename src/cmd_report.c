/* atlas-offboard report [--format csv|json] [--output FILE] */
#include "cmd.h"
#include "exitcodes.h"
#include "msg.h"
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char report_help[] =
	"usage: atlas-offboard report [--format csv|json] [--output FILE] [--db PATH]\n"
	"\n"
	"One row per job: " REPORT_COLUMNS "\n"
	"  --format csv|json  CSV (default; cells starting with = + - @ are prefixed\n"
	"                     with ') or a JSON array of objects with the same keys\n"
	"  --output FILE      write to FILE (mode 0600) instead of standard output\n"
	"  --db PATH          job store (default $ATLAS_OFFBOARD_DB, else ./offboard.db)\n";

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum report_format fmt = REPORT_CSV;
	struct jobstore *js = NULL;
	struct ob_err err = { 0 };
	const char *dbopt = NULL, *output = NULL;
	FILE *out = stdout;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (!strcmp(optarg, "csv"))
				fmt = REPORT_CSV;
			else if (!strcmp(optarg, "json"))
				fmt = REPORT_JSON;
			else {
				msg_error("unknown report format '%s' (csv or json)", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'o': output = optarg; break;
		case 'd': dbopt = optarg; break;
		case 'h': fputs(report_help, stdout); return OB_EXIT_OK;
		default: fputs(report_help, stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		msg_error("unexpected argument '%s'", argv[optind]);
		return OB_EXIT_USAGE;
	}
	if ((rc = cmd_open_ro(cmd_db_path(dbopt), &js)) != 0)
		return rc;
	if (output && !(out = fopen(output, "w"))) {
		msg_error("could not create '%s': %s", output, strerror(errno));
		jobstore_free(js);
		return OB_EXIT_USAGE;
	}
	if (report_write(js, fmt, out, &err) < 0) {
		msg_err(&err);
		rc = OB_EXIT_FAILED;
	}
	if (output && fclose(out) != 0) {
		msg_error("could not write '%s': %s", output, strerror(errno));
		rc = OB_EXIT_FAILED;
	}
	jobstore_free(js);
	return rc;
}
