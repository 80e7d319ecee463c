/* coverage: pb-coverage's run — options, setup, counting a register, --gaps. */
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

/* More formal members than any one unit has; keeps every sum far from overflow. */
#define MEMBERS_MAX 1000000000LL

enum org_mode { OM_SINGLE, OM_JOINT, OM_WORK, OM_NONE };

/* Column indexes of one input file; -1 = absent (reads as empty). */
struct cols {
	int by[COV_MAX_BY];
	int org_mode, org_id, org_name, members, instructor;
	int established, dissolved, opened, closed, status, unit_id;
};

/* ---------- options ---------- */

#define USAGE(...) return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, __VA_ARGS__)

/* The options that exclude or need each other. */
static int check_combinations(const struct pb_coverage_opts *o, struct pb_error *err)
{
	struct cov_frac r;

	if (o->partial && o->merge)
		USAGE("--partial and --merge exclude each other");
	if (o->merge &&
	    (o->by || o->total || o->rollup || o->compare || o->targets || o->time_rate ||
	     o->gaps || o->status || o->covered || o->links || o->partners || o->partner_type ||
	     o->has_as_of || o->min_members != 3 || o->min_links != 1))
		USAGE("--merge takes its options from the partial files: give only the files (and "
		      "-o)");
	if (o->status && o->links)
		USAGE("--status and --links exclude each other");
	if (o->covered && !o->status)
		USAGE("--covered needs --status");
	if ((o->partners || o->partner_type || o->min_links != 1) && !o->links)
		USAGE("--partners, --partner-type and --min-links need --links");
	if (o->partner_type && !o->partners)
		USAGE("--partner-type needs --partners (the register that gives each partner's "
		      "type)");
	if (o->time_rate && !o->targets)
		USAGE("--time-rate needs --targets");
	if (o->time_rate && cov_time_rate(o->time_rate, &r) < 0)
		USAGE(
		    "--time-rate: '%s' is not a number from 0 to 1 (or a fraction such as 6.5/12)",
		    o->time_rate);
	if (o->min_members < 0)
		USAGE("--min-members must be 0 or more");
	if (o->min_links < 1)
		USAGE("--min-links must be 1 or more");
	if (o->gaps &&
	    (o->by || o->partial || o->status || o->links || o->compare || o->targets || o->total ||
	     o->rollup))
		USAGE("--gaps lists units; it does not go with --by, --partial, --status, --links, "
		      "--compare, --targets, --total or --rollup");
	return 0;
}

/* The --by columns: at most COV_MAX_BY, none twice, none named like an output column. */
static int check_by(const struct pb_coverage_opts *o, struct pb_error *err)
{
	struct pb_list l = PB_LIST_INIT;
	const char *clash = NULL;
	size_t i, j;
	int twice = 0, many;

	if (pb_list_split(&l, o->by, ',') < 0)
		USAGE("--by: empty column name in '%s'", o->by);
	many = l.n > COV_MAX_BY;
	for (i = 0; i < l.n && !many && !twice && !clash; i++) {
		for (j = 0; j < i; j++)
			twice |= strcmp(l.v[i], l.v[j]) == 0;
		if (!twice && cov_is_output_column(l.v[i]))
			clash = l.v[i];
	}
	if (many || twice) {
		pb_list_release(&l);
		if (many)
			USAGE("--by: at most %d columns", COV_MAX_BY);
		USAGE("--by: a column is named twice");
	}
	if (clash) {
		pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		             "--by: '%s' is also an output column; rename it first", clash);
		pb_list_release(&l);
		return -1;
	}
	pb_list_release(&l);
	return 0;
}

/* A comma list option: no empty item. */
static int check_list(const char *opt, const char *what, const char *z, struct pb_error *err)
{
	struct pb_list l = PB_LIST_INIT;

	if (pb_list_split(&l, z, ',') < 0)
		USAGE("%s: empty %s in '%s'", opt, what, z);
	pb_list_release(&l);
	return 0;
}

