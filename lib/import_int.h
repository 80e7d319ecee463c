/*
 * import_int: what the files of pb-import's engine share — import.c (run,
 * read, write) over import_plan.c (header to plan) and import_value.c
 * (values and the rules of each kind). Not a public header.
 */
#ifndef PB_IMPORT_INT_H
#define PB_IMPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pb/buf.h"
#include "pb/diag.h"
#include "pb/import.h"
#include "pb/map.h"
#include "pb/rules.h"
#include "pb/text.h"
#include "pb/tsv.h"

/* One output column: a schema column (from a source column or derived) or a kept one. */
struct outcol {
	int pos;    /* schema position, or -1 for a kept source column */
	int src;    /* source column, or -1 when derived */
	char *name; /* owned */
};

/* How one input file's columns become the output's. */
struct plan {
	size_t nsrc;
	char **raw_names; /* source header as read, for the rejects file */
	char **names;     /* source header normalized */
	size_t nschema;
	const struct pb_column_def **defs;
	int *src; /* per schema position: source column or -1 */
	struct outcol *out;
	size_t nout;
};

/* A value being built for a schema position: a view into a field, or bytes in scratch. */
struct val {
	const char *p; /* NULL: at off in scratch */
	size_t off, n;
};

/* Where a unit id, organization or key was first seen. */
struct seen {
	long line;
	int file;
	char mode; /* for organizations: 's' single, 'j' joint */
};

struct import {
	const struct pb_import_opts *o;
	const struct pb_kind_def *kd;
	struct pb_import_stats *st;
	struct pb_rules *rules;
	struct pb_norm norm;
	struct pb_buf scratch, reason, key;
	struct pb_buf specs; /* the user's mappings, NUL-separated: --map-file, then --map */
	struct val *vals;
	struct pb_out out, rej;
	int rej_open;
	size_t rej_ncols;
	char **first_out_names;
	size_t first_nout;
	/* uniqueness: unit ids, organizations, score keys, link keys */
	struct pb_map ids, orgs;
	struct seen *id_seen, *org_seen;
	size_t id_cap, org_cap;
	const char *cur_file;
	int cur_file_no;
	const char *const *files;
	size_t nfiles;
	int32_t as_of;
	/* schema positions the kind rules need; -1 when not in the schema */
	int p_unit_id, p_unit_name, p_unit_type, p_city, p_district, p_town, p_community;
	int p_org_mode, p_org_id, p_org_name;
	int p_established, p_dissolved, p_opened, p_closed;
	int p_entity_id, p_entity_name, p_indicator, p_judge, p_score, p_period;
	int p_from, p_to, p_link_type, p_start, p_end, p_target;
};

/* Sets im->reason and returns -1 from the function: the row is rejected. */
#define FAIL(...)                                                                                  \
	do {                                                                                       \
		pb_buf_reset(&im->reason);                                                         \
		pb_buf_addf(&im->reason, __VA_ARGS__);                                             \
		return -1;                                                                         \
	} while (0)

/* The schema position of a canonical column in the kind, or -1. */
int pb_import_schema_pos(const struct import *im, const char *name);

/* "canonical=source" (or canonical<TAB>source) into its parts; 0 or -1. */
int pb_import_split_map(const char *spec, struct pb_str *canon, struct pb_str *source);
/* Reads --map-file and --map into im->specs. 0, or -1 with err. */
int pb_import_load_maps(struct import *im, struct pb_error *err);

/*
 * Maps a header (names as read, n of them, valid UTF-8) to a plan. file and
 * line say where the header is, for messages. 0, or -1 with err (fatal).
 */
int pb_import_plan(struct import *im, const struct pb_str *names, size_t n, const char *file,
                   long line, struct plan *pl, struct pb_error *err);
void pb_import_plan_free(struct plan *pl);

/* The value at a schema position: a view valid until the next row. */
struct pb_str pb_import_val(const struct import *im, int pos);
/*
 * Normalizes and checks the schema values of one row (fields as read) and
 * applies the kind's rules. 0, or -1 with im->reason set: reject the row.
 */
int pb_import_check_row(struct import *im, const struct plan *pl, const struct pb_str *fields,
                        long line);

#endif
