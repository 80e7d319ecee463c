/*
 * report_order: the order of a section's rows — the official order of groups
 * (--order: 禅城区, 南海区, ... with subtotals kept with their group and
 * totals last), then --sort between totals rows. Both are stable merge
 * sorts of the row order with a context, never of the rows themselves.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pb/map.h"
#include "pb/vocab.h"
#include "report_int.h"

#define KEY_TOTAL LONG_MAX /* a 合计 sorts after every group at its level */

typedef int (*row_cmp_fn)(const void *ctx, size_t a, size_t b);

static void merge_sort(row_cmp_fn cmp, const void *ctx, size_t *v, size_t *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, o = 0;

	if (n < 2)
		return;
	merge_sort(cmp, ctx, v, tmp, mid);
	merge_sort(cmp, ctx, v + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[o++] = cmp(ctx, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[o++] = v[i++];
	while (j < n)
		tmp[o++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

/* --- the official order --- */

void pb_report_orders_release(struct pb_report *rep)
{
	size_t i, j;

	for (i = 0; i < rep->norders; i++) {
		for (j = 0; j < rep->orders[i].nvals; j++)
			free(rep->orders[i].vals[j]);
		free(rep->orders[i].vals);
		free(rep->orders[i].col);
	}
	free(rep->orders);
	rep->orders = NULL;
	rep->norders = 0;
}

static int add_value(struct pb_report_order *ord, size_t *cap, struct pb_str v)
{
	char *z;

	if (pb_grow_zeroed(&ord->vals, cap, ord->nvals, sizeof *ord->vals) < 0 ||
	    !(z = pb_strdup_str(v)))
		return -1;
	ord->vals[ord->nvals++] = z;
	return 0;
}

/* The values of "@FILE": one a line, white space and a BOM trimmed, empty lines skipped. */
static int read_values(struct pb_report_order *ord, const char *path, struct pb_error *err)
{
	struct pb_buf text = PB_BUF_INIT;
	char chunk[4096];
	size_t n, cap = 0;
	FILE *f = fopen(path, "r");
	const char *p, *end;

	if (!f)
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "--order: cannot read:");
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (pb_buf_add(&text, chunk, n) < 0)
			break;
	if (ferror(f) || n > 0) {
		fclose(f);
		pb_buf_release(&text);
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "--order: cannot read:");
	}
	fclose(f);
	p = text.p ? text.p : "";
	end = p + text.len;
	if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct pb_str v = { p, (size_t)((nl ? nl : end) - p) };
		while (v.n && strchr(" \t\r", v.p[v.n - 1]))
			v.n--;
		while (v.n && strchr(" \t", v.p[0]))
			v.p++, v.n--;
		if (v.n && add_value(ord, &cap, v) < 0)
			break;
		p = nl ? nl + 1 : end;
	}
	pb_buf_release(&text);
	if (p < end)
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "out of memory");
	return 0;
}

/* Reads one --order COL=V1,V2,... or COL=@FILE into ord. */
static int load_order(struct pb_report_order *ord, const char *spec, struct pb_error *err)
{
	const char *eq = strchr(spec, '='), *p;
	size_t cap = 0;

	if (!(ord->col = pb_strdup_str((struct pb_str){ spec, (size_t)(eq - spec) })))
		return pb_error_set(err, PB_EXIT_FATAL, "", 0, "out of memory");
	if (eq[1] == '@')
		return read_values(ord, eq + 2, err);
	for (p = eq + 1; *p;) {
		size_t n = strcspn(p, ",");
		if (n && add_value(ord, &cap, (struct pb_str){ p, n }) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, "", 0, "out of memory");
		p += n + (p[n] == ',');
	}
	return 0;
}

int pb_report_orders_load(struct pb_report *rep, struct pb_error *err)
{
	const struct pb_report_opts *o = rep->o;
	size_t i;

	if (!o->norders)
		return 0;
	rep->orders = calloc(o->norders, sizeof *rep->orders);
	if (!rep->orders)
		return pb_error_set(err, PB_EXIT_FATAL, "", 0, "out of memory");
	for (i = 0; i < o->norders; i++) {
		rep->norders++;
		if (load_order(&rep->orders[i], o->orders[i], err) < 0)
			return -1;
	}
	return 0;
}

