/*
 * import: pb-import's work — turns a register as staff keep it (CSV/TSV in
 * any of the supported encodings, or an .xlsx/.xls sheet; title rows above
 * a one- or two-row Chinese header) into clean pb TSV of one record kind:
 * header aliases, value aliases, normalization, validation, derived ids,
 * and a rejects file so every row read is either written or rejected.
 */
#ifndef PB_IMPORT_H
#define PB_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "pb/diag.h"
#include "pb/input.h"
#include "pb/vocab.h"

struct pb_import_opts {
	enum pb_kind kind;
	enum pb_encoding encoding;
	enum pb_format format;
	int normalize;           /* 0 with --no-normalize: convert only */
	int keep_all;            /* --keep: pass every unmapped column through */
	const char *keep_list;   /* --keep=COL,…: pass these through (source names) */
	const char *const *maps; /* --map values "canonical=source", in order */
	size_t nmaps;
	const char *map_file;          /* --map-file */
	const char *rules_file;        /* --rules */
	const char *rejects_path;      /* --rejects */
	const char *output;            /* -o; NULL = stdout */
	unsigned long long max_errors; /* 0 = no limit */
	int has_as_of;
	int32_t as_of;             /* established/opened after it are bad; default today */
	const char *const *inputs; /* none = stdin */
	size_t ninputs;
	const char *sheet;        /* --sheet NAME|N; NULL: the first visible sheet */
	long header_row;          /* --header-row N; 0: found by its names */
	const char *fill_down;    /* --fill-down COL,…: an empty cell takes the value above */
	const char *aliases_file; /* --aliases: pb TSV column, value, canonical */
	int strict;               /* --strict: a bad optional value rejects its row */
};

#define PB_IMPORT_OPTS_INIT                                                                        \
	{                                                                                          \
		.kind = PB_KIND_UNITS, .encoding = PB_ENC_AUTO, .format = PB_FMT_AUTO,             \
		.normalize = 1,                                                                    \
	}

struct pb_import_stats {
	unsigned long long read, wrote, rejected;
	unsigned long long emptied; /* bad optional values left empty (rows still written) */
};

/*
 * Checks that the options go together (--map syntax, -o and --rejects apart,
 * --rules with --kind units, --aliases with a schema and normalization,
 * --fill-down and --sheet not empty): 0, or -1 with err (PB_EXIT_FATAL, a usage
 * error). pb_import_run calls it too.
 */
int pb_import_check_opts(const struct pb_import_opts *o, struct pb_error *err);

/*
 * Runs the import. Each rejected row is reported on stderr as FILE:LINE:
 * reason. Returns 0 (all rows written), 1 (some rejected), or -1 with err
 * (fatal; stats still count what was read). Never prints the summary: the
 * command does, from stats.
 */
int pb_import_run(const struct pb_import_opts *o, struct pb_import_stats *st, struct pb_error *err);

/*
 * The deterministic ids pb-import derives (documented in pb(7)): "u" + 16
 * hex digits of FNV-1a-64 over city, district, town, community and
 * unit_name joined by U+001F; "o" + the same over org_name; "e" + the same
 * over entity_name. Writes a NUL-terminated id into out[18].
 */
void pb_import_derive_id(char prefix, const struct pb_str *parts, size_t nparts, char out[18]);

#endif
