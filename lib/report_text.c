/*
 * report_text: pb-report's plain writers — text aligned by display width for
 * a terminal, GitHub Markdown, and CSV for Excel/WPS (UTF-8 with BOM, CRLF,
 * pb TSV numbers, formula-like text neutralized).
 */
#include <stdlib.h>
#include <string.h>

#include "pb/text.h"
#include "pb/value.h"
#include "report_int.h"

int pb_report_pad(struct pb_buf *out, const char *s, size_t n, size_t width, int right)
{
	size_t w = pb_text_width(s, n), i;

	if (right)
		for (i = w; i < width; i++)
			if (pb_buf_addc(out, ' ') < 0)
				return -1;
	if (pb_buf_add(out, s, n) < 0)
		return -1;
	if (!right)
		for (i = w; i < width; i++)
			if (pb_buf_addc(out, ' ') < 0)
				return -1;
	return 0;
}

int pb_report_csv_field(struct pb_buf *out, const char *s, size_t n)
{
	size_t i;
	int quote = 0, neutral;

	neutral = n && s[0] && strchr("=+-@\t\r", s[0]) &&
	    !pb_report_is_number((struct pb_str){ s, n }, NULL);
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = 1;
	if ((quote && pb_buf_addc(out, '"') < 0) || (neutral && pb_buf_addc(out, '\'') < 0))
		return -1;
	if (!quote)
		return pb_buf_add(out, s, n);
	for (i = 0; i < n; i++)
		if ((s[i] == '"' && pb_buf_addc(out, '"') < 0) || pb_buf_addc(out, s[i]) < 0)
			return -1;
	return pb_buf_addc(out, '"');
}

static int put_line(FILE *f, struct pb_buf *b)
{
	while (b->len && b->p[b->len - 1] == ' ')
		b->len--;
	if (pb_buf_addc(b, '\n') < 0)
		return -1;
	fwrite(b->p, 1, b->len, f);
	pb_buf_reset(b);
	return 0;
}

static int put_rule(FILE *f, struct pb_buf *b, size_t width)
{
	size_t i;

	for (i = 0; i < width; i++)
		pb_buf_addc(b, '-');
	return put_line(f, b);
}

static int put_flat(struct pb_buf *b, const char *z)
{
	size_t n = strlen(z), k;

	while (n) {
		k = pb_report_ctl_len(z, n);
		if (pb_buf_addc(b, k ? ' ' : *z) < 0)
			return -1;
		k = k ? k : 1;
		z += k;
		n -= k;
	}
	return 0;
}

/*
 * Text reports must fit a terminal: a text cell or label wider than
 * TEXT_CELL_MAX display columns (a long remark) is cut at a character and
 * ends with "...". Numbers are never cut, and only the text format cuts.
 */
#define TEXT_CELL_MAX 60

static int fit_cell(struct pb_buf *b)
{
	size_t i = 0, w = 0;

	if (!b->len || pb_text_width(b->p, b->len) <= TEXT_CELL_MAX)
		return 0;
	while (i < b->len) {
		int cp;
		size_t n = pb_utf8_next(b->p + i, b->len - i, &cp), cw;
		cw = pb_text_width(b->p + i, n);
		if (w + cw > TEXT_CELL_MAX - 3)
			break;
		w += cw;
		i += n;
	}
	b->len = i;
	return pb_buf_adds(b, "...");
}

static int write_text_section(const struct pb_report *rep, const struct pb_report_section *s,
                              FILE *f)
{
	struct pb_buf b = PB_BUF_INIT, cell = PB_BUF_INIT;
	size_t *w = calloc(s->ncols ? s->ncols : 1, sizeof *w), c, i, total_w = 0;
	int rc = -1;

	if (!w)
		return -1;
	for (c = 0; c < s->ncols; c++) {
		pb_buf_reset(&cell);
		put_flat(&cell, s->cols[c].label);
		fit_cell(&cell);
		w[c] = pb_text_width(cell.p, cell.len);
		for (i = 0; i < s->nrows; i++) {
			size_t cw;
			pb_buf_reset(&cell);
			if (pb_report_cell(rep, s, i, c, 1, 1, &cell) < 0 ||
			    (s->cols[c].kind == PB_RK_TEXT && fit_cell(&cell) < 0))
				goto out;
			cw = pb_text_width(cell.p ? cell.p : "", cell.len);
			if (cw > w[c])
				w[c] = cw;
		}
		total_w += w[c] + (c ? 2 : 0);
	}
	if (s->heading) {
		put_flat(&b, s->heading);
		put_line(f, &b);
	}
	for (c = 0; c < s->ncols; c++) {
		pb_buf_reset(&cell);
		put_flat(&cell, s->cols[c].label);
		fit_cell(&cell);
		if (c)
			pb_buf_adds(&b, "  ");
		pb_report_pad(&b, cell.p, cell.len, w[c], s->cols[c].kind != PB_RK_TEXT);
	}
	put_line(f, &b);
	put_rule(f, &b, total_w);
	for (i = 0; i < s->nrows; i++) {
		size_t r = s->order[i];
		if (i > 0 && s->total[r] != s->total[s->order[i - 1]])
			put_rule(f, &b, total_w); /* above and below totals rows */
		for (c = 0; c < s->ncols; c++) {
			pb_buf_reset(&cell);
			if (pb_report_cell(rep, s, r, c, 1, 1, &cell) < 0 ||
			    (s->cols[c].kind == PB_RK_TEXT && fit_cell(&cell) < 0))
				goto out;
			if (c)
				pb_buf_adds(&b, "  ");
			if (pb_report_pad(&b, cell.p ? cell.p : "", cell.len, w[c],
			                  s->cols[c].kind != PB_RK_TEXT) < 0)
				goto out;
		}
		if (put_line(f, &b) < 0)
			goto out;
	}
	rc = b.oom || cell.oom ? -1 : 0; /* a piece lost to memory is no report */
out:
	free(w);
	pb_buf_release(&b);
	pb_buf_release(&cell);
	return rc;
}

