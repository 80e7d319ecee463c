/*
 * rank: pb-rank's run — reads the inputs into entities, runs the steps of
 * rank_score.c and rank_history.c, and writes one row per ranked entity
 * through the table of output columns.
 */
#include <fnmatch.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb/value.h"
#include "pb/vocab.h"
#include "rank_int.h"

/* ---- reading ---- */

/* Column indexes of one input; -1 none. */
struct src {
	int id, name, ind, judge, score;
	int *by;
	int *vals;          /* wide: the --score columns; sheet: the --judges columns */
	size_t nvals;       /* (a row's values go to rowv, one per column) */
	uint32_t *judge_of; /* sheet: the judge of each vals column */
	int *extra;
	double *rowv;
};

/* The form and the id and name columns, decided from the first input's header. */
static int resolve_first(struct rank_run *k, const struct pb_tsv_reader *r, struct pb_error *err)
{
	const struct pb_rank_opts *o = k->o;
	const char *id = o->id_col, *name = o->name_col;

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
	if (name && strcmp(name, id) == 0)
		name = NULL; /* a table with names only: the name is the id */
	if (!(k->id_col = strdup(id)) || (name && !(k->name_col = strdup(name))))
		return pb_rank_oom(err);
	if (k->c.judges.n) {
		k->sheet = k->has_judge = 1;
		k->sheet_ind = pb_tsv_col(r, "indicator") >= 0;
	} else if (k->c.scores.n) {
		k->wide = 1;
	} else if (pb_tsv_col(r, "indicator") >= 0 && pb_tsv_col(r, "score") >= 0) {
		k->has_judge = pb_tsv_col(r, "judge") >= 0;
	} else if (pb_tsv_col(r, "score") >= 0) {
		k->wide = 1;
		if (pb_list_split(&k->c.scores, "score", ',') < 0)
			return pb_rank_oom(err);
	} else {
		return pb_error_set(
		    err, PB_EXIT_FATAL, r->name, 1,
		    "no columns indicator and score (long form) and no --score COL,… (wide form)");
	}
	if (k->c.judge == PB_RANK_JUDGE_TRIM && !k->has_judge)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "--judge-agg trim needs judges: long form with a judge column, "
		                    "or --judges");
	return 0;
}

/* Whether column i is one of the value columns (--score, --judges). */
static int is_value_col(const struct src *s, int i)
{
	size_t j;

	for (j = 0; j < s->nvals; j++)
		if (s->vals[j] == i)
			return 1;
	return 0;
}

/* Whether column i is one of the columns s reads as something. */
static int src_reads(const struct rank_run *k, const struct src *s, int i)
{
	size_t j;

	if (i == s->id || i == s->name || i == s->ind || i == s->judge || i == s->score)
		return 1;
	for (j = 0; j < k->c.by.n; j++)
		if (i == s->by[j])
			return 1;
	return is_value_col(s, i);
}

/* The indicators of wide form (or a sheet's one) and the pass-through columns. */
static int plan_input(struct rank_run *k, const struct pb_tsv_reader *r, const struct src *s,
                      struct pb_error *err)
{
	size_t i;

	for (i = 0; k->wide && i < k->c.scores.n; i++)
		if (pb_map_put(&k->inds, k->c.scores.v[i], strlen(k->c.scores.v[i]), NULL) < 0)
			return pb_rank_oom(err);
	if (k->sheet && !k->sheet_ind && pb_map_put(&k->inds, "score", 5, NULL) < 0)
		return pb_rank_oom(err);
	if (!(k->extra = calloc(r->ncols, sizeof *k->extra)))
		return pb_rank_oom(err);
	for (i = 0; i < r->ncols; i++)
		if (!src_reads(k, s, (int)i) && !(k->extra[k->nextra++] = strdup(r->cols[i])))
			return pb_rank_oom(err);
	return 0;
}

/* Adds column i as a sheet's judge column, unless it is read already (as a judge or else). */
static int add_judge(struct rank_run *k, const struct pb_tsv_reader *r, struct src *s, int i)
{
	long j;

	if (src_reads(k, s, i))
		return 0;
	if ((j = pb_map_put(&k->judges, r->cols[i], strlen(r->cols[i]), NULL)) < 0)
		return -1;
	s->judge_of[s->nvals] = (uint32_t)j;
	s->vals[s->nvals++] = i;
	return 0;
}

