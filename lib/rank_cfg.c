/* rank_cfg: pb-rank's options, checked and parsed into a config (struct rank_cfg). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pb/value.h"
#include "rank_int.h"

int pb_rank_share_parse(struct pb_str s, struct pb_rank_share *sh)
{
	uint64_t num = 0, den = 1;
	size_t i, digits = 0, decimals = 0;
	int dot = 0;

	sh->pct = s.n > 0 && s.p[s.n - 1] == '%';
	if (sh->pct)
		s.n--;
	for (i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (c == '.' && sh->pct && !dot) {
			dot = 1;
			continue;
		}
		if (c < '0' || c > '9' || digits >= 12 || decimals >= 6)
			return -1;
		num = num * 10 + (uint64_t)(c - '0');
		digits++;
		if (dot) {
			decimals++;
			den *= 10;
		}
	}
	if (digits == 0 || num == 0 || (sh->pct && num > 100 * den))
		return -1;
	sh->num = num;
	sh->den = den;
	return 0;
}

size_t pb_rank_share_count(const struct pb_rank_share *sh, size_t n)
{
	uint64_t d, c;

	if (!sh->pct)
		return (size_t)sh->num;
	d = sh->den * 100;
	c = (sh->num * (uint64_t)n + d - 1) / d;
	return c < 1 ? 1 : (size_t)c;
}

static int parse_num(const char *z, double *v)
{
	return pb_parse_double(pb_str_z(z), v);
}

void pb_rank_cfg_release(struct rank_cfg *c)
{
	struct pb_list *lists[] = { &c->by, &c->scores, &c->judges, &c->weight, &c->bands_l };
	size_t i;

	for (i = 0; i < sizeof lists / sizeof *lists; i++)
		pb_list_release(lists[i]);
	free(c->bands);
	free(c->weight_v);
	memset(c, 0, sizeof *c);
}

static int usage_err(struct pb_error *err, const char *opt, const char *val, const char *want)
{
	return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "%s '%s': %s", opt, val, want);
}

/* Splits option text at commas; an empty item is a usage error saying what is wanted. */
static int split(const char *opt, const char *z, struct pb_list *l, const char *want,
                 struct pb_error *err)
{
	int rc = pb_list_split(l, z, ',');

	if (rc == 0)
		return 0;
	return rc == -2 ? pb_rank_oom(err) : usage_err(err, opt, z, want);
}

/* One of a NULL-terminated table of words into *out (unchanged when z is NULL). */
static int pick(const char *opt, const char *z, const char *const *words, const char *want,
                int *out, struct pb_error *err)
{
	int i;

	if (!z)
		return 0;
	for (i = 0; words[i]; i++)
		if (strcmp(z, words[i]) == 0) {
			*out = i;
			return 0;
		}
	return usage_err(err, opt, z, want);
}

/* A column list: items non-empty and distinct. */
static int parse_cols(const char *opt, const char *z, struct pb_list *l, struct pb_error *err)
{
	size_t i;

	if (!z)
		return 0;
	if (split(opt, z, l, "expected COL[,COL…] with no empty names", err) < 0)
		return -1;
	for (i = 1; i < l->n; i++)
		if (pb_list_find(l, pb_str_z(l->v[i])) != (long)i)
			return usage_err(err, opt, z, "a column is named twice");
	return 0;
}

/* --judges COL,…|PATTERN: a sheet has one row per entity (and indicator), not --score columns. */
static int check_judges(const struct pb_rank_opts *o, struct pb_error *err)
{
	if (o->judges && o->score_cols)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--judges and --score: give one (with --judges a row holds one "
		                    "entity's judge scores for one indicator)");
	return 0;
}

/* --judge-agg mean|median|trim:K. */
static int parse_judge(const char *z, struct rank_cfg *c, struct pb_error *err)
{
	long long v;

	if (!z || strcmp(z, "mean") == 0)
		return 0;
	if (strcmp(z, "median") == 0) {
		c->judge = PB_RANK_JUDGE_MEDIAN;
		return 0;
	}
	if (strncmp(z, "trim:", 5) == 0 && pb_parse_int(pb_str_z(z + 5), &v) == 0 && v >= 1 &&
	    v < 1000000) {
		c->judge = PB_RANK_JUDGE_TRIM;
		c->trim_k = (size_t)v;
		return 0;
	}
	return usage_err(err, "--judge-agg", z, "expected mean, median or trim:K (K >= 1)");
}

