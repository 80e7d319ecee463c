/*
 * coverage_table: the summary table — the aggregate rolled up into output
 * rows (groups, subtotals, the total), the earlier period (--compare) and the
 * targets (--targets) joined to them, rows in byte order, each written by
 * coverage_columns.c.
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

/* ---------- the rows ---------- */

/* The row of the key in c->agg.key, added when new; -1 out of memory. */
static long table_row(struct cov_table *t)
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
static long level_row(struct cov_table *t, const struct pb_str *v, size_t keep)
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
 * row at level l. 0, -1 out of memory, -2 a sum too large.
 */
static int rollup(struct cov_table *t, long **rowof, size_t *stride)
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
			int rc = row < 0 ? -1 : cov_stats_add(&t->rows[row].s, &c->agg.st[g]);
			if (rc < 0)
				return rc;
			(*rowof)[g * *stride + l] = row;
		}
	}
	/* the row of everything exists even without any unit */
	if ((!nby || nl) && level_row(t, NULL, 0) < 0)
		return -1;
	return 0;
}

/*
 * The sets over each row's groups: orgs = single units + the distinct joint
 * organizations; COL_distinct = the distinct values of COL. 0 or -1.
 */
static int count_sets(struct cov_table *t, const long *rowof, size_t stride)
{
	/* members are numbered once per distinct text: (row, set, member) says it all */
	struct cov_pairs seen = { 0 };
	const struct cov_pairs *sets = &t->c->agg.sets;
	size_t *uses = calloc(t->keys.count + 1, sizeof *uses); /* per row: its groups */
	size_t i, l;
	int rc = 0;

	if (!uses)
		return -1;
	for (i = 0; i < t->c->agg.groups.count * stride; i++)
		uses[rowof[i]]++;
	for (i = 0; i < t->keys.count && rc == 0; i++)
		if (!(t->rows[i].sets = calloc(t->nsets, sizeof *t->rows[i].sets)))
			rc = -1;
	for (i = 0; i < sets->count && rc == 0; i++) {
		const uint32_t *e = sets->v[i];
		for (l = 0; l < stride && rc == 0 && e[1] < t->nsets; l++) {
			long row = rowof[e[0] * stride + l];
			/* a row of one group (its own row, mostly) has each member once */
			int is_new =
			    uses[row] == 1 ? 1 : cov_pairs_put(&seen, (uint32_t)row, e[1], e[2]);
			if (is_new < 0)
				rc = -1;
			else
				t->rows[row].sets[e[1]] += is_new;
		}
	}
	cov_pairs_release(&seen);
	free(uses);
	for (i = 0; i < t->keys.count && rc == 0; i++)
		t->rows[i].orgs = t->rows[i].sets[COV_SET_ORGS] + t->rows[i].s.n[COV_SINGLE];
	return rc;
}

/* --status: covered from the counts of the covered values. */
static void count_covered(struct cov_table *t)
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
static int side_row(struct cov_table *t, const struct pb_tsv_reader *r, const int *idx,
                    enum side side, long *row)
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

/* The rates of this run's mode, as flags over enum cov_rate. */
static unsigned mode_rates(const struct cov *c)
{
	return c->mode == COV_ORG ? M(COV_R_ORG) | M(COV_R_SINGLE) | M(COV_R_WORK)
	                          : M(COV_R_COVERED);
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

	for (k = 0; k < COV_NRATES; k++)
		if (want & M(k))
			need |= cov_rates[k].counts;
	*from_counts = 1;
	for (k = 0; k < COV_NCOUNTS + COV_NRATES; k++)
		col[k] = -1;
	for (k = 0; k < COV_NCOUNTS; k++)
		if ((need & M(k)) && (col[k] = pb_tsv_col(r, cov_count_names[k])) < 0)
			*from_counts = 0;
	if (*from_counts)
		return 0;
	for (k = 0; k < COV_NCOUNTS; k++)
		col[k] = -1;
	for (k = 0; k < COV_NRATES; k++)
		if ((want & M(k)) && (col[COV_NCOUNTS + k] = pb_tsv_col(r, cov_rates[k].name)) < 0)
			return pb_error_set(
			    err, PB_EXIT_FATAL, r->name, 1,
			    "no column '%s' (--compare needs the counts or the rates)",
			    cov_rates[k].name);
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
	struct cov_frac v[COV_NCOUNTS + COV_NRATES];
	size_t k;

	for (k = 0; k < COV_NCOUNTS + COV_NRATES; k++) {
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
	for (k = 0; k < COV_NRATES; k++)
		if (mode_rates(c) & M(k))
			prev[k] =
			    from_counts ? prev_rate(v, cov_rates[k].counts) : v[COV_NCOUNTS + k];
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
		return rc < 0 ? pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "out of memory") : 0;
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

/* A header line repeated where outputs were appended to one file. */
static int is_header(const struct pb_tsv_reader *r)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (!pb_str_eqz(r->fields[i], r->cols[i]))
			return 0;
	return 1;
}

