/*
 * cmd.h - the subcommands (one file each, cmd_<name>.c) and what they share.
 *
 * Each cmd_<name>(argc, argv) gets argv starting at the subcommand's name and
 * returns a process exit code (exitcodes.h). Only these files and main.c
 * print to the user.
 */
#ifndef OB_CMD_H
#define OB_CMD_H

#include "audit.h"
#include "jobstore.h"

int cmd_load(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_retry_failed(int argc, char **argv);

/* The job store path: --db, else $ATLAS_OFFBOARD_DB, else ./offboard.db. */
const char *cmd_db_path(const char *opt);

/*
 * Opens the store and its audit log for writing (the log's lock makes this
 * process the only writer) and checks that the log is not behind the store.
 * Prints any problem; returns 0 or an exit code.
 */
int cmd_open_rw(const char *db, int create, struct jobstore **js, struct audit **a);

/* Opens the store for reading only (status, report, audit verify). */
int cmd_open_ro(const char *db, struct jobstore **js);

/*
 * Writes the audit records appended so far, records their head in the store
 * and commits the open transaction. On failure rolls back; prints the error.
 * Returns 0 or an exit code.
 */
int cmd_commit(struct jobstore *js, struct audit *a);

/* Records a torn line set aside when the log was opened, into `fields`. */
void cmd_note_set_aside(struct audit *a, cJSON *fields);

/* Parses a whole decimal number in [min, max]; returns 0 or -1. */
int cmd_parse_long(const char *s, long min, long max, long *out);

#endif
