/*
 * coverage_list: the unit lists — rows of the register as read, every
 * column kept, after the list's own leading columns:
 *   --gaps          gap: the units that need action
 *   --list COLUMN   the units one summary column counts
 *   --changes PREV  change, prev_org_mode: the units that changed since PREV
 * --changes keeps PREV's ids and org_modes (memory grows with them, not with
 * rows) and reads PREV a second time for the units that are gone.
 */
#include "coverage_int.h"

#include <stdlib.h>
#include <string.h>

#include "pb/vocab.h"

enum kind { GAPS, LIST, CHANGES };

/* --list's columns: the units each summary column counts. */
enum list_col {
	L_SINGLE,
	L_JOINT,
	L_WORK,
	L_NONE,
	L_SHOULD_BUILD,
	L_COVERED,
	L_UNCOVERED,
	L_BUILT_SINCE,
	L_COUNT
};
static const char *const list_names[L_COUNT] = {
	[L_SINGLE] = "single",
	[L_JOINT] = "joint",
	[L_WORK] = "work",
	[L_NONE] = "none",
	[L_SHOULD_BUILD] = "should_build",
	[L_COVERED] = "covered",
	[L_UNCOVERED] = "uncovered",
	[L_BUILT_SINCE] = "built_since",
};

static const char *const mode_names[] = { [COV_OM_SINGLE] = "single",
	                                  [COV_OM_JOINT] = "joint",
	                                  [COV_OM_WORK] = "work",
	                                  [COV_OM_NONE] = "none" };

struct cov_lists {
	enum kind kind;
	enum list_col column;
	char **cols; /* the first input's header, copied */
	size_t ncols;
	/* --changes: PREV's units */
	struct pb_map ids;   /* unit_id -> index */
	unsigned char *mode; /* per index: org_mode as PREV writes it */
	unsigned char *seen; /* per index: found in this register (or written as removed) */
	size_t cap_mode, cap_seen;
};

static long find_list_col(const char *z)
{
	long i;

	for (i = 0; i < L_COUNT; i++)
		if (strcmp(list_names[i], z) == 0)
			return i;
	return -1;
}

int cov_list_check(const struct pb_coverage_opts *o, struct pb_error *err)
{
	long col;

	if (!o->list)
		return 0;
	if ((col = find_list_col(o->list)) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--list: '%s' is not one of single, joint, work, none, "
		                    "should_build, covered, uncovered, built_since",
		                    o->list);
	if (col <= L_SHOULD_BUILD && (o->status || o->links))
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--list %s counts org_mode; with --status or --links list "
		                    "covered or uncovered",
		                    o->list);
	if ((col == L_COVERED || col == L_UNCOVERED) && !o->status && !o->links)
		return pb_error_set(
		    err, PB_EXIT_FATAL, NULL, 0,
		    "--list %s needs --status or --links (without them list single, "
		    "joint, work or none)",
		    o->list);
	if (col == L_BUILT_SINCE && !o->has_since)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--list built_since needs --since");
	return 0;
}

int cov_written_mode(struct cov *c, const struct pb_tsv_reader *r, struct pb_str s)
{
	const struct pb_vocab_entry *e;
	int mode;

	/* the canonical names first, compared at constant lengths (inlined, no strlen) */
	switch (s.n) {
	case 6:
		if (memcmp(s.p, "single", 6) == 0)
			return COV_OM_SINGLE;
		break;
	case 5:
		if (memcmp(s.p, "joint", 5) == 0)
			return COV_OM_JOINT;
		break;
	case 4:
		if (memcmp(s.p, "work", 4) == 0)
			return COV_OM_WORK;
		if (memcmp(s.p, "none", 4) == 0)
			return COV_OM_NONE;
		break;
	}
	if (!(e = pb_vocab_lookup(PB_VOCAB_ORG_MODE, s))) {
		cov_row_error(c, r->name, r->line, "org_mode: '%.*s' is not one of %s", (int)s.n,
		              s.p, pb_vocab_list(PB_VOCAB_ORG_MODE));
		return -1;
	}
	for (mode = COV_OM_SINGLE; mode < COV_OM_NONE; mode++)
		if (strcmp(e->value, mode_names[mode]) == 0)
			break;
	return mode;
}

/* ---------- writing ---------- */

/* The list's leading fields; whether any was written. */
static int put_lead(struct cov *c, const char *lead1, const char *lead2)
{
	if (lead1)
		fputs(lead1, c->out);
	if (lead2) {
		putc('\t', c->out);
		fputs(lead2, c->out);
	}
	return lead1 != NULL;
}

