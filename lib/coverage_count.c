/*
 * coverage_count: one unit row into its group's counts — dates against
 * --as-of, members, the covering organization, the --status/--sum/--distinct
 * values. Below both the run (coverage.c) and the two-core reader
 * (coverage_split.c), which feed it rows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coverage_int.h"
#include "pb/buf.h"
#include "pb/map.h"
#include "pb/text.h"
#include "pb/tsv.h"
#include "pb/value.h"
#include "pb/vocab.h"

/* More formal members than any one unit has; keeps every sum far from overflow. */
#define MEMBERS_MAX 1000000000LL

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
static int unit_open(struct cov *c, const struct pb_tsv_reader *r, const struct cov_cols *k)
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

/* members: -1 unknown, else a whole number; -1 returned after reporting a bad one. */
static int unit_members(struct cov *c, const struct pb_tsv_reader *r, struct pb_str m,
                        long long *members)
{
	long long v = 0;
	size_t i;

	*members = -1;
	/* the usual few digits without strtoll; anything else as pb_parse_int reads it */
	for (i = 0; i < m.n && i < 9 && m.p[i] >= '0' && m.p[i] <= '9'; i++)
		v = v * 10 + (m.p[i] - '0');
	if (m.n && i == m.n) {
		*members = v;
		return 0;
	}
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
 * org_mode counting: the unit's effective org_mode on --as-of (an
 * organization not yet established or already dissolved is not there),
 * should_build and built_since. 0, or -1 after reporting a bad field.
 */
static int unit_org(struct cov *c, const struct pb_tsv_reader *r, const struct cov_cols *k,
                    struct cov_unit *u)
{
	const struct pb_coverage_opts *o = c->o;
	int32_t est, dis;
	int has_est, has_dis;

	if ((u->mode = cov_written_mode(c, r, field(r, k->org_mode))) < 0 ||
	    unit_members(c, r, field(r, k->members), &u->members) < 0)
		return -1;
	if (o->has_as_of && (u->mode == COV_OM_SINGLE || u->mode == COV_OM_JOINT)) {
		if (parse_opt_date(c, r, k->established, &est, &has_est) < 0 ||
		    parse_opt_date(c, r, k->dissolved, &dis, &has_dis) < 0)
			return -1;
		/* built since DATE, even if dissolved since */
		u->built_since = o->has_since && has_est && est >= o->since && est <= o->as_of;
		if ((has_est && est > o->as_of) || (has_dis && o->as_of >= dis))
			u->mode = field(r, k->instructor).n ? COV_OM_WORK : COV_OM_NONE;
	}
	u->should_build =
	    u->mode != COV_OM_SINGLE && u->members >= 0 && u->members >= o->min_members;
	return 0;
}

/* Reads one unit: 1 when it counts (open on --as-of, every field good), else 0. */
static int read_unit(struct cov *c, const struct pb_tsv_reader *r, const struct cov_cols *k,
                     struct cov_unit *u)
{
	memset(u, 0, sizeof *u);
	u->members = -1;
	if (unit_open(c, r, k) <= 0)
		return 0;
	switch (c->mode) {
	case COV_ORG: return unit_org(c, r, k, u) == 0;
	case COV_STATUS: {
		struct pb_str v = field(r, k->status);
		/* each value names an output column: it must be text */
		if (pb_utf8_invalid_at(v.p, v.n) != (size_t)-1) {
			cov_row_error(c, r->name, r->line, "%s: invalid UTF-8", c->o->status);
			return 0;
		}
		u->covered = pb_list_find(&c->covered, v) >= 0;
		break;
	}
	case COV_LINKS: {
		struct pb_str id = field(r, k->unit_id);
		long i = id.n ? pb_map_find(&c->linked, id.p, id.n) : -1;
		u->covered = i >= 0 && c->nlinks[i] >= c->o->min_links;
		break;
	}
	}
	return 1;
}

/* ---------- counting ---------- */

