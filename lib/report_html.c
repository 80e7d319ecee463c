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
    ".prose p { text-indent: 2em; line-height: 1.7; margin: 0 0 6pt; font-size: 12pt; }\n"
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

/* The <svg> element and its title: the charted column's label. */
static void svg_open(struct pb_buf *b, const struct pb_report_chart *ch, double W, double H)
{
	pb_buf_addf(
	    b,
	    "<figure class=\"chart\">\n<svg "
	    "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
	    W, H, W, H);
	esc(b, ch->title);
	pb_buf_adds(b, "\">\n<title>");
	esc(b, ch->title);
	pb_buf_adds(b, "</title>\n");
}

/* Horizontal bars, one per row that is not a total, labelled like the table. */
static void write_bars(const struct pb_report_chart *ch, struct pb_buf *b)
{
	const double W = 760, row_h = 22, bar_h = 14, top = 28, value_w = 70;
	size_t i, label_units = 4;
	double label_w, bar_w, x0, H, y = top;

	for (i = 0; i < ch->ncat; i++) {
		size_t w = pb_text_width(ch->cats[i], strlen(ch->cats[i]));
		label_units = w > label_units ? w : label_units;
	}
	label_w = 6.5 * (double)(label_units > 36 ? 36 : label_units) + 10;
	bar_w = W - label_w - value_w;
	x0 = label_w + (0 - ch->lo) / (ch->hi - ch->lo) * bar_w;
	H = top + row_h * (double)ch->ncat + 6;
	svg_open(b, ch, W, H);
	pb_buf_addf(b, "<text x=\"%.1f\" y=\"16\" font-weight=\"bold\">", label_w);
	esc(b, ch->title);
	pb_buf_adds(b, "</text>\n");
	for (i = 0; i < ch->ncat; i++, y += row_h) {
		double v = ch->v[i], xv = label_w + (v - ch->lo) / (ch->hi - ch->lo) * bar_w;
		double x = xv < x0 ? xv : x0;
		pb_buf_addf(
		    b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\"/>\n",
		    x, y + (row_h - bar_h) / 2, fabs(xv - x0), bar_h,
		    v < 0 ? "#4a6fa5" : "#b8312f");
		pb_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w - 6,
		            y + 15);
		esc(b, ch->cats[i]);
		pb_buf_addf(b, "</text>\n<text x=\"%.1f\" y=\"%.1f\">", (xv > x0 ? xv : x0) + 4,
		            y + 15);
		esc(b, ch->vtext[i]);
		pb_buf_adds(b, "</text>\n");
	}
	pb_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
	            x0, top - 2, x0, y + 2);
	pb_buf_adds(b, "</svg>\n</figure>\n");
}

static const char *const line_colours[] = { "#b8312f", "#4a6fa5", "#e68c21", "#4d9954", "#8c59a3",
	                                    "#737373", "#299eb3", "#c7739e", "#998040" };

#define NLINE_COLOURS (sizeof line_colours / sizeof line_colours[0])

/* The value axis of a trend: a grid line and a label per tick. */
static void trend_axis(const struct pb_report_chart *ch, struct pb_buf *b, double left, double top,
                       double w, double h)
{
	char tick[32];
	size_t t;

	for (t = 0; t < pb_report_chart_nticks(ch); t++) {
		double v = ch->lo + (double)t * ch->step;
		double y = top + h - (v - ch->lo) / (ch->hi - ch->lo) * h;
		pb_report_chart_tick(ch, v, tick, sizeof tick);
		pb_buf_addf(
		    b,
		    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
		    left, y, left + w, y, left - 6, y + 4, tick);
	}
}

/* A line per group over the periods, one path each (broken where a period has no value), a legend
 * below. */
static void write_trend(const struct pb_report_chart *ch, struct pb_buf *b)
{
	const double W = 760, left = 60, top = 30, plot_w = W - left - 40, plot_h = 260;
	double dx = ch->ncat > 1 ? plot_w / (double)(ch->ncat - 1) : 0;
	double legend_y = top + plot_h + 40, H = legend_y + 20.0 * (double)((ch->nseries + 3) / 4);
	size_t i, k;

	svg_open(b, ch, W, H);
	pb_buf_addf(b, "<text x=\"%.1f\" y=\"16\" font-weight=\"bold\">", left);
	esc(b, ch->title);
	pb_buf_adds(b, "</text>\n");
	trend_axis(ch, b, left, top, plot_w, plot_h);
	for (k = 0; k < ch->ncat; k++) {
		pb_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
		            left + dx * (double)k, top + plot_h + 18);
		esc(b, ch->cats[k]);
		pb_buf_adds(b, "</text>\n");
	}
	for (i = 0; i < ch->nseries; i++) {
		const char *colour = line_colours[i % NLINE_COLOURS];
		struct pb_buf dots = PB_BUF_INIT;
		int pen = 0, any = 0;
		pb_buf_addf(b, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"", colour);
		for (k = 0; k < ch->ncat; k++) {
			double v = ch->v[i * ch->ncat + k], x = left + dx * (double)k;
			double y = top + plot_h - (v - ch->lo) / (ch->hi - ch->lo) * plot_h;
			if (isnan(v)) { /* no value this period: a gap in the line */
				pen = 0;
				continue;
			}
			pb_buf_addf(b, "%s%c%.1f,%.1f", any ? " " : "", pen ? 'L' : 'M', x, y);
			pb_buf_addf(&dots,
			            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n", x,
			            y, colour);
			pen = any = 1;
		}
		pb_buf_adds(b, "\"><title>");
		esc(b, ch->names[i]);
		pb_buf_adds(b, "</title></path>\n");
		pb_buf_add(b, dots.p ? dots.p : "", dots.len);
		if (dots.oom)
			b->oom = 1; /* a dot lost is a piece of b lost */
		pb_buf_release(&dots);
		pb_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">",
		            left + 180.0 * (double)(i % 4), legend_y + 20.0 * (double)(i / 4),
		            colour);
		pb_buf_adds(b, "&#x25A0; ");
		esc(b, ch->names[i]);
		pb_buf_adds(b, "</text>\n");
	}
	pb_buf_adds(b, "</svg>\n</figure>\n");
}

static int write_chart(const struct pb_report *rep, const struct pb_report_section *s,
                       struct pb_buf *b)
{
	struct pb_report_chart ch;

	if (pb_report_chart_make(rep, s, &ch) < 0)
		return -1;
	if (ch.ncat && ch.trend)
		write_trend(&ch, b);
	else if (ch.ncat)
		write_bars(&ch, b);
	pb_report_chart_release(&ch);
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
	if (s->chart >= 0 && write_chart(rep, s, b) < 0)
		return -1;
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
	if (cell.oom)
		goto oom;
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
	if (rep->nprose)
		pb_buf_adds(&b, "<div class=\"prose\">\n");
	for (i = 0; i < rep->nprose; i++) {
		pb_buf_adds(&b, "<p>");
		esc(&b, rep->prose[i]);
		pb_buf_adds(&b, "</p>\n");
	}
	if (rep->nprose)
		pb_buf_adds(&b, "</div>\n");
	for (i = 0; i < rep->nsecs; i++) {
		if (write_section(rep, &rep->secs[i], &b) < 0 || b.oom)
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
	if (pb_buf_adds(&b, "</body>\n</html>\n") < 0 || b.oom)
		goto oom;
	fwrite(b.p, 1, b.len, f);
	pb_buf_release(&b);
	return 0;
oom:
	pb_buf_release(&b);
	return -1;
}
