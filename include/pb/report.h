/*
 * report: pb-report's engine — reads pb TSV sections into memory and writes
 * them as a report for people: aligned text, GitHub Markdown, self-contained
 * printable HTML with SVG charts, Excel-safe CSV, an XLSX workbook, or a
 * Word 通报 laid out as a 公文 (GB/T 9704). Owns the display rules: labels,
 * vocabularies, % and percentage points, totals rows, official order,
 * prose fill-ins, alignment by display width, escaping and CSV neutralization.
 */
#ifndef PB_REPORT_H
#define PB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "pb/buf.h"
#include "pb/diag.h"

enum pb_report_format {
	PB_REPORT_TEXT,
	PB_REPORT_MD,
	PB_REPORT_HTML,
	PB_REPORT_CSV,
	PB_REPORT_XLSX,
	PB_REPORT_DOCX,
};

/*
 * Section options (headings, labels, columns, sorts, charts) are lists of
 * what was given, in order: "VALUE" applies to every section that has the
 * columns it names (a heading without a prefix: to the next section), and
 * "N:VALUE" to section N alone (1-based), winning over the unprefixed one.
 */
struct pb_report_opts {
	enum pb_report_format format;
	const char *output;           /* -o FILE, or NULL for stdout (xlsx, docx require a file) */
	const char *title, *subtitle; /* or NULL */
	const char *const *notes;     /* --note, in order */
	size_t nnotes;
	const char *const *headings; /* --heading [N:]TEXT */
	size_t nheadings;
	const char *const *labels; /* --label [N:]COL=LABEL */
	size_t nlabels;
	const char *const *columns; /* --columns [N:]COL,...; none: all (a wide ranking: its own) */
	size_t ncolumns;
	const char *const *sorts; /* --sort [N:]COL[:asc|:desc] */
	size_t nsorts;
	const char *const *charts; /* --chart [N:]COL */
	size_t ncharts;
	const char *const *orders; /* --order COL=V1,V2,... or COL=@FILE: official order */
	size_t norders;
	const char *template_path; /* --template FILE: prose with fill-ins, or NULL */
	int precision;             /* decimals of % and percentage points (default 1) */
	int en;                    /* --lang en */
	char *const *inputs;       /* sections; none = stdin */
	size_t ninputs;
};

#define PB_REPORT_OPTS_INIT                                                                        \
	{                                                                                          \
		.format = PB_REPORT_TEXT, .precision = 1                                           \
	}

/* Parses a --format name: 0 and *f set, or -1. */
int pb_report_format_parse(const char *name, enum pb_report_format *f);

/*
 * Checks that the options go together (xlsx and docx need -o, --label has a
 * '=', --sort's direction, --order's form, precision 0..6, a section prefix
 * names a section, no more unprefixed headings than sections, --template
 * not with csv or xlsx): 0, or -1 with err (PB_EXIT_FATAL, a usage error).
 * Call it once before pb_report_run, which trusts the options it is given.
 */
int pb_report_check_opts(const struct pb_report_opts *o, struct pb_error *err);

/*
 * Runs pb-report: reads every section, writes the report to o->output
 * (atomic: temporary file and rename; nothing is left behind on failure)
 * or stdout. Rows with the wrong field count are reported on stderr as
 * FILE:LINE and left out. Returns 0, PB_EXIT_DATA (1) when rows were left
 * out, or -1 with err filled (unreadable input, unknown column, a template
 * fill-in that names no figure, write error); then no output is written.
 */
int pb_report_run(const struct pb_report_opts *o, struct pb_error *err);

/* --- display helpers, exported for the unit tests --- */

/* How a column's cells are shown. */
enum pb_report_kind {
	PB_RK_TEXT,   /* left-aligned text; vocabulary values shown by their labels */
	PB_RK_INT,    /* whole numbers */
	PB_RK_DEC,    /* decimals, shown with 2 places (more where 2 hide a difference) */
	PB_RK_RATE,   /* *_rate, pct, fraction: a fraction shown as 92.6% */
	PB_RK_PP,     /* *_pp: percentage points shown as +5.5 */
	PB_RK_CHANGE, /* *_change (rank_change): whole numbers shown with a sign, +2 */
};

/*
 * Appends s (n bytes of UTF-8) padded with spaces to width display columns
 * (pb_text_width: CJK 2, combining marks 0), on the left when right != 0.
 * A string already as wide or wider is appended unchanged.
 */
int pb_report_pad(struct pb_buf *out, const char *s, size_t n, size_t width, int right);

/*
 * Appends the human form of a number v, given as the decimal text pb TSV
 * holds: RATE v*100 with prec decimals and '%'; PP with prec decimals and a
 * sign ("+5.5", "-1.1", "0.0"); DEC with prec decimals; INT as a whole
 * number; CHANGE as a signed whole number. Rounded once, on the text, half
 * away from zero (四舍五入: 0.8335 is 83.4%, 0.8334995 is 83.3%). signs = 0
 * drops the '+'. Never prints "-0.0". Text that is no decimal number is
 * appended as it is.
 */
int pb_report_put_value(struct pb_buf *out, enum pb_report_kind k, struct pb_str v, int prec,
                        int signs);

/* Appends s with & < > " ' escaped as &amp; &lt; &gt; &quot; &#39;. */
int pb_report_html_escape(struct pb_buf *out, const char *s, size_t n);

/*
 * Appends one CSV field (RFC 4180): quoted when it holds a comma, quote, CR
 * or LF, quotes doubled. Text that starts with '=', '+', '-', '@', TAB or CR
 * and is not a number (a leading '+' never counts as one) gets a "'" first,
 * so a spreadsheet never runs it as a formula.
 */
int pb_report_csv_field(struct pb_buf *out, const char *s, size_t n);

#endif
