/* coverage: pb-coverage's counting, totals, comparisons, targets, gaps and partials. */
#include "pb/coverage.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb/buf.h"
#include "pb/map.h"
#include "pb/tsv.h"
#include "pb/value.h"
#include "pb/vocab.h"

#define PARTIAL_MAGIC   "#pb_coverage_partial" /* sorts before every data row */
#define PARTIAL_VERSION "1"
#define MAX_BY          16
/* More formal members than any one unit has; keeps every sum far from overflow. */
#define MEMBERS_MAX 1000000000LL

enum mode { MODE_ORG, MODE_STATUS, MODE_LINKS };
enum org_mode { OM_SINGLE, OM_JOINT, OM_WORK, OM_NONE };

/* The counts of one group or output row. */
struct stats {
	long long units, single, joint, work, none, members, should_build, covered;
	long long orgs;  /* output rows only: single + distinct joint organizations */
	long long *vals; /* status mode: a count per distinct value index */
	size_t nvals;
};

/* Names split from "a,b,c"; owns one copy of the text. */
struct list {
	char *mem;
	char **v;
	size_t n;
};

/* Column indexes of one input file; -1 = absent (reads as empty). */
struct cols {
	int by[MAX_BY];
	int org_mode, org_id, org_name, members, instructor;
	int established, dissolved, opened, closed, status, unit_id;
};

struct cov {
	const struct pb_coverage_opts *o;
	enum mode mode;
	struct list by, covered, ptypes;
	struct pb_map groups; /* encoded group values -> base group index */
	struct stats *st;
	size_t st_cap;
	struct pb_map pairs;  /* 4-byte group index + joint org id: the per-group sets */
	struct pb_map values; /* status mode: distinct values of the status column */
	struct pb_map linked; /* links mode: unit_id -> index into nlinks */
	long long *nlinks;
	size_t nlinks_cap;
	long errors;
	/* --merge: each count summed over every group, so no row's sum can overflow */
	long long merged[9];
	struct pb_buf key, msg, num;
	FILE *out;
	/* gaps: the header every input must share */
	char **gap_cols;
	size_t gap_ncols;
};

/* ---------- small helpers ---------- */

