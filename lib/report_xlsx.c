/*
 * report_xlsx: pb-report's XLSX writer over libxlsxwriter — a sheet per
 * section, header frozen, autofilter, fitted widths, numbers kept numbers
 * (rates in a percent format), text never a formula, a native column chart.
 * The workbook is written to a temporary file and renamed into place.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "pb/text.h"
#include "pb/value.h"
#include "report_int.h"

#define SHEET_MAX 31 /* Excel's limit, in UTF-16 units */

enum { F_TEXT, F_INT, F_DEC, F_RATE, F_PP, F_CHANGE, F_KINDS };

struct formats {
	lxw_format *cell[2][F_KINDS]; /* [total][kind] */
	lxw_format *dec[2][5];        /* [total][decimals - 2] of PB_RK_DEC columns */
	lxw_format *header, *title, *note;
};

static int kind_fmt(enum pb_report_kind k)
{
	switch (k) {
	case PB_RK_INT: return F_INT;
	case PB_RK_DEC: return F_DEC;
	case PB_RK_RATE: return F_RATE;
	case PB_RK_PP: return F_PP;
	case PB_RK_CHANGE: return F_CHANGE;
	default: return F_TEXT;
	}
}

/* A cell format: thin grey borders, a totals row bold over a heavier line. */
static lxw_format *cell_format(lxw_workbook *wb, int total, const char *num)
{
	lxw_format *x = workbook_add_format(wb);

	if (!x)
		return NULL;
	format_set_border(x, LXW_BORDER_THIN);
	format_set_border_color(x, 0x999999);
	if (total) {
		format_set_bold(x);
		format_set_top(x, LXW_BORDER_MEDIUM);
		format_set_top_color(x, 0x333333);
		format_set_bg_color(x, 0xF4F4F4);
	}
	format_set_num_format(x, num);
	return x;
}

/* Every format the sheets use: 0, or -1 when libxlsxwriter found no memory for one. */
static int make_formats(lxw_workbook *wb, int prec, struct formats *f)
{
	char pct[32], pp[96], dec[16], half[16];
	int t, k;

	for (t = 0; t < 2; t++)
		for (k = 2; k <= 6; k++) {
			snprintf(dec, sizeof dec, "0.%.*s", k, "000000");
			if (!(f->dec[t][k - 2] = cell_format(wb, t, dec)))
				return -1;
		}

	snprintf(dec, sizeof dec, "0.%.*s", prec, "000000");
	snprintf(pct, sizeof pct, "%s%%", prec ? dec : "0");
	/*
	 * points: signed, and a value that shows as zero has no sign (Excel would
	 * show -0.04 as "-0.0"): the sections are chosen by the half of the last place
	 */
	snprintf(half, sizeof half, "0.%.*s5", prec, "000000");
	snprintf(pp, sizeof pp, "[>=%s]+%s;[<=-%s]-%s;%s", half, prec ? dec : "0", half,
	         prec ? dec : "0", prec ? dec : "0");
	for (t = 0; t < 2; t++)
		for (k = 0; k < F_KINDS; k++) {
			const char *num = "@";
			switch (k) {
			case F_INT: num = "0"; break;
			case F_DEC: num = "0.00"; break;
			case F_RATE: num = pct; break;
			case F_PP: num = pp; break;
			case F_CHANGE: num = "+0;-0;0"; break;
			default: break;
			}
			if (!(f->cell[t][k] = cell_format(wb, t, num)))
				return -1;
		}
	if (!(f->header = workbook_add_format(wb)) || !(f->title = workbook_add_format(wb)) ||
	    !(f->note = workbook_add_format(wb)))
		return -1;
	format_set_bold(f->header);
	format_set_align(f->header, LXW_ALIGN_CENTER);
	format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(f->header);
	format_set_bg_color(f->header, 0xEEF1F5);
	format_set_border(f->header, LXW_BORDER_THIN);
	format_set_border_color(f->header, 0x999999);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	format_set_font_size(f->note, 10);
	return 0;
}

/* Length in bytes of the UTF-8 character at p (n bytes left), and *units its UTF-16 length. */
static size_t cp_len(const unsigned char *p, size_t n, size_t *units)
{
	int cp;
	size_t len = pb_utf8_next((const char *)p, n, &cp);

	*units = cp > 0xFFFF ? 2 : 1;
	return len;
}

