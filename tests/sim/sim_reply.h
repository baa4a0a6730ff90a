/*
 * sim_reply.h - one HTTP answer under construction, and how it is sent.
 *
 * A struct sim_reply collects status, body and headers; sim_reply_send()
 * turns it into a libmicrohttpd response (lowercasing our header names with
 * --headers lower, as Atlas over HTTP/2 does), queues it and counts its
 * status. Bodies are JSON in the ApiError shape for API errors:
 * {"detail", "error", "errorCode", "parameters", "reason"} plus X-Error-Code.
 * A reply is owned by one request thread; sim_reply_release frees it.
 */
#ifndef SIM_REPLY_H
#define SIM_REPLY_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

struct cJSON;

#define SIM_REPLY_MAX_HEADERS 12

struct sim_reply {
	unsigned status;
	char *body; /* malloc'd or NULL */
	size_t len;
	char ctype[64]; /* "" for none */
	int nh;
	struct {
		const char *name;
		char value[256];
	} h[SIM_REPLY_MAX_HEADERS];
	bool envelope, pretty; /* query flags of the request */
};

/* Add a header (printf-style value; silently dropped past the maximum). */
void sim_reply_header(struct sim_reply *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Set the body to json (consumed), honouring envelope= and pretty=. */
void sim_reply_json(struct sim_reply *r, unsigned status, struct cJSON *json);

/*
 * An ApiError body. params (consumed, may be NULL) becomes "parameters";
 * detail is printf-style.
 */
void sim_reply_error(struct sim_reply *r, unsigned status, const char *code, struct cJSON *params,
		     const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));

/* The reason phrase of status ("Not Found"). */
const char *sim_reason(unsigned status);

/* Queue r on c, count its status; lower: lowercase header names. Frees r's body. */
enum MHD_Result sim_reply_send(struct MHD_Connection *c, struct sim_reply *r, bool lower);

#endif
