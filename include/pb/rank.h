/*
 * rank: pb-rank's engine — reads scores (long or wide form), aggregates
 * judges, normalizes and weights indicators into one composite score per
 * entity, ranks within groups (ties min, dense or ordinal) and derives
 * stars, grades, quota grades, top/bottom flags, rank changes, streaks and
 * weight-sensitivity ranges. See man/pb-rank.1 for every exact rule.
 */
#ifndef PB_RANK_H
#define PB_RANK_H

#include <stddef.h>

#include "pb/diag.h"

/*
 * Options as typed on the command line; every string is borrowed (valid for
 * the whole run) and NULL means "not given" (the documented default).
 */
struct pb_rank_opts {
	const char *id_col;       /* --id: default entity_id, else unit_id */
	const char *name_col;     /* --name: default entity_name, else unit_name, else none */
	const char *by;           /* --by COL[,COL…] */
	const char *score_cols;   /* --score COL[,COL…]: wide form */
	const char *judges;       /* --judges COL,…|PATTERN: one column per judge (a sheet) */
	const char *judge_agg;    /* mean|median|trim:K */
	const char *normalize;    /* none|minmax|zscore|rank */
	const char *weights_file; /* --weights FILE */
	const char *weight;       /* --weight IND=W[,…] */
	const char *aggregate;    /* sum|mean|geomean */
	const char *missing;      /* zero|mean|skip; NULL = a missing indicator is an error */
	const char *order;        /* desc|asc */
	const char *ties;         /* min|dense|ordinal */
	const char *stars;        /* T5,T4,T3,T2 */
	const char *grades;       /* LABEL:T,…[,LABEL] */
	const char *quota;        /* LABEL:N|P%,…[,LABEL] */
	const char *top;          /* N|P%[:LABEL] */
	const char *bottom;       /* N|P%[:LABEL] */
	const char *prev;         /* --prev FILE */
	const char *history;      /* --history FILE */
	const char *period;       /* --period P */
	const char *streak_top;   /* --streak-top N (default 1): a period counts at rank <= N */
	const char *sensitivity;  /* N[:PCT] */
	const char *seed;         /* --seed S (default 0) */
	const char *output;       /* -o FILE; NULL or "-" = stdout */
	char *const *inputs;      /* input files; none = stdin */
	size_t ninputs;
};

/* Every option not given (its documented default): stdin to stdout. */
#define PB_RANK_OPTS_INIT                                                                          \
	{                                                                                          \
		.output = NULL, .inputs = NULL, .ninputs = 0                                       \
	}

/*
 * Checks every option value (spec syntax, ranges, combinations) without
 * reading any file; the command calls it once, before pb_rank_run. 0, or -1
 * with err (PB_EXIT_FATAL, a usage error).
 */
int pb_rank_check_opts(const struct pb_rank_opts *o, struct pb_error *err);

/*
 * Runs pb-rank: reads the inputs, writes the ranking to o->output. An entity
 * is its id, or with --by the pair (its --by values, its id); --prev and
 * --history rows match on the --by columns too when their file has them all,
 * else on the id alone. Memory: one record and one map key per entity. Row-level
 * data errors are reported on stderr as FILE:LINE and the rest is still
 * ranked. Returns 0, PB_EXIT_DATA (1) when some rows or entities were
 * rejected, or -1 with err filled (fatal: usage, unreadable file, missing
 * column, write error, out of memory).
 */
int pb_rank_run(const struct pb_rank_opts *o, struct pb_error *err);

#endif
