/*
 * sim_admin.h - the simulator's own endpoints under /_sim/ (no auth, not
 * counted in the stats):
 *   GET  /_sim/stats        counters (sim_stats.h)
 *   GET  /_sim/state        the users still there, in the seed's shape
 *   GET  /_sim/removed      removals in the order applied
 *   POST /_sim/config       JSON object of run-time options
 *   POST /_sim/reset-stats  zero the counters
 */
#ifndef SIM_ADMIN_H
#define SIM_ADMIN_H

#include <microhttpd.h>
#include <stddef.h>

enum MHD_Result sim_admin_handle(struct MHD_Connection *c, const char *url, const char *method, const char *body,
				 size_t len);

#endif
