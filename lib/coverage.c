/* coverage: pb-coverage's run — options, setup, reading a register unit by unit. */
#include "pb/coverage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coverage_int.h"
#include "pb/buf.h"
#include "pb/map.h"
#include "pb/tsv.h"
#include "pb/value.h"
#include "pb/vocab.h"

/* ---------- options ---------- */

/* The options, a bit each, for the rules of which go together. */
enum opt {
	O_BY,
	O_TOTAL,
	O_ROLLUP,
	O_COMPARE,
	O_TARGETS,
	O_PARTIAL,
	O_SUM,
	O_DISTINCT,
	O_PERIOD,
	O_STATUS,
	O_LINKS,
	O_GAPS,
	O_LIST,
	O_CHANGES,
	O_AS_OF,
	O_SINCE,
	O_MIN_MEMBERS,
	O_TIME_RATE,
	O_COVERED,
	O_PARTNERS,
	O_PARTNER_TYPE,
	O_MIN_LINKS,
	O_MERGE,
	O_COUNT
};
#define B(o) (1u << (o))

static const char *const opt_names[O_COUNT] = {
	[O_BY] = "--by",
	[O_TOTAL] = "--total",
	[O_ROLLUP] = "--rollup",
	[O_COMPARE] = "--compare",
	[O_TARGETS] = "--targets",
	[O_PARTIAL] = "--partial",
	[O_SUM] = "--sum",
	[O_DISTINCT] = "--distinct",
	[O_PERIOD] = "--period",
	[O_STATUS] = "--status",
	[O_LINKS] = "--links",
	[O_GAPS] = "--gaps",
	[O_LIST] = "--list",
	[O_CHANGES] = "--changes",
	[O_AS_OF] = "--as-of",
	[O_SINCE] = "--since",
	[O_MIN_MEMBERS] = "--min-members",
	[O_TIME_RATE] = "--time-rate",
	[O_COVERED] = "--covered",
	[O_PARTNERS] = "--partners",
	[O_PARTNER_TYPE] = "--partner-type",
	[O_MIN_LINKS] = "--min-links",
	[O_MERGE] = "--merge",
};

static unsigned given(const struct pb_coverage_opts *o)
{
	const int set[O_COUNT] = {
		[O_BY] = o->by != NULL,
		[O_TOTAL] = o->total,
		[O_ROLLUP] = o->rollup,
		[O_COMPARE] = o->compare != NULL,
		[O_TARGETS] = o->targets != NULL,
		[O_PARTIAL] = o->partial,
		[O_SUM] = o->sum != NULL,
		[O_DISTINCT] = o->distinct != NULL,
		[O_PERIOD] = o->period != NULL,
		[O_STATUS] = o->status != NULL,
		[O_LINKS] = o->links != NULL,
		[O_GAPS] = o->gaps,
		[O_LIST] = o->list != NULL,
		[O_CHANGES] = o->changes != NULL,
		[O_AS_OF] = o->has_as_of,
		[O_SINCE] = o->has_since,
		[O_MIN_MEMBERS] = o->min_members != 3,
		[O_TIME_RATE] = o->time_rate != NULL,
		[O_COVERED] = o->covered != NULL,
		[O_PARTNERS] = o->partners != NULL,
		[O_PARTNER_TYPE] = o->partner_type != NULL,
		[O_MIN_LINKS] = o->min_links != 1,
		[O_MERGE] = o->merge,
	};
	unsigned bits = 0;
	int i;

	for (i = 0; i < O_COUNT; i++)
		bits |= set[i] ? B(i) : 0;
	return bits;
}

/* What makes a summary table; a unit list takes none of it. */
#define SUMMARY                                                                                    \
	(B(O_BY) | B(O_TOTAL) | B(O_ROLLUP) | B(O_COMPARE) | B(O_TARGETS) | B(O_PARTIAL) |         \
	 B(O_SUM) | B(O_DISTINCT) | B(O_PERIOD))

/*
 * Which options go together: when any of `when` is given, none of
 * `excludes` may be and one of `needs` must be. A rule with `list` names
 * the options it excludes after its message.
 */
