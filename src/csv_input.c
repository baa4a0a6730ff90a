/*
 * csv_input.c - libcsv callbacks to validated rows (see csv_input.h).
 *
 * libcsv hands us one field at a time (cb1) and then the end of the record
 * (cb2); neither tells us where in the file we are. Line numbers are
 * therefore counted from what we see: CSV_REPALL_NL makes libcsv report every
 * unquoted CR and LF (so blank lines are visible), and newlines inside quoted
 * fields are still in the field's bytes. A CR followed by an LF is one line
 * break, a lone CR is one too (libcsv ends a record on it).
 *
 * Only the current record is kept: its fields are appended to one reusable
 * buffer, so a row costs no allocation once the buffers have grown to the
 * largest record.
 */
#include "csv_input.h"

#include "mem.h"

#include <csv.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Big enough that fread and libcsv's per-call overhead vanish. */
#define CHUNK_SIZE (64 * 1024)

enum col { COL_GROUP, COL_USER, COL_DB, COL_USERNAME, COL_TICKET, COL_COUNT };

/* Lowercase aliases; header names are compared ASCII-case-insensitively. */
static const char *const col_aliases[COL_COUNT][5] = {
	[COL_GROUP] = { "group_id", "groupid", "project_id", "projectid", NULL },
	[COL_USER] = { "user_id", "userid", NULL },
	[COL_DB] = { "database_name", "databasename", "database", "db", NULL },
	[COL_USERNAME] = { "username", "user_name", NULL },
	[COL_TICKET] = { "ticket", "reason", NULL },
};

struct reader {
	const char *path;
	const struct csv_input_cb *cb;
	struct csv_summary *out;
	struct ob_err *err;

	/* Physical line where the current record starts. */
	long line;
	/* Line breaks inside the quoted fields of the current record so far. */
	long extra;
	/* The last thing libcsv reported was a CR ending a line: an LF now is its pair. */
	bool after_cr;

	/* The current record: fields back to back, each NUL-terminated. */
	struct ob_buf rec;
	size_t *offs;
	size_t *lens;
	const char **ptrs;
	size_t nfields;
	size_t cap_fields;

	/* The header, once read: trimmed names (NUL-terminated) and known columns. */
	bool have_header;
	char *hdr_mem;
	const char **names;
	size_t ncols;
	long col[COL_COUNT]; /* field index, -1 when absent */
	enum job_kind kind;

	/* Non-zero once reading must stop: a callback's value or an OB_E* code. */
	int stop;

	char msg[128];
	char gid[JOB_ID_HEX_LEN + 1];
	char uid[JOB_ID_HEX_LEN + 1];
};

/*
 * Counts line breaks in s[0..n): every LF, and every CR not followed by an LF.
 * A CR in the last byte is left undecided in *cr_pending (its LF may come in
 * the next piece); a pending CR from before counts when s does not start
 * with an LF.
 */
static long count_breaks(const unsigned char *s, size_t n, bool *cr_pending)
{
	if (n == 0)
		return 0;
	long k = 0;
	const unsigned char *end = s + n;
	if (*cr_pending && s[0] != '\n')
		k++;
	for (const unsigned char *p = s; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		k++;
	for (const unsigned char *p = s; (p = memchr(p, '\r', (size_t)(end - p))); p++)
		if (p + 1 < end && p[1] != '\n')
			k++;
	*cr_pending = end[-1] == '\r';
	return k;
}

static int no_space(unsigned char c)
{
	/* Cells are taken as written: libcsv must not trim them. */
	(void)c;
	return 0;
}

static bool ascii_caseeq(const char *s, size_t n, const char *lower)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (lower[i] == '\0' || c != (unsigned char)lower[i])
			return false;
	}
	return lower[n] == '\0';
}

static int match_column(const char *s, size_t n)
{
	for (int k = 0; k < COL_COUNT; k++)
		for (const char *const *a = col_aliases[k]; *a; a++)
			if (ascii_caseeq(s, n, *a))
				return k;
	return -1;
}

static void on_field(void *data, size_t n, void *ctx)
{
	struct reader *r = ctx;
	if (r->stop)
		return;
	r->after_cr = false;
	if (n) {
		bool cr = false;
		r->extra += count_breaks(data, n, &cr) + cr;
	}
	if (r->nfields == r->cap_fields) {
		r->cap_fields = r->cap_fields ? r->cap_fields * 2 : 16;
		r->offs = xrealloc(r->offs, r->cap_fields * sizeof(*r->offs));
		r->lens = xrealloc(r->lens, r->cap_fields * sizeof(*r->lens));
		r->ptrs = xrealloc(r->ptrs, r->cap_fields * sizeof(*r->ptrs));
	}
	r->offs[r->nfields] = r->rec.len;
	r->lens[r->nfields] = n;
	r->nfields++;
	if (n)
		ob_buf_add(&r->rec, data, n);
	ob_buf_addch(&r->rec, '\0');
}

