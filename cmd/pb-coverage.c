/* pb-coverage: count a units register by org_mode per group; see man/pb-coverage.1 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb/coverage.h"
#include "pb/cli.h"
#include "pb/diag.h"
#include "pb/pb.h"
#include "pb/value.h"

static const char usage_text[] =
    "usage: pb-coverage [--by COL,...] [--total|--rollup] [options] [UNITS.tsv...]\n"
    "       pb-coverage --merge [-o FILE] [PARTIAL...]\n";

static const char help_text[] =
    "Counts a units register (pb TSV) by org_mode per group: single (单独组建), joint\n"
    "(联合组建), work (工作覆盖) and none (空白), with the rates computed from the counts.\n"
    "\n"
    "  -b, --by COL[,COL...]  group by these columns (default: one row for everything)\n"
    "  -t, --total            add a grand-total row (合计)\n"
    "  -r, --rollup           add subtotals for every prefix of --by, and the grand total\n"
    "      --min-members N    should_build counts units with >= N members not single (3)\n"
    "      --as-of DATE       count units open on DATE; organizations present on DATE\n"
    "      --compare PREV     add *_delta_pp against an earlier pb-coverage output\n"
    "      --targets FILE     add target, done, progress_rate, time_rate, ahead_pp\n"
    "      --time-rate R      use R (0..1, or a fraction such as 6.5/12) as time_rate\n"
    "      --gaps             list the units that need action, with a leading gap column\n"
    "      --list COLUMN      list the units counted in COLUMN: single, joint, work, none,\n"
    "                         should_build, covered, uncovered or built_since\n"
    "      --changes PREV     list the units added, removed, built, lost or changed in mode\n"
    "                         since the register PREV (matched by unit_id)\n"
    "      --sum COL,...      add COL_sum per group: the exact sum of a numeric column\n"
    "      --distinct COL,... add COL_distinct per group: how many distinct values\n"
    "      --since DATE       add built_since: organizations established DATE..--as-of\n"
    "      --period LABEL     add a leading period column (a trend table's month, quarter)\n"
    "      --status COL       count COL's values instead of org_mode\n"
    "      --covered V1,...   the values of --status COL that count as covered (1)\n"
    "      --links FILE       covered = at least --min-links distinct partners in FILE\n"
    "      --partners UNITS   the register that gives each partner's unit_type\n"
    "      --partner-type T,..  only partners of these types count\n"
    "      --min-links K      links needed to be covered (1)\n"
    "      --partial          write a mergeable partial aggregate instead of the table\n"
    "      --merge            combine partials (files or stdin) into the table\n"
    "  -o, --output FILE      write to FILE atomically (default: standard output)\n"
    "  -q, --quiet            no progress display\n"
    "      --progress         show progress even when stderr is not a terminal\n"
    "  -h, --help             this help\n"
    "  -V, --version          version\n"
    "\n"
    "Columns: group columns, units, single, joint, work, none, orgs, members,\n"
    "should_build, org_rate, single_rate, work_rate. orgs = single + distinct org_id of\n"
    "joint units; org_rate = (single+joint)/units; single_rate = single/units;\n"
    "work_rate = (single+joint+work)/units. --status gives units, covered, covered_rate\n"
    "and one count column COL=VALUE per distinct value. After them: the --compare\n"
    "deltas, the --targets columns, built_since, COL_sum, COL_distinct; --period puts\n"
    "period first. Figures are exact: each is the correctly rounded value of its exact\n"
    "fraction, written in full (pb-report rounds for the reader).\n"
    "Exit: 0 success, 1 some rows rejected (reported as FILE:LINE), 2 usage or fatal error.\n"
    "\n"
    "Examples:\n"
    "  pb-coverage --by district,unit_type --rollup units.tsv\n"
    "  pb-coverage --by district --compare cov2021.tsv units.tsv\n"
    "  pb-coverage --by district --targets targets.tsv --as-of 2022-06-16 units.tsv\n"
    "  pb-coverage --gaps --as-of 2022-06-30 units.tsv >gaps.tsv\n"
    "  pb-coverage --by district --status signed --covered 1 agreements.tsv\n"
    "  pb-coverage --list uncovered --status signed --covered 1 agreements.tsv\n"
    "  pb-coverage --changes units-may.tsv units-june.tsv >changes.tsv\n"
    "  pb-coverage --by district --sum trained --distinct instructor units.tsv\n"
    "  pb-coverage --by town --as-of 2022-06-30 --since 2022-06-01 units.tsv\n"
    "  parallel --pipepart -a units.tsv --header : --block -1 \\\n"
    "      pb-coverage --by district --partial | pb-coverage --merge >cov.tsv\n"
    "\n"
    "A partial (--partial) records its --by columns and options; --merge needs no other\n"
    "option and refuses partials made with different ones. See pb-coverage(1).\n";

enum {
	OPT_MIN_MEMBERS = 256,
	OPT_AS_OF,
	OPT_COMPARE,
	OPT_TARGETS,
	OPT_TIME_RATE,
	OPT_GAPS,
	OPT_STATUS,
	OPT_COVERED,
	OPT_LINKS,
	OPT_PARTNERS,
	OPT_PARTNER_TYPE,
	OPT_MIN_LINKS,
	OPT_PARTIAL,
	OPT_MERGE,
	OPT_LIST,
	OPT_CHANGES,
	OPT_SUM,
	OPT_DISTINCT,
	OPT_SINCE,
	OPT_PERIOD
};

static const struct option long_options[] = {
	{ "by", required_argument, NULL, 'b' },
	{ "total", no_argument, NULL, 't' },
	{ "rollup", no_argument, NULL, 'r' },
	{ "min-members", required_argument, NULL, OPT_MIN_MEMBERS },
	{ "as-of", required_argument, NULL, OPT_AS_OF },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "targets", required_argument, NULL, OPT_TARGETS },
	{ "time-rate", required_argument, NULL, OPT_TIME_RATE },
	{ "gaps", no_argument, NULL, OPT_GAPS },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "covered", required_argument, NULL, OPT_COVERED },
	{ "links", required_argument, NULL, OPT_LINKS },
	{ "partners", required_argument, NULL, OPT_PARTNERS },
	{ "partner-type", required_argument, NULL, OPT_PARTNER_TYPE },
	{ "min-links", required_argument, NULL, OPT_MIN_LINKS },
	{ "partial", no_argument, NULL, OPT_PARTIAL },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "list", required_argument, NULL, OPT_LIST },
	{ "changes", required_argument, NULL, OPT_CHANGES },
	{ "sum", required_argument, NULL, OPT_SUM },
	{ "distinct", required_argument, NULL, OPT_DISTINCT },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "period", required_argument, NULL, OPT_PERIOD },
	PB_CLI_OPTIONS
};

static long parse_count(const char *opt, const char *arg)
{
	long long v;

	if (pb_parse_int((struct pb_str){ arg, strlen(arg) }, &v) < 0 || v < 0 || v > 1000000000)
		pb_usage_die(usage_text, opt, arg);
	return (long)v;
}

static int parse_date(const char *opt, const char *arg, int32_t *d)
{
	if (pb_parse_date((struct pb_str){ arg, strlen(arg) }, d) < 0)
		pb_usage_die(usage_text, "%s: '%s' is not a date (YYYY-MM-DD)", opt, arg);
	return 1;
}

static void parse_options(int argc, char **argv, struct pb_coverage_opts *o)
{
	struct pb_error err = PB_ERROR_INIT;
	const struct pb_cli cli = { .usage = usage_text,
		                    .help = help_text,
		                    .version = PB_VERSION,
		                    .output = &o->output,
		                    .longs = long_options,
		                    .shorts = PB_CLI_SHORT "b:tr" };
	int c;

	while ((c = pb_cli_next(&cli, argc, argv)) != -1) {
		switch (c) {
		case 'b': o->by = optarg; break;
		case 't': o->total = 1; break;
		case 'r': o->rollup = 1; break;
		case OPT_MIN_MEMBERS:
			o->min_members =
			    parse_count("--min-members: '%s' is not a whole number >= 0", optarg);
			break;
		case OPT_AS_OF: o->has_as_of = parse_date("--as-of", optarg, &o->as_of); break;
		case OPT_SINCE: o->has_since = parse_date("--since", optarg, &o->since); break;
		case OPT_COMPARE: o->compare = optarg; break;
		case OPT_TARGETS: o->targets = optarg; break;
		case OPT_TIME_RATE: o->time_rate = optarg; break;
		case OPT_GAPS: o->gaps = 1; break;
		case OPT_STATUS: o->status = optarg; break;
		case OPT_COVERED: o->covered = optarg; break;
		case OPT_LINKS: o->links = optarg; break;
		case OPT_PARTNERS: o->partners = optarg; break;
		case OPT_PARTNER_TYPE: o->partner_type = optarg; break;
		case OPT_MIN_LINKS:
			o->min_links =
			    parse_count("--min-links: '%s' is not a whole number >= 1", optarg);
			break;
		case OPT_PARTIAL: o->partial = 1; break;
		case OPT_MERGE: o->merge = 1; break;
		case OPT_LIST: o->list = optarg; break;
		case OPT_CHANGES: o->changes = optarg; break;
		case OPT_SUM: o->sum = optarg; break;
		case OPT_DISTINCT: o->distinct = optarg; break;
		case OPT_PERIOD: o->period = optarg; break;
		default: pb_usage_die(usage_text, NULL);
		}
	}
	o->inputs = argv + optind;
	o->ninputs = (size_t)(argc - optind);
	if (pb_coverage_check_opts(o, &err) < 0)
		pb_usage_die(usage_text, "%s", err.msg);
}

int main(int argc, char **argv)
{
	struct pb_coverage_opts opts = PB_COVERAGE_OPTS_INIT;
	struct pb_error err = PB_ERROR_INIT;
	int rc, wrc;

	pb_set_progname(argv[0]);
	pb_cli_limit_memory();
	parse_options(argc, argv, &opts);
	rc = pb_coverage_run(&opts, &err);
	if (rc < 0)
		pb_die_error(&err);
	wrc = pb_close_stdout();
	return wrc ? wrc : rc;
}
