/*
 * report_docx: pb-report's Word writer — a WordprocessingML package written
 * with libzip, laid out as a 公文 bulletin (GB/T 9704): A4, margins 37/35/28/26
 * mm, title in 方正小标宋简体 二号, body in 仿宋_GB2312 三号 (fallbacks named in the
 * font table), 22 lines a page, page numbers "— 1 —"; the prose, then each
 * section as a Word table (header row repeated on every page, numbers
 * right-aligned, totals bold; a table wider than 8 columns on a landscape
 * page) with its chart below as an image (PNG, with the SVG beside it).
 * Every string is XML-escaped and stripped of control characters; with
 * SOURCE_DATE_EPOCH the bytes are the same on every run.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "pb/text.h"
#include "pb/value.h"
#include "report_int.h"

/* Page geometry in twentieths of a point (twips): A4 and GB/T 9704's margins. */
#define PAGE_W        11906
#define PAGE_H        16838
#define MARGIN_TOP    2098 /* 37 mm */
#define MARGIN_BOTTOM 1984 /* 35 mm */
#define MARGIN_LEFT   1587 /* 28 mm */
#define MARGIN_RIGHT  1474 /* 26 mm */
#define LINE_PITCH    579  /* 22 lines on a page of 三号 text */
#define CELL_PAD      216  /* a table cell's left and right margins together */
#define COL_TWIPS_2                                                                                \
	11           /* twice the twips of a display column (half an em, with room) a half point */
#define WIDE_TABLE 8 /* more columns than this: a landscape page */
#define EMU_PER_PT 12700

static const char ns[] =
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "
    "xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" "
    "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
    "xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"";

struct docx {
	const struct pb_report *rep;
	struct pb_buf body;   /* word/document.xml between <w:body> and the last sectPr */
	struct pb_buf rels;   /* the images' relationships */
	struct pb_buf *media; /* png, svg, png, svg, ... */
	size_t nmedia, media_cap;
	int landscape; /* the orientation of the page being filled */
};

/* Appends text as XML character data: escaped, control characters removed, tabs and breaks as
 * spaces. */
static void xml_text(struct pb_buf *b, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		int cp;
		size_t len = pb_utf8_next(s + i, n - i, &cp);
		const char *e = NULL;
		switch (cp) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&apos;"; break;
		case '\t':
		case '\n':
		case '\r': e = " "; break;
		default:
			if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe ||
			    cp == 0xffff || cp < 0)
				e = ""; /* not allowed in XML, or a control character */
		}
		if (e)
			pb_buf_adds(b, e);
		else
			pb_buf_add(b, s + i, len);
		i += len;
	}
}

static void xml_z(struct pb_buf *b, const char *z)
{
	xml_text(b, z, strlen(z));
}

/* A run: <w:r> with the run properties rpr (or none) and the text. */
static void run(struct pb_buf *b, const char *rpr, const char *s, size_t n)
{
	pb_buf_adds(b, "<w:r>");
	if (rpr && *rpr)
		pb_buf_addf(b, "<w:rPr>%s</w:rPr>", rpr);
	pb_buf_adds(b, "<w:t xml:space=\"preserve\">");
	xml_text(b, s, n);
	pb_buf_adds(b, "</w:t></w:r>");
}

/* A paragraph of style style (a styleId of styles.xml) holding one run of text. */
static void para(struct pb_buf *b, const char *style, const char *z)
{
	pb_buf_addf(b, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style);
	run(b, NULL, z, strlen(z));
	pb_buf_adds(b, "</w:p>\n");
}

static void sect_pr(struct pb_buf *b, int landscape)
{
	pb_buf_adds(b, "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooter\"/>");
	if (landscape)
		pb_buf_addf(b, "<w:pgSz w:w=\"%d\" w:h=\"%d\" w:orient=\"landscape\"/>", PAGE_H,
		            PAGE_W);
	else
		pb_buf_addf(b, "<w:pgSz w:w=\"%d\" w:h=\"%d\"/>", PAGE_W, PAGE_H);
	pb_buf_addf(b,
	            "<w:pgMar w:top=\"%d\" w:right=\"%d\" w:bottom=\"%d\" w:left=\"%d\" "
	            "w:header=\"851\" w:footer=\"992\" w:gutter=\"0\"/>"
	            "<w:cols w:space=\"425\"/><w:docGrid w:type=\"lines\" w:linePitch=\"%d\"/>"
	            "</w:sectPr>",
	            MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT, LINE_PITCH);
}

