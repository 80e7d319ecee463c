/*
 * coverage_partial: --partial writes the aggregate of one part of a register
 * with the options it was made with; --merge reads any number of them back
 * into one aggregate and hands those options back to the run.
 *
 * A partial is pb TSV: `#pb_coverage_partial, by:COL..., item, value`, then
 * one row per option, per non-zero count, status value count and sum
 * (exact decimal text), and per set member (joint organizations, --distinct
 * values). Its rows are a multiset: concatenated or shuffled partials
 * (a Hadoop Streaming reducer's sorted input) merge to the same table.
 */
#include "coverage_int.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pb/text.h"
#include "pb/value.h"

#define PARTIAL_MAGIC   "#pb_coverage_partial" /* sorts before every data row */
#define PARTIAL_VERSION "1"

/* ---------- the options a partial records ---------- */

enum opt_kind { OPT_TEXT, OPT_FLAG, OPT_NUMBER, OPT_DATE };

/* One recorded option: its name, how its value is written, where it lives in the options. */
struct opt_field {
	const char *name;
	enum opt_kind kind;
	size_t off, has; /* has: the flag saying a date is set */
};

#define AT(f) offsetof(struct pb_coverage_opts, f)
static const struct opt_field opt_fields[] = {
	{ "by", OPT_TEXT, AT(by), 0 },
	{ "total", OPT_FLAG, AT(total), 0 },
	{ "rollup", OPT_FLAG, AT(rollup), 0 },
	{ "min_members", OPT_NUMBER, AT(min_members), 0 },
	{ "as_of", OPT_DATE, AT(as_of), AT(has_as_of) },
	{ "status", OPT_TEXT, AT(status), 0 },
	{ "covered", OPT_TEXT, AT(covered), 0 },
	{ "links", OPT_TEXT, AT(links), 0 },
	{ "partners", OPT_TEXT, AT(partners), 0 },
	{ "partner_type", OPT_TEXT, AT(partner_type), 0 },
	{ "min_links", OPT_NUMBER, AT(min_links), 0 },
	{ "compare", OPT_TEXT, AT(compare), 0 },
	{ "targets", OPT_TEXT, AT(targets), 0 },
	{ "time_rate", OPT_TEXT, AT(time_rate), 0 },
	{ "sum", OPT_TEXT, AT(sum), 0 },
	{ "distinct", OPT_TEXT, AT(distinct), 0 },
	{ "since", OPT_DATE, AT(since), AT(has_since) },
	{ "period", OPT_TEXT, AT(period), 0 },
	{ NULL, OPT_TEXT, 0, 0 },
};
#undef AT

#define FIELD(o, off, type) ((type *)(void *)((char *)(o) + (off)))

/* Appends the value of option f as a partial writes it. */
static int option_text(const struct pb_coverage_opts *o, const struct opt_field *f,
                       struct pb_buf *b)
{
	char date[11];
	const char *z;

	if (f->has && !*FIELD(o, f->has, const int))
		return 0;
	switch (f->kind) {
	case OPT_TEXT: z = *FIELD(o, f->off, const char *const); return pb_buf_adds(b, z ? z : "");
	case OPT_FLAG: return pb_buf_addf(b, "%d", *FIELD(o, f->off, const int));
	case OPT_NUMBER: return pb_buf_addf(b, "%ld", *FIELD(o, f->off, const long));
	case OPT_DATE:
		pb_format_date(*FIELD(o, f->off, const int32_t), date);
		return pb_buf_adds(b, date);
	}
	return -1;
}

/* Sets option f from the text v, which must outlive o. 0, or -1 for a bad value. */
static int option_set(struct pb_coverage_opts *o, const struct opt_field *f, const char *v)
{
	struct pb_str s = pb_str_z(v);
	long long n;

	if (f->has)
		*FIELD(o, f->has, int) = *v != '\0';
	if (f->has && !*v)
		return 0;
	switch (f->kind) {
	case OPT_TEXT: *FIELD(o, f->off, const char *) = *v ? v : NULL; return 0;
	case OPT_FLAG: *FIELD(o, f->off, int) = strcmp(v, "1") == 0; return 0;
	case OPT_NUMBER:
		if (pb_parse_int(s, &n) < 0 || n < LONG_MIN || n > LONG_MAX)
			return -1;
		*FIELD(o, f->off, long) = (long)n;
		return 0;
	case OPT_DATE: return pb_parse_date(s, FIELD(o, f->off, int32_t));
	}
	return -1;
}

