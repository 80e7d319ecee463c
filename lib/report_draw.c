/*
 * report_draw: a chart drawn with cairo, once as PNG and once as SVG (the
 * docx embeds both: Word shows the SVG, older readers the PNG) — horizontal
 * bars labelled like the table, or a line per group over the periods. Text
 * is set in a CJK-capable sans-serif face that fontconfig picks.
 */
#include <cairo/cairo-svg.h>
#include <cairo/cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_int.h"

#define BAR_ROW 22.0 /* points a bar takes, with its gap */
#define FONT_PT 10.0

struct frame {
	double w, h;     /* the picture */
	char family[96]; /* the face for every text */
};

/* Colours of the lines (and of the bars: the first); a tenth group reuses the first. */
static const double palette[][3] = {
	{ 0.72, 0.19, 0.18 }, { 0.29, 0.44, 0.65 }, { 0.90, 0.55, 0.13 },
	{ 0.30, 0.60, 0.33 }, { 0.55, 0.35, 0.64 }, { 0.45, 0.45, 0.45 },
	{ 0.16, 0.62, 0.70 }, { 0.78, 0.45, 0.62 }, { 0.60, 0.50, 0.25 },
};

#define NCOLOURS (sizeof palette / sizeof palette[0])

/* A sans-serif family with Chinese glyphs, as fontconfig matches it; "sans-serif" otherwise. */
static void cjk_family(char *out, size_t n)
{
	FcPattern *pat = FcNameParse((const FcChar8 *)"sans-serif:lang=zh-cn"), *m = NULL;
	FcChar8 *fam;
	FcResult res;

	snprintf(out, n, "sans-serif");
	if (!pat)
		return;
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	m = FcFontMatch(NULL, pat, &res);
	if (m && FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch)
		snprintf(out, n, "%s", (const char *)fam);
	if (m)
		FcPatternDestroy(m);
	FcPatternDestroy(pat);
}

static void font(cairo_t *cr, const struct frame *fr, double size, int bold)
{
	cairo_select_font_face(cr, fr->family, CAIRO_FONT_SLANT_NORMAL,
	                       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static double text_w(cairo_t *cr, const char *z)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, z, &e);
	return e.x_advance;
}

/* Text at (x, y baseline), anchored left (0), centre (0.5) or right (1). */
static void text_at(cairo_t *cr, double x, double y, double anchor, const char *z)
{
	cairo_move_to(cr, x - anchor * text_w(cr, z), y);
	cairo_show_text(cr, z);
}

static void colour(cairo_t *cr, size_t i)
{
	const double *c = palette[i % NCOLOURS];

	cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

static double bars_height(const struct pb_report_chart *ch)
{
	return 34 + BAR_ROW * (double)ch->ncat + 8;
}

static void draw_bars(cairo_t *cr, const struct pb_report_chart *ch, const struct frame *fr)
{
	double label_w = 40, value_w = 60, x0, span, y = 30;
	size_t i;

	font(cr, fr, FONT_PT, 0);
	for (i = 0; i < ch->ncat; i++) {
		label_w = fmax(label_w, text_w(cr, ch->cats[i]) + 10);
		value_w = fmax(value_w, text_w(cr, ch->vtext[i]) + 10);
	}
	label_w = fmin(label_w, fr->w * 0.4);
	span = fr->w - label_w - value_w;
	x0 = label_w + (0 - ch->lo) / (ch->hi - ch->lo) * span;
	for (i = 0; i < ch->ncat; i++, y += BAR_ROW) {
		double xv = label_w + (ch->v[i] - ch->lo) / (ch->hi - ch->lo) * span;
		colour(cr, ch->v[i] < 0 ? 1 : 0);
		cairo_rectangle(cr, fmin(xv, x0), y + 4, fabs(xv - x0), BAR_ROW - 8);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
		text_at(cr, label_w - 6, y + 15, 1, ch->cats[i]);
		text_at(cr, fmax(xv, x0) + 4, y + 15, 0, ch->vtext[i]);
	}
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, x0, 28);
	cairo_line_to(cr, x0, y + 2);
	cairo_stroke(cr);
}

/* The legend under a trend: a swatch and a name per series, in rows. Returns its height. */
static double legend(cairo_t *cr, const struct pb_report_chart *ch, const struct frame *fr,
                     double y0, int draw)
{
	double x = 50, y = y0;
	size_t i;

	font(cr, fr, FONT_PT, 0);
	for (i = 0; i < ch->nseries; i++) {
		double w = 24 + text_w(cr, ch->names[i]) + 16;
		if (x + w > fr->w && x > 50)
			x = 50, y += 16;
		if (draw) {
			colour(cr, i);
			cairo_rectangle(cr, x, y - 8, 16, 3);
			cairo_fill(cr);
			cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
			text_at(cr, x + 22, y - 3, 0, ch->names[i]);
		}
		x += w;
	}
	return y - y0 + 16;
}

