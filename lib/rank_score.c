/*
 * rank_score: from the values read to ranks — judges aggregated, weights,
 * the entities that can be ranked placed in their groups, normalization,
 * missing values, the composite, ranks by --ties, and --sensitivity.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pb/value.h"
#include "rank_int.h"

/* The most (entities × perturbations) ranks --sensitivity keeps in memory (4 bytes each). */
#define SENS_MAX_CELLS (256u << 20)

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_u32v(uint32_t x, uint32_t y)
{
	return (x > y) - (x < y);
}

static int cmp_u32(const void *a, const void *b)
{
	return cmp_u32v(*(const uint32_t *)a, *(const uint32_t *)b);
}

double pb_rank_judge_aggregate(double *v, size_t n, enum pb_rank_judge how, size_t k)
{
	double sum = 0;
	size_t i;

	if (n == 0)
		return NAN;
	if (how == PB_RANK_JUDGE_MEAN) {
		for (i = 0; i < n; i++)
			sum += v[i];
		return sum / (double)n;
	}
	qsort(v, n, sizeof *v, cmp_double);
	if (how == PB_RANK_JUDGE_MEDIAN)
		return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	if (n < 2 * k + 1)
		return NAN;
	for (i = k; i < n - k; i++)
		sum += v[i];
	return sum / (double)(n - 2 * k);
}

uint32_t pb_rank_percentile(uint32_t *v, size_t n, unsigned p)
{
	size_t i;

	qsort(v, n, sizeof *v, cmp_u32);
	i = ((size_t)p * n + 99) / 100;
	if (i < 1)
		i = 1;
	return v[i - 1];
}

uint64_t pb_rank_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- judges ---- */

