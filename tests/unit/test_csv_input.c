/*
 * test_csv_input.c - the CSV loader: what a user sees for each kind of input
 * (rows, rejects with line, column and message, file errors). Readable inputs
 * live in tests/data/csv/; binary and large ones are generated in a temp dir.
 */
#include "csv_input.h"
#include "mem.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define G "5f1a2b3c4d5e6f7a8b9c0d1e"
#define U "0123456789abcdef01234567"

static char tmpdir[] = "/tmp/test_csv_input.XXXXXX";

/* Everything the callbacks saw, one line per event, so a test compares one string. */
struct log {
	struct ob_buf b;
	int stop_row_at;    /* on_row returns 7 on this call (1-based), 0 = never */
	int stop_reject_at; /* on_reject returns 9 on this call */
	int nrows, nrejects;
	size_t last_lens[8];
};

static void add_text(struct ob_buf *b, const char *s)
{
	/* Control bytes made visible so expectations stay readable. */
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			ob_buf_addf(b, "\\x%02x", c);
		else
			ob_buf_addch(b, (char)c);
	}
}

static int log_header(void *ctx, const char *const *names, size_t n)
{
	struct log *lg = ctx;
	ob_buf_addstr(&lg->b, "header:");
	for (size_t i = 0; i < n; i++) {
		ob_buf_addstr(&lg->b, i ? "|" : " ");
		add_text(&lg->b, names[i]);
	}
	ob_buf_addch(&lg->b, '\n');
	return 0;
}

static int log_row(void *ctx, const struct csv_row *row)
{
	struct log *lg = ctx;
	if (row->kind == JOB_PROJECT_USER) {
		ob_buf_addf(&lg->b, "%ld p %s %s ", row->line, row->group_id, row->user_id);
	} else {
		ob_buf_addf(&lg->b, "%ld d %s %s ", row->line, row->group_id, row->database_name);
		add_text(&lg->b, row->username);
		ob_buf_addch(&lg->b, ' ');
	}
	if (row->ticket)
		add_text(&lg->b, row->ticket);
	else
		ob_buf_addstr(&lg->b, "-");
	ob_buf_addch(&lg->b, '\n');
	return ++lg->nrows == lg->stop_row_at ? 7 : 0;
}

static int log_reject(void *ctx, const struct csv_reject *rej)
{
	struct log *lg = ctx;
	ob_buf_addf(&lg->b, "%ld %s: %s [%zu]\n", rej->line, rej->column, rej->message,
		    rej->nfields);
	for (size_t i = 0; i < rej->nfields && i < 8; i++)
		lg->last_lens[i] = rej->lens[i];
	return ++lg->nrejects == lg->stop_reject_at ? 9 : 0;
}

#define WRITE_LIT(name, lit) write_tmp((name), (lit), sizeof(lit) - 1)

static char *data_path(const char *name)
{
	const char *dir = getenv("OB_TEST_DATA");
	return xasprintf("%s/csv/%s", dir ? dir : "tests/data", name);
}

static char *write_tmp(const char *name, const void *bytes, size_t n)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(bytes, 1, n, fp) != n || fclose(fp) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
	return path;
}

struct result {
	int rc;
	struct csv_summary s;
	struct ob_err err;
	struct log lg;
};

static void run_path(struct result *res, const char *path)
{
	memset(res, 0, sizeof(*res));
	ob_buf_init(&res->lg.b);
	struct csv_input_cb cb = { log_header, log_row, log_reject, &res->lg };
	res->rc = csv_input_read(path, &cb, &res->s, &res->err);
}

static void result_release(struct result *res)
{
	csv_summary_release(&res->s);
	ob_buf_release(&res->lg.b);
}

/* Reads tests/data/csv/NAME; expects success and the given log. */
static void expect_ok(const char *name, const char *want_log, long rows, long rejected)
{
	char *path = data_path(name);
	struct result res;
	run_path(&res, path);
	CHECK_INT(res.rc, 0);
	CHECK_STR(res.err.msg, "");
	CHECK_STR(res.lg.b.ptr, want_log);
	CHECK_INT(res.s.rows, rows);
	CHECK_INT(res.s.rejected, rejected);
	CHECK_INT(strlen(res.s.sha256), 64);
	result_release(&res);
	free(path);
}