/*
 * A trend table (outputs of several --period runs appended): the rows of
 * its latest period before this run's --period (or of its latest, without
 * one) are the earlier table. 1 when the record is of that period so far —
 * rows of an earlier one, read before, are dropped — else 0. -1 out of memory.
 */
static int prev_period(struct cov_table *t, const struct pb_tsv_reader *r, int pcol)
{
	struct pb_str p;
	size_t i;
	int d;

	if (pcol < 0)
		return 1;
	p = r->fields[pcol];
	if (t->c->o->period && pb_str_cmp(p, pb_str_z(t->c->o->period)) >= 0)
		return 0;
	d = t->has_period ? pb_str_cmp(p, (struct pb_str){ t->period.p, t->period.len }) : 1;
	if (d > 0) {
		pb_buf_reset(&t->period);
		if (pb_buf_add(&t->period, p.p, p.n) < 0)
			return -1;
		t->has_period = 1;
		for (i = 0; i < t->keys.count; i++)
			t->rows[i].has_prev = 0;
	}
	return d >= 0;
}

/* --compare: the earlier output's rates, joined to this run's rows. */
static int load_prev(struct cov_table *t, struct pb_error *err)
{
	struct cov *c = t->c;
	struct pb_tsv_reader r;
	int idx[COV_MAX_BY], col[COV_NCOUNTS + COV_NRATES], from_counts = 1, rc, pcol = -1;
	struct cov_frac prev[COV_NRATES];
	long row;

	if ((rc = pb_tsv_open(&r, c->o->compare, err)) == 0 &&
	    (rc = prev_grouping(c, &r, err)) == 0 &&
	    (rc = side_cols(c, &r, idx, "--compare", err)) == 0)
		rc = prev_cols(c, &r, col, &from_counts, err);
	if (rc == 0 && pb_list_find(&c->by, PB_STR("period")) < 0)
		pcol = pb_tsv_col(&r, "period");
	while (rc == 0 && (rc = pb_tsv_next_row(&r, &c->errors, err)) > 0) {
		if (is_header(&r) || (rc = prev_period(t, &r, pcol)) == 0 ||
		    (rc > 0 && (rc = prev_rates(c, &r, col, from_counts, prev)) < 0)) {
			rc = 0;
			continue;
		}
		if (rc < 0 || (rc = side_row(t, &r, idx, SIDE_PREV, &row)) < 0)
			pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
		else if (rc == 0)
			memcpy(t->rows[row].prev, prev, sizeof prev);
		rc = rc > 0 ? 0 : rc;
	}
	pb_tsv_close(&r);
	return rc < 0 ? -1 : 0;
}

/* --targets: one record's target and period. 0, or -1 after reporting. */
static int target_of(struct cov_table *t, const struct pb_tsv_reader *r, const int *col,
                     struct cov_row *want)
{
	static const char *const dates[] = { "period_start", "period_end" };
	struct pb_str s = r->fields[col[0]], m = col[3] >= 0 ? r->fields[col[3]] : PB_STR("");
	long long target;
	int i;

	/* a target on a measure may be a decimal; one on units is a whole number */
	if ((want->has_measure = m.n != 0)) {
		want->measure = pb_map_find(&t->c->agg.sums, m.p, m.n);
		if (cov_frac_decimal(s, &want->target) < 0 || want->target.n < 0) {
			cov_row_error(t->c, r->name, r->line, "target: '%.*s' is not a number >= 0",
			              (int)s.n, s.p);
			return -1;
		}
	} else if (pb_parse_int(s, &target) < 0 || target < 0 ||
	           cov_frac_make(target, 1, &want->target) < 0) {
		cov_row_error(t->c, r->name, r->line, "target: '%.*s' is not a whole number >= 0",
		              (int)s.n, s.p);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		s = r->fields[col[1 + i]];
		if (pb_parse_date(s, i == 0 ? &want->start : &want->end) < 0) {
			cov_row_error(t->c, r->name, r->line,
			              "%s: '%.*s' is not a date (YYYY-MM-DD)", dates[i], (int)s.n,
			              s.p);
			return -1;
		}
	}
	if (want->end < want->start) {
		cov_row_error(t->c, r->name, r->line, "period_end is before period_start");
		return -1;
	}
	return 0;
}

/* Opens a --targets file and finds its columns: target, period_start, period_end, [measure]. */
static int targets_open(struct cov *c, struct pb_tsv_reader *r, int *col, struct pb_error *err)
{
	static const char *const need[] = { "target", "period_start", "period_end" };
	size_t i;

	if (pb_tsv_open(r, c->o->targets, err) < 0)
		return -1;
	for (i = 0; i < 3; i++)
		if ((col[i] = pb_tsv_col(r, need[i])) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "no column '%s' (needed by --targets)", need[i]);
	col[3] = pb_tsv_col(r, "measure");
	return 0;
}

