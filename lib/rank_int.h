/*
 * rank_int.h: what pb-rank's own files share and nothing else sees. lib/rank.c
 * reads the inputs and runs the steps, over rank_cfg.c (options into a config),
 * rank_score.c (judges, weights, normalization, composite, ranks, sensitivity),
 * rank_history.c (--prev, --history, streaks) and rank_out.c (the output
 * columns as a table, and the writer); rank_ent.c, the ground floor, keeps the
 * entity and group tables they all read.
 */
#ifndef PB_RANK_INT_H
#define PB_RANK_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pb/buf.h"
#include "pb/diag.h"
#include "pb/map.h"
#include "pb/rank.h"
#include "pb/tsv.h"

/* ---- rank_cfg.c: the options, parsed ---- */

enum pb_rank_judge { PB_RANK_JUDGE_MEAN, PB_RANK_JUDGE_MEDIAN, PB_RANK_JUDGE_TRIM };
enum rank_norm { NORM_NONE, NORM_MINMAX, NORM_ZSCORE, NORM_RANK };
enum rank_agg { AGG_SUM, AGG_MEAN, AGG_GEOMEAN };
enum rank_missing { MISS_ERROR, MISS_ZERO, MISS_MEAN, MISS_SKIP };
enum rank_ties { TIES_MIN, TIES_DENSE, TIES_ORDINAL };

/* A count "N" or a share "P%" (P a decimal with up to 6 places, 0 < P <= 100). */
struct pb_rank_share {
	int pct; /* 1: num/den percent; 0: num entities */
	uint64_t num, den;
};

/* A --grades band (threshold) or a --quota band (share); the last may be open: everyone else. */
struct rank_band {
	const char *label;
	double thr;
	struct pb_rank_share sh;
	int open;
};

struct rank_cfg {
	enum pb_rank_judge judge;
	size_t trim_k;
	enum rank_norm norm;
	enum rank_agg agg;
	enum rank_missing missing;
	int asc;
	enum rank_ties ties;
	struct pb_list by, scores, judges, weight, bands_l;
	int has_stars;
	double stars[4];
	struct rank_band *bands;
	size_t nbands;
	int quota;
	int has_top, has_bottom;
	struct pb_rank_share top, bottom;
	const char *top_label, *bottom_label;
	double *weight_v; /* values of --weight items; names are weight.v[i] up to '=' */
	long long streak_top;
	size_t sens_n;
	double sens_pct;
	uint64_t seed;
};

/* Parses every option of o into c (which the caller releases, also on failure). 0 or -1. */
int pb_rank_cfg_parse(const struct pb_rank_opts *o, struct rank_cfg *c, struct pb_error *err);
void pb_rank_cfg_release(struct rank_cfg *c);

/* 0, or -1 when s is not a positive count or a share in (0%, 100%]. */
int pb_rank_share_parse(struct pb_str s, struct pb_rank_share *sh);
/* Entities a share means in a group of n: N, or ceil(P% × n) and at least 1 (exact integers). */
size_t pb_rank_share_count(const struct pb_rank_share *sh, size_t n);

/* ---- rank_ent.c: entities and groups ---- */

/*
 * One entity, in 24 bytes: its identity is its group and its id (the same id
 * in two groups is two entities); its text — the id, the name, then each
 * pass-through value as u32 length + bytes — is one run of strs, starting at
 * off × 4 (so 32 bits address 16 GiB).
 */
struct rank_ent {
	uint32_t off;
	uint32_t id_len, name_len;
	uint32_t grp;       /* group map index */
	uint64_t line : 43; /* its first row, for messages: the line … */
	uint64_t file : 20; /* … of input number file */
	uint64_t ok : 1;    /* not left out (yet) */
};

/* The most inputs an entity's file field can name. */
#define RANK_MAX_INPUTS ((1u << 20) - 1)

/* One long-form score row. */
struct rank_obs {
	uint32_t ent, ind, judge, file;
	long line;
	double v;
	int dup;
};

/*
 * A ranked entity in output order, 16 bytes: group position, then key
 * (smaller is better), then id. Sorting reads only the slots but for ids
 * whose first bytes tie (see pb_rank_tie). Entities tied on key are
 * neighbours: their min and max rank are where that run of slots starts
 * and ends in the group (pb_rank_tie_run).
 */
