/* cli: the options every command shares and the option loop around them. */
#include "pb/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>

#include "pb/diag.h"

#if defined(__SANITIZE_ADDRESS__)
#define PB_NO_AS_LIMIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PB_NO_AS_LIMIT 1
#endif
#endif

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

/* PB_MEMORY_LIMIT's value in bytes (a number, K, M, G or T after it); 0 none; -1 bad. */
static long long parse_limit(const char *v)
{
	static const char units[] = "kmgt";
	char *end;
	const char *unit;
	unsigned long long n;
	int shift = 0;

	if (strcmp(v, "none") == 0 || strcmp(v, "0") == 0)
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (end == v || errno || *v == '-')
		return -1;
	if (*end && (unit = strchr(units, tolower((unsigned char)*end)))) {
		shift = 10 * (int)(unit - units + 1);
		end++;
	}
	if (*end == 'i' && shift)
		end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || n == 0 || n > (1ULL << (62 - shift)))
		return -1;
	return (long long)(n << shift);
}

void pb_cli_limit_memory(void)
{
	const char *v = getenv("PB_MEMORY_LIMIT");
	long long limit = 0;
	struct sysinfo si;
	struct rlimit rl;

	if (v && *v) {
		if ((limit = parse_limit(v)) < 0)
			pb_die(PB_EXIT_FATAL,
			       "PB_MEMORY_LIMIT '%s': expected a size such as 4G, 512M or none", v);
	} else if (sysinfo(&si) == 0) {
		limit = (long long)si.totalram * (long long)(si.mem_unit ? si.mem_unit : 1);
	}
#ifdef PB_NO_AS_LIMIT
	limit = 0; /* AddressSanitizer reserves terabytes of address space up front */
#endif
	if (limit <= 0 || getrlimit(RLIMIT_AS, &rl) < 0)
		return;
	if (rl.rlim_max != RLIM_INFINITY && (unsigned long long)limit > rl.rlim_max)
		limit = (long long)rl.rlim_max;
	if (rl.rlim_cur != RLIM_INFINITY && (unsigned long long)limit > rl.rlim_cur)
		return; /* a tighter limit is set already */
	rl.rlim_cur = (rlim_t)limit;
	if (setrlimit(RLIMIT_AS, &rl) == 0)
		pb_note_memory_limit((unsigned long long)limit);
}