/* The official order for input column c of s, or NULL (the last --order for it wins). */
static const struct pb_report_order *order_for(const struct pb_report *rep,
                                               const struct pb_report_section *s, size_t c)
{
	size_t i;

	for (i = rep->norders; i-- > 0;)
		if (strcmp(rep->orders[i].col, s->names[c]) == 0)
			return &rep->orders[i];
	return NULL;
}

/* The place of v in ord (its value or its label as listed), or -1. */
static long listed_at(const struct pb_report_order *ord, const struct pb_report_col *col,
                      struct pb_str v)
{
	const char *zh = col->vocab ? pb_vocab_label((enum pb_vocab_id)col->vocab, v, 0) : NULL;
	const char *en = col->vocab ? pb_vocab_label((enum pb_vocab_id)col->vocab, v, 1) : NULL;
	size_t i;

	for (i = 0; i < ord->nvals; i++)
		if (pb_str_eqz(v, ord->vals[i]) || (zh && strcmp(zh, ord->vals[i]) == 0) ||
		    (en && strcmp(en, ord->vals[i]) == 0))
			return (long)i;
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return pb_str_cmp(*(const struct pb_str *)a, *(const struct pb_str *)b);
}

/*
 * The sort key of every row at one level (input column c): a listed value
 * its place in the official order, an unlisted one after them in byte
 * order; in a column without an official order, a group its first
 * appearance. 合计 sorts last. 0, or -1 out of memory.
 */
static int level_keys(const struct pb_report_section *s, size_t c,
                      const struct pb_report_order *ord, long *key)
{
	struct pb_map seen = PB_MAP_INIT;
	struct pb_report_col col;
	struct pb_str *distinct = NULL;
	size_t i, nd;
	int rc = -1;

	pb_report_classify(s, c, &col);
	for (i = 0; i < s->nrows; i++) {
		size_t r = s->order[i];
		struct pb_str v = pb_report_raw(s, r, c);
		long at = ord ? listed_at(ord, &col, v) : -1;
		if (pb_str_eqz(v, PB_TOTAL_LABEL))
			key[r] = KEY_TOTAL;
		else if (at >= 0)
			key[r] = at;
		else if ((key[r] = pb_map_put(&seen, v.p, v.n, NULL)) < 0)
			goto out;
		else if (ord)
			key[r] = -1 - key[r]; /* unlisted: ranked by bytes below */
	}
	nd = seen.count;
	if (ord && nd) {
		if (!(distinct = malloc(nd * sizeof *distinct)))
			goto out;
		for (i = 0; i < nd; i++)
			distinct[i] = pb_map_key(&seen, i);
		qsort(distinct, nd, sizeof *distinct, cmp_str);
		for (i = 0; i < s->nrows; i++) {
			size_t r = s->order[i];
			if (key[r] < 0) {
				struct pb_str v = pb_map_key(&seen, (size_t)(-1 - key[r]));
				struct pb_str *at =
				    bsearch(&v, distinct, nd, sizeof *distinct, cmp_str);
				key[r] = (long)(ord->nvals + (size_t)(at - distinct));
			}
		}
	}
	rc = 0;
out:
	free(distinct);
	pb_map_release(&seen);
	return rc;
}

/* Whether input column c of s has a value on two rows (a group column, not an id). */
static int values_repeat(const struct pb_report_section *s, size_t c)
{
	struct pb_map seen = PB_MAP_INIT;
	size_t i;
	int rep = 0;

	for (i = 0; i < s->nrows && !rep; i++) {
		struct pb_str v = pb_report_raw(s, i, c);
		int is_new;
		if (!v.n)
			continue;
		if (pb_map_put(&seen, v.p, v.n, &is_new) < 0)
			break;
		rep = !is_new;
	}
	pb_map_release(&seen);
	return rep;
}

struct levels {
	size_t n, nrows;
	long *keys; /* n * nrows */
};

