/*
 * report_model: pb-report's model — reads the sections, decides how each
 * column is shown (kind, decimals, label, vocabulary), orders the rows and
 * gives every writer a cell's display form. Knows nothing of the writers.
 */
#include <stdlib.h>
#include <string.h>

#include "pb/text.h"
#include "pb/tsv.h"
#include "pb/value.h"
#include "pb/vocab.h"
#include "report_int.h"

int pb_report_parse_sort(const char *spec, struct pb_str *col, int *desc)
{
	const char *colon = strrchr(spec, ':');

	*desc = 0;
	*col = (struct pb_str){ spec, strlen(spec) };
	if (colon) {
		col->n = (size_t)(colon - spec);
		if (strcmp(colon + 1, "desc") == 0)
			*desc = 1;
		else if (strcmp(colon + 1, "asc") != 0)
			return -1;
	}
	return col->n ? 0 : -1;
}

int pb_report_put_value(struct pb_buf *out, enum pb_report_kind k, struct pb_str v, int prec,
                        int signs)
{
	size_t len = out->len;
	int rc;

	switch (k) {
	case PB_RK_RATE: rc = pb_put_rounded(out, v, 2, prec, 0); break;
	case PB_RK_PP: rc = pb_put_rounded(out, v, 0, prec, signs); break;
	case PB_RK_CHANGE: rc = pb_put_rounded(out, v, 0, 0, signs); break;
	case PB_RK_INT: rc = pb_put_rounded(out, v, 0, 0, 0); break;
	case PB_RK_DEC: rc = pb_put_rounded(out, v, 0, prec, 0); break;
	default: return pb_buf_add(out, v.p, v.n);
	}
	if (rc < 0) { /* more digits than a double holds: shown as written */
		out->len = len;
		return pb_buf_add(out, v.p, v.n);
	}
	return k == PB_RK_RATE ? pb_buf_addc(out, '%') : 0;
}

int pb_report_is_number(struct pb_str s, double *v)
{
	double d;

	if (!s.n || s.p[0] == '+' || pb_parse_double(s, &d) < 0)
		return 0;
	if (v)
		*v = d;
	return 1;
}

/* A number that is not an identifier in disguise ("007"). */
static int is_plain_number(struct pb_str s)
{
	size_t i = s.n && s.p[0] == '-';

	if (!pb_report_is_number(s, NULL))
		return 0;
	return !(s.n > i + 1 && s.p[i] == '0' && s.p[i + 1] >= '0' && s.p[i + 1] <= '9');
}

/* --- the model --- */

struct pb_str pb_report_raw(const struct pb_report_section *s, size_t r, size_t c)
{
	const size_t *cell = s->cells + 2 * (r * s->nin + c);

	return (struct pb_str){ s->text.p + cell[0], cell[1] };
}

int pb_report_num(const struct pb_report_section *s, size_t r, size_t c, double *v)
{
	if (s->cols[c].kind == PB_RK_TEXT)
		return -1;
	return pb_report_is_number(pb_report_raw(s, r, s->cols[c].src), v) ? 0 : -1;
}

/* Whether the charted rows' values of columns [first, last] repeat. */
static int labels_repeat(const struct pb_report_section *s, long first, long last)
{
	size_t i, j;
	long c;
	double v;

	for (i = 0; i < s->nrows; i++) {
		if (s->total[i] || pb_report_num(s, i, (size_t)s->chart, &v) < 0)
			continue;
		for (j = i + 1; j < s->nrows; j++) {
			if (s->total[j] || pb_report_num(s, j, (size_t)s->chart, &v) < 0)
				continue;
			for (c = first; c <= last; c++) {
				size_t src = s->cols[c].src;
				if (!pb_str_eq(pb_report_raw(s, i, src), pb_report_raw(s, j, src)))
					break;
			}
			if (c > last)
				return 1;
		}
	}
	return 0;
}

