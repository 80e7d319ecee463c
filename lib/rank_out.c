/*
 * rank_out: pb-rank's output columns as one table — name, when present, how
 * written — that the header, every row and the check for a name written
 * twice all walk. A new column is one row of the table.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb/value.h"
#include "rank_int.h"

struct column;

/* One cell of a row: value i of column c. */
struct cell {
	const struct column *c;
	size_t i;
};

/* The writer: what the column table reads, and the row being written. */
struct rank_out {
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
	struct pb_str *gv;         /* its --by values */
	size_t m;                  /* its ranked entities */
	size_t ntop, nbot;         /* --top, --bottom counts */
	size_t *cum;               /* --quota: each band's cumulative end */
	struct rank_tie_walk ties; /* the run of slots tied with the row's */
	/* the row */
	const struct rank_slot *s;
	uint32_t ei, minrank, maxrank;
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
	size_t (*count)(const struct rank_out *o);
	struct pb_str (*names)(const struct rank_out *o, size_t i);
	int (*put)(struct rank_out *o, const struct column *c, size_t i);
	size_t field;
};

static int put_num(struct rank_out *o, double v)
{
	return pb_put_number(&o->buf, v);
}

static int put_text(struct rank_out *o, struct pb_str s)
{
	return pb_tsv_buf_put(&o->buf, s.p, s.n);
}

/* A count column: the entity's value in the per-entity array at offset field of the run. */
static int put_field(struct rank_out *o, const struct column *c, size_t i)
{
	const uint32_t *v;

	(void)i;
	memcpy(&v, (const char *)o->k + c->field, sizeof v);
	return pb_put_uint(&o->buf, v[o->ei]);
}

static double score_of(const struct rank_out *o)
{
	return pb_rank_slot_score(o->k, o->s);
}

static int put_rank(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return pb_put_uint(&o->buf, o->s->rank);
}

static int better_or_equal(const struct rank_run *k, double score, double thr)
{
	return k->c.asc ? score <= thr : score >= thr;
}

static struct pb_str id_name(const struct rank_out *o, size_t i)
{
	(void)i;
	return pb_str_z(o->k->id_col);
}

static int put_id(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return put_text(o, pb_rank_ent_id(o->k, o->ei));
}

static size_t has_name(const struct rank_out *o)
{
	return o->k->name_col != NULL;
}

static struct pb_str name_name(const struct rank_out *o, size_t i)
{
	(void)i;
	return pb_str_z(o->k->name_col);
}

static int put_name(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return put_text(o, pb_rank_ent_name(o->k, o->ei));
}

static size_t n_by(const struct rank_out *o)
{
	return o->k->c.by.n;
}

static struct pb_str by_name(const struct rank_out *o, size_t i)
{
	return pb_str_z(o->k->c.by.v[i]);
}

static int put_by(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c;
	return put_text(o, o->gv[i]);
}

static size_t n_inds(const struct rank_out *o)
{
	return o->ninds;
}

static struct pb_str ind_name(const struct rank_out *o, size_t i)
{
	return pb_rank_ind_name(o->k, o->inds[i]);
}

static int put_ind(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c;
	return put_num(o, o->k->val[(size_t)o->ei * o->k->inds.count + o->inds[i]]);
}

static struct pb_str score_name(const struct rank_out *o, size_t i)
{
	(void)i;
	return o->score_name;
}

static int put_score(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return put_num(o, score_of(o));
}

static int put_n(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return pb_put_uint(&o->buf, o->m);
}

static int put_pct(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return put_num(o, (double)(o->m - o->minrank + 1) / (double)o->m);
}

static size_t has_stars(const struct rank_out *o)
{
	return (size_t)o->k->c.has_stars;
}

static int put_stars(struct rank_out *o, const struct column *c, size_t i)
{
	int st = 1;

	(void)c;
	for (i = 0; i < 4 && st == 1; i++)
		if (better_or_equal(o->k, score_of(o), o->k->c.stars[i]))
			st = 5 - (int)i;
	return pb_put_uint(&o->buf, (unsigned)st);
}

static size_t has_grade(const struct rank_out *o)
{
	return o->k->c.nbands > 0;
}

/* By threshold (--grades) or by min rank against the cumulative quotas (--quota). */
static int put_grade(struct rank_out *o, const struct column *c, size_t i)
{
	const struct rank_cfg *cfg = &o->k->c;

	(void)c;
	for (i = 0; i < cfg->nbands; i++) {
		const struct rank_band *d = &cfg->bands[i];
		if (d->open ||
		    (cfg->quota ? o->minrank <= o->cum[i]
		                : better_or_equal(o->k, score_of(o), d->thr)))
			return put_text(o, pb_str_z(d->label));
	}
	return 0;
}

static size_t has_flag(const struct rank_out *o)
{
	return o->k->c.has_top || o->k->c.has_bottom;
}

static int put_flag(struct rank_out *o, const struct column *c, size_t i)
{
	const struct rank_cfg *cfg = &o->k->c;

	(void)c, (void)i;
	if (cfg->has_top && o->minrank <= o->ntop)
		return put_text(o, pb_str_z(cfg->top_label));
	if (cfg->has_bottom && o->m - o->maxrank + 1 <= o->nbot)
		return put_text(o, pb_str_z(cfg->bottom_label));
	return 0;
}