/*
 * A valid, unique sheet name for section i: the heading with []:*?/\ and
 * control characters replaced by '_', no leading or trailing apostrophe, at
 * most 31 characters; "(2)", "(3)", ... appended to a name already taken
 * (compared ignoring ASCII case, as Excel does).
 */
static void sheet_name(const char *heading, size_t i, int en, char names[][128], char out[128])
{
	char base[128];
	size_t n = 0, units = 0, k, j;
	const unsigned char *p;

	base[0] = '\0';
	if (heading)
		for (p = (const unsigned char *)heading; *p && n < sizeof base - 5;) {
			size_t u, len = cp_len(p, strlen((const char *)p), &u);
			if (units + u > SHEET_MAX)
				break;
			if (len == 1 && (*p < 0x20 || strchr("[]:*?/\\", *p)))
				base[n++] = '_';
			else {
				memcpy(base + n, p, len);
				n += len;
			}
			units += u;
			p += len;
		}
	base[n] = '\0';
	while (n && base[n - 1] == '\'')
		base[--n] = '\0';
	for (k = 0; base[k] == '\''; k++)
		;
	memmove(base, base + k, n - k + 1);
	if (!base[0])
		snprintf(base, sizeof base, en ? "Sheet%zu" : "表%zu", i + 1);
	for (k = 1;; k++) {
		int taken = pb_text_eq_ascii_ci((struct pb_str){ base, strlen(base) }, "history");
		if (k == 1) {
			snprintf(out, 128, "%s", base);
		} else {
			/* cut the base (whole characters) so that "(k)" fits in 31 */
			char suffix[24];
			size_t sl = (size_t)snprintf(suffix, sizeof suffix, "(%zu)", k), cut = 0,
			       cu = 0;
			p = (const unsigned char *)base;
			while (p[cut]) {
				size_t u, len = cp_len(p + cut, strlen((const char *)p + cut), &u);
				if (cu + u + sl > SHEET_MAX)
					break;
				cut += len;
				cu += u;
			}
			snprintf(out, 128, "%.*s%s", (int)cut, base, suffix);
			taken = 0;
		}
		for (j = 0; j < i && !taken; j++)
			taken =
			    pb_text_eq_ascii_ci((struct pb_str){ names[j], strlen(names[j]) }, out);
		if (!taken)
			return;
	}
}

#define XLSX_STR_MAX 32767 /* characters in a cell, Excel's limit */

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * The string to store for the text s (n bytes), NUL-terminated in out:
 * "_xHHHH_", which a spreadsheet reads as the character U+HHHH, is kept as
 * it is by escaping its '_' as "_x005F"; a control character other than tab
 * and line feed is written as that escape itself, since XML cannot carry it
 * and libxlsxwriter copies cell text into a chart's cache as it is; text over
 * Excel's 32,767 characters is cut and ends with "…" (libxlsxwriter would
 * drop the whole cell).
 */
static const char *xlsx_text(struct pb_buf *out, const char *s, size_t n)
{
	size_t i = 0, units = 0;

	pb_buf_reset(out);
	while (i < n) {
		size_t u, len = cp_len((const unsigned char *)s + i, n - i, &u);
		unsigned char c = (unsigned char)s[i];
		int ctl = c < 0x20 && c != '\t' && c != '\n';
		int esc = s[i] == '_' && n - i >= 7 && s[i + 1] == 'x' && is_hex(s[i + 2]) &&
		    is_hex(s[i + 3]) && is_hex(s[i + 4]) && is_hex(s[i + 5]) && s[i + 6] == '_';
		if (esc)
			u += 6;
		if (units + u > XLSX_STR_MAX - 1) {
			pb_buf_adds(out, "\xE2\x80\xA6");
			break;
		}
		if (ctl) {
			char hex[8];
			snprintf(hex, sizeof hex, "_x%04X_", c);
			pb_buf_adds(out, hex);
		} else {
			if (esc)
				pb_buf_adds(out, "_x005F");
			pb_buf_add(out, s + i, len);
		}
		units += u;
		i += len;
	}
	pb_buf_addc(out, '\0');
	return out->oom ? NULL : out->p;
}

