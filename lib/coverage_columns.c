/*
 * coverage_columns: the summary table's columns, as one table — per column
 * its name, when the table has it and how its value is written — that the
 * header and the row writer both walk. A new column is one row here (and,
 * when it needs one, a put function). Every figure that is not a count is
 * built as one exact fraction and rounded once.
 */
#include "coverage_int.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "pb/value.h"
#include "pb/vocab.h"

#define M(count) (1u << (count))

const struct cov_rate_def cov_rates[COV_NRATES] = {
	[COV_R_ORG] = { "org_rate", M(COV_SINGLE) | M(COV_JOINT) },
	[COV_R_SINGLE] = { "single_rate", M(COV_SINGLE) },
	[COV_R_WORK] = { "work_rate", M(COV_SINGLE) | M(COV_JOINT) | M(COV_WORK) },
	[COV_R_COVERED] = { "covered_rate", M(COV_COVERED) },
};

/* When a column is present: every one of its W_ flags is set for the run. */
enum {
	W_ORG = 1,        /* counting org_mode */
	W_COVERED = 2,    /* counting --status or --links */
	W_STATUS = 4,     /* --status */
	W_COMPARE = 8,    /* --compare */
	W_TARGETS = 16,   /* --targets */
	W_SINCE = 32,     /* --since */
	W_SUM = 64,       /* --sum */
	W_DISTINCT = 128, /* --distinct */
	W_PERIOD = 256,   /* --period */
};

/* How many columns one row of the column table stands for. */
enum family {
	ONE,      /* one column, named by the row */
	BY,       /* one per --by column, named by it */
	VALUES,   /* --status: one count per distinct value, named COL=VALUE */
	SUMS,     /* --sum: one per column, named COL_sum */
	DISTINCT, /* --distinct: one per column, named COL_distinct */
};

struct column;
/* Writes item of column col of row w (nothing for an empty value). 0, or -1 out of memory. */
typedef int put_fn(struct cov_table *t, const struct cov_row *w, const struct column *col,
                   size_t item);

struct column {
	const char *name;
	unsigned when;
	enum family family;
	put_fn *put;
	int arg; /* a count, or a rate */
};

static put_fn put_period, put_group, put_count, put_orgs, put_rate, put_value, put_delta,
    put_target, put_done, put_progress, put_time, put_ahead, put_sum, put_distinct;

