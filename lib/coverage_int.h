/*
 * coverage_int: what the files of pb-coverage's engine share, and nothing
 * outside them sees. Each file one job, calls only downwards:
 *   coverage.c          options, setup, counting a register, --gaps, the run
 *   coverage_partial.c  --partial writes the aggregate; --merge reads it back
 *   coverage_table.c    the output table: rollup, --compare, --targets, sort, columns
 *   coverage_group.c    the aggregate all three use: groups, counts, sets, values
 */
#ifndef PB_COVERAGE_INT_H
#define PB_COVERAGE_INT_H

#include <stdint.h>
#include <stdio.h>

#include "pb/buf.h"
#include "pb/coverage.h"
#include "pb/map.h"
#include "pb/tsv.h"

#define COV_MAX_BY 16

/* What a run counts: org_mode, a --status column's values, or --links pairings. */
enum cov_mode { COV_ORG, COV_STATUS, COV_LINKS };

/*
 * The counts kept per group, in the order a partial writes them. A rate is
 * a sum of some of them over COV_UNITS; cov_count_names spells them.
 */
enum cov_count {
	COV_UNITS,
	COV_SINGLE,
	COV_JOINT,
	COV_WORK,
	COV_NONE,
	COV_MEMBERS,
	COV_SHOULD_BUILD,
	COV_COVERED,
	COV_NCOUNTS
};
extern const char *const cov_count_names[COV_NCOUNTS];

/* The sets kept per group: a member counts once however many units name it. */
enum cov_set { COV_SET_ORGS, COV_NSETS };

/* The counts of one group (or, in the table, of one output row). */
struct cov_stats {
	long long n[COV_NCOUNTS];
	long long *vals; /* --status: a count per distinct value, indexed as agg.values */
	size_t nvals;
};

/*
 * The aggregate: everything a pass over the register leaves, what a partial
 * carries and a merge rebuilds. Memory grows with groups, joint
 * organizations and status values, never with rows.
 */
struct cov_agg {
	size_t nby;           /* values in each group key */
	struct pb_map groups; /* encoded group values -> group index */
	struct cov_stats *st; /* per group */
	size_t st_cap;
	struct pb_map sets;   /* 4-byte group index, 4-byte set, member: per-group sets */
	struct pb_map values; /* --status: the distinct values seen */
	struct pb_buf key;    /* scratch for the key being built */
};

/* One run: the options in force, the aggregate, where rows go. */
struct cov {
	const struct pb_coverage_opts *o;
	enum cov_mode mode;
	struct pb_list by, covered, ptypes;
	struct cov_agg agg;
	struct pb_map linked; /* --links: unit_id -> index into nlinks */
	long long *nlinks;
	size_t nlinks_cap;
	struct pb_buf gap_header; /* --gaps: the first input's header, encoded as a key */
	long errors;              /* rows reported and left out */
	struct pb_buf msg;
	FILE *out;
};

/* coverage_exact.c */

/* An exact fraction n/d: d > 0 and the two reduced. d == 0 marks an unknown value. */
struct cov_frac {
	__int128 n, d;
};
/* n/d reduced into f. 0, or -1 when d is 0 or out of range. */
int cov_frac_make(__int128 n, __int128 d, struct cov_frac *f);
/* a - b, a * b, a / b, exactly. 0, or -1 when the result does not fit 128 bits. */
int cov_frac_sub(struct cov_frac a, struct cov_frac b, struct cov_frac *out);
int cov_frac_mul(struct cov_frac a, struct cov_frac b, struct cov_frac *out);
int cov_frac_div(struct cov_frac a, struct cov_frac b, struct cov_frac *out);
/* The double nearest to f, rounded once; NaN when f is unknown. */
double cov_frac_double(struct cov_frac f);
/* Decimal text (-12.5, 0.1, 1e-3) as the exact fraction it writes. 0 or -1. */
int cov_frac_decimal(struct pb_str s, struct cov_frac *f);
/* A decimal, or a fraction of two (6.5/12). 0 or -1. */
int cov_frac_parse(struct pb_str s, struct cov_frac *f);
/* --time-rate's text as a fraction from 0 to 1. 0 or -1. */
int cov_time_rate(const char *z, struct cov_frac *f);

/* coverage_group.c */

/* Reports a row-level data error (FILE:LINE: what) and counts it. */
void cov_row_error(struct cov *c, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Appends one value to an encoded key: 4-byte length, then the bytes. 0 or -1. */
int cov_key_add(struct pb_buf *k, struct pb_str v);
/* Decodes n values of an encoded key; the views point into key. */
void cov_key_values(struct pb_str key, struct pb_str *out, size_t n);
/* The group of the key in a->key, added when new; -1 out of memory. */
long cov_agg_group(struct cov_agg *a);
/* Adds member to group g's set. 0 or -1 out of memory. */
int cov_agg_add_member(struct cov_agg *a, long g, enum cov_set set, struct pb_str member);
/* Adds n to group g's count of status value v. 0 or -1 out of memory. */
int cov_agg_add_value(struct cov_agg *a, long g, struct pb_str v, long long n);
/* Decodes set entry i: its group, set and member. */
void cov_agg_member(const struct cov_agg *a, size_t i, uint32_t *g, enum cov_set *set,
                    struct pb_str *member);
void cov_agg_release(struct cov_agg *a);
/* dst += src, every count and value count. 0 or -1 out of memory. */
int cov_stats_add(struct cov_stats *dst, const struct cov_stats *src);
void cov_stats_release(struct cov_stats *s);

/* coverage_partial.c */

/* Writes c's aggregate and options as a partial. 0, or -1 with err. */
int cov_partial_write(struct cov *c, struct pb_error *err);

/*
 * The options a merge recovered from its partials; their strings point into
 * values. The caller releases it with cov_merged_release.
 */
struct cov_merged {
	struct pb_coverage_opts opts;
	char **values;
	size_t nvalues;
};
/*
 * Reads the partials named by top (or stdin) into agg, and hands back the
 * options they were made with. Bad rows are reported and counted in
 * c->errors. 0, or -1 with err.
 */
int cov_merge_read(struct cov *c, const struct pb_coverage_opts *top, struct cov_merged *m,
                   struct pb_error *err);
void cov_merged_release(struct cov_merged *m);

/* coverage_table.c */

/* Whether name is a column of some summary table (a --by column must not be one). */
int cov_is_output_column(const char *name);
/* Rolls the aggregate up into the table and writes it. 0, or -1 with err. */
int cov_table_write(struct cov *c, struct pb_error *err);

#endif
