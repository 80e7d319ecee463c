/*
 * tsv: the pb TSV record reader and writer every command uses (header lookup
 * by name, exact field counts, Linear-TSV escapes, file:line in every error),
 * and atomic output files (-o FILE appears whole or not at all).
 */
#ifndef PB_TSV_H
#define PB_TSV_H

#include <stdio.h>
#include <sys/types.h>

#include "pb/buf.h"
#include "pb/diag.h"
#include "pb/map.h"

/* The longest line the reader accepts; a longer one is a data error for that row. */
#define PB_TSV_LINE_MAX (64u << 20)
/* The most columns a header may have (memory grows with them); more is fatal. */
#define PB_TSV_COLS_MAX (1u << 20)

struct pb_tsv_reader {
	const char *name; /* for messages: the path, or "-" / "(stdin)" */
	int fd;
	int own_fd;
	long line; /* physical line of the current record (header = 1) */
	/* read buffer: bytes [start, end) not yet consumed */
	char *in;
	size_t start, end, cap;
	int eof;
	/* the header, copied (it must outlive the read buffer); borrowed by pb_tsv_open_at */
	size_t ncols;
	char **cols;
	int borrowed_header;
	struct pb_map names; /* column name -> index, for pb_tsv_col */
	/* the current record: views into the read buffer, unescaped in place */
	size_t nfields;
	struct pb_str *fields;
	size_t fields_cap;
	int escaped; /* the current line holds a backslash */
	int nul;     /* the current line holds a NUL byte */
};

/*
 * Opens path ("-" or NULL = stdin) and reads its header. 0, or -1 with err
 * (PB_EXIT_FATAL: unreadable, empty, no header, bad header). A failed open
 * holds no memory and no descriptor (pb_tsv_close on it does nothing).
 */
int pb_tsv_open(struct pb_tsv_reader *r, const char *path, struct pb_error *err);
/* Same over an open descriptor, which stays the caller's. */
int pb_tsv_open_fd(struct pb_tsv_reader *r, int fd, const char *name, struct pb_error *err);
/*
 * A second reader of the regular file path, from byte at (a line start),
 * numbering records from line (the physical line before the first one read),
 * with like's header borrowed (like must outlive r): one part of a file read
 * on another thread. 0, or -1 with err.
 */
int pb_tsv_open_at(struct pb_tsv_reader *r, const struct pb_tsv_reader *like, const char *path,
                   off_t at, long line, struct pb_error *err);
/*
 * Reads the next record: 1, 0 at the end, -1 with err filled. A row with the
 * wrong field count or a bad escape is PB_EXIT_DATA: the caller may report it
 * and call again; PB_EXIT_FATAL (read error) ends the input.
 * r->fields are borrowed: valid until the next call.
 */
int pb_tsv_next(struct pb_tsv_reader *r, struct pb_error *err);
/*
 * The next good record, for readers that report a bad row and go on: a row
 * with the wrong field count or a bad escape is printed (FILE:LINE: why),
 * counted in *bad_rows and skipped. 1 a record, 0 the end, -1 a fatal error
 * in err (read error, out of memory). Counts each row for --progress.
 */
int pb_tsv_next_row(struct pb_tsv_reader *r, long *bad_rows, struct pb_error *err);
/* Index of a header column, or -1. Constant time: wide headers stay linear. */
int pb_tsv_col(const struct pb_tsv_reader *r, const char *name);
/* The raw (still escaped) text of the current line is not kept; fields are. */
void pb_tsv_close(struct pb_tsv_reader *r);

/* Writes one field with \t \n \r \\ escaped. */
void pb_tsv_put(FILE *f, const char *p, size_t n);
void pb_tsv_puts(FILE *f, const char *z);
void pb_tsv_put_str(FILE *f, struct pb_str s);
/* The same, appended to a buffer (for writers that fwrite whole blocks). 0, or -1 out of memory. */
int pb_tsv_buf_put(struct pb_buf *b, const char *p, size_t n);
/* Unescapes a pb TSV field in place; returns the new length, or (size_t)-1 on a bad escape. */
size_t pb_tsv_unescape(char *p, size_t n);

/*
 * An output that is stdout ("-" or NULL) or a file written to a temporary
 * name in the same folder and renamed into place by pb_out_commit. A path
 * that names a device or a pipe (/dev/null, a FIFO) is written in place.
 */
struct pb_out {
	FILE *f;
	char *path; /* final path, or NULL for stdout */
	char *tmp;  /* temporary path while open; NULL when written in place */
};

#define PB_OUT_INIT                                                                                \
	{                                                                                          \
		NULL, NULL, NULL                                                                   \
	}

int pb_out_open(struct pb_out *o, const char *path, struct pb_error *err);
/* Flushes, checks for write errors, closes and renames. 0 or -1 with err. */
int pb_out_commit(struct pb_out *o, struct pb_error *err);
/* Removes the temporary file, if any; safe after commit or on a zeroed struct. */
void pb_out_abort(struct pb_out *o);

#endif