static const struct column columns[] = {
	{ "period", W_PERIOD, ONE, put_period, 0 },
	{ NULL, 0, BY, put_group, 0 },
	{ "units", 0, ONE, put_count, COV_UNITS },
	{ "single", W_ORG, ONE, put_count, COV_SINGLE },
	{ "joint", W_ORG, ONE, put_count, COV_JOINT },
	{ "work", W_ORG, ONE, put_count, COV_WORK },
	{ "none", W_ORG, ONE, put_count, COV_NONE },
	{ "orgs", W_ORG, ONE, put_orgs, 0 },
	{ "members", W_ORG, ONE, put_count, COV_MEMBERS },
	{ "should_build", W_ORG, ONE, put_count, COV_SHOULD_BUILD },
	{ "org_rate", W_ORG, ONE, put_rate, COV_R_ORG },
	{ "single_rate", W_ORG, ONE, put_rate, COV_R_SINGLE },
	{ "work_rate", W_ORG, ONE, put_rate, COV_R_WORK },
	{ "covered", W_COVERED, ONE, put_count, COV_COVERED },
	{ "covered_rate", W_COVERED, ONE, put_rate, COV_R_COVERED },
	{ NULL, W_STATUS, VALUES, put_value, 0 },
	{ "org_rate_delta_pp", W_ORG | W_COMPARE, ONE, put_delta, COV_R_ORG },
	{ "single_rate_delta_pp", W_ORG | W_COMPARE, ONE, put_delta, COV_R_SINGLE },
	{ "work_rate_delta_pp", W_ORG | W_COMPARE, ONE, put_delta, COV_R_WORK },
	{ "covered_rate_delta_pp", W_COVERED | W_COMPARE, ONE, put_delta, COV_R_COVERED },
	{ "target", W_TARGETS, ONE, put_target, 0 },
	{ "done", W_TARGETS, ONE, put_done, 0 },
	{ "progress_rate", W_TARGETS, ONE, put_progress, 0 },
	{ "time_rate", W_TARGETS, ONE, put_time, 0 },
	{ "ahead_pp", W_TARGETS, ONE, put_ahead, 0 },
	{ "built_since", W_ORG | W_SINCE, ONE, put_count, COV_BUILT_SINCE },
	{ NULL, W_SUM, SUMS, put_sum, 0 },
	{ NULL, W_DISTINCT, DISTINCT, put_distinct, 0 },
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

int cov_is_output_column(const char *name)
{
	size_t i;

	/* period is a key, as the group columns are */
	for (i = 0; i < NCOLUMNS; i++)
		if (columns[i].name && columns[i].put != put_period &&
		    strcmp(columns[i].name, name) == 0)
			return 1;
	return 0;
}

unsigned cov_columns_of(const struct cov *c)
{
	unsigned w = c->mode == COV_ORG ? W_ORG : W_COVERED;

	if (c->mode == COV_STATUS)
		w |= W_STATUS;
	if (c->o->compare)
		w |= W_COMPARE;
	if (c->o->targets)
		w |= W_TARGETS;
	w |= (c->o->has_since ? W_SINCE : 0) | (c->sum.n ? W_SUM : 0) |
	    (c->distinct.n ? W_DISTINCT : 0) | (c->o->period ? W_PERIOD : 0);
	return w;
}

static int has(const struct cov_table *t, const struct column *col)
{
	return (col->when & t->when) == col->when;
}

/* How many output columns col stands for in this run. */
static size_t family_size(const struct cov_table *t, const struct column *col)
{
	switch (col->family) {
	case BY: return t->c->by.n;
	case VALUES: return t->nv;
	case SUMS: return t->c->sum.n;
	case DISTINCT: return t->c->distinct.n;
	default: return 1;
	}
}

static int put_number(struct cov_table *t, int (*fmt)(struct pb_buf *, double), double v)
{
	pb_buf_reset(&t->num);
	if (fmt(&t->num, v) < 0)
		return -1;
	fwrite(t->num.p ? t->num.p : "", 1, t->num.len, t->c->out);
	return 0;
}

static int put_int(struct cov_table *t, long long v)
{
	fprintf(t->c->out, "%lld", v);
	return 0;
}

/*
 * A whole number as an integer, every digit (a sum of large counts or amounts
 * past 2^53 is not rounded to a double); anything else by the number rule.
 */
static int put_exact(struct cov_table *t, struct cov_frac f)
{
	if (f.d == 1 && f.n >= LLONG_MIN && f.n <= LLONG_MAX)
		return put_int(t, (long long)f.n);
	if (f.d == 1) {
		pb_buf_reset(&t->num);
		if (cov_dec_put(&t->num, (struct cov_dec){ f.n, 0 }) < 0)
			return -1;
		fwrite(t->num.p, 1, t->num.len, t->c->out);
		return 0;
	}
	return put_number(t, pb_put_number, cov_frac_double(f));
}

/* 100 * (a - b) points, exact; unknown when either is. */
static double points(struct cov_frac a, struct cov_frac b)
{
	struct cov_frac d;

	if (!a.d || !b.d)
		return NAN;
	if (cov_frac_sub(a, b, &d) == 0 && cov_frac_mul(d, (struct cov_frac){ 100, 1 }, &d) == 0)
		return cov_frac_double(d);
	/* beyond 128 bits (no register comes near): as close as doubles get */
	return (cov_frac_double(a) - cov_frac_double(b)) * 100;
}

/* A rate of a row's counts: one exact fraction; unknown without units. */
static struct cov_frac rate_of(const struct cov_stats *s, enum cov_rate r)
{
	struct cov_frac f = { 0, 0 };
	long long num = 0;
	size_t k;

	for (k = 0; k < COV_NCOUNTS; k++)
		if (cov_rates[r].counts & M(k))
			num += s->n[k];
	if (s->n[COV_UNITS])
		cov_frac_make(num, s->n[COV_UNITS], &f);
	return f;
}

static int put_period(struct cov_table *t, const struct cov_row *w, const struct column *col,
                      size_t i)
{
	(void)w, (void)col, (void)i;
	pb_tsv_puts(t->c->out, t->c->o->period);
	return 0;
}

static int put_group(struct cov_table *t, const struct cov_row *w, const struct column *col,
                     size_t i)
{
	(void)col;
	if ((w->mask >> i) & 1)
		fputs(PB_TOTAL_LABEL, t->c->out);
	else
		pb_tsv_put_str(t->c->out, w->v[i]);
	return 0;
}

static int put_count(struct cov_table *t, const struct cov_row *w, const struct column *col,
                     size_t i)
{
	(void)i;
	return w->present ? put_int(t, w->s.n[col->arg]) : 0;
}

static int put_orgs(struct cov_table *t, const struct cov_row *w, const struct column *col,
                    size_t i)
{
	(void)col, (void)i;
	return w->present ? put_int(t, w->orgs) : 0;
}

static int put_rate(struct cov_table *t, const struct cov_row *w, const struct column *col,
                    size_t i)
{
	(void)i;
	if (!w->present)
		return 0;
	return put_number(t, pb_put_rate, cov_frac_double(rate_of(&w->s, col->arg)));
}

static int put_value(struct cov_table *t, const struct cov_row *w, const struct column *col,
                     size_t i)
{
	size_t v = t->vorder[i];

	(void)col;
	return w->present ? put_int(t, v < w->s.nvals ? w->s.vals[v] : 0) : 0;
}

/* The change of a rate in points: one fraction over both periods' denominators. */
static int put_delta(struct cov_table *t, const struct cov_row *w, const struct column *col,
                     size_t i)
{
	(void)i;
	if (!w->present || !w->has_prev)
		return 0;
	return put_number(t, pb_put_pp, points(rate_of(&w->s, col->arg), w->prev[col->arg]));
}

/* The share of [start, end] elapsed on as_of, both ends inclusive, clamped to [0,1]. */
static struct cov_frac calendar_share(int32_t start, int32_t end, int32_t as_of)
{
	long long days = (long long)end - start + 1, done = (long long)as_of - start + 1;
	struct cov_frac f = { 0, 0 };

	if (days > 0)
		cov_frac_make(done < 0 ? 0 : done > days ? days : done, days, &f);
	return f;
}

double pb_coverage_time_rate(int32_t start, int32_t end, int32_t as_of)
{
	return cov_frac_double(calendar_share(start, end, as_of));
}

/* A row's exact sum of summed column j (0 when none of its units had a value). */
static struct cov_frac sum_of(const struct cov_row *w, long j)
{
	struct cov_dec zero = { 0, 0 };

	return cov_dec_frac((size_t)j < w->s.nsums ? w->s.sums[j] : zero);
}

static int put_sum(struct cov_table *t, const struct cov_row *w, const struct column *col, size_t i)
{
	(void)col;
	return w->present ? put_exact(t, sum_of(w, t->sum_at[i])) : 0;
}

static int put_distinct(struct cov_table *t, const struct cov_row *w, const struct column *col,
                        size_t i)
{
	(void)col;
	return w->present ? put_int(t, w->sets[1 + t->distinct_at[i]]) : 0;
}

/*
 * --targets: what is done counts single and joint units, or the covered
 * ones, or, for a target with a measure, sums that column.
 */
static struct cov_frac done_of(const struct cov_table *t, const struct cov_row *w)
{
	const long long *n = w->s.n;

	if (w->has_measure)
		return sum_of(w, w->measure);

	return (struct cov_frac){ t->c->mode == COV_ORG ? n[COV_SINGLE] + n[COV_JOINT]
		                                        : n[COV_COVERED],
		                  1 };
}

/* done / target, not clamped; unknown without this run's counts, a target, or with 0. */
static struct cov_frac progress_of(const struct cov_table *t, const struct cov_row *w)
{
	struct cov_frac f = { 0, 0 };

	if (w->present && w->has_target && w->target.n &&
	    cov_frac_div(done_of(t, w), w->target, &f) < 0)
		f = (struct cov_frac){ 0, 0 };
	return f;
}

/* --time-rate, else the calendar's share of the target's period on --as-of. */
static struct cov_frac time_of(const struct cov_table *t, const struct cov_row *w)
{
	if (!w->has_target)
		return (struct cov_frac){ 0, 0 };
	return t->time_rate.d ? t->time_rate : calendar_share(w->start, w->end, t->as_of);
}

static int put_target(struct cov_table *t, const struct cov_row *w, const struct column *col,
                      size_t i)
{
	(void)col, (void)i;
	return w->has_target ? put_exact(t, w->target) : 0;
}

static int put_done(struct cov_table *t, const struct cov_row *w, const struct column *col,
                    size_t i)
{
	(void)col, (void)i;
	return w->present ? put_exact(t, done_of(t, w)) : 0;
}

static int put_progress(struct cov_table *t, const struct cov_row *w, const struct column *col,
                        size_t i)
{
	(void)col, (void)i;
	return put_number(t, pb_put_rate, cov_frac_double(progress_of(t, w)));
}

static int put_time(struct cov_table *t, const struct cov_row *w, const struct column *col,
                    size_t i)
{
	(void)col, (void)i;
	return put_number(t, pb_put_rate, cov_frac_double(time_of(t, w)));
}

/* (progress - time) in points, from done, target and days: one fraction. */
static int put_ahead(struct cov_table *t, const struct cov_row *w, const struct column *col,
                     size_t i)
{
	(void)col, (void)i;
	return put_number(t, pb_put_pp, points(progress_of(t, w), time_of(t, w)));
}

/* The header's name of item i of col. */
static void put_name(struct cov_table *t, const struct column *col, size_t i)
{
	FILE *out = t->c->out;

	switch (col->family) {
	case BY: pb_tsv_puts(out, t->c->by.v[i]); break;
	case VALUES:
		pb_tsv_puts(out, t->c->o->status);
		putc('=', out);
		pb_tsv_put_str(out, pb_map_key(&t->c->agg.values, t->vorder[i]));
		break;
	case SUMS:
		pb_tsv_puts(out, t->c->sum.v[i]);
		fputs("_sum", out);
		break;
	case DISTINCT:
		pb_tsv_puts(out, t->c->distinct.v[i]);
		fputs("_distinct", out);
		break;
	default: fputs(col->name, out);
	}
}

int cov_columns_write(struct cov_table *t, const struct cov_row *w)
{
	size_t k, i;
	int first = 1;

	for (k = 0; k < NCOLUMNS; k++) {
		const struct column *col = &columns[k];
		if (!has(t, col))
			continue;
		for (i = 0; i < family_size(t, col); i++, first = 0) {
			if (!first)
				putc('\t', t->c->out);
			if (!w)
				put_name(t, col, i);
			else if (col->put(t, w, col, i) < 0)
				return -1;
		}
	}
	putc('\n', t->c->out);
	return 0;
}
