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
    "usage: pb-report [--format text|md|html|csv|xlsx|docx] [-o FILE] [--title T]\n"
    "                 [--heading [N:]H]... [--columns [N:]COL,...] [--sort [N:]COL[:desc]]\n"
    "                 [--chart [N:]COL] [--order COL=V1,...] [--template FILE] [options]\n"
    "                 [FILE.tsv...]\n";

static const char help_text[] =
    "Writes pb TSV files (pb-coverage, pb-rank or any table) as a report: each FILE is\n"
    "a section, shown with Chinese (or English) labels for canonical columns and values.\n"
    "\n"
    "  -f, --format FMT       text (aligned by display width; default), md (GitHub tables),\n"
    "                         html (one self-contained page, printable on A4), csv (UTF-8\n"
    "                         with BOM and CRLF, for Excel/WPS), xlsx (a workbook) or docx\n"
    "                         (a Word 通报 laid out as a 公文, GB/T 9704); xlsx and docx need -o\n"
    "  -o, --output FILE      write to FILE atomically (default: standard output)\n"
    "      --title TEXT       the report's title\n"
    "      --subtitle TEXT    a line under the title (e.g. the date the figures are as of)\n"
    "      --note TEXT        a note under the tables (repeatable, in order)\n"
    "      --template FILE    the bulletin's prose, with fill-ins {S:ROW:COL} (a cell as the\n"
    "                         table shows it, no leading '+') and {S:ROW:COL:N} (N decimals):\n"
    "                         S a section number, ROW its group values joined by '/' (合计 for\n"
    "                         a total level), COL a column name; paragraphs are separated by\n"
    "                         a blank line. A fill-in that names no figure is an error (exit 2,\n"
    "                         nothing written). text, md, html and docx.\n"
    "Section options: 'N:VALUE' applies to section N (the Nth FILE) alone, a plain VALUE to\n"
    "every section that has the columns it names (the section-specific one wins):\n"
    "      --heading [N:]TEXT a section's heading (repeatable; unnumbered: the next section)\n"
    "      --columns [N:]COL,...  show these columns, in this order. Without it every column\n"
    "                         is shown, but a pb-rank table wider than 8 columns shows its\n"
    "                         names and groups, score, rank and the columns --stars, --grades,\n"
    "                         --top/--bottom, --prev, --history and --sensitivity added\n"
    "      --sort [N:]COL[:desc]  sort rows by COL (numbers by value, empty last) between\n"
    "                         合计 rows, which stay in place (a subtotal stays after its members)\n"
    "      --chart [N:]COL    a chart of COL: bars of the rows (html: inline SVG; xlsx: native\n"
    "                         chart below the table; docx: an image), or, when the section has\n"
    "                         a period column with several periods, a line per group over\n"
    "                         them. Totals and subtotals are never charted\n"
    "      --label [N:]COL=TEXT   show COL as TEXT (repeatable; wins over the built-in label)\n"
    "      --order COL=V1,V2,...  the official order of COL's values (or COL=@FILE, one value a\n"
    "                         line): rows follow it, values not listed after them in byte\n"
    "                         order, subtotals with their group, totals last (repeatable)\n"
    "      --precision N      decimals of percentages and percentage points (0-6; default 1)\n"
    "      --lang zh|en       labels in Chinese (default) or English\n"
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
    "(md, html, xlsx, docx). With SOURCE_DATE_EPOCH set, text, md, html and docx end with\n"
    "its date and xlsx and docx record it as their creation time, so the same input gives\n"
    "the same bytes; otherwise no date is shown.\n"
    "Exit: 0 success, 1 some rows left out (reported as FILE:LINE), 2 usage or fatal error.\n"
    "\n"
    "Examples:\n"
    "  pb-report --title '全市党组织覆盖情况' cov.tsv\n"
    "  pb-report --format docx -o 通报.docx --title '通报' --template prose.txt \\\n"
    "            --heading '一、覆盖情况' --heading '二、排名' \\\n"
    "            --order district=@districts.txt --chart 2:single_rate cov.tsv rank.tsv\n"
    "  pb-report --format html -o 通报.html --columns 2:district,single_rate,rank,rank_change \\\n"
    "            --chart 1:org_rate cov.tsv rank.tsv\n"
    "  pb-report --format xlsx -o 趋势.xlsx --chart single_rate trend.tsv\n"
    "  pb-report --format csv --columns district,units,org_rate -o cov.csv cov.tsv\n";

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
	OPT_LABEL,
	OPT_ORDER,
	OPT_TEMPLATE
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
	                                      { "order", required_argument, NULL, OPT_ORDER },
	                                      { "template", required_argument, NULL, OPT_TEMPLATE },
	                                      PB_CLI_OPTIONS };