/*
 * A sheet's judge columns: --judges names them, or gives shell patterns
 * (fnmatch) that pick, in header order, every column not read as something
 * else.
 */
static int select_judges(struct rank_run *k, const struct pb_tsv_reader *r, struct src *s,
                         struct pb_error *err)
{
	size_t j, i, before;
	int col;

	if (!(s->judge_of = calloc(r->ncols + 1, sizeof *s->judge_of)))
		return pb_rank_oom(err);
	for (j = 0; j < k->c.judges.n; j++) {
		const char *item = k->c.judges.v[j];
		if (!strpbrk(item, "*?[")) {
			if ((col = pb_rank_find_col(r, item, "a --judges column", err)) < 0)
				return -1;
			if (src_reads(k, s, col) && !is_value_col(s, col))
				return pb_error_set(
				    err, PB_EXIT_FATAL, r->name, 1,
				    "--judges: column '%s' is the id, name, --by or "
				    "indicator column, not a judge",
				    item);
			if (add_judge(k, r, s, col) < 0)
				return pb_rank_oom(err);
			continue;
		}
		for (i = 0, before = s->nvals; i < r->ncols; i++)
			if (fnmatch(item, r->cols[i], 0) == 0 && add_judge(k, r, s, (int)i) < 0)
				return pb_rank_oom(err);
		if (s->nvals == before)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "no column matches --judges '%s'", item);
	}
	return 0;
}

/* The columns every input must have, by the form the first decided. */
static int src_columns(struct rank_run *k, const struct pb_tsv_reader *r, struct src *s,
                       struct pb_error *err)
{
	static const char long_form[] = "long-form scores";
	size_t j;

	*s = (struct src){ .id = -1, .name = -1, .ind = -1, .judge = -1, .score = -1 };
	s->by = calloc(k->c.by.n + 1, sizeof *s->by);
	s->vals = calloc(r->ncols + 1, sizeof *s->vals);
	s->rowv = calloc(r->ncols + 1, sizeof *s->rowv);
	if (!s->by || !s->vals || !s->rowv)
		return pb_rank_oom(err);
	for (j = 0; j < k->c.by.n; j++)
		s->by[j] = -1;
	if ((s->id = pb_rank_find_col(r, k->id_col, "the entity id; see --id", err)) < 0 ||
	    (k->name_col &&
	     (s->name = pb_rank_find_col(r, k->name_col, "the entity name; see --name", err)) < 0))
		return -1;
	for (j = 0; j < k->c.by.n; j++)
		if ((s->by[j] = pb_rank_find_col(r, k->c.by.v[j], "a --by column", err)) < 0)
			return -1;
	for (j = 0; k->wide && j < k->c.scores.n; j++)
		if ((s->vals[s->nvals++] =
		         pb_rank_find_col(r, k->c.scores.v[j], "a --score column", err)) < 0)
			return -1;
	if ((!k->wide && (!k->sheet || k->sheet_ind) &&
	     (s->ind = pb_rank_find_col(r, "indicator",
	                                k->sheet ? "the first input has indicators" : long_form,
	                                err)) < 0) ||
	    (!k->wide && !k->sheet &&
	     (s->score = pb_rank_find_col(r, "score", long_form, err)) < 0))
		return -1;
	if (k->has_judge && !k->sheet &&
	    (s->judge = pb_rank_find_col(r, "judge", "the first input has judges", err)) < 0)
		return -1;
	return k->sheet ? select_judges(k, r, s, err) : 0;
}

/* Where each pass-through column of the first input is in this one (-1: left empty). */
static int src_extras(struct rank_run *k, const struct pb_tsv_reader *r, struct src *s,
                      struct pb_error *err)
{
	size_t j;

	if (!(s->extra = calloc(k->nextra + 1, sizeof *s->extra)))
		return pb_rank_oom(err);
	for (j = 0; j < k->nextra; j++)
		s->extra[j] = pb_tsv_col(r, k->extra[j]);
	return 0;
}

static void src_release(struct src *s)
{
	free(s->by);
	free(s->vals);
	free(s->judge_of);
	free(s->extra);
	free(s->rowv);
	memset(s, 0, sizeof *s);
}

/*
 * Whether the current row is a pb-coverage total or subtotal (合计 as its id or
 * in a --by column): a summary, not an entity, so it is skipped silently.
 */