/* One output row: the leading fields, then the register's row as read. */
static void put_row(struct cov *c, const char *lead1, const char *lead2,
                    const struct pb_str *fields, size_t n)
{
	size_t i;

	for (i = put_lead(c, lead1, lead2) ? 0 : 1; i < n + 1; i++) {
		if (i)
			pb_tsv_put_str(c->out, fields[i - 1]);
		if (i < n)
			putc('\t', c->out);
	}
	putc('\n', c->out);
}

int cov_list_header(struct cov *c, const struct pb_tsv_reader *r, struct pb_error *err)
{
	static const char *const lead[][2] = { [GAPS] = { "gap", NULL },
		                               [LIST] = { NULL, NULL },
		                               [CHANGES] = { "change", "prev_org_mode" } };
	struct cov_lists *l = c->lists;
	const char *opt = l->kind == GAPS ? "--gaps" : l->kind == LIST ? "--list" : "--changes";
	size_t i;
	int same;

	if (l->cols) {
		same = l->ncols == r->ncols;
		for (i = 0; same && i < r->ncols; i++)
			same = strcmp(l->cols[i], r->cols[i]) == 0;
		if (!same)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "%s: every input needs the same columns as the first",
			                    opt);
		return 0;
	}
	for (i = 0; i < 2; i++)
		if (lead[l->kind][i] && pb_tsv_col(r, lead[l->kind][i]) >= 0)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "%s: the input already has a column '%s' (a %s list?)",
			                    opt, lead[l->kind][i],
			                    l->kind == GAPS ? "gap" : "change");
	if (!(l->cols = calloc(r->ncols + 1, sizeof *l->cols)))
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "out of memory");
	for (i = 0; i < r->ncols; i++)
		if (!(l->cols[l->ncols++] = strdup(r->cols[i])))
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "out of memory");
	for (i = put_lead(c, lead[l->kind][0], lead[l->kind][1]) ? 0 : 1; i < r->ncols + 1; i++) {
		if (i)
			pb_tsv_puts(c->out, r->cols[i - 1]);
		if (i < r->ncols)
			putc('\t', c->out);
	}
	putc('\n', c->out);
	return 0;
}

/* --gaps: none or work wins over should_build. */
static const char *gap_of(const struct cov_unit *u)
{
	if (u->mode == COV_OM_NONE || u->mode == COV_OM_WORK)
		return mode_names[u->mode];
	return u->should_build ? "should_build" : NULL;
}

static int listed(const struct cov_lists *l, const struct cov_unit *u)
{
	switch (l->column) {
	case L_SHOULD_BUILD: return u->should_build;
	case L_COVERED: return u->covered;
	case L_UNCOVERED: return !u->covered;
	case L_BUILT_SINCE: return u->built_since;
	default: return u->mode == (int)l->column;
	}
}

int cov_list_row(struct cov *c, const struct pb_tsv_reader *r, const struct cov_unit *u)
{
	const char *gap;

	if (c->lists->kind == GAPS && (gap = gap_of(u)))
		put_row(c, gap, NULL, r->fields, r->nfields);
	else if (c->lists->kind == LIST && listed(c->lists, u))
		put_row(c, NULL, NULL, r->fields, r->nfields);
	return 0;
}

/* ---------- --changes ---------- */

/* Whether an org_mode covers the unit with an organization. */
static int built(int mode)
{
	return mode == COV_OM_SINGLE || mode == COV_OM_JOINT;
}

/* PREV's unit_id and org_mode columns; -1 with err when one is missing. */
static int prev_cols(const struct pb_tsv_reader *r, int *id, int *mode, struct pb_error *err)
{
	*id = pb_tsv_col(r, "unit_id");
	*mode = pb_tsv_col(r, "org_mode");
	if (*id < 0 || *mode < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "no column '%s' (--changes matches units by unit_id)",
		                    *id < 0 ? "unit_id" : "org_mode");
	return 0;
}

/* Records one unit of PREV: its id and org_mode. 0, or -1 out of memory. */
static int prev_unit(struct cov *c, const struct pb_tsv_reader *r, int id, int mode)
{
	struct cov_lists *l = c->lists;
	struct pb_str u = r->fields[id];
	int m, is_new;
	long i;

	if (!u.n) {
		cov_row_error(c, r->name, r->line, "unit_id is empty");
		return 0;
	}
	if ((m = cov_written_mode(c, r, r->fields[mode])) < 0)
		return 0;
	if ((i = pb_map_put(&l->ids, u.p, u.n, &is_new)) < 0 ||
	    pb_grow_zeroed(&l->mode, &l->cap_mode, (size_t)i, 1) < 0 ||
	    pb_grow_zeroed(&l->seen, &l->cap_seen, (size_t)i, 1) < 0)
		return -1;
	if (!is_new)
		cov_row_error(c, r->name, r->line, "unit_id '%.*s' listed twice; the first is kept",
		              (int)u.n, u.p);
	else
		l->mode[i] = (unsigned char)m;
	return 0;
}

