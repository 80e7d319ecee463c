/*
 * report_html: pb-report's HTML writer — one self-contained page (inline CSS,
 * no script, nothing fetched from another host), printable on A4 with the
 * table header repeated on every page, and an inline SVG bar chart.
 */
#include <math.h>
#include <string.h>

#include "pb/text.h"
#include "report_int.h"

static const char css[] =
    "body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"Microsoft YaHei\", "
    "\"PingFang SC\", \"WenQuanYi Micro Hei\", \"WenQuanYi Zen Hei\", SimSun, sans-serif; "
    "font-size: 10.5pt; color: #111;"
    " margin: 0 auto; padding: 8mm 4mm; }\n"
    "h1 { font-size: 18pt; text-align: center; margin: 0 0 4pt; }\n"
    ".subtitle { text-align: center; color: #444; margin: 0 0 12pt; }\n"
    "h2 { font-size: 13pt; margin: 16pt 0 6pt; break-after: avoid; page-break-after: avoid; }\n"
    "table { border-collapse: collapse; margin: 0 0 8pt; }\n"
    "thead { display: table-header-group; }\n"
    "tr { break-inside: avoid; page-break-inside: avoid; }\n"
    "th, td { border: 1px solid #999; padding: 3pt 6pt; }\n"
    "th { background: #eef1f5; text-align: center; word-break: keep-all; }\n"
    "td { white-space: nowrap; }\n"
    "td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }\n"
    "tr.total td { font-weight: bold; background: #f4f4f4; border-top: 2px solid #333; }\n"
    ".chart { margin: 4pt 0 10pt; break-inside: avoid; page-break-inside: avoid; }\n"
    ".chart svg { max-width: 100%; height: auto; }\n"
    ".chart text { font-size: 12px; fill: #222; }\n"
    ".notes { margin-top: 12pt; font-size: 9.5pt; }\n"
    ".notes p { margin: 2pt 0; }\n"
    "footer { margin-top: 12pt; font-size: 9pt; color: #666; text-align: right; }\n"
    "@media print { body { max-width: none; padding: 0; }"
    " th, tr.total td { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }\n";

int pb_report_html_escape(struct pb_buf *out, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		const char *e;
		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		if (pb_buf_add(out, s + start, i - start) < 0 || pb_buf_adds(out, e) < 0)
			return -1;
		start = i + 1;
	}
	return pb_buf_add(out, s + start, n - start);
}

static void esc(struct pb_buf *b, const char *z)
{
	pb_report_html_escape(b, z, strlen(z));
}

static void escn(struct pb_buf *b, const struct pb_buf *v)
{
	if (v->len)
		pb_report_html_escape(b, v->p, v->len);
}

/* A bar's label: the label columns' display values joined by spaces. */
static void bar_label(const struct pb_report *rep, const struct pb_report_section *s, size_t r,
                      long first, long last, struct pb_buf *out)
{
	long c;

	for (c = first; c >= 0 && c <= last; c++) {
		if (c > first)
			pb_buf_addc(out, ' ');
		pb_report_cell(rep, s, r, (size_t)c, 1, 1, out);
	}
}

/* Horizontal bars, one per row that is not a total, labelled by the first text column. */
static int write_chart(const struct pb_report *rep, const struct pb_report_section *s,
                       struct pb_buf *b)
{
	const double W = 760, row_h = 22, bar_h = 14, top = 28, value_w = 70;
	const struct pb_report_col *col = &s->cols[s->chart];
	struct pb_buf cell = PB_BUF_INIT;
	long lc, lc_last;
	size_t i, n = 0, label_units = 4;
	double lo = 0, hi = 0, v, label_w, bar_w, x0, H, y;

	pb_report_label_cols(s, &lc, &lc_last);
	for (i = 0; i < s->nrows; i++) {
		size_t r = s->order[i];
		if (s->total[r] || pb_report_num(s, r, (size_t)s->chart, &v) < 0)
			continue;
		n++;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
		pb_buf_reset(&cell);
		bar_label(rep, s, r, lc, lc_last, &cell);
		if (pb_text_width(cell.p ? cell.p : "", cell.len) > label_units)
			label_units = pb_text_width(cell.p, cell.len);
	}
	if (col->kind == PB_RK_RATE && hi < 1)
		hi = 1; /* rates against the whole: 0 to 100% */
	if (!n) {
		pb_buf_release(&cell);
		return 0;
	}
	if (hi == lo)
		hi = lo + 1;
	label_w = 6.5 * (double)(label_units > 36 ? 36 : label_units) + 10;
	bar_w = W - label_w - value_w;
	x0 = label_w + (0 - lo) / (hi - lo) * bar_w;
	H = top + row_h * (double)n + 6;
	pb_buf_addf(
	    b,
	    "<figure class=\"chart\">\n<svg "
	    "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
	    W, H, W, H);
	esc(b, col->label);
	pb_buf_adds(b, "\">\n<title>");
	esc(b, col->label);
	pb_buf_addf(b, "</title>\n<text x=\"%.1f\" y=\"16\" font-weight=\"bold\">", label_w);
	esc(b, col->label);
	pb_buf_adds(b, "</text>\n");
	y = top;
	for (i = 0; i < s->nrows; i++) {
		size_t r = s->order[i];
		double xv, x;
		if (s->total[r] || pb_report_num(s, r, (size_t)s->chart, &v) < 0)
			continue;
		xv = label_w + (v - lo) / (hi - lo) * bar_w;
		x = xv < x0 ? xv : x0;
		pb_buf_addf(
		    b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\"/>\n",
		    x, y + (row_h - bar_h) / 2, fabs(xv - x0), bar_h,
		    v < 0 ? "#4a6fa5" : "#b8312f");
		pb_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w - 6,
		            y + 15);
		pb_buf_reset(&cell);
		bar_label(rep, s, r, lc, lc_last, &cell);
		escn(b, &cell);
		pb_buf_addf(b, "</text>\n<text x=\"%.1f\" y=\"%.1f\">", (xv > x0 ? xv : x0) + 4,
		            y + 15);
		pb_buf_reset(&cell);
		pb_report_cell(rep, s, r, (size_t)s->chart, 1, 1, &cell);
		escn(b, &cell);
		pb_buf_adds(b, "</text>\n");
		y += row_h;
	}
	pb_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
	            x0, top - 2, x0, y + 2);
	pb_buf_adds(b, "</svg>\n</figure>\n");
	pb_buf_release(&cell);
	return 0;
}

