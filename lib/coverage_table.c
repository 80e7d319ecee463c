/*
 * coverage_table: the summary table — the aggregate rolled up into output
 * rows (groups, subtotals, the total), the earlier period (--compare) and the
 * targets (--targets) joined to them, rows in byte order, and the columns
 * written from one table that says, per column, its name, when the table has
 * it and how its value is written.
 */
#define _GNU_SOURCE /* qsort_r */
#include "coverage_int.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pb/value.h"
#include "pb/vocab.h"

#define M(count) (1u << (count))

/* The rates: a sum of counts over units. --compare gives each its change in points. */
enum rate { R_ORG, R_SINGLE, R_WORK, R_COVERED, NRATES };
static const struct {
	const char *name;
	unsigned counts; /* the numerator: these counts summed */
} rates[NRATES] = {
	[R_ORG] = { "org_rate", M(COV_SINGLE) | M(COV_JOINT) },
	[R_SINGLE] = { "single_rate", M(COV_SINGLE) },
	[R_WORK] = { "work_rate", M(COV_SINGLE) | M(COV_JOINT) | M(COV_WORK) },
	[R_COVERED] = { "covered_rate", M(COV_COVERED) },
};

/* One output row: a group, a subtotal or the total. */
struct row {
	struct cov_stats s;
	long long orgs; /* single units + distinct joint organizations */
	unsigned mask;  /* bit i: group column i is summed over (合计) */
	int present;    /* has counts of this run (else only --compare or --targets) */
	int has_prev;   /* --compare */
	struct cov_frac prev[NRATES];
	int has_target; /* --targets */
	struct cov_frac target;
	int32_t start, end;
	struct pb_str *v; /* the group values, decoded once every row exists */
};

struct table {
	struct cov *c;
	unsigned when;      /* the W_ flags of this run */
	struct pb_map keys; /* encoded group values (合计 included) -> row */
	struct row *rows;
	size_t cap;
	size_t *order;  /* rows in output order */
	size_t *vorder; /* --status: value indexes in byte order */
	size_t nv;
	int32_t as_of;             /* the day time_rate is measured on */
	struct cov_frac time_rate; /* --time-rate, or unknown: the calendar */
	struct pb_buf num;
};

/* ---------- the columns ---------- */

/* When a column is present: every one of its W_ flags is set for the run. */
enum {
	W_ORG = 1,      /* counting org_mode */
	W_COVERED = 2,  /* counting --status or --links */
	W_STATUS = 4,   /* --status */
	W_COMPARE = 8,  /* --compare */
	W_TARGETS = 16, /* --targets */
};

/* How many columns one row of the column table stands for. */
enum family {
	ONE,    /* one column, named by the row */
	BY,     /* one per --by column, named by it */
	VALUES, /* --status: one count per distinct value, named COL=VALUE */
};

struct column;
/* Writes item of column col of row w (nothing for an empty value). 0, or -1 out of memory. */
typedef int put_fn(struct table *t, const struct row *w, const struct column *col, size_t item);

struct column {
	const char *name;
	unsigned when;
	enum family family;
	put_fn *put;
	int arg; /* a count, or a rate */
};

static put_fn put_group, put_count, put_orgs, put_rate, put_value, put_delta, put_target, put_done,
    put_progress, put_time, put_ahead;

