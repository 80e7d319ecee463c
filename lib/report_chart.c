/*
 * report_chart: what a section's chart shows, whoever draws it (html SVG,
 * the xlsx chart's data, cairo for docx) — bars of the rows that are not
 * totals, or, over several periods, a line per group; the value axis with
 * round ticks. Totals and subtotals are never charted.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pb/map.h"
#include "report_int.h"

void pb_report_chart_release(struct pb_report_chart *ch)
{
	size_t i;

	for (i = 0; i < ch->ncat; i++)
		free(ch->cats ? ch->cats[i] : NULL);
	for (i = 0; i < ch->nseries; i++)
		free(ch->names ? ch->names[i] : NULL);
	for (i = 0; ch->vtext && i < ch->ncat * ch->nseries; i++)
		free(ch->vtext[i]);
	free(ch->cats);
	free(ch->names);
	free(ch->rows);
	free(ch->v);
	free(ch->vtext);
	memset(ch, 0, sizeof *ch);
}

/* A bar's label: the display values of the shown columns [first, last], joined by spaces. */
static char *row_label(const struct pb_report *rep, const struct pb_report_section *s, size_t r,
                       long first, long last)
{
	struct pb_buf b = PB_BUF_INIT;
	long c;

	pb_buf_adds(&b, "");
	for (c = first; c >= 0 && c <= last; c++) {
		if (c > first)
			pb_buf_addc(&b, ' ');
		pb_report_cell(rep, s, r, (size_t)c, 1, 1, &b);
	}
	return pb_buf_detach(&b);
}

/* A line's label: the display values of row r's group columns but the period. */
static char *group_label(const struct pb_report *rep, const struct pb_report_section *s, size_t r)
{
	struct pb_buf b = PB_BUF_INIT;
	struct pb_report_col col;
	size_t c;

	pb_buf_adds(&b, "");
	for (c = 0; c < s->ngroup; c++) {
		if ((long)c == s->period)
			continue;
		if (b.len)
			pb_buf_addc(&b, ' ');
		pb_report_classify(s, c, &col);
		pb_report_put_cell(rep, s, r, &col, 1, 1, &b);
	}
	return pb_buf_detach(&b);
}

static char *cell_text(const struct pb_report *rep, const struct pb_report_section *s, size_t r)
{
	struct pb_buf b = PB_BUF_INIT;

	pb_buf_adds(&b, "");
	pb_report_cell(rep, s, r, (size_t)s->chart, 1, 1, &b);
	return pb_buf_detach(&b);
}

/* Whether row r is charted: not a total, and a number in the charted column. */
static int charted(const struct pb_report_section *s, size_t r, double *v)
{
	return !s->total[r] && pb_report_num(s, r, (size_t)s->chart, v) == 0;
}

static int alloc_values(struct pb_report_chart *ch)
{
	size_t i, n = ch->ncat * ch->nseries;

	ch->v = malloc((n ? n : 1) * sizeof *ch->v);
	ch->vtext = calloc(n ? n : 1, sizeof *ch->vtext);
	if (!ch->v || !ch->vtext)
		return -1;
	for (i = 0; i < n; i++)
		ch->v[i] = NAN;
	return 0;
}

static int make_bars(const struct pb_report *rep, const struct pb_report_section *s,
                     struct pb_report_chart *ch)
{
	long first, last;
	size_t i;
	double v;

	pb_report_label_cols(s, &first, &last);
	ch->nseries = 1;
	ch->names = calloc(1, sizeof *ch->names);
	ch->cats = calloc(s->nrows ? s->nrows : 1, sizeof *ch->cats);
	ch->rows = calloc(s->nrows ? s->nrows : 1, sizeof *ch->rows);
	if (!ch->names || !ch->cats || !ch->rows || !(ch->names[0] = strdup(ch->title)))
		return -1;
	for (i = 0; i < s->nrows; i++)
		if (charted(s, s->order[i], &v))
			ch->rows[ch->ncat++] = s->order[i];
	if (alloc_values(ch) < 0)
		return -1;
	for (i = 0; i < ch->ncat; i++) {
		charted(s, ch->rows[i], &ch->v[i]);
		if (!(ch->cats[i] = row_label(rep, s, ch->rows[i], first, last)) ||
		    !(ch->vtext[i] = cell_text(rep, s, ch->rows[i])))
			return -1;
	}
	return 0;
}

/* The key of row r's group: its group columns but the period, NUL-separated. */
static void group_key(const struct pb_report_section *s, size_t r, struct pb_buf *key)
{
	size_t c;

	pb_buf_reset(key);
	for (c = 0; c < s->ngroup; c++)
		if ((long)c != s->period) {
			struct pb_str v = pb_report_raw(s, r, c);
			pb_buf_add(key, v.p, v.n);
			pb_buf_addc(key, '\0');
		}
}

static int cmp_str(const void *a, const void *b)
{
	return pb_str_cmp(*(const struct pb_str *)a, *(const struct pb_str *)b);
}

/* Periods in byte order (2022-05 before 2022-06), as views into s. */
static struct pb_str *sorted_periods(const struct pb_report_section *s, size_t *n)
{
	struct pb_map seen = PB_MAP_INIT;
	struct pb_str *p = malloc((s->nrows ? s->nrows : 1) * sizeof *p);
	size_t r;
	int is_new;

	*n = 0;
	for (r = 0; p && r < s->nrows; r++) {
		struct pb_str v = pb_report_raw(s, r, (size_t)s->period);
		double d;
		if (!v.n || !charted(s, r, &d) || pb_map_put(&seen, v.p, v.n, &is_new) < 0)
			continue;
		if (is_new)
			p[(*n)++] = v;
	}
	pb_map_release(&seen);
	if (p)
		qsort(p, *n, sizeof *p, cmp_str);
	return p;
}