/* ---------- writing ---------- */

/* One partial row: rec, the group's values (or empty ones), item, value. */
static void partial_row(struct cov *c, const char *rec, const struct pb_str *group,
                        struct pb_str item, struct pb_str value)
{
	size_t i;

	fputs(rec, c->out);
	for (i = 0; i < c->by.n; i++) {
		putc('\t', c->out);
		if (group)
			pb_tsv_put_str(c->out, group[i]);
	}
	putc('\t', c->out);
	pb_tsv_put_str(c->out, item);
	putc('\t', c->out);
	pb_tsv_put_str(c->out, value);
	putc('\n', c->out);
}

static void count_row(struct cov *c, const char *rec, const struct pb_str *group,
                      struct pb_str item, long long n)
{
	char num[32];
	int len;

	if (!n)
		return;
	len = snprintf(num, sizeof num, "%lld", n);
	partial_row(c, rec, group, item, (struct pb_str){ num, (size_t)len });
}

static int write_options(struct cov *c, struct pb_error *err)
{
	struct pb_buf v = PB_BUF_INIT;
	const struct opt_field *f;
	int rc = 0;

	partial_row(c, "option", NULL, PB_STR("version"), PB_STR(PARTIAL_VERSION));
	for (f = opt_fields; f->name && rc == 0; f++) {
		pb_buf_reset(&v);
		if ((rc = option_text(c->o, f, &v)) == 0)
			partial_row(c, "option", NULL, pb_str_z(f->name),
			            (struct pb_str){ v.p ? v.p : "", v.len });
	}
	pb_buf_release(&v);
	return rc < 0 ? pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory") : 0;
}

/* A group's sums, as exact decimal text. 0 or -1 out of memory. */
static int sum_rows(struct cov *c, const struct pb_str *group, const struct cov_stats *s)
{
	struct pb_buf v = PB_BUF_INIT;
	size_t j;
	int rc = 0;

	for (j = 0; j < s->nsums && rc == 0; j++) {
		if (!s->sums[j].m)
			continue;
		pb_buf_reset(&v);
		if ((rc = cov_dec_put(&v, s->sums[j])) == 0)
			partial_row(c, "sum", group, pb_map_key(&c->agg.sums, j),
			            (struct pb_str){ v.p, v.len });
	}
	pb_buf_release(&v);
	return rc;
}