static const struct column columns[] = {
	{ NULL, 0, BY, put_group, 0 },
	{ "units", 0, ONE, put_count, COV_UNITS },
	{ "single", W_ORG, ONE, put_count, COV_SINGLE },
	{ "joint", W_ORG, ONE, put_count, COV_JOINT },
	{ "work", W_ORG, ONE, put_count, COV_WORK },
	{ "none", W_ORG, ONE, put_count, COV_NONE },
	{ "orgs", W_ORG, ONE, put_orgs, 0 },
	{ "members", W_ORG, ONE, put_count, COV_MEMBERS },
	{ "should_build", W_ORG, ONE, put_count, COV_SHOULD_BUILD },
	{ "org_rate", W_ORG, ONE, put_rate, R_ORG },
	{ "single_rate", W_ORG, ONE, put_rate, R_SINGLE },
	{ "work_rate", W_ORG, ONE, put_rate, R_WORK },
	{ "covered", W_COVERED, ONE, put_count, COV_COVERED },
	{ "covered_rate", W_COVERED, ONE, put_rate, R_COVERED },
	{ NULL, W_STATUS, VALUES, put_value, 0 },
	{ "org_rate_delta_pp", W_ORG | W_COMPARE, ONE, put_delta, R_ORG },
	{ "single_rate_delta_pp", W_ORG | W_COMPARE, ONE, put_delta, R_SINGLE },
	{ "work_rate_delta_pp", W_ORG | W_COMPARE, ONE, put_delta, R_WORK },
	{ "covered_rate_delta_pp", W_COVERED | W_COMPARE, ONE, put_delta, R_COVERED },
	{ "target", W_TARGETS, ONE, put_target, 0 },
	{ "done", W_TARGETS, ONE, put_done, 0 },
	{ "progress_rate", W_TARGETS, ONE, put_progress, 0 },
	{ "time_rate", W_TARGETS, ONE, put_time, 0 },
	{ "ahead_pp", W_TARGETS, ONE, put_ahead, 0 },
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

int cov_is_output_column(const char *name)
{
	size_t i;

	for (i = 0; i < NCOLUMNS; i++)
		if (columns[i].name && strcmp(columns[i].name, name) == 0)
			return 1;
	return 0;
}

static unsigned run_flags(const struct cov *c)
{
	unsigned w = c->mode == COV_ORG ? W_ORG : W_COVERED;

	if (c->mode == COV_STATUS)
		w |= W_STATUS;
	if (c->o->compare)
		w |= W_COMPARE;
	if (c->o->targets)
		w |= W_TARGETS;
	return w;
}

static int has(const struct table *t, const struct column *col)
{
	return (col->when & t->when) == col->when;
}

/* How many output columns col stands for in this run. */
static size_t family_size(const struct table *t, const struct column *col)
{
	switch (col->family) {
	case BY: return t->c->by.n;
	case VALUES: return t->nv;
	default: return 1;
	}
}

static int put_number(struct table *t, int (*fmt)(struct pb_buf *, double), double v)
{
	pb_buf_reset(&t->num);
	if (fmt(&t->num, v) < 0)
		return -1;
	fwrite(t->num.p ? t->num.p : "", 1, t->num.len, t->c->out);
	return 0;
}

static int put_int(struct table *t, long long v)
{
	fprintf(t->c->out, "%lld", v);
	return 0;
}

/* A whole number as an integer, anything else by the number rule; nothing when unknown. */
static int put_exact(struct table *t, struct cov_frac f)
{
	if (f.d == 1 && f.n >= LLONG_MIN && f.n <= LLONG_MAX)
		return put_int(t, (long long)f.n);
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
static struct cov_frac rate_of(const struct cov_stats *s, enum rate r)
{
	struct cov_frac f = { 0, 0 };
	long long num = 0;
	size_t k;

	for (k = 0; k < COV_NCOUNTS; k++)
		if (rates[r].counts & M(k))
			num += s->n[k];
	if (s->n[COV_UNITS])
		cov_frac_make(num, s->n[COV_UNITS], &f);
	return f;
}

static int put_group(struct table *t, const struct row *w, const struct column *col, size_t i)
{
	(void)col;
	if ((w->mask >> i) & 1)
		fputs(PB_TOTAL_LABEL, t->c->out);
	else
		pb_tsv_put_str(t->c->out, w->v[i]);
	return 0;
}

static int put_count(struct table *t, const struct row *w, const struct column *col, size_t i)
{
	(void)i;
	return w->present ? put_int(t, w->s.n[col->arg]) : 0;
}

static int put_orgs(struct table *t, const struct row *w, const struct column *col, size_t i)
{
	(void)col, (void)i;
	return w->present ? put_int(t, w->orgs) : 0;
}

static int put_rate(struct table *t, const struct row *w, const struct column *col, size_t i)
{
	(void)i;
	if (!w->present)
		return 0;
	return put_number(t, pb_put_rate, cov_frac_double(rate_of(&w->s, col->arg)));
}

static int put_value(struct table *t, const struct row *w, const struct column *col, size_t i)
{
	size_t v = t->vorder[i];

	(void)col;
	return w->present ? put_int(t, v < w->s.nvals ? w->s.vals[v] : 0) : 0;
}

/* The change of a rate in points: one fraction over both periods' denominators. */
static int put_delta(struct table *t, const struct row *w, const struct column *col, size_t i)
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

/* --targets: what is done counts single and joint units, or the covered ones. */
static struct cov_frac done_of(const struct table *t, const struct row *w)
{
	const long long *n = w->s.n;

	return (struct cov_frac){ t->c->mode == COV_ORG ? n[COV_SINGLE] + n[COV_JOINT]
		                                        : n[COV_COVERED],
		                  1 };
}

/* done / target, not clamped; unknown without this run's counts, a target, or with 0. */
static struct cov_frac progress_of(const struct table *t, const struct row *w)
{
	struct cov_frac f = { 0, 0 };

	if (w->present && w->has_target && w->target.n &&
	    cov_frac_div(done_of(t, w), w->target, &f) < 0)
		f = (struct cov_frac){ 0, 0 };
	return f;
}

/* --time-rate, else the calendar's share of the target's period on --as-of. */
static struct cov_frac time_of(const struct table *t, const struct row *w)
{
	if (!w->has_target)
		return (struct cov_frac){ 0, 0 };
	return t->time_rate.d ? t->time_rate : calendar_share(w->start, w->end, t->as_of);
}

static int put_target(struct table *t, const struct row *w, const struct column *col, size_t i)
{
	(void)col, (void)i;
	return w->has_target ? put_exact(t, w->target) : 0;
}

static int put_done(struct table *t, const struct row *w, const struct column *col, size_t i)
{
	(void)col, (void)i;
	return w->present ? put_exact(t, done_of(t, w)) : 0;
}

static int put_progress(struct table *t, const struct row *w, const struct column *col, size_t i)
{
	(void)col, (void)i;
	return put_number(t, pb_put_rate, cov_frac_double(progress_of(t, w)));
}

static int put_time(struct table *t, const struct row *w, const struct column *col, size_t i)
{
	(void)col, (void)i;
	return put_number(t, pb_put_rate, cov_frac_double(time_of(t, w)));
}

/* (progress - time) in points, from done, target and days: one fraction. */
static int put_ahead(struct table *t, const struct row *w, const struct column *col, size_t i)
{
	(void)col, (void)i;
	return put_number(t, pb_put_pp, points(progress_of(t, w), time_of(t, w)));
}

/* The header's name of item i of col. */
static void put_name(struct table *t, const struct column *col, size_t i)
{
	FILE *out = t->c->out;

	switch (col->family) {
	case BY: pb_tsv_puts(out, t->c->by.v[i]); break;
	case VALUES:
		pb_tsv_puts(out, t->c->o->status);
		putc('=', out);
		pb_tsv_put_str(out, pb_map_key(&t->c->agg.values, t->vorder[i]));
		break;
	default: fputs(col->name, out);
	}
}

/* The header (w NULL) or one row: every present column, as the column table says. */
static int write_line(struct table *t, const struct row *w)
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

/* ---------- the rows ---------- */

/* The row of the key in c->agg.key, added when new; -1 out of memory. */
static long table_row(struct table *t)
{
	const struct pb_buf *key = &t->c->agg.key;
	long i = pb_map_put(&t->keys, key->p ? key->p : "", key->len, NULL);

	if (i < 0 || pb_grow_zeroed(&t->rows, &t->cap, (size_t)i, sizeof *t->rows) < 0)
		return -1;
	return i;
}

static unsigned full_mask(const struct cov *c)
{
	return c->by.n ? (1u << c->by.n) - 1 : 0;
}

/*
 * The row of group values v with the columns from keep on summed over
 * (合计), marked present. -1 out of memory.
 */
static long level_row(struct table *t, const struct pb_str *v, size_t keep)
{
	struct cov *c = t->c;
	size_t i;
	long row;

	pb_buf_reset(&c->agg.key);
	for (i = 0; i < c->by.n; i++)
		if (cov_key_add(&c->agg.key, i < keep ? v[i] : PB_STR(PB_TOTAL_LABEL)) < 0)
			return -1;
	if ((row = table_row(t)) < 0)
		return -1;
	t->rows[row].present = 1;
	t->rows[row].mask = full_mask(c) & ~((1u << keep) - 1);
	return row;
}

/*
 * Rolls every group up into its rows: its own, then each subtotal level
 * (--rollup) or the total (--total). rowof[g * *stride + l] is group g's
 * row at level l. 0 or -1 out of memory.
 */
static int rollup(struct table *t, long **rowof, size_t *stride)
{
	struct cov *c = t->c;
	size_t nby = c->by.n, nl = 0, levels[COV_MAX_BY], g, l;

	if (nby && c->o->rollup)
		for (nl = 0; nl < nby; nl++)
			levels[nl] = nby - 1 - nl;
	else if (nby && c->o->total)
		levels[nl++] = 0;
	*stride = nl + 1;
	if (!(*rowof = calloc(c->agg.groups.count * *stride + 1, sizeof **rowof)))
		return -1;
	for (g = 0; g < c->agg.groups.count; g++) {
		struct pb_str v[COV_MAX_BY];
		cov_key_values(pb_map_key(&c->agg.groups, g), v, nby);
		for (l = 0; l < *stride; l++) {
			long row = level_row(t, v, l == 0 ? nby : levels[l - 1]);
			if (row < 0 || cov_stats_add(&t->rows[row].s, &c->agg.st[g]) < 0)
				return -1;
			(*rowof)[g * *stride + l] = row;
		}
	}
	/* the row of everything exists even without any unit */
	if ((!nby || nl) && level_row(t, NULL, 0) < 0)
		return -1;
	return 0;
}

/* orgs: single units + the distinct joint organizations over each row's groups. */
static int count_sets(struct table *t, const long *rowof, size_t stride)
{
	struct pb_map seen = PB_MAP_INIT;
	struct pb_buf *key = &t->c->agg.key;
	size_t i, l;
	int rc = 0;

	for (i = 0; i < t->c->agg.sets.count && rc == 0; i++) {
		struct pb_str member;
		enum cov_set set;
		uint32_t g;
		cov_agg_member(&t->c->agg, i, &g, &set, &member);
		for (l = 0; l < stride && rc == 0; l++) {
			uint32_t row = (uint32_t)rowof[g * stride + l];
			int is_new;
			pb_buf_reset(key);
			if (pb_buf_add(key, &row, sizeof row) < 0 ||
			    pb_buf_add(key, member.p, member.n) < 0 ||
			    pb_map_put(&seen, key->p, key->len, &is_new) < 0)
				rc = -1;
			else
				t->rows[row].orgs += is_new;
		}
	}
	pb_map_release(&seen);
	for (i = 0; i < t->keys.count; i++)
		t->rows[i].orgs += t->rows[i].s.n[COV_SINGLE];
	return rc;
}

/* --status: covered from the counts of the covered values. */
static void count_covered(struct table *t)
{
	const struct cov *c = t->c;
	size_t i, v;

	for (i = 0; i < t->keys.count; i++)
		for (v = 0; v < t->rows[i].s.nvals; v++)
			if (pb_list_find(&c->covered, pb_map_key(&c->agg.values, v)) >= 0)
				t->rows[i].s.n[COV_COVERED] += t->rows[i].s.vals[v];
}

/* ---------- rows from other files: --compare and --targets ---------- */

/* Whether this run prints rows with this pattern of 合计 columns. */
static int mask_ok(const struct cov *c, unsigned mask)
{
	size_t l;

	if (mask == 0)
		return 1;
	if (c->o->rollup)
		for (l = 0; l < c->by.n; l++)
			if (mask == (full_mask(c) & ~((1u << l) - 1)))
				return 1;
	return c->o->total && mask == full_mask(c);
}

/* The --by columns of a --compare or --targets file; -1 with err when one is missing. */
static int side_cols(const struct cov *c, const struct pb_tsv_reader *r, int *idx, const char *opt,
                     struct pb_error *err)
{
	size_t i;

	for (i = 0; i < c->by.n; i++)
		if ((idx[i] = pb_tsv_col(r, c->by.v[i])) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "no column '%s' (a --by column, needed in the %s file)",
			                    c->by.v[i], opt);
	return 0;
}

enum side { SIDE_PREV, SIDE_TARGET };

/*
 * The row a --compare or --targets file's record is about: 0 and *row, 1
 * when this run has no such row (a level it does not print), 2 when the
 * file named that row before (reported), -1 out of memory.
 */
static int side_row(struct table *t, const struct pb_tsv_reader *r, const int *idx, enum side side,
                    long *row)
{
	struct cov *c = t->c;
	unsigned mask = 0;
	size_t i;
	int *flag;

	pb_buf_reset(&c->agg.key);
	for (i = 0; i < c->by.n; i++) {
		struct pb_str v = r->fields[idx[i]];
		if (pb_str_eqz(v, PB_TOTAL_LABEL))
			mask |= 1u << i;
		if (cov_key_add(&c->agg.key, v) < 0)
			return -1;
	}
	if (!mask_ok(c, mask))
		return 1;
	if ((*row = table_row(t)) < 0)
		return -1;
	flag = side == SIDE_PREV ? &t->rows[*row].has_prev : &t->rows[*row].has_target;
	if (*flag) {
		cov_row_error(c, r->name, r->line, "group listed twice; the first is kept");
		return 2;
	}
	*flag = 1;
	t->rows[*row].mask = mask;
	return 0;
}

/* The rates of this run's mode, as flags over enum rate. */
static unsigned mode_rates(const struct cov *c)
{
	return c->mode == COV_ORG ? M(R_ORG) | M(R_SINGLE) | M(R_WORK) : M(R_COVERED);
}

/*
 * --compare: the columns the earlier rates come from — its counts, else its
 * rates; col[k] for count k, col[COV_NCOUNTS + r] for rate r, -1 unused.
 */
static int prev_cols(const struct cov *c, const struct pb_tsv_reader *r, int *col, int *from_counts,
                     struct pb_error *err)
{
	unsigned need = M(COV_UNITS), want = mode_rates(c);
	size_t k;

	for (k = 0; k < NRATES; k++)
		if (want & M(k))
			need |= rates[k].counts;
	*from_counts = 1;
	for (k = 0; k < COV_NCOUNTS + NRATES; k++)
		col[k] = -1;
	for (k = 0; k < COV_NCOUNTS; k++)
		if ((need & M(k)) && (col[k] = pb_tsv_col(r, cov_count_names[k])) < 0)
			*from_counts = 0;
	if (*from_counts)
		return 0;
	for (k = 0; k < COV_NCOUNTS; k++)
		col[k] = -1;
	for (k = 0; k < NRATES; k++)
		if ((want & M(k)) && (col[COV_NCOUNTS + k] = pb_tsv_col(r, rates[k].name)) < 0)
			return pb_error_set(
			    err, PB_EXIT_FATAL, r->name, 1,
			    "no column '%s' (--compare needs the counts or the rates)",
			    rates[k].name);
	return 0;
}

/* The sum of some of a record's counts over its units; unknown when one is. */
static struct cov_frac prev_rate(const struct cov_frac *v, unsigned counts)
{
	struct cov_frac f = { 0, 0 };
	__int128 num = 0;
	size_t k;

	for (k = 0; k < COV_NCOUNTS; k++)
		if (counts & M(k)) {
			if (!v[k].d)
				return f;
			num += v[k].n;
		}
	if (v[COV_UNITS].d && v[COV_UNITS].n > 0)
		cov_frac_make(num, v[COV_UNITS].n, &f);
	return f;
}

/*
 * Reads one record's earlier rates into prev (unknown where empty): from
 * its counts, or its rates read as the exact decimals they write. 0, or -1
 * after reporting a bad value.
 */
static int prev_rates(struct cov *c, const struct pb_tsv_reader *r, const int *col, int from_counts,
                      struct cov_frac *prev)
{
	struct cov_frac v[COV_NCOUNTS + NRATES];
	size_t k;

	for (k = 0; k < COV_NCOUNTS + NRATES; k++) {
		struct pb_str s;
		long long n;
		v[k] = (struct cov_frac){ 0, 0 };
		if (col[k] < 0 || !(s = r->fields[col[k]]).n)
			continue;
		if (k < COV_NCOUNTS
		        ? pb_parse_int(s, &n) == 0 && n >= 0 && cov_frac_make(n, 1, &v[k]) == 0
		        : cov_frac_decimal(s, &v[k]) == 0 && v[k].n >= 0 && v[k].n <= v[k].d)
			continue;
		cov_row_error(c, r->name, r->line, "%s: '%.*s' is not a %s", r->cols[col[k]],
		              (int)s.n, s.p, k < COV_NCOUNTS ? "count" : "rate from 0 to 1");
		return -1;
	}
	for (k = 0; k < NRATES; k++)
		if (mode_rates(c) & M(k))
			prev[k] = from_counts ? prev_rate(v, rates[k].counts) : v[COV_NCOUNTS + k];
	return 0;
}

/*
 * --compare: the earlier table must be grouped by this run's columns — the
 * columns before its first output column (a leading period aside). A table
 * without output columns is left to prev_cols to name what it lacks.
 */
static int prev_grouping(const struct cov *c, const struct pb_tsv_reader *r, struct pb_error *err)
{
	struct pb_buf theirs = PB_BUF_INIT, ours = PB_BUF_INIT;
	size_t first, i, n = 0;
	int same = 1, rc = 0;

	for (first = 0; first < r->ncols && !cov_is_output_column(r->cols[first]); first++)
		;
	if (first == r->ncols)
		return 0;
	for (i = 0; i < first; i++) {
		if (strcmp(r->cols[i], "period") == 0 && pb_list_find(&c->by, PB_STR("period")) < 0)
			continue;
		same &= pb_list_find(&c->by, pb_str_z(r->cols[i])) >= 0;
		rc |= pb_buf_addf(&theirs, "%s%s", n++ ? "," : "", r->cols[i]);
	}
	if (same && n == c->by.n) {
		pb_buf_release(&theirs);
		return 0;
	}
	for (i = 0; i < c->by.n; i++)
		rc |= pb_buf_addf(&ours, "%s%s", i ? "," : "", c->by.v[i]);
	if (rc < 0)
		pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "out of memory");
	else
		pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		             "%s%s, this run %s%s: --compare needs a table grouped alike",
		             n ? "grouped by " : "not grouped", n ? theirs.p : "",
		             c->by.n ? "by " : "is not grouped", c->by.n ? ours.p : "");
	pb_buf_release(&theirs);
	pb_buf_release(&ours);
	return -1;
}