/* Lines: a category per period, a series per group in the table's order. */
static int make_trend(const struct pb_report *rep, const struct pb_report_section *s,
                      struct pb_report_chart *ch)
{
	struct pb_map groups = PB_MAP_INIT;
	struct pb_buf key = PB_BUF_INIT;
	struct pb_str *periods = sorted_periods(s, &ch->ncat);
	size_t i, *first = calloc(s->nrows ? s->nrows : 1, sizeof *first);
	int rc = -1;
	double v;

	if (!periods || !first || !(ch->cats = calloc(ch->ncat ? ch->ncat : 1, sizeof *ch->cats)))
		goto out;
	for (i = 0; i < ch->ncat; i++)
		if (!(ch->cats[i] = pb_strdup_str(periods[i])))
			goto out;
	for (i = 0; i < s->nrows; i++) { /* the groups, in display order */
		size_t r = s->order[i];
		int is_new;
		long g;
		group_key(s, r, &key);
		if (charted(s, r, &v) && (g = pb_map_put(&groups, key.p, key.len, &is_new)) >= 0 &&
		    is_new)
			first[g] = r;
	}
	ch->nseries = groups.count;
	if (!(ch->names = calloc(ch->nseries ? ch->nseries : 1, sizeof *ch->names)) ||
	    alloc_values(ch) < 0)
		goto out;
	for (i = 0; i < ch->nseries; i++)
		if (!(ch->names[i] = group_label(rep, s, first[i])))
			goto out;
	for (i = 0; i < s->nrows; i++) {
		struct pb_str p = pb_report_raw(s, i, (size_t)s->period);
		struct pb_str *at = bsearch(&p, periods, ch->ncat, sizeof *periods, cmp_str);
		long g;
		group_key(s, i, &key);
		if (!at || !charted(s, i, &v) || (g = pb_map_find(&groups, key.p, key.len)) < 0)
			continue;
		ch->v[(size_t)g * ch->ncat + (size_t)(at - periods)] = v;
		free(ch->vtext[(size_t)g * ch->ncat + (size_t)(at - periods)]);
		if (!(ch->vtext[(size_t)g * ch->ncat + (size_t)(at - periods)] =
		          cell_text(rep, s, i)))
			goto out;
	}
	rc = 0;
out:
	free(periods);
	free(first);
	pb_map_release(&groups);
	pb_buf_release(&key);
	return rc;
}

/* A round step near range/5: 1, 2, 2.5 or 5 times a power of ten. */
static double nice_step(double range)
{
	double raw = range / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return mag * (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10);
}

/* The value axis: bars from zero to the longest (a rate to 100%), lines between round ticks. */
static void axis(struct pb_report_chart *ch)
{
	double lo = INFINITY, hi = -INFINITY;
	size_t i;

	for (i = 0; i < ch->ncat * ch->nseries; i++)
		if (!isnan(ch->v[i])) {
			lo = fmin(lo, ch->v[i]);
			hi = fmax(hi, ch->v[i]);
		}
	if (lo > hi)
		lo = hi = 0;
	if (!ch->trend) {
		lo = fmin(lo, 0);
		hi = fmax(hi, 0);
		if (ch->kind == PB_RK_RATE && lo >= 0 && hi <= 1)
			hi = 1; /* rates against the whole: 0 to 100% */
	}
	if (hi == lo) {
		hi = lo + (lo ? fabs(lo) / 2 : 1);
		lo = ch->trend ? lo - (hi - lo) : lo;
	}
	if (!isfinite(hi - lo)) { /* values near ±DBL_MAX: keep the range a number */
		lo = fmax(lo, -DBL_MAX / 4);
		hi = fmin(hi, DBL_MAX / 4);
	}
	ch->step = nice_step(hi - lo);
	ch->lo = lo;
	ch->hi = hi;
	if (ch->trend) { /* lines over a grid: from tick to tick */
		ch->lo = floor(lo / ch->step + 1e-9) * ch->step;
		ch->hi = ceil(hi / ch->step - 1e-9) * ch->step;
	}
}

size_t pb_report_chart_nticks(const struct pb_report_chart *ch)
{
	double n = floor((ch->hi - ch->lo) / ch->step + 0.5) + 1;

	/* about six; a step lost against large values (lo + step == lo) still ends */
	return isfinite(n) && n >= 1 ? (n > 50 ? 50 : (size_t)n) : 1;
}

int pb_report_chart_make(const struct pb_report *rep, const struct pb_report_section *s,
                         struct pb_report_chart *ch)
{
	int rc;

	memset(ch, 0, sizeof *ch);
	ch->trend = s->period >= 0;
	ch->title = s->cols[s->chart].label;
	ch->kind = s->cols[s->chart].kind;
	rc = ch->trend ? make_trend(rep, s, ch) : make_bars(rep, s, ch);
	if (rc < 0) {
		pb_report_chart_release(ch);
		return -1;
	}
	axis(ch);
	return 0;
}

void pb_report_chart_tick(const struct pb_report_chart *ch, double v, char *out, size_t n)
{
	int rate = ch->kind == PB_RK_RATE, dec = 0;
	double step = rate ? ch->step * 100 : ch->step;

	while (dec < 6 && fabs(step * pow(10, dec) - round(step * pow(10, dec))) > 1e-6)
		dec++; /* the places a tick needs: 2.5 has one */
	if (fabs(v) < ch->step * 1e-9)
		v = 0; /* never "-0" */
	snprintf(out, n, rate ? "%.*f%%" : "%.*f", dec > 6 ? 6 : dec, rate ? v * 100 : v);
}