int cov_partial_write(struct cov *c, struct pb_error *err)
{
	struct pb_str group[COV_MAX_BY], member;
	size_t i, g, v;
	uint32_t gi, set;

	fputs(PARTIAL_MAGIC, c->out);
	for (i = 0; i < c->by.n; i++) {
		fputs("\tby:", c->out);
		pb_tsv_puts(c->out, c->by.v[i]);
	}
	fputs("\titem\tvalue\n", c->out);
	if (write_options(c, err) < 0)
		return -1;
	for (g = 0; g < c->agg.groups.count; g++) {
		const struct cov_stats *s = &c->agg.st[g];
		cov_key_values(pb_map_key(&c->agg.groups, g), group, c->by.n);
		for (i = 0; i < COV_NCOUNTS; i++)
			count_row(c, "count", group, pb_str_z(cov_count_names[i]), s->n[i]);
		for (v = 0; v < s->nvals; v++)
			count_row(c, "status", group, pb_map_key(&c->agg.values, v), s->vals[v]);
		if (sum_rows(c, group, s) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	}
	for (i = 0; i < c->agg.sets.count; i++) {
		cov_agg_member(&c->agg, i, &gi, &set, &member);
		cov_key_values(pb_map_key(&c->agg.groups, gi), group, c->by.n);
		if (set == COV_SET_ORGS)
			partial_row(c, "org", group, member, PB_STR(""));
		else
			partial_row(c, "distinct", group, pb_map_key(&c->agg.distinct, set - 1),
			            member);
	}
	return 0;
}

/* ---------- merging ---------- */

/*
 * What merging has gathered besides the aggregate: the first file's header
 * and name, and every option's value (each occurrence must agree).
 */
struct merge {
	struct pb_buf header; /* the first file's header, encoded as a key */
	const char *first;
	size_t ncols;
	struct pb_map names; /* option name -> index into values */
	char **values;       /* owned */
	size_t cap;
	long long totals[COV_NCOUNTS + 1]; /* each count summed over every group */
};

/* Encodes n header names (or a row's fields) as a key in b. 0 or -1. */
static int header_key(struct pb_buf *b, char *const *cols, const struct pb_str *fields, size_t n)
{
	size_t i;

	pb_buf_reset(b);
	for (i = 0; i < n; i++)
		if (cov_key_add(b, cols ? pb_str_z(cols[i]) : fields[i]) < 0)
			return -1;
	return 0;
}

/* The first file's header: #pb_coverage_partial, by:COL..., item, value. Sets nby. */
static int first_header(struct cov *c, struct merge *m, const struct pb_tsv_reader *r,
                        struct pb_error *err)
{
	size_t i;

	if (r->ncols < 3 || strcmp(r->cols[0], PARTIAL_MAGIC) != 0 ||
	    strcmp(r->cols[r->ncols - 2], "item") != 0 ||
	    strcmp(r->cols[r->ncols - 1], "value") != 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "not a pb-coverage --partial output");
	for (i = 1; i + 2 < r->ncols; i++)
		if (strncmp(r->cols[i], "by:", 3) != 0)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "not a pb-coverage --partial output");
	if (r->ncols - 3 > COV_MAX_BY)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "bad partial header");
	c->agg.nby = r->ncols - 3;
	m->first = r->name;
	m->ncols = r->ncols;
	if (header_key(&m->header, r->cols, NULL, r->ncols) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "out of memory");
	return 0;
}

/* A later header (a file's, or a repeated one in a stream) must be the first file's. */
static int same_header(struct cov *c, struct merge *m, const struct pb_tsv_reader *r, int row,
                       struct pb_error *err)
{
	int same;

	if (header_key(&c->agg.key, row ? NULL : r->cols, r->fields, row ? r->nfields : r->ncols) <
	    0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line, "out of memory");
	same = c->agg.key.len == m->header.len &&
	    memcmp(c->agg.key.p, m->header.p, m->header.len) == 0;
	if (!same)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, row ? r->line : 1,
		                    "partial grouped by other columns than %s", m->first);
	return 0;
}

/* Records one option row; a second occurrence must carry the same value. */
static int merge_option(struct merge *m, const struct pb_tsv_reader *r, struct pb_error *err)
{
	struct pb_str name = r->fields[m->ncols - 2], value = r->fields[m->ncols - 1];
	int is_new;
	long i;

	/* option values name output columns (COL_sum, status=VALUE): text only */
	if (pb_utf8_invalid_at(value.p, value.n) != (size_t)-1 ||
	    pb_utf8_invalid_at(name.p, name.n) != (size_t)-1)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line,
		                    "bad partial: an option row that is not UTF-8 text");
	i = pb_map_put(&m->names, name.p, name.n, &is_new);
	if (i < 0 || pb_grow_zeroed(&m->values, &m->cap, (size_t)i, sizeof *m->values) < 0 ||
	    (is_new && !(m->values[i] = pb_strdup_str(value))))
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line, "out of memory");
	if (!pb_str_eqz(value, m->values[i]))
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line,
		                    "partial made with other options: %.*s=%.*s, but %.*s=%s in %s",
		                    (int)name.n, name.p, (int)value.n, value.p, (int)name.n, name.p,
		                    m->values[i], m->first);
	return 0;
}

