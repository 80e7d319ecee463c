/*
 * cli: what every command's option parsing shares — the common options
 * (-o, -q, --progress, -h, -V), declared once, and a getopt_long loop that
 * answers them and reports every option error in pb's own voice; and the
 * memory limit every command runs under.
 */
#ifndef PB_CLI_H
#define PB_CLI_H

#include <getopt.h>

/* Long options every command accepts; put PB_CLI_OPTIONS last in a command's table. */
#define PB_CLI_OPT_PROGRESS 0x7f00
#define PB_CLI_OPTIONS                                                                             \
	{ "output", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },           \
	    { "progress", no_argument, NULL, PB_CLI_OPT_PROGRESS },                                \
	    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },             \
	{                                                                                          \
		NULL, 0, NULL, 0                                                                   \
	}
/* Short forms every command accepts; a command appends its own after these. */
#define PB_CLI_SHORT ":o:qhV"

/* One command's parsing context. */
struct pb_cli {
	const char *usage, *help;   /* the command's usage lines and --help text */
	const char *version;        /* printed by --version */
	const char **output;        /* where -o FILE goes */
	const struct option *longs; /* the command's table, ending in PB_CLI_OPTIONS */
	const char *shorts;         /* PB_CLI_SHORT followed by the command's own */
};

/*
 * The next option that is the command's own, or -1 after the last option.
 * Common options are answered here (--help and --version exit); an unknown
 * option or a missing argument is a usage error (exit 2). optarg as getopt's.
 */
int pb_cli_next(const struct pb_cli *cli, int argc, char **argv);

/*
 * Holds the command to the memory it may use, so that an input built to
 * exhaust memory (millions of groups) ends with "out of memory" and exit 2
 * instead of the kernel's OOM kill: the address-space limit becomes
 * PB_MEMORY_LIMIT (4G, 512M, ...; none for no limit), else the machine's
 * physical memory. A bad PB_MEMORY_LIMIT exits 2. Not under AddressSanitizer.
 */
void pb_cli_limit_memory(void);

#endif