static int read_header(struct reader *r, long line)
{
	int ret = 0;
	struct ob_buf ign;
	ob_buf_init(&ign);

	r->ncols = r->nfields;
	r->hdr_mem = xmalloc(r->rec.len);
	memcpy(r->hdr_mem, r->rec.ptr, r->rec.len);
	r->names = xmalloc(r->ncols * sizeof(*r->names));
	for (int k = 0; k < COL_COUNT; k++)
		r->col[k] = -1;

	int *which = xmalloc(r->ncols * sizeof(*which));
	for (size_t i = 0; i < r->ncols; i++) {
		char *s = r->hdr_mem + r->offs[i];
		size_t n = r->lens[i];
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		s[n] = '\0';
		r->names[i] = s;
		int k = which[i] = match_column(s, n);
		if (k < 0)
			continue;
		if (r->col[k] >= 0) {
			ret = ob_err_set(r->err, OB_EINVALID,
					 "%s:%ld: %s: duplicate column (same as '%s')", r->path,
					 line, s, r->names[r->col[k]]);
			goto done;
		}
		r->col[k] = (long)i;
	}

	static const enum col need_db[] = { COL_GROUP, COL_DB, COL_USERNAME };
	static const enum col need_project[] = { COL_GROUP, COL_USER };
	const enum col *need;
	size_t nneed;
	if (r->col[COL_DB] >= 0) {
		r->kind = JOB_DB_USER;
		need = need_db, nneed = 3;
		r->col[COL_USER] = -1; /* not used by database users */
	} else if (r->col[COL_USER] >= 0) {
		r->kind = JOB_PROJECT_USER;
		need = need_project, nneed = 2;
		r->col[COL_USERNAME] = -1; /* not used by project users */
	} else {
		ret = ob_err_set(
			r->err, OB_EINVALID,
			"%s:%ld: header: no user_id or database_name column (project users "
			"need group_id,user_id; database users need "
			"group_id,database_name,username)",
			r->path, line);
		goto done;
	}
	for (size_t j = 0; j < nneed; j++) {
		if (r->col[need[j]] < 0) {
			ret = ob_err_set(r->err, OB_EINVALID, "%s:%ld: %s: missing required column",
					 r->path, line, col_aliases[need[j]][0]);
			goto done;
		}
	}

	/* Everything that does not feed a row, in header order. */
	for (size_t i = 0; i < r->ncols; i++) {
		if (which[i] >= 0 && r->col[which[i]] == (long)i)
			continue;
		ob_buf_addf(&ign, "%s'%s'", ign.len ? ", " : "", r->names[i]);
	}
	r->out->kind = r->kind;
	if (ign.len)
		r->out->ignored = ob_buf_detach(&ign);
	r->have_header = true;

	if (r->cb && r->cb->on_header)
		ret = r->cb->on_header(r->cb->ctx, r->ptrs, r->nfields);
done:
	free(which);
	ob_buf_release(&ign);
	return ret;
}

static const char *check_id(struct reader *r, const char *s, size_t n, char *out)
{
	if (n != JOB_ID_HEX_LEN) {
		snprintf(r->msg, sizeof(r->msg),
			 "must be 24 hexadecimal digits, got %zu characters", n);
		return r->msg;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= '0' && c <= '9')
			out[i] = (char)c;
		else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
			out[i] = (char)(c | 0x20);
		else {
			if (c >= 0x20 && c < 0x7f)
				snprintf(r->msg, sizeof(r->msg),
					 "must be 24 hexadecimal digits, got '%c' at position %zu",
					 c, i + 1);
			else
				snprintf(r->msg, sizeof(r->msg),
					 "must be 24 hexadecimal digits, got '\\x%02x' at position "
					 "%zu",
					 c, i + 1);
			return r->msg;
		}
	}
	out[n] = '\0';
	return NULL;
}

/*
 * UTF-8 without control characters: rejects overlong forms, surrogates and
 * anything above U+10FFFF; C0, DEL and C1 (U+0080-U+009F) are control
 * characters, except that free text (a ticket) may hold tab, LF and CR.
 * Positions are 1-based byte offsets of the sequence at fault.
 */
