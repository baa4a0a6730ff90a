#include "progress.h"
#include "clock.h"

#include <stdio.h>
#include <unistd.h>

void progress_init(struct progress *p, bool quiet)
{
	p->tty = isatty(STDERR_FILENO);
	p->quiet = quiet;
	p->drawn = false;
	p->last_plain = clock_mono_ms();
}

void progress_update(void *ctx, const struct engine_stats *s)
{
	struct progress *p = ctx;
	int64_t now = clock_mono_ms();
	long ended = s->done + s->absent + s->failed;
	double secs = (double)(now - s->started_ms) / 1000.0;
	double rate = secs > 0.5 ? (double)ended / secs : 0.0;
	long left = s->open_at_start - ended;
	char eta[32] = "-";

	if (p->quiet)
		return;
	if (!p->tty) {
		if (now - p->last_plain < PROGRESS_PLAIN_MS)
			return;
		p->last_plain = now;
	}
	if (rate > 0 && left > 0) {
		long e = (long)((double)left / rate);
		snprintf(eta, sizeof(eta), "%ld:%02ld:%02ld", e / 3600, e / 60 % 60, e % 60);
	}
	fprintf(stderr,
		"%sdone %ld  absent %ld  failed %ld  waiting %ld  in flight %ld | %.0f jobs/s  "
		"ETA %s  held %ld%s",
		p->tty ? "\r\033[K" : "", s->done, s->absent, s->failed, s->waiting, s->in_flight,
		rate, eta, s->held_projects, p->tty ? "" : "\n");
	p->drawn = p->tty;
	fflush(stderr);
}

void progress_clear(struct progress *p)
{
	if (p->drawn) {
		fputc('\n', stderr);
		p->drawn = false;
	}
}
