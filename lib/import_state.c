/*
 * import_state: what every job of pb-import reads of the run's state — where
 * a row is, for messages, and where a column is in the kind's schema. Below
 * the run (import.c) and its jobs; calls none of them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "import_int.h"

int pb_import_schema_pos(const struct import *im, const char *name)
{
	size_t i;

	for (i = 0; im->kd->columns[i]; i++)
		if (strcmp(im->kd->columns[i], name) == 0)
			return (int)i;
	return -1;
}

long pb_import_where(const struct import *im, long line, char *buf, size_t cap, const char **file)
{
	return pb_input_where(im->in, line, buf, cap, file);
}

int pb_import_fail(const struct import *im, struct pb_error *err, long line, const char *fmt, ...)
{
	char msg[1024], buf[600];
	const char *file;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	line = pb_import_where(im, line, buf, sizeof buf, &file);
	return pb_error_set(err, PB_EXIT_FATAL, file, line, "%s", msg);
}

void pb_import_warn_row(const struct import *im, long line, const char *msg)
{
	const char *file;
	char buf[600];

	line = pb_import_where(im, line, buf, sizeof buf, &file);
	pb_warn_at(file, line, "%s", msg);
}

const char *pb_import_seen_at(const struct import *im, const struct seen *s, char *buf, size_t cap)
{
	if (s->file == im->cur_file_no)
		snprintf(buf, cap, "%s %ld", im->in->wb ? "row" : "line", s->line);
	else
		snprintf(buf, cap, "%s%ld", im->labels[s->file], s->line);
	return buf;
}
