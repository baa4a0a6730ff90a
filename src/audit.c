#include "audit.h"
#include "clock.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct audit {
	int fd;
	char *path;
	int64_t seq, flushed_seq;
	char hash[65], flushed_hash[65];
	struct ob_buf pending; /* lines appended, not yet written */
	struct audit_torn torn;
};

static void sha256_hex(const void *data, size_t len, char out[65])
{
	/* One line per attempt: fetch the digest once, not per call (OpenSSL 3
	 * looks an implicit EVP_sha256() up every time). Both live as long as
	 * the process: one small allocation, reachable to the end. */
	static EVP_MD *md_sha256;
	static EVP_MD_CTX *ctx;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";
	if (!md_sha256) {
		md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
		ctx = EVP_MD_CTX_new();
	}
	if (!md_sha256 || !ctx || !EVP_DigestInit_ex2(ctx, md_sha256, NULL) ||
	    !EVP_DigestUpdate(ctx, data, len) || !EVP_DigestFinal_ex(ctx, md, &mdlen))
		EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < mdlen && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

char *audit_path_for(const char *db_path)
{
	return xasprintf("%s.audit.jsonl", db_path);
}

/* The last '\n' in buf[0..len), or NULL (memrchr is a GNU extension). */
static char *last_newline(char *buf, size_t len)
{
	while (len--)
		if (buf[len] == '\n')
			return buf + len;
	return NULL;
}

/* Reads `len` bytes at `off`; returns 0 or -1 with errno. */
static int read_at(int fd, char *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Moves the bytes after the last newline to a side file and cuts them off. */
static int set_aside_torn(struct audit *a, const char *tail, size_t len, off_t at,
			  struct ob_err *err)
{
	int fd;
	snprintf(a->torn.saved_to, sizeof(a->torn.saved_to), "%s.torn-%lld", a->path,
		 (long long)time(NULL));
	fd = open(a->torn.saved_to, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, tail, len) != 0 || fsync(fd) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return ob_err_set(err, OB_ERROR, "could not set aside the torn end of '%s': %s",
				  a->path, strerror(e));
	}
	close(fd);
	if (ftruncate(a->fd, at) != 0 || fsync(a->fd) != 0)
		return ob_err_set(err, OB_ERROR, "could not cut the torn end of '%s': %s", a->path,
				  strerror(errno));
	a->torn.bytes = len;
	sha256_hex(tail, len, a->torn.sha256);
	return OB_OK;
}

/* Finds the last complete line: its seq and hash continue the chain. */
static int load_tail(struct audit *a, struct ob_err *err)
{
	struct stat st;
	size_t want = 65536;
	char *buf = NULL;
	int ret = OB_OK;

	a->seq = 0;
	snprintf(a->hash, sizeof(a->hash), "%s", AUDIT_ZERO_HASH);
	if (fstat(a->fd, &st) != 0)
		return ob_err_set(err, OB_ERROR, "could not read '%s': %s", a->path,
				  strerror(errno));
	if (st.st_size == 0)
		return OB_OK;
	for (;;) {
		size_t len = (size_t)st.st_size < want ? (size_t)st.st_size : want;
		off_t base = st.st_size - (off_t)len;
		char *end, *start;
		buf = xrealloc(buf, len + 1);
		if (read_at(a->fd, buf, len, base) != 0) {
			ret = ob_err_set(err, OB_ERROR, "could not read '%s': %s", a->path,
					 strerror(errno));
			goto done;
		}
		buf[len] = '\0';
		end = last_newline(buf, len);
		if (!end && base > 0) {
			want *= 4;
			continue;
		}
		if (!end || end + 1 < buf + len) {
			/* bytes after the last newline: a torn line */
			size_t keep = end ? (size_t)(end + 1 - buf) : 0;
			if ((ret = set_aside_torn(a, buf + keep, len - keep, base + (off_t)keep,
						  err)) < 0)
				goto done;
			if (!end)
				goto done; /* the only line was torn: the chain restarts */
		}
		start = last_newline(buf, (size_t)(end - buf));
		if (!start && base > 0) {
			want *= 4;
			continue;
		}
		start = start ? start + 1 : buf;
		sha256_hex(start, (size_t)(end - start), a->hash);
		*end = '\0';
		cJSON *rec = cJSON_Parse(start);
		cJSON *seq = cJSON_GetObjectItemCaseSensitive(rec, "seq");
		if (!cJSON_IsNumber(seq)) {
			cJSON_Delete(rec);
			ret = ob_err_set(err, OB_EINVALID,
					 "the last record of '%s' is damaged: run 'audit verify'",
					 a->path);
			goto done;
		}
		a->seq = (int64_t)seq->valuedouble;
		cJSON_Delete(rec);
		goto done;
	}
done:
	free(buf);
	return ret;
}

int audit_open(struct audit **out, const char *db_path, struct ob_err *err)
{
	struct audit *a = xcalloc(1, sizeof(*a));
	int ret;

	*out = NULL;
	a->path = audit_path_for(db_path);
	ob_buf_init(&a->pending);
	a->fd = open(a->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (a->fd < 0) {
		ret = ob_err_set(err, OB_ERROR, "could not open audit log '%s': %s", a->path,
				 strerror(errno));
		goto fail;
	}
	if (fchmod(a->fd, 0600) != 0) {
		ret = ob_err_set(err, OB_ERROR, "could not make audit log '%s' private: %s",
				 a->path, strerror(errno));
		goto fail;
	}
	if (flock(a->fd, LOCK_EX | LOCK_NB) != 0) {
		ret = ob_err_set(err, OB_ELOCKED,
				 "another atlas-offboard is working on '%s' (audit log '%s' is "
				 "locked)",
				 db_path, a->path);
		goto fail;
	}
	if ((ret = load_tail(a, err)) < 0)
		goto fail;
	a->flushed_seq = a->seq;
	memcpy(a->flushed_hash, a->hash, sizeof(a->hash));
	*out = a;
	return OB_OK;
fail:
	audit_free(a);
	return ret;
}

void audit_free(struct audit *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	ob_buf_release(&a->pending);
	free(a->path);
	free(a);
}

const char *audit_file(const struct audit *a)
{
	return a->path;
}

int64_t audit_seq(const struct audit *a)
{
	return a->seq;
}

const char *audit_hash(const struct audit *a)
{
	return a->hash;
}

const struct audit_torn *audit_torn(const struct audit *a)
{
	return &a->torn;
}

void audit_add_int(cJSON *o, const char *key, long long v)
{
	char num[24];
	snprintf(num, sizeof(num), "%lld", v);
	cJSON_AddRawToObject(o, key, num);
}

int audit_append(struct audit *a, const char *event, int64_t run, cJSON *fields, struct ob_err *err)
{
	char ts[32];
	cJSON *rec = cJSON_CreateObject();
	char *line = NULL;
	int ret = OB_OK;

	clock_rfc3339(ts);
	audit_add_int(rec, "seq", a->seq + 1);
	cJSON_AddStringToObject(rec, "ts", ts);
	cJSON_AddStringToObject(rec, "event", event);
	if (run > 0)
		audit_add_int(rec, "run", run);
	else
		cJSON_AddNullToObject(rec, "run");
	if (fields) {
		/* move the caller's members, in order, between run and prev */
		cJSON *item;
		while ((item = fields->child) != NULL) {
			cJSON_DetachItemViaPointer(fields, item);
			cJSON_AddItemToObject(rec, item->string, item);
		}
		cJSON_Delete(fields);
	}
	cJSON_AddStringToObject(rec, "prev", a->hash);
	line = cJSON_PrintUnformatted(rec);
	if (!line) {
		ret = ob_err_set(err, OB_ERROR, "could not format an audit record");
		goto done;
	}
	a->seq++;
	sha256_hex(line, strlen(line), a->hash);
	ob_buf_addstr(&a->pending, line);
	ob_buf_addch(&a->pending, '\n');
done:
	free(line);
	cJSON_Delete(rec);
	return ret;
}

int audit_flush(struct audit *a, struct ob_err *err)
{
	if (a->pending.len == 0)
		return OB_OK;
	if (write_all(a->fd, a->pending.ptr, a->pending.len) != 0 || fdatasync(a->fd) != 0)
		return ob_err_set(err, OB_ERROR, "could not write audit log '%s': %s", a->path,
				  strerror(errno));
	ob_buf_reset(&a->pending);
	a->flushed_seq = a->seq;
	memcpy(a->flushed_hash, a->hash, sizeof(a->hash));
	return OB_OK;
}

void audit_discard(struct audit *a)
{
	ob_buf_reset(&a->pending);
	a->seq = a->flushed_seq;
	memcpy(a->hash, a->flushed_hash, sizeof(a->hash));
}

/* --- verification --------------------------------------------------------- */

static int verify_fail(struct audit_verify_result *r, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int verify_fail(struct audit_verify_result *r, long line, const char *fmt, ...)
{
	va_list ap;
	r->ok = 0;
	r->bad_line = line;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return OB_OK;
}

/* Checks one complete line against the chain; returns 0 when it is good. */
static int verify_line(char *line, size_t len, long lineno, int64_t *seq, char prev[65],
		       struct audit_verify_result *r)
{
	cJSON *rec = cJSON_ParseWithLength(line, len);
	cJSON *jseq, *jprev, *last;
	int bad = 1;

	if (!cJSON_IsObject(rec)) {
		verify_fail(r, lineno, "not a JSON object");
		goto done;
	}
	jseq = cJSON_GetObjectItemCaseSensitive(rec, "seq");
	jprev = cJSON_GetObjectItemCaseSensitive(rec, "prev");
	for (last = rec->child; last && last->next; last = last->next)
		;
	if (!cJSON_IsNumber(jseq) || jseq->valuedouble != (double)(*seq + 1)) {
		verify_fail(r, lineno, "sequence gap: expected seq %lld", (long long)(*seq + 1));
		goto done;
	}
	if (!cJSON_IsString(jprev) || last != jprev) {
		verify_fail(r, lineno, "'prev' is missing or not the last field");
		goto done;
	}
	if (strcmp(jprev->valuestring, prev) != 0) {
		verify_fail(r, lineno,
			    "hash mismatch: 'prev' does not match the SHA-256 of line %ld (the "
			    "line before was changed, or this one)",
			    lineno - 1);
		goto done;
	}
	if (cJSON_GetObjectItemCaseSensitive(rec, "set_aside") && !r->set_aside++)
		r->first_set_aside_line = lineno;
	*seq += 1;
	sha256_hex(line, len, prev);
	bad = 0;
done:
	cJSON_Delete(rec);
	return bad;
}

int audit_verify(const char *path, int64_t head_seq, const char *head_hash,
		 struct audit_verify_result *r, struct ob_err *err)
{
	FILE *f = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int64_t seq = 0;
	char prev[65], head_line_hash[65] = "";

	memset(r, 0, sizeof(*r));
	r->ok = 1;
	if (!f) {
		if (errno == ENOENT && head_seq == 0)
			return OB_OK; /* nothing loaded yet: an empty log */
		return ob_err_set(err, OB_ERROR, "could not open audit log '%s': %s", path,
				  strerror(errno));
	}
	snprintf(prev, sizeof(prev), "%s", AUDIT_ZERO_HASH);
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[n - 1] != '\n') {
			verify_fail(r, lineno, "torn last line (%zd bytes without a newline)", n);
			goto done;
		}
		if (verify_line(line, (size_t)n - 1, lineno, &seq, prev, r))
			goto done;
		r->records++;
		if (seq == head_seq)
			memcpy(head_line_hash, prev, sizeof(prev));
	}
	if (ferror(f)) {
		free(line);
		fclose(f);
		return ob_err_set(err, OB_ERROR, "could not read audit log '%s': %s", path,
				  strerror(errno));
	}
	if (seq < head_seq) {
		verify_fail(r, lineno + 1,
			    "head mismatch: the log ends at seq %lld but the job store's head is "
			    "seq %lld (records were removed from the end)",
			    (long long)seq, (long long)head_seq);
		goto done;
	}
	if (head_seq > 0 && strcmp(head_line_hash, head_hash) != 0) {
		verify_fail(r, (long)head_seq,
			    "head mismatch: the record at seq %lld is not the one the job store "
			    "committed",
			    (long long)head_seq);
		goto done;
	}
	r->beyond_head = (long)(seq - head_seq);
done:
	free(line);
	fclose(f);
	return OB_OK;
}
