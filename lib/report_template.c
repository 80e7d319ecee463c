/*
 * report_template: the bulletin's prose (--template FILE) with its figures
 * filled in from the tables — {S:ROW:COL} prints a cell as the table shows
 * it without a leading '+', {S:ROW:COL:N} with N decimals. A fill-in that
 * names no figure is an error naming it, never a gap in a published text.
 */
#include <stdlib.h>
#include <string.h>

#include "pb/text.h"
#include "pb/value.h"
#include "pb/vocab.h"
#include "report_int.h"

#define TEMPLATE_MAX (16u << 20) /* prose, not data: a larger file is a mistake */
#define ROW_PARTS    16          /* group levels a ROW may name */

void pb_report_template_release(struct pb_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nprose; i++)
		free(rep->prose[i]);
	free(rep->prose);
	rep->prose = NULL;
	rep->nprose = 0;
}

/* Whether row r of s shows part in input column c: its value, or its label. */
static int cell_is(const struct pb_report *rep, const struct pb_report_section *s, size_t r,
                   size_t c, struct pb_str part, struct pb_buf *tmp)
{
	struct pb_report_col col;

	if (pb_str_eq(pb_report_raw(s, r, c), part))
		return 1;
	pb_report_classify(s, c, &col);
	pb_buf_reset(tmp);
	return pb_report_put_cell(rep, s, r, &col, 0, 1, tmp) == 0 && tmp->len == part.n &&
	    memcmp(tmp->p, part.p, part.n) == 0;
}

/* Whether every group column of row r from c on says 合计 (a total at those levels). */
static int total_from(const struct pb_report_section *s, size_t r, size_t c)
{
	for (; c < s->ngroup; c++)
		if (!pb_str_eqz(pb_report_raw(s, r, c), PB_TOTAL_LABEL))
			return 0;
	return 1;
}

/*
 * The rows whose leading group columns show the parts: *n of them, the last
 * in *match; the one that is a total at the levels left unnamed in *total
 * (-1 unless exactly one is). One part may also be any other group column's
 * value (an entity's name) when the leading one names no row.
 */
static void match_parts(const struct pb_report *rep, const struct pb_report_section *s,
                        const struct pb_str *part, size_t np, size_t *n, long *match, long *total)
{
	struct pb_buf tmp = PB_BUF_INIT;
	size_t r, c, ntotal = 0, nother = 0;
	long other = -1;

	*n = 0, *match = *total = -1;
	for (r = 0; r < s->nrows; r++) {
		for (c = 0; c < np && cell_is(rep, s, r, c, part[c], &tmp); c++)
			;
		if (c < np)
			continue;
		++*n, *match = (long)r;
		if (total_from(s, r, np))
			ntotal++, *total = (long)r;
	}
	for (r = 0; np == 1 && *match < 0 && r < s->nrows; r++)
		for (c = 1; c < s->ngroup; c++)
			if (cell_is(rep, s, r, c, part[0], &tmp)) {
				nother++, other = (long)r;
				break;
			}
	if (nother)
		*n = nother, *match = other;
	if (ntotal != 1)
		*total = -1;
	pb_buf_release(&tmp);
}

/*
 * The row that ROW names: its parts ('/' between levels) match the leading
 * group columns; of several rows, the one that is a total at the levels
 * left unnamed ("禅城区" in a table by district and type is its subtotal).
 * A ROW that names no row so is tried whole (a value that holds a '/').
 * The row, or -1 with why filled.
 */
static long find_row(const struct pb_report *rep, const struct pb_report_section *s,
                     struct pb_str row, char *why, size_t nwhy)
{
	struct pb_str part[ROW_PARTS];
	size_t np = 0, n;
	long match, total;
	const char *p = row.p, *end = row.p + row.n;

