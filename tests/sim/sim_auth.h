/*
 * sim_auth.h - HTTP Digest (API keys), OAuth bearer tokens (service
 * accounts) and Basic (the token endpoint's client credentials).
 *
 * Digest is implemented here with libcrypto's MD5 rather than with
 * libmicrohttpd's helpers: 0.9.75's MHD_digest_auth_check2() does not say why
 * a nonce was refused (expired, replayed nc, unknown), has no single-use
 * nonce mode, and keeps its nonce table internal, while the simulator must
 * count challenges and stale challenges and make each refusal observable.
 *
 * Nonces and tokens live in tables guarded by one mutex (thread-safe); they are
 * kept until exit (a test run issues few; sim_auth_release frees them).
 */
#ifndef SIM_AUTH_H
#define SIM_AUTH_H

#include <stdbool.h>
#include <stddef.h>

struct sim_config;

#define SIM_REALM "MMS Public API"

enum sim_auth_result {
	SIM_AUTH_OK,
	SIM_AUTH_MISSING,   /* no usable credentials: challenge */
	SIM_AUTH_STALE,     /* right password, nonce expired/unknown/reused/nc replayed: stale=true */
	SIM_AUTH_BAD_DIGEST,/* wrong user, password or malformed digest: challenge, stale=false */
	SIM_AUTH_BAD_TOKEN  /* unknown, expired or revoked bearer token */
};

void sim_auth_init(void);
void sim_auth_release(void);

/*
 * Check an Authorization header value (NULL if absent) for method and the raw
 * request path, against the schemes cfg->auth allows.
 */
enum sim_auth_result sim_auth_check(const struct sim_config *cfg, const char *authz, const char *method,
				    const char *raw_path, double now);

/* Register a fresh nonce (32 hex digits) valid for cfg->nonce_seconds. */
void sim_auth_new_nonce(char out[33], double now);

/* 1 if authz is "Basic base64(client_id:client_secret)" for cfg. */
int sim_auth_check_basic(const struct sim_config *cfg, const char *authz);

/* Issue a bearer token valid for cfg->token_seconds; out gets it (NUL-terminated). */
void sim_auth_issue_token(const struct sim_config *cfg, double now, char out[64]);

/* Revoke token. Returns true if it was live (issued, not expired, not revoked). */
bool sim_auth_revoke(const char *token, double now);

#endif