struct rank_slot {
	uint64_t key; /* the composite, negated unless --ascending, as pb_rank_key bits */
	uint32_t ent;
	uint32_t rank; /* until ranked: the id's tie-break bytes, from pb_rank_tie */
};

/* The entity index: (group, id) to entity, open addressing. */
struct rank_index {
	uint64_t *slots; /* entity + 1, and the hash's high half above it; 0 = empty */
	size_t nslots;   /* 2^bits */
	unsigned bits;
};

/* One run: the config, what was read, and every step's results. */
struct rank_run {
	const struct pb_rank_opts *o;
	struct rank_cfg c;
	const char **fname; /* per input, for messages */
	size_t ninputs;
	int wide;      /* wide form: --score columns */
	int sheet;     /* a judge sheet: --judges columns */
	int sheet_ind; /* the sheet has an indicator column (else its one indicator is score) */
	int has_judge;
	char *id_col, *name_col; /* resolved; name_col NULL = none */
	char **extra;            /* pass-through columns of the first input */
	size_t nextra;
	struct pb_map groups, inds, judges;
	struct rank_ent *e;
	size_t nents, ecap;
	struct rank_index index; /* while reading, and for --prev and --history */
	size_t tie_at;           /* the length of the prefix every id shares */
	double *val;             /* ents × inds: judge-aggregated value, NaN = missing */
	double *x;               /* same, normalized and filled; NaN = skipped */
	double *w;               /* per indicator */
	struct rank_obs *obs;
	size_t nobs, obscap;
	struct rank_slot *slots; /* ranked entities in output order */
	size_t nslots;
	size_t *gstart; /* per group position: first slot; [ngroups] = nslots */
	uint32_t *gpos; /* group map index -> position in byte order */
	uint32_t *gidx; /* position -> group map index */
	/* per entity, when asked for (else NULL) */
	uint32_t *prev_rank;         /* --prev: 0 = no earlier row */
	uint32_t *streak;            /* --period */
	uint32_t *rank_lo, *rank_hi; /* --sensitivity */
	struct pb_buf strs, key, who;
	int data_err;
};

/* A view as the two arguments of a "%.*s" format. */
#define STR_ARGS(s) (int)(s).n, (s).p

int pb_rank_oom(struct pb_error *err);
/* The column name in r, or -1 with a fatal error "no column 'NAME' (what)". */
int pb_rank_find_col(const struct pb_tsv_reader *r, const char *name, const char *what,
                     struct pb_error *err);