	while (np < ROW_PARTS) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		part[np++] = (struct pb_str){ p, (size_t)((slash ? slash : end) - p) };
		if (!slash)
			break;
		p = slash + 1;
	}
	n = 0;
	if (np <= s->ngroup)
		match_parts(rep, s, part, np, &n, &match, &total);
	if (!n && np > 1)
		match_parts(rep, s, &row, 1, &n, &match, &total);
	if (n == 1)
		return match;
	if (n && total >= 0)
		return total;
	if (n)
		snprintf(why, nwhy, "%zu rows match '%.*s'", n, (int)row.n, row.p);
	else if (np > s->ngroup)
		snprintf(why, nwhy, "the table has %zu group column(s), not %zu", s->ngroup, np);
	else
		snprintf(why, nwhy, "no row is '%.*s'", (int)row.n, row.p);
	return -1;
}

/* The input column COL names: a column name, or a shown column's label. */
static long find_col(const struct pb_report_section *s, struct pb_str name)
{
	long c = pb_report_find_col(s, name);
	size_t i;

	for (i = 0; c < 0 && i < s->ncols; i++)
		if (pb_str_eqz(name, s->cols[i].label))
			c = (long)s->cols[i].src;
	return c;
}

struct fill_in {
	size_t sec;
	struct pb_str row, col;
	int dec; /* decimals asked for, or -1 */
};

/* Splits "S:ROW:COL[:N]" (ROW may hold ':'). 0, or -1. */
static int parse_ref(struct pb_str ref, struct fill_in *f)
{
	const char *p = ref.p, *end = ref.p + ref.n, *c1, *last, *prev;
	long long v;

	c1 = memchr(p, ':', ref.n);
	for (last = end; last > c1 && last[-1] != ':'; last--)
		;
	if (!c1 || last - 1 == c1 || pb_parse_int((struct pb_str){ p, (size_t)(c1 - p) }, &v) < 0 ||
	    v < 1)
		return -1;
	f->sec = (size_t)v;
	f->dec = -1;
	if (pb_parse_int((struct pb_str){ last, (size_t)(end - last) }, &v) == 0) {
		for (prev = last - 1; prev > c1 && prev[-1] != ':'; prev--)
			;
		if (prev - 1 == c1 || v < 0 || v > 6)
			return -1;
		f->dec = (int)v;
		end = last - 1;
		last = prev;
	}
	f->row = (struct pb_str){ c1 + 1, (size_t)(last - 1 - (c1 + 1)) };
	f->col = (struct pb_str){ last, (size_t)(end - last) };
	return f->row.n && f->col.n ? 0 : -1;
}

/* Appends the figure ref names to out. 0, or -1 with why filled. */
static int fill(const struct pb_report *rep, struct pb_str ref, struct pb_buf *out, char *why,
                size_t nwhy)
{
	const struct pb_report_section *s;
	struct pb_report_col col;
	struct fill_in f;
	struct pb_str v;
	long r, c;

	if (parse_ref(ref, &f) < 0) {
		snprintf(why, nwhy, "is not {S:ROW:COL} or {S:ROW:COL:N} (N from 0 to 6)");
		return -1;
	}
	if (f.sec > rep->nsecs) {
		snprintf(why, nwhy, "there is no section %zu", f.sec);
		return -1;
	}
	s = &rep->secs[f.sec - 1];
	if ((c = find_col(s, f.col)) < 0) {
		snprintf(why, nwhy, "section %zu has no column '%.*s'", f.sec, (int)f.col.n,
		         f.col.p);
		return -1;
	}
	if ((r = find_row(rep, s, f.row, why, nwhy)) < 0)
		return -1;
	v = pb_report_raw(s, (size_t)r, (size_t)c);
	if (!v.n) {
		snprintf(why, nwhy, "the cell is empty");
		return -1;
	}
	pb_report_classify(s, (size_t)c, &col);
	if (f.dec >= 0 && col.kind != PB_RK_TEXT)
		return pb_report_put_value(out, col.kind, v, f.dec, 0);
	return pb_report_put_cell(rep, s, (size_t)r, &col, 0, 1, out);
}

/* Appends one line with its fill-ins filled; 0, or -1 with err naming the fill-in. */
static int fill_line(const struct pb_report *rep, const char *path, long lineno, struct pb_str line,
                     struct pb_buf *out, struct pb_error *err)
{
	const char *p = line.p, *end = line.p + line.n;
	char why[200];

