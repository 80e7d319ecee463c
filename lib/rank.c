/* rank: composite scores and ranks within groups (pb-rank). */
#include "pb/rank.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb/map.h"
#include "pb/tsv.h"
#include "pb/value.h"
#include "pb/vocab.h"

/* The most (entities × perturbations) ranks --sensitivity keeps in memory (4 bytes each). */
#define SENS_MAX_CELLS (256u << 20)

enum norm { NORM_NONE, NORM_MINMAX, NORM_ZSCORE, NORM_RANK };
enum agg { AGG_SUM, AGG_MEAN, AGG_GEOMEAN };
enum missing { MISS_ERROR, MISS_ZERO, MISS_MEAN, MISS_SKIP };
enum ties { TIES_MIN, TIES_DENSE, TIES_ORDINAL };

/* A comma-separated list split into items: one allocation holds both. */
struct list {
	char **v;
	size_t n;
};

/* A --grades band (threshold) or a --quota band (share); the last may be open: everyone else. */
struct band {
	const char *label;
	double thr;
	struct pb_rank_share sh;
	int open;
};

/* The options, parsed. */
struct cfg {
	enum pb_rank_judge judge;
	size_t trim_k;
	enum norm norm;
	enum agg agg;
	enum missing missing;
	int asc;
	enum ties ties;
	struct list by, scores, weight, grades_l, quota_l, top_l, bottom_l;
	int has_stars;
	double stars[4];
	struct band *bands;
	size_t nbands;
	int quota;
	int has_top, has_bottom;
	struct pb_rank_share top, bottom;
	const char *top_label, *bottom_label;
	double *weight_v; /* values of --weight items; names are weight.v[i] up to '=' */
	long long streak_top;
	size_t sens_n;
	double sens_pct;
	uint64_t seed;
};

/* ---------------------------------------------------------------- blocks */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
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

/* ---------------------------------------------------------------- options */

static int list_split(const char *s, struct list *l)
{
	size_t n = 1, len = strlen(s), i, k = 1;
	char *block, *p;

	for (i = 0; i < len; i++)
		n += s[i] == ',';
	block = malloc(n * sizeof(char *) + len + 1);
	if (!block)
		return -1;
	l->v = (char **)(void *)block;
	p = block + n * sizeof(char *);
	memcpy(p, s, len + 1);
	l->v[0] = p;
	for (i = 0; i < len; i++)
		if (p[i] == ',') {
			p[i] = '\0';
			l->v[k++] = p + i + 1;
		}
	l->n = n;
	return 0;
}

static void list_release(struct list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int parse_num(const char *z, double *v)
{
	return pb_parse_double((struct pb_str){ z, strlen(z) }, v);
}

static void cfg_release(struct cfg *c)
{
	list_release(&c->by);
	list_release(&c->scores);
	list_release(&c->weight);
	list_release(&c->grades_l);
	list_release(&c->quota_l);
	list_release(&c->top_l);
	list_release(&c->bottom_l);
	free(c->bands);
	free(c->weight_v);
	memset(c, 0, sizeof *c);
}

/* Index of z in a NULL-terminated word table, or -1. */
static int word(const char *z, const char *const *words)
{
	int i;

	for (i = 0; words[i]; i++)
		if (strcmp(z, words[i]) == 0)
			return i;
	return -1;
}

static int usage_err(struct pb_error *err, const char *opt, const char *val, const char *want)
{
	return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "%s '%s': %s", opt, val, want);
}

/* A column list: items non-empty and distinct. */
static int parse_cols(const char *opt, const char *z, struct list *l, struct pb_error *err)
{
	size_t i, j;

	if (list_split(z, l) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	for (i = 0; i < l->n; i++) {
		if (!*l->v[i])
			return usage_err(err, opt, z, "expected COL[,COL…] with no empty names");
		for (j = 0; j < i; j++)
			if (strcmp(l->v[i], l->v[j]) == 0)
				return usage_err(err, opt, z, "a column is named twice");
	}
	return 0;
}

/* --grades LABEL:T,…[,LABEL] or --quota LABEL:N|P%,…[,LABEL]. */
static int parse_bands(struct cfg *c, const char *opt, const char *z, struct list *l,
                       struct pb_error *err)
{
	const char *want = c->quota
	    ? "expected LABEL:N|P%,…[,LABEL] (a last LABEL alone takes the rest)"
	    : "expected LABEL:T,…[,LABEL] with thresholds from best to worst "
	      "(a last LABEL alone takes the rest)";
	size_t i;

	if (list_split(z, l) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	c->bands = calloc(l->n, sizeof *c->bands);
	if (!c->bands)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	c->nbands = l->n;
	for (i = 0; i < l->n; i++) {
		struct band *b = &c->bands[i];
		char *colon = strrchr(l->v[i], ':');
		b->label = l->v[i];
		if (!colon) {
			if (i + 1 != l->n || i == 0)
				return usage_err(err, opt, z, want);
			b->open = 1;
		} else {
			*colon = '\0';
			if (c->quota
			        ? pb_rank_share_parse(
			              (struct pb_str){ colon + 1, strlen(colon + 1) }, &b->sh) < 0
			        : parse_num(colon + 1, &b->thr) < 0)
				return usage_err(err, opt, z, want);
			if (!c->quota && i > 0 &&
			    (c->asc ? b->thr < b[-1].thr : b->thr > b[-1].thr))
				return usage_err(err, opt, z, want);
		}
		if (!*b->label)
			return usage_err(err, opt, z, want);
	}
	return 0;
}

/* --top/--bottom N|P%[:LABEL]. */
static int parse_flag(const char *opt, const char *z, struct list *l, struct pb_rank_share *sh,
                      const char **label, const char *def, struct pb_error *err)
{
	char *colon;

	if (list_split(z, l) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	if (l->n != 1)
		return usage_err(err, opt, z, "expected N or P% and an optional :LABEL");
	colon = strchr(l->v[0], ':');
	*label = def;
	if (colon) {
		*colon = '\0';
		*label = colon + 1;
		if (!**label)
			return usage_err(err, opt, z, "the label after ':' is empty");
	}
	if (pb_rank_share_parse((struct pb_str){ l->v[0], strlen(l->v[0]) }, sh) < 0)
		return usage_err(err, opt, z,
		                 "expected a count N >= 1 or a share P% with 0 < P <= 100");
	return 0;
}

static int parse_count(const char *opt, const char *z, long long min, long long *v,
                       struct pb_error *err)
{
	if (pb_parse_int((struct pb_str){ z, strlen(z) }, v) < 0 || *v < min)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "%s '%s': expected a whole number >= %lld", opt, z, min);
	return 0;
}

static int cfg_parse(const struct pb_rank_opts *o, struct cfg *c, struct pb_error *err)
{
	static const char *const norms[] = { "none", "minmax", "zscore", "rank", NULL };
	static const char *const aggs[] = { "sum", "mean", "geomean", NULL };
	static const char *const misses[] = { "error", "zero", "mean", "skip", NULL };
	static const char *const orders[] = { "desc", "asc", NULL };
	static const char *const tiess[] = { "min", "dense", "ordinal", NULL };
	long long v;
	int i;

	memset(c, 0, sizeof *c);
	c->streak_top = 1;
	c->sens_pct = 20;
	if (o->judge_agg) {
		if (strcmp(o->judge_agg, "mean") == 0)
			c->judge = PB_RANK_JUDGE_MEAN;
		else if (strcmp(o->judge_agg, "median") == 0)
			c->judge = PB_RANK_JUDGE_MEDIAN;
		else if (strncmp(o->judge_agg, "trim:", 5) == 0 &&
		         pb_parse_int((struct pb_str){ o->judge_agg + 5, strlen(o->judge_agg + 5) },
		                      &v) == 0 &&
		         v >= 1 && v < 1000000) {
			c->judge = PB_RANK_JUDGE_TRIM;
			c->trim_k = (size_t)v;
		} else
			return usage_err(err, "--judge-agg", o->judge_agg,
			                 "expected mean, median or trim:K (K >= 1)");
	}
	if (o->normalize) {
		if ((i = word(o->normalize, norms)) < 0)
			return usage_err(err, "--normalize", o->normalize,
			                 "expected none, minmax, zscore or rank");
		c->norm = (enum norm)i;
	}
	if (o->aggregate) {
		if ((i = word(o->aggregate, aggs)) < 0)
			return usage_err(err, "--aggregate", o->aggregate,
			                 "expected sum, mean or geomean");
		c->agg = (enum agg)i;
	}
	if (o->missing) {
		if ((i = word(o->missing, misses)) < 0)
			return usage_err(err, "--missing", o->missing,
			                 "expected zero, mean or skip");
		c->missing = (enum missing)i;
	}
	if (o->order) {
		if ((i = word(o->order, orders)) < 0)
			return usage_err(err, "--order", o->order, "expected desc or asc");
		c->asc = i;
	}
	if (o->ties) {
		if ((i = word(o->ties, tiess)) < 0)
			return usage_err(err, "--ties", o->ties, "expected min, dense or ordinal");
		c->ties = (enum ties)i;
	}
	if (c->agg == AGG_GEOMEAN && c->norm == NORM_ZSCORE)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--aggregate geomean needs values >= 0, and --normalize zscore "
		                    "makes negative ones");
	if (o->by && parse_cols("--by", o->by, &c->by, err) < 0)
		return -1;
	if (o->score_cols && parse_cols("--score", o->score_cols, &c->scores, err) < 0)
		return -1;
	if (o->weight) {
		size_t k, j;
		if (list_split(o->weight, &c->weight) < 0 ||
		    !(c->weight_v = calloc(c->weight.n, sizeof *c->weight_v)))
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
		for (k = 0; k < c->weight.n; k++) {
			char *eq = strrchr(c->weight.v[k], '=');
			if (!eq || eq == c->weight.v[k] || parse_num(eq + 1, &c->weight_v[k]) < 0)
				return usage_err(err, "--weight", o->weight,
				                 "expected INDICATOR=WEIGHT[,…]");
			*eq = '\0';
			for (j = 0; j < k; j++)
				if (strcmp(c->weight.v[j], c->weight.v[k]) == 0)
					return usage_err(err, "--weight", o->weight,
					                 "an indicator is given two weights");
		}
	}
	if (o->stars) {
		struct list l = { 0 };
		size_t k;
		int bad = list_split(o->stars, &l) < 0 || l.n != 4;
		for (k = 0; !bad && k < 4; k++)
			bad = parse_num(l.v[k], &c->stars[k]) < 0 ||
			    (k > 0 &&
			     (c->asc ? c->stars[k] < c->stars[k - 1]
			             : c->stars[k] > c->stars[k - 1]));
		list_release(&l);
		if (bad)
			return usage_err(
			    err, "--stars", o->stars,
			    c->asc ? "expected four thresholds T5,T4,T3,T2, non-decreasing with "
			             "--order asc"
			           : "expected four thresholds T5,T4,T3,T2, non-increasing");
		c->has_stars = 1;
	}
	if (o->grades && o->quota)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--grades and --quota both set the grade column; give one");
	if (o->grades && parse_bands(c, "--grades", o->grades, &c->grades_l, err) < 0)
		return -1;
	if (o->quota) {
		c->quota = 1;
		if (parse_bands(c, "--quota", o->quota, &c->quota_l, err) < 0)
			return -1;
	}
	if (o->top) {
		c->has_top = 1;
		if (parse_flag("--top", o->top, &c->top_l, &c->top, &c->top_label, "示范", err) < 0)
			return -1;
	}
	if (o->bottom) {
		c->has_bottom = 1;
		if (parse_flag("--bottom", o->bottom, &c->bottom_l, &c->bottom, &c->bottom_label,
		               "整顿", err) < 0)
			return -1;
	}
	if (o->history && !o->period)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--history needs --period: the period being ranked now");
	if (o->period && !*o->period)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "--period: empty period");
	if (o->streak_top) {
		if (!o->history)
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
			                    "--streak-top needs --history");
		if (parse_count("--streak-top", o->streak_top, 1, &c->streak_top, err) < 0)
			return -1;
	}
	if (o->sensitivity) {
		const char *colon = strchr(o->sensitivity, ':');
		struct pb_str n = { o->sensitivity,
			            colon ? (size_t)(colon - o->sensitivity)
			                  : strlen(o->sensitivity) };
		if (pb_parse_int(n, &v) < 0 || v < 1 || v > 1000000 ||
		    (colon &&
		     (parse_num(colon + 1, &c->sens_pct) < 0 ||
		      !(c->sens_pct > 0 && c->sens_pct < 100))))
			return usage_err(
			    err, "--sensitivity", o->sensitivity,
			    "expected N[:PCT] with 1 <= N <= 1000000 and 0 < PCT < 100");
		c->sens_n = (size_t)v;
	}
	if (o->seed) {
		char *end;
		errno = 0;
		if (!*o->seed || *o->seed == '-' ||
		    (c->seed = strtoull(o->seed, &end, 10), errno || *end))
			return usage_err(err, "--seed", o->seed, "expected a whole number >= 0");
		if (!o->sensitivity)
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
			                    "--seed needs --sensitivity");
	}
	return 0;
}