static void draw_trend(cairo_t *cr, const struct pb_report_chart *ch, const struct frame *fr)
{
	double left = 56, top = 30, bottom = 22 + legend(cr, ch, fr, 0, 0) + 8, right, plot_w,
	       plot_h, dx;
	size_t i, k, t;
	char tick[32];

	font(cr, fr, FONT_PT, 0);
	right = ch->ncat ? fmax(16, text_w(cr, ch->cats[ch->ncat - 1]) / 2 + 4) : 16;
	left = ch->ncat ? fmax(left, text_w(cr, ch->cats[0]) / 2 + 4) : left;
	plot_w = fr->w - left - right;
	plot_h = fr->h - top - bottom;
	dx = ch->ncat > 1 ? plot_w / (double)(ch->ncat - 1) : 0;
	cairo_set_line_width(cr, 0.6);
	for (t = 0; t < pb_report_chart_nticks(ch); t++) {
		double v = ch->lo + (double)t * ch->step;
		double y = top + plot_h - (v - ch->lo) / (ch->hi - ch->lo) * plot_h;
		cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
		cairo_move_to(cr, left, y);
		cairo_line_to(cr, left + plot_w, y);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
		pb_report_chart_tick(ch, v, tick, sizeof tick);
		text_at(cr, left - 6, y + 3.5, 1, tick);
	}
	for (k = 0; k < ch->ncat; k++)
		text_at(cr, left + dx * (double)k, top + plot_h + 14, ch->ncat > 1 ? 0.5 : 0,
		        ch->cats[k]);
	cairo_set_line_width(cr, 2);
	for (i = 0; i < ch->nseries; i++) {
		colour(cr, i);
		for (int dots = 0; dots < 2; dots++) { /* the line, then a dot at each value */
			int pen = 0;
			for (k = 0; k < ch->ncat; k++) {
				double x = left + dx * (double)k, y, v = ch->v[i * ch->ncat + k];
				if (isnan(v)) {
					pen = 0; /* a gap in the line where a period has no value */
					continue;
				}
				y = top + plot_h - (v - ch->lo) / (ch->hi - ch->lo) * plot_h;
				if (dots) {
					cairo_new_sub_path(cr);
					cairo_arc(cr, x, y, 2.5, 0, 2 * M_PI);
				} else if (pen) {
					cairo_line_to(cr, x, y);
				} else {
					cairo_move_to(cr, x, y);
				}
				pen = 1;
			}
			dots ? cairo_fill(cr) : cairo_stroke(cr);
		}
	}
	legend(cr, ch, fr, fr->h - bottom + 30, 1);
}

static void draw(cairo_t *cr, const struct pb_report_chart *ch, const struct frame *fr)
{
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.07, 0.07, 0.07);
	font(cr, fr, FONT_PT + 2, 1);
	text_at(cr, fr->w / 2, 17, 0.5, ch->title);
	if (ch->trend)
		draw_trend(cr, ch, fr);
	else
		draw_bars(cr, ch, fr);
}

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int n)
{
	return pb_buf_add(closure, data, n) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Draws on surface (its own scale) and finishes it; 0, or -1. */
static int paint(cairo_surface_t *sf, double scale, const struct pb_report_chart *ch,
                 const struct frame *fr)
{
	cairo_t *cr = cairo_create(sf);
	int rc;

	cairo_scale(cr, scale, scale);
	draw(cr, ch, fr);
	rc = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? 0 : -1;
	cairo_destroy(cr);
	cairo_surface_flush(sf);
	return rc;
}

int pb_report_draw(const struct pb_report_chart *ch, double width, double scale, struct pb_buf *png,
                   struct pb_buf *svg, double *height)
{
	struct frame fr;
	cairo_surface_t *sf;
	int rc;

	fr.w = width;
	cjk_family(fr.family, sizeof fr.family);
	fr.h = ch->trend ? width * 0.55 : bars_height(ch);
	*height = fr.h;
	sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(fr.w * scale),
	                                (int)ceil(fr.h * scale));
	rc = paint(sf, scale, ch, &fr);
	if (rc == 0 && cairo_surface_write_to_png_stream(sf, to_buf, png) != CAIRO_STATUS_SUCCESS)
		rc = -1;
	cairo_surface_destroy(sf);
	if (rc < 0)
		return -1;
	sf = cairo_svg_surface_create_for_stream(to_buf, svg, fr.w, fr.h);
	rc = paint(sf, 1, ch, &fr);
	cairo_surface_finish(sf);
	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS)
		rc = -1;
	cairo_surface_destroy(sf);
	return rc;
}