static const char *check_text(struct reader *r, const char *str, size_t n, size_t max,
			      bool free_text)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n > max) {
		snprintf(r->msg, sizeof(r->msg), "is longer than %zu bytes (%zu)", max, n);
		return r->msg;
	}
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if ((c < 0x20 || c == 0x7f) &&
			    !(free_text && (c == '\t' || c == '\n' || c == '\r')))
				goto control;
			i++;
			continue;
		}
		size_t len;
		uint32_t cp, min;
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			goto invalid;
		if (n - i < len)
			goto invalid;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto invalid;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto invalid;
		if (cp <= 0x9f)
			goto control;
		i += len;
		continue;
	invalid:
		snprintf(r->msg, sizeof(r->msg), "is not valid UTF-8 (byte %zu)", i + 1);
		return r->msg;
	control:
		snprintf(r->msg, sizeof(r->msg), "contains a control character (byte %zu)", i + 1);
		return r->msg;
	}
	return NULL;
}

/* Validates one data record; on failure sets *column and returns the message. */
static const char *check_record(struct reader *r, struct csv_row *row, const char **column)
{
	if (r->nfields > r->ncols) {
		snprintf(r->msg, sizeof(r->msg), "has %zu fields, the header has %zu", r->nfields,
			 r->ncols);
		*column = "row";
		return r->msg;
	}

	static const enum col order[] = { COL_GROUP, COL_USER, COL_DB, COL_USERNAME, COL_TICKET };
	for (size_t j = 0; j < sizeof(order) / sizeof(order[0]); j++) {
		enum col k = order[j];
		long idx = r->col[k];
		if (idx < 0)
			continue;
		*column = r->names[idx];
		if ((size_t)idx >= r->nfields) {
			if (k == COL_TICKET)
				continue;
			return "is missing";
		}
		const char *s = r->ptrs[idx];
		size_t n = r->lens[idx];
		if (n == 0) {
			if (k == COL_TICKET)
				continue;
			return "is empty";
		}
		const char *m = NULL;
		switch (k) {
		case COL_GROUP:
			m = check_id(r, s, n, r->gid);
			row->group_id = r->gid;
			break;
		case COL_USER:
			m = check_id(r, s, n, r->uid);
			row->user_id = r->uid;
			break;
		case COL_DB:
			if ((n == 5 && memcmp(s, "admin", 5) == 0) ||
			    (n == 9 && memcmp(s, "$external", 9) == 0))
				row->database_name = s;
			else
				m = "must be 'admin' or '$external'";
			break;
		case COL_USERNAME:
			m = check_text(r, s, n, JOB_USERNAME_MAX, false);
			row->username = s;
			break;
		case COL_TICKET:
			m = check_text(r, s, n, JOB_TICKET_MAX, true);
			row->ticket = s;
			break;
		case COL_COUNT: break;
		}
		if (m)
			return m;
	}
	return NULL;
}

static void on_record(int c, void *ctx)
{
	struct reader *r = ctx;
	if (r->stop)
		return;
	if (c == '\n' && r->after_cr && r->nfields == 0) {
		r->after_cr = false; /* the LF of a CRLF */
		return;
	}
	long line = r->line;
	r->line += r->extra + (c == -1 ? 0 : 1);
	r->extra = 0;
	r->after_cr = c == '\r';
	if (r->nfields == 0)
		return; /* a blank line */

	for (size_t i = 0; i < r->nfields; i++)
		r->ptrs[i] = r->rec.ptr + r->offs[i];

	if (!r->have_header) {
		r->stop = read_header(r, line);
		goto next;
	}

	struct csv_row row = { .kind = r->kind, .line = line };
	const char *column = NULL;
	const char *m = check_record(r, &row, &column);
	if (m) {
		r->out->rejected++;
		if (r->cb && r->cb->on_reject) {
			struct csv_reject rej = {
				.line = line,
				.column = column,
				.message = m,
				.fields = r->ptrs,
				.nfields = r->nfields,
				.lens = r->lens,
			};
			r->stop = r->cb->on_reject(r->cb->ctx, &rej);
		}
	} else {
		r->out->rows++;
		if (r->cb && r->cb->on_row)
			r->stop = r->cb->on_row(r->cb->ctx, &row);
	}
next:
	r->nfields = 0;
	ob_buf_reset(&r->rec);
}