int pb_rank_opts_check(const struct pb_rank_opts *o, struct pb_error *err)
{
	struct cfg c;
	int rc = cfg_parse(o, &c, err);

	cfg_release(&c);
	return rc;
}

/* ---------------------------------------------------------------- state */

/*
 * One entity: what pb-rank keeps per row of output. Its identity is its ents
 * map key: the id (u32 length + bytes), then each --by value (u32 length +
 * bytes), so the same id in two groups is two entities. The key's --by part
 * is also the groups map key.
 */
struct ent {
	size_t off; /* in rk.strs: the name, then each extra column as u32 length + bytes */
	uint32_t name_len;
	uint32_t grp;  /* group map index */
	uint32_t file; /* input index and line of its first row, for messages */
	long line;
	double score;
	uint32_t rank, minrank, maxrank, prev_rank, streak, rank_lo, rank_hi;
	unsigned char ok, has_prev;
};

/* One long-form score row. */
struct obs {
	uint32_t ent, ind, judge, file;
	long line;
	double v;
	int dup;
};

/* A ranked entity in output order: group position, then key (better first), then id. */
struct slot {
	uint32_t gpos, ent;
	double key;
	const char *id;
	size_t idlen;
};

/* Column indexes of one input. */
struct src {
	int id, name, ind, judge, score;
	int *by, *scores, *extra;
};

struct rk {
	const struct pb_rank_opts *o;
	struct cfg c;
	const char **fname; /* per input, for messages */
	size_t ninputs;
	int wide, has_judge;
	char *id_col, *name_col; /* resolved; name_col NULL = none */
	char **extra;            /* pass-through columns of the first input */
	size_t nextra;
	unsigned char *extra_out; /* 1 = printed (not shadowed by an output column) */
	struct pb_map ents, groups, inds, judges;
	struct ent *e;
	size_t ecap;
	double *val; /* ents × inds: judge-aggregated value, NaN = missing */
	double *x;   /* same, normalized and filled; NaN = skipped */
	double *w;   /* per indicator */
	struct obs *obs;
	size_t nobs, obscap;
	struct slot *slots; /* ranked entities in output order */
	size_t nslots;
	size_t *gstart; /* per group position: first slot; [ngroups] = nslots */
	uint32_t *gpos; /* group map index -> position in byte order */
	uint32_t *gidx; /* position -> group map index */
	struct pb_buf strs, key, num, who;
	double *rowv;
	int data_err;
};

static int oom(struct pb_error *err)
{
	return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
}

/* The id alone of entity e (its key without the --by values); borrowed from the ents map. */
static struct pb_str ent_id(const struct rk *k, uint32_t e)
{
	struct pb_str key = pb_map_key(&k->ents, e);
	uint32_t len;

	memcpy(&len, key.p, 4);
	return (struct pb_str){ key.p + 4, len };
}

/*
 * Builds into k->key the entity key of a row: the id, then the --by values
 * (each u32 length + bytes); by[j] are the --by columns' indexes in f.
 */
static int row_key(struct rk *k, const struct pb_str *f, int id, const int *by)
{
	size_t j;
	uint32_t n = (uint32_t)f[id].n;

	pb_buf_reset(&k->key);
	if (pb_buf_add(&k->key, &n, sizeof n) < 0 || pb_buf_add(&k->key, f[id].p, f[id].n) < 0)
		return -1;
	for (j = 0; j < k->c.by.n; j++) {
		struct pb_str v = f[by[j]];
		n = (uint32_t)v.n;
		if (pb_buf_add(&k->key, &n, sizeof n) < 0 || pb_buf_add(&k->key, v.p, v.n) < 0)
			return -1;
	}
	return 0;
}

/*
 * "ID_COL 'id'" for messages, followed by " in BY 'v', …" with --by so that
 * the same id in two groups can be told apart; borrowed until the next call.
 */
static const char *who(struct rk *k, uint32_t e)
{
	struct pb_str id = ent_id(k, e), key = pb_map_key(&k->ents, e);
	size_t j, at = 4 + id.n;

	pb_buf_reset(&k->who);
	pb_buf_addf(&k->who, "%s '%.*s'", k->id_col, (int)id.n, id.p);
	for (j = 0; j < k->c.by.n; j++) {
		uint32_t len;
		memcpy(&len, key.p + at, 4);
		pb_buf_addf(&k->who, "%s%s '%.*s'", j ? ", " : " in ", k->c.by.v[j], (int)len,
		            key.p + at + 4);
		at += 4 + len;
	}
	return k->who.p ? k->who.p : k->id_col;
}

static struct pb_str ind_name(const struct rk *k, size_t j)
{
	return pb_map_key(&k->inds, j);
}

/* A view as the two arguments of a "%.*s" format. */
#define STR_ARGS(s) (int)(s).n, (s).p

