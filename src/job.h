/*
 * job.h - what one removal is: the job model shared by the loader, the job
 * store, the request builder and the engine.
 *
 * A job is unique by (kind, group_id, target) where the target is the user id
 * of a project user, or the database name and username of a database user.
 * States (SPEC section 4): pending -> (in_flight) -> done | absent | failed,
 * with retry_wait between attempts. done, absent and failed are terminal.
 * in_flight means "taken by a running `run`": the engine marks the jobs it
 * reads, a batch at a time, and every answer sets the job's next state; a
 * run that dies leaves them in_flight, and the next run sends them again.
 *
 * The numeric values of the enums are stored in the database: never renumber.
 */
#ifndef OB_JOB_H
#define OB_JOB_H

#include <stdbool.h>
#include <stdint.h>

enum job_kind {
	JOB_PROJECT_USER = 1, /* group_id,user_id */
	JOB_DB_USER = 2       /* group_id,database_name,username */
};

enum job_state {
	JOB_PENDING = 0,
	JOB_IN_FLIGHT = 1,
	JOB_RETRY_WAIT = 2,
	JOB_DONE = 3,
	JOB_ABSENT = 4,
	JOB_FAILED = 5
};
#define JOB_STATE_COUNT 6

/* Limits from SPEC section 3. */
#define JOB_ID_HEX_LEN 24
#define JOB_USERNAME_MAX 1024
#define JOB_TICKET_MAX 256

/*
 * One job as the engine and the loader see it. Strings are owned by the
 * struct (job_release frees them); unused ones are NULL / empty.
 */
struct job {
	int64_t id;
	enum job_kind kind;
	char group_id[JOB_ID_HEX_LEN + 1]; /* lowercase hex */
	char user_id[JOB_ID_HEX_LEN + 1];  /* project_user only, lowercase hex */
	char *database_name;               /* db_user only: "admin" or "$external" */
	char *username;                    /* db_user only */
	char *ticket;                      /* optional, NULL when none */
	enum job_state state;
	int attempts;          /* attempts that used up the --max-attempts budget */
	int tries;             /* every attempt so far (the audit's attempt number) */
	int64_t not_before_ms; /* retry_wait: not sent again before this (Unix ms) */
};

void job_init(struct job *j);
void job_release(struct job *j);

/*
 * Fills `j` as a view of strings the caller owns (ids are copied, the other
 * strings borrowed): for building a request or an insert from a row. A view
 * must not be passed to job_release.
 */
void job_view(struct job *j, enum job_kind kind, const char *group_id, const char *user_id,
	      const char *database_name, const char *username, const char *ticket);

const char *job_kind_name(enum job_kind k);   /* "project_user" / "db_user" */
const char *job_state_name(enum job_state s); /* "pending", ... */
bool job_state_terminal(enum job_state s);

#endif