void pb_report_label_cols(const struct pb_report_section *s, long *first, long *last)
{
	size_t c;

	*first = -1;
	for (c = 0; c < s->ncols; c++) {
		const struct pb_column_def *def;
		if (s->cols[c].kind != PB_RK_TEXT)
			continue;
		if (*first < 0)
			*first = (long)c; /* an id, if nothing better follows */
		def = pb_column_find(s->cols[c].name);
		if (!def || def->kind != PB_COL_ID) {
			*first = (long)c;
			break;
		}
	}
	*last = *first;
	if (*first < 0 || s->chart < 0)
		return;
	while ((size_t)*last + 1 < s->ncols && s->cols[*last + 1].kind == PB_RK_TEXT &&
	       labels_repeat(s, *first, *last))
		++*last;
}

int pb_report_cell(const struct pb_report *rep, const struct pb_report_section *s, size_t r,
                   size_t c, int signs, int flat, struct pb_buf *out)
{
	const struct pb_report_col *col = &s->cols[c];
	struct pb_str v = pb_report_raw(s, r, col->src);
	const char *label;
	size_t i, start;

	if (!v.n)
		return 0;
	if (col->kind != PB_RK_TEXT && pb_report_is_number(v, NULL))
		return pb_report_put_value(out, col->kind, v,
		                           col->kind == PB_RK_DEC ? col->dec : rep->o->precision,
		                           signs);
	if (rep->o->en && pb_str_eqz(v, PB_TOTAL_LABEL))
		return pb_buf_adds(out, "Total");
	if (col->vocab && (label = pb_vocab_label((enum pb_vocab_id)col->vocab, v, rep->o->en)))
		return pb_buf_adds(out, label);
	if (!flat)
		return pb_buf_add(out, v.p, v.n);
	for (i = start = 0; i < v.n; i++) {
		unsigned char ch = (unsigned char)v.p[i];
		if (ch >= 0x20 && ch != 0x7f)
			continue;
		if (pb_buf_add(out, v.p + start, i - start) < 0 || pb_buf_addc(out, ' ') < 0)
			return -1;
		start = i + 1;
	}
	return pb_buf_add(out, v.p + start, v.n - start);
}
static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

struct num {
	double v;
	struct pb_str text;
};

static int cmp_num(const void *a, const void *b)
{
	double x = ((const struct num *)a)->v, y = ((const struct num *)b)->v;

	return x < y ? -1 : x > y;
}

/* Whether two decimal texts look alike at d decimals. */
static int alike(struct pb_str x, struct pb_str y, int d, struct pb_buf *bx, struct pb_buf *by)
{
	pb_buf_reset(bx);
	pb_buf_reset(by);
	if (pb_put_rounded(bx, x, 0, d, 0) < 0 || pb_put_rounded(by, y, 0, d, 0) < 0)
		return 0;
	return bx->len == by->len && memcmp(bx->p, by->p, bx->len) == 0;
}

/*
 * Decimals of a PB_RK_DEC column: 2, or more (at most 6) where 2 would show
 * two different values of the column alike (scores 0.934694 and 0.930481 are
 * 0.935 and 0.930, not both 0.93).
 */
static int dec_places(const struct pb_report_section *s, size_t c)
{
	struct num *v = malloc((s->nrows ? s->nrows : 1) * sizeof *v);
	struct pb_buf bx = PB_BUF_INIT, by = PB_BUF_INIT;
	size_t r, n = 0;
	int d = 2;

	if (!v)
		return d;
	for (r = 0; r < s->nrows; r++) {
		v[n].text = pb_report_raw(s, r, c);
		if (pb_report_is_number(v[n].text, &v[n].v))
			n++;
	}
	qsort(v, n, sizeof *v, cmp_num);
	for (r = 1; r < n && d < 6; r++)
		if (v[r].v != v[r - 1].v && alike(v[r].text, v[r - 1].text, d, &bx, &by)) {
			d++;
			r = 0; /* check every pair again at the new precision */
		}
	free(v);
	pb_buf_release(&bx);
	pb_buf_release(&by);
	return d;
}