/* --changes, first pass: PREV's ids and org_modes. */
static int load_prev(struct cov *c, struct pb_error *err)
{
	struct pb_tsv_reader r;
	int rc, id, mode;

	if ((rc = pb_tsv_open(&r, c->o->changes, err)) == 0)
		rc = prev_cols(&r, &id, &mode, err);
	while (rc == 0 && (rc = pb_tsv_next_row(&r, &c->errors, err)) > 0)
		if ((rc = prev_unit(c, &r, id, mode)) < 0)
			pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
	pb_tsv_close(&r);
	return rc < 0 ? -1 : 0;
}

int cov_changes_row(struct cov *c, const struct pb_tsv_reader *r, int org_mode, int unit_id)
{
	static const char *const change[2][2] = { { "mode", "built" }, { "lost", "mode" } };
	struct cov_lists *l = c->lists;
	struct pb_str u = r->fields[unit_id];
	long i;
	int m;

	if (!u.n) {
		cov_row_error(c, r->name, r->line, "unit_id is empty");
		return 0;
	}
	i = pb_map_find(&l->ids, u.p, u.n);
	if (i >= 0 && l->seen[i]) {
		cov_row_error(c, r->name, r->line, "unit_id '%.*s' listed twice", (int)u.n, u.p);
		return 0;
	}
	if (i >= 0)
		l->seen[i] = 1;
	if ((m = cov_written_mode(c, r, r->fields[org_mode])) < 0)
		return 0;
	if (i < 0)
		put_row(c, "added", "", r->fields, r->nfields);
	else if (m != l->mode[i])
		put_row(c, change[built(l->mode[i])][built(m)], mode_names[l->mode[i]], r->fields,
		        r->nfields);
	return 0;
}

/*
 * --changes, second pass: PREV's units this register does not have, as
 * PREV writes them, in this register's columns (one PREV lacks is empty).
 */
static int write_removed(struct cov *c, struct pb_error *err)
{
	struct cov_lists *l = c->lists;
	struct pb_tsv_reader r;
	struct pb_str *out = NULL;
	int *from = NULL, rc, got, id, mode;
	size_t j;
	long i;

	if ((rc = pb_tsv_open(&r, c->o->changes, err)) == 0 &&
	    (rc = prev_cols(&r, &id, &mode, err)) == 0 &&
	    (!(from = calloc(l->ncols + 1, sizeof *from)) ||
	     !(out = calloc(l->ncols + 1, sizeof *out))))
		rc = pb_error_set(err, PB_EXIT_FATAL, r.name, 1, "out of memory");
	for (j = 0; rc == 0 && j < l->ncols; j++)
		from[j] = pb_tsv_col(&r, l->cols[j]);
	/* the rows are read, not reported again: the first pass did */
	while (rc == 0 && (got = pb_tsv_next(&r, err)) != 0) {
		if (got < 0) {
			rc = err->code == PB_EXIT_FATAL ? -1 : 0;
			continue;
		}
		if (!r.fields[id].n ||
		    (i = pb_map_find(&l->ids, r.fields[id].p, r.fields[id].n)) < 0 || l->seen[i])
			continue;
		l->seen[i] = 1;
		for (j = 0; j < l->ncols; j++)
			out[j] = from[j] >= 0 ? r.fields[from[j]] : (struct pb_str){ "", 0 };
		put_row(c, "removed", mode_names[l->mode[i]], out, l->ncols);
	}
	pb_tsv_close(&r);
	free(from);
	free(out);
	return rc < 0 ? -1 : 0;
}

/* ---------- the list's life ---------- */

int cov_lists_open(struct cov *c, struct pb_error *err)
{
	const struct pb_coverage_opts *o = c->o;

	if (!o->gaps && !o->list && !o->changes)
		return 0;
	if (!(c->lists = calloc(1, sizeof *c->lists)))
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	c->lists->kind = o->gaps ? GAPS : o->list ? LIST : CHANGES;
	c->lists->column = o->list ? (enum list_col)find_list_col(o->list) : L_SINGLE;
	if (c->lists->kind == CHANGES && strcmp(o->changes, "-") == 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--changes: PREV must be a file (it is read twice), not '-'");
	return c->lists->kind == CHANGES ? load_prev(c, err) : 0;
}

int cov_lists_close(struct cov *c, struct pb_error *err)
{
	return c->lists->kind == CHANGES && c->lists->cols ? write_removed(c, err) : 0;
}

void cov_lists_free(struct cov *c)
{
	struct cov_lists *l = c->lists;
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->ncols; i++)
		free(l->cols[i]);
	free(l->cols);
	pb_map_release(&l->ids);
	free(l->mode);
	free(l->seen);
	free(l);
	c->lists = NULL;
}