/* Input order: file, then line. */
static int cmp_obs_line(const void *a, const void *b)
{
	const struct rank_obs *x = *(const struct rank_obs *const *)a,
	                      *y = *(const struct rank_obs *const *)b;
	int c = cmp_u32v(x->file, y->file);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Long form: by entity, indicator, judge, then input order. */
static int cmp_obs(const void *a, const void *b)
{
	const struct rank_obs *x = a, *y = b;
	int c;

	if ((c = cmp_u32v(x->ent, y->ent)) || (c = cmp_u32v(x->ind, y->ind)) ||
	    (c = cmp_u32v(x->judge, y->judge)))
		return c;
	return cmp_obs_line(&x, &y);
}

/* A sheet: by entity, indicator, then input order, so that each row's judges stay together. */
static int cmp_obs_rows(const void *a, const void *b)
{
	const struct rank_obs *x = a, *y = b;
	int c;

	if ((c = cmp_u32v(x->ent, y->ent)) || (c = cmp_u32v(x->ind, y->ind)) ||
	    (c = cmp_obs_line(&x, &y)))
		return c;
	return cmp_u32v(x->judge, y->judge);
}

/*
 * Marks the scores that come again for the same (entity, indicator, judge) in
 * long form, or in a later row for the same (entity, indicator) in a sheet.
 * The number marked.
 */
static size_t mark_duplicates(struct rank_run *k)
{
	size_t i, g = 0, ndup = 0;

	for (i = 1; i < k->nobs; i++) {
		struct rank_obs *a = &k->obs[i - 1], *b = &k->obs[i], *first = &k->obs[g];
		if (a->ent != b->ent || a->ind != b->ind)
			g = i;
		else if (k->sheet ? b->file != first->file || b->line != first->line
		                  : a->judge == b->judge) {
			b->dup = 1;
			ndup++;
		}
	}
	return ndup;
}

/* Reports one duplicate score (long form) or row (a sheet) d. */
static void report_duplicate(struct rank_run *k, const struct rank_obs *d)
{
	const struct rank_obs *first = d;
	struct pb_str in = pb_rank_ind_name(k, d->ind), jn = { "", 0 };
	int judge = k->has_judge && !k->sheet;

	while (first->dup)
		first--;
	if (judge)
		jn = pb_map_key(&k->judges, d->judge);
	pb_rank_data_error(k, d->file, d->line,
	                   "duplicate %s for %s, indicator '%.*s'%s%.*s%s (first at %s:%ld); row "
	                   "ignored",
	                   k->sheet ? "row" : "score", pb_rank_who(k, d->ent), STR_ARGS(in),
	                   judge ? ", judge '" : "", STR_ARGS(jn), judge ? "'" : "",
	                   k->fname[first->file], first->line);
}

/* Marks the duplicates and reports them in input order, a sheet's once per row. */
static int report_duplicates(struct rank_run *k, struct pb_error *err)
{
	const struct rank_obs **dups;
	size_t i, j, ndup = mark_duplicates(k);

	if (!ndup)
		return 0;
	if (!(dups = malloc(ndup * sizeof *dups)))
		return pb_rank_oom(err);
	for (i = 0, j = 0; i < k->nobs; i++)
		if (k->obs[i].dup)
			dups[j++] = &k->obs[i];
	qsort(dups, ndup, sizeof *dups, cmp_obs_line);
	for (i = 0; i < ndup; i++)
		if (i == 0 || cmp_obs_line(&dups[i - 1], &dups[i]) != 0)
			report_duplicate(k, dups[i]);
	free(dups);
	return 0;
}

/* The aggregate of obs[i, j) (one entity and indicator) into val; too few judges leave it out. */
static void judge_one(struct rank_run *k, size_t i, size_t m, double *scratch)
{
	const struct rank_obs *ob = &k->obs[i];
	struct rank_ent *e = &k->e[ob->ent];
	double v = pb_rank_judge_aggregate(scratch, m, k->c.judge, k->c.trim_k);

	if (isnan(v)) {
		struct pb_str in = pb_rank_ind_name(k, ob->ind);
		if (e->ok)
			pb_rank_data_error(k, e->file, e->line,
			                   "%s, indicator '%.*s': %zu judge scores, trim:%zu needs "
			                   "at least %zu; not ranked",
			                   pb_rank_who(k, ob->ent), STR_ARGS(in), m, k->c.trim_k,
			                   2 * k->c.trim_k + 1);
		e->ok = 0;
	}
	k->val[(size_t)ob->ent * k->inds.count + ob->ind] = v;
}

int pb_rank_judges(struct rank_run *k, struct pb_error *err)
{
	size_t n = k->nents, ni = k->inds.count, i, j, cap = 0;
	double *scratch = NULL;

	k->val = malloc((n ? n : 1) * (ni ? ni : 1) * sizeof *k->val);
	if (!k->val)
		return pb_rank_oom(err);
	for (i = 0; i < n * ni; i++)
		k->val[i] = NAN;
	if (k->nobs) /* obs is NULL when there is no score row */
		qsort(k->obs, k->nobs, sizeof *k->obs, k->sheet ? cmp_obs_rows : cmp_obs);
	if (report_duplicates(k, err) < 0)
		return -1;
	for (i = 0; i < k->nobs; i = j) {
		size_t m = 0;
		for (j = i; j < k->nobs && k->obs[j].ent == k->obs[i].ent &&
		     k->obs[j].ind == k->obs[i].ind;
		     j++) {
			if (k->obs[j].dup)
				continue;
			if (pb_grow_zeroed(&scratch, &cap, m, sizeof *scratch) < 0) {
				free(scratch);
				return pb_rank_oom(err);
			}
			scratch[m++] = k->obs[j].v;
		}
		judge_one(k, i, m, scratch);
	}
	free(scratch);
	free(k->obs);
	k->obs = NULL;
	return 0;
}

/* ---- weights ---- */

static int set_weight(struct rank_run *k, struct pb_str in, double w, const char *file, long line,
                      struct pb_error *err)
{
	long j = pb_map_find(&k->inds, in.p, in.n);

	if (j < 0)
		return pb_error_set(err, PB_EXIT_FATAL, file, line,
		                    "weight for indicator '%.*s', which is not in the input",
		                    STR_ARGS(in));
	if (!isfinite(w) || ((k->c.agg != AGG_SUM) && w < 0))
		return pb_error_set(err, PB_EXIT_FATAL, file, line,
		                    "indicator '%.*s': weight must be a number%s", STR_ARGS(in),
		                    k->c.agg != AGG_SUM ? " >= 0 with --aggregate mean or geomean"
		                                        : "");
	k->w[j] = w;
	return 0;
}

/* One weights-file row. */
static int weight_row(struct rank_run *k, const struct pb_tsv_reader *r, int ci, int cw,
                      struct pb_error *err)
{
	struct pb_str in = r->fields[ci];
	double w;
	long j;

	if (pb_parse_double(r->fields[cw], &w) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line,
		                    "weight '%.*s' is not a number", STR_ARGS(r->fields[cw]));
	j = pb_map_find(&k->inds, in.p, in.n);
	if (j >= 0 && !isnan(k->w[j]))
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line,
		                    "indicator '%.*s' has a second weight", STR_ARGS(in));
	return set_weight(k, in, w, r->name, r->line, err);
}