static const struct rule {
	unsigned when, excludes, needs;
	int list;
	const char *msg;
} rules[] = {
	{ B(O_PARTIAL), B(O_MERGE), 0, 0, "--partial and --merge exclude each other" },
	{ B(O_MERGE), ~B(O_MERGE), 0, 0,
	  "--merge takes its options from the partial files: give only the files (and -o)" },
	{ B(O_STATUS), B(O_LINKS), 0, 0, "--status and --links exclude each other" },
	{ B(O_COVERED), 0, B(O_STATUS), 0, "--covered needs --status" },
	{ B(O_PARTNERS) | B(O_PARTNER_TYPE) | B(O_MIN_LINKS), 0, B(O_LINKS), 0,
	  "--partners, --partner-type and --min-links need --links" },
	{ B(O_PARTNER_TYPE), 0, B(O_PARTNERS), 0,
	  "--partner-type needs --partners (the register that gives each partner's type)" },
	{ B(O_TIME_RATE), 0, B(O_TARGETS), 0, "--time-rate needs --targets" },
	{ B(O_SINCE), 0, B(O_AS_OF), 0,
	  "--since needs --as-of: built_since counts what was established from DATE to that day" },
	{ B(O_SINCE), B(O_STATUS) | B(O_LINKS), 0, 1, "--since counts organizations" },
	{ B(O_GAPS), SUMMARY | B(O_STATUS) | B(O_LINKS) | B(O_LIST) | B(O_CHANGES) | B(O_SINCE), 0,
	  1, "--gaps lists units" },
	{ B(O_LIST), SUMMARY | B(O_CHANGES), 0, 1, "--list lists units" },
	{ B(O_CHANGES), SUMMARY | B(O_STATUS) | B(O_LINKS) | B(O_AS_OF) | B(O_SINCE), 0, 1,
	  "--changes lists units as each register writes them" },
};

/* Applies the rules to the options given. 0, or -1 with err. */
static int check_rules(unsigned bits, struct pb_error *err)
{
	struct pb_buf names = PB_BUF_INIT;
	size_t i, n;
	int o, rc = 0;

	for (i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		const struct rule *r = &rules[i];
		unsigned bad = bits & r->excludes;
		if (!(bits & r->when) || (!bad && (!r->needs || (bits & r->needs))))
			continue;
		if (!r->list || !bad)
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "%s", r->msg);
		/* "it does not go with --by, --total or --sum" */
		for (o = 0, n = 0; o < O_COUNT && rc == 0; o++)
			if (r->excludes & B(o))
				rc = pb_buf_addf(&names, "%s%s",
				                 !n++                           ? ""
				                     : (r->excludes >> (o + 1)) ? ", "
				                                                : " or ",
				                 opt_names[o]);
		if (rc == 0)
			pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "%s; it does not go with %s",
			             r->msg, names.p);
		else
			pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
		pb_buf_release(&names);
		return -1;
	}
	return 0;
}

#define USAGE(...) return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, __VA_ARGS__)

/* Whether a --by column would repeat a column of the table. */
static const char *by_clash(const struct pb_coverage_opts *o, const char *col,
                            const struct pb_list *sum, const struct pb_list *distinct)
{
	size_t n = strlen(col);

	if (cov_is_output_column(col) || (o->period && strcmp(col, "period") == 0))
		return col;
	if (n > 4 && strcmp(col + n - 4, "_sum") == 0 &&
	    pb_list_find(sum, (struct pb_str){ col, n - 4 }) >= 0)
		return col;
	if (n > 9 && strcmp(col + n - 9, "_distinct") == 0 &&
	    pb_list_find(distinct, (struct pb_str){ col, n - 9 }) >= 0)
		return col;
	return NULL;
}

/* The --by columns: at most COV_MAX_BY, none twice, none named like an output column. */
static int check_by(const struct pb_coverage_opts *o, const struct pb_list *sum,
                    const struct pb_list *distinct, struct pb_error *err)
{
	struct pb_list l = PB_LIST_INIT;
	const char *clash = NULL;
	size_t i, j;
	int twice = 0, many;

	if ((many = pb_list_split(&l, o->by, ',')) == -2)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	if (many < 0)
		USAGE("--by: empty column name in '%s'", o->by);
	many = l.n > COV_MAX_BY;
	for (i = 0; i < l.n && !many && !twice && !clash; i++) {
		for (j = 0; j < i; j++)
			twice |= strcmp(l.v[i], l.v[j]) == 0;
		if (!twice)
			clash = by_clash(o, l.v[i], sum, distinct);
	}
	if (clash)
		pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		             "--by: '%s' is also an output column; rename it first", clash);
	pb_list_release(&l);
	if (many)
		USAGE("--by: at most %d columns", COV_MAX_BY);
	if (twice)
		USAGE("--by: a column is named twice");
	return clash ? -1 : 0;
}

