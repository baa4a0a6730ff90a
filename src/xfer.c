#include "xfer.h"
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xfer_init(struct xfer *x)
{
	memset(x, 0, sizeof(*x));
	ob_buf_init(&x->body);
	ob_buf_init(&x->path);
	ob_buf_init(&x->url);
}

void xfer_release(struct xfer *x)
{
	if (x->h)
		curl_easy_cleanup(x->h);
	x->h = NULL;
	ob_buf_release(&x->body);
	ob_buf_release(&x->path);
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	ob_buf_release(&x->url);
}

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	struct xfer *x = userp;
	size_t len = size * n;
	if (x->body.len < XFER_BODY_MAX)
		ob_buf_add(&x->body, data,
			   len < XFER_BODY_MAX - x->body.len ? len : XFER_BODY_MAX - x->body.len);
	return len;
}

void xfer_reset(struct xfer *x, long timeout_ms, const struct ca_bundle *ca)
{
	CURL *h = x->h;
	ob_buf_reset(&x->body);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "atlas-offboard/" OB_VERSION);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 60000L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca && ca->data) {
		struct curl_blob blob = { ca->data, ca->len, CURL_BLOB_NOCOPY };
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	x->shared_headers = NULL;
	ob_buf_reset(&x->url);
	x->started_mono = clock_mono_ms();
	clock_rfc3339(x->started_at);
}

const char *xfer_header(CURL *h, const char *name)
{
	struct curl_header *hdr = NULL;
	if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || !hdr)
		return NULL;
	return hdr->value;
}

/* libcurl's CAINFO replaces the system bundle; --cacert adds to it. */
int ca_bundle_load(struct ca_bundle *out, const char *cacert, struct ob_err *err)
{
	struct ob_buf b;
	const char *sys;

	out->data = NULL;
	out->len = 0;
	if (!cacert)
		return 0;
	ob_buf_init(&b);
	sys = curl_version_info(CURLVERSION_NOW)->cainfo;
	for (int i = 0; i < 2; i++) {
		const char *path = i == 0 ? sys : cacert;
		FILE *f = path ? fopen(path, "rb") : NULL;
		char chunk[8192];
		size_t n;
		if (!f) {
			if (i == 0)
				continue;
			ob_buf_release(&b);
			return ob_err_set(err, OB_EINVALID, "could not open CA file '%s'", path);
		}
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			ob_buf_add(&b, chunk, n);
		fclose(f);
		ob_buf_addch(&b, '\n');
	}
	out->len = b.len;
	out->data = ob_buf_detach(&b);
	return 0;
}

void ca_bundle_release(struct ca_bundle *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}