/* --weights FILE: every row is used or the run stops (a bad weights file is never partly used). */
static int weights_file(struct rank_run *k, const char *file, struct pb_error *err)
{
	static const char what[] = "a --weights file has indicator, weight";
	struct pb_tsv_reader r;
	int ci, cw, rc = 0;

	if (pb_tsv_open(&r, file, err) < 0) {
		pb_tsv_close(&r);
		return -1;
	}
	if ((ci = pb_rank_find_col(&r, "indicator", what, err)) < 0 ||
	    (cw = pb_rank_find_col(&r, "weight", what, err)) < 0)
		rc = -1;
	while (rc == 0 && (rc = pb_tsv_next(&r, err)) > 0)
		rc = weight_row(k, &r, ci, cw, err);
	if (rc < 0 && err->code == PB_EXIT_DATA)
		err->code = PB_EXIT_FATAL;
	pb_tsv_close(&r);
	return rc < 0 ? -1 : 0;
}

int pb_rank_weights(struct rank_run *k, struct pb_error *err)
{
	const char *file = k->o->weights_file;
	size_t ni = k->inds.count, j;

	if (!(k->w = malloc((ni ? ni : 1) * sizeof *k->w)))
		return pb_rank_oom(err);
	for (j = 0; j < ni; j++)
		k->w[j] = file || k->c.weight.n ? NAN : 1.0;
	if (file && weights_file(k, file, err) < 0)
		return -1;
	for (j = 0; j < k->c.weight.n; j++)
		if (set_weight(k, pb_str_z(k->c.weight.v[j]), k->c.weight_v[j], NULL, 0, err) < 0)
			return -1;
	for (j = 0; j < ni; j++)
		if (isnan(k->w[j])) {
			struct pb_str in = pb_rank_ind_name(k, j);
			return pb_error_set(err, PB_EXIT_FATAL, file, 0,
			                    "no weight for indicator '%.*s'%s", STR_ARGS(in),
			                    file ? "" : " in --weight");
		}
	return 0;
}

/* ---- placing: the entities that can be ranked, in their groups ---- */

/* Entity i cannot be ranked: a missing indicator (without --missing), a negative geomean input. */
static void check_entity(struct rank_run *k, size_t i)
{
	size_t ni = k->inds.count, j, miss = 0, first = 0;
	struct rank_ent *e = &k->e[i];
	const double *v = &k->val[i * ni];

	for (j = ni; j-- > 0;)
		if (isnan(v[j])) {
			miss++;
			first = j;
		}
	if (miss && k->c.missing == MISS_ERROR) {
		struct pb_str in = pb_rank_ind_name(k, first);
		char more[64] = "";
		if (miss > 1)
			snprintf(more, sizeof more, " (and %zu more)", miss - 1);
		pb_rank_data_error(
		    k, e->file, e->line,
		    "%s: no score for indicator '%.*s'%s; not ranked (see --missing)",
		    pb_rank_who(k, (uint32_t)i), STR_ARGS(in), more);
		e->ok = 0;
		return;
	}
	for (j = 0; k->c.agg == AGG_GEOMEAN && k->c.norm == NORM_NONE && j < ni; j++)
		if (v[j] < 0) {
			struct pb_str in = pb_rank_ind_name(k, j);
			pb_rank_data_error(
			    k, e->file, e->line,
			    "%s: indicator '%.*s' is negative, and --aggregate geomean "
			    "needs values >= 0; not ranked",
			    pb_rank_who(k, (uint32_t)i), STR_ARGS(in));
			e->ok = 0;
			return;
		}
}

