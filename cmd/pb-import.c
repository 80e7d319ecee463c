/* pb-import: clean, validate and normalize a register into pb TSV; see man/pb-import.1 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb/cli.h"
#include "pb/diag.h"
#include "pb/import.h"
#include "pb/pb.h"
#include "pb/value.h"

static const char usage_text[] =
    "usage: pb-import [--kind units|scores|links|targets|raw] [options] [FILE...]\n";

static const char help_text[] =
    "Reads registers (台账) as staff keep them — an .xlsx or .xls workbook, or CSV or\n"
    "tab-separated text in UTF-8 (with or without BOM), GB18030/GBK or UTF-16 — and\n"
    "writes clean pb TSV. Title rows above the header are skipped; a header on two\n"
    "rows (a group cell over its columns) is read as one. Every row read is either\n"
    "written or rejected with its reason.\n"
    "\n"
    "  -k, --kind KIND        units (default), scores, links, targets, or raw (no schema)\n"
    "  -e, --encoding ENC     auto (default), utf-8, gb18030 (also gbk, cp936), utf-16\n"
    "      --format FMT       auto (default: tabs beat commas in the header), csv, tsv\n"
    "      --sheet NAME|N     the workbook's sheet NAME, or the Nth counting every sheet\n"
    "                         (default: the first visible one)\n"
    "      --header-row N     the header is on line (sheet row) N; default: the first of\n"
    "                         the first 20 rows that names two known columns\n"
    "  -m, --map CANON=SRC    read source column SRC as canonical column CANON (repeatable;\n"
    "                         wins over the built-in Chinese and English aliases)\n"
    "      --map-file FILE    more mappings, one CANON=SRC (or CANON<TAB>SRC) a line\n"
    "      --rules FILE       PCRE2 rules PATTERN<TAB>unit_type, tried in order before the\n"
    "                         built-in ones, to infer unit_type from unit_name\n"
    "      --aliases FILE     the office's wordings of values: pb TSV column, value,\n"
    "                         canonical (org_mode 单独建 single; district 禅城 禅城区)\n"
    "      --fill-down COL,.. an empty cell of these columns takes the value above it\n"
    "                         (merged cells saved as CSV or .xls)\n"
    "      --keep[=COL,...]   pass unmapped source columns through (all, or those named)\n"
    "      --no-normalize     convert only: no NFKC, trimming or value rewriting\n"
    "      --strict           reject a row with a bad optional value (a date, members,\n"
    "                         org_kind, instructor) instead of leaving the field empty\n"
    "      --rejects FILE     write rejected rows (source columns + reject_reason) as pb TSV\n"
    "      --max-errors N     give up (exit 2) after N rejected rows (default: no limit)\n"
    "      --as-of DATE       established and opened dates after DATE are bad (default:\n"
    "                         today); a later closed or dissolved date is a plan\n"
    "  -o, --output FILE      write to FILE atomically (default: standard output)\n"
    "  -q, --quiet            no progress display\n"
    "      --progress         show progress even when stderr is not a terminal\n"
    "  -h, --help             this help\n"
    "  -V, --version          version\n"
    "\n"
    "Derived ids (stable across periods; see pb(7)): unit_id = \"u\" + the 16 lower-case\n"
    "hex digits of the 64-bit FNV-1a hash (offset basis 0xcbf29ce484222325, prime\n"
    "0x100000001b3) of the normalized city, district, town, community and unit_name\n"
    "joined by U+001F (an empty part stays an empty string between separators);\n"
    "org_id = \"o\" + the same over org_name alone; entity_id = \"e\" + the same over\n"
    "entity_name.\n"
    "\n"
    "At the end, on stderr: pb-import: read N, wrote M, rejected K, emptied E fields\n"
    "(N = M + K). Rows of only empty cells are not rows.\n"
    "Exit: 0 all rows written, 1 some rows rejected, 2 usage or fatal error.\n"
    "\n"
    "Examples:\n"
    "  pb-import --kind units 台账.xlsx >units.tsv\n"
    "  pb-import --sheet 非公企业 --aliases aliases.tsv -o units.tsv 台账.xlsx\n"
    "  pb-import --fill-down 所属镇街 台账.xls >units.tsv\n"
    "  pb-import --rejects bad.tsv --map unit_name=小区名 -o units.tsv 禅城小区.csv\n"
    "  pb-import --kind scores --encoding gb18030 评分表.csv >scores.tsv\n"
    "  pb-import --kind raw --no-normalize export.csv >export.tsv\n";

enum {
	OPT_FORMAT = 256,
	OPT_MAP_FILE,
	OPT_RULES,
	OPT_KEEP,
	OPT_NO_NORMALIZE,
	OPT_REJECTS,
	OPT_MAX_ERRORS,
	OPT_AS_OF,
	OPT_SHEET,
	OPT_HEADER_ROW,
	OPT_FILL_DOWN,
	OPT_ALIASES,
	OPT_STRICT
};

static const struct option long_options[] = {
	{ "kind", required_argument, NULL, 'k' },
	{ "encoding", required_argument, NULL, 'e' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "map", required_argument, NULL, 'm' },
	{ "map-file", required_argument, NULL, OPT_MAP_FILE },
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "keep", optional_argument, NULL, OPT_KEEP },
	{ "no-normalize", no_argument, NULL, OPT_NO_NORMALIZE },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "max-errors", required_argument, NULL, OPT_MAX_ERRORS },
	{ "as-of", required_argument, NULL, OPT_AS_OF },
	{ "sheet", required_argument, NULL, OPT_SHEET },
	{ "header-row", required_argument, NULL, OPT_HEADER_ROW },
	{ "fill-down", required_argument, NULL, OPT_FILL_DOWN },
	{ "aliases", required_argument, NULL, OPT_ALIASES },
	{ "strict", no_argument, NULL, OPT_STRICT },
	PB_CLI_OPTIONS
};

static void parse_options(int argc, char **argv, struct pb_import_opts *o, const char ***maps)
{
	const struct pb_cli cli = { .usage = usage_text,
		                    .help = help_text,
		                    .version = PB_VERSION,
		                    .output = &o->output,
		                    .longs = long_options,
		                    .shorts = PB_CLI_SHORT "k:e:m:" };
	struct pb_error err = PB_ERROR_INIT;
	int c;
	size_t nmaps = 0;

	*maps = calloc((size_t)argc + 1, sizeof **maps);
	if (!*maps)
		pb_die(PB_EXIT_FATAL, "out of memory");
	while ((c = pb_cli_next(&cli, argc, argv)) != -1) {
		switch (c) {
		case 'k':
			if (pb_kind_parse(optarg, &o->kind) < 0)
				pb_usage_die(usage_text,
				             "--kind: unknown kind '%s' (units, scores, links, "
				             "targets, raw)",
				             optarg);
			break;
		case 'e':
			if (pb_encoding_parse(optarg, &o->encoding) < 0)
				pb_usage_die(usage_text,
				             "--encoding: unknown encoding '%s' (auto, utf-8, "
				             "gb18030, utf-16)",
				             optarg);
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "auto") == 0)
				o->format = PB_FMT_AUTO;
			else if (strcmp(optarg, "csv") == 0)
				o->format = PB_FMT_CSV;
			else if (strcmp(optarg, "tsv") == 0)
				o->format = PB_FMT_TSV;
			else
				pb_usage_die(usage_text,
				             "--format: unknown format '%s' (auto, csv, tsv)",
				             optarg);
			break;
		case 'm': (*maps)[nmaps++] = optarg; break;
		case OPT_MAP_FILE: o->map_file = optarg; break;
		case OPT_RULES: o->rules_file = optarg; break;
		case OPT_KEEP:
			if (optarg)
				o->keep_list = optarg;
			else
				o->keep_all = 1;
			break;
		case OPT_NO_NORMALIZE: o->normalize = 0; break;
		case OPT_REJECTS: o->rejects_path = optarg; break;
		case OPT_MAX_ERRORS: {
			char *end;
			unsigned long long v;
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (*end || !*optarg || optarg[0] == '-' || v == 0 || errno == ERANGE)
				pb_usage_die(usage_text,
				             "--max-errors: expected a whole number >= 1, got '%s'",
				             optarg);
			o->max_errors = v;
			break;
		}
		case OPT_AS_OF:
			if (pb_parse_date((struct pb_str){ optarg, strlen(optarg) }, &o->as_of) < 0)
				pb_usage_die(usage_text,
				             "--as-of: expected a date YYYY-MM-DD, got '%s'",
				             optarg);
			o->has_as_of = 1;
			break;
		case OPT_SHEET: o->sheet = optarg; break;
		case OPT_HEADER_ROW: {
			long long v;
			if (pb_parse_int((struct pb_str){ optarg, strlen(optarg) }, &v) < 0 ||
			    v < 1 || v > 1048576)
				pb_usage_die(usage_text,
				             "--header-row: expected a row number >= 1, got '%s'",
				             optarg);
			o->header_row = (long)v;
			break;
		}
		case OPT_FILL_DOWN: o->fill_down = optarg; break;
		case OPT_ALIASES: o->aliases_file = optarg; break;
		case OPT_STRICT: o->strict = 1; break;
		default: pb_usage_die(usage_text, NULL);
		}
	}
	o->maps = *maps;
	o->nmaps = nmaps;
	o->inputs = (const char *const *)argv + optind;
	o->ninputs = (size_t)(argc - optind);
	if (pb_import_check_opts(o, &err) < 0)
		pb_usage_die(usage_text, "%s", err.msg);
}

int main(int argc, char **argv)
{
	struct pb_import_opts opts = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	const char **maps;
	int rc, wrc;

	pb_set_progname(argv[0]);
	pb_cli_limit_memory();
	parse_options(argc, argv, &opts, &maps);
	rc = pb_import_run(&opts, &st, &err);
	if (rc < 0)
		rc = pb_error_print(&err);
	wrc = pb_close_stdout();
	pb_warn("read %llu, wrote %llu, rejected %llu, emptied %llu fields", st.read, st.wrote,
	        st.rejected, st.emptied);
	free(maps);
	return wrc ? wrc : rc;
}
