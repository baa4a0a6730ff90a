/*
 * sim_http.h - the libmicrohttpd daemon: threads, connection accounting,
 * request bodies, latency suspension, and dispatch to sim_api / sim_admin.
 *
 * Mode: an epoll-based thread pool (MHD_USE_EPOLL_INTERNAL_THREAD with
 * MHD_OPTION_THREAD_POOL_SIZE), suspend/resume allowed for latency. The URL
 * reaches the handler raw (a no-op MHD_OPTION_UNESCAPE_CALLBACK), so that a
 * %2F inside a path segment stays part of that segment. Binds 127.0.0.1 only.
 */
#ifndef SIM_HTTP_H
#define SIM_HTTP_H

#include <stddef.h>

struct MHD_Daemon;
struct sim_config;

/* Start on 127.0.0.1:cfg->port; *port gets the bound port. NULL on error (err set). */
struct MHD_Daemon *sim_http_start(const struct sim_config *cfg, int *port, char *err, size_t errlen);
/* Stop and free the daemon (NULL-safe). Call sim_faults_shutdown() first. */
void sim_http_stop(struct MHD_Daemon *d);

#endif