/* --compare: the earlier output's rates, joined to this run's rows. */
static int load_prev(struct table *t, struct pb_error *err)
{
	struct cov *c = t->c;
	struct pb_tsv_reader r;
	int idx[COV_MAX_BY], col[COV_NCOUNTS + NRATES], from_counts = 1, rc;
	struct cov_frac prev[NRATES];
	long row;

	if ((rc = pb_tsv_open(&r, c->o->compare, err)) == 0 &&
	    (rc = prev_grouping(c, &r, err)) == 0 &&
	    (rc = side_cols(c, &r, idx, "--compare", err)) == 0)
		rc = prev_cols(c, &r, col, &from_counts, err);
	while (rc == 0 && (rc = pb_tsv_next_row(&r, &c->errors, err)) > 0) {
		if ((rc = prev_rates(c, &r, col, from_counts, prev)) < 0) {
			rc = 0;
			continue;
		}
		if ((rc = side_row(t, &r, idx, SIDE_PREV, &row)) < 0)
			pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
		else if (rc == 0)
			memcpy(t->rows[row].prev, prev, sizeof prev);
		rc = rc > 0 ? 0 : rc;
	}
	pb_tsv_close(&r);
	return rc < 0 ? -1 : 0;
}

/* --targets: one record's target and period. 0, or -1 after reporting. */
static int target_of(struct cov *c, const struct pb_tsv_reader *r, const int *col, struct row *want)
{
	static const char *const dates[] = { "period_start", "period_end" };
	struct pb_str s = r->fields[col[0]];
	long long target;
	int i;

	if (pb_parse_int(s, &target) < 0 || target < 0 ||
	    cov_frac_make(target, 1, &want->target) < 0) {
		cov_row_error(c, r->name, r->line, "target: '%.*s' is not a whole number >= 0",
		              (int)s.n, s.p);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		s = r->fields[col[1 + i]];
		if (pb_parse_date(s, i == 0 ? &want->start : &want->end) < 0) {
			cov_row_error(c, r->name, r->line, "%s: '%.*s' is not a date (YYYY-MM-DD)",
			              dates[i], (int)s.n, s.p);
			return -1;
		}
	}
	if (want->end < want->start) {
		cov_row_error(c, r->name, r->line, "period_end is before period_start");
		return -1;
	}
	return 0;
}

