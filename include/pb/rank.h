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
#include <stdint.h>

#include "pb/buf.h"
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
	const char *streak_top;   /* --streak-top N (default 1) */
	const char *sensitivity;  /* N[:PCT] */
	const char *seed;         /* --seed S (default 0) */
	const char *output;       /* -o FILE; NULL or "-" = stdout */
	char *const *inputs;      /* input files; none = stdin */
	size_t ninputs;
};

#define PB_RANK_OPTS_INIT                                                                          \
	{                                                                                          \
		0                                                                                  \
	}

/*
 * Checks every option value (spec syntax, ranges, combinations) without
 * reading any file. 0, or -1 with err (PB_EXIT_FATAL, a usage error).
 */
int pb_rank_opts_check(const struct pb_rank_opts *o, struct pb_error *err);

/*
 * Runs pb-rank: reads the inputs, writes the ranking to o->output. An entity
 * is its id, or with --by the pair (its --by values, its id); --prev and
 * --history rows match on the --by columns too when their file has them all,
 * else on the id alone. Memory: one record and one map key per entity. Row-level
 * data errors are reported on stderr as FILE:LINE and the rest is still
 * ranked. Returns 0, PB_EXIT_DATA (1) when some rows or entities were
 * rejected, or -1 with err filled (fatal: usage, unreadable file, missing
 * column, write error).
 */
int pb_rank_run(const struct pb_rank_opts *o, struct pb_error *err);

/* ---- the building blocks, exported for tests ---- */

enum pb_rank_judge { PB_RANK_JUDGE_MEAN, PB_RANK_JUDGE_MEDIAN, PB_RANK_JUDGE_TRIM };

/*
 * One entity's judge scores for one indicator, aggregated: mean, median (the
 * mean of the two middle values when n is even) or the mean after dropping
 * the k lowest and k highest (one copy each when tied). Sorts v in place.
 * NaN when n is 0 or, for trim, n < 2k+1.
 */
double pb_rank_judge_aggregate(double *v, size_t n, enum pb_rank_judge how, size_t k);

/* A count "N" or a share "P%" (P a decimal with up to 6 places, 0 < P <= 100). */
struct pb_rank_share {
	int pct; /* 1: num/den percent; 0: num entities */
	uint64_t num, den;
};

/* 0, or -1 when s is not a positive count or a share in (0%, 100%]. */
int pb_rank_share_parse(struct pb_str s, struct pb_rank_share *sh);
/* Entities a share means in a group of n: N, or ceil(P% × n) and at least 1 (exact integer
 * arithmetic). */
size_t pb_rank_share_count(const struct pb_rank_share *sh, size_t n);

/* Nearest-rank percentile (1 <= p <= 100) of n > 0 values: the ceil(p/100 × n)-th smallest. Sorts
 * v. */
uint32_t pb_rank_percentile(uint32_t *v, size_t n, unsigned p);

/* splitmix64: the next pseudo-random 64-bit value from *state (same seed, same sequence
 * everywhere). */
uint64_t pb_rank_splitmix64(uint64_t *state);

#endif