/* Expects a file error; `want` has "%s" where the path goes. */
static void expect_err_path(const char *path, int code, const char *want)
{
	struct result res;
	run_path(&res, path);
	char *msg = xasprintf(want, path);
	CHECK_INT(res.rc, code);
	CHECK_STR(res.err.msg, msg);
	CHECK_STR(res.s.sha256, "");
	free(msg);
	result_release(&res);
}

static void expect_err(const char *name, int code, const char *want)
{
	char *path = data_path(name);
	expect_err_path(path, code, want);
	free(path);
}

static void test_project_basic_and_sha(void)
{
	expect_ok("project_basic.csv",
		  "header: group_id|user_id|ticket\n"
		  "2 p " G " aabbccddeeff001122334455 INC-1\n"
		  "3 p " G " " U " -\n",
		  2, 0);
	char *path = data_path("project_basic.csv");
	struct result res;
	run_path(&res, path);
	CHECK_INT(res.s.kind, JOB_PROJECT_USER);
	CHECK(res.s.ignored == NULL);
	/* sha256sum tests/data/csv/project_basic.csv */
	CHECK_STR(res.s.sha256, "368ac54d212aa1f0e7e294e52bc62239ac8f81af90b7eed95a107ab33cbd29d1");
	result_release(&res);
	free(path);

	/* The hash covers the file's bytes, BOM included. */
	path = data_path("bom_crlf_db.csv");
	run_path(&res, path);
	CHECK_STR(res.s.sha256, "05031af136c722f36806777ff3a84d2e77ee4c14b952854097625a32e70f7288");
	CHECK_INT(res.s.kind, JOB_DB_USER);
	result_release(&res);
	free(path);
}

static void test_bom_crlf(void)
{
	expect_ok("bom_crlf_db.csv",
		  "header: groupId|databaseName|userName\n"
		  "2 d " G " admin alice -\n"
		  "4 d " G " $external CN=bob,OU=x -\n"
		  "5 userName: contains a control character (byte 6) [3]\n"
		  "7 d " G " admin carol -\n",
		  3, 1);
}

static void test_quoted(void)
{
	expect_ok("quoted.csv",
		  "header: group_id|database_name|username|ticket\n"
		  "2 d " G " admin x,y t \"q\"\n"
		  "3 d " G " admin u2 line1\\x0aline2\\x0aline3\n"
		  "6 d " G " admin a\"b -\n"
		  "7 d " G " admin c\"\" -\n",
		  4, 0); /* a ticket is free text: line breaks are kept */
}

static void test_blank_lines(void)
{
	expect_ok("blank_lines.csv",
		  "header: group_id|user_id\n"
		  "4 p " G " " U " -\n"
		  "7 group_id: is empty [2]\n"
		  "8 p " G " " U " -\n",
		  2, 1);
}

static void test_lone_cr(void)
{
	static const char s[] = "group_id,user_id\r" G "," U "\r\r" G "," U "\r\n\r\n" G "," U;
	char *path = write_tmp("lone_cr.csv", s, sizeof(s) - 1);
	struct result res;
	run_path(&res, path);
	CHECK_INT(res.rc, 0);
	CHECK_STR(res.lg.b.ptr, "header: group_id|user_id\n"
				"2 p " G " " U " -\n"
				"4 p " G " " U " -\n"
				"6 p " G " " U " -\n");
	result_release(&res);
	free(path);
}

static void test_extra_columns(void)
{
	expect_ok("extra_columns.csv",
		  "header: note| group_id |Extra|\\x09user_id\\x09|username\n"
		  "2 p " G " " U " -\n",
		  1, 0);
	char *path = data_path("extra_columns.csv");
	struct result res;
	run_path(&res, path);
	CHECK_STR(res.s.ignored, "'note', 'Extra', 'username'");
	result_release(&res);
	free(path);
}

static void test_header_errors(void)
{
	expect_err("missing_username.csv", OB_EINVALID, "%s:1: username: missing required column");
	expect_err("no_kind.csv", OB_EINVALID,
		   "%s:1: header: no user_id or database_name column (project users need "
		   "group_id,user_id; database users need group_id,database_name,username)");
	expect_err("duplicate.csv", OB_EINVALID,
		   "%s:1: projectId: duplicate column (same as 'group_id')");
	expect_err("empty.csv", OB_EINVALID, "%s: empty file: expected a header row");
	expect_err("bom_only.csv", OB_EINVALID, "%s: empty file: expected a header row");
	expect_err("blank_only.csv", OB_EINVALID, "%s: empty file: expected a header row");

	char *path = WRITE_LIT("missing_group.csv", "user_id\n");
	expect_err_path(path, OB_EINVALID, "%s:1: group_id: missing required column");
	free(path);
	path = WRITE_LIT("blank_then_dup.csv", "\n\nuserId,USER_ID\n");
	expect_err_path(path, OB_EINVALID, "%s:3: USER_ID: duplicate column (same as 'userId')");
	free(path);
	/* database_name wins: user_id is then ignored, and username is required. */
	path = WRITE_LIT("db_no_user.csv", "user_id,group_id,db\n");
	expect_err_path(path, OB_EINVALID, "%s:1: username: missing required column");
	free(path);

	expect_err_path("/nonexistent/x.csv", OB_ERROR,
			"could not open '%s': No such file or directory");
}