int pb_report_write_text(const struct pb_report *rep, FILE *f)
{
	const struct pb_report_opts *o = rep->o;
	struct pb_buf b = PB_BUF_INIT;
	size_t i;

	if (o->title) {
		put_flat(&b, o->title);
		put_line(f, &b);
	}
	if (o->subtitle) {
		put_flat(&b, o->subtitle);
		put_line(f, &b);
	}
	for (i = 0; i < rep->nprose; i++) { /* a paragraph a line: the terminal wraps it */
		if (i || o->title || o->subtitle)
			fputc('\n', f);
		put_flat(&b, rep->prose[i]);
		put_line(f, &b);
	}
	for (i = 0; i < rep->nsecs; i++) {
		if (i || o->title || o->subtitle || rep->nprose)
			fputc('\n', f);
		if (write_text_section(rep, &rep->secs[i], f) < 0)
			return -1;
	}
	if (o->nnotes || rep->has_date)
		fputc('\n', f);
	for (i = 0; i < o->nnotes; i++) {
		put_flat(&b, o->notes[i]);
		put_line(f, &b);
	}
	if (rep->has_date)
		fprintf(f, "%s%s\n", o->en ? "Generated: " : "生成日期：", rep->date);
	i = b.oom;
	pb_buf_release(&b);
	return i ? -1 : 0;
}

/* --- Markdown (GitHub-flavoured) --- */

/* Whether s starts like the rest of an HTML entity after '&': "amp;", "#39;". */
static int entity_rest(const char *s, size_t n)
{
	size_t i = 0;

	if (n && s[0] == '#')
		i++;
	while (i < n &&
	       ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	        (s[i] >= '0' && s[i] <= '9')))
		i++;
	return i > (n && s[0] == '#') && i < n && s[i] == ';';
}

/*
 * Appends text so that Markdown shows it as it is: punctuation that Markdown
 * reads is backslash-escaped (CommonMark escapes only ASCII punctuation, so
 * "1. " at a line start becomes "1\. ", not "\1. "); control characters
 * become spaces.
 */
static int md_escape(struct pb_buf *b, const char *s, size_t n, int line_start)
{
	size_t i, digits = 0;

	while (line_start && digits < n && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		size_t k = pb_report_ctl_len(s + i, n - i);
		if (k) {
			pb_buf_addc(b, ' ');
			i += k - 1;
			continue;
		}
		if (strchr("\\`*_[]<>|~", ch) || (i == 0 && line_start && strchr("#+-=>", ch)) ||
		    (digits && i == digits && (ch == '.' || ch == ')')) ||
		    (ch == '&' && entity_rest(s + i + 1, n - i - 1)))
			pb_buf_addc(b, '\\');
		if (pb_buf_addc(b, (char)ch) < 0)
			return -1;
	}
	return 0;
}

/* A Markdown line for a heading or paragraph: prefix, escaped text, blank line. */
static void md_block(struct pb_buf *b, const char *prefix, const char *z)
{
	pb_buf_adds(b, prefix);
	md_escape(b, z, strlen(z), !*prefix);
	pb_buf_adds(b, "\n\n");
}

/* One section: its heading and a table, numbers right-aligned, totals bold. */
static int md_section(const struct pb_report *rep, const struct pb_report_section *s,
                      struct pb_buf *b, struct pb_buf *cell)
{
	size_t i, c;