/* The record kinds of a partial's data rows, as their first field names them. */
enum rec { REC_COUNT, REC_STATUS, REC_ORG, REC_SUM, REC_DISTINCT, REC_UNKNOWN };
static const char *const rec_names[REC_UNKNOWN] = { "count", "status", "org", "sum", "distinct" };

static enum rec record_of(struct pb_str rec, struct pb_str item, size_t *count)
{
	int k;

	for (k = 0; k < REC_UNKNOWN && !pb_str_eqz(rec, rec_names[k]); k++)
		;
	if (k != REC_COUNT)
		return (enum rec)k;
	for (*count = 0; *count < COV_NCOUNTS; ++*count)
		if (pb_str_eqz(item, cov_count_names[*count]))
			return REC_COUNT;
	return REC_UNKNOWN;
}

/* Checks a record's value: a count (for counts), a decimal (for sums). 0, or -1 after reporting. */
static int record_value(struct cov *c, struct merge *m, const struct pb_tsv_reader *r,
                        enum rec kind, size_t count, long long *n, struct cov_dec *d)
{
	struct pb_str rec = r->fields[0], item = r->fields[m->ncols - 2],
	              val = r->fields[m->ncols - 1];
	long long *total = &m->totals[kind == REC_COUNT ? count : COV_NCOUNTS];
	const char *bad = NULL;

	*n = 0;
	if (kind == REC_SUM && cov_dec_parse(val, d) < 0)
		bad = "bad partial: sum '%.*s' is not a number";
	else if (kind != REC_ORG && kind != REC_DISTINCT && kind != REC_SUM &&
	         (pb_parse_int(val, n) < 0 || *n < 0))
		bad = "bad partial: value '%.*s' is not a count";
	/* every count summed over all groups stays in range, so no row's sum can overflow */
	else if (kind != REC_UNKNOWN && *n > LLONG_MAX - *total)
		bad = "bad partial: count '%.*s' too large";
	if (bad) {
		cov_row_error(c, r->name, r->line, bad, (int)val.n, val.p);
		return -1;
	}
	if (kind == REC_UNKNOWN) {
		cov_row_error(c, r->name, r->line, "bad partial: unknown record '%.*s' '%.*s'",
		              (int)rec.n, rec.p, (int)item.n, item.p);
		return -1;
	}
	*total += *n;
	return 0;
}

/* Adds one data row of a partial; 0 (added or reported), -1 out of memory. */
static int merge_row(struct cov *c, struct merge *m, const struct pb_tsv_reader *r)
{
	size_t nby = c->agg.nby, i, count = COV_NCOUNTS;
	struct pb_str item = r->fields[nby + 1], val = r->fields[nby + 2];
	enum rec kind = record_of(r->fields[0], item, &count);
	struct cov_dec d;
	long long n;
	long g, j;
	int rc;

	if (record_value(c, m, r, kind, count, &n, &d) < 0)
		return 0;
	/* a status value, summed or distinct column names an output column: text only */
	if ((kind == REC_STATUS || kind == REC_SUM || kind == REC_DISTINCT) &&
	    pb_utf8_invalid_at(item.p, item.n) != (size_t)-1) {
		cov_row_error(c, r->name, r->line, "item: invalid UTF-8 (it names a column)");
		return 0;
	}
	pb_buf_reset(&c->agg.key);
	for (i = 0; i < nby; i++)
		if (cov_key_add(&c->agg.key, r->fields[i + 1]) < 0)
			return -1;
	if ((g = cov_agg_group(&c->agg)) < 0)
		return -1;
	switch (kind) {
	case REC_ORG: return cov_agg_add_member(&c->agg, g, COV_SET_ORGS, item);
	case REC_STATUS: return cov_agg_add_value(&c->agg, g, item, n);
	case REC_DISTINCT:
		j = cov_agg_column(&c->agg.distinct, item);
		return j < 0 ? -1 : cov_agg_add_member(&c->agg, g, (uint32_t)(1 + j), val);
	case REC_SUM:
		if ((j = cov_agg_column(&c->agg.sums, item)) < 0 ||
		    (rc = cov_agg_add_sum(&c->agg, g, (size_t)j, d)) == -1)
			return -1;
		if (rc == -2)
			cov_row_error(c, r->name, r->line, "bad partial: sum '%.*s' too large",
			              (int)val.n, val.p);
		return 0;
	default: c->agg.st[g].n[count] += n; return 0;
	}
}

