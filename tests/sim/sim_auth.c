#include "sim_auth.h"

#include "sim_config.h"
#include "sim_hash.h"
#include "sim_util.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct nonce {
	double created;
	unsigned long last_nc;
	bool used;
};

struct token {
	double expires;
	bool revoked;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sim_hash *nonces; /* nonce -> struct nonce */
static struct sim_hash *tokens; /* token -> struct token */

void sim_auth_init(void)
{
	nonces = sim_hash_new();
	tokens = sim_hash_new();
}

static void free_one(void *v, void *arg)
{
	(void)arg;
	free(v);
}

void sim_auth_release(void)
{
	if (nonces)
		sim_hash_each(nonces, free_one, NULL);
	if (tokens)
		sim_hash_each(tokens, free_one, NULL);
	sim_hash_free(nonces);
	sim_hash_free(tokens);
	nonces = tokens = NULL;
}

void sim_auth_new_nonce(char out[33], double now)
{
	struct nonce *n = sim_xcalloc(1, sizeof *n);
	n->created = now;
	sim_random_hex(out, 16);
	pthread_mutex_lock(&lock);
	free(sim_hash_put(nonces, out, 32, n));
	pthread_mutex_unlock(&lock);
}

/* The parameters of a Digest Authorization header we need. */
struct digest {
	char username[256], realm[64], nonce[64], uri[4096], response[40], qop[16], nc[16], cnonce[256],
		algorithm[16];
};

/*
 * Parse `Digest k=v, k="v", ...`. Unknown keys are ignored; a value too long
 * for its field makes the whole header malformed. Returns 0 or -1.
 */
static int parse_digest(const char *h, struct digest *d)
{
	memset(d, 0, sizeof *d);
	if (strncasecmp(h, "Digest", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
		return -1;
	const char *p = h + 6;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		const char *k = p;
		while (*p && *p != '=' && *p != ' ' && *p != ',')
			p++;
		size_t klen = (size_t)(p - k);
		while (*p == ' ')
			p++;
		if (*p != '=')
			return -1;
		p++;
		while (*p == ' ')
			p++;
		char val[4096];
		size_t vlen = 0;
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				if (vlen + 1 >= sizeof val)
					return -1;
				val[vlen++] = *p++;
			}
			if (*p != '"')
				return -1;
			p++;
		} else {
			while (*p && *p != ',' && *p != ' ' && *p != '\t') {
				if (vlen + 1 >= sizeof val)
					return -1;
				val[vlen++] = *p++;
			}
		}
		val[vlen] = '\0';
		struct {
			const char *name;
			char *dst;
			size_t cap;
		} fields[] = {
			{"username", d->username, sizeof d->username}, {"realm", d->realm, sizeof d->realm},
			{"nonce", d->nonce, sizeof d->nonce},          {"uri", d->uri, sizeof d->uri},
			{"response", d->response, sizeof d->response}, {"qop", d->qop, sizeof d->qop},
			{"nc", d->nc, sizeof d->nc},                   {"cnonce", d->cnonce, sizeof d->cnonce},
			{"algorithm", d->algorithm, sizeof d->algorithm},
		};
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			if (strlen(fields[i].name) == klen && strncasecmp(fields[i].name, k, klen) == 0) {
				if (vlen >= fields[i].cap)
					return -1;
				memcpy(fields[i].dst, val, vlen + 1);
			}
	}
	return 0;
}

