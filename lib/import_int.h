/*
 * import_int: what the files of pb-import's engine share. Calls go down only:
 * import.c (run, rows, rejects, output) over its jobs — import_header.c (the
 * header below the title rows), import_plan.c (header to plan),
 * import_value.c (values and the rules of each kind) over import_alias.c
 * (--aliases, region warnings) — all over import_state.c (where a row is,
 * the value at a position). Not a public header.
 */
#ifndef PB_IMPORT_INT_H
#define PB_IMPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pb/buf.h"
#include "pb/diag.h"
#include "pb/import.h"
#include "pb/input.h"
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
	int esc; /* may hold bytes pb TSV escapes (else written as they are) */
};

/* A record as the import sees it: views it may replace (padding, --fill-down). */
struct row {
	struct pb_str *f;
	unsigned char *flags; /* per field: what pb_text_scan found */
	int scanned;          /* flags came with the record (else check_text scans) */
	size_t n;
	long line;       /* where it starts: a physical line, or a sheet row */
	const char *bad; /* NULL, or why it is malformed */
};

/* How many spellings of a vocabulary column's values are remembered. */
#define VOCAB_SEEN_MAX 4096

/* The region columns whose near-duplicate values (禅城 / 禅城区) are warned about. */
#define NREGION 4

/* Where a unit id, organization or key was first seen. */
struct seen {
	long line;
	int file;
	char mode; /* for organizations: 's' single, 'j' joint */
};

/* A set of byte-string keys with a fixed-size payload each (import_keys.c). */
struct keyset {
	uint64_t *slots;
	size_t nslots, count, psize;
	struct pb_buf arena; /* the records, in the order they came */
};

/* An organization id derived ahead, from the next row's org_name (n = 0: none). */
struct derived {
	char name[128];
	size_t n;
	char id[18];
};

struct import {
	const struct pb_import_opts *o;
	const struct pb_kind_def *kd;
	size_t nschema; /* the kind's columns */
	struct pb_import_stats *st;
	struct pb_rules *rules;
	struct pb_norm norm;
	struct pb_buf scratch, reason, key;
	struct pb_buf specs; /* the user's mappings, NUL-separated: --map-file, then --map */
	struct pb_map known; /* every header name the kind knows (ASCII lower-cased) */
	/* --aliases: "pos\x1fvalue" -> canonical */
	struct pb_map aliases;
	char **alias_to;
	size_t alias_cap;
	unsigned char *has_alias; /* per schema position */
	/* bad optional values left empty in the current row: messages, NUL-separated */
	struct pb_buf notes;
	size_t nnotes;
	/* region values seen in written rows (city, district, town, community): row counts */
	struct keyset regions[NREGION];
	struct val *vals;
	struct keyset *vocab_seen; /* per schema position: spellings already looked up */
	struct pb_out out, rej;
	int rej_open;
	size_t rej_ncols;
	char **first_out_names;
	size_t first_nout;
	/* uniqueness: unit ids, organizations, score keys, link keys; where each was first seen */
	struct keyset ids, orgs;
	struct pb_input *in;     /* the input being read */
	struct pb_str *rowbuf;   /* the row's views: room for the widest row and the header */
	size_t rowcap, width;    /* width: the header's columns, to pad a sheet's short rows */
	unsigned char *rowflags; /* the row's flags, as many */
	size_t rowflags_cap;
	struct pb_buf obuf; /* output gathered for the next write */
	struct derived ahead;
	int cur_file_no;
	int oom;       /* a row's check ran out of memory: the run ends; the row is no reject */
	char **labels; /* per input: "FILE:" or "FILE:SHEET!", to name a row of another input */
	const char *const *inputs;
	size_t ninputs;
	int32_t as_of;
	/* schema positions the kind rules need; -1 when not in the schema */
	int p_unit_id, p_unit_name, p_unit_type, p_city, p_district, p_town, p_community;
	int p_org_mode, p_org_id, p_org_name;
	int p_established, p_dissolved, p_opened, p_closed;
	int p_entity_id, p_entity_name, p_indicator, p_judge, p_score, p_period;
	int p_from, p_to, p_link_type, p_start, p_end, p_target, p_instructor;
};

/*
 * Sets im->reason and returns -1 from the function: the row is rejected (or,
 * when the reason finds no memory, the run ends as with OOM).
 */
#define FAIL(...)                                                                                  \
	do {                                                                                       \
		pb_buf_reset(&im->reason);                                                         \
		if (pb_buf_addf(&im->reason, __VA_ARGS__) < 0)                                     \
			im->oom = 1;                                                               \
		return -1;                                                                         \
	} while (0)

/* Out of memory while checking a row: returns -1, and the run ends with a fatal error. */
#define OOM()                                                                                      \
	do {                                                                                       \
		im->oom = 1;                                                                       \
		return -1;                                                                         \
	} while (0)

/* The value at a schema position (empty for -1): a view valid until the next row. */
static inline struct pb_str pb_import_val(const struct import *im, int pos)
{
	const struct val *v;

	if (pos < 0)
		return (struct pb_str){ "", 0 };
	v = &im->vals[pos];
	if (v->p)
		return (struct pb_str){ v->p, v->n };
	return (struct pb_str){ im->scratch.p + v->off, v->n };
}