/* The repeatable options, each at most argc long, pointing into argv. */
enum { L_NOTE, L_HEADING, L_LABEL, L_COLUMNS, L_SORT, L_CHART, L_ORDER, NLISTS };

struct lists {
	const char **v[NLISTS];
	size_t n[NLISTS];
};

static void parse_options(int argc, char **argv, struct pb_report_opts *o, struct lists *l)
{
	static const int list_of[] = {
		[OPT_NOTE - OPT_TITLE] = L_NOTE + 1,   [OPT_HEADING - OPT_TITLE] = L_HEADING + 1,
		[OPT_LABEL - OPT_TITLE] = L_LABEL + 1, [OPT_COLUMNS - OPT_TITLE] = L_COLUMNS + 1,
		[OPT_SORT - OPT_TITLE] = L_SORT + 1,   [OPT_CHART - OPT_TITLE] = L_CHART + 1,
		[OPT_ORDER - OPT_TITLE] = L_ORDER + 1
	};
	struct pb_error err = PB_ERROR_INIT;
	long long v;
	const struct pb_cli cli = { .usage = usage_text,
		                    .help = help_text,
		                    .version = PB_VERSION,
		                    .output = &o->output,
		                    .longs = long_options,
		                    .shorts = PB_CLI_SHORT "f:" };
	int c, i;

	for (i = 0; i < NLISTS; i++)
		if (!(l->v[i] = calloc((size_t)argc, sizeof *l->v[i])))
			pb_die(PB_EXIT_FATAL, "out of memory");
	while ((c = pb_cli_next(&cli, argc, argv)) != -1) {
		if (c >= OPT_TITLE && c - OPT_TITLE < (int)(sizeof list_of / sizeof list_of[0]) &&
		    list_of[c - OPT_TITLE]) {
			i = list_of[c - OPT_TITLE] - 1;
			l->v[i][l->n[i]++] = optarg;
			continue;
		}
		switch (c) {
		case 'f':
			if (pb_report_format_parse(optarg, &o->format) < 0)
				pb_usage_die(
				    usage_text,
				    "--format: '%s' is not text, md, html, csv, xlsx or docx",
				    optarg);
			break;
		case OPT_TITLE: o->title = optarg; break;
		case OPT_SUBTITLE: o->subtitle = optarg; break;
		case OPT_TEMPLATE: o->template_path = optarg; break;
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
	o->notes = l->v[L_NOTE], o->nnotes = l->n[L_NOTE];
	o->headings = l->v[L_HEADING], o->nheadings = l->n[L_HEADING];
	o->labels = l->v[L_LABEL], o->nlabels = l->n[L_LABEL];
	o->columns = l->v[L_COLUMNS], o->ncolumns = l->n[L_COLUMNS];
	o->sorts = l->v[L_SORT], o->nsorts = l->n[L_SORT];
	o->charts = l->v[L_CHART], o->ncharts = l->n[L_CHART];
	o->orders = l->v[L_ORDER], o->norders = l->n[L_ORDER];
	o->inputs = argv + optind;
	o->ninputs = (size_t)(argc - optind);
	if (pb_report_check_opts(o, &err) < 0)
		pb_usage_die(usage_text, "%s", err.msg);
}

int main(int argc, char **argv)
{
	struct pb_report_opts opts = PB_REPORT_OPTS_INIT;
	struct pb_error err = PB_ERROR_INIT;
	struct lists lists = { { NULL }, { 0 } };
	int rc, wrc, i;

	pb_set_progname(argv[0]);
	pb_cli_limit_memory();
	parse_options(argc, argv, &opts, &lists);
	rc = pb_report_run(&opts, &err);
	if (rc < 0)
		pb_die_error(&err);
	wrc = pb_close_stdout();
	for (i = 0; i < NLISTS; i++)
		free(lists.v[i]);
	return wrc ? wrc : rc;
}