/* A comma list option: no empty item, and (names) none twice. l keeps it when not NULL. */
static int check_list(const char *opt, const char *what, const char *z, struct pb_list *keep,
                      struct pb_error *err)
{
	struct pb_list l = PB_LIST_INIT;
	size_t i;

	int rc = pb_list_split(&l, z, ',');

	if (rc == -2)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	if (rc < 0)
		USAGE("%s: empty %s in '%s'", opt, what, z);
	for (i = 0; keep && i < l.n; i++)
		if (pb_list_find(&l, pb_str_z(l.v[i])) != (long)i) {
			pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "%s: '%s' is named twice", opt,
			             l.v[i]);
			pb_list_release(&l);
			return -1;
		}
	if (keep)
		*keep = l;
	else
		pb_list_release(&l);
	return 0;
}

int pb_coverage_check_opts(const struct pb_coverage_opts *o, struct pb_error *err)
{
	struct pb_list sum = PB_LIST_INIT, distinct = PB_LIST_INIT;
	struct cov_frac r;
	int rc = -1;

	if (check_rules(given(o), err) < 0)
		return -1;
	if (o->time_rate && cov_time_rate(o->time_rate, &r) < 0)
		USAGE(
		    "--time-rate: '%s' is not a number from 0 to 1 (or a fraction such as 6.5/12)",
		    o->time_rate);
	if (o->min_members < 0)
		USAGE("--min-members must be 0 or more");
	if (o->min_links < 1)
		USAGE("--min-links must be 1 or more");
	if (o->period && !*o->period)
		USAGE("--period: the label is empty");
	if (check_list("--sum", "column name", o->sum, &sum, err) == 0 &&
	    check_list("--distinct", "column name", o->distinct, &distinct, err) == 0 &&
	    check_by(o, &sum, &distinct, err) == 0 &&
	    check_list("--covered", "value", o->covered, NULL, err) == 0 &&
	    check_list("--partner-type", "type", o->partner_type, NULL, err) == 0 &&
	    cov_list_check(o, err) == 0)
		rc = 0;
	pb_list_release(&sum);
	pb_list_release(&distinct);
	return rc;
}

#undef USAGE

/* ---------- setup ---------- */