static void list_release(struct list *l)
{
	free(l->mem);
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Splits s at commas; empty items are an error (-1). NULL s gives an empty list. */
static int list_parse(struct list *l, const char *s)
{
	char *p;
	size_t cap = 1;

	memset(l, 0, sizeof *l);
	if (!s)
		return 0;
	for (p = (char *)s; *p; p++)
		cap += *p == ',';
	l->mem = strdup(s);
	l->v = calloc(cap, sizeof *l->v);
	if (!l->mem || !l->v)
		return -1;
	for (p = l->mem;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!*p)
			return -1;
		l->v[l->n++] = p;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

static int list_has(const struct list *l, struct pb_str s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (pb_str_eqz(s, l->v[i]))
			return 1;
	return 0;
}

static struct pb_str field(const struct pb_tsv_reader *r, int idx)
{
	if (idx < 0)
		return (struct pb_str){ "", 0 };
	return r->fields[idx];
}

/* Reports a row-level data error and counts it. */
static void row_error(struct cov *c, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void row_error(struct cov *c, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	pb_buf_reset(&c->msg);
	va_start(ap, fmt);
	pb_buf_vaddf(&c->msg, fmt, ap);
	va_end(ap);
	pb_warn_at(file, line, "%s", c->msg.p ? c->msg.p : "bad row");
	c->errors++;
}

/* Appends one value to an encoded key: 4-byte length, then the bytes. */
static int key_add(struct pb_buf *k, struct pb_str v)
{
	uint32_t n = (uint32_t)v.n;

	if (pb_buf_add(k, &n, sizeof n) < 0)
		return -1;
	return pb_buf_add(k, v.p, v.n);
}

/* Decodes n values from an encoded key; the views point into key. */
static void key_values(struct pb_str key, struct pb_str *out, size_t n)
{
	const char *p = key.p;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t len;
		memcpy(&len, p, sizeof len);
		p += sizeof len;
		out[i] = (struct pb_str){ p, len };
		p += len;
	}
}

static void put_count(struct cov *c, long long v)
{
	fprintf(c->out, "\t%lld", v);
}

static void put_rate(struct cov *c, double v)
{
	pb_buf_reset(&c->num);
	pb_put_rate(&c->num, v);
	putc('\t', c->out);
	fwrite(c->num.p ? c->num.p : "", 1, c->num.len, c->out);
}

static void put_pp(struct cov *c, double v)
{
	pb_buf_reset(&c->num);
	pb_put_pp(&c->num, v);
	putc('\t', c->out);
	fwrite(c->num.p ? c->num.p : "", 1, c->num.len, c->out);
}

static void put_empty(struct cov *c, int n)
{
	while (n-- > 0)
		putc('\t', c->out);
}

static int stats_grow_vals(struct stats *s, size_t n)
{
	long long *v;

	if (n <= s->nvals)
		return 0;
	v = realloc(s->vals, n * sizeof *v);
	if (!v)
		return -1;
	memset(v + s->nvals, 0, (n - s->nvals) * sizeof *v);
	s->vals = v;
	s->nvals = n;
	return 0;
}

/* dst += src, all counts (orgs are the caller's). */
static int stats_add(struct stats *dst, const struct stats *src)
{
	size_t i;

	dst->units += src->units;
	dst->single += src->single;
	dst->joint += src->joint;
	dst->work += src->work;
	dst->none += src->none;
	dst->members += src->members;
	dst->should_build += src->should_build;
	dst->covered += src->covered;
	if (stats_grow_vals(dst, src->nvals) < 0)
		return -1;
	for (i = 0; i < src->nvals; i++)
		dst->vals[i] += src->vals[i];
	return 0;
}

double pb_coverage_time_rate(int32_t start, int32_t end, int32_t as_of)
{
	double r;

	if (end < start)
		return NAN;
	r = ((double)as_of - start + 1) / ((double)end - start + 1);
	return r < 0 ? 0 : r > 1 ? 1 : r;
}

/* ---------- options ---------- */

/* Every column the table may have after the group columns, which must not repeat them. */
static const char *const output_names[] = { "units",
	                                    "single",
	                                    "joint",
	                                    "work",
	                                    "none",
	                                    "orgs",
	                                    "members",
	                                    "should_build",
	                                    "org_rate",
	                                    "single_rate",
	                                    "work_rate",
	                                    "covered",
	                                    "covered_rate",
	                                    "org_rate_delta_pp",
	                                    "single_rate_delta_pp",
	                                    "work_rate_delta_pp",
	                                    "covered_rate_delta_pp",
	                                    "target",
	                                    "done",
	                                    "progress_rate",
	                                    "time_rate",
	                                    "ahead_pp",
	                                    NULL };

int pb_coverage_check_opts(const struct pb_coverage_opts *o, struct pb_error *err)
{
	struct list l;
	size_t i, j;
	int bad;

#define USAGE(...) return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, __VA_ARGS__)
	if (o->partial && o->merge)
		USAGE("--partial and --merge exclude each other");
	if (o->merge &&
	    (o->by || o->total || o->rollup || o->compare || o->targets || o->has_time_rate ||
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
	if (o->has_time_rate && !o->targets)
		USAGE("--time-rate needs --targets");
	if (o->has_time_rate && !(o->time_rate >= 0 && o->time_rate <= 1))
		USAGE("--time-rate must be between 0 and 1");
	if (o->min_members < 0)
		USAGE("--min-members must be 0 or more");
	if (o->min_links < 1)
		USAGE("--min-links must be 1 or more");
	if (o->gaps &&
	    (o->by || o->partial || o->status || o->links || o->compare || o->targets || o->total ||
	     o->rollup))
		USAGE("--gaps lists units; it does not go with --by, --partial, --status, --links, "
		      "--compare, --targets, --total or --rollup");
	if (list_parse(&l, o->by) < 0) {
		list_release(&l);
		USAGE("--by: empty column name in '%s'", o->by);
	}
	bad = l.n > MAX_BY;
	for (i = 0; i < l.n && !bad; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(l.v[i], l.v[j]) == 0)
				bad = 2;
		for (j = 0; output_names[j] && !bad; j++)
			if (strcmp(l.v[i], output_names[j]) == 0)
				bad = 3;
	}
	list_release(&l);
	if (bad == 1)
		USAGE("--by: at most %d columns", MAX_BY);
	if (bad == 2)
		USAGE("--by: a column is named twice");
	if (bad == 3)
		USAGE("--by: '%s' is also an output column; rename it first", output_names[j - 1]);
	if (list_parse(&l, o->covered) < 0) {
		list_release(&l);
		USAGE("--covered: empty value in '%s'", o->covered);
	}
	list_release(&l);
	if (list_parse(&l, o->partner_type) < 0) {
		list_release(&l);
		USAGE("--partner-type: empty type in '%s'", o->partner_type);
	}
	list_release(&l);
#undef USAGE
	return 0;
}

/* ---------- the group table ---------- */

/* The base group of the current key (c->key); -1 out of memory. */
static long group_of_key(struct cov *c)
{
	int is_new;
	long g = pb_map_put(&c->groups, c->key.p ? c->key.p : "", c->key.len, &is_new);

	if (g < 0 || pb_grow_zeroed(&c->st, &c->st_cap, (size_t)g, sizeof *c->st) < 0)
		return -1;
	return g;
}

static int add_pair(struct cov *c, long g, struct pb_str org)
{
	uint32_t gi = (uint32_t)g;

	pb_buf_reset(&c->key);
	if (pb_buf_add(&c->key, &gi, sizeof gi) < 0 || pb_buf_add(&c->key, org.p, org.n) < 0)
		return -1;
	return pb_map_put(&c->pairs, c->key.p, c->key.len, NULL) < 0 ? -1 : 0;
}

static int add_value(struct cov *c, long g, struct pb_str v, long long n)
{
	long vi = pb_map_put(&c->values, v.p, v.n, NULL);

	if (vi < 0 || stats_grow_vals(&c->st[g], (size_t)vi + 1) < 0)
		return -1;
	c->st[g].vals[vi] += n;
	return 0;
}

/* ---------- one units row ---------- */

static int parse_opt_date(struct cov *c, const struct pb_tsv_reader *r, int idx, int32_t *d,
                          int *has)
{
	struct pb_str s = field(r, idx);

	*has = 0;
	if (s.n == 0)
		return 0;
	if (pb_parse_date(s, d) < 0) {
		row_error(c, r->name, r->line, "%s: '%.*s' is not a date (YYYY-MM-DD)",
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

/*
 * The unit's effective org_mode and members (-1 unknown), or -1 after
 * reporting a bad field.
 */
static int unit_mode(struct cov *c, const struct pb_tsv_reader *r, const struct cols *k,
                     long long *members)
{
	static const char *const canonical[] = {
		[OM_SINGLE] = "single", [OM_JOINT] = "joint", [OM_WORK] = "work", [OM_NONE] = "none"
	};
	struct pb_str s = field(r, k->org_mode), m = field(r, k->members);
	const struct pb_vocab_entry *e = NULL;
	int mode;

	/* pb-import writes canonical values; a Chinese label or alias is read too */
	for (mode = OM_SINGLE; mode <= OM_NONE; mode++)
		if (pb_str_eqz(s, canonical[mode]))
			break;
	if (mode > OM_NONE) {
		if (!(e = pb_vocab_lookup(PB_VOCAB_ORG_MODE, s))) {
			row_error(c, r->name, r->line, "org_mode: '%.*s' is not one of %s",
			          (int)s.n, s.p, pb_vocab_list(PB_VOCAB_ORG_MODE));
			return -1;
		}
		for (mode = OM_SINGLE; mode < OM_NONE; mode++)
			if (strcmp(e->value, canonical[mode]) == 0)
				break;
	}
	*members = -1;
	if (m.n && (pb_parse_int(m, members) < 0 || *members < 0)) {
		row_error(c, r->name, r->line, "members: '%.*s' is not a whole number >= 0",
		          (int)m.n, m.p);
		return -1;
	}
	if (*members > MEMBERS_MAX) {
		row_error(c, r->name, r->line, "members: '%.*s' is more than %lld", (int)m.n, m.p,
		          MEMBERS_MAX);
		return -1;
	}
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

static const char *const gap_names[] = { NULL, NULL, "work", "none" };

static int gap_row(struct cov *c, const struct pb_tsv_reader *r, int mode, long long members)
{
	const char *gap = gap_names[mode];
	size_t i;

	if (!gap && mode != OM_SINGLE && members >= 0 && members >= c->o->min_members)
		gap = "should_build";
	if (!gap)
		return 0;
	fputs(gap, c->out);
	for (i = 0; i < r->nfields; i++) {
		putc('\t', c->out);
		pb_tsv_put_str(c->out, r->fields[i]);
	}
	putc('\n', c->out);
	return 0;
}

/* Counts one row: 0 (counted, skipped or reported), -1 out of memory. */
static int add_row(struct cov *c, const struct pb_tsv_reader *r, const struct cols *k)
{
	long long members = -1;
	int mode = 0, open;
	long g;
	size_t i;
	struct stats *s;

	open = unit_open(c, r, k);
	if (open <= 0)
		return 0;
	if (c->mode == MODE_ORG && (mode = unit_mode(c, r, k, &members)) < 0)
		return 0;
	if (c->o->gaps)
		return gap_row(c, r, mode, members);
	/* 合计 marks total rows here and in --compare and --targets files */
	for (i = 0; i < c->by.n; i++)
		if (pb_str_eqz(field(r, k->by[i]), PB_TOTAL_LABEL)) {
			row_error(c, r->name, r->line,
			          "%s: '" PB_TOTAL_LABEL
			          "' is reserved for total rows (a summary row?)",
			          c->by.v[i]);
			return 0;
		}
	pb_buf_reset(&c->key);
	for (i = 0; i < c->by.n; i++)
		if (key_add(&c->key, field(r, k->by[i])) < 0)
			return -1;
	if ((g = group_of_key(c)) < 0)
		return -1;
	s = &c->st[g];
	s->units++;
	switch (c->mode) {
	case MODE_ORG:
		if (members > 0)
			s->members += members;
		if (mode != OM_SINGLE && members >= 0 && members >= c->o->min_members)
			s->should_build++;
		if (mode == OM_SINGLE)
			s->single++;
		else if (mode == OM_WORK)
			s->work++;
		else if (mode == OM_NONE)
			s->none++;
		else {
			struct pb_str org = field(r, k->org_id);
			s->joint++;
			if (!org.n)
				org = field(r, k->org_name);
			if (org.n && add_pair(c, g, org) < 0)
				return -1;
		}
		break;
	case MODE_STATUS: return add_value(c, g, field(r, k->status), 1);
	case MODE_LINKS: {
		struct pb_str id = field(r, k->unit_id);
		long u = id.n ? pb_map_find(&c->linked, id.p, id.n) : -1;
		if (u >= 0 && c->nlinks[u] >= c->o->min_links)
			s->covered++;
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
	if (c->mode == MODE_ORG && k->org_mode < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "no column 'org_mode'");
	if (c->mode == MODE_STATUS && k->status < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "no column '%s' (named by --status)", c->o->status);
	if (c->mode == MODE_LINKS && k->unit_id < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "no column 'unit_id' (needed by --links)");
	return 0;
}

static int gaps_header(struct cov *c, const struct pb_tsv_reader *r, struct pb_error *err)
{
	size_t i;

	if (c->gap_cols) {
		int same = c->gap_ncols == r->ncols;
		for (i = 0; same && i < r->ncols; i++)
			same = strcmp(c->gap_cols[i], r->cols[i]) == 0;
		if (!same)
			return pb_error_set(
			    err, PB_EXIT_FATAL, r->name, 1,
			    "--gaps: every input needs the same columns as the first");
		return 0;
	}
	if (pb_tsv_col(r, "gap") >= 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "--gaps: the input already has a column 'gap' (a gap list?)");
	c->gap_cols = calloc(r->ncols ? r->ncols : 1, sizeof *c->gap_cols);
	if (!c->gap_cols)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 0, "out of memory");
	c->gap_ncols = r->ncols;
	fputs("gap", c->out);
	for (i = 0; i < r->ncols; i++) {
		if (!(c->gap_cols[i] = strdup(r->cols[i])))
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 0, "out of memory");
		putc('\t', c->out);
		pb_tsv_puts(c->out, r->cols[i]);
	}
	putc('\n', c->out);
	return 0;
}

static unsigned long long rows_read;

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
	if (find_cols(c, &r, &k, err) < 0 || (c->o->gaps && gaps_header(c, &r, err) < 0)) {
		pb_tsv_close(&r);
		return -1;
	}
	while ((rc = pb_tsv_next(&r, err)) != 0) {
		pb_progress_rows(++rows_read);
		if (rc < 0) {
			if (err->code == PB_EXIT_FATAL)
				break;
			pb_error_print(err);
			c->errors++;
			continue;
		}
		if (add_row(c, &r, &k) < 0) {
			pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
			rc = -1;
			break;
		}
	}
	pb_tsv_close(&r);
	return rc < 0 ? -1 : 0;
}

/* ---------- links ---------- */

static int load_links(struct cov *c, struct pb_error *err)
{
	struct pb_map qual = PB_MAP_INIT, seen = PB_MAP_INIT;
	struct pb_tsv_reader r;
	int rc = 0, from, to, only_partners = c->o->partners != NULL;

	if (c->o->partners) {
		int id, type;
		if (pb_tsv_open(&r, c->o->partners, err) < 0)
			goto fail;
		id = pb_tsv_col(&r, "unit_id");
		type = pb_tsv_col(&r, "unit_type");
		if (id < 0 || (c->ptypes.n && type < 0)) {
			pb_error_set(err, PB_EXIT_FATAL, r.name, 1,
			             "no column '%s' (needed by --partners)",
			             id < 0 ? "unit_id" : "unit_type");
			goto fail;
		}
		while ((rc = pb_tsv_next(&r, err)) != 0) {
			if (rc < 0) {
				if (err->code == PB_EXIT_FATAL)
					goto fail;
				pb_error_print(err);
				c->errors++;
				continue;
			}
			if (c->ptypes.n && !list_has(&c->ptypes, r.fields[type]))
				continue;
			if (r.fields[id].n &&
			    pb_map_put(&qual, r.fields[id].p, r.fields[id].n, NULL) < 0)
				goto oom;
		}
		pb_tsv_close(&r);
	}
	if (pb_tsv_open(&r, c->o->links, err) < 0)
		goto fail;
	from = pb_tsv_col(&r, "from_id");
	to = pb_tsv_col(&r, "to_id");
	if (from < 0 || to < 0) {
		pb_error_set(err, PB_EXIT_FATAL, r.name, 1, "no column '%s' (needed by --links)",
		             from < 0 ? "from_id" : "to_id");
		goto fail;
	}
	while ((rc = pb_tsv_next(&r, err)) != 0) {
		struct pb_str ends[2];
		int e;
		if (rc < 0) {
			if (err->code == PB_EXIT_FATAL)
				goto fail;
			pb_error_print(err);
			c->errors++;
			continue;
		}
		ends[0] = r.fields[from];
		ends[1] = r.fields[to];
		if (!ends[0].n || !ends[1].n) {
			row_error(c, r.name, r.line, "%s is empty",
			          ends[0].n ? "to_id" : "from_id");
			continue;
		}
		if (pb_str_eq(ends[0], ends[1]))
			continue;
		/* either direction: each end may count the other as its partner */
		for (e = 0; e < 2; e++) {
			struct pb_str self = ends[e], other = ends[1 - e];
			int is_new;
			long u;
			if (only_partners && pb_map_find(&qual, other.p, other.n) < 0)
				continue;
			pb_buf_reset(&c->key);
			if (key_add(&c->key, self) < 0 || key_add(&c->key, other) < 0 ||
			    pb_map_put(&seen, c->key.p, c->key.len, &is_new) < 0)
				goto oom;
			if (!is_new)
				continue;
			if ((u = pb_map_put(&c->linked, self.p, self.n, NULL)) < 0)
				goto oom;
			if ((size_t)u >= c->nlinks_cap) {
				size_t cap = c->nlinks_cap ? c->nlinks_cap * 2 : 64;
				long long *n = realloc(c->nlinks, cap * sizeof *n);
				if (!n)
					goto oom;
				memset(n + c->nlinks_cap, 0, (cap - c->nlinks_cap) * sizeof *n);
				c->nlinks = n;
				c->nlinks_cap = cap;
			}
			c->nlinks[u]++;
		}
	}
	pb_tsv_close(&r);
	pb_map_release(&qual);
	pb_map_release(&seen);
	return 0;
oom:
	pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
fail:
	pb_tsv_close(&r);
	pb_map_release(&qual);
	pb_map_release(&seen);
	return -1;
}

/* ---------- partial aggregates ---------- */

/* The options a partial records, as "name=value" lines; they must match to merge. */
static int options_text(const struct pb_coverage_opts *o, struct pb_buf *b)
{
	char date[11] = "";

	if (o->has_as_of)
		pb_format_date(o->as_of, date);
	pb_buf_addf(b, "version=%s\n", PARTIAL_VERSION);
	pb_buf_addf(b, "by=%s\n", o->by ? o->by : "");
	pb_buf_addf(b, "total=%d\nrollup=%d\n", o->total, o->rollup);
	pb_buf_addf(b, "min_members=%ld\n", o->min_members);
	pb_buf_addf(b, "as_of=%s\n", date);
	pb_buf_addf(b, "status=%s\ncovered=%s\n", o->status ? o->status : "",
	            o->covered ? o->covered : "");
	pb_buf_addf(b, "links=%s\npartners=%s\npartner_type=%s\n", o->links ? o->links : "",
	            o->partners ? o->partners : "", o->partner_type ? o->partner_type : "");
	pb_buf_addf(b, "min_links=%ld\n", o->min_links);
	pb_buf_addf(b, "compare=%s\ntargets=%s\n", o->compare ? o->compare : "",
	            o->targets ? o->targets : "");
	if (o->has_time_rate)
		pb_buf_addf(b, "time_rate=%.17g\n", o->time_rate);
	else
		pb_buf_adds(b, "time_rate=\n");
	return b->p ? 0 : -1;
}

static void partial_row(struct cov *c, const char *rec, struct pb_str key, struct pb_str item,
                        struct pb_str value)
{
	struct pb_str v[MAX_BY];
	size_t i;

	fputs(rec, c->out);
	if (key.p)
		key_values(key, v, c->by.n);
	for (i = 0; i < c->by.n; i++) {
		putc('\t', c->out);
		if (key.p)
			pb_tsv_put_str(c->out, v[i]);
	}
	putc('\t', c->out);
	pb_tsv_put_str(c->out, item);
	putc('\t', c->out);
	pb_tsv_put_str(c->out, value);
	putc('\n', c->out);
}

static const char *const count_names[] = { "units",   "single",       "joint",   "work", "none",
	                                   "members", "should_build", "covered", NULL };

static long long *count_field(struct stats *s, size_t i)
{
	long long *f[] = { &s->units, &s->single,  &s->joint,        &s->work,
		           &s->none,  &s->members, &s->should_build, &s->covered };
	return f[i];
}

static int write_partial(struct cov *c)
{
	struct pb_buf opts = PB_BUF_INIT;
	char num[32];
	size_t i, g, v;
	char *p, *nl;

	fputs(PARTIAL_MAGIC, c->out);
	for (i = 0; i < c->by.n; i++) {
		fputs("\tby:", c->out);
		pb_tsv_puts(c->out, c->by.v[i]);
	}
	fputs("\titem\tvalue\n", c->out);
	if (options_text(c->o, &opts) < 0)
		return -1;
	for (p = opts.p; (nl = strchr(p, '\n')); p = nl + 1) {
		char *eq = strchr(p, '=');
		*nl = '\0';
		*eq = '\0';
		partial_row(c, "option", (struct pb_str){ NULL, 0 },
		            (struct pb_str){ p, strlen(p) },
		            (struct pb_str){ eq + 1, strlen(eq + 1) });
	}
	pb_buf_release(&opts);
	for (g = 0; g < c->groups.count; g++) {
		struct pb_str key = pb_map_key(&c->groups, g);
		for (i = 0; count_names[i]; i++) {
			long long n = *count_field(&c->st[g], i);
			if (!n)
				continue;
			snprintf(num, sizeof num, "%lld", n);
			partial_row(c, "count", key,
			            (struct pb_str){ count_names[i], strlen(count_names[i]) },
			            (struct pb_str){ num, strlen(num) });
		}
		for (v = 0; v < c->st[g].nvals; v++) {
			if (!c->st[g].vals[v])
				continue;
			snprintf(num, sizeof num, "%lld", c->st[g].vals[v]);
			partial_row(c, "status", key, pb_map_key(&c->values, v),
			            (struct pb_str){ num, strlen(num) });
		}
	}
	for (i = 0; i < c->pairs.count; i++) {
		struct pb_str pk = pb_map_key(&c->pairs, i);
		uint32_t gi;
		memcpy(&gi, pk.p, sizeof gi);
		partial_row(c, "org", pb_map_key(&c->groups, gi),
		            (struct pb_str){ pk.p + sizeof gi, pk.n - sizeof gi },
		            (struct pb_str){ "", 0 });
	}
	return 0;
}

/* ---------- merging partials ---------- */

/* Points o's options at the values in text ("name=value" lines, changed in place). */
static int options_parse(char *text, struct pb_coverage_opts *o, const char **bad)
{
	char *p, *nl;

	for (p = text; (nl = strchr(p, '\n')); p = nl + 1) {
		char *eq = strchr(p, '='), *v, *end;
		*nl = '\0';
		if (!eq || eq > nl)
			return *bad = p, -1;
		*eq = '\0';
		v = eq + 1;
		if (strcmp(p, "version") == 0) {
			if (strcmp(v, PARTIAL_VERSION) != 0)
				return *bad = p, -1;
			continue;
		}
		if (strcmp(p, "total") == 0)
			o->total = strcmp(v, "1") == 0;
		else if (strcmp(p, "rollup") == 0)
			o->rollup = strcmp(v, "1") == 0;
		else if (strcmp(p, "min_members") == 0 || strcmp(p, "min_links") == 0) {
			long n = strtol(v, &end, 10);
			if (!*v || *end)
				return *bad = p, -1;
			*(p[4] == 'm' ? &o->min_members : &o->min_links) = n;
		} else if (strcmp(p, "as_of") == 0) {
			if (*v && pb_parse_date((struct pb_str){ v, strlen(v) }, &o->as_of) < 0)
				return *bad = p, -1;
			o->has_as_of = *v != '\0';
		} else if (strcmp(p, "time_rate") == 0) {
			o->has_time_rate = *v != '\0';
			if (*v &&
			    pb_parse_double((struct pb_str){ v, strlen(v) }, &o->time_rate) < 0)
				return *bad = p, -1;
		} else {
			static const char *const names[] = { "by",      "status",   "covered",
				                             "links",   "partners", "partner_type",
				                             "compare", "targets",  NULL };
			const char **dst[] = { &o->by,      &o->status,   &o->covered,
				               &o->links,   &o->partners, &o->partner_type,
				               &o->compare, &o->targets };
			size_t i;
			for (i = 0; names[i] && strcmp(names[i], p) != 0; i++)
				;
			if (!names[i])
				return *bad = p, -1;
			*dst[i] = *v ? v : NULL;
		}
	}
	return 0;
}

/* Adds one data row of a partial; 0, or -1 out of memory. */
static int merge_row(struct cov *c, const struct pb_tsv_reader *r)
{
	struct pb_str rec = r->fields[0], item = r->fields[c->by.n + 1],
	              val = r->fields[c->by.n + 2];
	long long n = 0;
	long g;
	size_t i;

	pb_buf_reset(&c->key);
	for (i = 0; i < c->by.n; i++)
		if (key_add(&c->key, r->fields[i + 1]) < 0)
			return -1;
	if (!pb_str_eqz(rec, "org") && (pb_parse_int(val, &n) < 0 || n < 0)) {
		row_error(c, r->name, r->line, "bad partial: value '%.*s' is not a count",
		          (int)val.n, val.p);
		return 0;
	}
	/* the slot in c->merged: a count's index, 8 a status value; 9 an org, 10 unknown */
	if (pb_str_eqz(rec, "status"))
		i = 8;
	else if (pb_str_eqz(rec, "count")) {
		for (i = 0; count_names[i] && !pb_str_eqz(item, count_names[i]); i++)
			;
		if (!count_names[i])
			i = 10;
	} else
		i = pb_str_eqz(rec, "org") ? 9 : 10;
	if (i == 10) {
		row_error(c, r->name, r->line, "bad partial: unknown record '%.*s' '%.*s'",
		          (int)rec.n, rec.p, (int)item.n, item.p);
		return 0;
	}
	if (i < 9 && n > LLONG_MAX - c->merged[i]) {
		row_error(c, r->name, r->line, "bad partial: count '%.*s' too large", (int)val.n,
		          val.p);
		return 0;
	}
	if ((g = group_of_key(c)) < 0)
		return -1;
	if (i == 9)
		return add_pair(c, g, item);
	c->merged[i] += n;
	if (i == 8)
		return add_value(c, g, item, n);
	*count_field(&c->st[g], i) += n;
	return 0;
}

static int cov_setup(struct cov *c, const struct pb_coverage_opts *o, struct pb_error *err);
static int finish(struct cov *c, struct pb_error *err);

/*
 * Partials are merged as a multiset of lines: a repeated header line and the
 * option rows may come anywhere (cat of several partials, or the sorted
 * input of a Hadoop Streaming reducer), so only the first line of each file
 * must be the header. Every occurrence of an option must carry one value.
 */
struct merge_state {
	struct pb_map names; /* option name -> index */
	char **values;       /* per index: the value, owned */
	size_t cap;
	char **header; /* the first file's header, borrowed from its reader copy */
	size_t ncols;
	const char *first; /* the first file's name */
};

static int merge_option(struct merge_state *m, const struct pb_tsv_reader *r, size_t ncols,
                        struct pb_error *err)
{
	struct pb_str name = r->fields[ncols - 2], value = r->fields[ncols - 1];
	int is_new;
	long i = pb_map_put(&m->names, name.p, name.n, &is_new);

	if (i < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line, "out of memory");
	if ((size_t)i >= m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		char **v = realloc(m->values, cap * sizeof *v);
		if (!v)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line, "out of memory");
		memset(v + m->cap, 0, (cap - m->cap) * sizeof *v);
		m->values = v;
		m->cap = cap;
	}
	if (is_new) {
		if (!(m->values[i] = pb_strdup_str(value)))
			return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line, "out of memory");
		return 0;
	}
	if (!pb_str_eqz(value, m->values[i]))
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line,
		                    "partial made with other options: %.*s=%.*s, but %.*s=%s in %s",
		                    (int)name.n, name.p, (int)value.n, value.p, (int)name.n, name.p,
		                    m->values[i], m->first);
	return 0;
}

static int same_header(const struct merge_state *m, const struct pb_tsv_reader *r)
{
	size_t i;

	if (r->nfields != m->ncols)
		return 0;
	for (i = 0; i < m->ncols; i++)
		if (!pb_str_eqz(r->fields[i], m->header[i]))
			return 0;
	return 1;
}

/* Rebuilds the options the partials recorded into o; text keeps their values. */
static int merge_options(struct merge_state *m, struct cov *c, struct pb_coverage_opts *o,
                         struct pb_buf *text, struct pb_error *err)
{
	struct pb_buf by = PB_BUF_INIT;
	const char *bad = NULL;
	size_t i;

	for (i = 0; i < m->names.count; i++) {
		struct pb_str name = pb_map_key(&m->names, i);
		pb_buf_add(text, name.p, name.n);
		pb_buf_addf(text, "=%s\n", m->values[i]);
	}
	if (!text->p || pb_map_find(&m->names, "version", 7) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, m->first, 0,
		                    "not a complete pb-coverage --partial output (no version)");
	if (options_parse(text->p, o, &bad) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, m->first, 0,
		                    "bad partial: option '%s' (made by another pb version?)", bad);
	for (i = 0; i < c->by.n; i++)
		pb_buf_addf(&by, "%s%s", i ? "," : "", c->by.v[i]);
	i = strcmp(by.p ? by.p : "", o->by ? o->by : "") != 0;
	pb_buf_release(&by);
	if (i)
		return pb_error_set(err, PB_EXIT_FATAL, m->first, 1,
		                    "bad partial: its header does not match its by option");
	return 0;
}

static int run_merge(const struct pb_coverage_opts *top, struct cov *c, struct pb_error *err)
{
	struct pb_coverage_opts o = PB_COVERAGE_OPTS_INIT;
	struct merge_state m;
	struct pb_buf text = PB_BUF_INIT, by = PB_BUF_INIT;
	struct pb_tsv_reader first, r;
	size_t ninputs = top->ninputs ? top->ninputs : 1, f;
	int rc = 0;
	size_t i;

	memset(&m, 0, sizeof m);
	memset(&first, 0, sizeof first);
	memset(&r, 0, sizeof r);
	for (f = 0; f < ninputs && rc >= 0; f++) {
		const char *path = top->ninputs ? top->inputs[f] : "-";
		struct pb_tsv_reader *cur = f == 0 ? &first : &r;
		if ((rc = pb_tsv_open(cur, path, err)) < 0)
			break;
		if (f == 0) {
			/* the header: #pb_coverage_partial, by:COL..., item, value */
			if (first.ncols < 3 || strcmp(first.cols[0], PARTIAL_MAGIC) != 0 ||
			    strcmp(first.cols[first.ncols - 2], "item") != 0 ||
			    strcmp(first.cols[first.ncols - 1], "value") != 0) {
				rc = pb_error_set(err, PB_EXIT_FATAL, first.name, 1,
				                  "not a pb-coverage --partial output");
				break;
			}
			for (i = 1; i + 2 < first.ncols; i++) {
				if (strncmp(first.cols[i], "by:", 3) != 0) {
					rc = pb_error_set(err, PB_EXIT_FATAL, first.name, 1,
					                  "not a pb-coverage --partial output");
					break;
				}
				pb_buf_addf(&by, "%s%s", i > 1 ? "," : "", first.cols[i] + 3);
			}
			if (rc < 0)
				break;
			if (list_parse(&c->by, by.p) < 0) {
				rc = pb_error_set(err, PB_EXIT_FATAL, first.name, 1,
				                  "bad partial header");
				break;
			}
			m.header = first.cols;
			m.ncols = first.ncols;
			m.first = first.name;
		} else {
			int same = r.ncols == m.ncols;
			for (i = 0; same && i < m.ncols; i++)
				same = strcmp(r.cols[i], m.header[i]) == 0;
			if (!same) {
				rc = pb_error_set(err, PB_EXIT_FATAL, r.name, 1,
				                  "partial grouped by other columns than %s",
				                  m.first);
				break;
			}
		}
		while ((rc = pb_tsv_next(cur, err)) != 0) {
			pb_progress_rows(++rows_read);
			if (rc < 0) {
				if (err->code == PB_EXIT_FATAL)
					break;
				pb_error_print(err);
				c->errors++;
				continue;
			}
			if (pb_str_eqz(cur->fields[0], PARTIAL_MAGIC)) {
				if (!same_header(&m, cur)) {
					rc = pb_error_set(
					    err, PB_EXIT_FATAL, cur->name, cur->line,
					    "partial grouped by other columns than %s", m.first);
					break;
				}
			} else if (pb_str_eqz(cur->fields[0], "option")) {
				if ((rc = merge_option(&m, cur, m.ncols, err)) < 0)
					break;
			} else if (merge_row(c, cur) < 0) {
				rc = pb_error_set(err, PB_EXIT_FATAL, cur->name, cur->line,
				                  "out of memory");
				break;
			}
		}
		if (f > 0)
			pb_tsv_close(&r);
	}
	if (rc >= 0 && (rc = merge_options(&m, c, &o, &text, err)) >= 0) {
		o.output = top->output;
		list_release(&c->by);
		if ((rc = cov_setup(c, &o, err)) >= 0)
			rc = finish(c, err);
	}
	/* c->o points at o, whose strings live in text */
	c->o = NULL;
	pb_tsv_close(&r);
	pb_tsv_close(&first);
	for (i = 0; i < m.names.count; i++)
		free(m.values[i]);
	free(m.values);
	pb_map_release(&m.names);
	pb_buf_release(&text);
	pb_buf_release(&by);
	return rc < 0 ? -1 : 0;
}

/* ---------- the summary table ---------- */

struct outrow {
	struct stats s;
	unsigned mask; /* bit i: group column i is summed over (合计) */
	int present;   /* has current counts */
	int has_prev;
	double prev[3];
	int has_target;
	long long target;
	int32_t start, end;
	struct pb_str *v; /* decoded group values, after all rows exist */
};

struct table {
	struct pb_map keys; /* encoded printed group values -> row */
	struct outrow *rows;
	size_t cap;
};

static long table_row(struct table *t, const struct pb_buf *key)
{
	long i = pb_map_put(&t->keys, key->p ? key->p : "", key->len, NULL);

	if (i < 0 || pb_grow_zeroed(&t->rows, &t->cap, (size_t)i, sizeof *t->rows) < 0)
		return -1;
	return i;
}

static void table_release(struct table *t)
{
	size_t i;

	/* rows may be fewer than keys when growing them failed */
	for (i = 0; i < t->keys.count && i < t->cap; i++) {
		free(t->rows[i].s.vals);
		free(t->rows[i].v);
	}
	free(t->rows);
	pb_map_release(&t->keys);
}

static unsigned full_mask(const struct cov *c)
{
	return c->by.n ? (1u << c->by.n) - 1 : 0;
}

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

/* The key of a row read from a --compare or --targets file, and its 合计 mask. */
static int side_key(struct cov *c, const struct pb_tsv_reader *r, const int *idx, unsigned *mask)
{
	size_t i;

	*mask = 0;
	pb_buf_reset(&c->key);
	for (i = 0; i < c->by.n; i++) {
		struct pb_str v = r->fields[idx[i]];
		if (pb_str_eqz(v, PB_TOTAL_LABEL))
			*mask |= 1u << i;
		if (key_add(&c->key, v) < 0)
			return -1;
	}
	return 0;
}

static int side_cols(struct cov *c, const struct pb_tsv_reader *r, int *idx, const char *opt,
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

static int parse_count_or_empty(struct pb_str s, double *v)
{
	long long n;

	if (!s.n) {
		*v = NAN;
		return 0;
	}
	if (pb_parse_int(s, &n) < 0 || n < 0)
		return -1;
	*v = (double)n;
	return 0;
}

static int load_prev(struct cov *c, struct table *t, struct pb_error *err)
{
	static const char *const org_counts[] = { "units", "single", "joint", "work", NULL };
	static const char *const org_rates[] = { "org_rate", "single_rate", "work_rate", NULL };
	static const char *const cov_counts[] = { "units", "covered", NULL };
	static const char *const cov_rates[] = { "covered_rate", NULL };
	const char *const *counts = c->mode == MODE_ORG ? org_counts : cov_counts;
	const char *const *rates = c->mode == MODE_ORG ? org_rates : cov_rates;
	struct pb_tsv_reader r;
	int idx[MAX_BY], col[4], from_counts = 1, rc;
	size_t i, nrates = c->mode == MODE_ORG ? 3 : 1;

	if (pb_tsv_open(&r, c->o->compare, err) < 0 || side_cols(c, &r, idx, "--compare", err) < 0)
		goto fail;
	for (i = 0; counts[i]; i++)
		if ((col[i] = pb_tsv_col(&r, counts[i])) < 0)
			from_counts = 0;
	if (!from_counts)
		for (i = 0; rates[i]; i++)
			if ((col[i] = pb_tsv_col(&r, rates[i])) < 0) {
				pb_error_set(
				    err, PB_EXIT_FATAL, r.name, 1,
				    "no column '%s' (--compare needs the counts or the rates)",
				    rates[i]);
				goto fail;
			}
	while ((rc = pb_tsv_next(&r, err)) != 0) {
		double v[4];
		unsigned mask;
		long row;
		int bad = 0;
		if (rc < 0) {
			if (err->code == PB_EXIT_FATAL)
				goto fail;
			pb_error_print(err);
			c->errors++;
			continue;
		}
		for (i = 0; i < (from_counts ? (c->mode == MODE_ORG ? 4u : 2u) : nrates) && !bad;
		     i++) {
			struct pb_str s = r.fields[col[i]];
			if (from_counts)
				bad = parse_count_or_empty(s, &v[i]) < 0;
			else if (!s.n)
				v[i] = NAN;
			else
				bad = pb_parse_double(s, &v[i]) < 0 || !(v[i] >= 0 && v[i] <= 1);
			if (bad)
				row_error(c, r.name, r.line, "%s: '%.*s' is not a %s",
				          r.cols[col[i]], (int)s.n, s.p,
				          from_counts ? "count" : "rate from 0 to 1");
		}
		if (bad)
			continue;
		if (from_counts) {
			double u = v[0];
			if (c->mode == MODE_ORG) {
				v[0] = u > 0 ? (v[1] + v[2]) / u : NAN;
				v[3] = u > 0 ? (v[1] + v[2] + v[3]) / u : NAN;
				v[1] = u > 0 ? v[1] / u : NAN;
				v[2] = v[3];
			} else
				v[0] = u > 0 ? v[1] / u : NAN;
		}
		if (side_key(c, &r, idx, &mask) < 0)
			goto oom;
		if (!mask_ok(c, mask))
			continue;
		if ((row = table_row(t, &c->key)) < 0)
			goto oom;
		if (t->rows[row].has_prev) {
			row_error(c, r.name, r.line, "group listed twice; the first is kept");
			continue;
		}
		t->rows[row].has_prev = 1;
		t->rows[row].mask = mask;
		memcpy(t->rows[row].prev, v, nrates * sizeof v[0]);
	}
	pb_tsv_close(&r);
	return 0;
oom:
	pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
fail:
	pb_tsv_close(&r);
	return -1;
}

static int load_targets(struct cov *c, struct table *t, struct pb_error *err)
{
	static const char *const need[] = { "target", "period_start", "period_end", NULL };
	struct pb_tsv_reader r;
	int idx[MAX_BY], col[3], rc;
	size_t i;

	if (pb_tsv_open(&r, c->o->targets, err) < 0 || side_cols(c, &r, idx, "--targets", err) < 0)
		goto fail;
	for (i = 0; need[i]; i++)
		if ((col[i] = pb_tsv_col(&r, need[i])) < 0) {
			pb_error_set(err, PB_EXIT_FATAL, r.name, 1,
			             "no column '%s' (needed by --targets)", need[i]);
			goto fail;
		}
	while ((rc = pb_tsv_next(&r, err)) != 0) {
		long long target;
		int32_t start, end;
		unsigned mask;
		long row;
		struct pb_str s;
		if (rc < 0) {
			if (err->code == PB_EXIT_FATAL)
				goto fail;
			pb_error_print(err);
			c->errors++;
			continue;
		}
		s = r.fields[col[0]];
		if (pb_parse_int(s, &target) < 0 || target < 0) {
			row_error(c, r.name, r.line, "target: '%.*s' is not a whole number >= 0",
			          (int)s.n, s.p);
			continue;
		}
		for (i = 1; i < 3; i++) {
			s = r.fields[col[i]];
			if (pb_parse_date(s, i == 1 ? &start : &end) < 0)
				break;
		}
		if (i < 3) {
			row_error(c, r.name, r.line, "%s: '%.*s' is not a date (YYYY-MM-DD)",
			          need[i], (int)s.n, s.p);
			continue;
		}
		if (end < start) {
			row_error(c, r.name, r.line, "period_end is before period_start");
			continue;
		}
		if (side_key(c, &r, idx, &mask) < 0)
			goto oom;
		if (!mask_ok(c, mask))
			continue;
		if ((row = table_row(t, &c->key)) < 0)
			goto oom;
		if (t->rows[row].has_target) {
			row_error(c, r.name, r.line, "group listed twice; the first is kept");
			continue;
		}
		t->rows[row].has_target = 1;
		t->rows[row].mask = mask;
		t->rows[row].target = target;
		t->rows[row].start = start;
		t->rows[row].end = end;
	}
	pb_tsv_close(&r);
	return 0;
oom:
	pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
fail:
	pb_tsv_close(&r);
	return -1;
}

/* qsort has no context argument in C11: what is being sorted. */
static const struct table *sort_table;
static size_t sort_nby;
static const struct pb_map *sort_values;

static int str_cmp(struct pb_str a, struct pb_str b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	int d = n ? memcmp(a.p, b.p, n) : 0;

	if (d)
		return d;
	return a.n < b.n ? -1 : a.n > b.n;
}

/* Byte order of the group columns; a 合计 column sorts after every value there. */
static int row_cmp(const void *pa, const void *pb)
{
	const struct outrow *a = &sort_table->rows[*(const size_t *)pa];
	const struct outrow *b = &sort_table->rows[*(const size_t *)pb];
	size_t i;

	for (i = 0; i < sort_nby; i++) {
		int at = (a->mask >> i) & 1, bt = (b->mask >> i) & 1, d;
		if (at != bt)
			return at - bt;
		if (at)
			continue;
		if ((d = str_cmp(a->v[i], b->v[i])))
			return d;
	}
	return 0;
}

static int value_cmp(const void *pa, const void *pb)
{
	return str_cmp(pb_map_key(sort_values, *(const size_t *)pa),
	               pb_map_key(sort_values, *(const size_t *)pb));
}

static void cur_rates(const struct cov *c, const struct stats *s, double r[3])
{
	if (c->mode == MODE_ORG) {
		r[0] = pb_rate(s->single + s->joint, s->units);
		r[1] = pb_rate(s->single, s->units);
		r[2] = pb_rate(s->single + s->joint + s->work, s->units);
	} else
		r[0] = pb_rate(s->covered, s->units);
}

static void put_row(struct cov *c, const struct outrow *w, const size_t *vorder, size_t nv,
                    int32_t as_of)
{
	const struct stats *s = &w->s;
	int nrates = c->mode == MODE_ORG ? 3 : 1, i;
	size_t j;
	double r[3];
	long long done = c->mode == MODE_ORG ? s->single + s->joint : s->covered;

	for (j = 0; j < c->by.n; j++) {
		if (j)
			putc('\t', c->out);
		if ((w->mask >> j) & 1)
			fputs(PB_TOTAL_LABEL, c->out);
		else
			pb_tsv_put_str(c->out, w->v[j]);
	}
	/* without --by the first column has no tab before it */
	if (!c->by.n) {
		if (w->present)
			fprintf(c->out, "%lld", s->units);
	} else if (w->present)
		put_count(c, s->units);
	else
		put_empty(c, 1);
	cur_rates(c, s, r);
	if (!w->present) {
		put_empty(c,
		          (c->mode == MODE_ORG ? 10 : 2) + (c->mode == MODE_STATUS ? (int)nv : 0));
	} else if (c->mode == MODE_ORG) {
		put_count(c, s->single);
		put_count(c, s->joint);
		put_count(c, s->work);
		put_count(c, s->none);
		put_count(c, s->orgs);
		put_count(c, s->members);
		put_count(c, s->should_build);
		for (i = 0; i < 3; i++)
			put_rate(c, r[i]);
	} else {
		put_count(c, s->covered);
		put_rate(c, r[0]);
		for (j = 0; j < nv && c->mode == MODE_STATUS; j++)
			put_count(c, vorder[j] < s->nvals ? s->vals[vorder[j]] : 0);
	}
	if (c->o->compare)
		for (i = 0; i < nrates; i++)
			put_pp(c, w->present && w->has_prev ? (r[i] - w->prev[i]) * 100 : NAN);
	if (c->o->targets) {
		double progress = NAN, time = NAN;
		if (w->has_target) {
			put_count(c, w->target);
			time = c->o->has_time_rate ? c->o->time_rate
			                           : pb_coverage_time_rate(w->start, w->end, as_of);
		} else
			put_empty(c, 1);
		if (w->present)
			put_count(c, done);
		else
			put_empty(c, 1);
		if (w->present && w->has_target)
			progress = pb_rate(done, w->target);
		put_rate(c, progress);
		put_rate(c, time);
		put_pp(c, (progress - time) * 100);
	}
	putc('\n', c->out);
}

static void put_header(struct cov *c, const size_t *vorder, size_t nv)
{
	static const char *const org_cols[] = { "units",       "single",       "joint",
		                                "work",        "none",         "orgs",
		                                "members",     "should_build", "org_rate",
		                                "single_rate", "work_rate",    NULL };
	static const char *const cov_cols[] = { "units", "covered", "covered_rate", NULL };
	static const char *const org_deltas[] = { "org_rate_delta_pp", "single_rate_delta_pp",
		                                  "work_rate_delta_pp", NULL };
	static const char *const cov_deltas[] = { "covered_rate_delta_pp", NULL };
	static const char *const target_cols[] = { "target",    "done",     "progress_rate",
		                                   "time_rate", "ahead_pp", NULL };
	const char *const *cols = c->mode == MODE_ORG ? org_cols : cov_cols;
	int first = 1;
	size_t i;

	for (i = 0; i < c->by.n; i++, first = 0) {
		if (!first)
			putc('\t', c->out);
		pb_tsv_puts(c->out, c->by.v[i]);
	}
	for (i = 0; cols[i]; i++, first = 0)
		fprintf(c->out, "%s%s", first ? "" : "\t", cols[i]);
	for (i = 0; i < nv; i++) {
		/* one count column per distinct value: COL=VALUE */
		putc('\t', c->out);
		pb_tsv_puts(c->out, c->o->status);
		putc('=', c->out);
		pb_tsv_put_str(c->out, pb_map_key(&c->values, vorder[i]));
	}
	if (c->o->compare)
		for (cols = c->mode == MODE_ORG ? org_deltas : cov_deltas, i = 0; cols[i]; i++)
			fprintf(c->out, "\t%s", cols[i]);
	if (c->o->targets)
		for (i = 0; target_cols[i]; i++)
			fprintf(c->out, "\t%s", target_cols[i]);
	putc('\n', c->out);
}

static int finish(struct cov *c, struct pb_error *err)
{
	struct table t = { PB_MAP_INIT, NULL, 0 };
	struct pb_map seen = PB_MAP_INIT;
	size_t nby = c->by.n, nl = 0, stride, g, i, nv = 0, *order = NULL, *vorder = NULL;
	size_t levels[MAX_BY];
	long *rowof = NULL;
	int rc = -1;

	if (nby && c->o->rollup)
		for (nl = 0; nl < nby; nl++)
			levels[nl] = nby - 1 - nl;
	else if (nby && c->o->total)
		levels[nl++] = 0;
	stride = nl + 1;
	rowof = calloc(c->groups.count * stride + 1, sizeof *rowof);
	if (!rowof)
		goto oom;
	for (g = 0; g < c->groups.count; g++) {
		struct pb_str key = pb_map_key(&c->groups, g), v[MAX_BY];
		size_t l;
		key_values(key, v, nby);
		for (l = 0; l < stride; l++) {
			size_t keep = l == 0 ? nby : levels[l - 1];
			long row;
			pb_buf_reset(&c->key);
			for (i = 0; i < nby; i++)
				if (key_add(&c->key, i < keep ? v[i] : PB_STR(PB_TOTAL_LABEL)) < 0)
					goto oom;
			if ((row = table_row(&t, &c->key)) < 0)
				goto oom;
			t.rows[row].present = 1;
			t.rows[row].mask = full_mask(c) & ~((1u << keep) - 1);
			if (stats_add(&t.rows[row].s, &c->st[g]) < 0)
				goto oom;
			rowof[g * stride + l] = row;
		}
	}
	/* the row of everything exists even without any unit */
	if (!nby || nl) {
		long row;
		pb_buf_reset(&c->key);
		for (i = 0; i < nby; i++)
			if (key_add(&c->key, PB_STR(PB_TOTAL_LABEL)) < 0)
				goto oom;
		if ((row = table_row(&t, &c->key)) < 0)
			goto oom;
		t.rows[row].present = 1;
		t.rows[row].mask = full_mask(c);
	}
	/* orgs: single units + distinct joint organizations over each row's groups */
	for (i = 0; i < c->pairs.count; i++) {
		struct pb_str pk = pb_map_key(&c->pairs, i);
		uint32_t gi;
		size_t l;
		memcpy(&gi, pk.p, sizeof gi);
		for (l = 0; l < stride; l++) {
			uint32_t row = (uint32_t)rowof[gi * stride + l];
			int is_new;
			pb_buf_reset(&c->key);
			if (pb_buf_add(&c->key, &row, sizeof row) < 0 ||
			    pb_buf_add(&c->key, pk.p + sizeof gi, pk.n - sizeof gi) < 0 ||
			    pb_map_put(&seen, c->key.p, c->key.len, &is_new) < 0)
				goto oom;
			t.rows[row].s.orgs += is_new;
		}
	}
	pb_map_release(&seen);
	for (i = 0; i < t.keys.count; i++)
		t.rows[i].s.orgs += t.rows[i].s.single;
	if (c->o->compare && load_prev(c, &t, err) < 0)
		goto fail;
	if (c->o->targets && load_targets(c, &t, err) < 0)
		goto fail;
	/* status: covered from the counts of the covered values; value columns in byte order */
	if (c->mode == MODE_STATUS) {
		nv = c->values.count;
		if (!(vorder = calloc(nv + 1, sizeof *vorder)))
			goto oom;
		for (i = 0; i < nv; i++)
			vorder[i] = i;
		sort_values = &c->values;
		qsort(vorder, nv, sizeof *vorder, value_cmp);
		for (i = 0; i < t.keys.count; i++) {
			size_t v;
			for (v = 0; v < t.rows[i].s.nvals; v++)
				if (list_has(&c->covered, pb_map_key(&c->values, v)))
					t.rows[i].s.covered += t.rows[i].s.vals[v];
		}
	}
	if (!(order = calloc(t.keys.count + 1, sizeof *order)))
		goto oom;
	for (i = 0; i < t.keys.count; i++) {
		order[i] = i;
		if (!(t.rows[i].v = calloc(nby + 1, sizeof *t.rows[i].v)))
			goto oom;
		key_values(pb_map_key(&t.keys, i), t.rows[i].v, nby);
	}
	sort_table = &t;
	sort_nby = nby;
	qsort(order, t.keys.count, sizeof *order, row_cmp);
	put_header(c, vorder, nv);
	for (i = 0; i < t.keys.count; i++)
		put_row(c, &t.rows[order[i]], vorder, nv,
		        c->o->has_as_of ? c->o->as_of : pb_today());
	rc = 0;
	goto fail;
oom:
	pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
fail:
	pb_map_release(&seen);
	table_release(&t);
	free(rowof);
	free(order);
	free(vorder);
	return rc;
}

/* ---------- the run ---------- */

static int cov_setup(struct cov *c, const struct pb_coverage_opts *o, struct pb_error *err)
{
	if (pb_coverage_check_opts(o, err) < 0)
		return -1;
	c->o = o;
	c->mode = o->status ? MODE_STATUS : o->links ? MODE_LINKS : MODE_ORG;
	if (list_parse(&c->by, o->by) < 0 ||
	    list_parse(&c->covered, o->covered ? o->covered : "1") < 0 ||
	    list_parse(&c->ptypes, o->partner_type) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	return 0;
}

static void cov_release(struct cov *c)
{
	size_t i;

	list_release(&c->by);
	list_release(&c->covered);
	list_release(&c->ptypes);
	for (i = 0; i < c->st_cap && c->st; i++)
		free(c->st[i].vals);
	free(c->st);
	pb_map_release(&c->groups);
	pb_map_release(&c->pairs);
	pb_map_release(&c->values);
	pb_map_release(&c->linked);
	free(c->nlinks);
	pb_buf_release(&c->key);
	pb_buf_release(&c->msg);
	pb_buf_release(&c->num);
	for (i = 0; i < c->gap_ncols; i++)
		free(c->gap_cols[i]);
	free(c->gap_cols);
}

int pb_coverage_run(const struct pb_coverage_opts *o, struct pb_error *err)
{
	struct cov c;
	struct pb_out out = PB_OUT_INIT;
	int rc = 0;
	size_t f;

	memset(&c, 0, sizeof c);
	rows_read = 0;
	if (pb_coverage_check_opts(o, err) < 0)
		return -1;
	if (pb_out_open(&out, o->output, err) < 0)
		return -1;
	c.out = out.f;
	if (o->merge) {
		rc = run_merge(o, &c, err);
	} else {
		rc = cov_setup(&c, o, err);
		if (rc == 0 && o->links)
			rc = load_links(&c, err);
		for (f = 0; rc == 0 && f < (o->ninputs ? o->ninputs : 1); f++)
			rc = read_units(&c, o->ninputs ? o->inputs[f] : "-", err);
		if (rc == 0 && !o->gaps)
			rc = o->partial ? write_partial(&c) : finish(&c, err);
		if (rc < 0 && !err->code)
			pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	}
	pb_progress_done();
	if (rc == 0)
		rc = pb_out_commit(&out, err);
	else
		pb_out_abort(&out);
	cov_release(&c);
	if (rc < 0)
		return -1;
	return c.errors ? PB_EXIT_DATA : 0;
}