	if (s->heading)
		md_block(b, "## ", s->heading);
	pb_buf_addc(b, '|');
	for (c = 0; c < s->ncols; c++) {
		pb_buf_addc(b, ' ');
		md_escape(b, s->cols[c].label, strlen(s->cols[c].label), 0);
		pb_buf_adds(b, " |");
	}
	pb_buf_adds(b, "\n|");
	for (c = 0; c < s->ncols; c++)
		pb_buf_adds(b, s->cols[c].kind == PB_RK_TEXT ? " :--- |" : " ---: |");
	pb_buf_addc(b, '\n');
	for (i = 0; i < s->nrows; i++) {
		size_t r = s->order[i];
		const char *bold = s->total[r] ? "**" : "";
		pb_buf_addc(b, '|');
		for (c = 0; c < s->ncols; c++) {
			pb_buf_reset(cell);
			if (pb_report_cell(rep, s, r, c, 1, 1, cell) < 0)
				return -1;
			pb_buf_addc(b, ' ');
			pb_buf_adds(b, cell->len ? bold : "");
			md_escape(b, cell->p ? cell->p : "", cell->len, 0);
			pb_buf_adds(b, cell->len ? bold : "");
			pb_buf_adds(b, " |");
		}
		pb_buf_addc(b, '\n');
	}
	return pb_buf_addc(b, '\n');
}

int pb_report_write_md(const struct pb_report *rep, FILE *f)
{
	const struct pb_report_opts *o = rep->o;
	struct pb_buf b = PB_BUF_INIT, cell = PB_BUF_INIT;
	size_t i;
	int rc = 0;

	if (o->title)
		md_block(&b, "# ", o->title);
	if (o->subtitle)
		md_block(&b, "", o->subtitle);
	for (i = 0; i < rep->nprose; i++)
		md_block(&b, "", rep->prose[i]);
	for (i = 0; i < rep->nsecs && rc == 0; i++)
		rc = md_section(rep, &rep->secs[i], &b, &cell);
	for (i = 0; i < o->nnotes; i++)
		md_block(&b, "", o->notes[i]);
	if (rep->has_date)
		pb_buf_addf(&b, "%s%s\n\n", o->en ? "Generated: " : "生成日期：", rep->date);
	if (rc == 0 && (!b.p || b.oom || cell.oom))
		rc = -1;
	if (rc == 0)
		fwrite(b.p, 1, b.len - 1, f); /* no blank line at the very end */
	pb_buf_release(&b);
	pb_buf_release(&cell);
	return rc;
}

/* --- CSV: UTF-8 with BOM, CRLF, machine numbers, neutralized formulas --- */

static int csv_row1(struct pb_buf *b, const char *z)
{
	if (pb_report_csv_field(b, z, strlen(z)) < 0)
		return -1;
	return pb_buf_adds(b, "\r\n");
}

/* A cell: a number exactly as pb TSV holds it (never rounded, never a '+'), else its text. */
static int csv_cell(const struct pb_report *rep, const struct pb_report_section *s, size_t r,
                    size_t c, struct pb_buf *b, struct pb_buf *tmp)
{
	const struct pb_report_col *col = &s->cols[c];
	struct pb_str v = pb_report_raw(s, r, col->src);

	if (col->kind != PB_RK_TEXT && pb_report_is_number(v, NULL))
		return pb_buf_add(b, v.p, v.n);
	pb_buf_reset(tmp);
	if (pb_report_cell(rep, s, r, c, 0, 0, tmp) < 0)
		return -1;
	return pb_report_csv_field(b, tmp->p ? tmp->p : "", tmp->len);
}

/* One section: its heading, the header row and the rows. */
static int csv_section(const struct pb_report *rep, const struct pb_report_section *s,
                       struct pb_buf *b, struct pb_buf *tmp)
{
	size_t i, c;

	if (s->heading)
		csv_row1(b, s->heading);
	for (c = 0; c < s->ncols; c++) {
		if (c)
			pb_buf_addc(b, ',');
		pb_report_csv_field(b, s->cols[c].label, strlen(s->cols[c].label));
	}
	pb_buf_adds(b, "\r\n");
	for (i = 0; i < s->nrows; i++) {
		for (c = 0; c < s->ncols; c++) {
			if (c)
				pb_buf_addc(b, ',');
			if (csv_cell(rep, s, s->order[i], c, b, tmp) < 0)
				return -1;
		}
		if (pb_buf_adds(b, "\r\n") < 0)
			return -1;
	}
	return 0;
}

int pb_report_write_csv(const struct pb_report *rep, FILE *f)
{
	const struct pb_report_opts *o = rep->o;
	struct pb_buf b = PB_BUF_INIT, tmp = PB_BUF_INIT;
	size_t i;
	int rc = 0;

	pb_buf_adds(&b, "\xEF\xBB\xBF");
	if (o->title)
		csv_row1(&b, o->title);
	if (o->subtitle)
		csv_row1(&b, o->subtitle);
	for (i = 0; i < rep->nsecs && rc == 0; i++) {
		if (i || o->title || o->subtitle)
			pb_buf_adds(&b, "\r\n");
		rc = csv_section(rep, &rep->secs[i], &b, &tmp);
		fwrite(b.p, 1, b.len, f);
		pb_buf_reset(&b);
	}
	if (o->nnotes)
		pb_buf_adds(&b, "\r\n");
	for (i = 0; i < o->nnotes; i++)
		csv_row1(&b, o->notes[i]);
	if (b.len)
		fwrite(b.p, 1, b.len, f);
	if (b.oom || tmp.oom)
		rc = -1;
	pb_buf_release(&b);
	pb_buf_release(&tmp);
	return rc;
}
