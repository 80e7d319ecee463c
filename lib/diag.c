/* diag: the only library file that writes to stderr or exits. */
#include "pb/diag.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *progname = "pb";

void pb_set_progname(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
	/* A closed pipe must end us quietly, even if a parent ignored SIGPIPE. */
	signal(SIGPIPE, SIG_DFL);
}

const char *pb_progname(void)
{
	return progname;
}

static void vformat(char *out, size_t cap, const char *fmt, va_list ap, int saved_errno)
{
	size_t n;

	vsnprintf(out, cap, fmt, ap);
	n = strlen(out);
	if (n && out[n - 1] == ':')
		snprintf(out + n, cap - n, " %s", strerror(saved_errno));
}

int pb_error_set(struct pb_error *err, int code, const char *file, long line, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	err->line = line;
	va_start(ap, fmt);
	vformat(err->msg, sizeof err->msg, fmt, ap, saved);
	va_end(ap);
	return -1;
}

static int progress_drawn;

static void vwarn_at(const char *file, long line, const char *fmt, va_list ap)
{
	char msg[2048];
	int saved = errno;

	vformat(msg, sizeof msg, fmt, ap, saved);
	if (progress_drawn)
		pb_progress_done();
	if (file && *file && line > 0)
		fprintf(stderr, "%s: %s:%ld: %s\n", progname, file, line, msg);
	else if (file && *file)
		fprintf(stderr, "%s: %s: %s\n", progname, file, msg);
	else
		fprintf(stderr, "%s: %s\n", progname, msg);
}

void pb_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(NULL, 0, fmt, ap);
	va_end(ap);
}

void pb_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(NULL, 0, fmt, ap);
	va_end(ap);
	exit(code);
}

void pb_warn_at(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(file, line, fmt, ap);
	va_end(ap);
}

void pb_usage_die(const char *usage, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vwarn_at(NULL, 0, fmt, ap);
		va_end(ap);
	}
	fputs(usage, stderr);
	fprintf(stderr, "Try '%s --help' for more information.\n", progname);
	exit(PB_EXIT_FATAL);
}

void pb_help_exit(const char *usage, const char *help)
{
	fputs(usage, stdout);
	fputs(help, stdout);
	exit(pb_close_stdout());
}

void pb_version_exit(const char *version)
{
	printf("%s %s\n", progname, version);
	exit(pb_close_stdout());
}

/* the address-space limit the command runs under, for "out of memory" (0: none set) */
static unsigned long long memory_limit;

void pb_note_memory_limit(unsigned long long bytes)
{
	memory_limit = bytes;
}

int pb_error_print(const struct pb_error *err)
{
	int code = err->code ? err->code : PB_EXIT_FATAL;

	if (memory_limit && strncmp(err->msg, "out of memory", 13) == 0)
		pb_warn_at(err->file, err->line,
		           "%s (the limit is %llu %s; PB_MEMORY_LIMIT=SIZE sets another)", err->msg,
		           memory_limit >> (memory_limit >= 1 << 20 ? 20 : 10),
		           memory_limit >= 1 << 20 ? "MiB" : "KiB");
	else
		pb_warn_at(err->file, err->line, "%s", err->msg[0] ? err->msg : "failed");
	return code;
}

void pb_die_error(const struct pb_error *err)
{
	exit(pb_error_print(err));
}

/* set once a stdout write error went to the caller, so it is not reported twice */
static int stdout_error_passed;

int pb_check_stream(FILE *f, const char *name, struct pb_error *err)
{
	if (fflush(f) == 0 && !ferror(f))
		return 0;
	if (errno == EPIPE)
		_exit(0);
	if (f == stdout)
		stdout_error_passed = 1;
	return pb_error_set(err, PB_EXIT_FATAL, name, 0, "write error:");
}

int pb_close_stdout(void)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);
	int saved = errno;

	if (fclose(stdout) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	if (!bad)
		return 0;
	if (saved == EPIPE)
		return 0;
	if (stdout_error_passed)
		return PB_EXIT_FATAL;
	errno = saved;
	pb_warn("write error on standard output:");
	return PB_EXIT_FATAL;
}

static enum pb_progress_mode progress_mode = PB_PROGRESS_AUTO;
static int progress_on = -1, progress_tty;
static time_t progress_last;
static unsigned long long progress_count;

void pb_progress_set(enum pb_progress_mode mode)
{
	progress_mode = mode;
	progress_on = -1;
}

void pb_progress_rows(unsigned long long rows)
{
	time_t now;

	if (progress_on < 0) {
		progress_tty = isatty(STDERR_FILENO);
		progress_on = progress_mode == PB_PROGRESS_ON ||
		    (progress_mode == PB_PROGRESS_AUTO && progress_tty);
	}
	if (!progress_on || (rows & 0xffff) != 0)
		return;
	now = time(NULL);
	if (now == progress_last)
		return;
	progress_last = now;
	if (!progress_tty) {
		/* forced into a log: whole lines, no terminal control */
		fprintf(stderr, "%s: %llu rows\n", progname, rows);
		return;
	}
	fprintf(stderr, "\r%s: %llu rows", progname, rows);
	fflush(stderr);
	progress_drawn = 1;
}

void pb_progress_row(void)
{
	pb_progress_rows(++progress_count);
}

void pb_progress_done(void)
{
	if (!progress_drawn)
		return;
	progress_drawn = 0;
	fputs("\r\033[K", stderr);
	fflush(stderr);
}