static void data_error_at(struct rk *k, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void data_error(struct rk *k, uint32_t file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void vdata_error(struct rk *k, const char *file, long line, const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof msg, fmt, ap);
	pb_warn_at(file, line, "%s", msg);
	k->data_err = 1;
}

/* Reports a row- or entity-level error at FILE:LINE; the run will exit 1. */
static void data_error_at(struct rk *k, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdata_error(k, file, line, fmt, ap);
	va_end(ap);
}

/* The same at a line of input number file. */
static void data_error(struct rk *k, uint32_t file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdata_error(k, k->fname[file], line, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- reading */

static int find_col(const struct pb_tsv_reader *r, const char *name, const char *what,
                    struct pb_error *err)
{
	int i = pb_tsv_col(r, name);

	if (i < 0)
		pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "no column '%s' (%s)", name, what);
	return i;
}

/* Decides the form and the id, name and pass-through columns from the first input's header. */
static int resolve_first(struct rk *k, const struct pb_tsv_reader *r, struct pb_error *err)
{
	const struct pb_rank_opts *o = k->o;
	const char *id = o->id_col, *name = o->name_col;
	size_t i, j;

	if (!id)
		id = pb_tsv_col(r, "entity_id") >= 0 ? "entity_id"
		    : pb_tsv_col(r, "unit_id") >= 0  ? "unit_id"
		                                     : NULL;
	if (!id)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "no column entity_id or unit_id; name the id column with --id");
	if (!name)
		name = pb_tsv_col(r, "entity_name") >= 0 ? "entity_name"
		    : pb_tsv_col(r, "unit_name") >= 0    ? "unit_name"
		                                         : NULL;
	if (!(k->id_col = strdup(id)) || (name && !(k->name_col = strdup(name))))
		return oom(err);
	if (k->c.scores.n) {
		k->wide = 1;
	} else if (pb_tsv_col(r, "indicator") >= 0 && pb_tsv_col(r, "score") >= 0) {
		k->wide = 0;
		k->has_judge = pb_tsv_col(r, "judge") >= 0;
	} else if (pb_tsv_col(r, "score") >= 0) {
		k->wide = 1;
		if (list_split("score", &k->c.scores) < 0)
			return oom(err);
	} else {
		return pb_error_set(
		    err, PB_EXIT_FATAL, r->name, 1,
		    "no columns indicator and score (long form) and no --score COL,… (wide form)");
	}
	for (i = 0; k->wide && i < k->c.scores.n; i++)
		if (pb_map_put(&k->inds, k->c.scores.v[i], strlen(k->c.scores.v[i]), NULL) < 0)
			return oom(err);
	if (k->c.judge == PB_RANK_JUDGE_TRIM && !k->has_judge)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "--judge-agg trim needs long-form input with a judge column");
	k->extra = calloc(r->ncols, sizeof *k->extra);
	if (!k->extra)
		return oom(err);
	for (i = 0; i < r->ncols; i++) {
		const char *c = r->cols[i];
		int used =
		    strcmp(c, k->id_col) == 0 || (k->name_col && strcmp(c, k->name_col) == 0);
		for (j = 0; j < k->c.by.n && !used; j++)
			used = strcmp(c, k->c.by.v[j]) == 0;
		if (k->wide)
			for (j = 0; j < k->c.scores.n && !used; j++)
				used = strcmp(c, k->c.scores.v[j]) == 0;
		else
			used = used || strcmp(c, "indicator") == 0 || strcmp(c, "score") == 0 ||
			    (k->has_judge && strcmp(c, "judge") == 0);
		if (!used && !(k->extra[k->nextra++] = strdup(c)))
			return oom(err);
	}
	return 0;
}

static int resolve_src(struct rk *k, const struct pb_tsv_reader *r, struct src *s,
                       struct pb_error *err)
{
	size_t j;

	memset(s, 0, sizeof *s);
	s->by = calloc(k->c.by.n + 1, sizeof *s->by);
	s->scores = calloc(k->c.scores.n + 1, sizeof *s->scores);
	s->extra = calloc(k->nextra + 1, sizeof *s->extra);
	if (!s->by || !s->scores || !s->extra)
		return oom(err);
	if ((s->id = find_col(r, k->id_col, "the entity id; see --id", err)) < 0)
		return -1;
	s->name = -1;
	if (k->name_col &&
	    (s->name = find_col(r, k->name_col, "the entity name; see --name", err)) < 0)
		return -1;
	for (j = 0; j < k->c.by.n; j++)
		if ((s->by[j] = find_col(r, k->c.by.v[j], "a --by column", err)) < 0)
			return -1;
	if (k->wide) {
		for (j = 0; j < k->c.scores.n; j++)
			if ((s->scores[j] =
			         find_col(r, k->c.scores.v[j], "a --score column", err)) < 0)
				return -1;
	} else {
		if ((s->ind = find_col(r, "indicator", "long-form scores", err)) < 0 ||
		    (s->score = find_col(r, "score", "long-form scores", err)) < 0)
			return -1;
		s->judge = -1;
		if (k->has_judge &&
		    (s->judge = find_col(r, "judge", "the first input has judges", err)) < 0)
			return -1;
	}
	for (j = 0; j < k->nextra; j++)
		s->extra[j] = pb_tsv_col(r, k->extra[j]);
	return 0;
}

static void src_release(struct src *s)
{
	free(s->by);
	free(s->scores);
	free(s->extra);
}

/*
 * Whether the current row is a pb-coverage total or subtotal (合计 as its id or
 * in a --by column): a summary, not an entity, so it is skipped silently.
 */
static int is_total_row(const struct rk *k, const struct pb_tsv_reader *r, const struct src *s)
{
	size_t j;

	if (pb_str_eqz(r->fields[s->id], PB_TOTAL_LABEL))
		return 1;
	for (j = 0; j < k->c.by.n; j++)
		if (pb_str_eqz(r->fields[s->by[j]], PB_TOTAL_LABEL))
			return 1;
	return 0;
}

/* Grows the per-entity arrays to hold one more. */
static int ent_reserve(struct rk *k)
{
	size_t cap;
	struct ent *e;

	if (k->ents.count < k->ecap)
		return 0;
	cap = k->ecap ? k->ecap * 2 : 1024;
	e = realloc(k->e, cap * sizeof *e);
	if (!e)
		return -1;
	k->e = e;
	if (k->wide) {
		double *v = realloc(k->val, cap * k->c.scores.n * sizeof *v);
		if (!v)
			return -1;
		k->val = v;
	}
	k->ecap = cap;
	return 0;
}

/*
 * The entity of the current row (its key in k->key, from row_key), created
 * at its first row (name and pass-through values come from that row) in
 * group grp. -1 out of memory.
 */
static long ent_get(struct rk *k, const struct pb_tsv_reader *r, const struct src *s, uint32_t file,
                    uint32_t grp, int *is_new)
{
	struct pb_str *f = r->fields;
	struct ent *e;
	long i;
	size_t j;

	if (ent_reserve(k) < 0)
		return -1;
	i = pb_map_put(&k->ents, k->key.p, k->key.len, is_new);
	if (i < 0 || !*is_new)
		return i;
	e = &k->e[i];
	memset(e, 0, sizeof *e);
	e->off = k->strs.len;
	e->grp = grp;
	e->file = file;
	e->line = r->line;
	e->ok = 1;
	if (s->name >= 0) {
		e->name_len = (uint32_t)f[s->name].n;
		if (pb_buf_add(&k->strs, f[s->name].p, f[s->name].n) < 0)
			return -1;
	}
	for (j = 0; j < k->nextra; j++) {
		struct pb_str v = s->extra[j] >= 0 ? f[s->extra[j]] : (struct pb_str){ "", 0 };
		uint32_t n = (uint32_t)v.n;
		if (pb_buf_add(&k->strs, &n, sizeof n) < 0 || pb_buf_add(&k->strs, v.p, v.n) < 0)
			return -1;
	}
	return i;
}

/*
 * The group of the current row: its --by values, each as u32 length + bytes.
 * Leaves the row's entity key (row_key) in k->key; the group key is its tail.
 */
static long group_get(struct rk *k, const struct pb_tsv_reader *r, const struct src *s)
{
	size_t at = 4 + r->fields[s->id].n;

	if (row_key(k, r->fields, s->id, s->by) < 0)
		return -1;
	return pb_map_put(&k->groups, k->key.p + at, k->key.len - at, NULL);
}

