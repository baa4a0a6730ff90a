/*
 * sim_main.c - atlas-sim: options, startup, the wait for a signal or
 * --max-seconds, and a clean shutdown (state written, everything freed).
 *
 * Exit codes: 0 stopped by SIGTERM/SIGINT or --max-seconds; 1 could not
 * listen or write --state-out; 2 usage error or bad seed.
 */
#include "sim_api.h"
#include "sim_auth.h"
#include "sim_bucket.h"
#include "sim_config.h"
#include "sim_faults.h"
#include "sim_http.h"
#include "sim_stats.h"
#include "sim_store.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int write_state(const char *path)
{
	cJSON *state = sim_store_state_json();
	char *text = cJSON_Print(state);
	cJSON_Delete(state);
	FILE *f = text ? fopen(path, "w") : NULL;
	int ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok)
		fprintf(stderr, "atlas-sim: error: could not write '%s': %s\n", path, strerror(errno));
	free(text);
	return ok ? 0 : -1;
}

/* Wait for SIGTERM/SIGINT (blocked in every thread) or the deadline. */
static void wait_for_end(int max_seconds)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += max_seconds;
	for (;;) {
		struct timespec now, left;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_nsec += 1000000000L;
			left.tv_sec--;
		}
		if (left.tv_sec < 0) {
			fputs("atlas-sim: --max-seconds reached, stopping\n", stderr);
			return;
		}
		int sig = sigtimedwait(&set, NULL, &left);
		if (sig == SIGTERM || sig == SIGINT)
			return;
	}
}

int main(int argc, char **argv)
{
	struct sim_config cfg;
	char err[1024];
	sim_config_defaults(&cfg);
	int rc = sim_config_parse_argv(&cfg, argc, argv, err, sizeof err);
	if (rc == 1)
		return 0;
	if (rc < 0) {
		fprintf(stderr, "atlas-sim: error: %s (try --help)\n", err);
		return 2;
	}
	if (cfg.list_routes) {
		sim_api_list_routes(stdout);
		return 0;
	}

	/* Block the stop signals before any thread starts, so only main sees them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	int ret = 0;
	struct MHD_Daemon *d = NULL;
	sim_bucket_init();
	sim_auth_init();
	if (sim_store_load(cfg.seed, sim_bucket_override, err, sizeof err) < 0) {
		fprintf(stderr, "atlas-sim: error: %s\n", err);
		ret = 2;
		goto done;
	}
	sim_config_publish(&cfg);
	sim_faults_init();
	int port = 0;
	d = sim_http_start(&cfg, &port, err, sizeof err);
	if (!d) {
		fprintf(stderr, "atlas-sim: error: %s\n", err);
		ret = 1;
		goto stop;
	}
	printf("PORT %d\n", port);
	fflush(stdout);

	wait_for_end(cfg.max_seconds);
stop:
	sim_faults_shutdown(); /* resumes every delayed connection */
	/* give the requests in flight (the resumed ones too) up to 2 s to be answered */
	for (int i = 0; d && i < 200 && sim_stats_in_flight() > 0; i++)
		nanosleep(&(struct timespec){0, 10000000L}, NULL);
	sim_http_stop(d);
	if (cfg.state_out && write_state(cfg.state_out) < 0)
		ret = 1;
	sim_faults_release();
done:
	sim_store_release();
	sim_auth_release();
	sim_bucket_release();
	sim_config_release();
	return ret;
}