int pb_coverage_check_opts(const struct pb_coverage_opts *o, struct pb_error *err)
{
	if (check_combinations(o, err) < 0 || check_by(o, err) < 0 ||
	    check_list("--covered", "value", o->covered, err) < 0 ||
	    check_list("--partner-type", "type", o->partner_type, err) < 0)
		return -1;
	return 0;
}

#undef USAGE

/* Checks o and readies c to count with it. 0, or -1 with err. */
static int cov_setup(struct cov *c, const struct pb_coverage_opts *o, struct pb_error *err)
{
	if (pb_coverage_check_opts(o, err) < 0)
		return -1;
	c->o = o;
	c->mode = o->status ? COV_STATUS : o->links ? COV_LINKS : COV_ORG;
	if (pb_list_split(&c->by, o->by, ',') < 0 ||
	    pb_list_split(&c->covered, o->covered ? o->covered : "1", ',') < 0 ||
	    pb_list_split(&c->ptypes, o->partner_type, ',') < 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	/* merged partials already filled the aggregate; its keys have as many values */
	c->agg.nby = c->by.n;
	return 0;
}

static void cov_release(struct cov *c)
{
	pb_list_release(&c->by);
	pb_list_release(&c->covered);
	pb_list_release(&c->ptypes);
	cov_agg_release(&c->agg);
	pb_map_release(&c->linked);
	free(c->nlinks);
	pb_buf_release(&c->gap_header);
	pb_buf_release(&c->msg);
}

/* ---------- one units row ---------- */

static struct pb_str field(const struct pb_tsv_reader *r, int idx)
{
	if (idx < 0)
		return (struct pb_str){ "", 0 };
	return r->fields[idx];
}

static int parse_opt_date(struct cov *c, const struct pb_tsv_reader *r, int idx, int32_t *d,
                          int *has)
{
	struct pb_str s = field(r, idx);

	*has = 0;
	if (s.n == 0)
		return 0;
	if (pb_parse_date(s, d) < 0) {
		cov_row_error(c, r->name, r->line, "%s: '%.*s' is not a date (YYYY-MM-DD)",
		              r->cols[idx], (int)s.n, s.p);
		return -1;
	}
	*has = 1;
	return 0;
}

/* 1 when the unit is open on --as-of (or there is none), 0 when not, -1 bad date. */
static int unit_open(struct cov *c, const struct pb_tsv_reader *r, const struct cols *k)
{
	int32_t d;
	int has, open = 1;

	if (!c->o->has_as_of)
		return 1;
	if (parse_opt_date(c, r, k->opened, &d, &has) < 0)
		return -1;
	if (has && d > c->o->as_of)
		open = 0;
	if (parse_opt_date(c, r, k->closed, &d, &has) < 0)
		return -1;
	if (has && c->o->as_of > d)
		open = 0;
	return open;
}

/* The org_mode as written: canonical, or a Chinese label or alias. -1 after reporting. */
static int written_mode(struct cov *c, const struct pb_tsv_reader *r, struct pb_str s)
{
	static const char *const canonical[] = {
		[OM_SINGLE] = "single", [OM_JOINT] = "joint", [OM_WORK] = "work", [OM_NONE] = "none"
	};
	const struct pb_vocab_entry *e;
	int mode;

	for (mode = OM_SINGLE; mode <= OM_NONE; mode++)
		if (pb_str_eqz(s, canonical[mode]))
			return mode;
	if (!(e = pb_vocab_lookup(PB_VOCAB_ORG_MODE, s))) {
		cov_row_error(c, r->name, r->line, "org_mode: '%.*s' is not one of %s", (int)s.n,
		              s.p, pb_vocab_list(PB_VOCAB_ORG_MODE));
		return -1;
	}
	for (mode = OM_SINGLE; mode < OM_NONE; mode++)
		if (strcmp(e->value, canonical[mode]) == 0)
			break;
	return mode;
}

/* members: -1 unknown, else a whole number; -1 returned after reporting a bad one. */
static int unit_members(struct cov *c, const struct pb_tsv_reader *r, struct pb_str m,
                        long long *members)
{
	*members = -1;
	if (m.n && (pb_parse_int(m, members) < 0 || *members < 0)) {
		cov_row_error(c, r->name, r->line, "members: '%.*s' is not a whole number >= 0",
		              (int)m.n, m.p);
		return -1;
	}
	if (*members > MEMBERS_MAX) {
		cov_row_error(c, r->name, r->line, "members: '%.*s' is more than %lld", (int)m.n,
		              m.p, MEMBERS_MAX);
		return -1;
	}
	return 0;
}

/*
 * The unit's effective org_mode on --as-of and its members (-1 unknown), or
 * -1 after reporting a bad field.
 */
static int unit_mode(struct cov *c, const struct pb_tsv_reader *r, const struct cols *k,
                     long long *members)
{
	int mode = written_mode(c, r, field(r, k->org_mode));

	if (mode < 0 || unit_members(c, r, field(r, k->members), members) < 0)
		return -1;
	if (c->o->has_as_of && (mode == OM_SINGLE || mode == OM_JOINT)) {
		int32_t est, dis;
		int has_est, has_dis;
		if (parse_opt_date(c, r, k->established, &est, &has_est) < 0 ||
		    parse_opt_date(c, r, k->dissolved, &dis, &has_dis) < 0)
			return -1;
		if ((has_est && est > c->o->as_of) || (has_dis && c->o->as_of >= dis))
			mode = field(r, k->instructor).n ? OM_WORK : OM_NONE;
	}
	return mode;
}

static int should_build(const struct cov *c, int mode, long long members)
{
	return mode != OM_SINGLE && members >= 0 && members >= c->o->min_members;
}

/* --gaps: the row as read, after a leading gap column, when it needs action. */
static void gap_row(struct cov *c, const struct pb_tsv_reader *r, int mode, long long members)
{
	static const char *const gap_names[] = { NULL, NULL, "work", "none" };
	const char *gap = gap_names[mode];
	size_t i;

	if (!gap && should_build(c, mode, members))
		gap = "should_build";
	if (!gap)
		return;
	fputs(gap, c->out);
	for (i = 0; i < r->nfields; i++) {
		putc('\t', c->out);
		pb_tsv_put_str(c->out, r->fields[i]);
	}
	putc('\n', c->out);
}

/* The group of the row, or -2 after reporting a 合计 value, -1 out of memory. */
static long row_group(struct cov *c, const struct pb_tsv_reader *r, const struct cols *k)
{
	size_t i;

	/* 合计 marks total rows here and in --compare and --targets files */
	for (i = 0; i < c->by.n; i++)
		if (pb_str_eqz(field(r, k->by[i]), PB_TOTAL_LABEL)) {
			cov_row_error(c, r->name, r->line,
			              "%s: '" PB_TOTAL_LABEL
			              "' is reserved for total rows (a summary row?)",
			              c->by.v[i]);
			return -2;
		}
	pb_buf_reset(&c->agg.key);
	for (i = 0; i < c->by.n; i++)
		if (cov_key_add(&c->agg.key, field(r, k->by[i])) < 0)
			return -1;
	return cov_agg_group(&c->agg);
}

/* Counts one unit of mode into group g. 0, or -1 out of memory. */
static int count_org(struct cov *c, const struct pb_tsv_reader *r, const struct cols *k, long g,
                     int mode, long long members)
{
	static const enum cov_count counts[] = { [OM_SINGLE] = COV_SINGLE,
		                                 [OM_JOINT] = COV_JOINT,
		                                 [OM_WORK] = COV_WORK,
		                                 [OM_NONE] = COV_NONE };
	struct cov_stats *s = &c->agg.st[g];
	struct pb_str org;

	if (members > 0)
		s->n[COV_MEMBERS] += members;
	s->n[COV_SHOULD_BUILD] += should_build(c, mode, members);
	s->n[counts[mode]]++;
	if (mode != OM_JOINT)
		return 0;
	/* a single organization covers one unit; a joint one is counted once per group */
	org = field(r, k->org_id);
	if (!org.n)
		org = field(r, k->org_name);
	return org.n ? cov_agg_add_member(&c->agg, g, COV_SET_ORGS, org) : 0;
}

/* Counts one row: 0 (counted, skipped or reported), -1 out of memory. */
static int add_row(struct cov *c, const struct pb_tsv_reader *r, const struct cols *k)
{
	long long members = -1;
	int mode = 0;
	long g;

	if (unit_open(c, r, k) <= 0)
		return 0;
	if (c->mode == COV_ORG && (mode = unit_mode(c, r, k, &members)) < 0)
		return 0;
	if (c->o->gaps) {
		gap_row(c, r, mode, members);
		return 0;
	}
	if ((g = row_group(c, r, k)) < 0)
		return g == -2 ? 0 : -1;
	c->agg.st[g].n[COV_UNITS]++;
	switch (c->mode) {
	case COV_ORG: return count_org(c, r, k, g, mode, members);
	case COV_STATUS: return cov_agg_add_value(&c->agg, g, field(r, k->status), 1);
	case COV_LINKS: {
		struct pb_str id = field(r, k->unit_id);
		long u = id.n ? pb_map_find(&c->linked, id.p, id.n) : -1;
		c->agg.st[g].n[COV_COVERED] += u >= 0 && c->nlinks[u] >= c->o->min_links;
		break;
	}
	}
	return 0;
}

/* Finds the columns of one units file; -1 with err when a required one is missing. */
static int find_cols(struct cov *c, const struct pb_tsv_reader *r, struct cols *k,
                     struct pb_error *err)
{
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
	if (c->mode == COV_LINKS && k->unit_id < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "no column 'unit_id' (needed by --links)");
	return 0;
}

/* --gaps: the first input's header, after gap; every later input must have the same. */
static int gaps_header(struct cov *c, const struct pb_tsv_reader *r, struct pb_error *err)
{
	struct pb_buf *h = &c->gap_header;
	size_t i, len = h->len;

	/* every input's header, encoded as a key; the first one's is kept */
	for (i = 0; i < r->ncols; i++)
		if (cov_key_add(h, pb_str_z(r->cols[i])) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 0, "out of memory");
	if (len) {
		int same = h->len == 2 * len && memcmp(h->p, h->p + len, len) == 0;
		h->len = len;
		if (!same)
			return pb_error_set(
			    err, PB_EXIT_FATAL, r->name, 1,
			    "--gaps: every input needs the same columns as the first");
		return 0;
	}
	if (pb_tsv_col(r, "gap") >= 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "--gaps: the input already has a column 'gap' (a gap list?)");
	fputs("gap", c->out);
	for (i = 0; i < r->ncols; i++) {
		putc('\t', c->out);
		pb_tsv_puts(c->out, r->cols[i]);
	}
	putc('\n', c->out);
	return 0;
}

static int read_units(struct cov *c, const char *path, struct pb_error *err)
{
	struct pb_tsv_reader r;
	struct cols k;
	int rc;

	memset(&k, 0, sizeof k);
	if (pb_tsv_open(&r, path, err) < 0) {
		pb_tsv_close(&r);
		return -1;
	}
	rc = find_cols(c, &r, &k, err);
	if (rc == 0 && c->o->gaps)
		rc = gaps_header(c, &r, err);
	while (rc == 0 && (rc = pb_tsv_next_row(&r, &c->errors, err)) > 0)
		if ((rc = add_row(c, &r, &k)) < 0)
			pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
	pb_tsv_close(&r);
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
	return 0;
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
	if (rc == 0 && !run->gaps)
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
