/*
 * atlas-offboard run: works through every job that is not terminal. Also how
 * a stopped run resumes (SPEC sections 5, 8, 11).
 */
#include "atlas.h"
#include "clock.h"
#include "cmd.h"
#include "engine.h"
#include "exitcodes.h"
#include "mem.h"
#include "msg.h"
#include "progress.h"

#include <curl/curl.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char run_help[] =
	"usage: atlas-offboard run [options] [--db PATH]\n"
	"\n"
	"Removes the users of every job that is not done, absent or failed yet.\n"
	"Running it again resumes; nobody is removed twice.\n"
	"  --concurrency N       requests in flight, 1-256 (default 8)\n"
	"  --max-attempts N      attempts per job for server errors / no answer (default 5)\n"
	"  --rate R              at most R requests per second over the whole run\n"
	"  --limit N             stop once N jobs have ended (a canary)\n"
	"  --dry-run             print every request it would send; send nothing\n"
	"  --yes                 do not ask for confirmation\n"
	"  --max-failures N|P%   stop (exit 4) past N failed jobs, or P% of ended jobs\n"
	"                        once 20 have ended (default 50%)\n"
	"  --project-user-api v1|v2  project-user endpoint (default v2)\n"
	"  --base-url URL        Atlas (default $MONGODB_ATLAS_BASE_URL, else\n"
	"                        https://cloud.mongodb.com); http:// only for loopback\n"
	"  --credentials FILE    KEY=value file (mode 0600) instead of the environment\n"
	"  --cacert FILE         trust this CA as well as the system's\n"
	"  --quiet               no progress line\n"
	"  --db PATH             job store (default $ATLAS_OFFBOARD_DB, else ./offboard.db)\n"
	"Credentials: MONGODB_ATLAS_CLIENT_ID/MONGODB_ATLAS_CLIENT_SECRET (service\n"
	"account) or MONGODB_ATLAS_PUBLIC_API_KEY/MONGODB_ATLAS_PRIVATE_API_KEY.\n";

struct run_args {
	const char *db;
	const char *base_url_opt;
	const char *credentials;
	const char *cacert;
	char *base_url;
	struct engine_opts eo;
	int dry_run, yes, quiet;
};