/* The workbook being written, and the charts whose data go to the hidden data sheet. */
struct book {
	const struct pb_report *rep;
	lxw_workbook *wb;
	struct formats f;
	char (*names)[128];           /* sheet names: one per section, then the data sheet's */
	struct pb_report_chart *data; /* charts drawn from the data sheet, in its order */
	size_t ndata, data_cap;
	lxw_row_t data_row; /* the data sheet's next free row */
	struct pb_buf cell, text;
	lxw_error wrote; /* the first cell write libxlsxwriter refused, or LXW_NO_ERROR */
};

/* Keeps the first error of a cell write: a cell refused must not go unnoticed. */
static void wrote(struct book *bk, lxw_error e)
{
	if (e != LXW_NO_ERROR && bk->wrote == LXW_NO_ERROR)
		bk->wrote = e;
}

/* worksheet_write_string through xlsx_text. */
static void put_text(struct book *bk, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                     const char *s, size_t n, lxw_format *fmt)
{
	const char *text = xlsx_text(&bk->text, s, n);

	wrote(bk,
	      text ? worksheet_write_string(ws, row, col, text, fmt)
	           : LXW_ERROR_MEMORY_MALLOC_FAILED);
}

/* A column's width in characters, and the table's in pixels (*px, added to). */
static double col_width(const struct pb_report *rep, const struct pb_report_section *s, size_t c,
                        double *px)
{
	struct pb_buf cell = PB_BUF_INIT;
	size_t w = pb_text_width(s->cols[c].label, strlen(s->cols[c].label)), i;
	double chars;

	for (i = 0; i < s->nrows; i++) {
		size_t cw;
		pb_buf_reset(&cell);
		pb_report_cell(rep, s, i, c, 1, 1, &cell);
		cw = pb_text_width(cell.p ? cell.p : "", cell.len);
		if (cw > w)
			w = cw;
	}
	pb_buf_release(&cell);
	w += 2;
	chars = w < 6 ? 6 : w > 60 ? 60 : (double)w;
	*px += chars * 7 + 5;
	return chars;
}

/*
 * Whether the chart's bars are the table's first rows, in order (no total
 * between them): then the chart reads the table itself.
 */
static int bars_in_table(const struct pb_report_section *s, const struct pb_report_chart *ch)
{
	size_t i;

	if (ch->trend || !ch->ncat)
		return 0;
	for (i = 0; i < ch->ncat; i++)
		if (ch->rows[i] != s->order[i])
			return 0;
	return 1;
}

/* The chart's series read from the table: categories over the label columns (several: a multi-level
 * axis). */
static void series_in_table(lxw_chart *chart, const char *sheet, const struct pb_report_section *s,
                            const struct pb_report_chart *ch, const char *name, lxw_row_t hr)
{
	lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
	lxw_row_t last = hr + (lxw_row_t)ch->ncat;
	long lc, lc_last;

	pb_report_label_cols(s, &lc, &lc_last);
	if (lc >= 0)
		chart_series_set_categories(series, sheet, hr + 1, (lxw_col_t)lc, last,
		                            (lxw_col_t)lc_last);
	chart_series_set_values(series, sheet, hr + 1, (lxw_col_t)s->chart, last,
	                        (lxw_col_t)s->chart);
	chart_series_set_name(series, name);
}

/* The chart's series read from its block of the data sheet (written when the book closes). */
static int series_in_data(struct book *bk, lxw_chart *chart, struct pb_report_chart *ch)
{
	const char *sheet = bk->names[bk->rep->nsecs];
	lxw_row_t r0 = bk->data_row;
	size_t i;

	if (pb_grow_zeroed(&bk->data, &bk->data_cap, bk->ndata, sizeof *bk->data) < 0)
		return -1;
	for (i = 0; i < ch->nseries; i++) {
		lxw_chart_series *series = chart_add_series(chart, NULL, NULL);
		chart_series_set_categories(series, sheet, r0 + 1, 0, r0 + (lxw_row_t)ch->ncat, 0);
		chart_series_set_values(series, sheet, r0 + 1, (lxw_col_t)(i + 1),
		                        r0 + (lxw_row_t)ch->ncat, (lxw_col_t)(i + 1));
		chart_series_set_name_range(series, sheet, r0, (lxw_col_t)(i + 1));
		if (ch->trend)
			chart_series_set_marker_type(series, LXW_CHART_MARKER_CIRCLE);
	}
	bk->data_row += (lxw_row_t)ch->ncat + 2;
	bk->data[bk->ndata++] = *ch; /* the book owns it now */
	memset(ch, 0, sizeof *ch);
	return 0;
}

