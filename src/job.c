#include "job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[JOB_STATE_COUNT] = {
	"pending", "in_flight", "retry_wait", "done", "absent", "failed",
};

void job_init(struct job *j)
{
	memset(j, 0, sizeof(*j));
}

void job_release(struct job *j)
{
	if (!j)
		return;
	free(j->database_name);
	free(j->username);
	free(j->ticket);
	job_init(j);
}

void job_view(struct job *j, enum job_kind kind, const char *group_id, const char *user_id,
	      const char *database_name, const char *username, const char *ticket)
{
	/* ids are validated: exactly JOB_ID_HEX_LEN characters (hot in a load) */
	job_init(j);
	j->kind = kind;
	memcpy(j->group_id, group_id, JOB_ID_HEX_LEN + 1);
	if (kind == JOB_PROJECT_USER && user_id)
		memcpy(j->user_id, user_id, JOB_ID_HEX_LEN + 1);
	j->database_name = (char *)database_name;
	j->username = (char *)username;
	j->ticket = (char *)ticket;
}

const char *job_kind_name(enum job_kind k)
{
	return k == JOB_DB_USER ? "db_user" : "project_user";
}

const char *job_state_name(enum job_state s)
{
	if ((unsigned)s >= JOB_STATE_COUNT)
		return "unknown";
	return state_names[s];
}

bool job_state_terminal(enum job_state s)
{
	return s == JOB_DONE || s == JOB_ABSENT || s == JOB_FAILED;
}
