/*
 * xfer.h - one pooled libcurl easy handle and what a request on it carries.
 *
 * The engine keeps --concurrency of these. A handle is reused request after
 * request, so it keeps its digest nonce (one challenge per handle) and its
 * connection cache entry; only a refused nonce discards it. xfer_reset()
 * sets what every request shares: no redirects, http/https only, TLS
 * verified (plus an optional extra CA), timeouts, the body sink (at most
 * XFER_BODY_MAX bytes kept), and a fresh start time.
 */
#ifndef OB_XFER_H
#define OB_XFER_H

#include "atlas.h"
#include "mem.h"
#include "oberr.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#define XFER_BODY_MAX 65536

struct task;

enum xfer_kind { XFER_JOB, XFER_TOKEN, XFER_LIMITS, XFER_REVOKE };

struct xfer {
	CURL *h;
	bool busy;
	enum xfer_kind kind;
	struct task *task;           /* XFER_JOB */
	enum atlas_endpoint_set set; /* XFER_LIMITS */
	struct ob_buf body;
	struct ob_buf path; /* the request path, as recorded in the audit log */
	struct ob_buf url;
	struct curl_slist *headers;              /* owned: freed by the next reset */
	const struct curl_slist *shared_headers; /* or one the engine keeps */
	long uses;                               /* requests this handle has completed */
	int token_gen;
	int64_t started_mono;
	char started_at[32];
};

/* The CA bundle for --cacert: the system's bundle and the file, joined. */
struct ca_bundle {
	char *data;
	size_t len;
};

void xfer_init(struct xfer *x);
void xfer_release(struct xfer *x); /* frees everything but leaves `x` reusable */

/* Resets `x` for a new request (see above); timeout_ms 0 means 60 s. */
void xfer_reset(struct xfer *x, long timeout_ms, const struct ca_bundle *ca);

/* A response header of the last request (any case), or NULL. */
const char *xfer_header(CURL *h, const char *name);

/* Loads `cacert` after the system bundle; a NULL cacert leaves `out` empty. */
int ca_bundle_load(struct ca_bundle *out, const char *cacert, struct ob_err *err);
void ca_bundle_release(struct ca_bundle *b);

#endif
