/*
 * report_int: what pb-report's files share and the command need not see —
 * the loaded report (sections, displayed columns, row order, charts, prose)
 * and the model's functions (report_model.c: load, classify, cells, labels;
 * report_order.c: official order and sorting; report_template.c: fill-ins;
 * report_chart.c: what a chart shows; report_draw.c: a chart as PNG and
 * SVG), below the writers that lib/report.c dispatches to (report_text.c,
 * report_html.c, report_xlsx.c, report_docx.c). Nothing calls back up.
 */
#ifndef PB_REPORT_INT_H
#define PB_REPORT_INT_H

#include <stddef.h>
#include <stdio.h>

#include "pb/buf.h"
#include "pb/diag.h"
#include "pb/map.h"
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
	struct pb_map colidx;       /* name -> input column (a wide header is found in one step) */
	struct pb_report_col *cols; /* displayed columns, in display order */
	size_t ncols;
	size_t nrows;
	size_t *cells;        /* nrows * nin pairs (offset, length) into text */
	unsigned char *total; /* per row: 1 when a cell says 合计 */
	size_t *order;        /* display order of the rows */
	struct pb_buf text;   /* every cell's bytes, each followed by a NUL */
	size_t ngroup;        /* group columns: the leading text columns of the input */
	long chart;           /* index into cols of the --chart column, or -1 */
	long period;          /* input column of the periods when the chart is a trend, or -1 */
};

/* An --order: the official order of a column's values. */
struct pb_report_order {
	char *col;
	char **vals;
	size_t nvals;
};

struct pb_report {
	const struct pb_report_opts *o;
	struct pb_report_section *secs;
	size_t nsecs;
	struct pb_report_order *orders;
	size_t norders;
	char **prose; /* --template's paragraphs, filled in */
	size_t nprose;
	int has_date;  /* SOURCE_DATE_EPOCH is set: show the generation date */
	char date[11]; /* YYYY-MM-DD */
};

/*
 * What a chart shows, whatever draws it: bars (one series, a category per
 * row that is not a total) or, for a section over several periods, lines
 * (a category per period, a series per group). Totals and subtotals are
 * never charted.
 */
struct pb_report_chart {
	int trend;
	const char *title;        /* the charted column's label; borrowed */
	enum pb_report_kind kind; /* of the charted column */
	size_t ncat, nseries;
	char **cats;         /* category labels */
	char **names;        /* series names: the group (trend), the column label (bars) */
	size_t *rows;        /* bars: the row of each category */
	double *v;           /* nseries * ncat values (series-major); NaN where there is none */
	char **vtext;        /* the same values as the table shows them, or NULL */
	double lo, hi, step; /* the value axis: from lo to hi, ticks every step */
};

/* --- the model (lib/report_model.c) --- */

/*
 * A section option's section: "N:VALUE" gives *sec = N (1-based; (size_t)-1
 * for "0:"), "VALUE" gives 0. Returns VALUE.
 */
const char *pb_report_sec_arg(const char *arg, size_t *sec);
/* Index of the input column named name, or -1. */
long pb_report_find_col(const struct pb_report_section *s, struct pb_str name);
/* Describes input column c of s (no label): its kind, decimals, vocabulary, by its name, then its
 * values. */
void pb_report_classify(const struct pb_report_section *s, size_t c, struct pb_report_col *col);

/* Splits "COL[:asc|:desc]"; the column part is a view into spec. 0, or -1. */
int pb_report_parse_sort(const char *spec, struct pb_str *col, int *desc);
/*
 * Reads every input into rep->secs; rows with the wrong field count or
 * invalid UTF-8 are reported on stderr and counted in *bad. 0, or -1 with err.
 */
int pb_report_load(struct pb_report *rep, unsigned long *bad, struct pb_error *err);
/*
 * Every column a section option or --order names is there: in section N for
 * "N:...", in some section otherwise. 0, or -1 with err (PB_EXIT_FATAL).
 */
int pb_report_check_names(const struct pb_report *rep, struct pb_error *err);
/* Section k's heading, group columns, shown columns and labels, and chart. 0, or -1 with err. */
int pb_report_shape(struct pb_report *rep, size_t k, struct pb_error *err);
/* The --sort that applies to section k (COL[:desc]), or NULL. */
const char *pb_report_sort_for(const struct pb_report *rep, size_t k);
/* Every --chart charts something (a column that is there but empty is fine). 0, or -1 with err. */
int pb_report_check_charts(const struct pb_report *rep, struct pb_error *err);
/* Frees the sections; accepts a zeroed report. */
void pb_report_sections_release(struct pb_report *rep);

/*
 * Length of the control character at s (n bytes left) that a displayed cell
 * shows as a space: C0, DEL, the C1 controls (a terminal may take U+009B for
 * an escape) and U+2028/U+2029 (line breaks in disguise); 0 for any other.
 */
size_t pb_report_ctl_len(const char *s, size_t n);
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
/* The same for a column described by col (shown or not). */
int pb_report_put_cell(const struct pb_report *rep, const struct pb_report_section *s, size_t r,
                       const struct pb_report_col *col, int signs, int flat, struct pb_buf *out);
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

/* --- row order (lib/report_order.c) --- */

/* Reads every --order (a list, or a file of one value a line): 0, or -1 with err. */
int pb_report_orders_load(struct pb_report *rep, struct pb_error *err);
void pb_report_orders_release(struct pb_report *rep);
/* Orders the rows of s: official order, then sort (COL[:desc], or NULL). 0, or -1 out of memory. */
int pb_report_order_rows(const struct pb_report *rep, struct pb_report_section *s,
                         const char *sort);

/* --- prose (lib/report_template.c) --- */

/*
 * Reads --template and fills in every {S:ROW:COL} and {S:ROW:COL:N} into
 * rep->prose, one string a paragraph. A fill-in that names no figure is an
 * error naming it (PB_EXIT_FATAL): 0, or -1 with err.
 */
int pb_report_template_load(struct pb_report *rep, struct pb_error *err);
void pb_report_template_release(struct pb_report *rep);

/* --- charts (lib/report_chart.c, lib/report_draw.c) --- */

/* What section s charts (s->chart >= 0): 0, or -1 out of memory (ch is then empty). */
int pb_report_chart_make(const struct pb_report *rep, const struct pb_report_section *s,
                         struct pb_report_chart *ch);
void pb_report_chart_release(struct pb_report_chart *ch);
/* A tick label of the value axis: "80%" for a rate, "12.5" otherwise. */
void pb_report_chart_tick(const struct pb_report_chart *ch, double v, char *out, size_t n);
/* How many ticks a trend's value axis has, from lo by step (at least 1, at most 50). */
size_t pb_report_chart_nticks(const struct pb_report_chart *ch);
/*
 * Draws ch with cairo, width points wide and *height high (as the chart
 * needs), as PNG (scale pixels a point) and as SVG, appended to png and
 * svg. 0, or -1.
 */
int pb_report_draw(const struct pb_report_chart *ch, double width, double scale, struct pb_buf *png,
                   struct pb_buf *svg, double *height);

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
int pb_report_write_docx(const struct pb_report *rep, const char *path, struct pb_error *err);

#endif