static void on_signal(int sig)
{
	(void)sig;
	engine_signals++;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int is_loopback(const char *host)
{
	return !strcasecmp(host, "localhost") || !strncmp(host, "127.", 4) ||
	       !strcmp(host, "[::1]") || !strcmp(host, "::1");
}

/* Checks the base URL: https, or http to a loopback host; no query. */
static int check_base_url(const char *in, char **out)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *query = NULL;
	int rc = -1;
	size_t len;

	if (curl_url_set(u, CURLUPART_URL, in, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		msg_error("--base-url '%s' is not a URL", in);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query) {
		msg_error("--base-url '%s' must not have a query", in);
		goto done;
	}
	if (strcasecmp(scheme, "https") != 0 &&
	    !(strcasecmp(scheme, "http") == 0 && is_loopback(host))) {
		msg_error("--base-url '%s': only https:// is allowed (http:// only for loopback "
			  "hosts)",
			  in);
		goto done;
	}
	*out = xstrdup(in);
	len = strlen(*out);
	while (len && (*out)[len - 1] == '/')
		(*out)[--len] = '\0';
	rc = 0;
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(query);
	curl_url_cleanup(u);
	return rc;
}

static int parse_max_failures(const char *s, struct engine_opts *eo)
{
	size_t len = strlen(s);
	long v;
	if (len && s[len - 1] == '%') {
		char *num = xstrndup(s, len - 1);
		int bad = cmd_parse_long(num, 0, 100, &v);
		free(num);
		if (bad)
			return -1;
		eo->max_failures = -1;
		eo->max_failures_pct = (double)v;
		return 0;
	}
	if (cmd_parse_long(s, 0, 1000000000L, &v))
		return -1;
	eo->max_failures = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct run_args *r)
{
	static const struct option opts[] = {
		{ "concurrency", required_argument, NULL, 'c' },
		{ "max-attempts", required_argument, NULL, 'm' },
		{ "rate", required_argument, NULL, 'r' },
		{ "limit", required_argument, NULL, 'l' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "max-failures", required_argument, NULL, 'f' },
		{ "project-user-api", required_argument, NULL, 'a' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "credentials", required_argument, NULL, 'C' },
		{ "cacert", required_argument, NULL, 'A' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbopt = NULL;
	int opt, idx = 0;
	long v;
	char *end;

	r->eo.concurrency = 8;
	r->eo.max_attempts = 5;
	r->eo.max_failures = -1;
	r->eo.max_failures_pct = 50.0;
	r->eo.api = ATLAS_API_V2;
	while ((opt = getopt_long(argc, argv, "", opts, &idx)) != -1) {
		switch (opt) {
		case 'c':
			if (cmd_parse_long(optarg, 1, 256, &v))
				goto bad_value;
			r->eo.concurrency = (int)v;
			break;
		case 'm':
			if (cmd_parse_long(optarg, 1, 100, &v))
				goto bad_value;
			r->eo.max_attempts = (int)v;
			break;
		case 'r':
			r->eo.rate = strtod(optarg, &end);
			if (*end || !(r->eo.rate > 0) || r->eo.rate > 1e6)
				goto bad_value;
			break;
		case 'l':
			if (cmd_parse_long(optarg, 1, 1000000000L, &r->eo.limit))
				goto bad_value;
			break;
		case 'n': r->dry_run = 1; break;
		case 'y': r->yes = 1; break;
		case 'f':
			if (parse_max_failures(optarg, &r->eo))
				goto bad_value;
			break;
		case 'a':
			if (!strcmp(optarg, "v1"))
				r->eo.api = ATLAS_API_V1;
			else if (!strcmp(optarg, "v2"))
				r->eo.api = ATLAS_API_V2;
			else
				goto bad_value;
			break;
		case 'b': r->base_url_opt = optarg; break;
		case 'C': r->credentials = optarg; break;
		case 'A': r->cacert = optarg; break;
		case 'q': r->quiet = 1; break;
		case 'd': dbopt = optarg; break;
		case 'h': fputs(run_help, stdout); return -2;
		default: fputs(run_help, stderr); return -1;
		}
	}
	if (optind < argc) {
		msg_error("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	r->db = cmd_db_path(dbopt);
	r->eo.cacert = r->cacert;
	{
		const char *env = getenv("MONGODB_ATLAS_BASE_URL");
		const char *base = r->base_url_opt ? r->base_url_opt
				   : env && *env   ? env
						   : "https://cloud.mongodb.com";
		if (check_base_url(base, &r->base_url))
			return -1;
		r->eo.base_url = r->base_url;
	}
	return 0;
bad_value:
	msg_error("invalid value '%s' for --%s (see 'atlas-offboard run --help')", optarg,
		  opts[idx].name);
	return -1;
}

/* --- the confirmation and the dry run --------------------------------------- */

struct plan {
	long jobs[3];
	long projects[3];
	long shown;
};

static int plan_line(void *ctx, enum job_kind kind, const char *group_id, long n)
{
	struct plan *p = ctx;
	p->jobs[kind] += n;
	p->projects[kind]++;
	if (p->shown++ < 20)
		fprintf(stderr, "  %-12s project %s: %ld\n", job_kind_name(kind), group_id, n);
	else if (p->shown == 21)
		fprintf(stderr, "  ...\n");
	return 0;
}

static int confirm(struct jobstore *js, const struct run_args *r)
{
	struct plan p = { 0 };
	struct ob_err err = { 0 };
	char answer[16] = "";

	if (!r->yes && !isatty(STDIN_FILENO)) {
		msg_error("refusing to remove users without confirmation: standard input is not a "
			  "terminal (use --yes)");
		return OB_EXIT_USAGE;
	}
	if (!r->yes)
		fprintf(stderr, "about to remove, on %s:\n", r->base_url);
	else
		p.shown = 1000; /* count only */
	if (jobstore_open_by_group(js, plan_line, &p, &err) < 0) {
		msg_err(&err);
		return OB_EXIT_FAILED;
	}
	if (r->yes)
		return 0;
	fprintf(stderr, "%ld project users in %ld projects, %ld database users in %ld projects\n",
		p.jobs[JOB_PROJECT_USER], p.projects[JOB_PROJECT_USER], p.jobs[JOB_DB_USER],
		p.projects[JOB_DB_USER]);
	if (p.jobs[JOB_PROJECT_USER] + p.jobs[JOB_DB_USER] == 0)
		return 0;
	fprintf(stderr, "type 'yes' to remove them: ");
	fflush(stderr);
	if (!fgets(answer, sizeof(answer), stdin) || strcmp(answer, "yes\n") != 0) {
		msg_error("not confirmed: nothing was sent");
		return OB_EXIT_USAGE;
	}
	return 0;
}

struct dry_ctx {
	const struct run_args *r;
	long n;
	struct ob_buf path;
};

static int dry_row(void *vctx, const struct job_row *row)
{
	struct dry_ctx *c = vctx;
	struct job j;
	if (job_state_terminal(row->state))
		return 0;
	job_view(&j, row->kind, row->group_id, row->user_id, row->database_name, row->username,
		 row->ticket);
	ob_buf_reset(&c->path);
	atlas_job_path(&c->path, &j, c->r->eo.api);
	printf("DELETE %s%s  Accept: %s\n", c->r->base_url, c->path.ptr,
	       atlas_job_accept(&j, c->r->eo.api));
	c->n++;
	return 0;
}

static int dry_run(const struct run_args *r)
{
	struct jobstore *js = NULL;
	struct ob_err err = { 0 };
	struct dry_ctx c = { r, 0, { 0 } };
	int rc;

	if ((rc = cmd_open_ro(r->db, &js)) != 0)
		return rc;
	ob_buf_init(&c.path);
	if (jobstore_foreach(js, dry_row, &c, &err) < 0) {
		msg_err(&err);
		rc = OB_EXIT_FAILED;
	} else {
		printf("dry run: %ld request%s would be sent; nothing was sent or changed\n", c.n,
		       c.n == 1 ? "" : "s");
	}
	ob_buf_release(&c.path);
	jobstore_free(js);
	return rc;
}

/* --- run_start / run_end ------------------------------------------------------ */

static cJSON *run_start_fields(const struct run_args *r, const struct auth_creds *cr)
{
	cJSON *f = cJSON_CreateObject();
	struct passwd *pw = getpwuid(geteuid());
	const char *user = getenv("SUDO_USER");
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	cJSON_AddStringToObject(f, "operator", user && *user ? user : pw ? pw->pw_name : "?");
	cJSON_AddStringToObject(f, "host", host);
	cJSON_AddStringToObject(f, "version", OB_VERSION);
	cJSON_AddStringToObject(f, "auth", auth_method_name(cr->method));
	cJSON_AddStringToObject(f, cr->method == AUTH_DIGEST ? "public_key" : "client_id", cr->id);
	cJSON_AddStringToObject(f, "base_url", r->base_url);
	cJSON_AddNumberToObject(f, "concurrency", r->eo.concurrency);
	cJSON_AddStringToObject(f, "project_user_api", r->eo.api == ATLAS_API_V1 ? "v1" : "v2");
	cJSON_AddNumberToObject(f, "max_attempts", r->eo.max_attempts);
	if (r->eo.rate > 0)
		cJSON_AddNumberToObject(f, "rate", r->eo.rate);
	if (r->eo.limit > 0)
		cJSON_AddNumberToObject(f, "limit", (double)r->eo.limit);
	return f;
}

static cJSON *counts_json(const struct job_counts *c)
{
	cJSON *o = cJSON_CreateObject();
	for (int s = 0; s < JOB_STATE_COUNT; s++)
		cJSON_AddNumberToObject(o, job_state_name(s), (double)c->by_state[s]);
	return o;
}

static int exit_code_for(const struct engine_result *res, const struct job_counts *c)
{
	switch (res->stop) {
	case ENGINE_STOP_AUTH:
	case ENGINE_STOP_ACCESS:
	case ENGINE_STOP_VERSION:
	case ENGINE_STOP_TLS: return OB_EXIT_STOPPED;
	case ENGINE_STOP_MAX_FAILURES: return OB_EXIT_MAX_FAILURES;
	case ENGINE_STOP_SIGNAL: return OB_EXIT_INTERRUPTED;
	case ENGINE_FINISHED:
	case ENGINE_STOP_LIMIT: break;
	}
	return c->by_state[JOB_FAILED] ? OB_EXIT_FAILED : OB_EXIT_OK;
}

static void on_notice(void *ctx, const char *text)
{
	progress_clear(ctx);
	msg_warn("%s", text);
}

static void print_summary(const struct engine_result *res, const struct job_counts *c)
{
	const struct engine_stats *s = &res->stats;
	double secs = (double)(clock_mono_ms() - s->started_ms) / 1000.0;
	printf("run: %ld done, %ld absent, %ld failed in %.1f s (%ld requests, %ld rate-limited)\n",
	       s->done, s->absent, s->failed, secs, s->requests, s->rate_limited);
	printf("store: %ld pending, %ld retry_wait, %ld done, %ld absent, %ld failed\n",
	       c->by_state[JOB_PENDING] + c->by_state[JOB_IN_FLIGHT], c->by_state[JOB_RETRY_WAIT],
	       c->by_state[JOB_DONE], c->by_state[JOB_ABSENT], c->by_state[JOB_FAILED]);
}

static const char *stop_advice(enum engine_stop s)
{
	switch (s) {
	case ENGINE_STOP_AUTH: return "Atlas refused the credentials";
	case ENGINE_STOP_ACCESS: return "this machine is not on the API access list";
	case ENGINE_STOP_VERSION: return "Atlas refused this API version";
	case ENGINE_STOP_TLS:
		return "could not verify the TLS certificate (--cacert FILE adds a CA, e.g. a "
		       "proxy's)";
	case ENGINE_STOP_MAX_FAILURES: return "too many jobs failed";
	case ENGINE_STOP_SIGNAL: return "interrupted";
	default: return NULL;
	}
}

static int do_run(struct run_args *r, struct auth_creds *cr)
{
	struct jobstore *js = NULL;
	struct audit *a = NULL;
	struct ob_err err = { 0 };
	struct engine_result res;
	struct job_counts c;
	struct progress prog;
	struct engine_hooks hooks = { on_notice, progress_update, &prog };
	long reset = 0;
	int rc, erc;

	if ((rc = cmd_open_rw(r->db, 0, &js, &a)) != 0)
		return rc;
	if ((rc = confirm(js, r)) != 0)
		goto done;
	install_signals();
	progress_init(&prog, r->quiet);
	cJSON *f = run_start_fields(r, cr);
	char *options = cJSON_PrintUnformatted(f);
	int began = jobstore_begin(js, &err) == 0 && jobstore_prepare_run(js, &reset, &err) == 0 &&
		    jobstore_run_begin(js, options ? options : "{}", &r->eo.run_id, &err) == 0;
	free(options);
	if (!began) {
		cJSON_Delete(f);
		goto fail;
	}
	if (reset)
		cJSON_AddNumberToObject(f, "resent_in_flight", (double)reset);
	cmd_note_set_aside(a, f);
	if (audit_append(a, "run_start", r->eo.run_id, f, &err) < 0)
		goto fail;
	if ((rc = cmd_commit(js, a)) != 0)
		goto done;
	if (reset)
		msg_note("%ld job%s left in flight by an earlier run will be sent again", reset,
			 reset == 1 ? "" : "s");

	erc = engine_run(js, a, cr, &r->eo, &hooks, &res, &err);
	progress_clear(&prog);
	if (erc < 0) {
		msg_err(&err);
		res.stop = ENGINE_FINISHED;
	}
	if (jobstore_counts(js, &c, &err) < 0)
		goto fail;
	rc = erc < 0 ? OB_EXIT_FAILED : exit_code_for(&res, &c);
	if (jobstore_begin(js, &err) < 0 || jobstore_run_end(js, r->eo.run_id, rc, &err) < 0)
		goto fail;
	f = cJSON_CreateObject();
	cJSON_AddItemToObject(f, "counts", counts_json(&c));
	cJSON_AddNumberToObject(f, "requests", (double)res.stats.requests);
	if (res.why[0] && res.stop != ENGINE_FINISHED)
		cJSON_AddStringToObject(f, "stopped", res.why);
	cJSON_AddNumberToObject(f, "exit_code", rc);
	if (audit_append(a, "run_end", r->eo.run_id, f, &err) < 0)
		goto fail;
	if (cmd_commit(js, a) != 0) {
		rc = OB_EXIT_FAILED;
		goto done;
	}
	print_summary(&res, &c);
	if (stop_advice(res.stop))
		msg_error("stopped: %s: %s%s", stop_advice(res.stop), res.why,
			  rc == OB_EXIT_STOPPED || rc == OB_EXIT_INTERRUPTED
				  ? "; 'atlas-offboard run' resumes"
				  : "");
	goto done;
fail:
	msg_err(&err);
	jobstore_rollback(js);
	audit_discard(a);
	rc = OB_EXIT_FAILED;
done:
	audit_free(a);
	jobstore_free(js);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_args r = { 0 };
	struct auth_creds cr = { 0 };
	struct ob_err err = { 0 };
	int rc;

	rc = parse_args(argc, argv, &r);
	if (rc == -2) {
		rc = OB_EXIT_OK;
		goto done;
	}
	if (rc < 0) {
		rc = OB_EXIT_USAGE;
		goto done;
	}
	if (r.dry_run) {
		rc = dry_run(&r);
		goto done;
	}
	if (auth_load(&cr, r.credentials, &err) < 0) {
		msg_err(&err);
		rc = OB_EXIT_USAGE;
		goto done;
	}
	rc = do_run(&r, &cr);
done:
	auth_release(&cr);
	free(r.base_url);
	return rc;
}