/* Reports a row- or entity-level error at FILE:LINE; the run will exit 1. */
void pb_rank_data_error_at(struct rank_run *k, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same at a line of input number file. */
void pb_rank_data_error(struct rank_run *k, uint32_t file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The id of entity e; borrowed from strs. */
struct pb_str pb_rank_ent_id(const struct rank_run *k, uint32_t e);
/* The name of entity e (empty without a name column); borrowed from strs. */
struct pb_str pb_rank_ent_name(const struct rank_run *k, uint32_t e);
/* The first of entity e's pass-through values (each u32 length + bytes); borrowed. */
const char *pb_rank_ent_extras(const struct rank_run *k, uint32_t e);
/* The name of indicator j; borrowed from the inds map. */
struct pb_str pb_rank_ind_name(const struct rank_run *k, size_t j);
/*
 * "ID_COL 'id'" for messages, followed by " in BY 'v', …" with --by so that
 * the same id in two groups can be told apart; borrowed until the next call.
 */
const char *pb_rank_who(struct rank_run *k, uint32_t e);
/* The same for an id alone. */
const char *pb_rank_who_id(struct rank_run *k, struct pb_str id);
/*
 * The group of a row, its --by values f[by[j]]: created when new (-1 out of
 * memory), or only found (-1 none, -2 out of memory).
 */
long pb_rank_group_get(struct rank_run *k, const struct pb_str *f, const int *by);
long pb_rank_group_find(struct rank_run *k, const struct pb_str *f, const int *by);
/*
 * The entity of id f[id] in group grp, created when new with its first row's
 * name f[name] (name < 0: none) and pass-through values f[extra[j]]
 * (extra[j] < 0: empty). -1 out of memory (or over 16 GiB of text).
 */
long pb_rank_ent_get(struct rank_run *k, const struct pb_str *f, int id, int name, const int *extra,
                     uint32_t file, long line, uint32_t grp, int *is_new);
/* The entity of id in group grp, or -1; the index must still be there. */
long pb_rank_ent_find(const struct rank_run *k, uint32_t grp, struct pb_str id);
void pb_rank_index_release(struct rank_run *k);
/*
 * Entity e's tie-break bytes: the four id bytes after the prefix all ids
 * share (k->tie_at), big-endian, zero past the end. A smaller value means a
 * smaller id in byte order; equal ones need the ids compared.
 */
uint32_t pb_rank_tie(const struct rank_run *k, uint32_t e);
/*
 * A number as bits that order as the numbers do (-0 as 0), so that a slot's
 * key and tie-break bytes compare as one 96-bit integer; and back.
 */
uint64_t pb_rank_key(double v);
/* The composite score of a slot. */
double pb_rank_slot_score(const struct rank_run *k, const struct rank_slot *s);
/*
 * For loops over slots, which visit entities out of order: asks the cache
 * for the entity of the slot PB_RANK_AHEAD places on and, half as far on,
 * for its text (0) or its values row (1), so that they are there in time.
 */
#define PB_RANK_AHEAD 16
void pb_rank_prefetch(const struct rank_run *k, const struct rank_slot *sl, size_t q, size_t m,
                      int values);
/* The --by values of group g, into out[nby]; borrowed from the group map. */
void pb_rank_group_values(const struct rank_run *k, uint32_t g, struct pb_str *out);

/* ---- rank_score.c: from scores to ranks ---- */

/*
 * One entity's judge scores for one indicator, aggregated: mean, median (the
 * mean of the two middle values when n is even) or the mean after dropping
 * the k lowest and k highest (one copy each when tied). Sorts v in place.
 * NaN when n is 0 or, for trim, n < 2k+1.
 */
double pb_rank_judge_aggregate(double *v, size_t n, enum pb_rank_judge how, size_t k);
/* Nearest-rank percentile (1 <= p <= 100) of n > 0 values: the ceil(p/100 × n)-th smallest. */
uint32_t pb_rank_percentile(uint32_t *v, size_t n, unsigned p);
/* splitmix64: the next pseudo-random 64-bit value (same seed, same sequence everywhere). */
uint64_t pb_rank_splitmix64(uint64_t *state);

/* Long form: reports duplicate rows, then aggregates each entity's judges per indicator. */
int pb_rank_judges(struct rank_run *k, struct pb_error *err);
/* The weight of every indicator, from --weights and --weight (default 1). */
int pb_rank_weights(struct rank_run *k, struct pb_error *err);
/* Reports and drops entities that cannot be ranked, orders the groups, fills the slots. */
int pb_rank_place(struct rank_run *k, struct pb_error *err);
/* Normalizes, fills and weighs each group's values into composite scores; ranks them. */
int pb_rank_score(struct rank_run *k, struct pb_error *err);
/*
 * A walk over one ranked group's slots [g0, g1) in order, which knows the
 * run of slots tied with the current one: its min rank is start - g0 + 1,
 * its max rank end - g0. One pass in all.
 */
struct rank_tie_walk {
	size_t g0, g1, start, end;
};
void pb_rank_ties_init(struct rank_tie_walk *t, size_t g0, size_t g1);
/* Moves the walk to slot q (q increasing from g0). */
void pb_rank_ties_at(const struct rank_run *k, struct rank_tie_walk *t, size_t q);
/* --sensitivity: rank_lo and rank_hi over N random weight perturbations. */
int pb_rank_sensitivity(struct rank_run *k, struct pb_error *err);

/* ---- rank_out.c: the output columns ---- */

/* The writer of one run's rows, planned from what was read. */
struct rank_out;

/*
 * Plans the output columns of k (its indicators and pass-through columns are
 * known): NULL with err on a column named twice or out of memory.
 */
struct rank_out *pb_rank_out_new(const struct rank_run *k, struct pb_error *err);
/* Writes the header and every ranked entity to f. 0, or -1 out of memory. */
int pb_rank_out_write(struct rank_out *o, FILE *f);
void pb_rank_out_free(struct rank_out *o);

/* ---- rank_history.c: earlier outputs ---- */

/* --prev: prev_rank of every entity with a row in the earlier output. */
int pb_rank_prev(struct rank_run *k, struct pb_error *err);
/* --period: the streak of every ranked entity, from --history when given. */
int pb_rank_streaks(struct rank_run *k, struct pb_error *err);

#endif
