#include "auth.h"
#include "mem.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct kv {
	char *public_key, *private_key, *client_id, *client_secret;
};

static void wipe_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

static void kv_release(struct kv *kv)
{
	wipe_free(kv->public_key);
	wipe_free(kv->private_key);
	wipe_free(kv->client_id);
	wipe_free(kv->client_secret);
	memset(kv, 0, sizeof(*kv));
}

static char **kv_slot(struct kv *kv, const char *name)
{
	if (!strcmp(name, "MONGODB_ATLAS_PUBLIC_API_KEY"))
		return &kv->public_key;
	if (!strcmp(name, "MONGODB_ATLAS_PRIVATE_API_KEY"))
		return &kv->private_key;
	if (!strcmp(name, "MONGODB_ATLAS_CLIENT_ID"))
		return &kv->client_id;
	if (!strcmp(name, "MONGODB_ATLAS_CLIENT_SECRET"))
		return &kv->client_secret;
	return NULL;
}

static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int read_file(struct kv *kv, const char *file, struct ob_err *err)
{
	struct stat st;
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int ret = OB_OK;

	if (!f)
		return ob_err_set(err, OB_EINVALID, "could not open credentials file '%s': %s",
				  file, strerror(errno));
	if (fstat(fileno(f), &st) != 0 || (st.st_mode & 077)) {
		ret = ob_err_set(err, OB_EINVALID,
				 "credentials file '%s' may be read by group or others: run "
				 "'chmod 600 %s'",
				 file, file);
		goto done;
	}
	while (getline(&line, &cap, f) > 0) {
		char *p = trim(line), *eq, *name, *value, **slot;
		lineno++;
		if (!*p || *p == '#')
			continue;
		if (!strncmp(p, "export ", 7))
			p = trim(p + 7);
		eq = strchr(p, '=');
		if (!eq) {
			ret = ob_err_set(err, OB_EINVALID, "%s:%ld: expected NAME=value", file,
					 lineno);
			goto done;
		}
		*eq = '\0';
		name = trim(p);
		value = trim(eq + 1);
		size_t vl = strlen(value);
		if (vl >= 2 && (value[0] == '"' || value[0] == '\'') && value[vl - 1] == value[0]) {
			value[vl - 1] = '\0';
			value++;
		}
		if (!(slot = kv_slot(kv, name))) {
			ret = ob_err_set(err, OB_EINVALID, "%s:%ld: unknown name '%s'", file,
					 lineno, name);
			goto done;
		}
		wipe_free(*slot);
		*slot = xstrdup(value);
	}
done:
	if (line) {
		OPENSSL_cleanse(line, cap);
		free(line);
	}
	fclose(f);
	return ret;
}

static void read_env(struct kv *kv)
{
	static const char *const names[] = { "MONGODB_ATLAS_PUBLIC_API_KEY",
					     "MONGODB_ATLAS_PRIVATE_API_KEY",
					     "MONGODB_ATLAS_CLIENT_ID",
					     "MONGODB_ATLAS_CLIENT_SECRET" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);
		if (v && *v)
			*kv_slot(kv, names[i]) = xstrdup(v);
	}
}

static int nonempty(const char *s)
{
	return s && *s;
}