/* --targets: each group's target and period, joined to this run's rows. */
static int load_targets(struct table *t, struct pb_error *err)
{
	static const char *const need[] = { "target", "period_start", "period_end" };
	struct cov *c = t->c;
	struct pb_tsv_reader r;
	int idx[COV_MAX_BY], col[3], rc;
	struct row want;
	size_t i;
	long row;

	if ((rc = pb_tsv_open(&r, c->o->targets, err)) == 0)
		rc = side_cols(c, &r, idx, "--targets", err);
	for (i = 0; i < 3 && rc == 0; i++)
		if ((col[i] = pb_tsv_col(&r, need[i])) < 0)
			rc = pb_error_set(err, PB_EXIT_FATAL, r.name, 1,
			                  "no column '%s' (needed by --targets)", need[i]);
	while (rc == 0 && (rc = pb_tsv_next_row(&r, &c->errors, err)) > 0) {
		if ((rc = target_of(c, &r, col, &want)) < 0) {
			rc = 0;
			continue;
		}
		if ((rc = side_row(t, &r, idx, SIDE_TARGET, &row)) < 0)
			pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
		else if (rc == 0) {
			t->rows[row].target = want.target;
			t->rows[row].start = want.start;
			t->rows[row].end = want.end;
		}
		rc = rc > 0 ? 0 : rc;
	}
	pb_tsv_close(&r);
	return rc < 0 ? -1 : 0;
}

