/*
 * coverage_int: what the files of pb-coverage's engine share, and nothing
 * outside them sees. Each file one job, calls only downwards:
 *   coverage.c          options, setup, reading a register unit by unit, the run
 *   coverage_split.c    a large regular file read on two cores, merged as one pass
 *   coverage_list.c     unit lists: --gaps, --list, --changes
 *   coverage_partial.c  --partial writes the aggregate; --merge reads it back
 *   coverage_table.c    the summary table: rollup, --compare, --targets, sort
 *   coverage_columns.c  its columns, one table: name, when present, how written
 *   coverage_group.c    the aggregate they share: groups, counts, sums, sets, values
 *   coverage_exact.c    exact fractions and decimal sums
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
	COV_BUILT_SINCE,
	COV_NCOUNTS
};
extern const char *const cov_count_names[COV_NCOUNTS];

/* org_mode's values, in the order of their counts. */
enum cov_org_mode { COV_OM_SINGLE, COV_OM_JOINT, COV_OM_WORK, COV_OM_NONE };

/*
 * The per-group sets: a member counts once however many units name it.
 * Set 0 holds the joint organizations; set 1 + j the values of the
 * --distinct column j (agg.distinct's index).
 */
#define COV_SET_ORGS 0u

/* What reading one unit row found: the summary counts it, the lists pick by it. */
struct cov_unit {
	int mode;          /* effective org_mode on --as-of (org_mode counting) */
	long long members; /* -1 unknown */
	int should_build;
	int covered;     /* --status: a covered value; --links: enough partners */
	int built_since; /* --since: organization established in [since, as_of] */
};

/* An exact decimal: m / 10^scale. What --sum adds. */
struct cov_dec {
	__int128 m;
	int scale;
};

/* The counts of one group (or, in the table, of one output row). */
struct cov_stats {
	long long n[COV_NCOUNTS];
	long long *vals; /* --status: a count per distinct value, indexed as agg.values */
	size_t nvals;
	struct cov_dec *sums; /* per summed column, indexed as agg.sums */
	size_t nsums;
};

/*
 * The aggregate: everything a pass over the register leaves, what a partial
 * carries and a merge rebuilds. Memory grows with groups, joint
 * organizations and status values, never with rows.
 */
/*
 * A set of (group, set, member) triples of 32-bit numbers, each once, in the
 * order first added: the per-group sets once their members are numbered.
 */
struct cov_pairs {
	uint32_t (*v)[3]; /* group, set, member */
	size_t count, cap;
	uint32_t *slots; /* index + 1; 0 = empty */
	size_t nslots;
};
/*
 * Byte strings, each kept once and numbered in the order first put: the
 * members of the per-group sets. Smaller than a pb_map: a 4-byte offset per
 * string and an 8-byte slot (index, hash tag) at most 80% full.
 */
struct cov_members {
	char *text; /* the strings, end to end */
	size_t len, cap;
	uint32_t *off; /* per string: its start in text; off[count] = len */
	size_t count, off_cap;
	uint64_t *slots; /* index + 1 in the low half, the hash's high half above; 0 = empty */
	size_t nslots;
};
/* The number of s, added when new; -1 out of memory (or over 4 GiB of text). */
long cov_members_put(struct cov_members *m, struct pb_str s);
/* String i; borrowed, valid until the next put. */
struct pb_str cov_members_get(const struct cov_members *m, size_t i);
void cov_members_release(struct cov_members *m);

/* Adds (g, set, m): 1 when new, 0 when there, -1 out of memory. */
int cov_pairs_put(struct cov_pairs *p, uint32_t g, uint32_t set, uint32_t m);
void cov_pairs_release(struct cov_pairs *p);

struct cov_agg {
	size_t nby;           /* values in each group key */
	struct pb_map groups; /* encoded group values -> group index */
	struct cov_stats *st; /* per group */
	size_t st_cap;
	/* the groups again, found from a row's values without encoding them */
	uint32_t *gslots; /* group + 1; 0 = empty */
	uint64_t *ghash;  /* per indexed group */
	size_t ngslots, gindexed, ghash_cap;
	long glast;          /* the group found last, + 1: registers sorted by region repeat it */
	int glast_hit;       /* it was the last row's too: try it first again */
	unsigned glast_tick; /* else try it every 16th row, to notice a sorted run */
	struct cov_members members; /* the text of every set member, once */
	struct cov_pairs sets;      /* per-group sets: group, set, member (index in members) */
	struct pb_map values;       /* --status: the distinct values seen */
	struct pb_map sums;         /* the summed columns: --sum's and the targets' measures */
	struct pb_map distinct;     /* the --distinct columns */
	struct pb_buf key;          /* scratch for the key being built */
	double sum_max;             /* the largest |value| or |running sum| --sum has met */
	int sum_scale;              /* and the most decimals */
};