static int read_wide_row(struct rk *k, const struct pb_tsv_reader *r, const struct src *s,
                         uint32_t file, struct pb_error *err)
{
	struct pb_str *f = r->fields;
	size_t j, ns = k->c.scores.n;
	int bad = 0, is_new;
	long g, i;

	for (j = 0; j < ns; j++) {
		struct pb_str v = f[s->scores[j]];
		k->rowv[j] = NAN;
		if (v.n && pb_parse_double(v, &k->rowv[j]) < 0) {
			data_error(k, file, r->line, "%s: '%.*s' is not a number; row ignored",
			           k->c.scores.v[j], STR_ARGS(v));
			bad = 1;
		}
	}
	if (bad)
		return 0;
	if ((g = group_get(k, r, s)) < 0 || (i = ent_get(k, r, s, file, (uint32_t)g, &is_new)) < 0)
		return oom(err);
	if (!is_new) {
		const struct ent *e = &k->e[i];
		data_error(k, file, r->line, "duplicate row for %s (first at %s:%ld); row ignored",
		           who(k, (uint32_t)i), k->fname[e->file], e->line);
		return 0;
	}
	memcpy(&k->val[(size_t)i * ns], k->rowv, ns * sizeof *k->rowv);
	return 0;
}

static int read_long_row(struct rk *k, const struct pb_tsv_reader *r, const struct src *s,
                         uint32_t file, struct pb_error *err)
{
	struct pb_str *f = r->fields, sv = f[s->score];
	struct obs *ob;
	int is_new;
	long g, i, ind, judge = 0;
	double v;

	if (f[s->ind].n == 0) {
		data_error(k, file, r->line, "empty indicator; row ignored");
		return 0;
	}
	if ((g = group_get(k, r, s)) < 0 || (i = ent_get(k, r, s, file, (uint32_t)g, &is_new)) < 0)
		return oom(err);
	if ((ind = pb_map_put(&k->inds, f[s->ind].p, f[s->ind].n, NULL)) < 0)
		return oom(err);
	if (sv.n == 0)
		return 0; /* an empty score is a missing value */
	if (pb_parse_double(sv, &v) < 0) {
		data_error(k, file, r->line, "score '%.*s' is not a number; row ignored",
		           STR_ARGS(sv));
		return 0;
	}
	if (s->judge >= 0 &&
	    (judge = pb_map_put(&k->judges, f[s->judge].p, f[s->judge].n, NULL)) < 0)
		return oom(err);
	if (k->nobs == k->obscap) {
		size_t cap = k->obscap ? k->obscap * 2 : 4096;
		struct obs *p = realloc(k->obs, cap * sizeof *p);
		if (!p)
			return oom(err);
		k->obs = p;
		k->obscap = cap;
	}
	ob = &k->obs[k->nobs++];
	ob->ent = (uint32_t)i;
	ob->ind = (uint32_t)ind;
	ob->judge = (uint32_t)judge;
	ob->file = file;
	ob->line = r->line;
	ob->v = v;
	ob->dup = 0;
	return 0;
}

static int read_inputs(struct rk *k, struct pb_error *err)
{
	static char *const stdin_only[] = { "-" };
	char *const *paths = k->o->ninputs ? k->o->inputs : stdin_only;
	size_t fi;
	unsigned long long rows = 0;

	k->ninputs = k->o->ninputs ? k->o->ninputs : 1;
	k->fname = calloc(k->ninputs, sizeof *k->fname);
	if (!k->fname)
		return oom(err);
	for (fi = 0; fi < k->ninputs; fi++) {
		struct pb_tsv_reader r;
		struct src s = { 0 };
		int rc;

		k->fname[fi] = strcmp(paths[fi], "-") == 0 ? "(stdin)" : paths[fi];
		if (pb_tsv_open(&r, paths[fi], err) < 0) {
			pb_tsv_close(&r);
			return -1;
		}
		rc = fi == 0 ? resolve_first(k, &r, err) : 0;
		if (rc == 0 && fi == 0 && k->wide &&
		    !(k->rowv = calloc(k->c.scores.n, sizeof *k->rowv)))
			rc = oom(err);
		if (rc == 0)
			rc = resolve_src(k, &r, &s, err);
		while (rc == 0) {
			int n = pb_tsv_next(&r, err);
			if (n == 0)
				break;
			if (n < 0) {
				if (err->code != PB_EXIT_DATA) {
					rc = -1;
					break;
				}
				pb_error_print(err);
				k->data_err = 1;
				continue;
			}
			pb_progress_rows(++rows);
			if (r.fields[s.id].n == 0) {
				data_error(k, (uint32_t)fi, r.line, "empty %s; row ignored",
				           k->id_col);
				continue;
			}
			if (is_total_row(k, &r, &s))
				continue;
			rc = k->wide ? read_wide_row(k, &r, &s, (uint32_t)fi, err)
			             : read_long_row(k, &r, &s, (uint32_t)fi, err);
		}
		src_release(&s);
		pb_tsv_close(&r);
		if (rc < 0)
			return -1;
	}
	pb_progress_done();
	return 0;
}

/* ---------------------------------------------------------------- judges */

