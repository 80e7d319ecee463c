/*
 * vocab: the one table of pb's words — every canonical column (its Chinese
 * and English labels, the header aliases pb-import accepts, its value kind)
 * and every vocabulary (canonical value, Chinese label, aliases) — so
 * import, coverage, rank and report agree.
 */
#ifndef PB_VOCAB_H
#define PB_VOCAB_H

#include "pb/buf.h"

/*
 * The group value of total and subtotal rows (pb-coverage writes it, pb-rank
 * skips such rows, pb-report sets them apart); never a real group's name.
 */
#define PB_TOTAL_LABEL "合计"

enum pb_vocab_id {
	PB_VOCAB_NONE = 0,
	PB_VOCAB_UNIT_TYPE,
	PB_VOCAB_ORG_MODE,
	PB_VOCAB_ORG_KIND,
	PB_VOCAB_BOOL,
	PB_VOCAB_GAP,
	PB_VOCAB_COUNT
};

struct pb_vocab_entry {
	const char *value;          /* canonical: ASCII */
	const char *zh;             /* Chinese label */
	const char *en;             /* English label */
	const char *const *aliases; /* NULL-terminated; may be NULL */
};

/* Entries of a vocabulary, NULL-terminated by an entry whose value is NULL. */
const struct pb_vocab_entry *pb_vocab_entries(enum pb_vocab_id v);
/*
 * The entry a (normalized) value names: its canonical value (ASCII
 * case-insensitive), its Chinese label or an alias. NULL if none.
 */
const struct pb_vocab_entry *pb_vocab_lookup(enum pb_vocab_id v, struct pb_str s);
/* The Chinese (or English when en) label of a canonical value, or NULL. */
const char *pb_vocab_label(enum pb_vocab_id v, struct pb_str value, int en);
/* A vocabulary's canonical values joined by ", ", for messages. */
const char *pb_vocab_list(enum pb_vocab_id v);

/* How pb-import normalizes and checks a column's values. */
enum pb_col_kind {
	PB_COL_TEXT,   /* free text */
	PB_COL_ID,     /* an identifier */
	PB_COL_INT,    /* whole number >= 0 */
	PB_COL_NUM,    /* decimal number */
	PB_COL_DATE,   /* YYYY-MM-DD */
	PB_COL_VOCAB,  /* one of a vocabulary's values */
	PB_COL_OUTPUT, /* computed by a command; not read by pb-import */
};

struct pb_column_def {
	const char *name; /* canonical column name */
	const char *zh;   /* label in reports */
	const char *en;
	enum pb_col_kind kind;
	enum pb_vocab_id vocab;
	const char *const *aliases; /* header names pb-import maps to this column */
};

/* The definition of a canonical column, or NULL. Suffix rules (_rate, _pp) are the caller's. */
const struct pb_column_def *pb_column_find(const char *name);
/* All column definitions, terminated by an entry whose name is NULL. */
const struct pb_column_def *pb_columns(void);
/*
 * Appends the report label of any column name to out: the table's label,
 * else one built from a known base and suffix (org_rate_delta_pp →
 * 组织覆盖率变化), else the name itself. Returns 1 when a label was found.
 */
int pb_column_label(const char *name, int en, struct pb_buf *out);

/* The record kinds of pb-import and their columns, in output order. */
enum pb_kind { PB_KIND_UNITS, PB_KIND_SCORES, PB_KIND_LINKS, PB_KIND_TARGETS, PB_KIND_RAW };

struct pb_kind_def {
	const char *name;
	const char *const *columns;  /* canonical columns, in output order, NULL-terminated */
	const char *const *required; /* columns the source must have (after aliasing) */
};

const struct pb_kind_def *pb_kind_def(enum pb_kind k);
/* 0 and *k set, or -1 for an unknown name. */
int pb_kind_parse(const char *name, enum pb_kind *k);

#endif
