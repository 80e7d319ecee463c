/*
 * diag: how pb speaks to the user. struct pb_error carries a failure out of
 * the library; this module is the only library code that writes to stderr or
 * exits, always as "pb-cmd: FILE:LINE: message".
 */
#ifndef PB_DIAG_H
#define PB_DIAG_H

#include <stdio.h>

enum pb_exit {
	PB_EXIT_OK = 0,
	PB_EXIT_DATA = 1,  /* some rows rejected or a check failed; good rows written */
	PB_EXIT_FATAL = 2, /* usage error, unreadable input, missing column, write error */
};

/* A failure the library reports to its caller instead of printing it. */
struct pb_error {
	int code;       /* an enum pb_exit value; 0 = no error */
	char file[256]; /* input name, or "" */
	long line;      /* 1-based physical line, or 0 */
	char msg[1024];
};

#define PB_ERROR_INIT                                                                              \
	{                                                                                          \
		0, "", 0, ""                                                                       \
	}

/*
 * Fills err (if not NULL) and returns -1, so a library function can
 * `return pb_error_set(err, PB_EXIT_FATAL, path, 0, "...")`.
 * A format ending in ':' appends ": strerror(errno)".
 */
int pb_error_set(struct pb_error *err, int code, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Program name used in every message; from argv[0]'s last component. */
void pb_set_progname(const char *argv0);
const char *pb_progname(void);

/* "pb-cmd: msg" on stderr. A format ending in ':' appends strerror(errno). */
void pb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, then exit(code). */
void pb_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* "pb-cmd: FILE:LINE: msg" (FILE and LINE omitted when unknown). */
void pb_warn_at(const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prints err and returns its code (PB_EXIT_FATAL if unset). */
int pb_error_print(const struct pb_error *err);
/* Makes "out of memory" errors name the limit the command runs under (pb_cli_limit_memory). */
void pb_note_memory_limit(unsigned long long bytes);
/* Prints err and exits with its code. */
void pb_die_error(const struct pb_error *err) __attribute__((noreturn));

/*
 * A usage error, in one voice for every command: "pb-cmd: msg" (when fmt is
 * not NULL), the usage lines, a pointer to --help, all on stderr; exit 2.
 */
void pb_usage_die(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
/* --help: usage and help on stdout, exit 0 (2 on a write error). */
void pb_help_exit(const char *usage, const char *help) __attribute__((noreturn));
/* --version: "pb-cmd VERSION" on stdout, exit 0 (2 on a write error). */
void pb_version_exit(const char *version) __attribute__((noreturn));

/*
 * Flushes and closes stdout. Returns 0, or 2 after reporting a write error.
 * A closed pipe (EPIPE) is not an error: the command ends quietly with 0.
 */
int pb_close_stdout(void);
/* Checks a stream after writing: 0, or -1 with err filled (EPIPE ends the process quietly). */
int pb_check_stream(FILE *f, const char *name, struct pb_error *err);

/* Progress on stderr: off, on when stderr is a terminal, or forced. */
enum pb_progress_mode { PB_PROGRESS_AUTO, PB_PROGRESS_OFF, PB_PROGRESS_ON };
void pb_progress_set(enum pb_progress_mode mode);
/* Called per row; redraws "pb-cmd: N rows" at most a few times a second. */
void pb_progress_rows(unsigned long long rows);
/* Counts one more row read, then as pb_progress_rows. */
void pb_progress_row(void);
/* Clears the progress line, if one was drawn. */
void pb_progress_done(void);

#endif
