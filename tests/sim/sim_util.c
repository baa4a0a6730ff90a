#include "sim_util.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double sim_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double sim_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void oom(void)
{
	fputs("atlas-sim: error: out of memory\n", stderr);
	abort();
}

void *sim_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *sim_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *sim_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *sim_xstrdup(const char *s)
{
	return sim_xstrndup(s, strlen(s));
}

char *sim_xstrndup(const char *s, size_t n)
{
	char *p = sim_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *sim_pct_decode(const char *src, size_t len, int plus_is_space, size_t *out_len)
{
	char *out = sim_xmalloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = src[i];
		if (ch == '%') {
			int hi = i + 2 < len ? hexval((unsigned char)src[i + 1]) : -1;
			int lo = i + 2 < len ? hexval((unsigned char)src[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(out);
				return NULL;
			}
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (ch == '+' && plus_is_space) {
			out[o++] = ' ';
		} else {
			out[o++] = ch;
		}
	}
	out[o] = '\0';
	if (out_len)
		*out_len = o;
	return out;
}

void sim_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[64];
	if (nbytes > sizeof buf)
		nbytes = sizeof buf;
	if (RAND_bytes(buf, (int)nbytes) != 1)
		abort();
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[buf[i] >> 4];
		out[2 * i + 1] = hex[buf[i] & 15];
	}
	out[2 * nbytes] = '\0';
}

void sim_md5_hex(const void *data, size_t len, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL) != 1 || mdlen != 16)
		abort();
	for (unsigned i = 0; i < 16; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[32] = '\0';
}

uint64_t sim_hash64(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;
	if (!h)
		h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

uint64_t sim_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

double sim_unit(uint64_t x)
{
	return (double)(x >> 11) / 9007199254740992.0;
}

int sim_is_object_id(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 24;
}

void sim_http_date(double t, char out[30])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 30, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

char *sim_read_file(const char *path, size_t max, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 65536, n = 0, got;
	char *buf;
	int bad;

	if (!f) {
		snprintf(err, errlen, "could not open '%s': %s", path, strerror(errno));
		return NULL;
	}
	buf = sim_xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (max && n > max)
			break;
		if (cap - n - 1 == 0) {
			cap *= 2;
			buf = sim_xrealloc(buf, cap);
		}
	}
	bad = ferror(f);
	fclose(f);
	if (bad || (max && n > max)) {
		snprintf(err, errlen, "could not read '%s': %s", path,
			 bad ? "read error" : "too large");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}
