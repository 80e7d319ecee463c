/* cli: the options every command shares and the option loop around them. */
#include "pb/cli.h"

#include <stdio.h>
#include <string.h>

#include "pb/diag.h"

/* Names the option getopt just refused, as the user typed it; exits 2. */
static void __attribute__((noreturn)) refuse(const struct pb_cli *cli, char **argv, int missing_arg)
{
	const char *arg = argv[optind - 1];

	if (strncmp(arg, "--", 2) == 0)
		pb_usage_die(cli->usage,
		             missing_arg ? "option '%s' requires an argument"
		                         : "unrecognized option '%s'",
		             arg);
	pb_usage_die(cli->usage,
	             missing_arg ? "option requires an argument -- '%c'" : "invalid option -- '%c'",
	             optopt);
}

int pb_cli_next(const struct pb_cli *cli, int argc, char **argv)
{
	int c;

	opterr = 0;
	for (;;) {
		optopt = 0;
		c = getopt_long(argc, argv, cli->shorts, cli->longs, NULL);
		switch (c) {
		case 'o': *cli->output = optarg; continue;
		case 'q': pb_progress_set(PB_PROGRESS_OFF); continue;
		case PB_CLI_OPT_PROGRESS: pb_progress_set(PB_PROGRESS_ON); continue;
		case 'h': pb_help_exit(cli->usage, cli->help);
		case 'V': pb_version_exit(cli->version);
		case '?': refuse(cli, argv, 0);
		case ':': refuse(cli, argv, 1);
		default: return c;
		}
	}
}