int auth_load(struct auth_creds *c, const char *file, struct ob_err *err)
{
	struct kv kv = { 0 };
	const char *where = file ? file : "the environment";
	int ret = OB_OK;

	memset(c, 0, sizeof(*c));
	if (file) {
		if ((ret = read_file(&kv, file, err)) < 0)
			goto done;
	} else {
		read_env(&kv);
	}
	if (nonempty(kv.client_id) && nonempty(kv.client_secret)) {
		c->method = AUTH_SERVICE_ACCOUNT;
		c->id = kv.client_id;
		c->secret = kv.client_secret;
		kv.client_id = kv.client_secret = NULL;
	} else if (nonempty(kv.public_key) && nonempty(kv.private_key)) {
		c->method = AUTH_DIGEST;
		c->id = kv.public_key;
		c->secret = kv.private_key;
		kv.public_key = kv.private_key = NULL;
	} else if (nonempty(kv.client_id) || nonempty(kv.client_secret)) {
		ret = ob_err_set(err, OB_EINVALID,
				 "%s has only half of a service account: set both "
				 "MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET",
				 where);
	} else if (nonempty(kv.public_key) || nonempty(kv.private_key)) {
		ret = ob_err_set(err, OB_EINVALID,
				 "%s has only half of an API key: set both "
				 "MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY",
				 where);
	} else {
		ret = ob_err_set(err, OB_EINVALID,
				 "no Atlas credentials in %s: set MONGODB_ATLAS_CLIENT_ID and "
				 "MONGODB_ATLAS_CLIENT_SECRET (service account) or "
				 "MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY, "
				 "or use --credentials FILE",
				 where);
	}
done:
	kv_release(&kv);
	return ret;
}

void auth_release(struct auth_creds *c)
{
	if (!c)
		return;
	wipe_free(c->id);
	wipe_free(c->secret);
	c->id = c->secret = NULL;
}

const char *auth_method_name(enum auth_method m)
{
	return m == AUTH_DIGEST ? "digest" : "service_account";
}

void auth_apply_digest(CURL *h, const struct auth_creds *c)
{
	curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_DIGEST);
	curl_easy_setopt(h, CURLOPT_USERNAME, c->id);
	curl_easy_setopt(h, CURLOPT_PASSWORD, c->secret);
}

void auth_apply_bearer(CURL *h, const char *token)
{
	curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
	curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, token);
}

static void setup_basic_post(CURL *h, const struct auth_creds *c)
{
	curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(h, CURLOPT_USERNAME, c->id);
	curl_easy_setopt(h, CURLOPT_PASSWORD, c->secret);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
}

/* libcurl copies string options, so the URL can be freed at once. */
static void set_url(CURL *h, const char *base_url, const char *path)
{
	char *url = xasprintf("%s%s", base_url, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	free(url);
}

void auth_setup_token_request(CURL *h, const struct auth_creds *c, const char *base_url)
{
	set_url(h, base_url, "/api/oauth/token");
	setup_basic_post(h, c);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, "grant_type=client_credentials");
}

void auth_setup_revoke_request(CURL *h, const struct auth_creds *c, const char *base_url,
			       const char *token)
{
	char *esc = curl_easy_escape(h, token, 0);
	char *form = xasprintf("token=%s&token_type_hint=access_token", esc ? esc : "");
	set_url(h, base_url, "/api/oauth/revoke");
	setup_basic_post(h, c);
	curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, form);
	wipe_free(form);
	if (esc) {
		OPENSSL_cleanse(esc, strlen(esc));
		curl_free(esc);
	}
}

int auth_parse_token(const char *body, size_t len, char **token, long *expires_in,
		     struct ob_err *err)
{
	cJSON *root = cJSON_ParseWithLength(body ? body : "", body ? len : 0);
	cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "access_token");
	cJSON *exp = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	int ret = OB_OK;

	*token = NULL;
	*expires_in = 3600;
	if (!cJSON_IsString(tok) || !*tok->valuestring) {
		ret = ob_err_set(err, OB_ERROR, "the token endpoint's answer has no access_token");
		goto done;
	}
	*token = xstrdup(tok->valuestring);
	if (cJSON_IsNumber(exp) && exp->valuedouble > 0 && exp->valuedouble < 1e7)
		*expires_in = (long)exp->valuedouble;
done:
	if (tok && cJSON_IsString(tok))
		OPENSSL_cleanse(tok->valuestring, strlen(tok->valuestring));
	cJSON_Delete(root);
	return ret;
}

void auth_free_token(char *token)
{
	wipe_free(token);
}
