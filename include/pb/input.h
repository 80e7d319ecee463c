/*
 * input: reads the files staff actually have — CSV (RFC 4180, via libcsv in
 * strict mode) or tab-separated text, in UTF-8 with or without BOM,
 * GB18030/GBK or UTF-16 with BOM (via iconv), or a sheet of an .xlsx/.xls
 * workbook (pb/workbook.h), told apart by their first bytes — as records of
 * UTF-8 fields, each with the physical line (or sheet row) it starts on. A
 * malformed record is still delivered, with the reason, so the caller can
 * reject it and go on.
 */
#ifndef PB_INPUT_H
#define PB_INPUT_H

#include <stddef.h>

#include "pb/buf.h"
#include "pb/diag.h"
#include "pb/workbook.h"

enum pb_encoding { PB_ENC_AUTO, PB_ENC_UTF8, PB_ENC_GB18030, PB_ENC_UTF16LE, PB_ENC_UTF16BE };
enum pb_format { PB_FMT_AUTO, PB_FMT_CSV, PB_FMT_TSV };

/* A field longer than this makes its record malformed (never fatal). */
#define PB_FIELD_MAX (1u << 20)
/* A record longer than this (an unclosed quote, usually) is cut off and rejected. */
#define PB_RECORD_MAX (16u << 20)
/* A regular file from this size on is parsed on a second thread. */
#define PB_INPUT_AHEAD_MIN (1u << 20)

/* Parses "auto", "utf-8", "gb18030", "gbk", "cp936", "utf-16" (any case). 0 or -1. */
int pb_encoding_parse(const char *name, enum pb_encoding *enc);
const char *pb_encoding_name(enum pb_encoding enc);

struct pb_textin; /* the text parser's state (input.c) */
struct pb_ahead;  /* the thread parsing a regular file ahead (input_ahead.c) */
struct pb_recbuf; /* a batch of parsed records */

struct pb_input {
	const char *name;       /* for messages */
	struct pb_workbook *wb; /* a workbook's sheet, or NULL for text */
	enum pb_encoding enc;   /* given, or as detected by the records read so far */
	enum pb_format fmt;     /* likewise */
	struct pb_textin *t;
	struct pb_ahead *ahead;        /* NULL: records are parsed as they are asked for */
	struct pb_recbuf *own, *batch; /* own: the batch without a thread; batch: being read */
	size_t next;                   /* the next record of batch */
	int started, finished;
	/* the record delivered by pb_input_next: borrowed until the next call */
	struct pb_str *fields;
	size_t nfields, fields_cap;
	long rline;      /* physical line where it starts */
	const char *bad; /* NULL, or why the record is malformed */
	/* with pb_input_want_flags: pb_text_scan's flags per field, else NULL */
	const unsigned char *flags;
};

/*
 * Opens path ("-" or NULL = stdin). A workbook (by its first bytes) is read
 * through pb/workbook.h, sheet as pb_workbook_open takes it; a workbook on
 * stdin is first copied to a temporary file. Text in a regular file of
 * PB_INPUT_AHEAD_MIN bytes or more is parsed on a second thread (started by
 * the first pb_input_next), a batch of records ahead of pb_input_next; the
 * records are the same. 0, or -1 with err (PB_EXIT_FATAL).
 */
int pb_input_open(struct pb_input *in, const char *path, enum pb_encoding enc, enum pb_format fmt,
                  const char *sheet, struct pb_error *err);
/*
 * Next record: 1 (fields, nfields, rline and bad set), 0 at the end, -1 on a
 * read or conversion failure (err, PB_EXIT_FATAL). Fields are UTF-8 as far as
 * the input was; the caller validates them.
 */
int pb_input_next(struct pb_input *in, struct pb_error *err);
void pb_input_close(struct pb_input *in);

/*
 * Asks for each field's pb_text_scan flags with the record (in->flags), so
 * that a file read ahead is also scanned on the reader's thread. Call it
 * before the first pb_input_next. A workbook's rows come without them.
 */
void pb_input_want_flags(struct pb_input *in);

/*
 * Field col of the record after the current one, when it is already parsed
 * (read ahead): 1 and *field (borrowed like the current record's), else 0.
 * A hint, for fetching what that record will need.
 */
int pb_input_peek(const struct pb_input *in, size_t col, struct pb_str *field);

/*
 * Where line (a record's rline; 0 for the whole input) is, as diagnostics
 * name it: "FILE" and the line for text, "FILE:SHEET!ROW" and 0 for a sheet.
 * Sets *file (in->name or buf) and returns the line to print with it.
 */
long pb_input_where(const struct pb_input *in, long line, char *buf, size_t cap, const char **file);

#endif