/* Checks o and readies c to count with it. 0, or -1 with err. */
static int cov_setup(struct cov *c, const struct pb_coverage_opts *o, struct pb_error *err)
{
	size_t i;

	if (pb_coverage_check_opts(o, err) < 0)
		return -1;
	c->o = o;
	c->mode = o->status ? COV_STATUS : o->links ? COV_LINKS : COV_ORG;
	if (pb_list_split(&c->by, o->by, ',') < 0 ||
	    pb_list_split(&c->covered, o->covered ? o->covered : "1", ',') < 0 ||
	    pb_list_split(&c->ptypes, o->partner_type, ',') < 0 ||
	    pb_list_split(&c->sum, o->sum, ',') < 0 ||
	    pb_list_split(&c->distinct, o->distinct, ',') < 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	/* merged partials already filled the aggregate; its keys have as many values */
	c->agg.nby = c->by.n;
	for (i = 0; i < c->sum.n; i++)
		if (cov_agg_column(&c->agg.sums, pb_str_z(c->sum.v[i])) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	for (i = 0; i < c->distinct.n; i++)
		if (cov_agg_column(&c->agg.distinct, pb_str_z(c->distinct.v[i])) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	if (o->targets && cov_targets_measures(c, err) < 0)
		return -1;
	return cov_lists_open(c, err);
}

static void cov_release(struct cov *c)
{
	pb_list_release(&c->by);
	pb_list_release(&c->covered);
	pb_list_release(&c->ptypes);
	pb_list_release(&c->sum);
	pb_list_release(&c->distinct);
	cov_agg_release(&c->agg);
	pb_map_release(&c->linked);
	free(c->nlinks);
	cov_lists_free(c);
	pb_buf_release(&c->msg);
}

/* ---------- reading a register ---------- */

/* The file columns of the summed or --distinct columns; -1 with err when one is missing. */
static int value_cols(const struct pb_tsv_reader *r, const struct pb_map *names, int **idx,
                      const struct pb_list *opt, const char *optname, struct pb_error *err)
{
	size_t j, i;

	if (!(*idx = calloc(names->count + 1, sizeof **idx)))
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "out of memory");
	for (j = 0; j < names->count; j++) {
		struct pb_str name = pb_map_key(names, j);
		for (i = 0; i < r->ncols && !pb_str_eqz(name, r->cols[i]); i++)
			;
		if (i == r->ncols)
			return pb_error_set(
			    err, PB_EXIT_FATAL, r->name, 1, "no column '%.*s' (named by %s)",
			    (int)name.n, name.p,
			    pb_list_find(opt, name) >= 0 ? optname : "a measure of --targets");
		(*idx)[j] = (int)i;
	}
	return 0;
}

/* Finds the columns of one units file; -1 with err when a required one is missing. */
static int find_cols(struct cov *c, const struct pb_tsv_reader *r, struct cov_cols *k,
                     struct pb_error *err)
{
	const char *need_id = c->o->changes ? "--changes" : c->mode == COV_LINKS ? "--links" : NULL;
	size_t i;

	for (i = 0; i < c->by.n; i++)
		if ((k->by[i] = pb_tsv_col(r, c->by.v[i])) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "no column '%s' (named by --by)", c->by.v[i]);
	k->org_mode = pb_tsv_col(r, "org_mode");
	k->org_id = pb_tsv_col(r, "org_id");
	k->org_name = pb_tsv_col(r, "org_name");
	k->members = pb_tsv_col(r, "members");
	k->instructor = pb_tsv_col(r, "instructor");
	k->established = pb_tsv_col(r, "established");
	k->dissolved = pb_tsv_col(r, "dissolved");
	k->opened = pb_tsv_col(r, "opened");
	k->closed = pb_tsv_col(r, "closed");
	k->unit_id = pb_tsv_col(r, "unit_id");
	k->status = c->o->status ? pb_tsv_col(r, c->o->status) : -1;
	if (c->mode == COV_ORG && k->org_mode < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "no column 'org_mode'");
	if (c->mode == COV_STATUS && k->status < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "no column '%s' (named by --status)", c->o->status);
	if (need_id && k->unit_id < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "no column 'unit_id' (needed by %s)", need_id);
	if (value_cols(r, &c->agg.sums, &k->sums, &c->sum, "--sum", err) < 0 ||
	    value_cols(r, &c->agg.distinct, &k->distinct, &c->distinct, "--distinct", err) < 0)
		return -1;
	return c->lists ? cov_list_header(c, r, err) : 0;
}

static int read_units(struct cov *c, const char *path, struct pb_error *err)
{
	struct pb_tsv_reader r;
	struct cov_cols k;
	int rc;

	memset(&k, 0, sizeof k);
	if ((rc = pb_tsv_open(&r, path, err)) == 0)
		rc = find_cols(c, &r, &k, err);
	if (rc == 0 && (rc = cov_split_read(c, &r, &k, err)) > 0)
		rc = 0; /* read to its end on two cores */
	else
		while (rc == 0 && (rc = pb_tsv_next_row(&r, &c->errors, err)) > 0)
			if ((rc = cov_add_row(c, &r, &k)) < 0)
				pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
	pb_tsv_close(&r);
	free(k.sums);
	free(k.distinct);
	return rc < 0 ? -1 : 0;
}
/* ---------- --links ---------- */

/* --partners: the ids of the units whose type may count as a partner. */
static int load_partners(struct cov *c, struct pb_map *qual, struct pb_error *err)
{
	struct pb_tsv_reader r;
	int rc, id, type;

	if (pb_tsv_open(&r, c->o->partners, err) < 0) {
		pb_tsv_close(&r);
		return -1;
	}
	id = pb_tsv_col(&r, "unit_id");
	type = pb_tsv_col(&r, "unit_type");
	if (id < 0 || (c->ptypes.n && type < 0))
		rc = pb_error_set(err, PB_EXIT_FATAL, r.name, 1,
		                  "no column '%s' (needed by --partners)",
		                  id < 0 ? "unit_id" : "unit_type");
	else
		while ((rc = pb_tsv_next_row(&r, &c->errors, err)) > 0) {
			struct pb_str u = r.fields[id];
			if ((c->ptypes.n && pb_list_find(&c->ptypes, r.fields[type]) < 0) || !u.n)
				continue;
			if (pb_map_put(qual, u.p, u.n, NULL) < 0) {
				rc = pb_error_set(err, PB_EXIT_FATAL, r.name, r.line,
				                  "out of memory");
				break;
			}
		}
	pb_tsv_close(&r);
	return rc < 0 ? -1 : 0;
}

/* Counts other as self's partner once. 0, or -1 out of memory. */
static int add_link(struct cov *c, struct pb_map *seen, struct pb_str self, struct pb_str other)
{
	int is_new;
	long u;

	pb_buf_reset(&c->agg.key);
	if (cov_key_add(&c->agg.key, self) < 0 || cov_key_add(&c->agg.key, other) < 0 ||
	    pb_map_put(seen, c->agg.key.p, c->agg.key.len, &is_new) < 0)
		return -1;
	if (!is_new)
		return 0;
	if ((u = pb_map_put(&c->linked, self.p, self.n, NULL)) < 0 ||
	    pb_grow_zeroed(&c->nlinks, &c->nlinks_cap, (size_t)u, sizeof *c->nlinks) < 0)
		return -1;
	c->nlinks[u]++;
	return 0;
}

/* Reads --links: per unit, how many distinct qualifying partners it has. */
static int load_links(struct cov *c, struct pb_error *err)
{
	struct pb_map qual = PB_MAP_INIT, seen = PB_MAP_INIT;
	struct pb_tsv_reader r;
	int rc, from, to, e;

	memset(&r, 0, sizeof r);
	if (c->o->partners && load_partners(c, &qual, err) < 0) {
		pb_map_release(&qual);
		return -1;
	}
	if ((rc = pb_tsv_open(&r, c->o->links, err)) == 0) {
		from = pb_tsv_col(&r, "from_id");
		to = pb_tsv_col(&r, "to_id");
		if (from < 0 || to < 0)
			rc = pb_error_set(err, PB_EXIT_FATAL, r.name, 1,
			                  "no column '%s' (needed by --links)",
			                  from < 0 ? "from_id" : "to_id");
	}
	while (rc == 0 && (rc = pb_tsv_next_row(&r, &c->errors, err)) > 0) {
		struct pb_str ends[2] = { r.fields[from], r.fields[to] };
		rc = 0;
		if (!ends[0].n || !ends[1].n) {
			cov_row_error(c, r.name, r.line, "%s is empty",
			              ends[0].n ? "to_id" : "from_id");
			continue;
		}
		if (pb_str_eq(ends[0], ends[1]))
			continue;
		/* either direction: each end may count the other as its partner */
		for (e = 0; e < 2 && rc == 0; e++) {
			if (c->o->partners && pb_map_find(&qual, ends[1 - e].p, ends[1 - e].n) < 0)
				continue;
			if ((rc = add_link(c, &seen, ends[e], ends[1 - e])) < 0)
				pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
		}
	}
	pb_tsv_close(&r);
	pb_map_release(&qual);
	pb_map_release(&seen);
	return rc < 0 ? -1 : 0;
}

/* ---------- the run ---------- */

/* One pass over the register: every input, in order. */
static int count_inputs(struct cov *c, struct pb_error *err)
{
	const struct pb_coverage_opts *o = c->o;
	size_t f;

	if (o->links && load_links(c, err) < 0)
		return -1;
	for (f = 0; f < (o->ninputs ? o->ninputs : 1); f++)
		if (read_units(c, o->ninputs ? o->inputs[f] : "-", err) < 0)
			return -1;
	return c->lists ? cov_lists_close(c, err) : 0;
}

int pb_coverage_run(const struct pb_coverage_opts *o, struct pb_error *err)
{
	struct cov c;
	struct cov_merged merged;
	struct pb_out out = PB_OUT_INIT;
	const struct pb_coverage_opts *run = o;
	int rc = 0;

	memset(&c, 0, sizeof c);
	memset(&merged, 0, sizeof merged);
	/* the options of a merge are checked here, those of its partials by setup */
	if (o->merge && pb_coverage_check_opts(o, err) < 0)
		return -1;
	if (pb_out_open(&out, o->output, err) < 0)
		return -1;
	c.out = out.f;
	/* a merge's options are the ones its partials were made with */
	if (o->merge && (rc = cov_merge_read(&c, o, &merged, err)) == 0)
		run = &merged.opts;
	if (rc == 0)
		rc = cov_setup(&c, run, err);
	if (rc == 0 && !o->merge)
		rc = count_inputs(&c, err);
	if (rc == 0 && !c.lists)
		rc = run->partial ? cov_partial_write(&c, err) : cov_table_write(&c, err);
	pb_progress_done();
	if (rc == 0)
		rc = pb_out_commit(&out, err);
	else
		pb_out_abort(&out);
	cov_release(&c);
	cov_merged_release(&merged);
	if (rc < 0)
		return -1;
	return c.errors ? PB_EXIT_DATA : 0;
}