/* How input column c of s is shown: by its name, then by its values. */
static void classify(struct pb_report_section *s, size_t c, struct pb_report_col *col)
{
	const char *name = s->names[c];
	const struct pb_column_def *def = pb_column_find(name);
	int all_num = 1, all_int = 1, any = 0;
	size_t r;

	col->kind = PB_RK_TEXT;
	col->dec = 2;
	col->vocab = def ? (int)def->vocab : 0;
	if (strcmp(name, "gap") == 0)
		col->vocab = PB_VOCAB_GAP;
	if (def && def->kind != PB_COL_INT && def->kind != PB_COL_NUM && def->kind != PB_COL_OUTPUT)
		return;
	if (col->vocab)
		return;
	for (r = 0; r < s->nrows && all_num; r++) {
		struct pb_str v = pb_report_raw(s, r, c);
		long long i;
		if (!v.n)
			continue;
		any = 1;
		if (!is_plain_number(v))
			all_num = 0;
		else if (pb_parse_int(v, &i) < 0)
			all_int = 0;
	}
	if (!all_num)
		return;
	if (ends_with(name, "_rate") || strcmp(name, "pct") == 0 || strcmp(name, "fraction") == 0)
		col->kind = PB_RK_RATE;
	else if (ends_with(name, "_pp"))
		col->kind = PB_RK_PP;
	else if (any && all_int && ends_with(name, "_change"))
		col->kind = PB_RK_CHANGE;
	else if (any)
		col->kind = all_int ? PB_RK_INT : PB_RK_DEC;
	if (col->kind == PB_RK_DEC)
		col->dec = dec_places(s, c);
}

static void section_release(struct pb_report_section *s)
{
	size_t i;

	for (i = 0; i < s->nin; i++)
		free(s->names[i]);
	free(s->names);
	for (i = 0; i < s->ncols; i++)
		free(s->cols[i].label);
	free(s->cols);
	free(s->cells);
	free(s->total);
	free(s->order);
	pb_buf_release(&s->text);
	memset(s, 0, sizeof *s);
}

/* Whether every field of the current record is valid UTF-8; else it is reported. */
static int row_is_utf8(const struct pb_tsv_reader *r, const struct pb_report_section *s)
{
	size_t i;

	for (i = 0; i < r->nfields; i++)
		if (pb_utf8_invalid_at(r->fields[i].p, r->fields[i].n) != (size_t)-1) {
			pb_warn_at(r->name, r->line, "%s: invalid UTF-8", s->names[i]);
			return 0;
		}
	return 1;
}

/* Appends the current record to s. 0, or -1 out of memory. */
static int keep_row(struct pb_report_section *s, const struct pb_tsv_reader *r, size_t *cells_cap,
                    size_t *total_cap)
{
	size_t i, base = 2 * s->nrows * s->nin;
	int total = 0;

	if (pb_grow_zeroed(&s->cells, cells_cap, base + 2 * s->nin - 1, sizeof *s->cells) < 0 ||
	    pb_grow_zeroed(&s->total, total_cap, s->nrows, 1) < 0)
		return -1;
	for (i = 0; i < r->nfields; i++) {
		s->cells[base + 2 * i] = s->text.len;
		s->cells[base + 2 * i + 1] = r->fields[i].n;
		if (pb_buf_add(&s->text, r->fields[i].p, r->fields[i].n) < 0 ||
		    pb_buf_addc(&s->text, '\0') < 0)
			return -1;
		if (pb_str_eqz(r->fields[i], PB_TOTAL_LABEL))
			total = 1;
	}
	s->total[s->nrows++] = (unsigned char)total;
	return 0;
}

/* Reads one section; row-level errors are reported and counted in *bad. */
static int load_section(struct pb_report_section *s, const char *path, long *bad,
                        struct pb_error *err)
{
	struct pb_tsv_reader r;
	size_t i, cells_cap = 0, total_cap = 0;
	int rc;

	if (pb_tsv_open(&r, path, err) < 0) {
		pb_tsv_close(&r); /* a failed open may hold a buffer */
		return -1;
	}
	s->path = path && strcmp(path, "-") ? path : "(stdin)";
	s->names = calloc(r.ncols, sizeof *s->names);
	if (!s->names)
		goto oom;
	s->nin = r.ncols;
	for (i = 0; i < r.ncols; i++)
		if (!(s->names[i] = strdup(r.cols[i])))
			goto oom;
	while ((rc = pb_tsv_next_row(&r, bad, err)) > 0) {
		if (!row_is_utf8(&r, s))
			++*bad;
		else if (keep_row(s, &r, &cells_cap, &total_cap) < 0)
			goto oom;
	}
	pb_tsv_close(&r);
	if (rc < 0)
		return -1;
	s->order = malloc((s->nrows ? s->nrows : 1) * sizeof *s->order);
	if (!s->order)
		return pb_error_set(err, PB_EXIT_FATAL, s->path, 0, "out of memory");
	for (i = 0; i < s->nrows; i++)
		s->order[i] = i;
	return 0;
oom:
	pb_error_set(err, PB_EXIT_FATAL, r.name, r.line, "out of memory");
	pb_tsv_close(&r);
	return -1;
}