static int levels_cmp(const void *ctx, size_t a, size_t b)
{
	const struct levels *l = ctx;
	size_t i;

	for (i = 0; i < l->n; i++) {
		long x = l->keys[i * l->nrows + a], y = l->keys[i * l->nrows + b];
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

/*
 * The official order for input column c of s, if it orders s: in a ranking
 * (pb-rank's rank, n and pct), only a group column (--by) is put in order,
 * never the ranked entities themselves, which stay in rank order.
 */
static const struct pb_report_order *ordering(const struct pb_report *rep,
                                              const struct pb_report_section *s, size_t c)
{
	const struct pb_report_order *ord = order_for(rep, s, c);
	int ranking = pb_report_find_col(s, PB_STR("rank")) >= 0 &&
	    pb_report_find_col(s, PB_STR("n")) >= 0 && pb_report_find_col(s, PB_STR("pct")) >= 0;

	return ord && ranking && !values_repeat(s, c) ? NULL : ord;
}

/*
 * Puts the rows in the official order of every column that has one. The
 * columns left of the last ordered one are levels too when their values
 * repeat (a district left of an ordered unit_type keeps its rows together);
 * ties keep their order, so a subtotal stays after its members.
 */
static int official_order(const struct pb_report *rep, struct pb_report_section *s, size_t *tmp)
{
	struct levels l = { 0, s->nrows, NULL };
	size_t c, last = 0;
	int any = 0, rc = -1;

	for (c = 0; c < s->nin; c++)
		if (ordering(rep, s, c))
			last = c, any = 1;
	if (!any || !s->nrows)
		return 0;
	l.keys = malloc((last + 1) * s->nrows * sizeof *l.keys);
	if (!l.keys)
		return -1;
	for (c = 0; c <= last; c++) {
		const struct pb_report_order *ord = ordering(rep, s, c);
		if (!ord && !values_repeat(s, c))
			continue;
		if (level_keys(s, c, ord, l.keys + l.n * s->nrows) < 0)
			goto out;
		l.n++;
	}
	merge_sort(levels_cmp, &l, s->order, tmp, s->nrows);
	rc = 0;
out:
	free(l.keys);
	return rc;
}

/* --- --sort --- */

struct sort_ctx {
	const struct pb_report_section *s;
	size_t col; /* input column */
	int numeric, desc;
};

static int sort_cmp(const void *ctx, size_t a, size_t b)
{
	const struct sort_ctx *k = ctx;
	struct pb_str x = pb_report_raw(k->s, a, k->col), y = pb_report_raw(k->s, b, k->col);
	double dx, dy;
	int c;

	if (!x.n || !y.n) /* empty values last, in either direction */
		return (int)!x.n - (int)!y.n;
	if (k->numeric && pb_report_is_number(x, &dx) && pb_report_is_number(y, &dy))
		c = dx < dy ? -1 : dx > dy;
	else
		c = pb_str_cmp(x, y);
	return k->desc ? -c : c;
}

/*
 * Sorts the runs of rows between totals rows by spec (COL[:asc|:desc]); the
 * totals stay where they are, so a subtotal of pb-coverage --rollup stays
 * after its members and the grand total last.
 */
static void sort_rows(struct pb_report_section *s, const char *spec, size_t *tmp)
{
	struct sort_ctx k = { s, 0, 0, 0 };
	struct pb_report_col kind;
	struct pb_str col;
	long c;
	size_t i, start;

	pb_report_parse_sort(spec, &col, &k.desc);
	if ((c = pb_report_find_col(s, col)) < 0)
		return;
	k.col = (size_t)c;
	pb_report_classify(s, k.col, &kind);
	k.numeric = kind.kind != PB_RK_TEXT;
	for (i = 0; i < s->nrows;) {
		if (s->total[s->order[i]]) {
			i++;
			continue;
		}
		for (start = i; i < s->nrows && !s->total[s->order[i]]; i++)
			;
		merge_sort(sort_cmp, &k, s->order + start, tmp, i - start);
	}
}

int pb_report_order_rows(const struct pb_report *rep, struct pb_report_section *s, const char *sort)
{
	size_t i, *tmp = malloc((s->nrows ? s->nrows : 1) * sizeof *tmp);

	if (!tmp)
		return -1;
	for (i = 0; i < s->nrows; i++)
		s->order[i] = i;
	if (official_order(rep, s, tmp) < 0) {
		free(tmp);
		return -1;
	}
	if (sort)
		sort_rows(s, sort, tmp);
	free(tmp);
	return 0;
}
