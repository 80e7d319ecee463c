/* pb-report: pb TSV sections as a report for people; see man/pb-report.1 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb/cli.h"
#include "pb/diag.h"
#include "pb/pb.h"
#include "pb/report.h"
#include "pb/value.h"

static const char usage_text[] =
    "usage: pb-report [--format text|md|html|csv|xlsx] [-o FILE] [--title T] [--heading H]...\n"
    "                 [--columns COL,...] [--sort COL[:desc]] [--chart COL] [options] "
    "[FILE.tsv...]\n";

static const char help_text[] =
    "Writes pb TSV files (pb-coverage, pb-rank or any table) as a report: each FILE is\n"
    "a section, shown with Chinese (or English) labels for canonical columns and values.\n"
    "\n"
    "  -f, --format FMT       text (aligned by display width; default), md (GitHub tables),\n"
    "                         html (one self-contained page, printable on A4), csv (UTF-8\n"
    "                         with BOM and CRLF, for Excel/WPS) or xlsx (needs -o)\n"
    "  -o, --output FILE      write to FILE atomically (default: standard output)\n"
    "      --title TEXT       the report's title\n"
    "      --subtitle TEXT    a line under the title (e.g. the date the figures are as of)\n"
    "      --note TEXT        a note under the tables (repeatable, in order)\n"
    "      --heading TEXT     the next section's heading (repeatable, one per FILE in order)\n"
    "      --columns COL,...  show these columns, in this order (in each section that has them)\n"
    "      --sort COL[:desc]  sort rows by COL (numbers by value, empty last) between 合计 rows,\n"
    "                         which stay in place (a subtotal stays after its members)\n"
    "      --chart COL        a bar chart of COL (html: inline SVG; xlsx: native column chart)\n"
    "      --precision N      decimals of percentages and percentage points (0-6; default 1)\n"
    "      --lang zh|en       labels in Chinese (default) or English\n"
    "      --label COL=TEXT   show COL as TEXT (repeatable; wins over the built-in label)\n"
    "  -q, --quiet            no progress display (reports are small; accepted like every pb "
    "command)\n"
    "      --progress         show progress even when stderr is not a terminal\n"
    "  -h, --help             this help\n"
    "  -V, --version          version\n"
    "\n"
    "Display: *_rate, pct and fraction columns are fractions shown as 92.6%; *_pp\n"
    "columns are percentage points shown as +5.5 with (百分点) in the header; *_change\n"
    "whole numbers (rank_change) are signed (+2); other non-integers have 2 decimals\n"
    "(more, up to 6, where 2 would show two different values alike). Figures are\n"
    "rounded once, half away from zero (四舍五入), on the full decimal the input holds:\n"
    "836/1003 = 0.8334995014955134 is 83.3%, 0.8335 is 83.4%. csv carries the numbers\n"
    "exactly as pb TSV holds them (never rounded, never a '+'); xlsx stores the full\n"
    "value with a display format. csv puts ' before text starting with = + - @ that is\n"
    "not a number. A row with a cell 合计 is a totals row: set apart by a rule (text), bold\n"
    "(md, html, xlsx). With SOURCE_DATE_EPOCH set, text, md and html end with its date\n"
    "and xlsx records it as the creation time; otherwise no date is shown, so the same\n"
    "input always gives the same bytes.\n"
    "Exit: 0 success, 1 some rows left out (reported as FILE:LINE), 2 usage or fatal error.\n"
    "\n"
    "Examples:\n"
    "  pb-report --title '全市党组织覆盖情况' cov.tsv\n"
    "  pb-report --format html -o 通报.html --title '通报' --heading '一、覆盖情况' \\\n"
    "            --heading '二、排名' --chart org_rate cov.tsv rank.tsv\n"
    "  pb-report --format xlsx -o 通报.xlsx --heading 覆盖 --chart org_rate cov.tsv\n"
    "  pb-report --format csv --columns district,units,org_rate -o cov.csv cov.tsv\n"
    "  pb-report --sort score:desc --label score=综合得分 rank.tsv\n";

enum {
	OPT_TITLE = 256,
	OPT_SUBTITLE,
	OPT_NOTE,
	OPT_HEADING,
	OPT_COLUMNS,
	OPT_SORT,
	OPT_CHART,
	OPT_PRECISION,
	OPT_LANG,
	OPT_LABEL
};

static const struct option long_options[] = { { "format", required_argument, NULL, 'f' },
	                                      { "title", required_argument, NULL, OPT_TITLE },
	                                      { "subtitle", required_argument, NULL, OPT_SUBTITLE },
	                                      { "note", required_argument, NULL, OPT_NOTE },
	                                      { "heading", required_argument, NULL, OPT_HEADING },
	                                      { "columns", required_argument, NULL, OPT_COLUMNS },
	                                      { "sort", required_argument, NULL, OPT_SORT },
	                                      { "chart", required_argument, NULL, OPT_CHART },
	                                      { "precision", required_argument, NULL,
	                                        OPT_PRECISION },
	                                      { "lang", required_argument, NULL, OPT_LANG },
	                                      { "label", required_argument, NULL, OPT_LABEL },
	                                      PB_CLI_OPTIONS };

/* Repeatable options: at most argc of each, pointing into argv. */
static const char **notes, **headings, **labels;