/* The message for a libcsv error; `at` is the byte libcsv stopped on, or NULL at the end. */
static int csv_failure(struct reader *r, struct csv_parser *p, long line, const unsigned char *at)
{
	int e = csv_error(p);
	if (e != CSV_EPARSE)
		return ob_err_set(r->err, OB_ERROR, "%s:%ld: (csv): %s", r->path, line,
				  csv_strerror(e));
	const char *what = !at          ? "unterminated quoted field"
			   : *at == '"' ? "unexpected '\"' in an unquoted field"
					: "unexpected character after a closing quote";
	return ob_err_set(r->err, OB_EINVALID, "%s:%ld: (csv): malformed CSV: %s", r->path, line,
			  what);
}

int csv_input_read(const char *path, const struct csv_input_cb *cb, struct csv_summary *out,
		   struct ob_err *err)
{
	int ret = 0;
	struct reader r = { .path = path, .cb = cb, .out = out, .err = err, .line = 1 };
	struct csv_parser p;
	bool parser_ok = false;
	unsigned char *buf = NULL;
	EVP_MD_CTX *md = NULL;
	FILE *fp = NULL;
	/* Line breaks in the raw bytes read so far: only needed to place a parse error. */
	long raw_breaks = 0;
	bool raw_cr = false;

	memset(out, 0, sizeof(*out));
	ob_err_clear(err);
	ob_buf_init(&r.rec);

	fp = fopen(path, "rb");
	if (!fp) {
		ret = ob_err_set(err, OB_ERROR, "could not open '%s': %s", path, strerror(errno));
		goto done;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
		ret = ob_err_set(err, OB_ERROR, "could not read '%s': csv_init failed", path);
		goto done;
	}
	parser_ok = true;
	csv_set_space_func(&p, no_space);
	csv_set_realloc_func(&p, xrealloc); /* out of memory ends the program in mem.c */
	csv_set_free_func(&p, free);
	csv_set_blk_size(&p, CHUNK_SIZE);

	md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		ret = ob_err_set(err, OB_ERROR, "could not read '%s': SHA-256 unavailable", path);
		goto done;
	}

	buf = xmalloc(CHUNK_SIZE);
	bool first = true;
	for (;;) {
		size_t n = fread(buf, 1, CHUNK_SIZE, fp);
		if (n == 0) {
			if (ferror(fp)) {
				ret = ob_err_set(err, OB_ERROR, "could not read '%s': %s", path,
						 strerror(errno));
				goto done;
			}
			break;
		}
		if (!EVP_DigestUpdate(md, buf, n)) {
			ret = ob_err_set(err, OB_ERROR, "could not read '%s': SHA-256 failed",
					 path);
			goto done;
		}
		const unsigned char *s = buf;
		if (first && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3, n -= 3;
		first = false;

		size_t used = csv_parse(&p, s, n, on_field, on_record, &r);
		if (r.stop) {
			ret = r.stop;
			goto done;
		}
		if (used != n) {
			bool cr = raw_cr;
			long at = raw_breaks + count_breaks(s, used, &cr) + cr + 1;
			ret = csv_failure(&r, &p, at, s + used);
			goto done;
		}
		raw_breaks += count_breaks(s, n, &raw_cr);
	}
	if (csv_fini(&p, on_field, on_record, &r) != 0) {
		ret = csv_failure(&r, &p, r.line, NULL);
		goto done;
	}
	if (r.stop) {
		ret = r.stop;
		goto done;
	}
	if (!r.have_header) {
		ret = ob_err_set(err, OB_EINVALID, "%s: empty file: expected a header row", path);
		goto done;
	}

	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	if (!EVP_DigestFinal_ex(md, digest, &dlen) || dlen != 32) {
		ret = ob_err_set(err, OB_ERROR, "could not read '%s': SHA-256 failed", path);
		goto done;
	}
	for (unsigned int i = 0; i < dlen; i++)
		snprintf(out->sha256 + 2 * i, 3, "%02x", digest[i]);

done:
	if (ret != 0)
		out->sha256[0] = '\0';
	if (parser_ok)
		csv_free(&p);
	if (fp)
		fclose(fp);
	EVP_MD_CTX_free(md);
	free(buf);
	ob_buf_release(&r.rec);
	free(r.offs);
	free(r.lens);
	free(r.ptrs);
	free(r.names);
	free(r.hdr_mem);
	return ret;
}

void csv_summary_release(struct csv_summary *s)
{
	if (!s)
		return;
	free(s->ignored);
	s->ignored = NULL;
}