int cov_targets_measures(struct cov *c, struct pb_error *err)
{
	struct pb_tsv_reader r;
	int col[4], rc;

	/* bad rows are left to load_targets to report, once */
	if ((rc = targets_open(c, &r, col, err)) == 0 && col[3] >= 0)
		while ((rc = pb_tsv_next(&r, err)) != 0) {
			if (rc < 0 && err->code == PB_EXIT_FATAL)
				break;
			if (rc > 0 && r.fields[col[3]].n &&
			    cov_agg_column(&c->agg.sums, r.fields[col[3]]) < 0) {
				rc = pb_error_set(err, PB_EXIT_FATAL, r.name, r.line,
				                  "out of memory");
				break;
			}
			rc = 0;
		}
	pb_tsv_close(&r);
	if (rc < 0 && err->code != PB_EXIT_FATAL)
		rc = 0;
	return rc < 0 ? -1 : 0;
}

/* --targets: each group's target and period, joined to this run's rows. */
static int load_targets(struct cov_table *t, struct pb_error *err)
{
	struct cov *c = t->c;
	struct pb_tsv_reader r;
	int idx[COV_MAX_BY], col[4], rc;
	struct cov_row want;
	long row;

	if ((rc = targets_open(c, &r, col, err)) == 0)
		rc = side_cols(c, &r, idx, "--targets", err);
	while (rc == 0 && (rc = pb_tsv_next_row(&r, &c->errors, err)) > 0) {
		if ((rc = target_of(t, &r, col, &want)) < 0) {
			rc = 0;
			continue;
		}
		if ((rc = side_row(t, &r, idx, SIDE_TARGET, &row)) < 0)
			pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
		else if (rc == 0) {
			t->rows[row].target = want.target;
			t->rows[row].start = want.start;
			t->rows[row].end = want.end;
			t->rows[row].has_measure = want.has_measure;
			t->rows[row].measure = want.measure;
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
	const struct cov_table *t = ctx;
	const struct cov_row *a = &t->rows[*(const size_t *)pa], *b = &t->rows[*(const size_t *)pb];
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
static int sort_rows(struct cov_table *t)
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

static void table_release(struct cov_table *t)
{
	size_t i;

	/* rows may be fewer than keys when growing them failed */
	for (i = 0; i < t->keys.count && i < t->cap; i++) {
		cov_stats_release(&t->rows[i].s);
		free(t->rows[i].v);
		free(t->rows[i].sets);
	}
	free(t->rows);
	free(t->order);
	free(t->vorder);
	free(t->sum_at);
	free(t->distinct_at);
	pb_buf_release(&t->period);
	pb_map_release(&t->keys);
	pb_buf_release(&t->num);
}

/* The run's columns and where their values are. 0 or -1 out of memory. */
static int table_init(struct cov_table *t, struct cov *c)
{
	size_t i;

	memset(t, 0, sizeof *t);
	t->c = c;
	t->when = cov_columns_of(c);
	t->as_of = c->o->has_as_of ? c->o->as_of : pb_today();
	if (c->o->time_rate)
		cov_time_rate(c->o->time_rate, &t->time_rate);
	t->nsets = 1 + c->agg.distinct.count;
	if (!(t->sum_at = calloc(c->sum.n + 1, sizeof *t->sum_at)) ||
	    !(t->distinct_at = calloc(c->distinct.n + 1, sizeof *t->distinct_at)))
		return -1;
	/* setup named every column in the aggregate, so each is found */
	for (i = 0; i < c->sum.n; i++)
		t->sum_at[i] = pb_map_find(&c->agg.sums, c->sum.v[i], strlen(c->sum.v[i]));
	for (i = 0; i < c->distinct.n; i++)
		t->distinct_at[i] =
		    pb_map_find(&c->agg.distinct, c->distinct.v[i], strlen(c->distinct.v[i]));
	return 0;
}

int cov_table_write(struct cov *c, struct pb_error *err)
{
	struct cov_table t;
	long *rowof = NULL;
	size_t stride, i;
	int rc;

	rc = table_init(&t, c);
	if (rc == 0)
		rc = rollup(&t, &rowof, &stride);
	if (rc == 0)
		rc = count_sets(&t, rowof, stride);
	free(rowof);
	if (rc == 0 && c->mode == COV_STATUS)
		count_covered(&t);
	if (rc < 0)
		pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		             rc == -2 ? "a --sum total is too large to be exact" : "out of memory");
	if (rc == 0 && c->o->compare)
		rc = load_prev(&t, err);
	if (rc == 0 && c->o->targets)
		rc = load_targets(&t, err);
	if (rc == 0 && (rc = sort_rows(&t)) < 0)
		pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	if (rc == 0)
		rc = cov_columns_write(&t, NULL);
	for (i = 0; rc == 0 && i < t.keys.count; i++) {
		const struct cov_row *w = &t.rows[t.order[i]];
		/* a row of an earlier period of a trend table is left out */
		if ((w->present || w->has_prev || w->has_target) &&
		    (rc = cov_columns_write(&t, w)) < 0)
			pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	}
	table_release(&t);
	return rc;
}