static void test_header_only(void)
{
	expect_ok("header_only.csv", "header: Project_ID|USERID\n", 0, 0);
	char *path = data_path("header_only.csv");
	struct result res;
	run_path(&res, path);
	CHECK_INT(res.s.kind, JOB_PROJECT_USER);
	result_release(&res);
	free(path);
}

static void test_aliases(void)
{
	static const char *const groups[] = { "group_id",  "groupId",     "project_id",
					      "projectId", " GROUP_ID\t", "PROJECTID" };
	static const char *const users[] = { "user_id", "userId", "USER_ID", "\tuserid " };
	static const char *const dbs[] = { "database_name", "databaseName", "database", "db",
					   "DB" };
	static const char *const names[] = { "username", "userName", "user_name", "USERNAME" };
	static const char *const tickets[] = { "ticket", "reason", "Ticket", " REASON " };
	int n = 0, ok = 0;
	for (size_t g = 0; g < sizeof(groups) / sizeof(*groups); g++) {
		for (size_t u = 0; u < sizeof(users) / sizeof(*users); u++) {
			const char *t = tickets[(g + u) % 4];
			char *s = xasprintf("%s,%s,%s\nT1," U "," G "\n", t, users[u], groups[g]);
			char *path = write_tmp("alias.csv", s, strlen(s));
			struct result res;
			run_path(&res, path);
			n++;
			ok += res.rc == 0 && res.s.ignored == NULL &&
			      res.s.kind == JOB_PROJECT_USER &&
			      strstr(res.lg.b.ptr, "\n2 p " G " " U " T1\n") != NULL;
			result_release(&res);
			free(path);
			free(s);
		}
	}
	for (size_t d = 0; d < sizeof(dbs) / sizeof(*dbs); d++) {
		for (size_t u = 0; u < sizeof(names) / sizeof(*names); u++) {
			const char *gr = groups[(d + u) % 6];
			const char *t = tickets[(d + u) % 4];
			char *s = xasprintf("%s,%s,%s,%s\n$external,bob," G ",T2\n", dbs[d],
					    names[u], gr, t);
			char *path = write_tmp("alias.csv", s, strlen(s));
			struct result res;
			run_path(&res, path);
			n++;
			ok += res.rc == 0 && res.s.ignored == NULL && res.s.kind == JOB_DB_USER &&
			      strstr(res.lg.b.ptr, "\n2 d " G " $external bob T2\n") != NULL;
			result_release(&res);
			free(path);
			free(s);
		}
	}
	CHECK_INT(ok, n);
	CHECK_INT(n, 6 * 4 + 5 * 4);

	/* A database-user file ignores user_id (listed), in header order. */
	static const char s[] = "x,user_id,group_id,db,username\n1,zz," G ",admin,u\n";
	char *path = write_tmp("db_with_user.csv", s, sizeof(s) - 1);
	struct result res;
	run_path(&res, path);
	CHECK_INT(res.rc, 0);
	CHECK_STR(res.s.ignored, "'x', 'user_id'");
	CHECK_STR(res.lg.b.ptr, "header: x|user_id|group_id|db|username\n"
				"2 d " G " admin u -\n");
	result_release(&res);
	free(path);
}

static void test_ids(void)
{
	expect_ok("ids.csv",
		  "header: user_id|group_id\n"
		  "2 group_id: must be 24 hexadecimal digits, got 23 characters [2]\n"
		  "3 group_id: must be 24 hexadecimal digits, got 25 characters [2]\n"
		  "4 group_id: must be 24 hexadecimal digits, got 'G' at position 24 [2]\n"
		  "5 user_id: must be 24 hexadecimal digits, got ' ' at position 24 [2]\n"
		  "6 p " G " " U " -\n",
		  1, 4);
}