struct cov_lists;

/* Column indexes of one input file; -1 = absent (reads as empty). */
struct cov_cols {
	int by[COV_MAX_BY];
	int org_mode, org_id, org_name, members, instructor;
	int established, dissolved, opened, closed, status, unit_id;
	int *sums;     /* per summed column (agg.sums) */
	int *distinct; /* per --distinct column (agg.distinct) */
};

/* One run: the options in force, the aggregate, where rows go. */
struct cov {
	const struct pb_coverage_opts *o;
	enum cov_mode mode;
	struct pb_list by, covered, ptypes, sum, distinct;
	struct cov_agg agg;
	struct pb_map linked; /* --links: unit_id -> index into nlinks */
	long long *nlinks;
	size_t nlinks_cap;
	struct cov_lists *lists; /* --gaps, --list, --changes (coverage_list.c) */
	long errors;             /* rows reported and left out */
	int quiet;               /* count row errors without reporting them (a second core) */
	struct pb_buf msg;
	FILE *out;
};

/* coverage.c */

/* One row of the register: counted, listed, or compared. 0, or -1 out of memory. */
int cov_add_row(struct cov *c, const struct pb_tsv_reader *r, const struct cov_cols *k);

/* coverage_split.c */

/*
 * Reads what is left of r on two cores when it is a large regular file and
 * the run only counts: 1 when r is read to its end and counted as one pass
 * would, 0 when the caller reads the rest itself (a pipe, a small file, or
 * a second half that a single pass must read to report its rows in order),
 * -1 with err.
 */
int cov_split_read(struct cov *c, struct pb_tsv_reader *r, const struct cov_cols *k,
                   struct pb_error *err);

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
/* Plain decimal text ([-]digits[.digits]) exactly. 0 or -1. */
int cov_dec_parse(struct pb_str s, struct cov_dec *d);
/* *acc += v exactly. 0, or -1 when the sum does not fit (acc unchanged). */
int cov_dec_add(struct cov_dec *acc, struct cov_dec v);
/* d as a reduced fraction (unknown if it cannot be). */
struct cov_frac cov_dec_frac(struct cov_dec d);
/* Appends d's exact decimal text. 0 or -1. */
int cov_dec_put(struct pb_buf *b, struct cov_dec d);

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
/* The group of these a->nby values, or -2 when there is none yet; -1 out of memory. */
long cov_agg_find(struct cov_agg *a, const struct pb_str *v);
/* Adds member to group g's set. 0 or -1 out of memory. */
int cov_agg_add_member(struct cov_agg *a, long g, uint32_t set, struct pb_str member);
/* Adds n to group g's count of status value v. 0 or -1 out of memory. */
int cov_agg_add_value(struct cov_agg *a, long g, struct pb_str v, long long n);
/* Adds v to group g's sum j. 0, -1 out of memory, -2 when the sum would not fit. */
int cov_agg_add_sum(struct cov_agg *a, long g, size_t j, struct cov_dec v);
/* The index of a summed (or --distinct) column, added when new; -1 out of memory. */
long cov_agg_column(struct pb_map *cols, struct pb_str name);
/* Decodes set entry i: its group, set and member. */
void cov_agg_member(const struct cov_agg *a, size_t i, uint32_t *g, uint32_t *set,
                    struct pb_str *member);
void cov_agg_release(struct cov_agg *a);
/*
 * dst += src, where src counted rows that follow dst's: groups, values and
 * set members new to dst are added in src's order, so dst is what one pass
 * over both would have left. src's sets are used up on the way (only
 * cov_agg_release is left to do with it). 0, or -1 out of memory (dst then
 * unusable). The caller has checked that no sum overflows (cov_agg_sums_safe).
 */