/* Starts a page of the other orientation when the next block needs it. */
static void orient(struct docx *d, int landscape)
{
	if (d->landscape == landscape)
		return;
	pb_buf_adds(&d->body, "<w:p><w:pPr><w:spacing w:line=\"240\" w:lineRule=\"auto\"/>");
	sect_pr(&d->body, d->landscape);
	pb_buf_adds(&d->body, "</w:pPr></w:p>\n");
	d->landscape = landscape;
}

/* Width of the text on a page, in twips. */
static int text_width(int landscape)
{
	return (landscape ? PAGE_H : PAGE_W) - MARGIN_LEFT - MARGIN_RIGHT;
}

/* --- tables --- */

/* Display width of the widest cell of column c (its header may take two lines). */
static size_t natural_width(const struct pb_report *rep, const struct pb_report_section *s,
                            size_t c, struct pb_buf *cell)
{
	size_t w = (pb_text_width(s->cols[c].label, strlen(s->cols[c].label)) + 1) / 2, r;

	for (r = 0; r < s->nrows; r++) {
		size_t cw;
		pb_buf_reset(cell);
		pb_report_cell(rep, s, r, c, 1, 1, cell);
		cw = pb_text_width(cell->p ? cell->p : "", cell->len);
		w = cw > w ? cw : w;
	}
	w += s->cols[c].kind == PB_RK_TEXT ? 1 : 2; /* room for bold digits wider than half an em */
	return w < 4 ? 4 : w > 40 ? 40 : w;
}

/*
 * The table's font size (half points: 24 小四, 21 五号, 18 小五, 15 六号) and
 * column widths (twips, filling the text width): the largest size at which
 * every column fits without breaking its widest cell, if any.
 */
static int table_layout(const struct pb_report *rep, const struct pb_report_section *s,
                        int landscape, int *widths)
{
	static const int sizes[] = { 24, 21, 18, 15 };
	struct pb_buf cell = PB_BUF_INIT;
	size_t c, total = 0, k;
	int avail = text_width(landscape), sz = 15, lost;
	long used = 0;

	for (c = 0; c < s->ncols; c++)
		total += (size_t)(widths[c] = (int)natural_width(rep, s, c, &cell));
	lost = cell.oom; /* a cell not shown for want of memory: no width to trust */
	pb_buf_release(&cell);
	if (lost)
		return -1;
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
		if ((long)total * sizes[k] * COL_TWIPS_2 / 2 + (long)s->ncols * CELL_PAD <= avail) {
			sz = sizes[k];
			break;
		}
	for (c = 0; c < s->ncols; c++)
		used += widths[c] = widths[c] * sz * COL_TWIPS_2 / 2 + CELL_PAD;
	for (c = 0; c < s->ncols && used > 0; c++) /* stretch or shrink to the text width */
		widths[c] = (int)((long)widths[c] * avail / used);
	return sz;
}

static void table_cell(struct docx *d, const struct pb_report_section *s, size_t r, size_t c,
                       int width, int sz, int head, struct pb_buf *cell)
{
	struct pb_buf *b = &d->body;
	int num = s->cols[c].kind != PB_RK_TEXT, bold = head || (r != (size_t)-1 && s->total[r]);
	char rpr[96];

	pb_buf_reset(cell);
	if (head)
		pb_buf_adds(cell, s->cols[c].label);
	else
		pb_report_cell(d->rep, s, r, c, 1, 0, cell);
	pb_buf_addf(
	    b,
	    "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>%s<w:vAlign w:val=\"center\"/>"
	    "</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"PbTable\"/><w:jc w:val=\"%s\"/></w:pPr>",
	    width, head ? "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"EEF1F5\"/>" : "",
	    head      ? "center"
	        : num ? "right"
	              : "left");
	snprintf(rpr, sizeof rpr, "%s<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>",
	         bold ? "<w:b/><w:bCs/>" : "", sz, sz);
	if (cell->len)
		run(b, rpr, cell->p, cell->len);
	pb_buf_adds(b, "</w:p></w:tc>");
}

