/*
 * rank: pb-rank's run — reads the inputs (long form, wide form or a judges'
 * sheet) into entities, runs the steps of rank_score.c and rank_history.c in
 * order, and has rank_out.c write one row per ranked entity.
 */
#include <fnmatch.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb/text.h"
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

/* The first of the columns a, b that the header has, other than skip (NULL: none). */
static const char *first_col(const struct pb_tsv_reader *r, const char *a, const char *b,
                             const char *skip)
{
	if (pb_tsv_col(r, a) >= 0 && (!skip || strcmp(a, skip) != 0))
		return a;
	if (pb_tsv_col(r, b) >= 0 && (!skip || strcmp(b, skip) != 0))
		return b;
	return NULL;
}

/* The form and the id and name columns, decided from the first input's header. */
static int resolve_first(struct rank_run *k, const struct pb_tsv_reader *r, struct pb_error *err)
{
	const struct pb_rank_opts *o = k->o;
	const char *id = o->id_col ? o->id_col : first_col(r, "entity_id", "unit_id", NULL);
	const char *name = o->name_col;

	if (!id)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "no column entity_id or unit_id; name the id column with --id");
	if (!name) /* a table with names only (--id entity_name) has no other name */
		name = first_col(r, "entity_name", "unit_name", id);
	if (name && strcmp(name, id) == 0)
		name = NULL; /* --name the id column: written once, as the id */
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

	long i;

	if (in.n == 0) {
		pb_rank_data_error(k, file, r->line, "empty indicator; row ignored");
		return -1;
	}
	if ((i = pb_map_find(&k->inds, in.p, in.n)) >= 0)
		return i;
	/* a new indicator names output columns: it must be text */
	if (pb_utf8_invalid_at(in.p, in.n) != (size_t)-1) {
		pb_rank_data_error(k, file, r->line, "indicator: invalid UTF-8; row ignored");
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

/* Everything up to the ranks and what is derived from earlier outputs; *out planned. */
static int run_steps(struct rank_run *k, struct rank_out **out, struct pb_error *err)
{
	if (pb_rank_cfg_parse(k->o, &k->c, err) < 0 || read_inputs(k, err) < 0)
		return -1;
	if (!k->wide && pb_rank_judges(k, err) < 0)
		return -1;
	if (!k->o->prev && !k->o->history)
		pb_rank_index_release(k); /* no earlier output to match: the index is done */
	if (pb_rank_weights(k, err) < 0 || !(*out = pb_rank_out_new(k, err)) ||
	    pb_rank_place(k, err) < 0 || pb_rank_score(k, err) < 0)
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
	struct rank_out *out = NULL;
	int rc = -1;

	if (run_steps(&k, &out, err) < 0 || pb_out_open(&dest, o->output, err) < 0)
		goto done;
	if (pb_rank_out_write(out, dest.f) < 0) {
		pb_rank_oom(err);
		goto done;
	}
	if (pb_out_commit(&dest, err) < 0)
		goto done;
	rc = k.data_err ? PB_EXIT_DATA : 0;
done:
	if (rc < 0)
		pb_out_abort(&dest);
	pb_rank_out_free(out);
	run_release(&k);
	return rc;
}
