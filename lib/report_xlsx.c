/*
 * report_xlsx: pb-report's XLSX writer over libxlsxwriter — a sheet per
 * section, header frozen, autofilter, fitted widths, numbers kept numbers
 * (rates in a percent format), text never a formula, a native column chart.
 * The workbook is written to a temporary file and renamed into place.
 */
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

static void make_formats(lxw_workbook *wb, int prec, struct formats *f)
{
	char pct[32], pp[96], dec[16], half[16];
	int t, k;

	for (t = 0; t < 2; t++)
		for (k = 2; k <= 6; k++) {
			snprintf(dec, sizeof dec, "0.%.*s", k, "000000");
			f->dec[t][k - 2] = cell_format(wb, t, dec);
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
			f->cell[t][k] = cell_format(wb, t, num);
		}
	f->header = workbook_add_format(wb);
	format_set_bold(f->header);
	format_set_align(f->header, LXW_ALIGN_CENTER);
	format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(f->header);
	format_set_bg_color(f->header, 0xEEF1F5);
	format_set_border(f->header, LXW_BORDER_THIN);
	format_set_border_color(f->header, 0x999999);
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	f->note = workbook_add_format(wb);
	format_set_font_size(f->note, 10);
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
 * it is by escaping its '_' as "_x005F"; text over Excel's 32,767 characters
 * is cut and ends with "…" (libxlsxwriter would drop the whole cell).
 */
static const char *xlsx_text(struct pb_buf *out, const char *s, size_t n)
{
	size_t i = 0, units = 0;

	pb_buf_reset(out);
	while (i < n) {
		size_t u, len = cp_len((const unsigned char *)s + i, n - i, &u);
		int esc = s[i] == '_' && n - i >= 7 && s[i + 1] == 'x' && is_hex(s[i + 2]) &&
		    is_hex(s[i + 3]) && is_hex(s[i + 4]) && is_hex(s[i + 5]) && s[i + 6] == '_';
		if (esc)
			u += 6;
		if (units + u > XLSX_STR_MAX - 1) {
			pb_buf_adds(out, "\xE2\x80\xA6");
			break;
		}
		if (esc)
			pb_buf_adds(out, "_x005F");
		pb_buf_add(out, s + i, len);
		units += u;
		i += len;
	}
	pb_buf_addc(out, '\0');
	return out->p;
}

/* worksheet_write_string through xlsx_text. */
static void put_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s, size_t n,
                     lxw_format *fmt, struct pb_buf *tmp)
{
	worksheet_write_string(ws, row, col, xlsx_text(tmp, s, n), fmt);
}

static double col_width(const struct pb_report *rep, const struct pb_report_section *s, size_t c)
{
	struct pb_buf cell = PB_BUF_INIT;
	size_t w = pb_text_width(s->cols[c].label, strlen(s->cols[c].label)), i;

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
	return w < 6 ? 6 : w > 60 ? 60 : (double)w;
}

