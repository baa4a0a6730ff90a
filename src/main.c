/*
 * atlas-offboard: removes users from MongoDB Atlas in bulk, safely and
 * provably. This file is the command table: argv in, exit code out.
 */
#include "cmd.h"
#include "exitcodes.h"
#include "msg.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	int needs_curl; /* libcurl (and OpenSSL behind it) is set up only for these */
	const char *summary;
} commands[] = {
	{ "load", cmd_load, 0, "load CSV lists of users to remove into the job store" },
	{ "run", cmd_run, 1, "remove the loaded users (also resumes a stopped run)" },
	{ "status", cmd_status, 0, "count jobs by state and kind" },
	{ "report", cmd_report, 0, "one row per job, as CSV or JSON" },
	{ "audit", cmd_audit, 0, "check the audit log ('audit verify')" },
	{ "retry-failed", cmd_retry_failed, 0, "make failed jobs pending again" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: atlas-offboard <command> [options] [--db PATH]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'atlas-offboard <command> --help' describes a command.\n"
		     "version " OB_VERSION "\n");
}

int main(int argc, char **argv)
{
	int rc;

	/* Nothing this tool writes (store, audit log, reports, rejects) is for others. */
	umask(077);
	if (argc < 2) {
		usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return OB_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("atlas-offboard " OB_VERSION "\n");
		return OB_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		if (commands[i].needs_curl && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			msg_error("could not initialise libcurl");
			return OB_EXIT_FAILED;
		}
		rc = commands[i].fn(argc - 1, argv + 1);
		if (commands[i].needs_curl)
			curl_global_cleanup();
		fflush(stdout);
		return rc;
	}
	msg_error("unknown command '%s' (see 'atlas-offboard --help')", argv[1]);
	return OB_EXIT_USAGE;
}