/*
 * The section's chart, below the table and its notes (at row below), as wide
 * as the table (px pixels) or as its bars need: bars of the rows that are not
 * totals, or a line per group over the periods. 0, or -1 out of memory.
 */
static int add_chart(struct book *bk, lxw_worksheet *ws, const char *sheet,
                     const struct pb_report_section *s, lxw_row_t hr, lxw_row_t below, double px)
{
	struct pb_report_chart ch;
	lxw_chart_options place = { .x_scale = 1, .y_scale = 1 };
	lxw_chart *chart;
	int rc = 0;

	if (pb_report_chart_make(bk->rep, s, &ch) < 0)
		return -1;
	if (!ch.ncat) {
		pb_report_chart_release(&ch);
		return 0;
	}
	chart = workbook_add_chart(bk->wb, ch.trend ? LXW_CHART_LINE : LXW_CHART_COLUMN);
	chart_title_set_name(chart, xlsx_text(&bk->text, ch.title, strlen(ch.title)));
	chart_legend_set_position(chart,
	                          ch.trend ? LXW_CHART_LEGEND_BOTTOM : LXW_CHART_LEGEND_NONE);
	if (ch.kind == PB_RK_RATE)
		chart_axis_set_num_format(chart->y_axis, "0%");
	if (ch.trend) { /* lines between round ticks */
		chart_axis_set_min(chart->y_axis, ch.lo);
		chart_axis_set_max(chart->y_axis, ch.hi);
		chart_axis_set_major_unit(chart->y_axis, ch.step);
	} else { /* bars from zero, as in the HTML chart (a spreadsheet would start at 75%) */
		if (ch.lo >= 0)
			chart_axis_set_min(chart->y_axis, 0);
		if (ch.kind == PB_RK_RATE && ch.lo >= 0 && ch.hi <= 1)
			chart_axis_set_max(chart->y_axis, 1); /* rates against the whole */
	}
	place.x_scale = fmax(px, 40.0 * (double)ch.ncat) / 480;
	place.x_scale = place.x_scale < 1 ? 1 : place.x_scale > 2.5 ? 2.5 : place.x_scale;
	if (bars_in_table(s, &ch))
		series_in_table(chart, sheet, s, &ch, bk->text.p /* the title, escaped */, hr);
	else
		rc = series_in_data(bk, chart, &ch);
	worksheet_insert_chart_opt(ws, below, 0, chart, &place);
	pb_report_chart_release(&ch);
	return rc;
}

/* The header row and the rows; returns the table's width in pixels. */
static double write_table(struct book *bk, lxw_worksheet *ws, const struct pb_report_section *s,
                          lxw_row_t hr)
{
	const struct formats *f = &bk->f;
	double px = 0;
	size_t i, c;

	for (c = 0; c < s->ncols; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, col_width(bk->rep, s, c, &px),
		                     NULL);
		put_text(bk, ws, hr, (lxw_col_t)c, s->cols[c].label, strlen(s->cols[c].label),
		         f->header);
	}
	for (i = 0; i < s->nrows; i++) {
		size_t r = s->order[i];
		int t = s->total[r] != 0;
		lxw_row_t row = hr + 1 + (lxw_row_t)i;
		for (c = 0; c < s->ncols; c++) {
			lxw_format *fmt = s->cols[c].kind == PB_RK_DEC
			    ? f->dec[t][s->cols[c].dec - 2]
			    : f->cell[t][kind_fmt(s->cols[c].kind)];
			double v;
			if (s->cols[c].kind != PB_RK_TEXT && pb_report_num(s, r, c, &v) == 0) {
				wrote(bk, worksheet_write_number(ws, row, (lxw_col_t)c, v, fmt));
				continue;
			}
			pb_buf_reset(&bk->cell);
			pb_report_cell(bk->rep, s, r, c, 0, 0, &bk->cell);
			if (bk->cell.len)
				put_text(bk, ws, row, (lxw_col_t)c, bk->cell.p, bk->cell.len,
				         f->cell[t][F_TEXT]);
			else
				wrote(bk, worksheet_write_blank(ws, row, (lxw_col_t)c, fmt));
		}
	}
	return px;
}