struct gkey {
	struct pb_str k;
	uint32_t g;
};

/* Byte order of the --by values, column by column. */
static int cmp_gkey(const void *a, const void *b)
{
	struct pb_str x = ((const struct gkey *)a)->k, y = ((const struct gkey *)b)->k;

	while (x.n && y.n) {
		uint32_t lx, ly;
		int c;
		memcpy(&lx, x.p, 4);
		memcpy(&ly, y.p, 4);
		c = pb_str_cmp((struct pb_str){ x.p + 4, lx }, (struct pb_str){ y.p + 4, ly });
		if (c)
			return c;
		x.p += 4 + lx;
		x.n -= 4 + lx;
		y.p += 4 + ly;
		y.n -= 4 + ly;
	}
	return (x.n > 0) - (y.n > 0);
}

/* Orders the groups by their values: gidx (position -> group) and gpos (group -> position). */
static int order_groups(struct rank_run *k)
{
	size_t ng = k->groups.count, i;
	struct gkey *keys = malloc((ng ? ng : 1) * sizeof *keys);

	k->gpos = malloc((ng ? ng : 1) * sizeof *k->gpos);
	k->gidx = malloc((ng ? ng : 1) * sizeof *k->gidx);
	if (!keys || !k->gpos || !k->gidx) {
		free(keys);
		return -1;
	}
	for (i = 0; i < ng; i++) {
		keys[i].k = pb_map_key(&k->groups, i);
		keys[i].g = (uint32_t)i;
	}
	qsort(keys, ng, sizeof *keys, cmp_gkey);
	for (i = 0; i < ng; i++) {
		k->gidx[i] = keys[i].g;
		k->gpos[keys[i].g] = (uint32_t)i;
	}
	free(keys);
	return 0;
}

/* The length of the prefix every id of an entity still to be ranked shares. */
static size_t common_prefix(const struct rank_run *k)
{
	struct pb_str first = { NULL, 0 };
	size_t n = 0, i, j;

	for (i = 0; i < k->nents; i++) {
		struct pb_str id;
		if (!k->e[i].ok)
			continue;
		id = pb_rank_ent_id(k, (uint32_t)i);
		if (!first.p) {
			first = id;
			n = id.n;
			continue;
		}
		for (j = 0; j < n && j < id.n && id.p[j] == first.p[j]; j++)
			;
		n = j;
	}
	return n;
}

int pb_rank_place(struct rank_run *k, struct pb_error *err)
{
	size_t ng = k->groups.count, n = k->nents, i;
	size_t *fill;

	for (i = 0; i < n; i++)
		if (k->e[i].ok)
			check_entity(k, i);
	k->tie_at = common_prefix(k);
	k->gstart = calloc(ng + 1, sizeof *k->gstart);
	k->slots = malloc((n ? n : 1) * sizeof *k->slots);
	fill = calloc(ng + 1, sizeof *fill);
	if (!k->gstart || !k->slots || !fill || order_groups(k) < 0) {
		free(fill);
		return pb_rank_oom(err);
	}
	for (i = 0; i < n; i++)
		if (k->e[i].ok)
			k->gstart[k->gpos[k->e[i].grp] + 1]++;
	for (i = 0; i < ng; i++)
		k->gstart[i + 1] += k->gstart[i];
	k->nslots = k->gstart[ng];
	memcpy(fill, k->gstart, (ng + 1) * sizeof *fill);
	/* in entity order, so the ids' tie-break bytes are read from strs front to back */
	for (i = 0; i < n; i++)
		if (k->e[i].ok)
			k->slots[fill[k->gpos[k->e[i].grp]]++] =
			    (struct rank_slot){ .ent = (uint32_t)i,
				                .rank = pb_rank_tie(k, (uint32_t)i) };
	free(fill);
	return 0;
}