static int cmp_obs(const void *a, const void *b)
{
	const struct obs *x = a, *y = b;

	if (x->ent != y->ent)
		return x->ent < y->ent ? -1 : 1;
	if (x->ind != y->ind)
		return x->ind < y->ind ? -1 : 1;
	if (x->judge != y->judge)
		return x->judge < y->judge ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int cmp_obs_line(const void *a, const void *b)
{
	const struct obs *x = *(const struct obs *const *)a, *y = *(const struct obs *const *)b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Long form: reports duplicate rows, then aggregates each entity's judges per indicator. */
static int aggregate_judges(struct rk *k, struct pb_error *err)
{
	size_t n = k->ents.count, ni = k->inds.count, i, j, ndup = 0, cap = 0;
	const struct obs **dups = NULL;
	double *scratch = NULL;

	k->val = malloc((n ? n : 1) * (ni ? ni : 1) * sizeof *k->val);
	if (!k->val)
		return oom(err);
	for (i = 0; i < n * ni; i++)
		k->val[i] = NAN;
	if (k->nobs) /* obs is NULL when there is no score row */
		qsort(k->obs, k->nobs, sizeof *k->obs, cmp_obs);
	for (i = 1; i < k->nobs; i++) {
		struct obs *a = &k->obs[i - 1], *b = &k->obs[i];
		if (a->ent == b->ent && a->ind == b->ind && a->judge == b->judge) {
			b->dup = 1;
			ndup++;
		}
	}
	if (ndup) {
		if (!(dups = malloc(ndup * sizeof *dups)))
			return oom(err);
		for (i = 0, j = 0; i < k->nobs; i++)
			if (k->obs[i].dup)
				dups[j++] = &k->obs[i];
		qsort(dups, ndup, sizeof *dups, cmp_obs_line);
		for (i = 0; i < ndup; i++) {
			const struct obs *d = dups[i], *first = d;
			struct pb_str in = ind_name(k, d->ind);
			while (first->dup)
				first--;
			if (k->has_judge) {
				struct pb_str jn = pb_map_key(&k->judges, d->judge);
				data_error(k, d->file, d->line,
				           "duplicate score for %s, indicator '%.*s', judge '%.*s' "
				           "(first at %s:%ld); row ignored",
				           who(k, d->ent), STR_ARGS(in), STR_ARGS(jn),
				           k->fname[first->file], first->line);
			} else {
				data_error(k, d->file, d->line,
				           "duplicate score for %s, indicator '%.*s' (first "
				           "at %s:%ld); row ignored",
				           who(k, d->ent), STR_ARGS(in), k->fname[first->file],
				           first->line);
			}
		}
		free(dups);
	}
	for (i = 0; i < k->nobs; i = j) {
		size_t m = 0;
		double v;
		for (j = i; j < k->nobs && k->obs[j].ent == k->obs[i].ent &&
		     k->obs[j].ind == k->obs[i].ind;
		     j++) {
			if (k->obs[j].dup)
				continue;
			if (m == cap) {
				double *p;
				cap = cap ? cap * 2 : 64;
				if (!(p = realloc(scratch, cap * sizeof *p))) {
					free(scratch);
					return oom(err);
				}
				scratch = p;
			}
			scratch[m++] = k->obs[j].v;
		}
		v = pb_rank_judge_aggregate(scratch, m, k->c.judge, k->c.trim_k);
		if (isnan(v)) {
			struct ent *e = &k->e[k->obs[i].ent];
			struct pb_str in = ind_name(k, k->obs[i].ind);
			if (e->ok)
				data_error(k, e->file, e->line,
				           "%s, indicator '%.*s': %zu judge scores, "
				           "trim:%zu needs at least %zu; "
				           "not ranked",
				           who(k, k->obs[i].ent), STR_ARGS(in), m, k->c.trim_k,
				           2 * k->c.trim_k + 1);
			e->ok = 0;
		}
		k->val[(size_t)k->obs[i].ent * ni + k->obs[i].ind] = v;
	}
	free(scratch);
	free(k->obs);
	k->obs = NULL;
	return 0;
}

/* ---------------------------------------------------------------- weights */

static int set_weight(struct rk *k, const char *name, size_t n, double w, const char *file,
                      long line, struct pb_error *err)
{
	long j = pb_map_find(&k->inds, name, n);

	if (j < 0)
		return pb_error_set(err, PB_EXIT_FATAL, file, line,
		                    "weight for indicator '%.*s', which is not in the input",
		                    (int)n, name);
	if (!isfinite(w) || ((k->c.agg != AGG_SUM) && w < 0))
		return pb_error_set(err, PB_EXIT_FATAL, file, line,
		                    "indicator '%.*s': weight must be a number%s", (int)n, name,
		                    k->c.agg != AGG_SUM ? " >= 0 with --aggregate mean or geomean"
		                                        : "");
	k->w[j] = w;
	return 0;
}

static int load_weights(struct rk *k, struct pb_error *err)
{
	const char *file = k->o->weights_file;
	size_t ni = k->inds.count, j;

	if (!(k->w = malloc((ni ? ni : 1) * sizeof *k->w)))
		return oom(err);
	for (j = 0; j < ni; j++)
		k->w[j] = file || k->c.weight.n ? NAN : 1.0;
	if (file) {
		struct pb_tsv_reader r;
		int ci, cw, rc = 0;
		if (pb_tsv_open(&r, file, err) < 0) {
			pb_tsv_close(&r);
			return -1;
		}
		if ((ci = find_col(&r, "indicator", "a --weights file has indicator, weight",
		                   err)) < 0 ||
		    (cw = find_col(&r, "weight", "a --weights file has indicator, weight", err)) <
		        0)
			rc = -1;
		while (rc == 0 && (rc = pb_tsv_next(&r, err)) > 0) {
			struct pb_str in = r.fields[ci];
			double w;
			long jj;
			rc = 0;
			if (pb_parse_double(r.fields[cw], &w) < 0) {
				rc = pb_error_set(err, PB_EXIT_FATAL, r.name, r.line,
				                  "weight '%.*s' is not a number",
				                  STR_ARGS(r.fields[cw]));
				break;
			}
			jj = pb_map_find(&k->inds, in.p, in.n);
			if (jj >= 0 && !isnan(k->w[jj])) {
				rc = pb_error_set(err, PB_EXIT_FATAL, r.name, r.line,
				                  "indicator '%.*s' has a second weight",
				                  STR_ARGS(in));
				break;
			}
			rc = set_weight(k, in.p, in.n, w, r.name, r.line, err);
		}
		if (rc < 0 && err->code == PB_EXIT_DATA)
			err->code = PB_EXIT_FATAL; /* a bad weights file is never partly used */
		pb_tsv_close(&r);
		if (rc < 0)
			return -1;
	}
	for (j = 0; j < k->c.weight.n; j++)
		if (set_weight(k, k->c.weight.v[j], strlen(k->c.weight.v[j]), k->c.weight_v[j],
		               NULL, 0, err) < 0)
			return -1;
	for (j = 0; j < ni; j++)
		if (isnan(k->w[j])) {
			struct pb_str in = ind_name(k, j);
			return pb_error_set(err, PB_EXIT_FATAL, file, 0,
			                    "no weight for indicator '%.*s'%s", STR_ARGS(in),
			                    file ? "" : " in --weight");
		}
	return 0;
}

/* ---------------------------------------------------------------- checks */

/* The output header: fixed columns, then the pass-through columns no output column shadows. */
static int plan_columns(struct rk *k, struct pb_str **colsp, size_t *ncolsp, struct pb_error *err)
{
	static const char *const derived[] = { "score", "rank", "n", "pct", NULL };
	const struct pb_rank_opts *o = k->o;
	size_t ni = k->inds.count, cap = k->c.by.n + ni + 20, n = 0, i, j;
	struct pb_str *cols = malloc(cap * sizeof *cols);

	if (!cols || !(k->extra_out = calloc(k->nextra + 1, 1))) {
		free(cols);
		return oom(err);
	}
#define ADD(z) (cols[n++] = (struct pb_str){ (z), strlen(z) })
	ADD(k->id_col);
	if (k->name_col)
		ADD(k->name_col);
	for (i = 0; i < k->c.by.n; i++)
		ADD(k->c.by.v[i]);
	for (i = 0; i < ni; i++)
		if (!pb_str_eqz(ind_name(k, i), "score"))
			cols[n++] = ind_name(k, i);
	for (i = 0; derived[i]; i++)
		ADD(derived[i]);
	if (k->c.has_stars)
		ADD("stars");
	if (k->c.nbands)
		ADD("grade");
	if (k->c.has_top || k->c.has_bottom)
		ADD("flag");
	if (o->prev) {
		ADD("prev_rank");
		ADD("rank_change");
	}
	if (o->history)
		ADD("streak");
	if (k->c.sens_n) {
		ADD("rank_lo");
		ADD("rank_hi");
	}
	if (o->period)
		ADD("period");
#undef ADD
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (pb_str_eq(cols[i], cols[j])) {
				pb_error_set(
				    err, PB_EXIT_FATAL, NULL, 0,
				    "output column '%.*s' would appear twice (an id, name, --by "
				    "or indicator column has the name of another output column)",
				    STR_ARGS(cols[i]));
				free(cols);
				return -1;
			}
	for (i = 0; i < k->nextra; i++) {
		k->extra_out[i] = 1;
		for (j = 0; j < n && k->extra_out[i]; j++)
			k->extra_out[i] = !pb_str_eqz(cols[j], k->extra[i]);
	}
	*colsp = cols;
	*ncolsp = n;
	return 0;
}

/* Entities that cannot be ranked: a missing indicator (without --missing), a negative geomean
 * input. */
static void check_entities(struct rk *k)
{
	size_t n = k->ents.count, ni = k->inds.count, i, j;

	for (i = 0; i < n; i++) {
		struct ent *e = &k->e[i];
		const double *v = &k->val[i * ni];
		size_t miss = 0, first = 0;
		if (!e->ok)
			continue;
		for (j = ni; j-- > 0;)
			if (isnan(v[j])) {
				miss++;
				first = j;
			}
		if (miss && k->c.missing == MISS_ERROR) {
			struct pb_str in = ind_name(k, first);
			char more[64] = "";
			if (miss > 1)
				snprintf(more, sizeof more, " (and %zu more)", miss - 1);
			data_error(k, e->file, e->line,
			           "%s: no score for indicator '%.*s'%s; not ranked "
			           "(see --missing)",
			           who(k, (uint32_t)i), STR_ARGS(in), more);
			e->ok = 0;
			continue;
		}
		for (j = 0; k->c.agg == AGG_GEOMEAN && k->c.norm == NORM_NONE && j < ni; j++)
			if (v[j] < 0) {
				struct pb_str in = ind_name(k, j);
				data_error(k, e->file, e->line,
				           "%s: indicator '%.*s' is negative, and "
				           "--aggregate geomean needs values >= 0; not ranked",
				           who(k, (uint32_t)i), STR_ARGS(in));
				e->ok = 0;
				break;
			}
	}
}

/* ---------------------------------------------------------------- groups */

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
		c = memcmp(x.p + 4, y.p + 4, lx < ly ? lx : ly);
		if (c)
			return c;
		if (lx != ly)
			return lx < ly ? -1 : 1;
		x.p += 4 + lx;
		x.n -= 4 + lx;
		y.p += 4 + ly;
		y.n -= 4 + ly;
	}
	return (x.n > 0) - (y.n > 0);
}

/* The --by values of group g, into out[nby]; borrowed from the group map. */
static void group_values(const struct rk *k, uint32_t g, struct pb_str *out)
{
	struct pb_str key = pb_map_key(&k->groups, g);
	size_t j;

	for (j = 0; j < k->c.by.n; j++) {
		uint32_t len;
		memcpy(&len, key.p, 4);
		out[j] = (struct pb_str){ key.p + 4, len };
		key.p += 4 + len;
	}
}