static void test_bad_db(void)
{
	expect_ok("bad_db.csv",
		  "header: group_id|db|username\n"
		  "2 db: must be 'admin' or '$external' [3]\n"
		  "3 db: must be 'admin' or '$external' [3]\n"
		  "4 db: must be 'admin' or '$external' [3]\n"
		  "5 d " G " $external u -\n"
		  "6 db: must be 'admin' or '$external' [3]\n"
		  "7 db: is empty [3]\n",
		  1, 5);
}

static void test_field_count(void)
{
	expect_ok("field_count.csv",
		  "header: group_id|database_name|username|ticket\n"
		  "2 row: has 5 fields, the header has 4 [5]\n"
		  "3 username: is missing [2]\n"
		  "4 d " G " admin u -\n"
		  "5 database_name: is missing [1]\n"
		  "6 group_id: is empty [2]\n",
		  1, 4);
}

static void test_malformed(void)
{
	struct result res;
	char *path = data_path("stray_quote.csv");
	run_path(&res, path);
	char *want =
		xasprintf("%s:3: (csv): malformed CSV: unexpected '\"' in an unquoted field", path);
	CHECK_INT(res.rc, OB_EINVALID);
	CHECK_STR(res.err.msg, want);
	CHECK_INT(res.s.rows, 1);
	free(want);
	free(path);
	result_release(&res);

	expect_err("after_quote.csv", OB_EINVALID,
		   "%s:2: (csv): malformed CSV: unexpected character after a closing quote");
	expect_err("unterminated.csv", OB_EINVALID,
		   "%s:3: (csv): malformed CSV: unterminated quoted field");
	path = WRITE_LIT("space_after_quote.csv", "group_id,user_id\n\"" G "\" ,x\n");
	expect_err_path(path, OB_EINVALID,
			"%s:2: (csv): malformed CSV: unexpected character after a closing quote");
	free(path);
	/* The offending byte's line, after a quoted field spanning lines. */
	path = WRITE_LIT("late_quote.csv", "group_id,user_id\r\n\"a\r\nb\nc\",x\"\r\n");
	expect_err_path(path, OB_EINVALID,
			"%s:4: (csv): malformed CSV: unexpected '\"' in an unquoted field");
	free(path);
}

static void test_nul_byte(void)
{
	static const char s[] =
		"group_id,database_name,username\n"
		"5f1a\0"
		"b3c4d5e6f7a8b9c0d1e,admin,u\n" G ",admin,ab\0c\n" G ",adm\0n,u\n" G ",admin,ok\n";
	char *path = write_tmp("nul.csv", s, sizeof(s) - 1);
	struct result res;
	run_path(&res, path);
	CHECK_INT(res.rc, 0);
	CHECK_STR(res.lg.b.ptr,
		  "header: group_id|database_name|username\n"
		  "2 group_id: must be 24 hexadecimal digits, got '\\x00' at position 5 [3]\n"
		  "3 username: contains a control character (byte 3) [3]\n"
		  "4 database_name: must be 'admin' or '$external' [3]\n"
		  "5 d " G " admin ok -\n");
	result_release(&res);
	free(path);

	/* The raw fields keep their lengths past the NUL. */
	static const char s2[] = "group_id,database_name,username\n" G ",admin,ab\0cd\n";
	path = write_tmp("nul2.csv", s2, sizeof(s2) - 1);
	run_path(&res, path);
	CHECK_INT(res.s.rejected, 1);
	CHECK_INT(res.lg.last_lens[0], 24);
	CHECK_INT(res.lg.last_lens[1], 5);
	CHECK_INT(res.lg.last_lens[2], 5);
	result_release(&res);
	free(path);
}