/* ---- scores ---- */

struct pair {
	double v;
	uint32_t ent;
};

static int cmp_pair(const void *a, const void *b)
{
	return cmp_double(&((const struct pair *)a)->v, &((const struct pair *)b)->v);
}

/* Mid-ranks of sorted-by-value p[np], scaled to 0–100, in place. */
static void mid_ranks(struct pair *p, size_t np)
{
	size_t a, b, q;

	qsort(p, np, sizeof *p, cmp_pair);
	for (a = 0; a < np; a = b) {
		double mid;
		for (b = a + 1; b < np && p[b].v == p[a].v; b++)
			;
		mid = (double)(a + b + 1) / 2; /* the mean of 1-based ranks a+1 … b */
		for (q = a; q < b; q++)
			p[q].v = np > 1 ? 100 * (mid - 1) / (double)(np - 1) : 100;
	}
}

/* Fills the missing values of indicator j in one group (xsum over np present normalized ones). */
static void fill_missing(struct rank_run *k, const struct rank_slot *sl, size_t m, size_t j,
                         double xsum, size_t np)
{
	size_t ni = k->inds.count, q;

	for (q = 0; q < m; q++) {
		struct rank_ent *e = &k->e[sl[q].ent];
		double *x = &k->x[(size_t)sl[q].ent * ni + j];
		if (!isnan(k->val[(size_t)sl[q].ent * ni + j]))
			continue;
		if (k->c.missing == MISS_ZERO) {
			*x = 0;
		} else if (k->c.missing == MISS_MEAN && np) {
			*x = xsum / (double)np;
		} else if (k->c.missing == MISS_MEAN) {
			struct pb_str in = pb_rank_ind_name(k, j);
			if (e->ok)
				pb_rank_data_error(
				    k, e->file, e->line,
				    "%s: no score for indicator '%.*s', and no entity "
				    "of its group has one to average; not ranked",
				    pb_rank_who(k, sl[q].ent), STR_ARGS(in));
			e->ok = 0;
		}
	}
}

/* Normalizes indicator j over the present values of one group and fills its missing ones. */
static void normalize(struct rank_run *k, const struct rank_slot *sl, size_t m, size_t j,
                      struct pair *p)
{
	size_t ni = k->inds.count, np = 0, q;
	double lo = INFINITY, hi = -INFINITY, sum = 0, sd = 0, mean, xsum = 0;

