/*
 * sim_util.h - small helpers shared by the simulator's modules.
 *
 * Time, percent-decoding, random hex strings, MD5 and a 64-bit hash. No state,
 * thread-safe. Out of memory aborts the simulator in one place (sim_xmalloc).
 */
#ifndef SIM_UTIL_H
#define SIM_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Seconds on CLOCK_MONOTONIC, as a double (sub-microsecond precision). */
double sim_now(void);
/* Seconds since the epoch (CLOCK_REALTIME). */
double sim_wall(void);

/* Allocation that never returns NULL: out of memory ends the program here. */
void *sim_xmalloc(size_t n);
void *sim_xcalloc(size_t n, size_t size);
void *sim_xrealloc(void *p, size_t n);
char *sim_xstrdup(const char *s);
char *sim_xstrndup(const char *s, size_t n);

/* Reads a whole file into a NUL-terminated buffer (free it). NULL with a
 * message in err when it cannot be opened or read, or is over max bytes
 * (max 0: no limit). */
char *sim_read_file(const char *path, size_t max, char *err, size_t errlen);

/*
 * Percent-decode src[0..len) into a new NUL-terminated string. plus_is_space
 * is for form bodies and query strings ('+' means space); path segments keep
 * '+'. Returns NULL on a malformed escape or an encoded NUL. *out_len gets the
 * decoded length when not NULL.
 */
char *sim_pct_decode(const char *src, size_t len, int plus_is_space, size_t *out_len);

/* Fill out with 2*nbytes random hex digits and a NUL (OpenSSL RAND_bytes). */
void sim_random_hex(char *out, size_t nbytes);

/* MD5 of data as 32 lowercase hex digits and a NUL. */
void sim_md5_hex(const void *data, size_t len, char out[33]);

/* FNV-1a 64-bit hash, and splitmix64 to turn a seed into a uniform number. */
uint64_t sim_hash64(const void *data, size_t len, uint64_t h);
uint64_t sim_mix64(uint64_t x);
/* A uniform double in [0,1) from a 64-bit value. */
double sim_unit(uint64_t x);

/* 1 if s is exactly 24 lowercase hexadecimal digits (the API's id pattern). */
int sim_is_object_id(const char *s);

/* Format t (epoch seconds) as an IMF-fixdate (RFC 9110) into out[30]. */
void sim_http_date(double t, char out[30]);

#endif