static enum sim_auth_result check_digest(const struct sim_config *cfg, const char *authz, const char *method,
					 const char *raw_path, double now)
{
	struct digest d;
	if (parse_digest(authz, &d) < 0 || !*d.username || !*d.nonce || !*d.uri || !*d.response ||
	    strcmp(d.qop, "auth") != 0 || strlen(d.nc) != 8 || !*d.cnonce || strcmp(d.realm, SIM_REALM) != 0 ||
	    (*d.algorithm && strcasecmp(d.algorithm, "MD5") != 0))
		return SIM_AUTH_BAD_DIGEST;
	char *end;
	unsigned long nc = strtoul(d.nc, &end, 16);
	if (*end || nc == 0)
		return SIM_AUTH_BAD_DIGEST;
	size_t plen = strcspn(d.uri, "?");
	if (plen != strlen(raw_path) || strncmp(d.uri, raw_path, plen) != 0)
		return SIM_AUTH_BAD_DIGEST;
	if (strcmp(d.username, cfg->public_key) != 0)
		return SIM_AUTH_BAD_DIGEST;

	char buf[8192], ha1[33], ha2[33], expect[33];
	snprintf(buf, sizeof buf, "%s:%s:%s", d.username, SIM_REALM, cfg->private_key);
	sim_md5_hex(buf, strlen(buf), ha1);
	snprintf(buf, sizeof buf, "%s:%s", method, d.uri);
	sim_md5_hex(buf, strlen(buf), ha2);
	snprintf(buf, sizeof buf, "%s:%s:%s:%s:%s:%s", ha1, d.nonce, d.nc, d.cnonce, d.qop, ha2);
	sim_md5_hex(buf, strlen(buf), expect);
	if (strcasecmp(expect, d.response) != 0)
		return SIM_AUTH_BAD_DIGEST;

	enum sim_auth_result r = SIM_AUTH_OK;
	pthread_mutex_lock(&lock);
	struct nonce *n = sim_hash_get(nonces, d.nonce, strlen(d.nonce));
	if (!n || now - n->created > cfg->nonce_seconds || nc <= n->last_nc ||
	    (cfg->nonce_single_use && n->used))
		r = SIM_AUTH_STALE;
	else {
		n->last_nc = nc;
		n->used = true;
	}
	pthread_mutex_unlock(&lock);
	return r;
}

static enum sim_auth_result check_bearer(const char *tok, double now)
{
	while (*tok == ' ')
		tok++;
	pthread_mutex_lock(&lock);
	struct token *t = sim_hash_get(tokens, tok, strlen(tok));
	bool ok = t && !t->revoked && now < t->expires;
	pthread_mutex_unlock(&lock);
	return ok ? SIM_AUTH_OK : SIM_AUTH_BAD_TOKEN;
}

enum sim_auth_result sim_auth_check(const struct sim_config *cfg, const char *authz, const char *method,
				    const char *raw_path, double now)
{
	if (!authz)
		return SIM_AUTH_MISSING;
	if (strncasecmp(authz, "Bearer ", 7) == 0)
		return cfg->auth & SIM_AUTH_BEARER ? check_bearer(authz + 7, now) : SIM_AUTH_MISSING;
	if (strncasecmp(authz, "Digest ", 7) == 0)
		return cfg->auth & SIM_AUTH_DIGEST ? check_digest(cfg, authz, method, raw_path, now)
						   : SIM_AUTH_MISSING;
	return SIM_AUTH_MISSING;
}

int sim_auth_check_basic(const struct sim_config *cfg, const char *authz)
{
	if (!authz || strncasecmp(authz, "Basic ", 6) != 0)
		return 0;
	const char *b64 = authz + 6;
	while (*b64 == ' ')
		b64++;
	size_t len = strlen(b64);
	if (len == 0 || len % 4 || len > 2048)
		return 0;
	unsigned char out[1600];
	int n = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)len);
	if (n < 0)
		return 0;
	/* EVP_DecodeBlock counts the padding as zero bytes */
	if (b64[len - 1] == '=')
		n--;
	if (b64[len - 2] == '=')
		n--;
	out[n] = '\0';
	char expect[1024];
	int m = snprintf(expect, sizeof expect, "%s:%s", cfg->client_id, cfg->client_secret);
	return m == n && memcmp(expect, out, (size_t)n) == 0;
}

void sim_auth_issue_token(const struct sim_config *cfg, double now, char out[64])
{
	struct token *t = sim_xcalloc(1, sizeof *t);
	t->expires = now + cfg->token_seconds;
	memcpy(out, "sim_at_", 7);
	sim_random_hex(out + 7, 24);
	pthread_mutex_lock(&lock);
	free(sim_hash_put(tokens, out, strlen(out), t));
	pthread_mutex_unlock(&lock);
}

bool sim_auth_revoke(const char *token, double now)
{
	pthread_mutex_lock(&lock);
	struct token *t = sim_hash_get(tokens, token, strlen(token));
	bool live = t && !t->revoked && now < t->expires;
	if (t)
		t->revoked = true;
	pthread_mutex_unlock(&lock);
	return live;
}
