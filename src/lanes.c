#include "lanes.h"
#include "clock.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

void lane_push_front(struct lane *l, struct task *t)
{
	t->next = l->head;
	l->head = t;
	if (!l->tail)
		l->tail = t;
}

void lane_push_back(struct lane *l, struct task *t)
{
	t->next = NULL;
	if (l->tail)
		l->tail->next = t;
	else
		l->head = t;
	l->tail = t;
}

struct task *lane_pop(struct lane *l)
{
	struct task *t = l->head;
	if (t) {
		l->head = t->next;
		if (!l->head)
			l->tail = NULL;
		t->next = NULL;
	}
	return t;
}

void task_free(struct task *t)
{
	if (t) {
		job_release(&t->job);
		free(t);
	}
}

bool lane_finished(const struct lane *l)
{
	return l->exhausted && !l->head && !l->busy;
}

static void heap_swap(struct task_heap *h, int i, int j)
{
	struct task *t = h->v[i];
	h->v[i] = h->v[j];
	h->v[j] = t;
}

void task_heap_push(struct task_heap *h, struct task *t)
{
	int i;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = xrealloc(h->v, (size_t)h->cap * sizeof(*h->v));
	}
	i = h->n++;
	h->v[i] = t;
	while (i > 0 && h->v[(i - 1) / 2]->due_ms > h->v[i]->due_ms) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

struct task *task_heap_peek(const struct task_heap *h)
{
	return h->n ? h->v[0] : NULL;
}

struct task *task_heap_pop(struct task_heap *h)
{
	struct task *top;
	int i = 0;
	if (!h->n)
		return NULL;
	top = h->v[0];
	h->v[0] = h->v[--h->n];
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && h->v[l]->due_ms < h->v[m]->due_ms)
			m = l;
		if (r < h->n && h->v[r]->due_ms < h->v[m]->due_ms)
			m = r;
		if (m == i)
			break;
		heap_swap(h, i, m);
		i = m;
	}
	return top;
}

void task_heap_release(struct task_heap *h)
{
	while (h->n)
		task_free(task_heap_pop(h));
	free(h->v);
	h->v = NULL;
	h->cap = 0;
}

int lane_refill(struct lane *l, struct jobstore *js, int batch, struct task_heap *wait,
		long *waiting, struct ob_err *err)
{
	struct job *jobs = xcalloc((size_t)batch, sizeof(*jobs));
	int n = 0;
	int64_t now_unix = clock_unix_ms(), now = clock_mono_ms();

	if (jobstore_claim(js, l->group_id, l->kind, l->last_id, batch, jobs, &n, err) < 0) {
		free(jobs);
		return -1;
	}
	if (n < batch)
		l->exhausted = true;
	for (int i = 0; i < n; i++) {
		struct task *t = xcalloc(1, sizeof(*t));
		t->job = jobs[i];
		t->lane = l;
		l->last_id = t->job.id;
		if (t->job.not_before_ms > now_unix) {
			/* a retry_wait from an earlier run keeps its wait */
			t->due_ms = now + (t->job.not_before_ms - now_unix);
			l->busy++;
			(*waiting)++;
			task_heap_push(wait, t);
		} else {
			lane_push_back(l, t);
		}
	}
	free(jobs);
	return 0;
}