int pb_report_load(struct pb_report *rep, unsigned long *bad, struct pb_error *err)
{
	const struct pb_report_opts *o = rep->o;
	size_t i, n = o->ninputs > 0 ? o->ninputs : 1;
	long bad_rows = 0;
	int rc = 0;

	rep->secs = calloc(n, sizeof *rep->secs);
	if (!rep->secs)
		return pb_error_set(err, PB_EXIT_FATAL, "", 0, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		rep->nsecs++; /* pb_report_release frees what a failed section holds */
		rc = load_section(&rep->secs[i], o->ninputs > 0 ? o->inputs[i] : "-", &bad_rows,
		                  err);
	}
	*bad += (unsigned long)bad_rows;
	return rc;
}

static long find_input_col(const struct pb_report_section *s, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < s->nin; i++)
		if (strlen(s->names[i]) == n && memcmp(s->names[i], name, n) == 0)
			return (long)i;
	return -1;
}

/* The --label override for a column, or NULL. */
static const char *label_override(const struct pb_report_opts *o, const char *name)
{
	size_t i, n = strlen(name);

	for (i = o->nlabels; i-- > 0;)
		if (strncmp(o->labels[i], name, n) == 0 && o->labels[i][n] == '=')
			return o->labels[i] + n + 1;
	return NULL;
}

static int add_col(const struct pb_report_opts *o, struct pb_report_section *s, size_t c)
{
	struct pb_report_col *col = &s->cols[s->ncols];
	struct pb_buf b = PB_BUF_INIT;
	const char *over = label_override(o, s->names[c]);

	col->src = c;
	col->name = s->names[c];
	classify(s, c, col);
	if (over) {
		pb_buf_adds(&b, over);
	} else {
		pb_column_label(col->name, o->en, &b);
		if (col->kind == PB_RK_PP)
			pb_buf_adds(&b, o->en ? " (pp)" : "(百分点)");
	}
	if (!(col->label = pb_buf_detach(&b)))
		return -1;
	s->ncols++;
	return 0;
}

/* Picks and orders the displayed columns. */
static int choose_columns(const struct pb_report_opts *o, struct pb_report_section *s,
                          struct pb_error *err)
{
	size_t c;

	s->cols = calloc(s->nin ? s->nin : 1, sizeof *s->cols);
	if (!s->cols)
		return pb_error_set(err, PB_EXIT_FATAL, s->path, 0, "out of memory");
	if (!o->columns) {
		for (c = 0; c < s->nin; c++)
			if (add_col(o, s, c) < 0)
				return pb_error_set(err, PB_EXIT_FATAL, s->path, 0,
				                    "out of memory");
		return 0;
	}
	for (const char *p = o->columns; *p;) {
		size_t n = strcspn(p, ",");
		long i = find_input_col(s, p, n);
		size_t k;
		for (k = 0; i >= 0 && k < s->ncols; k++)
			if (s->cols[k].src == (size_t)i)
				i = -1; /* listed twice: shown once */
		if (i >= 0 && add_col(o, s, (size_t)i) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, s->path, 0, "out of memory");
		p += n;
		if (*p == ',')
			p++;
	}
	if (!s->ncols)
		return pb_error_set(err, PB_EXIT_FATAL, s->path, 0,
		                    "--columns: this section has none of %s", o->columns);
	return 0;
}

/* Each name in a --columns list must exist in some section. */
static int check_names(const struct pb_report *rep, const char *opt, const char *list, size_t len,
                       struct pb_error *err)
{
	const char *p = list, *end = list + len;

	while (p < end) {
		size_t n = strcspn(p, ","), i;
		if (p + n > end)
			n = (size_t)(end - p);
		for (i = 0; i < rep->nsecs; i++)
			if (find_input_col(&rep->secs[i], p, n) >= 0)
				break;
		if (n && i == rep->nsecs)
			return pb_error_set(err, PB_EXIT_FATAL, "", 0,
			                    "%s: no section has a column '%.*s'", opt, (int)n, p);
		p += n + 1;
	}
	return 0;
}

