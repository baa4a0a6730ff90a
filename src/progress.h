/*
 * progress.h - the run's progress line and its closing summary.
 *
 * On a terminal: one stderr line, rewritten in place (done/absent/failed/
 * waiting counts, jobs/s, ETA, projects held by rate limits). Off a
 * terminal: the same as a plain line every PROGRESS_PLAIN_MS. Quiet: nothing.
 */
#ifndef OB_PROGRESS_H
#define OB_PROGRESS_H

#include "engine.h"

#include <stdbool.h>
#include <stdint.h>

#define PROGRESS_PLAIN_MS 5000

struct progress {
	bool tty;
	bool quiet;
	bool drawn; /* a tty line is on screen */
	int64_t last_plain;
};

void progress_init(struct progress *p, bool quiet);
/* An engine_hooks.progress callback; ctx is a struct progress. */
void progress_update(void *ctx, const struct engine_stats *s);
/* Ends the tty line so that other messages start on a fresh line. */
void progress_clear(struct progress *p);

#endif