/* The group of the row, or -2 after reporting a 合计 value, -1 out of memory. */
static long row_group(struct cov *c, const struct pb_tsv_reader *r, const struct cov_cols *k)
{
	struct pb_str v[COV_MAX_BY];
	size_t i;
	long g;

	for (i = 0; i < c->by.n; i++)
		v[i] = field(r, k->by[i]);
	if ((g = cov_agg_find(&c->agg, v)) != -2)
		return g;
	/* a new group: 合计 marks total rows here and in --compare and --targets files */
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

/* Counts an org_mode unit into group g. 0, or -1 out of memory. */
static int count_org(struct cov *c, const struct pb_tsv_reader *r, const struct cov_cols *k, long g,
                     const struct cov_unit *u)
{
	static const enum cov_count counts[] = { [COV_OM_SINGLE] = COV_SINGLE,
		                                 [COV_OM_JOINT] = COV_JOINT,
		                                 [COV_OM_WORK] = COV_WORK,
		                                 [COV_OM_NONE] = COV_NONE };
	struct cov_stats *s = &c->agg.st[g];
	struct pb_str org;

	if (u->members > 0)
		s->n[COV_MEMBERS] += u->members;
	s->n[COV_SHOULD_BUILD] += u->should_build;
	s->n[COV_BUILT_SINCE] += u->built_since;
	s->n[counts[u->mode]]++;
	if (u->mode != COV_OM_JOINT)
		return 0;
	/* a single organization covers one unit; a joint one is counted once per group */
	org = field(r, k->org_id);
	if (!org.n)
		org = field(r, k->org_name);
	return org.n ? cov_agg_add_member(&c->agg, g, COV_SET_ORGS, org) : 0;
}

/*
 * --sum and --distinct: the unit's values into group g. A value that is not
 * a number is reported and left out (the unit still counts); an empty one
 * is missing. 0, or -1 out of memory.
 */
static int count_values(struct cov *c, const struct pb_tsv_reader *r, const struct cov_cols *k,
                        long g)
{
	size_t j;
	int rc;

	for (j = 0; j < c->agg.sums.count; j++) {
		struct pb_str v = field(r, k->sums[j]);
		struct cov_dec d;
		if (!v.n)
			continue;
		if (cov_dec_parse(v, &d) < 0) {
			cov_row_error(c, r->name, r->line, "%s: '%.*s' is not a number; left out",
			              r->cols[k->sums[j]], (int)v.n, v.p);
			continue;
		}
		if ((rc = cov_agg_add_sum(&c->agg, g, j, d)) == -2)
			cov_row_error(c, r->name, r->line,
			              "%s: '%.*s' makes the sum too large; left out",
			              r->cols[k->sums[j]], (int)v.n, v.p);
		else if (rc < 0)
			return -1;
	}
	for (j = 0; j < c->agg.distinct.count; j++) {
		struct pb_str v = field(r, k->distinct[j]);
		if (v.n && cov_agg_add_member(&c->agg, g, (uint32_t)(1 + j), v) < 0)
			return -1;
	}
	return 0;
}

/* Counts one unit into its group. 0 (counted or reported), -1 out of memory. */
static int count_unit(struct cov *c, const struct pb_tsv_reader *r, const struct cov_cols *k,
                      const struct cov_unit *u)
{
	long g = row_group(c, r, k);
	int rc = 0;

	if (g < 0)
		return g == -2 ? 0 : -1;
	c->agg.st[g].n[COV_UNITS]++;
	switch (c->mode) {
	case COV_ORG: rc = count_org(c, r, k, g, u); break;
	case COV_STATUS: rc = cov_agg_add_value(&c->agg, g, field(r, k->status), 1); break;
	case COV_LINKS: c->agg.st[g].n[COV_COVERED] += u->covered; break;
	}
	return rc < 0 ? -1 : count_values(c, r, k, g);
}

int cov_add_row(struct cov *c, const struct pb_tsv_reader *r, const struct cov_cols *k)
{
	struct cov_unit u;

	if (c->o->changes)
		return cov_changes_row(c, r, k->org_mode, k->unit_id);
	if (!read_unit(c, r, k, &u))
		return 0;
	if (c->lists)
		return cov_list_row(c, r, &u);
	return count_unit(c, r, k, &u);
}
