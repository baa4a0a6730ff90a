/*
 * exitcodes.h - the process exit codes of atlas-offboard (SPEC section 11).
 *
 * These numbers are a public contract: scripts branch on them. They are
 * defined here and nowhere else.
 */
#ifndef OB_EXITCODES_H
#define OB_EXITCODES_H

enum ob_exit {
	OB_EXIT_OK = 0,           /* every job done or absent */
	OB_EXIT_FAILED = 1,       /* finished, some jobs failed; audit verify: bad log */
	OB_EXIT_USAGE = 2,        /* usage or input error, nothing changed */
	OB_EXIT_STOPPED = 3,      /* credentials, access list or API version (resumable) */
	OB_EXIT_MAX_FAILURES = 4, /* stopped by --max-failures */
	OB_EXIT_INTERRUPTED = 130 /* Ctrl-C / SIGTERM (resumable) */
};

#endif