	for (q = 0; q < m; q++) {
		double v = k->val[(size_t)sl[q].ent * ni + j];
		if (isnan(v))
			continue;
		p[np].v = v;
		p[np++].ent = sl[q].ent;
		sum += v;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	mean = np ? sum / (double)np : 0;
	if (k->c.norm == NORM_ZSCORE) {
		for (q = 0; q < np; q++)
			sd += (p[q].v - mean) * (p[q].v - mean);
		sd = np ? sqrt(sd / (double)np) : 0;
	}
	if (k->c.norm == NORM_RANK)
		mid_ranks(p, np);
	for (q = 0; q < np; q++) {
		double v = p[q].v, x = v;
		if (k->c.norm == NORM_MINMAX)
			x = hi > lo ? 100 * (v - lo) / (hi - lo) : 100;
		else if (k->c.norm == NORM_ZSCORE)
			x = sd > 0 ? (v - mean) / sd : 0;
		k->x[(size_t)p[q].ent * ni + j] = x;
		xsum += x;
	}
	fill_missing(k, sl, m, j, xsum, np);
}

/*
 * The composite of one entity's normalized values x (NaN = skipped) with
 * weights w: 0, or 1 no value, 2 weights sum to 0, 3 a negative geomean input,
 * 4 not a finite number (an overflow).
 */
static int composite(const double *x, const double *w, size_t ni, enum rank_agg agg, double *out)
{
	double acc = 0, wsum = 0;
	size_t j, used = 0;

	for (j = 0; j < ni; j++) {
		if (isnan(x[j]))
			continue;
		used++;
		if (agg == AGG_GEOMEAN) {
			if (x[j] < 0)
				return 3;
			if (w[j] == 0)
				continue;
			acc += w[j] * log(x[j]);
		} else {
			acc += w[j] * x[j];
		}
		wsum += w[j];
	}
	if (!used)
		return 1;
	if (agg == AGG_SUM) {
		*out = acc;
		return isfinite(acc) ? 0 : 4;
	}
	if (!(wsum > 0))
		return 2;
	if (used == 1) { /* the mean of one value is that value, exactly */
		for (j = 0; isnan(x[j]); j++)
			;
		*out = x[j];
		return 0;
	}
	*out = agg == AGG_MEAN ? acc / wsum : exp(acc / wsum);
	return isfinite(*out) ? 0 : 4;
}

/* Each placed entity's composite; those that have none are reported and leave the slots. */
static void composites(struct rank_run *k)
{
	static const char *const why[] = {
		"", "no indicator value", "the weights of its indicators sum to 0",
		"a negative value, and --aggregate geomean needs values >= 0",
		"it is not a finite number: the values are too large"
	};
	size_t ng = k->groups.count, ni = k->inds.count, g, q, out = 0;

	for (g = 0; g < ng; g++) {
		size_t start = out;
		for (q = k->gstart[g]; q < k->gstart[g + 1]; q++) {
			struct rank_slot s = k->slots[q];
			struct rank_ent *e = &k->e[s.ent];
			double score = 0;
			int rc;
			pb_rank_prefetch(k, k->slots, q, k->gstart[g + 1], 1);
			if (!e->ok)
				continue;
			rc = composite(&k->x[(size_t)s.ent * ni], k->w, ni, k->c.agg, &score);
			if (rc) {
				pb_rank_data_error(k, e->file, e->line,
				                   "%s: no composite score (%s); not ranked",
				                   pb_rank_who(k, s.ent), why[rc]);
				e->ok = 0;
				continue;
			}
			s.key = pb_rank_key(k->c.asc ? score : -score);
			k->slots[out++] = s;
		}
		k->gstart[g] = start;
	}
	k->gstart[ng] = k->nslots = out;
}

/* Whether entity x's id goes before entity y's (their tie-break bytes are equal). */
static int __attribute__((noinline)) id_before(const struct rank_run *k, uint32_t x, uint32_t y)
{
	return pb_str_cmp(pb_rank_ent_id(k, x), pb_rank_ent_id(k, y)) < 0;
}

/* Whether slot x goes before slot y: key and tie-break bytes as one number, then id. */
static inline int slot_before(const struct rank_run *k, const struct rank_slot *x,
                              const struct rank_slot *y)
{
	unsigned __int128 a = (unsigned __int128)x->key << 32 | x->rank,
	                  b = (unsigned __int128)y->key << 32 | y->rank;

	/* the pivot meets itself in every partition: no need to read its id */
	return a != b ? a < b : x->ent != y->ent && id_before(k, x->ent, y->ent);
}

static void slot_swap(struct rank_slot *a, struct rank_slot *b)
{
	struct rank_slot t = *a;

	*a = *b;
	*b = t;
}

static void insertion_sort(const struct rank_run *k, struct rank_slot *a, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		struct rank_slot t = a[i];
		for (j = i; j > 0 && slot_before(k, &t, &a[j - 1]); j--)
			a[j] = a[j - 1];
		a[j] = t;
	}
}