static void test_utf8_and_control(void)
{
	static const char s[] =
		"group_id,database_name,username,ticket\n" G ",admin,ok\xc0\x80,\n" /* 2 overlong */
		G ",admin,\xed\xa0\x80,\n"                          /* 3 surrogate */
		G ",admin,ab\xf4\x90\x80\x80,\n"                    /* 4 > U+10FFFF */
		G ",admin,abc\xe2\x82,\n"                           /* 5 truncated */
		G ",admin,\x80,\n"                                  /* 6 stray cont. */
		G ",admin,a\xe2\x28\xa1,\n"                         /* 7 bad cont. */
		G ",admin,x\xf8\x88\x80\x80\x80,\n"                 /* 8 5-byte */
		G ",admin,\xe0\x9f\xbf,\n"                          /* 9 overlong 3 */
		G ",admin,\xf0\x8f\xbf\xbf,\n"                      /* 10 overlong 4 */
		G ",admin,ab\xc2\x85,\n"                            /* 11 C1 (NEL) */
		G ",admin,a\x7f,\n"                                 /* 12 DEL */
		G ",admin,a\tb,\n"                                  /* 13 TAB */
		G ",admin,\x01,\n"                                  /* 14 SOH */
		G ",admin,e\xcc\x81\xe2\x82\xac\xf0\x9f\x98\x80,\n" /* 15 ok */
		G ",admin,\xc2\xa0\xef\xbf\xbf\xf4\x8f\xbf\xbf,\n"  /* 16 ok */
		G ",admin,u,t\xff\n"                                /* 17 ticket */
		G ",admin,u,a\x01\n"                                /* 18 ticket */
		G ",admin,u,\xc2\x9f\n";                            /* 19 ticket C1 */
	char *path = write_tmp("utf8.csv", s, sizeof(s) - 1);
	struct result res;
	run_path(&res, path);
	CHECK_INT(res.rc, 0);
	CHECK_STR(res.lg.b.ptr, "header: group_id|database_name|username|ticket\n"
				"2 username: is not valid UTF-8 (byte 3) [4]\n"
				"3 username: is not valid UTF-8 (byte 1) [4]\n"
				"4 username: is not valid UTF-8 (byte 3) [4]\n"
				"5 username: is not valid UTF-8 (byte 4) [4]\n"
				"6 username: is not valid UTF-8 (byte 1) [4]\n"
				"7 username: is not valid UTF-8 (byte 2) [4]\n"
				"8 username: is not valid UTF-8 (byte 2) [4]\n"
				"9 username: is not valid UTF-8 (byte 1) [4]\n"
				"10 username: is not valid UTF-8 (byte 1) [4]\n"
				"11 username: contains a control character (byte 3) [4]\n"
				"12 username: contains a control character (byte 2) [4]\n"
				"13 username: contains a control character (byte 2) [4]\n"
				"14 username: contains a control character (byte 1) [4]\n"
				"15 d " G " admin e\xcc\x81\xe2\x82\xac\xf0\x9f\x98\x80 -\n"
				"16 d " G " admin \xc2\xa0\xef\xbf\xbf\xf4\x8f\xbf\xbf -\n"
				"17 ticket: is not valid UTF-8 (byte 2) [4]\n"
				"18 ticket: contains a control character (byte 2) [4]\n"
				"19 ticket: contains a control character (byte 1) [4]\n");
	CHECK_INT(res.s.rows, 2);
	CHECK_INT(res.s.rejected, 16);
	result_release(&res);
	free(path);
}

static void test_lengths(void)
{
	struct ob_buf b;
	ob_buf_init(&b);
	ob_buf_addstr(&b, "group_id,database_name,username,ticket\n");
	char name1024[1025], name1025[1026], t256[257], t257[258];
	memset(name1024, 'n', 1024), name1024[1024] = '\0';
	memset(name1025, 'n', 1025), name1025[1025] = '\0';
	memset(t256, 't', 256), t256[256] = '\0';
	memset(t257, 't', 257), t257[257] = '\0';
	ob_buf_addf(&b, G ",admin,%s,%s\n", name1024, t256);
	ob_buf_addf(&b, G ",admin,%s,\n", name1025);
	ob_buf_addf(&b, G ",admin,u,%s\n", t257);
	/* A 1 MiB quoted username with 1000 line breaks (LF and CRLF): rejected, lines still right.
	 */
	ob_buf_addstr(&b, G ",admin,\"");
	for (int i = 0; i < 1000; i++)
		ob_buf_addstr(&b, i % 2 ? "\n" : "\r\n");
	size_t big = 1024 * 1024 - 1500;
	for (size_t i = 0; i < big; i++)
		ob_buf_addch(&b, 'x');
	ob_buf_addstr(&b, "\",\n");
	/* A 1 MiB unquoted username. */
	ob_buf_addstr(&b, G ",admin,");
	for (size_t i = 0; i < 1024 * 1024; i++)
		ob_buf_addch(&b, 'y');
	ob_buf_addstr(&b, "\n" G ",admin,last,\n");
	char *path = write_tmp("lengths.csv", b.ptr, b.len);
	struct result res;
	run_path(&res, path);
	CHECK_INT(res.rc, 0);
	/* The accepted row's username and ticket are long: check the rest of the log. */
	const char *log = res.lg.b.ptr;
	char *want_first = xasprintf("header: group_id|database_name|username|ticket\n"
				     "2 d " G " admin %s %s\n",
				     name1024, t256);
	CHECK(strncmp(log, want_first, strlen(want_first)) == 0);
	CHECK_STR(log + strlen(want_first),
		  "3 username: is longer than 1024 bytes (1025) [4]\n"
		  "4 ticket: is longer than 256 bytes (257) [4]\n"
		  "5 username: is longer than 1024 bytes (1048576) [4]\n"
		  "1006 username: is longer than 1024 bytes (1048576) [3]\n"
		  "1007 d " G " admin last -\n");
	free(want_first);
	result_release(&res);
	free(path);
	ob_buf_release(&b);
}