static void parse_options(int argc, char **argv, struct pb_report_opts *o)
{
	struct pb_error err = PB_ERROR_INIT;
	long long v;
	const struct pb_cli cli = { .usage = usage_text,
		                    .help = help_text,
		                    .version = PB_VERSION,
		                    .output = &o->output,
		                    .longs = long_options,
		                    .shorts = PB_CLI_SHORT "f:" };
	int c;

	notes = calloc((size_t)argc, sizeof *notes);
	headings = calloc((size_t)argc, sizeof *headings);
	labels = calloc((size_t)argc, sizeof *labels);
	if (!notes || !headings || !labels)
		pb_die(PB_EXIT_FATAL, "out of memory");
	o->notes = notes;
	o->headings = headings;
	o->labels = labels;
	while ((c = pb_cli_next(&cli, argc, argv)) != -1) {
		switch (c) {
		case 'f':
			if (pb_report_format_parse(optarg, &o->format) < 0)
				pb_usage_die(usage_text,
				             "--format: '%s' is not text, md, html, csv or xlsx",
				             optarg);
			break;
		case OPT_TITLE: o->title = optarg; break;
		case OPT_SUBTITLE: o->subtitle = optarg; break;
		case OPT_NOTE: notes[o->nnotes++] = optarg; break;
		case OPT_HEADING: headings[o->nheadings++] = optarg; break;
		case OPT_LABEL: labels[o->nlabels++] = optarg; break;
		case OPT_COLUMNS: o->columns = optarg; break;
		case OPT_SORT: o->sort = optarg; break;
		case OPT_CHART: o->chart = optarg; break;
		case OPT_PRECISION:
			if (pb_parse_int((struct pb_str){ optarg, strlen(optarg) }, &v) < 0 ||
			    v < 0 || v > 6)
				pb_usage_die(usage_text,
				             "--precision: '%s' is not a whole number from 0 to 6",
				             optarg);
			o->precision = (int)v;
			break;
		case OPT_LANG:
			if (strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0)
				pb_usage_die(usage_text, "--lang: '%s' is not zh or en", optarg);
			o->en = strcmp(optarg, "en") == 0;
			break;
		default: pb_usage_die(usage_text, NULL);
		}
	}
	o->inputs = argv + optind;
	o->ninputs = (size_t)(argc - optind);
	if (pb_report_check_opts(o, &err) < 0)
		pb_usage_die(usage_text, "%s", err.msg);
}

int main(int argc, char **argv)
{
	struct pb_report_opts opts = PB_REPORT_OPTS_INIT;
	struct pb_error err = PB_ERROR_INIT;
	int rc, wrc;

	pb_set_progname(argv[0]);
	parse_options(argc, argv, &opts);
	rc = pb_report_run(&opts, &err);
	if (rc < 0)
		pb_die_error(&err);
	wrc = pb_close_stdout();
	free(notes);
	free(headings);
	free(labels);
	return wrc ? wrc : rc;
}
