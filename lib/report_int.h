/*
 * report_int: what pb-report's files share and the command need not see —
 * the loaded report (sections, displayed columns, row order), the model's
 * functions (lib/report_model.c) and the writers that lib/report.c
 * dispatches to (report_text.c, report_html.c, report_xlsx.c).
 * The model sits below the writers; the writers never call report.c.
 */
#ifndef PB_REPORT_INT_H
#define PB_REPORT_INT_H

#include <stddef.h>
#include <stdio.h>

#include "pb/buf.h"
#include "pb/diag.h"
#include "pb/report.h"

struct pb_report_col {
	size_t src;       /* index of the input column */
	const char *name; /* input column name; borrowed from the section */
	char *label;      /* display label; owned */
	enum pb_report_kind kind;
	int dec;   /* decimals of a PB_RK_DEC column: 2 to 6 */
	int vocab; /* enum pb_vocab_id of its values, or 0 */
};

struct pb_report_section {
	const char *path;           /* input name, for messages */
	const char *heading;        /* borrowed from the options, or NULL */
	size_t nin;                 /* input columns */
	char **names;               /* input header; owned */
	struct pb_report_col *cols; /* displayed columns, in display order */
	size_t ncols;
	size_t nrows;
	size_t *cells;        /* nrows * nin pairs (offset, length) into text */
	unsigned char *total; /* per row: 1 when a cell says 合计 */
	size_t *order;        /* display order of the rows */
	struct pb_buf text;   /* every cell's bytes, each followed by a NUL */
	long chart;           /* index into cols of the --chart column, or -1 */
};

struct pb_report {
	const struct pb_report_opts *o;
	struct pb_report_section *secs;
	size_t nsecs;
	int has_date;  /* SOURCE_DATE_EPOCH is set: show the generation date */
	char date[11]; /* YYYY-MM-DD */
};

/* --- the model (lib/report_model.c) --- */

/* Splits "COL[:asc|:desc]"; the column part is a view into spec. 0, or -1. */
int pb_report_parse_sort(const char *spec, struct pb_str *col, int *desc);
/*
 * Reads every input into rep->secs; rows with the wrong field count or
 * invalid UTF-8 are reported on stderr and counted in *bad. 0, or -1 with err.
 */
int pb_report_load(struct pb_report *rep, unsigned long *bad, struct pb_error *err);
/* Columns, labels, row order and chart of every section; checks the names given. */
int pb_report_prepare(struct pb_report *rep, struct pb_error *err);
/* Frees what load and prepare made; accepts a zeroed report. */
void pb_report_release(struct pb_report *rep);

/* A number as pb TSV writes one (no leading '+'): 1 and *v (if not NULL), or 0. */
int pb_report_is_number(struct pb_str s, double *v);
/* A cell's raw bytes (input column c of row r); borrowed from s. */
struct pb_str pb_report_raw(const struct pb_report_section *s, size_t r, size_t c);
/*
 * Appends the display form of displayed column c of row r: a vocabulary
 * label, 合计 (Total in English), or a number formatted by its kind.
 * signs = 0 for csv (no '+'). Control characters become spaces when flat.
 */
int pb_report_cell(const struct pb_report *rep, const struct pb_report_section *s, size_t r,
                   size_t c, int signs, int flat, struct pb_buf *out);
/* The numeric value of displayed column c of row r: 0 and *v, or -1 (empty or text). */
int pb_report_num(const struct pb_report_section *s, size_t r, size_t c, double *v);
/*
 * The columns that label the chart's bars: the first displayed text column
 * that is not an id (unit_id, entity_id...; an id only when there is nothing
 * else; *first, or -1 when there is no text column), extended over the text
 * columns right after it (*last) while its values alone repeat among the
 * charted rows.
 */
void pb_report_label_cols(const struct pb_report_section *s, long *first, long *last);

/*
 * --- the writers ---
 * A stream writer writes to f: 0, or -1 (out of memory: everything else was
 * checked when the model was prepared). A file writer writes the file at
 * path (a temporary file that the caller renames): 0, or -1 with err.
 */

int pb_report_write_text(const struct pb_report *rep, FILE *f);
int pb_report_write_md(const struct pb_report *rep, FILE *f);
int pb_report_write_csv(const struct pb_report *rep, FILE *f);
int pb_report_write_html(const struct pb_report *rep, FILE *f);
int pb_report_write_xlsx(const struct pb_report *rep, const char *path, struct pb_error *err);

#endif
