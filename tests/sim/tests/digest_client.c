/*
 * digest_client.c - test helper: DELETE each URL in turn with ONE libcurl easy
 * handle and HTTP Digest, printing each final status on its own line.
 * This is how a handle pool behaves: libcurl keeps the nonce and nc per easy
 * handle, so after the first challenge it sends Authorization at once.
 *
 * usage: digest_client USER:PASSWORD ACCEPT URL...
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: digest_client USER:PASSWORD ACCEPT URL...\n");
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *h = curl_easy_init();
	char accept[256];
	snprintf(accept, sizeof accept, "Accept: %s", argv[2]);
	struct curl_slist *hdrs = curl_slist_append(NULL, accept);
	curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_DIGEST);
	curl_easy_setopt(h, CURLOPT_USERPWD, argv[1]);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	int ret = 0;
	for (int i = 3; i < argc; i++) {
		curl_easy_setopt(h, CURLOPT_URL, argv[i]);
		CURLcode rc = curl_easy_perform(h);
		long status = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (rc != CURLE_OK) {
			fprintf(stderr, "digest_client: %s: %s\n", argv[i], curl_easy_strerror(rc));
			ret = 1;
		}
		printf("%ld\n", status);
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	return ret;
}