/* import_state.c */

/* The schema position of a canonical column in the kind, or -1. */
int pb_import_schema_pos(const struct import *im, const char *name);
/*
 * Names of the input being read, for messages: where line (0: the whole
 * input) is, as pb_input_where gives it, into buf.
 */
long pb_import_where(const struct import *im, long line, char *buf, size_t cap, const char **file);
/* Sets err (PB_EXIT_FATAL) naming the current input at line (0: the input); returns -1. */
int pb_import_fail(const struct import *im, struct pb_error *err, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Says something about a row on stderr, naming it as FILE:LINE or FILE:SHEET!ROW. */
void pb_import_warn_row(const struct import *im, long line, const char *msg);
/* "line N" / "row N" in the current input, else "FILE:N" / "FILE:SHEET!N", into buf. */
const char *pb_import_seen_at(const struct import *im, const struct seen *s, char *buf, size_t cap);

/* import_keys.c */

void pb_keyset_init(struct keyset *s, size_t psize);
void pb_keyset_release(struct keyset *s);
/* The payload of key (unaligned: read it with memcpy), or NULL. Valid until the next put. */
void *pb_keyset_find(const struct keyset *s, const void *key, size_t n);
/* The payload of key, added with a zeroed payload when new (*is_new); NULL out of memory. */
void *pb_keyset_put(struct keyset *s, const void *key, size_t n, int *is_new);
/* Where a key is or would go in a set: its hash, then its slot (pb_keyset_seek). */
struct keyspot {
	uint64_t hash;
	uint64_t *slot;
};
/* Hashes a key and starts fetching its slot, so that misses in two sets overlap. */
void pb_keyset_aim(const struct keyset *s, const void *key, size_t n, struct keyspot *at);
/* Starts fetching the slot of a key that will be sought soon. */
void pb_keyset_prefetch(const struct keyset *s, const void *key, size_t n);
/* After aim: the payload of key, or NULL (at then says where it would go). */
void *pb_keyset_seek(const struct keyset *s, const void *key, size_t n, struct keyspot *at);
/* After a seek that found nothing, the set unchanged since: adds key there (zeroed payload). */
void *pb_keyset_add(struct keyset *s, struct keyspot *at, const void *key, size_t n);
/* The record at off (0 first): its key and payload, and the next offset; 0 after the last. */
size_t pb_keyset_next(const struct keyset *s, size_t off, struct pb_str *key, void **payload);
/* Where a key was seen, in the 8 bytes of a payload (a line below 2^40). */
uint64_t pb_seen_pack(const struct seen *w);
struct seen pb_seen_unpack(uint64_t v);

/* import_plan.c */

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

/* import_header.c */

/* Is a header cell (normalized) one of the kind's names, an alias or a --map source? */
int pb_import_known_name(struct import *im, struct pb_str name);
/* Builds im->known; 0 or -1 out of memory. */
int pb_import_known_init(struct import *im);

/* The header found above the data: names (one row, or two read as one). */
struct header {
	struct pb_str *names;
	size_t n;
	long line; /* where the header (its first row) is */
	/* the rows read while looking for it: copies, replayed as data after it */
	struct pb_buf bytes;
	struct lrow {
		size_t first, n; /* fields: views[first .. first+n) over bytes */
		long line;
		size_t bad; /* offset of the reason in bytes + 1, or 0 */
	} rows[24];
	size_t nrows, next, dropped;
	size_t *offs; /* per stored field: start, then length */
	size_t noffs, offs_cap;
};

/*
 * Reads rows until it finds the header: --header-row, else the first of the
 * first 20 rows with at least two known column names (else the first row);
 * a group row above or a sub-row below is read with it when that names more
 * columns. Rows above it are skipped (named once on stderr). 0, or -1 with
 * err (fatal: empty input, no such --header-row).
 */
int pb_import_find_header(struct import *im, struct pb_input *in, struct header *h,
                          struct pb_error *err);
/* The next data record (replayed rows first); rows of only empty fields are skipped. */
int pb_import_next_row(struct import *im, struct pb_input *in, struct header *h, struct row *r,
                       struct pb_error *err);
void pb_import_header_release(struct header *h);

/* import_alias.c */

/* Reads --aliases into im->aliases; 0, or -1 with err. */
int pb_import_load_aliases(struct import *im, struct pb_error *err);
/* The office's wording of a value (normalized) at schema position pos, as its canonical value. */
struct pb_str pb_import_alias(const struct import *im, int pos, struct pb_str s);
/* Counts a written row's region values; warns of near-duplicates at the end of the run. */
void pb_import_count_regions(struct import *im);
void pb_import_warn_regions(struct import *im);

/* import_value.c */

/*
 * Starts fetching what the next record (if read ahead) will need of the
 * unit id and organization sets, so that their cache misses overlap this
 * record's work. A hint: nothing changes if it guesses wrong.
 */
void pb_import_aim_ahead(struct import *im, const struct plan *pl);
/*
 * Normalizes and checks the schema values of one row (fields as read, with
 * their flags) and
 * applies the kind's rules. 0, or -1 with im->reason set: reject the row.
 */
int pb_import_check_row(struct import *im, const struct plan *pl, const struct row *r);

#endif