/* Orders the groups and places every rankable entity in its group's segment of slots. */
static int build_groups(struct rk *k, struct pb_error *err)
{
	size_t ng = k->groups.count, n = k->ents.count, i;
	struct gkey *keys = malloc((ng ? ng : 1) * sizeof *keys);
	size_t *fill;

	k->gpos = malloc((ng ? ng : 1) * sizeof *k->gpos);
	k->gidx = malloc((ng ? ng : 1) * sizeof *k->gidx);
	k->gstart = calloc(ng + 1, sizeof *k->gstart);
	k->slots = malloc((n ? n : 1) * sizeof *k->slots);
	fill = calloc(ng + 1, sizeof *fill);
	if (!keys || !k->gpos || !k->gidx || !k->gstart || !k->slots || !fill) {
		free(keys);
		free(fill);
		return oom(err);
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
	for (i = 0; i < n; i++)
		if (k->e[i].ok)
			k->gstart[k->gpos[k->e[i].grp] + 1]++;
	for (i = 0; i < ng; i++)
		k->gstart[i + 1] += k->gstart[i];
	k->nslots = k->gstart[ng];
	memcpy(fill, k->gstart, (ng + 1) * sizeof *fill);
	for (i = 0; i < n; i++) {
		if (!k->e[i].ok)
			continue;
		struct slot *s = &k->slots[fill[k->gpos[k->e[i].grp]]++];
		struct pb_str id = ent_id(k, (uint32_t)i);
		s->gpos = k->gpos[k->e[i].grp];
		s->ent = (uint32_t)i;
		s->key = 0;
		s->id = id.p;
		s->idlen = id.n;
	}
	free(fill);
	return 0;
}

/* ---------------------------------------------------------------- scores */

struct pair {
	double v;
	uint32_t ent;
};

static int cmp_pair(const void *a, const void *b)
{
	return cmp_double(&((const struct pair *)a)->v, &((const struct pair *)b)->v);
}

/* Normalizes indicator j over the present values of one group and fills its missing ones. */
static void normalize(struct rk *k, const struct slot *sl, size_t m, size_t j, struct pair *p)
{
	size_t ni = k->inds.count, np = 0, q, a, b;
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
	if (k->c.norm == NORM_RANK) {
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
	for (q = 0; q < np; q++) {
		double v = p[q].v, x = v;
		if (k->c.norm == NORM_MINMAX)
			x = hi > lo ? 100 * (v - lo) / (hi - lo) : 100;
		else if (k->c.norm == NORM_ZSCORE)
			x = sd > 0 ? (v - mean) / sd : 0;
		k->x[(size_t)p[q].ent * ni + j] = x;
		xsum += x;
	}
	for (q = 0; q < m; q++) {
		struct ent *e = &k->e[sl[q].ent];
		double *x = &k->x[(size_t)sl[q].ent * ni + j];
		if (!isnan(k->val[(size_t)sl[q].ent * ni + j]))
			continue;
		if (k->c.missing == MISS_ZERO) {
			*x = 0;
		} else if (k->c.missing == MISS_MEAN && np) {
			*x = xsum / (double)np;
		} else if (k->c.missing == MISS_MEAN) {
			struct pb_str in = ind_name(k, j);
			if (e->ok)
				data_error(k, e->file, e->line,
				           "%s: no score for indicator '%.*s', and no "
				           "entity of its group has one to average; not ranked",
				           who(k, sl[q].ent), STR_ARGS(in));
			e->ok = 0;
		}
	}
}

/*
 * The composite of one entity's normalized values x (NaN = skipped) with
 * weights w: 0, or 1 no value, 2 weights sum to 0, 3 a negative geomean input,
 * 4 not a finite number (an overflow).
 */
static int composite(const double *x, const double *w, size_t ni, enum agg agg, double *out)
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
	*out = agg == AGG_MEAN ? acc / wsum : exp(acc / wsum);
	return isfinite(*out) ? 0 : 4;
}

/* Normalizes and fills per group, computes each composite, and drops entities that failed. */
static int score_groups(struct rk *k, struct pb_error *err)
{
	static const char *const why[] = {
		"", "no indicator value", "the weights of its indicators sum to 0",
		"a negative value, and --aggregate geomean needs values >= 0",
		"it is not a finite number: the values are too large"
	};
	size_t ng = k->groups.count, ni = k->inds.count, g, j, q, out = 0;
	struct pair *p = malloc((k->nslots ? k->nslots : 1) * sizeof *p);

	k->x = malloc((k->ents.count ? k->ents.count : 1) * (ni ? ni : 1) * sizeof *k->x);
	if (!p || !k->x) {
		free(p);
		return oom(err);
	}
	for (q = 0; q < k->ents.count * ni; q++)
		k->x[q] = NAN;
	for (g = 0; g < ng; g++) {
		struct slot *sl = &k->slots[k->gstart[g]];
		size_t m = k->gstart[g + 1] - k->gstart[g];
		for (j = 0; j < ni; j++)
			normalize(k, sl, m, j, p);
	}
	free(p);
	for (g = 0; g < ng; g++) {
		size_t start = out;
		for (q = k->gstart[g]; q < k->gstart[g + 1]; q++) {
			struct slot s = k->slots[q];
			struct ent *e = &k->e[s.ent];
			int rc;
			if (!e->ok)
				continue;
			rc = composite(&k->x[(size_t)s.ent * ni], k->w, ni, k->c.agg, &e->score);
			if (rc) {
				data_error(k, e->file, e->line,
				           "%s: no composite score (%s); not ranked", who(k, s.ent),
				           why[rc]);
				e->ok = 0;
				continue;
			}
			s.key = k->c.asc ? e->score : -e->score;
			k->slots[out++] = s;
		}
		k->gstart[g] = start;
	}
	k->gstart[ng] = k->nslots = out;
	return 0;
}

/* ---------------------------------------------------------------- ranks */

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int c;

	if (x->gpos != y->gpos)
		return x->gpos < y->gpos ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	c = memcmp(x->id, y->id, x->idlen < y->idlen ? x->idlen : y->idlen);
	if (c)
		return c;
	return (x->idlen > y->idlen) - (x->idlen < y->idlen);
}

/*
 * Ranks one sorted group. Without sens, sets each entity's rank (per
 * --ties) and min rank; with sens, stores the rank at
 * sens[ent × n + it].
 */
static void rank_segment(struct rk *k, const struct slot *sl, size_t m, uint32_t *sens, size_t n,
                         size_t it)
{
	size_t i, j, q;
	uint32_t dense = 0;

	for (i = 0; i < m; i = j) {
		for (j = i + 1; j < m && sl[j].key == sl[i].key; j++)
			;
		dense++;
		for (q = i; q < j; q++) {
			uint32_t r = k->c.ties == TIES_MIN ? (uint32_t)i + 1
			    : k->c.ties == TIES_DENSE      ? dense
			                                   : (uint32_t)q + 1;
			if (sens) {
				sens[(size_t)sl[q].ent * n + it] = r;
			} else {
				struct ent *e = &k->e[sl[q].ent];
				e->rank = r;
				e->minrank = (uint32_t)i + 1;
				e->maxrank = (uint32_t)j;
			}
		}
	}
}

static void rank_all(struct rk *k)
{
	size_t g, ng = k->groups.count;

	for (g = 0; g < ng; g++) {
		size_t m = k->gstart[g + 1] - k->gstart[g];
		qsort(&k->slots[k->gstart[g]], m, sizeof *k->slots, cmp_slot);
		rank_segment(k, &k->slots[k->gstart[g]], m, NULL, 0, 0);
	}
}

/* N random weight perturbations: each rank's 5th and 95th nearest-rank percentile. */
static int sensitivity(struct rk *k, struct pb_error *err)
{
	size_t n = k->ents.count, ni = k->inds.count, N = k->c.sens_n, it, j, q, g;
	uint64_t state = k->c.seed;
	uint32_t *ranks;
	struct slot *tmp;
	double *wp;

	if (n && N > SENS_MAX_CELLS / n)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--sensitivity %zu with %zu entities needs more than %u ranks "
		                    "in memory; use a smaller N",
		                    N, n, SENS_MAX_CELLS);
	ranks = malloc((n ? n : 1) * N * sizeof *ranks);
	tmp = malloc((k->nslots ? k->nslots : 1) * sizeof *tmp);
	wp = malloc((ni ? ni : 1) * sizeof *wp);
	if (!ranks || !tmp || !wp) {
		free(ranks);
		free(tmp);
		free(wp);
		return oom(err);
	}
	for (it = 0; it < N; it++) {
		for (j = 0; j < ni; j++) {
			double u = (double)(pb_rank_splitmix64(&state) >> 11) * 0x1p-53;
			wp[j] = k->w[j] * (1 + (2 * u - 1) * k->c.sens_pct / 100);
		}
		memcpy(tmp, k->slots, k->nslots * sizeof *tmp);
		for (q = 0; q < k->nslots; q++) {
			double s = NAN;
			int rc = composite(&k->x[(size_t)tmp[q].ent * ni], wp, ni, k->c.agg, &s);
			tmp[q].key = rc ? INFINITY
			    : k->c.asc  ? s
			                : -s; /* a failed one ranks last */
		}
		for (g = 0; g < k->groups.count; g++) {
			size_t m = k->gstart[g + 1] - k->gstart[g];
			qsort(&tmp[k->gstart[g]], m, sizeof *tmp, cmp_slot);
			rank_segment(k, &tmp[k->gstart[g]], m, ranks, N, it);
		}
	}
	for (q = 0; q < k->nslots; q++) {
		struct ent *e = &k->e[k->slots[q].ent];
		uint32_t *r = &ranks[(size_t)k->slots[q].ent * N];
		e->rank_lo = pb_rank_percentile(r, N, 5);
		e->rank_hi = pb_rank_percentile(r, N, 95);
	}
	free(ranks);
	free(tmp);
	free(wp);
	return 0;
}

/* ---------------------------------------------------------------- history */

/* Opens an earlier output and finds the columns named in cols (id first). */
static int open_earlier(struct rk *k, const char *path, const char *const *want, int *idx,
                        const char *what, struct pb_tsv_reader *r, struct pb_error *err)
{
	size_t i;

	if (pb_tsv_open(r, path, err) < 0)
		return -1;
	if ((idx[0] = find_col(r, k->id_col, what, err)) < 0)
		return -1;
	for (i = 0; want[i]; i++)
		if ((idx[i + 1] = find_col(r, want[i], what, err)) < 0)
			return -1;
	return 0;
}