/*
 * A sheet per section: title, subtitle and heading, the table (header frozen,
 * filtered and repeated on printed pages), the notes, the chart below. It
 * prints on A4, one page wide, landscape when the table has over 8 columns.
 */
static int write_sheet(struct book *bk, const struct pb_report_section *s, const char *name)
{
	const struct pb_report_opts *o = bk->rep->o;
	lxw_worksheet *ws = workbook_add_worksheet(bk->wb, name);
	const struct formats *f = &bk->f;
	lxw_row_t row = 0, hr;
	double px;
	size_t i;

	if (!ws)
		return -1;
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	if (s->ncols > 8)
		worksheet_set_landscape(ws);
	if (o->title)
		put_text(bk, ws, row++, 0, o->title, strlen(o->title), f->title);
	if (o->subtitle)
		put_text(bk, ws, row++, 0, o->subtitle, strlen(o->subtitle), NULL);
	if (s->heading)
		put_text(bk, ws, row++, 0, s->heading, strlen(s->heading), NULL);
	hr = row ? row + 1 : 0;
	px = write_table(bk, ws, s, hr);
	row = hr + (lxw_row_t)s->nrows;
	worksheet_freeze_panes(ws, hr + 1, 0);
	worksheet_repeat_rows(ws, hr, hr);
	if (s->ncols)
		worksheet_autofilter(ws, hr, 0, row, (lxw_col_t)(s->ncols - 1));
	if (o->nnotes)
		row++;
	for (i = 0; i < o->nnotes; i++)
		put_text(bk, ws, ++row, 0, o->notes[i], strlen(o->notes[i]), f->note);
	return s->chart >= 0 ? add_chart(bk, ws, name, s, hr, row + 2, px) : 0;
}

/* The hidden sheet the charts that are not the table's rows read: a block per chart. */
static int write_data_sheet(struct book *bk)
{
	lxw_worksheet *ws;
	lxw_row_t r0 = 0;
	size_t i, k, j;

	if (!bk->ndata)
		return 0;
	if (!(ws = workbook_add_worksheet(bk->wb, bk->names[bk->rep->nsecs])))
		return -1;
	for (i = 0; i < bk->ndata; i++) {
		const struct pb_report_chart *ch = &bk->data[i];
		for (j = 0; j < ch->nseries; j++)
			put_text(bk, ws, r0, (lxw_col_t)(j + 1), ch->names[j], strlen(ch->names[j]),
			         NULL);
		for (k = 0; k < ch->ncat; k++) {
			put_text(bk, ws, r0 + 1 + (lxw_row_t)k, 0, ch->cats[k], strlen(ch->cats[k]),
			         NULL);
			for (j = 0; j < ch->nseries; j++)
				if (!isnan(ch->v[j * ch->ncat + k]))
					wrote(bk,
					      worksheet_write_number(
					          ws, r0 + 1 + (lxw_row_t)k, (lxw_col_t)(j + 1),
					          ch->v[j * ch->ncat + k], NULL));
		}
		r0 += (lxw_row_t)ch->ncat + 2;
	}
	worksheet_hide(ws);
	return 0;
}

static time_t source_date(void)
{
	long long t;

	return pb_source_date_epoch(&t) && t > 0 ? (time_t)t : 0;
}

static void book_release(struct book *bk)
{
	size_t i;

	for (i = 0; i < bk->ndata; i++)
		pb_report_chart_release(&bk->data[i]);
	free(bk->data);
	free(bk->names);
	pb_buf_release(&bk->cell);
	pb_buf_release(&bk->text);
}

