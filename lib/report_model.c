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

/* Digits, after an optional '-': a whole number of any length. */
static int is_whole(struct pb_str s)
{
	size_t i = s.n && s.p[0] == '-';

	if (i == s.n)
		return 0;
	for (; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return 1;
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

size_t pb_report_ctl_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	if (p[0] < 0x20 || p[0] == 0x7f)
		return 1;
	if (n >= 2 && p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
		return 2; /* U+0080..U+009F: C1 controls, CSI among them */
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
		return 3; /* U+2028, U+2029: line and paragraph separators */
	return 0;
}

int pb_report_cell(const struct pb_report *rep, const struct pb_report_section *s, size_t r,
                   size_t c, int signs, int flat, struct pb_buf *out)
{
	return pb_report_put_cell(rep, s, r, &s->cols[c], signs, flat, out);
}

int pb_report_put_cell(const struct pb_report *rep, const struct pb_report_section *s, size_t r,
                       const struct pb_report_col *col, int signs, int flat, struct pb_buf *out)
{
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
	for (i = start = 0; i < v.n;) {
		size_t k = pb_report_ctl_len(v.p + i, v.n - i);
		if (!k) {
			i++;
			continue;
		}
		if (pb_buf_add(out, v.p + start, i - start) < 0 || pb_buf_addc(out, ' ') < 0)
			return -1;
		start = i += k;
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

void pb_report_classify(const struct pb_report_section *s, size_t c, struct pb_report_col *col)
{
	const char *name = s->names[c];
	const struct pb_column_def *def = pb_column_find(name);
	int all_num = 1, all_int = 1, any = 0;
	size_t r;

	col->src = c;
	col->name = name;
	col->label = NULL;
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
		else if (pb_parse_int(v, &i) < 0 && !is_whole(v))
			all_int = 0; /* a whole number past 64 bits is still one */
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
	pb_map_release(&s->colidx);
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
		if (!(s->names[i] = strdup(r.cols[i])) ||
		    pb_map_put(&s->colidx, r.cols[i], strlen(r.cols[i]), NULL) < 0)
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

long pb_report_find_col(const struct pb_report_section *s, struct pb_str name)
{
	/* header names are distinct: the map's index is the column */
	return pb_map_find(&s->colidx, name.p, name.n);
}

const char *pb_report_sec_arg(const char *arg, size_t *sec)
{
	size_t i = 0, n = 0;

	while (i < 6 && arg[i] >= '0' && arg[i] <= '9')
		n = n * 10 + (size_t)(arg[i++] - '0');
	if (!i || arg[i] != ':') {
		*sec = 0;
		return arg;
	}
	*sec = n ? n : (size_t)-1; /* "0:" names no section */
	return arg + i + 1;
}

/* Whether s has a column named in the list z (up to its end or a ':' when sort). */
static int has_any(const struct pb_report_section *s, const char *z, int sort)
{
	while (*z) {
		size_t n = strcspn(z, sort ? ":" : ",");
		if (pb_report_find_col(s, (struct pb_str){ z, n }) >= 0)
			return 1;
		if (sort || !z[n])
			break;
		z += n + 1;
	}
	return 0;
}

/*
 * The value of a section option for section k (0-based) of s: the last
 * "k+1:VALUE", else the last unprefixed VALUE that names a column s has.
 */
static const char *pick(const char *const *list, size_t n, size_t k,
                        const struct pb_report_section *s, int sort)
{
	const char *any = NULL;
	size_t i, sec;

	for (i = n; i-- > 0;) {
		const char *v = pb_report_sec_arg(list[i], &sec);
		if (sec == k + 1)
			return v;
		if (!sec && !any && has_any(s, v, sort))
			any = v;
	}
	return any;
}

/* The heading of section k: the last "k+1:TEXT", else the (k+1)-th unprefixed one. */
static const char *pick_heading(const struct pb_report_opts *o, size_t k)
{
	const char *h = NULL;
	size_t i, sec, nth = 0;

	for (i = 0; i < o->nheadings; i++) {
		const char *v = pb_report_sec_arg(o->headings[i], &sec);
		if (sec == k + 1 || (!sec && nth++ == k && !h))
			h = v;
	}
	return h;
}

/* The --label for a column of section k: "k+1:COL=" wins over "COL="; or NULL. */
static const char *label_override(const struct pb_report_opts *o, size_t k, const char *name)
{
	const char *any = NULL;
	size_t i, sec, n = strlen(name);

	for (i = o->nlabels; i-- > 0;) {
		const char *v = pb_report_sec_arg(o->labels[i], &sec);
		if (strncmp(v, name, n) != 0 || v[n] != '=')
			continue;
		if (sec == k + 1)
			return v + n + 1;
		if (!sec && !any)
			any = v + n + 1;
	}
	return any;
}

static int add_col(const struct pb_report_opts *o, size_t k, struct pb_report_section *s, size_t c)
{
	struct pb_report_col *col = &s->cols[s->ncols];
	struct pb_buf b = PB_BUF_INIT;
	const char *over = label_override(o, k, s->names[c]);

	pb_report_classify(s, c, col);
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

/*
 * A pb-rank table (it has rank, n and pct) wider than this shows by default
 * its names and groups, the score, the rank and what --stars, --grades,
 * --top/--bottom, --prev, --history and --sensitivity added; its indicators
 * and passed-through columns are there for --columns.
 */
#define RANK_WIDE 8

static const char *const rank_shown[] = { "period",      "stars",  "grade",   "flag",
	                                  "prev_rank",   "streak", "rank_lo", "rank_hi",
	                                  "rank_change", NULL };

static int shown_in_ranking(const struct pb_report_section *s, size_t c, long rank)
{
	size_t i;

	if (c < s->ngroup || (long)c == rank || (long)c + 1 == rank)
		return 1;
	for (i = 0; rank_shown[i]; i++)
		if (strcmp(s->names[c], rank_shown[i]) == 0)
			return 1;
	return 0;
}

/* Picks and orders the displayed columns of section k: list (COL,...), or the default set. */
static int choose_columns(const struct pb_report_opts *o, size_t k, struct pb_report_section *s,
                          const char *list)
{
	long rank = pb_report_find_col(s, PB_STR("rank"));
	int wide = rank > 0 && s->nin > RANK_WIDE && pb_report_find_col(s, PB_STR("n")) >= 0 &&
	    pb_report_find_col(s, PB_STR("pct")) >= 0;
	size_t c;

	s->cols = calloc(s->nin, sizeof *s->cols);
	if (!s->cols)
		return -1;
	if (!list) {
		for (c = 0; c < s->nin; c++)
			if ((!wide || shown_in_ranking(s, c, rank)) && add_col(o, k, s, c) < 0)
				return -1;
		return 0;
	}
	{
		unsigned char *listed = calloc(s->nin, 1);
		int rc = listed ? 0 : -1;
		for (const char *p = list; *p && rc == 0;) {
			size_t n = strcspn(p, ",");
			long i = pb_report_find_col(s, (struct pb_str){ p, n });
			if (i >= 0 && !listed[i]) { /* listed twice: shown once */
				listed[i] = 1;
				rc = add_col(o, k, s, (size_t)i);
			}
			p += n + (p[n] == ',');
		}
		free(listed);
		return rc;
	}
}

/*
 * Each column named by a section option must exist: in section N for
 * "N:...", in some section otherwise. opt names the option in messages;
 * sep ends a list (',' for --columns, ':' for --sort, '=' for --order).
 */
static int check_names(const struct pb_report *rep, const char *opt, const char *const *list,
                       size_t nlist, int sep, struct pb_error *err)
{
	size_t i, k, sec;

	for (i = 0; i < nlist; i++) {
		const char *p = pb_report_sec_arg(list[i], &sec);
		while (*p) {
			size_t n = strcspn(p, sep == ',' ? "," : (const char[]){ (char)sep, 0 });
			struct pb_str name = { p, n };
			for (k = 0; k < rep->nsecs; k++)
				if ((!sec || sec == k + 1) &&
				    pb_report_find_col(&rep->secs[k], name) >= 0)
					break;
			if (n && k == rep->nsecs && sec)
				return pb_error_set(err, PB_EXIT_FATAL, "", 0,
				                    "%s %s: section %zu has no column '%.*s'", opt,
				                    list[i], sec, (int)n, p);
			if (n && k == rep->nsecs)
				return pb_error_set(err, PB_EXIT_FATAL, "", 0,
				                    "%s: no section has a column '%.*s'", opt,
				                    (int)n, p);
			if (sep != ',' || !p[n])
				break;
			p += n + 1;
		}
	}
	return 0;
}

/* The section's group columns: its leading text columns, as pb-coverage and pb-rank write them. */
static size_t group_columns(const struct pb_report_section *s)
{
	struct pb_report_col col;
	size_t c;

	for (c = 0; c < s->nin; c++) {
		pb_report_classify(s, c, &col);
		if (col.kind != PB_RK_TEXT)
			break;
	}
	return c;
}

void pb_report_sections_release(struct pb_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nsecs; i++)
		section_release(&rep->secs[i]);
	free(rep->secs);
	rep->secs = NULL;
	rep->nsecs = 0;
}

/* Whether input column c of s holds two periods or more: a chart over it is a trend. */
static int several_periods(const struct pb_report_section *s, size_t c)
{
	size_t r;

	for (r = 1; r < s->nrows; r++)
		if (!pb_str_eq(pb_report_raw(s, r, c), pb_report_raw(s, 0, c)))
			return 1;
	return 0;
}

/* The chart of section k: the column spec names, if shown and numeric; a trend over period. */
static void choose_chart(struct pb_report_section *s, const char *spec)
{
	long period = pb_report_find_col(s, PB_STR("period"));
	size_t c;

	s->chart = s->period = -1;
	for (c = 0; spec && c < s->ncols; c++)
		if (strcmp(s->cols[c].name, spec) == 0 && s->cols[c].kind != PB_RK_TEXT)
			s->chart = (long)c;
	if (s->chart >= 0 && period >= 0 && several_periods(s, (size_t)period))
		s->period = period;
}

int pb_report_shape(struct pb_report *rep, size_t k, struct pb_error *err)
{
	const struct pb_report_opts *o = rep->o;
	struct pb_report_section *s = &rep->secs[k];

	s->heading = pick_heading(o, k);
	s->ngroup = group_columns(s);
	if (choose_columns(o, k, s, pick(o->columns, o->ncolumns, k, s, 0)) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, s->path, 0, "out of memory");
	choose_chart(s, pick(o->charts, o->ncharts, k, s, 0));
	return 0;
}

const char *pb_report_sort_for(const struct pb_report *rep, size_t k)
{
	return pick(rep->o->sorts, rep->o->nsorts, k, &rep->secs[k], 1);
}

/* Whether section s charts column name, or shows it with no value at all (nothing to draw). */
static int charts(const struct pb_report_section *s, const char *name)
{
	long c = pb_report_find_col(s, pb_str_z(name));
	size_t r;

	if (s->chart >= 0 && strcmp(s->cols[s->chart].name, name) == 0)
		return 1;
	for (r = 0; c >= 0 && r < s->nrows; r++)
		if (pb_report_raw(s, r, (size_t)c).n)
			return 0;
	return c >= 0;
}

int pb_report_check_charts(const struct pb_report *rep, struct pb_error *err)
{
	const struct pb_report_opts *o = rep->o;
	size_t i, k, sec;

	for (i = 0; i < o->ncharts; i++) {
		const char *v = pb_report_sec_arg(o->charts[i], &sec);
		for (k = 0; k < rep->nsecs; k++)
			if ((!sec || sec == k + 1) && charts(&rep->secs[k], v))
				break;
		if (k == rep->nsecs)
			return pb_error_set(err, PB_EXIT_FATAL, "", 0,
			                    "--chart: '%s' is not a shown numeric column in %s", v,
			                    sec ? "that section" : "any section");
	}
	return 0;
}

int pb_report_check_names(const struct pb_report *rep, struct pb_error *err)
{
	const struct pb_report_opts *o = rep->o;

	if (check_names(rep, "--columns", o->columns, o->ncolumns, ',', err) < 0 ||
	    check_names(rep, "--sort", o->sorts, o->nsorts, ':', err) < 0 ||
	    check_names(rep, "--chart", o->charts, o->ncharts, 0, err) < 0 ||
	    check_names(rep, "--order", o->orders, o->norders, '=', err) < 0)
		return -1;
	return 0;
}