/* ---------- order and output ---------- */

/* Byte order of the group columns; a 合计 column sorts after every value there. */
static int row_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct table *t = ctx;
	const struct row *a = &t->rows[*(const size_t *)pa], *b = &t->rows[*(const size_t *)pb];
	size_t i;

	for (i = 0; i < t->c->by.n; i++) {
		int at = (a->mask >> i) & 1, bt = (b->mask >> i) & 1, d;
		if (at != bt)
			return at - bt;
		if (!at && (d = pb_str_cmp(a->v[i], b->v[i])))
			return d;
	}
	return 0;
}

static int value_cmp(const void *pa, const void *pb, void *ctx)
{
	const struct pb_map *values = ctx;

	return pb_str_cmp(pb_map_key(values, *(const size_t *)pa),
	                  pb_map_key(values, *(const size_t *)pb));
}

/* The rows in output order, and the --status values in byte order. 0 or -1. */
static int sort_rows(struct table *t)
{
	size_t i, n = t->keys.count;

	if (!(t->order = calloc(n + 1, sizeof *t->order)))
		return -1;
	for (i = 0; i < n; i++) {
		t->order[i] = i;
		if (!(t->rows[i].v = calloc(t->c->by.n + 1, sizeof *t->rows[i].v)))
			return -1;
		cov_key_values(pb_map_key(&t->keys, i), t->rows[i].v, t->c->by.n);
	}
	qsort_r(t->order, n, sizeof *t->order, row_cmp, t);
	if (t->c->mode != COV_STATUS)
		return 0;
	t->nv = t->c->agg.values.count;
	if (!(t->vorder = calloc(t->nv + 1, sizeof *t->vorder)))
		return -1;
	for (i = 0; i < t->nv; i++)
		t->vorder[i] = i;
	qsort_r(t->vorder, t->nv, sizeof *t->vorder, value_cmp, &t->c->agg.values);
	return 0;
}