int cov_agg_merge(struct cov_agg *dst, struct cov_agg *src);
/* Whether no running sum of one pass over a's and b's rows can overflow. */
int cov_agg_sums_safe(const struct cov_agg *a, const struct cov_agg *b);
/* dst += src: every count, value count and sum. 0, -1 out of memory, -2 a sum too large. */
int cov_stats_add(struct cov_stats *dst, const struct cov_stats *src);
void cov_stats_release(struct cov_stats *s);

/* coverage_list.c */

/* The --list COLUMN and the options it needs. 0, or -1 with err (a usage error). */
int cov_list_check(const struct pb_coverage_opts *o, struct pb_error *err);
/* Readies the list the options ask for (reads --changes' ids). 0, or -1 with err. */
int cov_lists_open(struct cov *c, struct pb_error *err);
/* An input's header: the list's header from the first, the same for the others. */
int cov_list_header(struct cov *c, const struct pb_tsv_reader *r, struct pb_error *err);
/* Writes the row if the list takes it. 0, or -1 out of memory. */
int cov_list_row(struct cov *c, const struct pb_tsv_reader *r, const struct cov_unit *u);
/*
 * --changes: the row's change since PREV, written if any. org_mode and
 * unit_id are the row's column indexes. 0, or -1 out of memory.
 */
int cov_changes_row(struct cov *c, const struct pb_tsv_reader *r, int org_mode, int unit_id);
/* After the last input: --changes writes PREV's units that are gone. 0, or -1 with err. */
int cov_lists_close(struct cov *c, struct pb_error *err);
void cov_lists_free(struct cov *c);
/* The org_mode as written (canonical, a Chinese label or an alias), or -1 after reporting. */
int cov_written_mode(struct cov *c, const struct pb_tsv_reader *r, struct pb_str s);

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

/* coverage_table.c and coverage_columns.c: the summary table */

/* The rates: a sum of counts over units. --compare gives each its change in points. */
enum cov_rate { COV_R_ORG, COV_R_SINGLE, COV_R_WORK, COV_R_COVERED, COV_NRATES };
struct cov_rate_def {
	const char *name;
	unsigned counts; /* the numerator: these counts (bit k: count k) summed */
};
extern const struct cov_rate_def cov_rates[COV_NRATES];

/* One output row: a group, a subtotal or the total. */
struct cov_row {
	struct cov_stats s;
	long long orgs;  /* single units + distinct joint organizations */
	long long *sets; /* per set: its distinct members over the row's groups */
	unsigned mask;   /* bit i: group column i is summed over (合计) */
	int present;     /* has counts of this run (else only --compare or --targets) */
	int has_prev;    /* --compare */
	struct cov_frac prev[COV_NRATES];
	int has_target; /* --targets */
	struct cov_frac target;
	int has_measure; /* done sums a column of the register, not units */
	long measure;    /* that column's index in agg.sums */
	int32_t start, end;
	struct pb_str *v; /* the group values, decoded once every row exists */
};

/* The summary table being built and written. */
struct cov_table {
	struct cov *c;
	unsigned when;      /* which optional columns the run has (coverage_columns.c) */
	struct pb_map keys; /* encoded group values (合计 included) -> row */
	struct cov_row *rows;
	size_t cap;
	size_t *order;  /* rows in output order */
	size_t *vorder; /* --status: value indexes in byte order */
	size_t nv;
	long *sum_at;         /* per --sum column: its index in agg.sums */
	long *distinct_at;    /* per --distinct column: its index in agg.distinct */
	size_t nsets;         /* sets per row: the joint organizations and each --distinct */
	struct pb_buf period; /* --compare with a trend table: the period compared with */
	int has_period;
	int32_t as_of;             /* the day time_rate is measured on */
	struct cov_frac time_rate; /* --time-rate, or unknown: the calendar */
	struct pb_buf num;
};

/* coverage_columns.c */

/* Whether name is a column of some summary table (a --by column must not be one). */
int cov_is_output_column(const char *name);
/* Which optional columns this run's table has. */
unsigned cov_columns_of(const struct cov *c);
/* Writes the header (w NULL) or row w, every column the run has. 0, or -1 out of memory. */
int cov_columns_write(struct cov_table *t, const struct cov_row *w);

/* coverage_table.c */

/* Rolls the aggregate up into the table and writes it. 0, or -1 with err. */
int cov_table_write(struct cov *c, struct pb_error *err);
/* The measure columns a --targets file names: added to the summed columns. 0, or -1 with err. */
int cov_targets_measures(struct cov *c, struct pb_error *err);

#endif