/* The methods: --normalize, --aggregate, --missing, --order, --ties. */
static int parse_methods(const struct pb_rank_opts *o, struct rank_cfg *c, struct pb_error *err)
{
	static const char *const norms[] = { "none", "minmax", "zscore", "rank", NULL };
	static const char *const aggs[] = { "sum", "mean", "geomean", NULL };
	static const char *const misses[] = { "error", "zero", "mean", "skip", NULL };
	static const char *const orders[] = { "desc", "asc", NULL };
	static const char *const tiess[] = { "min", "dense", "ordinal", NULL };
	int norm = NORM_NONE, agg = AGG_SUM, miss = MISS_ERROR, ties = TIES_MIN;

	if (pick("--normalize", o->normalize, norms, "expected none, minmax, zscore or rank", &norm,
	         err) < 0 ||
	    pick("--aggregate", o->aggregate, aggs, "expected sum, mean or geomean", &agg, err) <
	        0 ||
	    pick("--missing", o->missing, misses, "expected zero, mean or skip", &miss, err) < 0 ||
	    pick("--order", o->order, orders, "expected desc or asc", &c->asc, err) < 0 ||
	    pick("--ties", o->ties, tiess, "expected min, dense or ordinal", &ties, err) < 0)
		return -1;
	c->norm = (enum rank_norm)norm;
	c->agg = (enum rank_agg)agg;
	c->missing = (enum rank_missing)miss;
	c->ties = (enum rank_ties)ties;
	if (c->agg == AGG_GEOMEAN && c->norm == NORM_ZSCORE)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--aggregate geomean needs values >= 0, and --normalize zscore "
		                    "makes negative ones");
	return 0;
}

/* --weight IND=W,…: names in c->weight (cut at '='), values in c->weight_v. */
static int parse_weight(const char *z, struct rank_cfg *c, struct pb_error *err)
{
	static const char want[] = "expected INDICATOR=WEIGHT[,…]";
	size_t k;

	if (!z)
		return 0;
	if (split("--weight", z, &c->weight, want, err) < 0)
		return -1;
	if (!(c->weight_v = calloc(c->weight.n, sizeof *c->weight_v)))
		return pb_rank_oom(err);
	for (k = 0; k < c->weight.n; k++) {
		char *eq = strrchr(c->weight.v[k], '=');
		if (!eq || eq == c->weight.v[k] || parse_num(eq + 1, &c->weight_v[k]) < 0)
			return usage_err(err, "--weight", z, want);
		*eq = '\0';
		if (pb_list_find(&c->weight, pb_str_z(c->weight.v[k])) != (long)k)
			return usage_err(err, "--weight", z, "an indicator is given two weights");
	}
	return 0;
}

/* Whether a threshold list runs from best to worst for --order. */
static int worse_after(const struct rank_cfg *c, double prev, double next)
{
	return c->asc ? next >= prev : next <= prev;
}

/* --stars T5,T4,T3,T2. */
static int parse_stars(const char *z, struct rank_cfg *c, struct pb_error *err)
{
	const char *want = c->asc
	    ? "expected four thresholds T5,T4,T3,T2, non-decreasing with --order asc"
	    : "expected four thresholds T5,T4,T3,T2, non-increasing";
	struct pb_list l = PB_LIST_INIT;
	size_t k;
	int bad;

	if (!z)
		return 0;
	if ((bad = pb_list_split(&l, z, ',')) == -2)
		return pb_rank_oom(err);
	bad = bad < 0 || l.n != 4;
	for (k = 0; !bad && k < 4; k++)
		bad = parse_num(l.v[k], &c->stars[k]) < 0 ||
		    (k > 0 && !worse_after(c, c->stars[k - 1], c->stars[k]));
	pb_list_release(&l);
	if (bad)
		return usage_err(err, "--stars", z, want);
	c->has_stars = 1;
	return 0;
}

/* One band LABEL:T or LABEL:N|P%, or a last LABEL alone (open: everyone else). */
static int parse_band(struct rank_cfg *c, size_t i, size_t n)
{
	struct rank_band *b = &c->bands[i];
	char *item = c->bands_l.v[i], *colon = strrchr(item, ':');

	b->label = item;
	if (!colon) {
		b->open = 1;
		return i + 1 == n && i > 0 ? 0 : -1;
	}
	*colon = '\0';
	if (!*b->label)
		return -1;
	if (c->quota)
		return pb_rank_share_parse(pb_str_z(colon + 1), &b->sh);
	if (parse_num(colon + 1, &b->thr) < 0)
		return -1;
	return i > 0 && !worse_after(c, b[-1].thr, b->thr) ? -1 : 0;
}

/* --grades LABEL:T,…[,LABEL] or --quota LABEL:N|P%,…[,LABEL]. */
static int parse_bands(const struct pb_rank_opts *o, struct rank_cfg *c, struct pb_error *err)
{
	const char *opt = o->quota ? "--quota" : "--grades", *z = o->quota ? o->quota : o->grades;
	const char *want = o->quota
	    ? "expected LABEL:N|P%,…[,LABEL] (a last LABEL alone takes the rest)"
	    : "expected LABEL:T,…[,LABEL] with thresholds from best to worst "
	      "(a last LABEL alone takes the rest)";
	size_t i;

	if (o->grades && o->quota)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--grades and --quota both set the grade column; give one");
	if (!z)
		return 0;
	c->quota = o->quota != NULL;
	if (split(opt, z, &c->bands_l, want, err) < 0)
		return -1;
	if (!(c->bands = calloc(c->bands_l.n, sizeof *c->bands)))
		return pb_rank_oom(err);
	c->nbands = c->bands_l.n;
	for (i = 0; i < c->nbands; i++)
		if (parse_band(c, i, c->nbands) < 0)
			return usage_err(err, opt, z, want);
	return 0;
}