	while (p < end) {
		const char *open = memchr(p, '{', (size_t)(end - p)), *close, *q;
		for (q = open ? open + 1 : end; q < end && *q >= '0' && *q <= '9'; q++)
			;
		if (!open || q == open + 1 || q >= end || *q != ':') { /* not a fill-in: as it is */
			q = open ? open + 1 : end;
			pb_buf_add(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		pb_buf_add(out, p, (size_t)(open - p));
		close = memchr(open, '}', (size_t)(end - open));
		if (!close)
			return pb_error_set(err, PB_EXIT_FATAL, path, lineno,
			                    "--template: '%.*s': no closing '}'", (int)(end - open),
			                    open);
		if (fill(rep, (struct pb_str){ open + 1, (size_t)(close - open - 1) }, out, why,
		         sizeof why) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, path, lineno,
			                    "--template: %.*s: %s", (int)(close - open + 1), open,
			                    why);
		p = close + 1;
	}
	return 0;
}

/* Whether the byte before and the byte after a line break are both ASCII (joined by a space). */
static int ascii_join(const struct pb_buf *para, struct pb_str next)
{
	return para->len && (unsigned char)para->p[para->len - 1] < 0x80 && next.n &&
	    (unsigned char)next.p[0] < 0x80;
}

static int end_paragraph(struct pb_report *rep, struct pb_buf *para, size_t *cap)
{
	if (!para->len)
		return 0;
	if (pb_grow_zeroed(&rep->prose, cap, rep->nprose, sizeof *rep->prose) < 0 ||
	    !(rep->prose[rep->nprose] = pb_buf_detach(para)))
		return -1;
	rep->nprose++;
	return 0;
}

/* Splits text into paragraphs (blank lines between), filling in every line. */
static int fill_text(struct pb_report *rep, const char *path, struct pb_str text,
                     struct pb_error *err)
{
	struct pb_buf para = PB_BUF_INIT, line = PB_BUF_INIT;
	const char *p = text.p, *end = text.p + text.n;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;

	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct pb_str l = pb_text_trim((struct pb_str){ p, (size_t)((nl ? nl : end) - p) });
		lineno++;
		p = nl ? nl + 1 : end;
		pb_buf_reset(&line);
		if (!l.n) {
			rc = end_paragraph(rep, &para, &cap);
			continue;
		}
		if ((rc = fill_line(rep, path, lineno, l, &line, err)) < 0)
			break;
		if (ascii_join(&para, (struct pb_str){ line.p, line.len }))
			pb_buf_addc(&para, ' '); /* para.oom, if it fails: end_paragraph sees it */
		rc = line.oom ? -1 : pb_buf_add(&para, line.p, line.len);
	}
	if (rc == 0)
		rc = end_paragraph(rep, &para, &cap);
	if (rc < 0 && !err->code)
		pb_error_set(err, PB_EXIT_FATAL, path, 0, "out of memory");
	pb_buf_release(&para);
	pb_buf_release(&line);
	return rc;
}

int pb_report_template_load(struct pb_report *rep, struct pb_error *err)
{
	const char *path = rep->o->template_path;
	struct pb_buf text;
	char chunk[8192];
	struct pb_str t;
	size_t n;
	int rc;
	FILE *f;

	if (!path)
		return 0;
	if (!(f = fopen(path, "r")))
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "--template: cannot read:");
	pb_buf_init(&text, TEMPLATE_MAX);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && pb_buf_add(&text, chunk, n) == 0)
		;
	rc = ferror(f) || n > 0 ? -1 : 0;
	fclose(f);
	if (rc < 0) {
		pb_buf_release(&text);
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "--template: cannot read:");
	}
	t = (struct pb_str){ text.p ? text.p : "", text.len };
	if (t.n >= 3 && memcmp(t.p, "\xEF\xBB\xBF", 3) == 0)
		t.p += 3, t.n -= 3;
	if (pb_utf8_invalid_at(t.p, t.n) != (size_t)-1)
		rc = pb_error_set(err, PB_EXIT_FATAL, path, 0, "--template: invalid UTF-8");
	else
		rc = fill_text(rep, path, t, err);
	pb_buf_release(&text);
	return rc;
}
