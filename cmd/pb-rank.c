/* pb-rank: rank entities by a composite score within groups; see man/pb-rank.1 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "pb/cli.h"
#include "pb/diag.h"
#include "pb/pb.h"
#include "pb/rank.h"

static const char usage_text[] =
    "usage: pb-rank [--id COL] [--name COL] [--by COL,…] [--score COL,… | --judges COL,…]\n"
    "               [--judge-agg mean|median|trim:K] [--normalize none|minmax|zscore|rank]\n"
    "               [--weights FILE | --weight IND=W,…] [--aggregate sum|mean|geomean]\n"
    "               [--missing zero|mean|skip] [--order desc|asc] [--ties min|dense|ordinal]\n"
    "               [--stars T5,T4,T3,T2] [--grades L:T,…,L | --quota L:P%,…,L]\n"
    "               [--top N|P%[:LABEL]] [--bottom N|P%[:LABEL]] [--prev FILE]\n"
    "               [--period P [--history FILE] [--streak-top N]]\n"
    "               [--sensitivity N[:PCT] [--seed S]] [-o FILE] [--quiet|--progress] [FILE…]\n";

static const char help_text[] =
    "\n"
    "Rank entities by a composite score, within groups.\n"
    "\n"
    "Input (pb TSV, FILE… or stdin):\n"
    "  long form   one score a row: id, [name], [group…], indicator, [judge], score\n"
    "  wide form   one entity a row, one column per indicator: --score COL,…\n"
    "              (a table with a score column but no indicator column is wide: --score score)\n"
    "  judge sheet one entity a row, one column per judge: --judges COL,… or a shell\n"
    "              pattern such as --judges '评委*'; with an indicator column, a row per\n"
    "              entity and indicator, else the sheet's one indicator is the score\n"
    "  --id COL           entity id column (default entity_id, else unit_id)\n"
    "  --name COL         name column (default entity_name, else unit_name, else none)\n"
    "  --by COL,…         rank within groups of these columns; an entity is then its group\n"
    "                     and its id: the same id in two groups is two entities, the same\n"
    "                     id twice in one group a duplicate (without --by ids are unique)\n"
    "  Rows whose id or --by value is 合计 (pb-coverage --total/--rollup totals) are\n"
    "  summaries, not entities: they are skipped silently.\n"
    "\n"
    "Score:\n"
    "  --judge-agg HOW    per entity and indicator: mean (default), median, trim:K\n"
    "                     (drop the K highest and K lowest; needs 2K+1 judges)\n"
    "  --normalize HOW    per indicator within the group: none (default), minmax (0-100),\n"
    "                     zscore ((x-mean)/sd, population sd), rank (mid-rank scaled to 0-100)\n"
    "  --weights FILE     pb TSV with columns indicator, weight\n"
    "  --weight IND=W,…   weights on the command line (override the file); default 1 each\n"
    "  --aggregate HOW    sum = Σwx (default), mean = Σwx/Σw, geomean = exp(Σw·ln x/Σw);\n"
    "                     weights are used as given, never rescaled\n"
    "  --missing HOW      a missing indicator is an error unless zero, mean or skip\n"
    "  --order desc|asc   desc (default): a higher score is better\n"
    "  --ties HOW         min (default, 1,2,2,4), dense (1,2,2,3), ordinal (1,2,3,4 by id)\n"
    "\n"
    "Output columns: id, name, group columns, each indicator's judge-aggregated value,\n"
    "score, rank, n, pct, then the optional columns below, then pass-through columns.\n"
    "Numbers are written in full (the shortest decimal that reads back exactly) and ranked\n"
    "as computed, never rounded. A score that is one *_rate or *_pp indicator unchanged\n"
    "(no --normalize, no weights) keeps that name instead of score.\n"
    "  n    entities ranked in the group\n"
    "  pct  the share of the group this entity ranks at or above: (n - rank + 1) / n,\n"
    "       always with the min rank whatever --ties says; the leader has 1\n"
    "\n"
    "Optional columns:\n"
    "  --stars T5,T4,T3,T2     stars: 5 if score >= T5, 4 if >= T4, …, 1 below T2\n"
    "  --grades L:T,…[,L]      grade: the first label whose threshold the score reaches\n"
    "                          (a score exactly at a threshold gets the higher class)\n"
    "  --quota L:N|P%,…[,L]    grade by share of the group, in rank order; P% = ceil(P% × n),\n"
    "                          at least 1; ties at a quota boundary all get the better grade\n"
    "  --top N|P%[:LABEL]      flag: LABEL (default 示范) for the top N or P% (ties included)\n"
    "  --bottom N|P%[:LABEL]   flag: LABEL (default 整顿) for the bottom N or P% (ties included)\n"
    "  --prev FILE             prev_rank, rank_change = prev_rank - rank (positive = moved up);\n"
    "                          an entity new this period (no row in FILE) has both empty;\n"
    "                          with --by, rows match on the --by columns and the id when\n"
    "                          FILE has every --by column (pb-rank output does), else on\n"
    "                          the id alone (every entity with that id gets the row)\n"
    "  --period P              streak and period: streak 1 at the top (rank 1, or rank <=\n"
    "                          --streak-top N), else 0, from the first period on\n"
    "  --history FILE          streak: consecutive periods up to P at the top, from earlier\n"
    "                          outputs appended to FILE (repeated headers skipped; an empty\n"
    "                          FILE is an empty history, a missing one an error); history\n"
    "                          rows match entities as for --prev\n"
    "  --sensitivity N[:PCT]   rank_lo, rank_hi: 5th and 95th percentile rank over N random\n"
    "  --seed S                weight perturbations of ±PCT% (default 20), seeded by S (default "
    "0)\n"
    "\n"
    "  -o FILE                 write FILE atomically (default stdout)\n"
    "  --quiet, --progress     progress on stderr: never, always (default: when a terminal)\n"
    "  --help, --version\n"
    "\n"
    "Exit: 0 ok; 1 some rows or entities rejected (reported as FILE:LINE, the rest ranked);\n"
    "2 usage or fatal error.\n"
    "\n"
    "Examples:\n"
    "  pb-rank --by district --judge-agg trim:1 scores.tsv\n"
    "  pb-rank --score org_rate --id district cov.tsv\n"
    "  pb-coverage --by district,unit_type units.tsv |\n"
    "      pb-rank --by district --id unit_type --score single_rate\n"
    "  pb-rank --weights weights.tsv --stars 90,80,70,60 --top 10%:示范点 items.tsv\n"
    "  pb-rank --judges '评委*' --judge-agg trim:1 sheet.tsv\n"
    "  touch ranks.tsv    # once; then every quarter:\n"
    "  pb-rank --id district --period 2022Q1 --history ranks.tsv -o 2022Q1.tsv quarter.tsv &&\n"
    "      cat 2022Q1.tsv >>ranks.tsv\n";

enum {
	OPT_ID = 256,
	OPT_NAME,
	OPT_BY,
	OPT_SCORE,
	OPT_JUDGES,
	OPT_JUDGE_AGG,
	OPT_NORMALIZE,
	OPT_WEIGHTS,
	OPT_WEIGHT,
	OPT_AGGREGATE,
	OPT_MISSING,
	OPT_ORDER,
	OPT_TIES,
	OPT_STARS,
	OPT_GRADES,
	OPT_QUOTA,
	OPT_TOP,
	OPT_BOTTOM,
	OPT_PREV,
	OPT_HISTORY,
	OPT_PERIOD,
	OPT_STREAK_TOP,
	OPT_SENSITIVITY,
	OPT_SEED
};

static const struct option long_opts[] = {
	{ "id", required_argument, NULL, OPT_ID },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "by", required_argument, NULL, OPT_BY },
	{ "score", required_argument, NULL, OPT_SCORE },
	{ "judges", required_argument, NULL, OPT_JUDGES },
	{ "judge-agg", required_argument, NULL, OPT_JUDGE_AGG },
	{ "normalize", required_argument, NULL, OPT_NORMALIZE },
	{ "weights", required_argument, NULL, OPT_WEIGHTS },
	{ "weight", required_argument, NULL, OPT_WEIGHT },
	{ "aggregate", required_argument, NULL, OPT_AGGREGATE },
	{ "missing", required_argument, NULL, OPT_MISSING },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "ties", required_argument, NULL, OPT_TIES },
	{ "stars", required_argument, NULL, OPT_STARS },
	{ "grades", required_argument, NULL, OPT_GRADES },
	{ "quota", required_argument, NULL, OPT_QUOTA },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "bottom", required_argument, NULL, OPT_BOTTOM },
	{ "prev", required_argument, NULL, OPT_PREV },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "period", required_argument, NULL, OPT_PERIOD },
	{ "streak-top", required_argument, NULL, OPT_STREAK_TOP },
	{ "sensitivity", required_argument, NULL, OPT_SENSITIVITY },
	{ "seed", required_argument, NULL, OPT_SEED },
	PB_CLI_OPTIONS
};

static void parse_options(int argc, char **argv, struct pb_rank_opts *o)
{
	struct pb_error err = PB_ERROR_INIT;
	const struct pb_cli cli = { .usage = usage_text,
		                    .help = help_text,
		                    .version = PB_VERSION,
		                    .output = &o->output,
		                    .longs = long_opts,
		                    .shorts = PB_CLI_SHORT "" };
	int c;

	while ((c = pb_cli_next(&cli, argc, argv)) != -1) {
		switch (c) {
		case OPT_ID: o->id_col = optarg; break;
		case OPT_NAME: o->name_col = optarg; break;
		case OPT_BY: o->by = optarg; break;
		case OPT_SCORE: o->score_cols = optarg; break;
		case OPT_JUDGES: o->judges = optarg; break;
		case OPT_JUDGE_AGG: o->judge_agg = optarg; break;
		case OPT_NORMALIZE: o->normalize = optarg; break;
		case OPT_WEIGHTS: o->weights_file = optarg; break;
		case OPT_WEIGHT: o->weight = optarg; break;
		case OPT_AGGREGATE: o->aggregate = optarg; break;
		case OPT_MISSING: o->missing = optarg; break;
		case OPT_ORDER: o->order = optarg; break;
		case OPT_TIES: o->ties = optarg; break;
		case OPT_STARS: o->stars = optarg; break;
		case OPT_GRADES: o->grades = optarg; break;
		case OPT_QUOTA: o->quota = optarg; break;
		case OPT_TOP: o->top = optarg; break;
		case OPT_BOTTOM: o->bottom = optarg; break;
		case OPT_PREV: o->prev = optarg; break;
		case OPT_HISTORY: o->history = optarg; break;
		case OPT_PERIOD: o->period = optarg; break;
		case OPT_STREAK_TOP: o->streak_top = optarg; break;
		case OPT_SENSITIVITY: o->sensitivity = optarg; break;
		case OPT_SEED: o->seed = optarg; break;
		default: pb_usage_die(usage_text, NULL);
		}
	}
	o->inputs = argv + optind;
	o->ninputs = (size_t)(argc - optind);
	if (pb_rank_check_opts(o, &err) < 0) {
		pb_error_print(&err);
		pb_usage_die(usage_text, NULL);
	}
}

int main(int argc, char **argv)
{
	struct pb_rank_opts opts = PB_RANK_OPTS_INIT;
	struct pb_error err = PB_ERROR_INIT;
	int rc, wrc;

	pb_set_progname(argv[0]);
	pb_cli_limit_memory();
	parse_options(argc, argv, &opts);
	rc = pb_rank_run(&opts, &err);
	if (rc < 0)
		pb_die_error(&err);
	wrc = pb_close_stdout();
	return wrc ? wrc : rc;
}