/* The next row of an earlier output: 1, 0 at the end, -1 fatal; bad rows are reported and skipped.
 */
static int next_earlier(struct rk *k, struct pb_tsv_reader *r, struct pb_error *err)
{
	for (;;) {
		int n = pb_tsv_next(r, err);
		if (n >= 0 || err->code != PB_EXIT_DATA)
			return n;
		pb_error_print(err);
		k->data_err = 1;
	}
}

static int parse_rank(struct pb_str s, uint32_t *rank)
{
	long long v;

	if (pb_parse_int(s, &v) < 0 || v < 1 || v > UINT32_MAX)
		return -1;
	*rank = (uint32_t)v;
	return 0;
}

/*
 * How the rows of an earlier output (--prev, --history) find the entities
 * ranked now. With no --by, or when the earlier file has every --by column,
 * a row matches on the --by values and the id (a unit is an entity);
 * otherwise on the id alone (a unit is a distinct id, shared by every entity
 * ranked now with that id, whatever its group).
 */
struct match {
	int id, keyed;
	int *by;           /* keyed: the --by columns' indexes in the earlier file */
	struct pb_map ids; /* not keyed: the distinct ids ranked now */
	uint32_t *unit;    /* not keyed: per entity, its index in ids */
	size_t nunits;
};

static int match_init(struct rk *k, const struct pb_tsv_reader *r, int id, struct match *m,
                      struct pb_error *err)
{
	size_t n = k->ents.count, i, j;

	memset(m, 0, sizeof *m);
	m->id = id;
	m->keyed = 1;
	if (!(m->by = calloc(k->c.by.n + 1, sizeof *m->by)))
		return oom(err);
	for (j = 0; j < k->c.by.n; j++)
		if ((m->by[j] = pb_tsv_col(r, k->c.by.v[j])) < 0)
			m->keyed = 0;
	if (m->keyed) {
		m->nunits = n;
		return 0;
	}
	if (!(m->unit = malloc((n ? n : 1) * sizeof *m->unit)))
		return oom(err);
	for (i = 0; i < n; i++) {
		struct pb_str v = ent_id(k, (uint32_t)i);
		long u = pb_map_put(&m->ids, v.p, v.n, NULL);
		if (u < 0)
			return oom(err);
		m->unit[i] = (uint32_t)u;
	}
	m->nunits = m->ids.count;
	return 0;
}

static void match_release(struct match *m)
{
	free(m->by);
	free(m->unit);
	pb_map_release(&m->ids);
}

/* The unit of the current earlier row: >= 0, -1 none ranked now, -2 out of memory. */
static long match_find(struct rk *k, const struct match *m, const struct pb_str *f)
{
	long u;

	if (!m->keyed)
		return pb_map_find(&m->ids, f[m->id].p, f[m->id].n);
	if (row_key(k, f, m->id, m->by) < 0)
		return -2;
	u = pb_map_find(&k->ents, k->key.p, k->key.len);
	return u;
}

static uint32_t match_unit(const struct match *m, uint32_t e)
{
	return m->keyed ? e : m->unit[e];
}

/* A unit for messages, like who(); borrowed until the next call. */
static const char *match_who(struct rk *k, const struct match *m, uint32_t u)
{
	struct pb_str v;

	if (m->keyed)
		return who(k, u);
	v = pb_map_key(&m->ids, u);
	pb_buf_reset(&k->who);
	pb_buf_addf(&k->who, "%s '%.*s'", k->id_col, (int)v.n, v.p);
	return k->who.p ? k->who.p : k->id_col;
}

static int read_prev(struct rk *k, struct pb_error *err)
{
	static const char *const want[] = { "rank", NULL };
	struct match m = { 0 };
	struct pb_tsv_reader r;
	uint32_t *prev = NULL;
	int idx[2], n = -1;
	size_t i;

	if (open_earlier(k, k->o->prev, want, idx, "--prev needs an earlier pb-rank output", &r,
	                 err) < 0 ||
	    match_init(k, &r, idx[0], &m, err) < 0)
		goto done;
	if (!(prev = calloc(m.nunits + 1, sizeof *prev))) { /* 0 = no row */
		oom(err);
		goto done;
	}
	while ((n = next_earlier(k, &r, err)) > 0) {
		struct pb_str rk = r.fields[idx[1]];
		long u = match_find(k, &m, r.fields);
		uint32_t rank;
		if (u == -2) {
			n = oom(err);
			break;
		}
		if (u < 0)
			continue;
		if (parse_rank(rk, &rank) < 0)
			data_error_at(k, r.name, r.line,
			              "rank '%.*s' is not a whole number >= 1; row ignored",
			              STR_ARGS(rk));
		else if (prev[u])
			data_error_at(k, r.name, r.line, "a second row for %s; row ignored",
			              match_who(k, &m, (uint32_t)u));
		else
			prev[u] = rank;
	}
	for (i = 0; n == 0 && i < k->ents.count; i++) {
		struct ent *e = &k->e[i];
		uint32_t p = prev[match_unit(&m, (uint32_t)i)];
		e->prev_rank = p;
		e->has_prev = p > 0;
	}
done:
	pb_tsv_close(&r);
	match_release(&m);
	free(prev);
	return n < 0 ? -1 : 0;
}

/* One history row of a unit (struct match) ranked now, in a period before --period. */
struct hrow {
	uint32_t unit, per, rank;
	long line;
};

static int cmp_hrow(const void *a, const void *b)
{
	const struct hrow *x = a, *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->per != y->per)
		return x->per > y->per ? -1 : 1; /* latest first */
	return (x->line > y->line) - (x->line < y->line);
}

static int cmp_str(const void *a, const void *b)
{
	const struct pb_str *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);

	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Period keys sorted by bytes; pos[i] = the position of period map index i. */
static int sort_periods(const struct pb_map *pm, uint32_t *pos)
{
	size_t n = pm->count, i;
	struct pb_str *keys = malloc((n ? n : 1) * sizeof *keys);

	if (!keys)
		return -1;
	for (i = 0; i < n; i++)
		keys[i] = pb_map_key(pm, i);
	qsort(keys, n, sizeof *keys, cmp_str);
	for (i = 0; i < n; i++)
		pos[pb_map_find(pm, keys[i].p, keys[i].n)] = (uint32_t)i;
	free(keys);
	return 0;
}

/*
 * streak = the consecutive periods, ending with --period, in which the entity
 * had rank <= --streak-top; periods are the distinct ones of the history
 * plus --period, in byte order.
 */
static int read_history(struct rk *k, struct pb_error *err)
{
	static const char *const want[] = { "period", "rank", NULL };
	const char *P = k->o->period;
	uint32_t top = (uint32_t)(k->c.streak_top > UINT32_MAX ? UINT32_MAX : k->c.streak_top), cur,
	         *pos = NULL, *prior = NULL;
	struct pb_map pm = PB_MAP_INIT;
	struct match m = { 0 };
	struct pb_tsv_reader r;
	struct hrow *h = NULL;
	size_t nh = 0, cap = 0, i, j;
	int idx[3], n, rc = -1;

	if (open_earlier(k, k->o->history, want, idx,
	                 "--history needs earlier outputs with a period column", &r, err) < 0 ||
	    match_init(k, &r, idx[0], &m, err) < 0)
		goto done;
	if (pb_map_put(&pm, P, strlen(P), NULL) < 0) {
		oom(err);
		goto done;
	}
	while ((n = next_earlier(k, &r, err)) > 0) {
		struct pb_str id = r.fields[idx[0]], per = r.fields[idx[1]], rk = r.fields[idx[2]];
		long pi, i2;
		uint32_t rank;
		if (pb_str_eqz(id, k->id_col) && pb_str_eqz(per, "period") &&
		    pb_str_eqz(rk, "rank"))
			continue; /* the header again: outputs appended with >> */
		if (per.n == 0) {
			data_error_at(k, r.name, r.line, "empty period; row ignored");
			continue;
		}
		if ((pi = pb_map_put(&pm, per.p, per.n, NULL)) < 0) {
			oom(err);
			goto done;
		}
		if ((i2 = match_find(k, &m, r.fields)) == -2) {
			oom(err);
			goto done;
		}
		if (i2 < 0 || pi == 0)
			continue;
		if (parse_rank(rk, &rank) < 0) {
			data_error_at(k, r.name, r.line,
			              "rank '%.*s' is not a whole number >= 1; row ignored",
			              STR_ARGS(rk));
			continue;
		}
		if (nh == cap) {
			struct hrow *p;
			cap = cap ? cap * 2 : 1024;
			if (!(p = realloc(h, cap * sizeof *p))) {
				oom(err);
				goto done;
			}
			h = p;
		}
		h[nh++] = (struct hrow){ (uint32_t)i2, (uint32_t)pi, rank, r.line };
	}
	if (n < 0)
		goto done;
	if (!(pos = malloc(pm.count * sizeof *pos)) || sort_periods(&pm, pos) < 0 ||
	    !(prior = calloc(m.nunits + 1, sizeof *prior))) {
		oom(err);
		goto done;
	}
	cur = pos[0];
	for (i = 0, j = 0; i < nh; i++)
		if (pos[h[i].per] < cur) {
			h[j] = h[i];
			h[j++].per = pos[h[i].per];
		}
	nh = j;
	if (nh) /* h is NULL when no history row applies */
		qsort(h, nh, sizeof *h, cmp_hrow);
	for (i = 0; i < nh; i = j) {
		uint32_t expect = cur - 1, run = 0;
		int going = 1;
		for (j = i; j < nh && h[j].unit == h[i].unit; j++) {
			if (j > i && h[j].per == h[j - 1].per) {
				struct pb_str per = pb_map_key(&pm, 0);
				size_t pi;
				for (pi = 0; pi < pm.count; pi++)
					if (pos[pi] == h[j].per)
						per = pb_map_key(&pm, pi);
				data_error_at(k, r.name, h[j].line,
				              "a second row for %s in period '%.*s' "
				              "(first at line %ld); row ignored",
				              match_who(k, &m, h[j].unit), STR_ARGS(per),
				              h[j - 1].line);
				continue;
			}
			if (!going)
				continue;
			if (h[j].per == expect && h[j].rank <= top) {
				run++;
				expect--;
			} else {
				going = 0;
			}
		}
		prior[h[i].unit] = run;
	}
	for (i = 0; i < k->nslots; i++) {
		uint32_t ei = k->slots[i].ent;
		struct ent *e = &k->e[ei];
		e->streak = e->rank <= top ? 1 + prior[match_unit(&m, ei)] : 0;
	}
	rc = 0;
done:
	pb_tsv_close(&r);
	pb_map_release(&pm);
	match_release(&m);
	free(pos);
	free(prior);
	free(h);
	return rc;
}