static int is_total_row(const struct rank_run *k, const struct pb_tsv_reader *r,
                        const struct src *s)
{
	size_t j;

	if (pb_str_eqz(r->fields[s->id], PB_TOTAL_LABEL))
		return 1;
	for (j = 0; j < k->c.by.n; j++)
		if (pb_str_eqz(r->fields[s->by[j]], PB_TOTAL_LABEL))
			return 1;
	return 0;
}

/* The entity of the current row, created at its first row. -1 out of memory. */
static long row_entity(struct rank_run *k, const struct pb_tsv_reader *r, const struct src *s,
                       uint32_t file, int *is_new)
{
	long g = pb_rank_group_get(k, r->fields, s->by);

	if (g < 0)
		return -1;
	return pb_rank_ent_get(k, r->fields, s->id, s->name, s->extra, file, r->line, (uint32_t)g,
	                       is_new);
}

/* The row's values of s->vals into s->rowv (empty: NaN); 0, or -1 reported: the row is ignored. */
static int row_values(struct rank_run *k, const struct pb_tsv_reader *r, const struct src *s,
                      uint32_t file)
{
	size_t j;
	int bad = 0;

	for (j = 0; j < s->nvals; j++) {
		struct pb_str v = r->fields[s->vals[j]];
		s->rowv[j] = NAN;
		if (v.n && pb_parse_double(v, &s->rowv[j]) < 0) {
			pb_rank_data_error(k, file, r->line,
			                   "%s: '%.*s' is not a number; row ignored",
			                   r->cols[s->vals[j]], STR_ARGS(v));
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* Entity i's row when it has one already (wide form, a sheet without indicators). */
static void duplicate_row(struct rank_run *k, long i, uint32_t file, long line)
{
	const struct rank_ent *e = &k->e[i];

	pb_rank_data_error(k, file, line, "duplicate row for %s (first at %s:%ld); row ignored",
	                   pb_rank_who(k, (uint32_t)i), k->fname[e->file], (long)e->line);
}

static int read_wide_row(struct rank_run *k, const struct pb_tsv_reader *r, const struct src *s,
                         uint32_t file, struct pb_error *err)
{
	int is_new;
	long i;

	if (row_values(k, r, s, file) < 0)
		return 0;
	if ((i = row_entity(k, r, s, file, &is_new)) < 0)
		return pb_rank_oom(err);
	if (!is_new)
		duplicate_row(k, i, file, r->line);
	else
		memcpy(&k->val[(size_t)i * s->nvals], s->rowv, s->nvals * sizeof *s->rowv);
	return 0;
}

/* One score of entity i for indicator ind by judge. 0, or -1 out of memory. */
static int add_obs(struct rank_run *k, long i, long ind, uint32_t judge, uint32_t file, long line,
                   double v)
{
	if (pb_grow_zeroed(&k->obs, &k->obscap, k->nobs, sizeof *k->obs) < 0)
		return -1;
	k->obs[k->nobs++] =
	    (struct rank_obs){ (uint32_t)i, (uint32_t)ind, judge, file, line, v, 0 };
	return 0;
}

/* The row's indicator: -1 an empty one (reported), -2 out of memory. */
static long row_indicator(struct rank_run *k, const struct pb_tsv_reader *r, const struct src *s,
                          uint32_t file)
{
	struct pb_str in = s->ind >= 0 ? r->fields[s->ind] : PB_STR("score");

	if (in.n == 0) {
		pb_rank_data_error(k, file, r->line, "empty indicator; row ignored");
		return -1;
	}
	return pb_map_put(&k->inds, in.p, in.n, NULL) < 0 ? -2 : pb_map_find(&k->inds, in.p, in.n);
}

static int read_long_row(struct rank_run *k, const struct pb_tsv_reader *r, const struct src *s,
                         uint32_t file, struct pb_error *err)
{
	struct pb_str *f = r->fields, sv = f[s->score];
	int is_new;
	long i, ind, judge = 0;
	double v;

	if ((ind = row_indicator(k, r, s, file)) == -1)
		return 0;
	if (ind < 0 || (i = row_entity(k, r, s, file, &is_new)) < 0)
		return pb_rank_oom(err);
	if (sv.n == 0)
		return 0; /* an empty score is a missing value */
	if (pb_parse_double(sv, &v) < 0) {
		pb_rank_data_error(k, file, r->line, "score '%.*s' is not a number; row ignored",
		                   STR_ARGS(sv));
		return 0;
	}
	if (s->judge >= 0 &&
	    (judge = pb_map_put(&k->judges, f[s->judge].p, f[s->judge].n, NULL)) < 0)
		return pb_rank_oom(err);
	return add_obs(k, i, ind, (uint32_t)judge, file, r->line, v) < 0 ? pb_rank_oom(err) : 0;
}

/* A sheet row: one entity's scores for one indicator, a column per judge. */
static int read_sheet_row(struct rank_run *k, const struct pb_tsv_reader *r, const struct src *s,
                          uint32_t file, struct pb_error *err)
{
	int is_new;
	long i, ind;
	size_t j;

	if (row_values(k, r, s, file) < 0 || (ind = row_indicator(k, r, s, file)) == -1)
		return 0;
	if (ind < 0 || (i = row_entity(k, r, s, file, &is_new)) < 0)
		return pb_rank_oom(err);
	if (!is_new && !k->sheet_ind) {
		duplicate_row(k, i, file, r->line);
		return 0;
	}
	for (j = 0; j < s->nvals; j++)
		if (!isnan(s->rowv[j]) &&
		    add_obs(k, i, ind, s->judge_of[j], file, r->line, s->rowv[j]) < 0)
			return pb_rank_oom(err);
	return 0;
}

static int read_row(struct rank_run *k, const struct pb_tsv_reader *r, const struct src *s,
                    uint32_t file, struct pb_error *err)
{
	if (r->fields[s->id].n == 0) {
		pb_rank_data_error(k, file, r->line, "empty %s; row ignored", k->id_col);
		return 0;
	}
	if (is_total_row(k, r, s))
		return 0;
	if (k->wide)
		return read_wide_row(k, r, s, file, err);
	return k->sheet ? read_sheet_row(k, r, s, file, err) : read_long_row(k, r, s, file, err);
}

/* Reads input number fi: every row into entities and values. */
static int read_input(struct rank_run *k, const char *path, uint32_t fi, struct pb_error *err)
{
	struct pb_tsv_reader r;
	struct src s = { 0 };
	long bad = 0;
	int rc;

	if (pb_tsv_open(&r, path, err) < 0) {
		pb_tsv_close(&r);
		return -1;
	}
	rc = (fi == 0 && resolve_first(k, &r, err) < 0) || src_columns(k, &r, &s, err) < 0 ||
	        (fi == 0 && plan_input(k, &r, &s, err) < 0) || src_extras(k, &r, &s, err) < 0
	    ? -1
	    : 0;
	while (rc == 0 && (rc = pb_tsv_next_row(&r, &bad, err)) > 0)
		rc = read_row(k, &r, &s, fi, err);
	if (bad)
		k->data_err = 1;
	src_release(&s);
	pb_tsv_close(&r);
	return rc < 0 ? -1 : 0;
}

static int read_inputs(struct rank_run *k, struct pb_error *err)
{
	static char *const stdin_only[] = { "-" };
	char *const *paths = k->o->ninputs ? k->o->inputs : stdin_only;
	size_t fi;

	k->ninputs = k->o->ninputs ? k->o->ninputs : 1;
	if (k->ninputs > RANK_MAX_INPUTS)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "more than %u inputs",
		                    RANK_MAX_INPUTS);
	if (!(k->fname = calloc(k->ninputs, sizeof *k->fname)))
		return pb_rank_oom(err);
	for (fi = 0; fi < k->ninputs; fi++) {
		k->fname[fi] = strcmp(paths[fi], "-") == 0 ? "(stdin)" : paths[fi];
		if (read_input(k, paths[fi], (uint32_t)fi, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- the output columns ---- */

struct column;

/* One cell of a row: value i of column c. */
struct cell {
	const struct column *c;
	size_t i;
};

/* The writer: what the column table reads, and the row being written. */
struct out {
	const struct rank_run *k;
	FILE *f;
	size_t *inds;             /* the indicators written, by index: not one named score */
	size_t ninds;             /* nor the one the composite is (see composite_is) */
	struct pb_str score_name; /* the composite's column: score, or that indicator's name */
	size_t *extras;           /* the pass-through columns written, by index in k->extra */
	size_t nextras;
	struct pb_buf buf;  /* rows not yet written: fwrite sees whole blocks */
	struct cell *cells; /* every row's cells in order, from the column table */
	size_t ncells;
	/* the group */
	struct pb_str *gv; /* its --by values */
	size_t m;          /* its ranked entities */
	size_t ntop, nbot; /* --top, --bottom counts */
	size_t *cum;       /* --quota: each band's cumulative end */
	/* the row */
	const struct rank_slot *s;
	uint32_t ei;
	struct pb_str *xv; /* the entity's pass-through values, per k->extra */
};

/*
 * One row of the table: a column, or a family of columns named by the input
 * (the id, the --by columns, the indicators, the pass-through columns).
 * count says how many it gives now: 0 when absent (NULL: always one); a
 * family's names come from names(). put writes value i of the current row
 * (a count column: the entity's field at offset field); -1 out of memory.
 */
struct column {
	const char *name;
	size_t (*count)(const struct out *o);
	struct pb_str (*names)(const struct out *o, size_t i);
	int (*put)(struct out *o, const struct column *c, size_t i);
	size_t field;
};

static int put_num(struct out *o, double v)
{
	return pb_put_number(&o->buf, v);
}

static int put_text(struct out *o, struct pb_str s)
{
	return pb_tsv_buf_put(&o->buf, s.p, s.n);
}

/* A per-entity count column: the array at offset field of the run. */
static int put_field(struct out *o, const struct column *c, size_t i)
{
	const uint32_t *v;

	(void)i;
	memcpy(&v, (const char *)o->k + c->field, sizeof v);
	return pb_put_uint(&o->buf, v[o->ei]);
}

static double score_of(const struct out *o)
{
	return pb_rank_slot_score(o->k, o->s);
}

static int better_or_equal(const struct rank_run *k, double score, double thr)
{
	return k->c.asc ? score <= thr : score >= thr;
}

static struct pb_str id_name(const struct out *o, size_t i)
{
	(void)i;
	return pb_str_z(o->k->id_col);
}

static int put_id(struct out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return put_text(o, pb_rank_ent_id(o->k, o->ei));
}

static size_t has_name(const struct out *o)
{
	return o->k->name_col != NULL;
}

static struct pb_str name_name(const struct out *o, size_t i)
{
	(void)i;
	return pb_str_z(o->k->name_col);
}

static int put_name(struct out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return put_text(o, pb_rank_ent_name(o->k, o->ei));
}

static size_t n_by(const struct out *o)
{
	return o->k->c.by.n;
}

static struct pb_str by_name(const struct out *o, size_t i)
{
	return pb_str_z(o->k->c.by.v[i]);
}

static int put_by(struct out *o, const struct column *c, size_t i)
{
	(void)c;
	return put_text(o, o->gv[i]);
}

static size_t n_inds(const struct out *o)
{
	return o->ninds;
}

static struct pb_str ind_name(const struct out *o, size_t i)
{
	return pb_rank_ind_name(o->k, o->inds[i]);
}

static int put_ind(struct out *o, const struct column *c, size_t i)
{
	(void)c;
	return put_num(o, o->k->val[(size_t)o->ei * o->k->inds.count + o->inds[i]]);
}

static struct pb_str score_name(const struct out *o, size_t i)
{
	(void)i;
	return o->score_name;
}

static int put_score(struct out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return put_num(o, score_of(o));
}

static int put_rank(struct out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return pb_put_uint(&o->buf, o->s->rank);
}

static int put_n(struct out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return pb_put_uint(&o->buf, o->m);
}

static int put_pct(struct out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return put_num(o, (double)(o->m - o->s->minrank + 1) / (double)o->m);
}

static size_t has_stars(const struct out *o)
{
	return (size_t)o->k->c.has_stars;
}

static int put_stars(struct out *o, const struct column *c, size_t i)
{
	int st = 1;

	(void)c;
	for (i = 0; i < 4 && st == 1; i++)
		if (better_or_equal(o->k, score_of(o), o->k->c.stars[i]))
			st = 5 - (int)i;
	return pb_put_uint(&o->buf, (unsigned)st);
}

static size_t has_grade(const struct out *o)
{
	return o->k->c.nbands > 0;
}

/* By threshold (--grades) or by min rank against the cumulative quotas (--quota). */
static int put_grade(struct out *o, const struct column *c, size_t i)
{
	const struct rank_cfg *cfg = &o->k->c;

	(void)c;
	for (i = 0; i < cfg->nbands; i++) {
		const struct rank_band *d = &cfg->bands[i];
		if (d->open ||
		    (cfg->quota ? o->s->minrank <= o->cum[i]
		                : better_or_equal(o->k, score_of(o), d->thr)))
			return put_text(o, pb_str_z(d->label));
	}
	return 0;
}

static size_t has_flag(const struct out *o)
{
	return o->k->c.has_top || o->k->c.has_bottom;
}

static int put_flag(struct out *o, const struct column *c, size_t i)
{
	const struct rank_cfg *cfg = &o->k->c;

	(void)c, (void)i;
	if (cfg->has_top && o->s->minrank <= o->ntop)
		return put_text(o, pb_str_z(cfg->top_label));
	if (cfg->has_bottom && o->m - o->s->maxrank + 1 <= o->nbot)
		return put_text(o, pb_str_z(cfg->bottom_label));
	return 0;
}

static size_t has_prev(const struct out *o)
{
	return o->k->o->prev != NULL;
}

static int put_prev_rank(struct out *o, const struct column *c, size_t i)
{
	return o->k->prev_rank[o->ei] ? put_field(o, c, i) : 0;
}

static int put_rank_change(struct out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	if (o->k->prev_rank[o->ei])
		return pb_put_int(&o->buf,
		                  (long long)o->k->prev_rank[o->ei] - (long long)o->s->rank);
	return 0;
}

static size_t has_sensitivity(const struct out *o)
{
	return o->k->c.sens_n > 0;
}

static size_t has_period(const struct out *o)
{
	return o->k->o->period != NULL;
}

static int put_period(struct out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return put_text(o, pb_str_z(o->k->o->period));
}

static size_t n_extras(const struct out *o)
{
	return o->nextras;
}

static struct pb_str extra_name(const struct out *o, size_t i)
{
	return pb_str_z(o->k->extra[o->extras[i]]);
}

static int put_extra(struct out *o, const struct column *c, size_t i)
{
	(void)c;
	return put_text(o, o->xv[o->extras[i]]);
}

#define FIELD(f) .put = put_field, .field = offsetof(struct rank_run, f)

/*
 * The output columns in order. A new column is one row here; the header and
 * every row walk this same table. The last row, the pass-through columns,
 * takes only the names no other column has.
 */
static const struct column columns[] = {
	{ .names = id_name, .put = put_id },
	{ .count = has_name, .names = name_name, .put = put_name },
	{ .count = n_by, .names = by_name, .put = put_by },
	{ .count = n_inds, .names = ind_name, .put = put_ind },
	{ .names = score_name, .put = put_score },
	{ .name = "rank", .put = put_rank },
	{ .name = "n", .put = put_n },
	{ .name = "pct", .put = put_pct },
	{ .name = "stars", .count = has_stars, .put = put_stars },
	{ .name = "grade", .count = has_grade, .put = put_grade },
	{ .name = "flag", .count = has_flag, .put = put_flag },
	{ .name = "prev_rank",
	  .count = has_prev,
	  .put = put_prev_rank,
	  .field = offsetof(struct rank_run, prev_rank) },
	{ .name = "rank_change", .count = has_prev, .put = put_rank_change },
	{ .name = "streak", .count = has_period, FIELD(streak) },
	{ .name = "rank_lo", .count = has_sensitivity, FIELD(rank_lo) },
	{ .name = "rank_hi", .count = has_sensitivity, FIELD(rank_hi) },
	{ .name = "period", .count = has_period, .put = put_period },
	{ .count = n_extras, .names = extra_name, .put = put_extra },
};

#define NCOLUMNS     (sizeof columns / sizeof *columns)
#define PASS_THROUGH (&columns[NCOLUMNS - 1])

static size_t col_count(const struct column *c, const struct out *o)
{
	return c->count ? c->count(o) : 1;
}

static struct pb_str col_name(const struct column *c, const struct out *o, size_t i)
{
	return c->name ? pb_str_z(c->name) : c->names(o, i);
}

static int ends_with(struct pb_str s, const char *z)
{
	size_t n = strlen(z);

	return s.n >= n && memcmp(s.p + s.n - n, z, n) == 0;
}

/*
 * The indicator that the composite is, unchanged, when its name carries a
 * unit (*_rate a fraction, *_pp points) that the composite should keep, so
 * that a report shows it as such: one indicator, not normalized, weight 1
 * (the composite of one value is then that value, whatever --aggregate).
 * -1 when the composite is a score of its own.
 */
static long composite_is(const struct rank_run *k)
{
	struct pb_str in;

	if (k->inds.count != 1 || k->c.norm != NORM_NONE || k->o->weights_file || k->c.weight.n)
		return -1;
	in = pb_rank_ind_name(k, 0);
	return ends_with(in, "_rate") || ends_with(in, "_pp") ? 0 : -1;
}

/*
 * Decides the written indicators, the composite's name and the pass-through
 * columns; an output column named twice is a fatal error.
 */
static int out_plan(struct out *o, struct pb_error *err)
{
	const struct rank_run *k = o->k;
	struct pb_map names = PB_MAP_INIT;
	const struct column *c;
	size_t i, n;
	int is_new, rc = 0;

	/* the index arrays in one block, the views in another */
	o->inds = calloc(k->inds.count + k->nextra + k->c.nbands + 1, sizeof *o->inds);
	o->xv = calloc(k->nextra + k->c.by.n + 1, sizeof *o->xv);
	if (!o->inds || !o->xv)
		return pb_rank_oom(err);
	o->extras = o->inds + k->inds.count;
	o->cum = o->extras + k->nextra;
	o->gv = o->xv + k->nextra;
	o->score_name = composite_is(k) < 0 ? PB_STR("score") : pb_rank_ind_name(k, 0);
	for (i = 0; i < k->inds.count; i++)
		if (!pb_str_eq(pb_rank_ind_name(k, i), o->score_name))
			o->inds[o->ninds++] = i;
	for (c = columns; rc == 0 && c < PASS_THROUGH; c++)
		for (i = 0, n = col_count(c, o); rc == 0 && i < n; i++) {
			struct pb_str name = col_name(c, o, i);
			if (pb_map_put(&names, name.p, name.n, &is_new) < 0)
				rc = pb_rank_oom(err);
			else if (!is_new)
				rc = pb_error_set(
				    err, PB_EXIT_FATAL, NULL, 0,
				    "output column '%.*s' would appear twice (an id, name, --by "
				    "or indicator column has the name of another output column)",
				    STR_ARGS(name));
		}
	for (i = 0; rc == 0 && i < k->nextra; i++)
		if (pb_map_find(&names, k->extra[i], strlen(k->extra[i])) < 0)
			o->extras[o->nextras++] = i;
	pb_map_release(&names);
	return rc;
}

/* The cells of every row: the column table walked once. 0, or -1 out of memory. */
static int out_cells(struct out *o)
{
	const struct column *c;
	size_t i, n, total = 0;

	for (c = columns; c < columns + NCOLUMNS; c++)
		total += col_count(c, o);
	if (!(o->cells = malloc((total ? total : 1) * sizeof *o->cells)))
		return -1;
	for (c = columns; c < columns + NCOLUMNS; c++)
		for (i = 0, n = col_count(c, o); i < n; i++)
			o->cells[o->ncells++] = (struct cell){ c, i };
	return 0;
}

static void out_release(struct out *o)
{
	free(o->cells);
	free(o->inds); /* and extras, cum */
	free(o->xv);   /* and gv */
	pb_buf_release(&o->buf);
}

/* Writes what the buffer holds once it holds a block, or always with all. */
static void out_flush(struct out *o, int all)
{
	if (o->buf.len >= (64u << 10) || (all && o->buf.len)) {
		fwrite(o->buf.p, 1, o->buf.len, o->f);
		pb_buf_reset(&o->buf);
	}
}

static int write_header(struct out *o)
{
	size_t j;

	for (j = 0; j < o->ncells; j++) {
		struct pb_str name = col_name(o->cells[j].c, o, o->cells[j].i);
		if ((j && pb_buf_addc(&o->buf, '\t') < 0) ||
		    pb_tsv_buf_put(&o->buf, name.p, name.n) < 0)
			return -1;
	}
	return pb_buf_addc(&o->buf, '\n');
}

/* The row of the entity in slot sl. 0, or -1 out of memory. */
static int write_row(struct out *o, const struct rank_slot *sl)
{
	const struct rank_run *k = o->k;
	const char *s;
	size_t i, j;

	o->s = sl;
	o->ei = sl->ent;
	s = pb_rank_ent_extras(k, o->ei);
	for (i = 0; i < k->nextra; i++) {
		uint32_t len;
		memcpy(&len, s, 4);
		o->xv[i] = (struct pb_str){ s + 4, len };
		s += 4 + len;
	}
	for (j = 0; j < o->ncells; j++)
		if ((j && pb_buf_addc(&o->buf, '\t') < 0) ||
		    o->cells[j].c->put(o, o->cells[j].c, o->cells[j].i) < 0)
			return -1;
	if (pb_buf_addc(&o->buf, '\n') < 0)
		return -1;
	out_flush(o, 0);
	return 0;
}

/* Group position g's counts: --top, --bottom and the --quota bands. */
static void out_group(struct out *o, size_t g)
{
	const struct rank_run *k = o->k;
	size_t b;

	o->m = k->gstart[g + 1] - k->gstart[g];
	o->ntop = k->c.has_top ? pb_rank_share_count(&k->c.top, o->m) : 0;
	o->nbot = k->c.has_bottom ? pb_rank_share_count(&k->c.bottom, o->m) : 0;
	pb_rank_group_values(k, k->gidx[g], o->gv);
	for (b = 0; k->c.quota && b < k->c.nbands; b++)
		o->cum[b] = (b ? o->cum[b - 1] : 0) +
		    (k->c.bands[b].open ? o->m : pb_rank_share_count(&k->c.bands[b].sh, o->m));
}

/* The header and every ranked entity, group by group. 0, or -1 out of memory. */
static int write_rows(struct out *o)
{
	const struct rank_run *k = o->k;
	size_t g, q;

	if (out_cells(o) < 0 || write_header(o) < 0)
		return -1;
	for (g = 0; g < k->groups.count; g++) {
		out_group(o, g);
		for (q = k->gstart[g]; q < k->gstart[g + 1]; q++) {
			pb_rank_prefetch(k, k->slots, q, k->nslots, 0);
			if (write_row(o, &k->slots[q]) < 0)
				return -1;
		}
	}
	out_flush(o, 1);
	return 0;
}

/* ---- the run ---- */

static void run_release(struct rank_run *k)
{
	size_t i;

	pb_rank_cfg_release(&k->c);
	free(k->fname);
	free(k->id_col);
	free(k->name_col);
	for (i = 0; i < k->nextra; i++)
		free(k->extra[i]);
	free(k->extra);
	pb_rank_index_release(k);
	pb_map_release(&k->groups);
	pb_map_release(&k->inds);
	pb_map_release(&k->judges);
	free(k->e);
	if (k->x != k->val)
		free(k->x);
	free(k->val);
	free(k->w);
	free(k->obs);
	free(k->slots);
	free(k->gstart);
	free(k->gpos);
	free(k->gidx);
	free(k->prev_rank);
	free(k->streak);
	free(k->rank_lo);
	free(k->rank_hi);
	pb_buf_release(&k->strs);
	pb_buf_release(&k->key);
	pb_buf_release(&k->who);
}

/* Everything up to the ranks and what is derived from earlier outputs. */
static int run_steps(struct rank_run *k, struct out *o, struct pb_error *err)
{
	if (pb_rank_cfg_parse(k->o, &k->c, err) < 0 || read_inputs(k, err) < 0)
		return -1;
	if (!k->wide && pb_rank_judges(k, err) < 0)
		return -1;
	if (!k->o->prev && !k->o->history)
		pb_rank_index_release(
		    k); /* no earlier output to match: the index has done its work */
	if (pb_rank_weights(k, err) < 0 || out_plan(o, err) < 0 || pb_rank_place(k, err) < 0 ||
	    pb_rank_score(k, err) < 0)
		return -1;
	if (k->o->prev && pb_rank_prev(k, err) < 0)
		return -1;
	if (k->o->period && pb_rank_streaks(k, err) < 0)
		return -1;
	if (k->c.sens_n && pb_rank_sensitivity(k, err) < 0)
		return -1;
	pb_progress_done();
	return 0;
}

int pb_rank_run(const struct pb_rank_opts *o, struct pb_error *err)
{
	struct pb_out dest = PB_OUT_INIT;
	struct rank_run k = { .o = o };
	struct out out = { .k = &k, .buf = PB_BUF_INIT };
	int rc = -1;

	if (run_steps(&k, &out, err) < 0 || pb_out_open(&dest, o->output, err) < 0)
		goto done;
	out.f = dest.f;
	if (write_rows(&out) < 0) {
		pb_rank_oom(err);
		goto done;
	}
	if (pb_out_commit(&dest, err) < 0)
		goto done;
	rc = k.data_err ? PB_EXIT_DATA : 0;
done:
	if (rc < 0)
		pb_out_abort(&dest);
	out_release(&out);
	run_release(&k);
	return rc;
}
