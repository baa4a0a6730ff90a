/*
 * report.h - the per-job export (SPEC section 10): one row per job with the
 * columns of REPORT_COLUMNS, as CSV or as a JSON array of objects with the
 * same keys.
 *
 * CSV text cells that begin with '=', '+', '-', '@', a tab or a CR are
 * prefixed with "'" so that spreadsheets do not run them as formulas. JSON
 * output carries the values unchanged (it is for programs).
 */
#ifndef OB_REPORT_H
#define OB_REPORT_H

#include "jobstore.h"

#include <stdio.h>

enum report_format { REPORT_CSV, REPORT_JSON };

#define REPORT_COLUMNS                                                                             \
	"job_id,kind,group_id,user_id,database_name,username,ticket,state,http_status,"            \
	"error_code,attempts,updated_at,source_file,source_line,detail"

/* Writes every job of `js` to `out`. */
int report_write(struct jobstore *js, enum report_format fmt, FILE *out, struct ob_err *err);

#endif