static int write_table(struct docx *d, const struct pb_report_section *s, int landscape)
{
	struct pb_buf *b = &d->body, cell = PB_BUF_INIT;
	int *w = calloc(s->ncols ? s->ncols : 1, sizeof *w), sz;
	size_t i, c;

	if (!w)
		return -1;
	if ((sz = table_layout(d->rep, s, landscape, w)) < 0) {
		free(w);
		return -1;
	}
	pb_buf_adds(b,
	            "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/>"
	            "<w:jc w:val=\"center\"/><w:tblBorders>");
	for (i = 0; i < 6; i++)
		pb_buf_addf(
		    b, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>",
		    (const char *[]){ "top", "left", "bottom", "right", "insideH", "insideV" }[i]);
	pb_buf_adds(b,
	            "</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
	            "<w:tblCellMar><w:left w:w=\"108\" w:type=\"dxa\"/>"
	            "<w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar>"
	            "<w:tblLook w:val=\"04A0\" w:firstRow=\"1\"/></w:tblPr><w:tblGrid>");
	for (c = 0; c < s->ncols; c++)
		pb_buf_addf(b, "<w:gridCol w:w=\"%d\"/>", w[c]);
	pb_buf_adds(b, "</w:tblGrid>\n<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
	for (c = 0; c < s->ncols; c++)
		table_cell(d, s, (size_t)-1, c, w[c], sz, 1, &cell);
	pb_buf_adds(b, "</w:tr>\n");
	for (i = 0; i < s->nrows; i++) {
		pb_buf_adds(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
		for (c = 0; c < s->ncols; c++)
			table_cell(d, s, s->order[i], c, w[c], sz, 0, &cell);
		pb_buf_adds(b, "</w:tr>\n");
	}
	i = cell.oom;
	pb_buf_release(&cell);
	free(w);
	return i ? -1 : pb_buf_adds(b, "</w:tbl>\n");
}

/*
 * Whether a table goes on a landscape page: when it has more than 8 columns
 * and would need a face smaller than 小五 (9 pt) on a portrait one.
 */
static int needs_landscape(const struct pb_report *rep, const struct pb_report_section *s)
{
	int *w = calloc(s->ncols ? s->ncols : 1, sizeof *w), wide;

	wide = s->ncols > WIDE_TABLE && (!w || table_layout(rep, s, 0, w) < 18);
	free(w);
	return wide;
}

/* --- charts --- */

static struct pb_buf *new_media(struct docx *d)
{
	if (pb_grow_zeroed(&d->media, &d->media_cap, d->nmedia, sizeof *d->media) < 0)
		return NULL;
	return &d->media[d->nmedia++];
}

/* The chart of s below its table: a PNG with the SVG beside it (Word shows the SVG). */
static int write_chart(struct docx *d, const struct pb_report_section *s, int landscape)
{
	struct pb_report_chart ch;
	struct pb_buf *png, *svg;
	double w_pt = text_width(landscape) / 20.0, h_pt;
	size_t n;
	long cx, cy;
	int rc;

	if (pb_report_chart_make(d->rep, s, &ch) < 0)
		return -1;
	if (!ch.ncat) {
		pb_report_chart_release(&ch);
		return 0;
	}
	png = new_media(d);
	svg = png ? new_media(d) : NULL;
	rc = svg ? pb_report_draw(&ch, w_pt, 3, png, svg, &h_pt) : -1;
	pb_report_chart_release(&ch);
	if (rc < 0)
		return -1;
	n = d->nmedia / 2; /* this chart's number */
	cx = (long)(w_pt * EMU_PER_PT);
	cy = (long)(h_pt * EMU_PER_PT);
	pb_buf_addf(&d->rels,
	            "<Relationship Id=\"rIdPng%zu\" Type=\"http://schemas.openxmlformats.org/"
	            "officeDocument/2006/relationships/image\" Target=\"media/chart%zu.png\"/>"
	            "<Relationship Id=\"rIdSvg%zu\" Type=\"http://schemas.openxmlformats.org/"
	            "officeDocument/2006/relationships/image\" Target=\"media/chart%zu.svg\"/>",
	            n, n, n, n);
	pb_buf_addf(
	    &d->body,
	    "<w:p><w:pPr><w:pStyle w:val=\"PbFigure\"/></w:pPr><w:r><w:drawing>"
	    "<wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">"
	    "<wp:extent cx=\"%ld\" cy=\"%ld\"/><wp:docPr id=\"%zu\" name=\"chart%zu\" descr=\"",
	    cx, cy, n, n);
	xml_z(&d->body, s->cols[s->chart].label);
	pb_buf_addf(
	    &d->body,
	    "\"/><a:graphic>"
	    "<a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
	    "<pic:pic>"
	    "<pic:nvPicPr><pic:cNvPr id=\"%zu\" "
	    "name=\"chart%zu.png\"/><pic:cNvPicPr/></pic:nvPicPr>"
	    "<pic:blipFill><a:blip r:embed=\"rIdPng%zu\"><a:extLst>"
	    "<a:ext uri=\"{96DAC541-7B7A-43D3-8B79-37D633B846F1}\"><asvg:svgBlip "
	    "xmlns:asvg=\"http://schemas.microsoft.com/office/drawing/2016/SVG/main\" "
	    "r:embed=\"rIdSvg%zu\"/></a:ext></a:extLst></a:blip><a:stretch><a:fillRect/></"
	    "a:stretch>"
	    "</pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"%ld\" "
	    "cy=\"%ld\"/>"
	    "</a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>"
	    "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>\n",
	    n, n, n, n, cx, cy);
	return 0;
}

/* --- the document --- */

static int write_body(struct docx *d)
{
	const struct pb_report *rep = d->rep;
	const struct pb_report_opts *o = rep->o;
	struct pb_buf *b = &d->body;
	size_t i;

	if (o->title)
		para(b, "PbTitle", o->title);
	if (o->subtitle)
		para(b, "PbSubtitle", o->subtitle);
	for (i = 0; i < rep->nprose; i++)
		para(b, "PbBody", rep->prose[i]);
	for (i = 0; i < rep->nsecs; i++) {
		const struct pb_report_section *s = &rep->secs[i];
		int wide = needs_landscape(rep, s);
		orient(d, wide);
		if (s->heading)
			para(b, "PbHeading", s->heading);
		if (write_table(d, s, wide) < 0 || (s->chart >= 0 && write_chart(d, s, wide) < 0))
			return -1;
	}
	orient(d, 0);
	for (i = 0; i < o->nnotes; i++)
		para(b, "PbNote", o->notes[i]);
	if (rep->has_date) {
		pb_buf_addf(b, "<w:p><w:pPr><w:pStyle w:val=\"PbDate\"/></w:pPr>");
		pb_buf_addf(b, "<w:r><w:t>%s%s</w:t></w:r></w:p>\n",
		            o->en ? "Generated: " : "生成日期：", rep->date);
	}
	return 0;
}

static const char styles_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"仿宋_GB2312\" "
    "w:cs=\"Times New Roman\"/><w:kern w:val=\"2\"/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/>"
    "<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>"
    "<w:pPrDefault><w:pPr><w:spacing w:line=\"579\" w:lineRule=\"exact\"/><w:jc w:val=\"both\"/>"
    "</w:pPr></w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/>"
    "<w:qFormat/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"PbTitle\"><w:name w:val=\"Title\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" "
    "w:line=\"720\" w:lineRule=\"exact\"/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/>"
    "</w:pPr><w:rPr><w:rFonts w:ascii=\"方正小标宋简体\" w:hAnsi=\"方正小标宋简体\" "
    "w:eastAsia=\"方正小标宋简体\"/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"PbSubtitle\"><w:name w:val=\"Subtitle\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:spacing w:after=\"579\"/><w:jc w:val=\"center\"/>"
    "</w:pPr><w:rPr><w:rFonts w:eastAsia=\"楷体_GB2312\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"PbBody\"><w:name w:val=\"Body Text\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:ind w:firstLineChars=\"200\" "
    "w:firstLine=\"640\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"PbHeading\"><w:name w:val=\"heading 1\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:ind w:firstLineChars=\"200\" "
    "w:firstLine=\"640\"/><w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr>"
    "<w:rFonts w:ascii=\"黑体\" w:hAnsi=\"黑体\" w:eastAsia=\"黑体\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"PbTable\"><w:name w:val=\"Table Text\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"20\" "
    "w:after=\"20\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"PbFigure\"><w:name w:val=\"Figure\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:keepLines/><w:snapToGrid w:val=\"0\"/>"
    "<w:spacing w:before=\"120\" w:after=\"120\" w:line=\"240\" w:lineRule=\"auto\"/>"
    "<w:jc w:val=\"center\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"PbNote\"><w:name w:val=\"Note\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:ind w:firstLineChars=\"200\" w:firstLine=\"560\"/>"
    "</w:pPr><w:rPr><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"PbDate\"><w:name w:val=\"Date\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:jc w:val=\"right\"/></w:pPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"PbFooter\"><w:name w:val=\"footer\"/>"
    "<w:basedOn w:val=\"Normal\"/><w:pPr><w:snapToGrid w:val=\"0\"/><w:spacing w:line=\"240\" "
    "w:lineRule=\"auto\"/><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:rFonts w:ascii=\"宋体\" "
    "w:hAnsi=\"宋体\" "
    "w:eastAsia=\"宋体\"/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr></w:style>"
    "</w:styles>\n";

/* The faces GB/T 9704 names, each with the face to use where it is not installed. */
static const char fonts_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:font w:name=\"仿宋_GB2312\"><w:altName w:val=\"仿宋\"/><w:charset w:val=\"86\"/>"
    "<w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>"
    "<w:font w:name=\"方正小标宋简体\"><w:altName w:val=\"宋体\"/><w:charset w:val=\"86\"/>"
    "<w:family w:val=\"script\"/><w:pitch w:val=\"variable\"/></w:font>"
    "<w:font w:name=\"楷体_GB2312\"><w:altName w:val=\"楷体\"/><w:charset w:val=\"86\"/>"
    "<w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>"
    "<w:font w:name=\"黑体\"><w:altName w:val=\"SimHei\"/><w:charset w:val=\"86\"/>"
    "<w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>"
    "<w:font w:name=\"宋体\"><w:altName w:val=\"SimSun\"/><w:charset w:val=\"86\"/>"
    "<w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font>"
    "<w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/>"
    "<w:pitch w:val=\"variable\"/></w:font></w:fonts>\n";

static const char footer_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:p><w:pPr><w:pStyle w:val=\"PbFooter\"/></w:pPr><w:r><w:t xml:space=\"preserve\">— "
    "</w:t></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText "
    "xml:space=\"preserve\"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/>"
    "</w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r><w:r>"
    "<w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>\n";

static const char settings_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:defaultTabStop w:val=\"420\"/><w:characterSpacingControl w:val=\"compressPunctuation\"/>"
    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
    "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>\n";

static const char rels_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>\n";

static const char types_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/"
    "vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Default Extension=\"png\" ContentType=\"image/png\"/>"
    "<Default Extension=\"svg\" ContentType=\"image/svg+xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
    "<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>"
    "<Override PartName=\"/word/footer1.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/"
    "vnd.openxmlformats-package.core-properties+xml\"/>"
    "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.extended-properties+xml\"/></Types>\n";

static const char app_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Properties "
    "xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
    "<Application>pb-report</Application></Properties>\n";

static void document_xml(struct docx *d, struct pb_buf *out)
{
	pb_buf_addf(out,
	            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	            "<w:document %s><w:body>\n",
	            ns);
	pb_buf_add(out, d->body.p, d->body.len);
	sect_pr(out, d->landscape);
	pb_buf_adds(out, "</w:body></w:document>\n");
}

static void document_rels(struct docx *d, struct pb_buf *out)
{
	static const char *const parts[][2] = { { "styles", "styles.xml" },
		                                { "settings", "settings.xml" },
		                                { "fontTable", "fontTable.xml" },
		                                { "footer", "footer1.xml" } };
	size_t i;

	pb_buf_adds(out,
	            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	            "<Relationships "
	            "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
	for (i = 0; i < 4; i++)
		pb_buf_addf(out,
		            "<Relationship Id=\"rId%s\" Type=\"http://schemas.openxmlformats.org/"
		            "officeDocument/2006/relationships/%s\" Target=\"%s\"/>",
		            i == 3 ? "Footer" : (const char *[]){ "1", "2", "3" }[i], parts[i][0],
		            parts[i][1]);
	pb_buf_add(out, d->rels.p, d->rels.len);
	pb_buf_adds(out, "</Relationships>\n");
}

static void core_xml(const struct pb_report_opts *o, time_t t, struct pb_buf *out)
{
	struct tm tm;
	char when[32];

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	pb_buf_adds(out,
	            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	            "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/"
	            "2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	            "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
	            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
	if (o->title) {
		pb_buf_adds(out, "<dc:title>");
		xml_z(out, o->title);
		pb_buf_adds(out, "</dc:title>");
	}
	pb_buf_addf(out,
	            "<dc:creator>pb-report</dc:creator>"
	            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%s</dcterms:created>"
	            "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">%s</dcterms:modified>"
	            "</cp:coreProperties>\n",
	            when, when);
}

/* --- the package --- */

/* Adds a part; zip keeps data until it closes, so data must live that long. */
static int add_part(zip_t *z, const char *name, const void *data, size_t n, time_t t)
{
	zip_source_t *src = zip_source_buffer(z, data, n, 0);
	zip_int64_t i;

	if (!src)
		return -1;
	if ((i = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8)) < 0) {
		zip_source_free(src);
		return -1;
	}
	return zip_file_set_mtime(z, (zip_uint64_t)i, t, 0) < 0 ||
	        zip_set_file_compression(z, (zip_uint64_t)i, ZIP_CM_DEFLATE, 9) < 0
	    ? -1
	    : 0;
}

struct parts {
	struct pb_buf doc, rels, core;
};

static int add_parts(zip_t *z, const struct docx *d, const struct parts *p, time_t t)
{
	char name[48];
	size_t i;

	if (add_part(z, "[Content_Types].xml", types_xml, sizeof types_xml - 1, t) < 0 ||
	    add_part(z, "_rels/.rels", rels_xml, sizeof rels_xml - 1, t) < 0 ||
	    add_part(z, "docProps/core.xml", p->core.p, p->core.len, t) < 0 ||
	    add_part(z, "docProps/app.xml", app_xml, sizeof app_xml - 1, t) < 0 ||
	    add_part(z, "word/document.xml", p->doc.p, p->doc.len, t) < 0 ||
	    add_part(z, "word/_rels/document.xml.rels", p->rels.p, p->rels.len, t) < 0 ||
	    add_part(z, "word/styles.xml", styles_xml, sizeof styles_xml - 1, t) < 0 ||
	    add_part(z, "word/settings.xml", settings_xml, sizeof settings_xml - 1, t) < 0 ||
	    add_part(z, "word/fontTable.xml", fonts_xml, sizeof fonts_xml - 1, t) < 0 ||
	    add_part(z, "word/footer1.xml", footer_xml, sizeof footer_xml - 1, t) < 0)
		return -1;
	for (i = 0; i < d->nmedia; i++) {
		snprintf(name, sizeof name, "word/media/chart%zu.%s", i / 2 + 1,
		         i % 2 ? "svg" : "png");
		if (add_part(z, name, d->media[i].p, d->media[i].len, t) < 0)
			return -1;
	}
	return 0;
}

static int write_zip(const struct docx *d, const struct parts *p, const char *path, time_t t,
                     struct pb_error *err)
{
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);

	if (!z)
		return pb_error_set(err, PB_EXIT_FATAL, d->rep->o->output, 0,
		                    "cannot create the document");
	if (add_parts(z, d, p, t) < 0) {
		pb_error_set(err, PB_EXIT_FATAL, d->rep->o->output, 0,
		             "cannot write the document: %s", zip_strerror(z));
		zip_discard(z);
		return -1;
	}
	if (zip_close(z) < 0) {
		pb_error_set(err, PB_EXIT_FATAL, d->rep->o->output, 0,
		             "cannot write the document: %s", zip_strerror(z));
		zip_discard(z);
		return -1;
	}
	return 0;
}

int pb_report_write_docx(const struct pb_report *rep, const char *path, struct pb_error *err)
{
	struct docx d = { .rep = rep };
	struct parts p = { PB_BUF_INIT, PB_BUF_INIT, PB_BUF_INIT };
	long long sde;
	time_t t = pb_source_date_epoch(&sde) ? (time_t)sde : time(NULL);
	size_t i;
	int rc = -1, lost;

	if (write_body(&d) == 0) {
		document_xml(&d, &p.doc);
		document_rels(&d, &p.rels);
		core_xml(rep->o, t, &p.core);
		/* a piece of any part lost to memory (oom) is no document */
		for (i = 0, lost = d.body.oom || d.rels.oom; i < d.nmedia; i++)
			lost |= d.media[i].oom;
		if (p.doc.p && p.rels.p && p.core.p && !p.doc.oom && !p.rels.oom && !p.core.oom &&
		    !lost)
			rc = write_zip(&d, &p, path, t, err);
	}
	for (i = 0; i < d.nmedia; i++)
		pb_buf_release(&d.media[i]);
	free(d.media);
	pb_buf_release(&d.body);
	pb_buf_release(&d.rels);
	pb_buf_release(&p.doc);
	pb_buf_release(&p.rels);
	pb_buf_release(&p.core);
	return rc;
}