static void write_chart(lxw_workbook *wb, lxw_worksheet *ws, const char *sheet,
                        const struct pb_report_section *s, lxw_row_t hr)
{
	const struct pb_report_col *col = &s->cols[s->chart];
	lxw_chart *chart;
	long lc, lc_last;
	lxw_chart_series *series;
	size_t i, last = 0;
	double lo = 0, hi = 0;

	/* the range runs to the last row that is not a total (totals come last) */
	for (i = 0; i < s->nrows; i++) {
		double v;
		if (s->total[s->order[i]])
			continue;
		last = i + 1;
		if (pb_report_num(s, s->order[i], (size_t)s->chart, &v) == 0) {
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	}
	if (!last)
		return;
	pb_report_label_cols(s, &lc, &lc_last); /* several columns: a multi-level axis */
	chart = workbook_add_chart(wb, LXW_CHART_COLUMN);
	series = chart_add_series(chart, NULL, NULL);
	if (lc >= 0)
		chart_series_set_categories(series, sheet, hr + 1, (lxw_col_t)lc,
		                            (lxw_row_t)(hr + last), (lxw_col_t)lc_last);
	chart_series_set_values(series, sheet, hr + 1, (lxw_col_t)s->chart, (lxw_row_t)(hr + last),
	                        (lxw_col_t)s->chart);
	chart_series_set_name(series, col->label);
	chart_title_set_name(chart, col->label);
	chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	/* bars from zero, as in the HTML chart (a spreadsheet would start at 75%) */
	if (lo >= 0)
		chart_axis_set_min(chart->y_axis, 0);
	if (col->kind == PB_RK_RATE) {
		chart_axis_set_num_format(chart->y_axis, "0%");
		if (lo >= 0 && hi <= 1)
			chart_axis_set_max(chart->y_axis, 1); /* rates against the whole */
	}
	worksheet_insert_chart(ws, hr, (lxw_col_t)(s->ncols + 1), chart);
}

static int write_sheet(const struct pb_report *rep, lxw_workbook *wb,
                       const struct pb_report_section *s, const char *name, const struct formats *f)
{
	const struct pb_report_opts *o = rep->o;
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	struct pb_buf cell = PB_BUF_INIT, text = PB_BUF_INIT;
	lxw_row_t row = 0, hr;
	size_t i, c;

	if (!ws)
		return -1;
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_fit_to_pages(ws, 1, 0);
	if (o->title)
		put_text(ws, row++, 0, o->title, strlen(o->title), f->title, &cell);
	if (o->subtitle)
		put_text(ws, row++, 0, o->subtitle, strlen(o->subtitle), NULL, &cell);
	if (s->heading)
		put_text(ws, row++, 0, s->heading, strlen(s->heading), NULL, &cell);
	if (row)
		row++;
	hr = row;
	for (c = 0; c < s->ncols; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, col_width(rep, s, c), NULL);
		put_text(ws, hr, (lxw_col_t)c, s->cols[c].label, strlen(s->cols[c].label),
		         f->header, &cell);
	}
	for (i = 0; i < s->nrows; i++) {
		size_t r = s->order[i];
		int t = s->total[r] != 0;
		row = hr + 1 + (lxw_row_t)i;
		for (c = 0; c < s->ncols; c++) {
			lxw_format *fmt = s->cols[c].kind == PB_RK_DEC
			    ? f->dec[t][s->cols[c].dec - 2]
			    : f->cell[t][kind_fmt(s->cols[c].kind)];
			double v;
			if (s->cols[c].kind != PB_RK_TEXT && pb_report_num(s, r, c, &v) == 0) {
				worksheet_write_number(ws, row, (lxw_col_t)c, v, fmt);
				continue;
			}
			pb_buf_reset(&cell);
			pb_report_cell(rep, s, r, c, 0, 0, &cell);
			if (cell.len)
				put_text(ws, row, (lxw_col_t)c, cell.p, cell.len,
				         f->cell[t][F_TEXT], &text);
			else
				worksheet_write_blank(ws, row, (lxw_col_t)c, fmt);
		}
	}
	row = hr + (lxw_row_t)s->nrows;
	worksheet_freeze_panes(ws, hr + 1, 0);
	worksheet_repeat_rows(ws, hr, hr);
	if (s->ncols)
		worksheet_autofilter(ws, hr, 0, row, (lxw_col_t)(s->ncols - 1));
	if (o->nnotes)
		row++;
	for (i = 0; i < o->nnotes; i++)
		put_text(ws, ++row, 0, o->notes[i], strlen(o->notes[i]), f->note, &cell);
	pb_buf_release(&cell);
	pb_buf_release(&text);
	if (s->chart >= 0)
		write_chart(wb, ws, name, s, hr);
	return 0;
}

static time_t source_date(void)
{
	long long t;

	return pb_source_date_epoch(&t) && t > 0 ? (time_t)t : 0;
}

int pb_report_write_xlsx(const struct pb_report *rep, const char *path, struct pb_error *err)
{
	const struct pb_report_opts *o = rep->o;
	lxw_workbook_options wopt = { LXW_FALSE, NULL, LXW_FALSE };
	lxw_doc_properties props;
	struct formats f;
	lxw_workbook *wb;
	lxw_error xe;
	char(*names)[128];
	size_t i;

	names = calloc(rep->nsecs ? rep->nsecs : 1, sizeof *names);
	wb = names ? workbook_new_opt(path, &wopt) : NULL;
	if (!wb) {
		free(names);
		return pb_error_set(err, PB_EXIT_FATAL, o->output, 0, "cannot create workbook");
	}
	memset(&props, 0, sizeof props);
	props.title = (char *)o->title;
	props.subject = (char *)o->subtitle;
	props.author = (char *)"pb-report";
	props.created = source_date();
	workbook_set_properties(wb, &props);
	make_formats(wb, o->precision, &f);
	for (i = 0; i < rep->nsecs; i++) {
		sheet_name(rep->secs[i].heading, i, o->en, names, names[i]);
		if (write_sheet(rep, wb, &rep->secs[i], names[i], &f) < 0) {
			pb_error_set(err, PB_EXIT_FATAL, o->output, 0, "cannot add sheet '%s'",
			             names[i]);
			workbook_close(wb);
			free(names);
			return -1;
		}
	}
	xe = workbook_close(wb);
	free(names);
	if (xe != LXW_NO_ERROR)
		return pb_error_set(err, PB_EXIT_FATAL, o->output, 0, "cannot write workbook: %s",
		                    lxw_strerror(xe));
	return 0;
}
