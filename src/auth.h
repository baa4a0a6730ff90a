/*
 * auth.h - credentials (SPEC section 2): where they come from, how a request
 * carries them, and the service account's token exchange.
 *
 * Sources, first match wins: --credentials FILE (KEY=value lines; refused if
 * group or others may read it), else the environment. Names:
 * MONGODB_ATLAS_CLIENT_ID + MONGODB_ATLAS_CLIENT_SECRET (service account,
 * preferred when both kinds are set, as Atlas recommends) or
 * MONGODB_ATLAS_PUBLIC_API_KEY + MONGODB_ATLAS_PRIVATE_API_KEY (digest).
 *
 * Secrets live only in this struct (and inside libcurl handles); they are
 * wiped on release and never put into a message: errors name variables and
 * files, not values. auth_identity() is the public half, safe to record.
 */
#ifndef OB_AUTH_H
#define OB_AUTH_H

#include "oberr.h"

#include <curl/curl.h>
#include <stddef.h>

enum auth_method { AUTH_DIGEST, AUTH_SERVICE_ACCOUNT };

struct auth_creds {
	enum auth_method method;
	char *id;     /* public API key or client id */
	char *secret; /* private API key or client secret */
};

/* Fills `c`; OB_EINVALID with a message naming what is missing or unsafe. */
int auth_load(struct auth_creds *c, const char *file, struct ob_err *err);
/* Wipes and frees the secret. NULL-safe, idempotent. */
void auth_release(struct auth_creds *c);

const char *auth_method_name(enum auth_method m); /* "digest" / "service_account" */

/* Sets digest authentication (user = public key) on `h`. */
void auth_apply_digest(CURL *h, const struct auth_creds *c);
/* Sets bearer authentication with `token` on `h`. */
void auth_apply_bearer(CURL *h, const char *token);

/*
 * Prepares `h` for POST {base}/api/oauth/token (Basic client id/secret, form
 * grant_type=client_credentials).
 */
void auth_setup_token_request(CURL *h, const struct auth_creds *c, const char *base_url);
/* Prepares `h` for POST {base}/api/oauth/revoke of `token` (libcurl keeps
 * its own copy of the form until the handle is cleaned up). */
void auth_setup_revoke_request(CURL *h, const struct auth_creds *c, const char *base_url,
			       const char *token);

/* Parses a token answer: access_token and expires_in (default 3600). */
int auth_parse_token(const char *body, size_t len, char **token, long *expires_in,
		     struct ob_err *err);

/* Wipes and frees a token string. NULL-safe. */
void auth_free_token(char *token);

#endif