/* ---------------------------------------------------------------- output */

static void put_num(FILE *f, struct pb_buf *b, double v)
{
	pb_buf_reset(b);
	pb_put_number(b, v);
	fwrite(b->p ? b->p : "", 1, b->len, f);
}

static int better_or_equal(const struct rk *k, double score, double thr)
{
	return k->c.asc ? score <= thr : score >= thr;
}

/* The grade of an entity in a group of m: by threshold (--grades) or by min rank against cumulative
 * quotas. */
static const char *grade(const struct rk *k, const struct ent *e, const size_t *cum)
{
	size_t b;

	for (b = 0; b < k->c.nbands; b++) {
		const struct band *d = &k->c.bands[b];
		if (d->open ||
		    (k->c.quota ? e->minrank <= cum[b] : better_or_equal(k, e->score, d->thr)))
			return d->label;
	}
	return "";
}

static void write_rows(struct rk *k, FILE *f, const struct pb_str *cols, size_t ncols)
{
	size_t ng = k->groups.count, ni = k->inds.count, g, q, j, b;
	struct pb_str *gv = calloc(k->c.by.n + 1, sizeof *gv);
	size_t *cum = calloc(k->c.nbands + 1, sizeof *cum);

	for (j = 0; j < ncols; j++) {
		if (j)
			putc('\t', f);
		pb_tsv_put_str(f, cols[j]);
	}
	for (j = 0; j < k->nextra; j++)
		if (k->extra_out[j]) {
			putc('\t', f);
			pb_tsv_puts(f, k->extra[j]);
		}
	putc('\n', f);
	if (!gv || !cum)
		goto done;
	for (g = 0; g < ng; g++) {
		size_t m = k->gstart[g + 1] - k->gstart[g];
		size_t ntop = k->c.has_top ? pb_rank_share_count(&k->c.top, m) : 0;
		size_t nbot = k->c.has_bottom ? pb_rank_share_count(&k->c.bottom, m) : 0;
		group_values(k, k->gidx[g], gv);
		for (b = 0; k->c.quota && b < k->c.nbands; b++)
			cum[b] = (b ? cum[b - 1] : 0) +
			    (k->c.bands[b].open ? m : pb_rank_share_count(&k->c.bands[b].sh, m));
		for (q = k->gstart[g]; q < k->gstart[g + 1]; q++) {
			uint32_t ei = k->slots[q].ent;
			const struct ent *e = &k->e[ei];
			const char *s = k->strs.p + e->off;
			pb_tsv_put_str(f, ent_id(k, ei));
			if (k->name_col) {
				putc('\t', f);
				pb_tsv_put(f, s, e->name_len);
			}
			for (j = 0; j < k->c.by.n; j++) {
				putc('\t', f);
				pb_tsv_put_str(f, gv[j]);
			}
			for (j = 0; j < ni; j++) {
				if (pb_str_eqz(ind_name(k, j), "score"))
					continue;
				putc('\t', f);
				put_num(f, &k->num, k->val[(size_t)ei * ni + j]);
			}
			putc('\t', f);
			put_num(f, &k->num, e->score);
			fprintf(f, "\t%u\t%zu\t", e->rank, m);
			put_num(f, &k->num, (double)(m - e->minrank + 1) / (double)m);
			if (k->c.has_stars) {
				int st = 1;
				for (j = 0; j < 4 && st == 1; j++)
					if (better_or_equal(k, e->score, k->c.stars[j]))
						st = 5 - (int)j;
				fprintf(f, "\t%d", st);
			}
			if (k->c.nbands) {
				putc('\t', f);
				pb_tsv_puts(f, grade(k, e, cum));
			}
			if (k->c.has_top || k->c.has_bottom) {
				putc('\t', f);
				if (k->c.has_top && e->minrank <= ntop)
					pb_tsv_puts(f, k->c.top_label);
				else if (k->c.has_bottom && m - e->maxrank + 1 <= nbot)
					pb_tsv_puts(f, k->c.bottom_label);
			}
			if (k->o->prev) {
				if (e->has_prev)
					fprintf(f, "\t%u\t%lld", e->prev_rank,
					        (long long)e->prev_rank - (long long)e->rank);
				else
					fputs("\t\t", f);
			}
			if (k->o->history)
				fprintf(f, "\t%u", e->streak);
			if (k->c.sens_n)
				fprintf(f, "\t%u\t%u", e->rank_lo, e->rank_hi);
			if (k->o->period) {
				putc('\t', f);
				pb_tsv_puts(f, k->o->period);
			}
			s += e->name_len;
			for (j = 0; j < k->nextra; j++) {
				uint32_t len;
				memcpy(&len, s, 4);
				if (k->extra_out[j]) {
					putc('\t', f);
					pb_tsv_put(f, s + 4, len);
				}
				s += 4 + len;
			}
			putc('\n', f);
		}
	}
done:
	free(gv);
	free(cum);
}

/* ---------------------------------------------------------------- run */

static void rk_release(struct rk *k)
{
	size_t i;

	cfg_release(&k->c);
	free(k->fname);
	free(k->id_col);
	free(k->name_col);
	for (i = 0; i < k->nextra; i++)
		free(k->extra[i]);
	free(k->extra);
	free(k->extra_out);
	pb_map_release(&k->ents);
	pb_map_release(&k->groups);
	pb_map_release(&k->inds);
	pb_map_release(&k->judges);
	free(k->e);
	free(k->val);
	free(k->x);
	free(k->w);
	free(k->obs);
	free(k->slots);
	free(k->gstart);
	free(k->gpos);
	free(k->gidx);
	pb_buf_release(&k->strs);
	pb_buf_release(&k->key);
	pb_buf_release(&k->num);
	pb_buf_release(&k->who);
	free(k->rowv);
}

int pb_rank_run(const struct pb_rank_opts *o, struct pb_error *err)
{
	struct pb_out out = PB_OUT_INIT;
	struct pb_str *cols = NULL;
	size_t ncols = 0;
	struct rk k;
	int rc = -1;

	memset(&k, 0, sizeof k);
	k.o = o;
	if (cfg_parse(o, &k.c, err) < 0 || read_inputs(&k, err) < 0)
		goto done;
	if (!k.wide && aggregate_judges(&k, err) < 0)
		goto done;
	if (load_weights(&k, err) < 0 || plan_columns(&k, &cols, &ncols, err) < 0)
		goto done;
	check_entities(&k);
	if (build_groups(&k, err) < 0 || score_groups(&k, err) < 0)
		goto done;
	rank_all(&k);
	if (o->prev && read_prev(&k, err) < 0)
		goto done;
	if (o->history && read_history(&k, err) < 0)
		goto done;
	if (k.c.sens_n && sensitivity(&k, err) < 0)
		goto done;
	if (pb_out_open(&out, o->output, err) < 0)
		goto done;
	write_rows(&k, out.f, cols, ncols);
	if (pb_out_commit(&out, err) < 0)
		goto done;
	rc = k.data_err ? PB_EXIT_DATA : 0;
done:
	if (rc < 0)
		pb_out_abort(&out);
	free(cols);
	rk_release(&k);
	return rc;
}