/* Every sheet; 0, or -1 with err. */
static int write_sheets(struct book *bk, struct pb_error *err)
{
	const struct pb_report *rep = bk->rep;
	size_t i;

	for (i = 0; i < rep->nsecs; i++)
		sheet_name(rep->secs[i].heading, i, rep->o->en, bk->names, bk->names[i]);
	/* the data sheet's name: unique among the sections' */
	sheet_name(rep->o->en ? "Chart data" : "图表数据", rep->nsecs, rep->o->en, bk->names,
	           bk->names[rep->nsecs]);
	for (i = 0; i < rep->nsecs; i++) {
		const struct pb_report_section *s = &rep->secs[i];
		/* a sheet's grid: refused whole rather than cut (libxlsxwriter drops what is past
		 * it) */
		if (s->ncols > LXW_COL_MAX || s->nrows + rep->o->nnotes + 8 > LXW_ROW_MAX)
			return pb_error_set(
			    err, PB_EXIT_FATAL, s->path, 0,
			    "%zu columns and %zu rows: an xlsx sheet holds at most "
			    "%d columns and %d rows (choose columns with --columns, "
			    "or write csv)",
			    s->ncols, s->nrows, LXW_COL_MAX, LXW_ROW_MAX);
		if (write_sheet(bk, s, bk->names[i]) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, rep->o->output, 0,
			                    "cannot add sheet '%s'", bk->names[i]);
	}
	if (write_data_sheet(bk) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, rep->o->output, 0,
		                    "cannot add the chart data sheet");
	if (bk->wrote != LXW_NO_ERROR)
		return pb_error_set(err, PB_EXIT_FATAL, rep->o->output, 0,
		                    "cannot write a cell: %s", lxw_strerror(bk->wrote));
	return 0;
}

/*
 * A document property (the title, the subject), NUL-terminated in out:
 * libxlsxwriter writes it into docProps/core.xml as it is, where a control
 * character other than tab and line feed would make the part malformed XML
 * (and _xHHHH_ is not read), so each becomes a space. NULL stays NULL.
 */
static char *xlsx_prop(struct pb_buf *out, const char *s)
{
	size_t i;

	if (!s)
		return NULL;
	pb_buf_reset(out);
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		pb_buf_addc(out, c < 0x20 && c != '\t' && c != '\n' ? ' ' : s[i]);
	}
	pb_buf_addc(out, '\0');
	return out->p;
}

int pb_report_write_xlsx(const struct pb_report *rep, const char *path, struct pb_error *err)
{
	const struct pb_report_opts *o = rep->o;
	lxw_workbook_options wopt = { LXW_FALSE, NULL, LXW_FALSE };
	lxw_doc_properties props;
	struct pb_buf title = PB_BUF_INIT, subject = PB_BUF_INIT;
	struct book bk = { .rep = rep };
	lxw_error xe;

	bk.names = calloc(rep->nsecs + 1, sizeof *bk.names);
	bk.wb = bk.names ? workbook_new_opt(path, &wopt) : NULL;
	if (!bk.wb) {
		book_release(&bk);
		return pb_error_set(err, PB_EXIT_FATAL, o->output, 0, "cannot create workbook");
	}
	memset(&props, 0, sizeof props);
	props.title = xlsx_prop(&title, o->title);
	props.subject = xlsx_prop(&subject, o->subtitle);
	props.author = (char *)"pb-report";
	props.created = source_date();
	/* when this fails it has freed the properties but kept the pointer: not to be written */
	if (workbook_set_properties(bk.wb, &props) != LXW_NO_ERROR)
		bk.wb->properties = NULL;
	if (!bk.wb->properties || make_formats(bk.wb, o->precision, &bk.f) < 0 ||
	    write_sheets(&bk, err) < 0) {
		/* freed unwritten: libxlsxwriter need not write a workbook short of memory */
		lxw_workbook_free(bk.wb);
		book_release(&bk);
		pb_buf_release(&title);
		pb_buf_release(&subject);
		if (!err->code)
			pb_error_set(err, PB_EXIT_FATAL, o->output, 0, "out of memory");
		return -1;
	}
	xe = workbook_close(bk.wb);
	book_release(&bk);
	pb_buf_release(&title);
	pb_buf_release(&subject);
	if (xe != LXW_NO_ERROR)
		return pb_error_set(err, PB_EXIT_FATAL, o->output, 0, "cannot write workbook: %s",
		                    lxw_strerror(xe));
	return 0;
}
