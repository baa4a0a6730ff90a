#include "report.h"
#include "csv_output.h"
#include "mem.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

struct report_ctx {
	FILE *out;
	int rows;
};

/* A text cell, guarded against spreadsheet formula injection. */
static void csv_text(FILE *out, const char *s)
{
	if (!s || !*s)
		return;
	if (strchr("=+-@\t\r", s[0])) {
		char *g = xasprintf("'%s", s);
		csv_output_field(out, g, strlen(g));
		free(g);
		return;
	}
	csv_output_field(out, s, strlen(s));
}

static int csv_row(void *vctx, const struct job_row *r)
{
	struct report_ctx *c = vctx;
	FILE *o = c->out;

	fprintf(o, "%lld,%s,", (long long)r->id, job_kind_name(r->kind));
	csv_text(o, r->group_id);
	fputc(',', o);
	csv_text(o, r->user_id);
	fputc(',', o);
	csv_text(o, r->database_name);
	fputc(',', o);
	csv_text(o, r->username);
	fputc(',', o);
	csv_text(o, r->ticket);
	fprintf(o, ",%s,", job_state_name(r->state));
	if (r->http_status)
		fprintf(o, "%ld", r->http_status);
	fputc(',', o);
	csv_text(o, r->error_code);
	fprintf(o, ",%d,", r->attempts);
	csv_text(o, r->updated_at);
	fputc(',', o);
	csv_text(o, r->source_file);
	fprintf(o, ",%ld,", r->source_line);
	csv_text(o, r->detail);
	fputc('\n', o);
	return 0;
}

static void add_str_or_null(cJSON *o, const char *key, const char *v)
{
	if (v && *v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

/* Streams one object at a time, so memory does not grow with the job count. */
static int json_row(void *vctx, const struct job_row *r)
{
	struct report_ctx *c = vctx;
	cJSON *o = cJSON_CreateObject();
	char *text;

	cJSON_AddNumberToObject(o, "job_id", (double)r->id);
	cJSON_AddStringToObject(o, "kind", job_kind_name(r->kind));
	add_str_or_null(o, "group_id", r->group_id);
	add_str_or_null(o, "user_id", r->user_id);
	add_str_or_null(o, "database_name", r->database_name);
	add_str_or_null(o, "username", r->username);
	add_str_or_null(o, "ticket", r->ticket);
	cJSON_AddStringToObject(o, "state", job_state_name(r->state));
	if (r->http_status)
		cJSON_AddNumberToObject(o, "http_status", (double)r->http_status);
	else
		cJSON_AddNullToObject(o, "http_status");
	add_str_or_null(o, "error_code", r->error_code);
	cJSON_AddNumberToObject(o, "attempts", r->attempts);
	add_str_or_null(o, "updated_at", r->updated_at);
	add_str_or_null(o, "source_file", r->source_file);
	cJSON_AddNumberToObject(o, "source_line", (double)r->source_line);
	add_str_or_null(o, "detail", r->detail);
	text = cJSON_PrintUnformatted(o);
	fprintf(c->out, "%s\n  %s", c->rows ? "," : "", text);
	c->rows++;
	free(text);
	cJSON_Delete(o);
	return 0;
}

int report_write(struct jobstore *js, enum report_format fmt, FILE *out, struct ob_err *err)
{
	struct report_ctx c = { out, 0 };
	int ret;

	if (fmt == REPORT_CSV) {
		fputs(REPORT_COLUMNS "\n", out);
		return jobstore_foreach(js, csv_row, &c, err);
	}
	fputc('[', out);
	ret = jobstore_foreach(js, json_row, &c, err);
	fputs(c.rows ? "\n]\n" : "]\n", out);
	return ret;
}
