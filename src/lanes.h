/*
 * lanes.h - the engine's work queues: jobs in memory, lane by lane, and the
 * jobs waiting for a retry.
 *
 * A lane is one (project, kind): the jobs that share one rate-limit bucket.
 * Its ready list holds the jobs read from the store (a batch at a time, in
 * id order) and those that came back to be sent again; a task is owned by
 * exactly one place at a time: a lane's ready list, the retry heap, or a
 * transfer in flight. `busy` counts the lane's tasks in flight or waiting,
 * so a lane is finished when the store has no more, its list is empty and
 * nothing is busy.
 *
 * The retry heap orders waiting tasks by due time (monotonic ms).
 */
#ifndef OB_LANES_H
#define OB_LANES_H

#include "job.h"
#include "jobstore.h"

#include <stdbool.h>
#include <stdint.h>

struct gov_scope;
struct lane;

struct task {
	struct job job;
	struct lane *lane;
	struct task *next;
	int64_t due_ms;   /* while in the retry heap */
	int auth_retried; /* a refused nonce or token was retried once */
};

struct lane {
	char group_id[JOB_ID_HEX_LEN + 1];
	enum job_kind kind;
	struct gov_scope *scope;
	struct task *head, *tail;
	int64_t last_id; /* the last job id read from the store */
	bool exhausted;  /* the store has no more open jobs for it */
	int busy;
};

struct task_heap {
	struct task **v;
	int n, cap;
};

void lane_push_front(struct lane *l, struct task *t);
void lane_push_back(struct lane *l, struct task *t);
struct task *lane_pop(struct lane *l); /* NULL when empty */
bool lane_finished(const struct lane *l);
void task_free(struct task *t); /* NULL-safe */

/*
 * Reads the lane's next `batch` open jobs from the store. A job whose
 * retry_wait time (not_before, Unix ms) has not come yet goes to `wait`
 * instead, counted busy; *waiting is increased by how many did.
 */
int lane_refill(struct lane *l, struct jobstore *js, int batch, struct task_heap *wait,
		long *waiting, struct ob_err *err);

void task_heap_push(struct task_heap *h, struct task *t);
struct task *task_heap_pop(struct task_heap *h);
/* The earliest due task, or NULL. */
struct task *task_heap_peek(const struct task_heap *h);
/* Frees every task left and the heap's memory. */
void task_heap_release(struct task_heap *h);

#endif