static void sift_down(const struct rank_run *k, struct rank_slot *a, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && slot_before(k, &a[c], &a[c + 1]))
			c++;
		if (!slot_before(k, &a[i], &a[c]))
			return;
		slot_swap(&a[i], &a[c]);
		i = c;
	}
}

static void heap_sort(const struct rank_run *k, struct rank_slot *a, size_t n)
{
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift_down(k, a, i, n);
	for (i = n; i-- > 1;) {
		slot_swap(&a[0], &a[i]);
		sift_down(k, a, 0, i);
	}
}

/*
 * Sorts slots in place, better first: quicksort on the median of three,
 * small runs by insertion, and heapsort past a depth of 2 log2 n, so never
 * quadratic. The order is total (ids differ within a group), so any correct
 * sort gives the same rows; the comparison inlines and moves no pointers.
 */
static void sort_slots(const struct rank_run *k, struct rank_slot *a, size_t n, int depth)
{
	while (n > 16) {
		struct rank_slot *mid = a + n / 2, *last = a + n - 1, pivot;
		size_t i, j;
		if (depth-- == 0) {
			heap_sort(k, a, n);
			return;
		}
		if (slot_before(k, mid, a))
			slot_swap(mid, a);
		if (slot_before(k, last, mid)) {
			slot_swap(last, mid);
			if (slot_before(k, mid, a))
				slot_swap(mid, a);
		}
		pivot = *mid;
		/* Hoare's partition: a[0] <= pivot <= a[n-1] stop both scans */
		for (i = 0, j = n - 1;;) {
			while (slot_before(k, &a[i], &pivot))
				i++;
			while (slot_before(k, &pivot, &a[j]))
				j--;
			if (i >= j)
				break;
			slot_swap(&a[i], &a[j]);
			i++;
			j--;
		}
		/* [0, j] <= pivot <= [j+1, n): recurse on the smaller side */
		if (j + 1 < n - j - 1) {
			sort_slots(k, a, j + 1, depth);
			a += j + 1;
			n -= j + 1;
		} else {
			sort_slots(k, a + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	insertion_sort(k, a, n);
}

/*
 * Sorts and ranks one group, whose slots hold their tie-break bytes. Without
 * sens, sets each slot's rank (per --ties); with sens, stores the rank at
 * sens[ent × n + it].
 */
static void rank_segment(struct rank_run *k, struct rank_slot *sl, size_t m, uint32_t *sens,
                         size_t n, size_t it)
{
	size_t i, j, q, lg = 0;
	uint32_t dense = 0;

	for (q = m; q > 1; q >>= 1)
		lg++;
	sort_slots(k, sl, m, 2 * (int)lg + 2);
	for (i = 0; i < m; i = j) {
		for (j = i + 1; j < m && sl[j].key == sl[i].key; j++)
			;
		dense++;
		for (q = i; q < j; q++) {
			uint32_t r = k->c.ties == TIES_MIN ? (uint32_t)i + 1
			    : k->c.ties == TIES_DENSE      ? dense
			                                   : (uint32_t)q + 1;
			if (sens)
				sens[(size_t)sl[q].ent * n + it] = r;
			else
				sl[q].rank = r;
		}
	}
}

void pb_rank_ties_init(struct rank_tie_walk *t, size_t g0, size_t g1)
{
	*t = (struct rank_tie_walk){ g0, g1, g0, g0 };
}

void pb_rank_ties_at(const struct rank_run *k, struct rank_tie_walk *t, size_t q)
{
	if (q < t->end)
		return;
	for (t->start = q, t->end = q + 1;
	     t->end < t->g1 && k->slots[t->end].key == k->slots[q].key; t->end++)
		;
}

int pb_rank_score(struct rank_run *k, struct pb_error *err)
{
	size_t ng = k->groups.count, ni = k->inds.count, n = k->nents, g, j, q, most = 1;
	struct pair *p;

	for (g = 0; g < ng; g++)
		if (k->gstart[g + 1] - k->gstart[g] > most)
			most = k->gstart[g + 1] - k->gstart[g];
	/*
	 * Without normalization and with every value required, x would be a
	 * copy of val for every entity ranked: it is val, and nothing needs
	 * normalizing or filling.
	 */
	if (k->c.norm == NORM_NONE && k->c.missing == MISS_ERROR && k->val)
		k->x = k->val;
	else if ((k->x = malloc((n ? n : 1) * (ni ? ni : 1) * sizeof *k->x)) != NULL)
		for (q = 0; q < n * ni; q++)
			k->x[q] = NAN;
	p = malloc(most * sizeof *p);
	if (!p || !k->x) {
		free(p);
		return pb_rank_oom(err);
	}
	for (g = 0; k->x != k->val && g < ng; g++)
		for (j = 0; j < ni; j++)
			normalize(k, &k->slots[k->gstart[g]], k->gstart[g + 1] - k->gstart[g], j,
			          p);
	free(p);
	composites(k);
	for (g = 0; g < ng; g++)
		rank_segment(k, &k->slots[k->gstart[g]], k->gstart[g + 1] - k->gstart[g], NULL, 0,
		             0);
	return 0;
}

/* One perturbation: weights w × (1 ± u·PCT%), every group re-ranked into ranks[ent × N + it]. */
static void perturb(struct rank_run *k, uint64_t *state, double *wp, struct rank_slot *tmp,
                    uint32_t *ranks, size_t it)
{
	size_t ni = k->inds.count, N = k->c.sens_n, j, q, g;

	for (j = 0; j < ni; j++) {
		double u = (double)(pb_rank_splitmix64(state) >> 11) * 0x1p-53;
		wp[j] = k->w[j] * (1 + (2 * u - 1) * k->c.sens_pct / 100);
	}
	memcpy(tmp, k->slots, k->nslots * sizeof *tmp);
	for (q = 0; q < k->nslots; q++) {
		tmp[q].rank = pb_rank_tie(k, tmp[q].ent); /* ranked since: the bytes again */
		double s = NAN;
		int rc = composite(&k->x[(size_t)tmp[q].ent * ni], wp, ni, k->c.agg, &s);
		tmp[q].key = pb_rank_key(rc             ? INFINITY
		                             : k->c.asc ? s
		                                        : -s); /* a failed one: last */
	}
	for (g = 0; g < k->groups.count; g++)
		rank_segment(k, &tmp[k->gstart[g]], k->gstart[g + 1] - k->gstart[g], ranks, N, it);
}

int pb_rank_sensitivity(struct rank_run *k, struct pb_error *err)
{
	size_t n = k->nents, ni = k->inds.count, N = k->c.sens_n, it, q;
	uint64_t state = k->c.seed;
	uint32_t *ranks;
	struct rank_slot *tmp;
	double *wp;

	if (n && N > SENS_MAX_CELLS / n)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--sensitivity %zu with %zu entities needs more than %u ranks "
		                    "in memory; use a smaller N",
		                    N, n, SENS_MAX_CELLS);
	ranks = malloc((n ? n : 1) * N * sizeof *ranks);
	tmp = malloc((k->nslots ? k->nslots : 1) * sizeof *tmp);
	wp = malloc((ni ? ni : 1) * sizeof *wp);
	k->rank_lo = calloc(n ? n : 1, sizeof *k->rank_lo);
	k->rank_hi = calloc(n ? n : 1, sizeof *k->rank_hi);
	if (!ranks || !tmp || !wp || !k->rank_lo || !k->rank_hi) {
		free(ranks);
		free(tmp);
		free(wp);
		return pb_rank_oom(err);
	}
	for (it = 0; it < N; it++)
		perturb(k, &state, wp, tmp, ranks, it);
	for (q = 0; q < k->nslots; q++) {
		uint32_t e = k->slots[q].ent, *r = &ranks[(size_t)e * N];
		k->rank_lo[e] = pb_rank_percentile(r, N, 5);
		k->rank_hi[e] = pb_rank_percentile(r, N, 95);
	}
	free(ranks);
	free(tmp);
	free(wp);
	return 0;
}