/* Many CRLF rows with a CR/LF pair split across the 64 KiB read boundary. */
static void test_chunk_boundary(void)
{
	struct ob_buf b;
	ob_buf_init(&b);
	for (int i = 0; i < 43; i++)
		ob_buf_addstr(&b, "\r\n");
	ob_buf_addstr(&b, "group_id,user_id\r\n");
	for (int i = 0; i < 3000; i++)
		ob_buf_addstr(&b, G "," U "\r\n");
	CHECK(b.ptr[65535] == '\r' && b.ptr[65536] == '\n');
	ob_buf_addstr(&b, G ",a\"b\r\n");
	char *path = write_tmp("chunks.csv", b.ptr, b.len);
	struct result res;
	run_path(&res, path);
	char *want = xasprintf(
		"%s:3045: (csv): malformed CSV: unexpected '\"' in an unquoted field", path);
	CHECK_INT(res.rc, OB_EINVALID);
	CHECK_STR(res.err.msg, want);
	CHECK_INT(res.s.rows, 3000);
	const char *last = strstr(res.lg.b.ptr, "\n3044 p ");
	CHECK(last != NULL && strcmp(last, "\n3044 p " G " " U " -\n") == 0);
	CHECK(strstr(res.lg.b.ptr, "\n1327 p ") != NULL); /* the row whose CRLF is split */
	CHECK(strstr(res.lg.b.ptr, "\n1328 p ") != NULL);
	free(want);
	result_release(&res);
	free(path);
	ob_buf_release(&b);
}

static void test_callback_stops(void)
{
	char *path = data_path("project_basic.csv");
	struct result res;
	memset(&res, 0, sizeof(res));
	ob_buf_init(&res.lg.b);
	res.lg.stop_row_at = 1;
	struct csv_input_cb cb = { NULL, log_row, log_reject, &res.lg };
	res.rc = csv_input_read(path, &cb, &res.s, &res.err);
	CHECK_INT(res.rc, 7);
	CHECK_INT(res.s.rows, 1);
	CHECK_STR(res.lg.b.ptr, "2 p " G " aabbccddeeff001122334455 INC-1\n");
	CHECK_STR(res.s.sha256, "");
	CHECK_STR(res.err.msg, "");
	result_release(&res);
	free(path);

	path = data_path("ids.csv");
	memset(&res, 0, sizeof(res));
	ob_buf_init(&res.lg.b);
	res.lg.stop_reject_at = 2;
	res.rc = csv_input_read(path, &cb, &res.s, &res.err);
	CHECK_INT(res.rc, 9);
	CHECK_INT(res.s.rejected, 2);
	CHECK_INT(res.s.rows, 0);
	result_release(&res);
	free(path);

	/* No callbacks at all: still counts. */
	path = data_path("bad_db.csv");
	struct csv_summary s;
	struct ob_err err;
	CHECK_INT(csv_input_read(path, NULL, &s, &err), 0);
	CHECK_INT(s.rows, 1);
	CHECK_INT(s.rejected, 5);
	csv_summary_release(&s);
	free(path);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_project_basic_and_sha();
	test_bom_crlf();
	test_quoted();
	test_blank_lines();
	test_lone_cr();
	test_extra_columns();
	test_header_errors();
	test_header_only();
	test_aliases();
	test_ids();
	test_bad_db();
	test_field_count();
	test_malformed();
	test_nul_byte();
	test_utf8_and_control();
	test_lengths();
	test_chunk_boundary();
	test_callback_stops();

	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
	return tap_done();
}