static int write_section(const struct pb_report *rep, const struct pb_report_section *s,
                         struct pb_buf *b)
{
	struct pb_buf cell = PB_BUF_INIT;
	size_t i, c;

	pb_buf_adds(b, "<section>\n");
	if (s->heading) {
		pb_buf_adds(b, "<h2>");
		esc(b, s->heading);
		pb_buf_adds(b, "</h2>\n");
	}
	if (s->chart >= 0)
		write_chart(rep, s, b);
	pb_buf_adds(b, "<table>\n<thead>\n<tr>");
	for (c = 0; c < s->ncols; c++) {
		pb_buf_adds(b, "<th scope=\"col\">");
		esc(b, s->cols[c].label);
		pb_buf_adds(b, "</th>");
	}
	pb_buf_adds(b, "</tr>\n</thead>\n<tbody>\n");
	for (i = 0; i < s->nrows; i++) {
		size_t r = s->order[i];
		pb_buf_adds(b, s->total[r] ? "<tr class=\"total\">" : "<tr>");
		for (c = 0; c < s->ncols; c++) {
			pb_buf_reset(&cell);
			if (pb_report_cell(rep, s, r, c, 1, 1, &cell) < 0)
				goto oom;
			pb_buf_adds(b,
			            s->cols[c].kind == PB_RK_TEXT ? "<td>" : "<td class=\"num\">");
			escn(b, &cell);
			pb_buf_adds(b, "</td>");
		}
		if (pb_buf_adds(b, "</tr>\n") < 0)
			goto oom;
	}
	pb_buf_adds(b, "</tbody>\n</table>\n</section>\n");
	pb_buf_release(&cell);
	return 0;
oom:
	pb_buf_release(&cell);
	return -1;
}

int pb_report_write_html(const struct pb_report *rep, FILE *f)
{
	const struct pb_report_opts *o = rep->o;
	struct pb_buf b = PB_BUF_INIT;
	const char *title = o->title             ? o->title
	    : rep->nsecs && rep->secs[0].heading ? rep->secs[0].heading
	                                         : "pb-report";
	size_t i;
	int landscape = 0;

	pb_buf_addf(&b,
	            "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	            "<meta name=\"generator\" content=\"pb-report\">\n<title>",
	            o->en ? "en" : "zh-CN");
	esc(&b, title);
	pb_buf_adds(&b, "</title>\n<style>\n");
	/* a wide table is printed across the page */
	for (i = 0; i < rep->nsecs; i++)
		if (rep->secs[i].ncols > 9)
			landscape = 1;
	pb_buf_addf(&b, "@page { size: A4%s; margin: 15mm 12mm; }\nbody { max-width: %s; }\n",
	            landscape ? " landscape" : "", landscape ? "273mm" : "186mm");
	pb_buf_adds(&b, css);
	pb_buf_adds(&b, "</style>\n</head>\n<body>\n");
	if (o->title || o->subtitle) {
		pb_buf_adds(&b, "<header>\n");
		if (o->title) {
			pb_buf_adds(&b, "<h1>");
			esc(&b, o->title);
			pb_buf_adds(&b, "</h1>\n");
		}
		if (o->subtitle) {
			pb_buf_adds(&b, "<p class=\"subtitle\">");
			esc(&b, o->subtitle);
			pb_buf_adds(&b, "</p>\n");
		}
		pb_buf_adds(&b, "</header>\n");
	}
	for (i = 0; i < rep->nsecs; i++) {
		if (write_section(rep, &rep->secs[i], &b) < 0)
			goto oom;
		fwrite(b.p, 1, b.len, f);
		pb_buf_reset(&b);
	}
	if (o->nnotes) {
		pb_buf_adds(&b, "<div class=\"notes\">\n");
		for (i = 0; i < o->nnotes; i++) {
			pb_buf_adds(&b, "<p>");
			esc(&b, o->notes[i]);
			pb_buf_adds(&b, "</p>\n");
		}
		pb_buf_adds(&b, "</div>\n");
	}
	if (rep->has_date)
		pb_buf_addf(&b, "<footer>%s%s</footer>\n", o->en ? "Generated: " : "生成日期：",
		            rep->date);
	if (pb_buf_adds(&b, "</body>\n</html>\n") < 0)
		goto oom;
	fwrite(b.p, 1, b.len, f);
	pb_buf_release(&b);
	return 0;
oom:
	pb_buf_release(&b);
	return -1;
}