/* Reads one partial file into the aggregate. */
static int merge_file(struct cov *c, struct merge *m, const char *path, struct pb_error *err)
{
	struct pb_tsv_reader r;
	int rc;

	if ((rc = pb_tsv_open(&r, path, err)) == 0)
		rc = m->first ? same_header(c, m, &r, 0, err) : first_header(c, m, &r, err);
	while (rc == 0 && (rc = pb_tsv_next_row(&r, &c->errors, err)) > 0) {
		if (pb_str_eqz(r.fields[0], PARTIAL_MAGIC))
			rc = same_header(c, m, &r, 1, err);
		else if (pb_str_eqz(r.fields[0], "option"))
			rc = merge_option(m, &r, err);
		else if ((rc = merge_row(c, m, &r)) < 0)
			pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
	}
	pb_tsv_close(&r);
	return rc < 0 ? -1 : 0;
}

/* Rebuilds the options the partials recorded; their text stays in m. */
static int merge_options(struct merge *m, struct pb_coverage_opts *o, struct pb_error *err)
{
	struct pb_buf by = PB_BUF_INIT;
	struct pb_str cols[COV_MAX_BY + 3];
	const struct opt_field *f;
	size_t i;
	int rc = 0;
	long v = pb_map_find(&m->names, "version", 7);

	if (v < 0)
		return pb_error_set(err, PB_EXIT_FATAL, m->first, 0,
		                    "not a complete pb-coverage --partial output (no version)");
	for (i = 0; i < m->names.count; i++) {
		struct pb_str name = pb_map_key(&m->names, i);
		for (f = opt_fields; f->name && !pb_str_eqz(name, f->name); f++)
			;
		if (f->name ? option_set(o, f, m->values[i]) < 0
		            : (long)i != v || strcmp(m->values[i], PARTIAL_VERSION) != 0)
			return pb_error_set(
			    err, PB_EXIT_FATAL, m->first, 0,
			    "bad partial: option '%.*s' (made by another pb version?)", (int)name.n,
			    name.p);
	}
	/* the by option must name the header's by: columns */
	cov_key_values((struct pb_str){ m->header.p, m->header.len }, cols, m->ncols);
	for (i = 1; i + 2 < m->ncols && rc == 0; i++)
		rc =
		    pb_buf_addf(&by, "%s%.*s", i > 1 ? "," : "", (int)cols[i].n - 3, cols[i].p + 3);
	if (rc == 0 && strcmp(by.p ? by.p : "", o->by ? o->by : "") != 0)
		rc = pb_error_set(err, PB_EXIT_FATAL, m->first, 1,
		                  "bad partial: its header does not match its by option");
	else if (rc < 0)
		pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	pb_buf_release(&by);
	return rc;
}

int cov_merge_read(struct cov *c, const struct pb_coverage_opts *top, struct cov_merged *out,
                   struct pb_error *err)
{
	struct merge m;
	size_t f, n = top->ninputs ? top->ninputs : 1;
	int rc = 0;

	memset(&m, 0, sizeof m);
	out->opts = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	for (f = 0; f < n && rc == 0; f++)
		rc = merge_file(c, &m, top->ninputs ? top->inputs[f] : "-", err);
	if (rc == 0)
		rc = merge_options(&m, &out->opts, err);
	out->opts.output = top->output;
	/* the recovered options point into these values */
	out->values = m.values;
	out->nvalues = m.names.count;
	pb_map_release(&m.names);
	pb_buf_release(&m.header);
	return rc;
}

void cov_merged_release(struct cov_merged *m)
{
	size_t i;

	for (i = 0; i < m->nvalues && m->values; i++)
		free(m->values[i]);
	free(m->values);
	m->values = NULL;
	m->nvalues = 0;
}