/* --top/--bottom N|P%[:LABEL]: the label, when given, is the option text's tail. */
static int parse_flag(const char *opt, const char *z, struct pb_rank_share *sh, const char **label,
                      const char *def, struct pb_error *err)
{
	const char *colon;

	if (!z)
		return 0;
	colon = strchr(z, ':');
	if (strchr(z, ','))
		return usage_err(err, opt, z, "expected N or P% and an optional :LABEL");
	*label = colon ? colon + 1 : def;
	if (!**label)
		return usage_err(err, opt, z, "the label after ':' is empty");
	if (pb_rank_share_parse((struct pb_str){ z, colon ? (size_t)(colon - z) : strlen(z) }, sh) <
	    0)
		return usage_err(err, opt, z,
		                 "expected a count N >= 1 or a share P% with 0 < P <= 100");
	return 0;
}

static int parse_flags(const struct pb_rank_opts *o, struct rank_cfg *c, struct pb_error *err)
{
	c->has_top = o->top != NULL;
	c->has_bottom = o->bottom != NULL;
	if (parse_flag("--top", o->top, &c->top, &c->top_label, "示范", err) < 0 ||
	    parse_flag("--bottom", o->bottom, &c->bottom, &c->bottom_label, "整顿", err) < 0)
		return -1;
	return 0;
}

/* --history, --period, --streak-top. */
static int parse_history(const struct pb_rank_opts *o, struct rank_cfg *c, struct pb_error *err)
{
	if (o->history && !o->period)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--history needs --period: the period being ranked now");
	if (o->period && !*o->period)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "--period: empty period");
	if (!o->streak_top)
		return 0;
	if (!o->period)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--streak-top needs --period: the streak is counted up to it");
	if (pb_parse_int(pb_str_z(o->streak_top), &c->streak_top) < 0 || c->streak_top < 1)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--streak-top '%s': expected a whole number >= 1",
		                    o->streak_top);
	return 0;
}

/* --sensitivity N[:PCT] and --seed S. */
static int parse_sensitivity(const struct pb_rank_opts *o, struct rank_cfg *c, struct pb_error *err)
{
	const char *z = o->sensitivity, *colon = z ? strchr(z, ':') : NULL;
	long long v;
	char *end;

	if (z) {
		struct pb_str n = { z, colon ? (size_t)(colon - z) : strlen(z) };
		if (pb_parse_int(n, &v) < 0 || v < 1 || v > 1000000 ||
		    (colon &&
		     (parse_num(colon + 1, &c->sens_pct) < 0 ||
		      !(c->sens_pct > 0 && c->sens_pct < 100))))
			return usage_err(
			    err, "--sensitivity", z,
			    "expected N[:PCT] with 1 <= N <= 1000000 and 0 < PCT < 100");
		c->sens_n = (size_t)v;
	}
	if (!o->seed)
		return 0;
	errno = 0;
	if (!*o->seed || *o->seed == '-' || (c->seed = strtoull(o->seed, &end, 10), errno || *end))
		return usage_err(err, "--seed", o->seed, "expected a whole number >= 0");
	if (!z)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "--seed needs --sensitivity");
	return 0;
}

int pb_rank_cfg_parse(const struct pb_rank_opts *o, struct rank_cfg *c, struct pb_error *err)
{
	memset(c, 0, sizeof *c);
	c->streak_top = 1;
	c->sens_pct = 20;
	if (check_judges(o, err) < 0 || parse_judge(o->judge_agg, c, err) < 0 ||
	    parse_methods(o, c, err) < 0 || parse_cols("--by", o->by, &c->by, err) < 0 ||
	    parse_cols("--score", o->score_cols, &c->scores, err) < 0 ||
	    parse_cols("--judges", o->judges, &c->judges, err) < 0 ||
	    parse_weight(o->weight, c, err) < 0 || parse_stars(o->stars, c, err) < 0 ||
	    parse_bands(o, c, err) < 0 || parse_flags(o, c, err) < 0 ||
	    parse_history(o, c, err) < 0 || parse_sensitivity(o, c, err) < 0)
		return -1;
	return 0;
}

int pb_rank_check_opts(const struct pb_rank_opts *o, struct pb_error *err)
{
	struct rank_cfg c;
	int rc = pb_rank_cfg_parse(o, &c, err);

	pb_rank_cfg_release(&c);
	return rc;
}