static size_t has_prev(const struct rank_out *o)
{
	return o->k->o->prev != NULL;
}

static int put_prev_rank(struct rank_out *o, const struct column *c, size_t i)
{
	return o->k->prev_rank[o->ei] ? put_field(o, c, i) : 0; /* 0: no earlier row */
}

static int put_rank_change(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	if (o->k->prev_rank[o->ei])
		return pb_put_int(&o->buf,
		                  (long long)o->k->prev_rank[o->ei] - (long long)o->s->rank);
	return 0;
}

static size_t has_sensitivity(const struct rank_out *o)
{
	return o->k->c.sens_n > 0;
}

static size_t has_period(const struct rank_out *o)
{
	return o->k->o->period != NULL;
}

static int put_period(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c, (void)i;
	return put_text(o, pb_str_z(o->k->o->period));
}

static size_t n_extras(const struct rank_out *o)
{
	return o->nextras;
}

static struct pb_str extra_name(const struct rank_out *o, size_t i)
{
	return pb_str_z(o->k->extra[o->extras[i]]);
}

static int put_extra(struct rank_out *o, const struct column *c, size_t i)
{
	(void)c;
	return put_text(o, o->xv[o->extras[i]]);
}

/* A column written from a per-entity uint32_t array of struct rank_run. */
#define FIELD(f) .field = offsetof(struct rank_run, f)

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
	{ .name = "prev_rank", .count = has_prev, .put = put_prev_rank, FIELD(prev_rank) },
	{ .name = "rank_change", .count = has_prev, .put = put_rank_change },
	{ .name = "streak", .count = has_period, .put = put_field, FIELD(streak) },
	{ .name = "rank_lo", .count = has_sensitivity, .put = put_field, FIELD(rank_lo) },
	{ .name = "rank_hi", .count = has_sensitivity, .put = put_field, FIELD(rank_hi) },
	{ .name = "period", .count = has_period, .put = put_period },
	{ .count = n_extras, .names = extra_name, .put = put_extra },
};

#define NCOLUMNS     (sizeof columns / sizeof *columns)
#define PASS_THROUGH (&columns[NCOLUMNS - 1])

static size_t col_count(const struct column *c, const struct rank_out *o)
{
	return c->count ? c->count(o) : 1;
}

static struct pb_str col_name(const struct column *c, const struct rank_out *o, size_t i)
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
static int out_plan(struct rank_out *o, struct pb_error *err)
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

struct rank_out *pb_rank_out_new(const struct rank_run *k, struct pb_error *err)
{
	struct rank_out *o = calloc(1, sizeof *o);

	if (!o) {
		pb_rank_oom(err);
		return NULL;
	}
	o->k = k;
	if (out_plan(o, err) < 0) {
		pb_rank_out_free(o);
		return NULL;
	}
	return o;
}

void pb_rank_out_free(struct rank_out *o)
{
	if (!o)
		return;
	free(o->inds); /* and extras, cum */
	free(o->xv);   /* and gv */
	free(o->cells);
	pb_buf_release(&o->buf);
	free(o);
}

/* The cells of every row: the column table walked once. 0, or -1 out of memory. */
static int out_cells(struct rank_out *o)
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

/* Writes what the buffer holds once it holds a block, or always with all. */
static void out_flush(struct rank_out *o, int all)
{
	if (o->buf.len >= (64u << 10) || (all && o->buf.len)) {
		fwrite(o->buf.p, 1, o->buf.len, o->f);
		pb_buf_reset(&o->buf);
	}
}

static int write_header(struct rank_out *o)
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
static int write_row(struct rank_out *o, const struct rank_slot *sl)
{
	const struct rank_run *k = o->k;
	const char *s;
	size_t i, j;

	o->s = sl;
	o->ei = sl->ent;
	pb_rank_ties_at(k, &o->ties, (size_t)(sl - k->slots));
	o->minrank = (uint32_t)(o->ties.start - o->ties.g0 + 1);
	o->maxrank = (uint32_t)(o->ties.end - o->ties.g0);
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
static void out_group(struct rank_out *o, size_t g)
{
	const struct rank_run *k = o->k;
	size_t b;

	o->m = k->gstart[g + 1] - k->gstart[g];
	pb_rank_ties_init(&o->ties, k->gstart[g], k->gstart[g + 1]);
	o->ntop = k->c.has_top ? pb_rank_share_count(&k->c.top, o->m) : 0;
	o->nbot = k->c.has_bottom ? pb_rank_share_count(&k->c.bottom, o->m) : 0;
	pb_rank_group_values(k, k->gidx[g], o->gv);
	for (b = 0; k->c.quota && b < k->c.nbands; b++)
		o->cum[b] = (b ? o->cum[b - 1] : 0) +
		    (k->c.bands[b].open ? o->m : pb_rank_share_count(&k->c.bands[b].sh, o->m));
}

int pb_rank_out_write(struct rank_out *o, FILE *f)
{
	const struct rank_run *k = o->k;
	size_t g, q;

	o->f = f;
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