static void table_release(struct table *t)
{
	size_t i;

	/* rows may be fewer than keys when growing them failed */
	for (i = 0; i < t->keys.count && i < t->cap; i++) {
		cov_stats_release(&t->rows[i].s);
		free(t->rows[i].v);
	}
	free(t->rows);
	free(t->order);
	free(t->vorder);
	pb_map_release(&t->keys);
	pb_buf_release(&t->num);
}

int cov_table_write(struct cov *c, struct pb_error *err)
{
	struct table t;
	long *rowof = NULL;
	size_t stride, i;
	int rc;

	memset(&t, 0, sizeof t);
	t.c = c;
	t.when = run_flags(c);
	t.as_of = c->o->has_as_of ? c->o->as_of : pb_today();
	if (c->o->time_rate)
		cov_time_rate(c->o->time_rate, &t.time_rate);
	rc = rollup(&t, &rowof, &stride);
	if (rc == 0)
		rc = count_sets(&t, rowof, stride);
	free(rowof);
	if (rc == 0 && c->mode == COV_STATUS)
		count_covered(&t);
	if (rc < 0)
		pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	if (rc == 0 && c->o->compare)
		rc = load_prev(&t, err);
	if (rc == 0 && c->o->targets)
		rc = load_targets(&t, err);
	if (rc == 0 && (rc = sort_rows(&t)) < 0)
		pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	if (rc == 0)
		rc = write_line(&t, NULL);
	for (i = 0; rc == 0 && i < t.keys.count; i++)
		if ((rc = write_line(&t, &t.rows[t.order[i]])) < 0)
			pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	table_release(&t);
	return rc;
}
