/*
 * coverage: pb-coverage's engine — counts a units register by org_mode (or
 * any categorical column, or pairing links) per group in one streaming pass,
 * with sums, distinct counts, totals, rollups, comparisons, targets, unit
 * lists (gaps, a column's units, changes since a register) and mergeable
 * partial aggregates. Memory grows with groups, distinct joint organizations
 * and distinct values (and, for --changes, the earlier register's ids),
 * never with rows.
 */
#ifndef PB_COVERAGE_H
#define PB_COVERAGE_H

#include <stdint.h>

#include "pb/diag.h"

struct pb_coverage_opts {
	const char *by;   /* "COL[,COL...]" or NULL: one row for everything */
	int total;        /* --total: grand-total row */
	int rollup;       /* --rollup: subtotals for every prefix of by, and the grand total */
	long min_members; /* --min-members (default 3) */
	int has_as_of;
	int32_t as_of;         /* --as-of, days since 1970-01-01 */
	const char *compare;   /* --compare PREV.tsv */
	const char *targets;   /* --targets FILE */
	const char *time_rate; /* --time-rate R: a decimal or a fraction (6.5/12) in [0,1] */
	int gaps;              /* --gaps: list the units that need action */
	const char *list;      /* --list COLUMN: the units counted in that column */
	const char *changes;   /* --changes PREV.tsv: the units changed since that register */
	const char *sum;       /* --sum COL[,COL...]: COL_sum per group */
	const char *distinct;  /* --distinct COL[,COL...]: COL_distinct per group */
	int has_since;
	int32_t since;            /* --since DATE: built_since, with --as-of */
	const char *period;       /* --period LABEL: a leading period column */
	const char *status;       /* --status COL */
	const char *covered;      /* --covered V1,V2 (default "1") */
	const char *links;        /* --links FILE */
	const char *partners;     /* --partners UNITS.tsv */
	const char *partner_type; /* --partner-type T1,T2 */
	long min_links;           /* --min-links K (default 1) */
	int partial;              /* --partial: emit mergeable partial aggregates */
	int merge;                /* --merge: the inputs are partials */
	const char *output;       /* -o FILE, or NULL for stdout */
	char *const *inputs;      /* inputs; none = stdin */
	size_t ninputs;
};

#define PB_COVERAGE_OPTS_INIT                                                                      \
	{                                                                                          \
		.min_members = 3, .min_links = 1                                                   \
	}

/*
 * Checks that the options go together: 0, or -1 with err (PB_EXIT_FATAL, a
 * usage error). pb_coverage_run calls it too.
 */
int pb_coverage_check_opts(const struct pb_coverage_opts *o, struct pb_error *err);

/*
 * Runs pb-coverage: reads the inputs, writes the table to o->output (atomic)
 * or stdout. Row-level data errors are reported on stderr as FILE:LINE and
 * counted. Returns 0, PB_EXIT_DATA (1) when some rows were rejected, or -1
 * with err filled (fatal: unreadable input, missing column, bad options).
 */
int pb_coverage_run(const struct pb_coverage_opts *o, struct pb_error *err);

/*
 * The calendar share of a period [start, end] elapsed on as_of, both ends
 * inclusive: (as_of - start + 1) / (end - start + 1), clamped to [0,1] and
 * correctly rounded. NaN when end < start.
 */
double pb_coverage_time_rate(int32_t start, int32_t end, int32_t as_of);

#endif