struct sort_ctx {
	const struct pb_report_section *s;
	size_t col; /* input column */
	int numeric, desc;
};

static int row_cmp(const struct sort_ctx *k, size_t a, size_t b)
{
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

static void merge_sort(const struct sort_ctx *k, size_t *v, size_t *tmp, size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, o = 0;

	if (n < 2)
		return;
	merge_sort(k, v, tmp, mid);
	merge_sort(k, v + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[o++] = row_cmp(k, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < mid)
		tmp[o++] = v[i++];
	while (j < n)
		tmp[o++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

/*
 * Sorts the runs of rows between totals rows; the totals stay where they are,
 * so a subtotal of pb-coverage --rollup stays after its members and the grand
 * total last.
 */
static int sort_section(struct pb_report_section *s, struct pb_str col, int desc)
{
	struct sort_ctx k = { s, 0, 0, desc };
	long c = find_input_col(s, col.p, col.n);
	size_t i, start, *tmp;
	struct pb_report_col kind;

	if (c < 0)
		return 0;
	k.col = (size_t)c;
	classify(s, k.col, &kind);
	k.numeric = kind.kind != PB_RK_TEXT;
	tmp = malloc((s->nrows ? s->nrows : 1) * sizeof *tmp);
	if (!tmp)
		return -1;
	for (i = 0; i < s->nrows;) {
		if (s->total[i]) {
			s->order[i] = i;
			i++;
			continue;
		}
		for (start = i; i < s->nrows && !s->total[i]; i++)
			s->order[i] = i;
		merge_sort(&k, s->order + start, tmp, i - start);
	}
	free(tmp);
	return 0;
}

void pb_report_release(struct pb_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nsecs; i++)
		section_release(&rep->secs[i]);
	free(rep->secs);
	rep->secs = NULL;
	rep->nsecs = 0;
}

static int column_empty(const struct pb_report_section *s, size_t src)
{
	size_t r;

	for (r = 0; r < s->nrows; r++)
		if (pb_report_raw(s, r, src).n)
			return 0;
	return 1;
}

/* The generation date, shown only when SOURCE_DATE_EPOCH is set (reproducible runs). */
static void report_date(struct pb_report *rep)
{
	long long t;

	rep->has_date = pb_source_date_epoch(&t);
	if (rep->has_date)
		pb_format_date(pb_today(), rep->date);
}

int pb_report_prepare(struct pb_report *rep, struct pb_error *err)
{
	const struct pb_report_opts *o = rep->o;
	struct pb_str sort_col = { NULL, 0 };
	int desc = 0, chart_ok = 0;
	size_t i, c;

	if (o->columns && check_names(rep, "--columns", o->columns, strlen(o->columns), err) < 0)
		return -1;
	if (o->sort) {
		pb_report_parse_sort(o->sort, &sort_col, &desc);
		if (check_names(rep, "--sort", sort_col.p, sort_col.n, err) < 0)
			return -1;
	}
	if (o->chart && check_names(rep, "--chart", o->chart, strlen(o->chart), err) < 0)
		return -1;
	for (i = 0; i < rep->nsecs; i++) {
		struct pb_report_section *s = &rep->secs[i];
		s->heading = i < o->nheadings ? o->headings[i] : NULL;
		s->chart = -1;
		if (choose_columns(o, s, err) < 0)
			return -1;
		if (o->sort && sort_section(s, sort_col, desc) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, s->path, 0, "out of memory");
		for (c = 0; o->chart && c < s->ncols; c++) {
			if (strcmp(s->cols[c].name, o->chart) != 0)
				continue;
			if (s->cols[c].kind != PB_RK_TEXT) {
				s->chart = (long)c;
				chart_ok = 1;
			} else if (column_empty(s, s->cols[c].src)) {
				chart_ok =
				    1; /* no rows this period: nothing to draw, not an error */
			}
		}
	}
	if (o->chart && !chart_ok)
		return pb_error_set(err, PB_EXIT_FATAL, "", 0,
		                    "--chart: '%s' is not a shown numeric column in any section",
		                    o->chart);
	report_date(rep);
	return 0;
}
