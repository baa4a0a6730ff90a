/*
 * sim_api.h - the Atlas operations the simulator serves, and its route table.
 *
 * sim_api_handle() answers one complete request to a non-/_sim path: it
 * matches the raw path (split on '/' first, then each segment percent-
 * decoded), authenticates, checks the access list and the versioned Accept
 * header, applies the rate limit and the injected fault drawn for the
 * request, and performs the operation. Thread-safe (the modules it calls
 * lock what they share).
 */
#ifndef SIM_API_H
#define SIM_API_H

#include "sim_faults.h"

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Per-request state, kept in libmicrohttpd's con_cls between callbacks. */
struct sim_req {
	bool is_sim;  /* a /_sim/ path: not counted, not delayed */
	bool delayed; /* the latency delay has been served */
	struct sim_draw draw;
	char *body; /* the request body (POST), NUL-terminated */
	size_t len, cap;
	bool too_big;
};

enum MHD_Result sim_api_handle(struct MHD_Connection *c, struct sim_req *rq, const char *url, const char *method);

/* Print "METHOD TEMPLATE MEDIA-TYPE" per served operation and version. */
void sim_api_list_routes(FILE *out);

#endif
