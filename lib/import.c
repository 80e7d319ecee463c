/* import: pb-import's run — files, header, rows, rejects, output. */
#include "pb/import.h"

#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"
#include "pb/map.h"
#include "pb/value.h"

static void put_clean(FILE *f, struct pb_str s)
{
	/* the rejects file is pb TSV: undecodable bytes and NUL become U+FFFD */
	size_t i = 0;

	while (i < s.n) {
		size_t bad = pb_utf8_invalid_at(s.p + i, s.n - i);
		const char *nul = memchr(s.p + i, '\0', bad == (size_t)-1 ? s.n - i : bad);
		size_t upto = nul ? (size_t)(nul - (s.p + i)) : bad == (size_t)-1 ? s.n - i : bad;
		pb_tsv_put(f, s.p + i, upto);
		i += upto;
		if (i < s.n) {
			fputs("\xEF\xBF\xBD", f);
			i++;
		}
	}
}

/*
 * The rejects file's header: the source header as read, with what pb TSV
 * cannot carry made readable — an empty name becomes column_N (N its 1-based
 * place), a repeated one (or reject_reason itself) gets _2, _3, ..., bytes
 * that are not UTF-8 become U+FFFD — then reject_reason. -1 out of memory.
 */
/* s with undecodable bytes and NUL as U+FFFD, appended to b; -1 out of memory. */
static int add_clean(struct pb_buf *b, struct pb_str s)
{
	size_t i = 0;

	while (i < s.n) {
		size_t bad = pb_utf8_invalid_at(s.p + i, s.n - i);
		const char *nul = memchr(s.p + i, '\0', bad == (size_t)-1 ? s.n - i : bad);
		size_t upto = nul ? (size_t)(nul - (s.p + i)) : bad == (size_t)-1 ? s.n - i : bad;
		if (pb_buf_add(b, s.p + i, upto) < 0)
			return -1;
		i += upto;
		if (i < s.n) {
			if (pb_buf_adds(b, "\xEF\xBF\xBD") < 0)
				return -1;
			i++;
		}
	}
	return 0;
}

static int put_rejects_header(FILE *f, const struct plan *pl)
{
	struct pb_map seen = PB_MAP_INIT;
	struct pb_buf name = PB_BUF_INIT, clean = PB_BUF_INIT;
	size_t i;
	int rc = 0;

	if (pb_map_put(&seen, "reject_reason", 13, NULL) < 0)
		rc = -1;
	for (i = 0; i < pl->nsrc && rc == 0; i++) {
		const char *raw = pl->raw_names[i];
		unsigned long k;
		int is_new = 0;

		pb_buf_reset(&clean);
		if (add_clean(&clean, pb_str_z(raw)) < 0 ||
		    (!clean.len && pb_buf_addf(&clean, "column_%zu", i + 1) < 0)) {
			rc = -1;
			break;
		}
		for (k = 1; !is_new; k++) {
			pb_buf_reset(&name);
			if (pb_buf_add(&name, clean.p, clean.len) < 0 ||
			    (k > 1 && pb_buf_addf(&name, "_%lu", k) < 0) ||
			    pb_map_put(&seen, name.p, name.len, &is_new) < 0) {
				rc = -1;
				break;
			}
		}
		pb_tsv_put(f, name.p, name.len);
		putc('\t', f);
	}
	if (rc == 0)
		fputs("reject_reason\n", f);
	pb_map_release(&seen);
	pb_buf_release(&name);
	pb_buf_release(&clean);
	return rc;
}

static int reject(struct import *im, const struct row *r, const struct plan *pl,
                  struct pb_error *err)
{
	size_t i;
	FILE *f;

	im->st->rejected++;
	pb_import_warn_row(im, r->line, im->reason.p);
	if (!im->o->rejects_path)
		goto limit;
	if (!im->rej_open) {
		if (pb_out_open(&im->rej, im->o->rejects_path, err) < 0)
			return -1;
		im->rej_open = 1;
		im->rej_ncols = pl->nsrc;
		if (put_rejects_header(im->rej.f, pl) < 0) {
			/* no rejects file at all rather than one with half a header */
			pb_out_abort(&im->rej);
			im->rej_open = 0;
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
		}
	}
	f = im->rej.f;
	for (i = 0; i < im->rej_ncols; i++) {
		if (i < r->n)
			put_clean(f, r->f[i]);
		putc('\t', f);
	}
	pb_tsv_put(f, im->reason.p, im->reason.len);
	if (r->n > im->rej_ncols) {
		fputs("; surplus fields:", f);
		for (i = im->rej_ncols; i < r->n; i++) {
			fputs(i > im->rej_ncols ? " | " : " ", f);
			put_clean(f, r->f[i]);
		}
	}
	putc('\n', f);
limit:
	if (im->o->max_errors && im->st->rejected >= im->o->max_errors)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "giving up after %llu rejected rows (--max-errors %llu)",
		                    im->st->rejected, im->o->max_errors);
	return 0;
}

/* A sheet's column letters (0 = A), into buf. */
static const char *column_letters(size_t col, char buf[8])
{
	char tmp[8];
	size_t n = 0, i;

	for (col++; col > 0 && n < sizeof tmp - 1; col = (col - 1) / 26)
		tmp[n++] = (char)('A' + (col - 1) % 26);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

/*
 * A sheet stores no trailing empty cells: a short row is padded to the
 * header's width; a value right of the header's last column is an error.
 */
static int fit_sheet_row(struct import *im, struct row *r, const struct plan *pl)
{
	char a[8], b[8];

	if (r->n > pl->nsrc)
		FAIL("cell %s%ld is right of the header's last column (%s)",
		     column_letters(r->n - 1, a), r->line, column_letters(pl->nsrc - 1, b));
	while (r->n < pl->nsrc)
		r->f[r->n++] = (struct pb_str){ "", 0 };
	return 0;
}

/* --fill-down: an empty cell of these columns takes the value above it. */
struct fill {
	size_t *cols;
	struct pb_buf *last;
	size_t n;
};

static void fill_release(struct fill *fd)
{
	size_t i;

	for (i = 0; i < fd->n; i++)
		pb_buf_release(&fd->last[i]);
	free(fd->cols);
	free(fd->last);
	memset(fd, 0, sizeof *fd);
}

/* The --fill-down columns of this input's header: by source name or canonical name. */
static int fill_init(struct import *im, const struct plan *pl, struct fill *fd, long line,
                     struct pb_error *err)
{
	const char *p = im->o->fill_down, *comma;
	size_t n = 1, j;

	memset(fd, 0, sizeof *fd);
	if (!p)
		return 0;
	for (comma = p; (comma = strchr(comma, ',')); comma++)
		n++;
	fd->cols = calloc(n, sizeof *fd->cols);
	fd->last = calloc(n, sizeof *fd->last);
	if (!fd->cols || !fd->last)
		return pb_import_fail(im, err, line, "out of memory");
	for (; p; p = comma ? comma + 1 : NULL) {
		struct pb_str want;
		int pos, src = -1;
		comma = strchr(p, ',');
		want = pb_text_trim((struct pb_str){ p, comma ? (size_t)(comma - p) : strlen(p) });
		for (j = 0; j < pl->nsrc && src < 0; j++)
			if (pb_str_eqz(want, pl->names[j]) || pb_str_eqz(want, pl->raw_names[j]))
				src = (int)j;
		for (pos = 0; src < 0 && pos < (int)pl->nschema; pos++)
			if (pb_str_eqz(want, im->kd->columns[pos]))
				src = pl->src[pos];
		if (src < 0)
			return pb_import_fail(im, err, line,
			                      "--fill-down: the header has no column '%.*s'",
			                      (int)want.n, want.p);
		fd->cols[fd->n++] = (size_t)src;
	}
	return 0;
}

static int fill_down(struct fill *fd, struct row *r)
{
	size_t i;

	for (i = 0; i < fd->n; i++) {
		struct pb_str *s = &r->f[fd->cols[i]];
		struct pb_buf *last = &fd->last[i];
		if (pb_text_trim(*s).n == 0) {
			*s = (struct pb_str){ last->p ? last->p : "", last->len };
			r->flags[fd->cols[i]] = PB_TEXT_OTHER; /* not scanned: look again */
		} else {
			pb_buf_reset(last);
			if (pb_buf_add(last, s->p, s->n) < 0)
				return -1;
		}
	}
	return 0;
}

/* The values left empty in a written row are said now, one line each. */
static void say_notes(struct import *im, long line)
{
	size_t off = 0;

	while (off < im->notes.len) {
		pb_import_warn_row(im, line, im->notes.p + off);
		off += strlen(im->notes.p + off) + 1;
	}
	im->st->emptied += im->nnotes;
}

/*
 * The output: pb TSV gathered in one large buffer and handed to stdio in
 * blocks, so a field costs a copy, not a call into stdio.
 */
#define OUT_BLOCK (1u << 20)

/* Writes p[0..n) escaped as pb TSV to d, which has room for 2n bytes; the end. */
static char *put_escaped(char *d, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		const char *q = p;
		while (q < end && *q != '\t' && *q != '\n' && *q != '\r' && *q != '\\')
			q++;
		memcpy(d, p, (size_t)(q - p));
		d += q - p;
		if (q == end)
			break;
		*d++ = '\\';
		*d++ = *q == '\t' ? 't' : *q == '\n' ? 'n' : *q == '\r' ? 'r' : '\\';
		p = q + 1;
	}
	return d;
}

/*
 * Appends a value and its separator (a tab, or a newline after the last).
 * esc: the value may hold bytes pb TSV escapes; without it the bytes are
 * copied as they are. 0, or -1 out of memory.
 */
static int put_value(struct pb_buf *b, struct pb_str s, int esc, char sep)
{
	if (b->cap - b->len < 2 * s.n + 2 && pb_buf_grow(b, 2 * s.n + 1) < 0)
		return -1;
	if (esc) {
		b->len = (size_t)(put_escaped(b->p + b->len, s.p, s.n) - b->p);
	} else {
		memcpy(b->p + b->len, s.p, s.n);
		b->len += s.n;
	}
	b->p[b->len++] = sep;
	b->p[b->len] = '\0';
	return 0;
}

/* Hands the gathered output to stdio; write errors show at pb_out_commit. */
static void flush_out(struct import *im)
{
	if (im->obuf.len && im->out.f)
		fwrite(im->obuf.p, 1, im->obuf.len, im->out.f);
	pb_buf_reset(&im->obuf);
}

/* A kept source column's value as written: NFKC and trimmed unless --no-normalize. */
static int kept_value(struct import *im, struct pb_str *s, unsigned flags, int *esc)
{
	*esc = (flags & (PB_TEXT_OTHER | PB_TEXT_ESCAPE)) != 0;
	if (!im->o->normalize)
		return 0;
	if (!(flags & PB_TEXT_OTHER)) {
		if (flags & PB_TEXT_EDGE)
			*s = pb_text_trim_plain(*s);
		return 0;
	}
	return pb_norm_nfkc(&im->norm, *s, s);
}

static int write_row(struct import *im, const struct row *r, const struct plan *pl)
{
	size_t i, start = im->obuf.len;

	for (i = 0; i < pl->nout; i++) {
		const struct outcol *c = &pl->out[i];
		char sep = i + 1 < pl->nout ? '\t' : '\n';
		struct pb_str s;
		int esc;
		if (c->pos >= 0) {
			s = pb_import_val(im, c->pos);
			esc = im->vals[c->pos].esc;
		} else {
			s = r->f[c->src];
			if (kept_value(im, &s, r->flags[c->src], &esc) < 0)
				goto oom;
		}
		if (put_value(&im->obuf, s, esc, sep) < 0)
			goto oom;
	}
	if (im->obuf.len >= OUT_BLOCK)
		flush_out(im);
	return 0;
oom:
	im->obuf.len = start;
	OOM();
}

/* Fields must be text: valid in the input's encoding, no NUL. Sets r->flags. */
static int check_text(struct import *im, struct row *r, const struct plan *pl)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct pb_str s = r->f[i];
		size_t bad = (size_t)-1;
		unsigned fl = r->scanned ? r->flags[i] : pb_text_scan(s.p, s.n);
		r->flags[i] = (unsigned char)fl;
		if (fl & PB_TEXT_OTHER) {
			if (memchr(s.p, '\0', s.n))
				fl |= PB_TEXT_NUL;
			bad = pb_utf8_invalid_at(s.p, s.n);
		}
		if (fl & PB_TEXT_NUL)
			FAIL("column '%s': NUL byte in the field", pl->raw_names[i]);
		if (bad != (size_t)-1)
			FAIL("column '%s': invalid %s byte sequence at byte %zu of the field",
			     pl->raw_names[i], pb_encoding_name(im->in->enc), bad + 1);
	}
	return 0;
}

static int process_row(struct import *im, struct row *r, const struct plan *pl, struct fill *fd)
{
	pb_buf_reset(&im->notes);
	im->nnotes = 0;
	if (r->bad)
		FAIL("%s", r->bad);
	if (im->in->wb) {
		if (fit_sheet_row(im, r, pl) < 0)
			return -1;
	} else if (r->n != pl->nsrc) {
		FAIL("%zu fields, expected %zu as in the header", r->n, pl->nsrc);
	}
	if (check_text(im, r, pl) < 0)
		return -1;
	if (fd->n && fill_down(fd, r) < 0)
		OOM();
	if (pb_import_check_row(im, pl, r) < 0 || im->oom || write_row(im, r, pl) < 0)
		return -1;
	say_notes(im, r->line);
	pb_import_count_regions(im);
	return 0;
}

/* Header names must be text: valid in the input's encoding, no NUL. */
static int check_header(const struct import *im, const struct header *h, struct pb_error *err)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		struct pb_str s = h->names[i];
		if (pb_utf8_invalid_at(s.p, s.n) != (size_t)-1 || memchr(s.p, '\0', s.n))
			return pb_import_fail(im, err, h->line,
			                      "header column %zu is not valid %s text", i + 1,
			                      pb_encoding_name(im->in->enc));
	}
	return 0;
}

static int write_header(struct import *im, const struct plan *pl, long line, struct pb_error *err)
{
	size_t i;

	if (im->first_out_names) {
		int same = im->first_nout == pl->nout;
		for (i = 0; same && i < pl->nout; i++)
			same = strcmp(im->first_out_names[i], pl->out[i].name) == 0;
		if (!same)
			return pb_import_fail(
			    im, err, line,
			    "its columns map to a different set than %s's; import them separately",
			    im->inputs[0]);
		return 0;
	}
	im->first_out_names = calloc(pl->nout + 1, sizeof *im->first_out_names);
	if (!im->first_out_names)
		return pb_import_fail(im, err, line, "out of memory");
	im->first_nout = pl->nout;
	for (i = 0; i < pl->nout; i++) {
		im->first_out_names[i] = strdup(pl->out[i].name);
		if (!im->first_out_names[i] ||
		    put_value(&im->obuf, pb_str_z(pl->out[i].name), 1,
		              i + 1 < pl->nout ? '\t' : '\n') < 0)
			return pb_import_fail(im, err, line, "out of memory");
	}
	return 0;
}

/* "FILE:" or "FILE:SHEET!": how other inputs' messages name a row of this one. */
static int set_label(struct import *im, const struct pb_input *in)
{
	const char *sheet = in->wb ? pb_workbook_sheet(in->wb) : NULL;
	struct pb_buf b = PB_BUF_INIT;

	if (sheet)
		pb_buf_addf(&b, "%s:%s!", in->name, sheet);
	else
		pb_buf_addf(&b, "%s:", in->name);
	im->labels[im->cur_file_no] = pb_buf_detach(&b);
	return im->labels[im->cur_file_no] ? 0 : -1;
}

static int import_file(struct import *im, const char *path, struct pb_error *err)
{
	struct pb_input in;
	struct header h;
	struct plan pl;
	struct fill fd;
	struct row r;
	int rc = -1, got, ok;

	memset(&pl, 0, sizeof pl);
	memset(&h, 0, sizeof h);
	memset(&fd, 0, sizeof fd);
	im->in = &in;
	im->width = 0;
	if (pb_input_open(&in, path, im->o->encoding, im->o->format, im->o->sheet, err) < 0)
		goto done;
	/*
	 * A schema's checks outweigh the parse: the reader thread scans the
	 * fields too. For --kind raw the parse is most of the work: it does not.
	 */
	if (im->o->kind != PB_KIND_RAW)
		pb_input_want_flags(&in);
	if (set_label(im, &in) < 0) {
		pb_import_fail(im, err, 0, "out of memory");
		goto done;
	}
	if (pb_import_find_header(im, &in, &h, err) < 0 || check_header(im, &h, err) < 0)
		goto done;
	{
		const char *file;
		char buf[600];
		long line = pb_import_where(im, h.line, buf, sizeof buf, &file);
		if (pb_import_plan(im, h.names, h.n, file, line, &pl, err) < 0)
			goto done;
	}
	if (fill_init(im, &pl, &fd, h.line, err) < 0 || write_header(im, &pl, h.line, err) < 0)
		goto done;
	im->width = pl.nsrc;
	while ((got = pb_import_next_row(im, &in, &h, &r, err)) > 0) {
		im->st->read++;
		pb_progress_rows(im->st->read);
		pb_import_aim_ahead(im, &pl);
		ok = process_row(im, &r, &pl, &fd) == 0;
		if (im->oom) {
			/* the run stops at this row: neither written nor rejected, not counted */
			im->st->read--;
			pb_import_fail(im, err, r.line, "out of memory");
			goto done;
		}
		if (ok) {
			im->st->wrote++;
		} else if (reject(im, &r, &pl, err) < 0) {
			goto done;
		}
	}
	rc = got;
done:
	fill_release(&fd);
	pb_import_header_release(&h);
	pb_import_plan_free(&pl);
	pb_input_close(&in);
	im->in = NULL;
	return rc;
}

/* The schema positions the kind rules use, by column name. */
static const struct {
	const char *name;
	size_t off;
} positions[] = {
#define POS(field, name)                                                                           \
	{                                                                                          \
		name, offsetof(struct import, field)                                               \
	}
	POS(p_unit_id, "unit_id"),
	POS(p_unit_name, "unit_name"),
	POS(p_unit_type, "unit_type"),
	POS(p_city, "city"),
	POS(p_district, "district"),
	POS(p_town, "town"),
	POS(p_community, "community"),
	POS(p_org_mode, "org_mode"),
	POS(p_org_id, "org_id"),
	POS(p_org_name, "org_name"),
	POS(p_established, "established"),
	POS(p_dissolved, "dissolved"),
	POS(p_opened, "opened"),
	POS(p_closed, "closed"),
	POS(p_entity_id, "entity_id"),
	POS(p_entity_name, "entity_name"),
	POS(p_indicator, "indicator"),
	POS(p_judge, "judge"),
	POS(p_score, "score"),
	POS(p_period, "period"),
	POS(p_from, "from_id"),
	POS(p_to, "to_id"),
	POS(p_link_type, "link_type"),
	POS(p_start, "period_start"),
	POS(p_end, "period_end"),
	POS(p_target, "target"),
	POS(p_instructor, "instructor"),
#undef POS
};

int pb_import_check_opts(const struct pb_import_opts *o, struct pb_error *err)
{
	size_t i;

	for (i = 0; i < o->nmaps; i++)
		if (!strchr(o->maps[i], '=') || o->maps[i][0] == '=')
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
			                    "--map: expected canonical=源列名, got '%s'",
			                    o->maps[i]);
	if (o->output && o->rejects_path && strcmp(o->output, "-") != 0 &&
	    strcmp(o->output, o->rejects_path) == 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--rejects and -o name the same file '%s'", o->rejects_path);
	if (o->rules_file && o->kind != PB_KIND_UNITS)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--rules infers unit_type: it needs --kind units");
	if (o->aliases_file && o->kind == PB_KIND_RAW)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--aliases rewrites the values of known columns: it needs a "
		                    "--kind other than raw");
	if (o->aliases_file && !o->normalize)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--aliases rewrites values, --no-normalize keeps every byte: "
		                    "choose one");
	if (o->fill_down &&
	    (!*o->fill_down || strstr(o->fill_down, ",,") || o->fill_down[0] == ',' ||
	     o->fill_down[strlen(o->fill_down) - 1] == ','))
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--fill-down: expected COL[,COL...], got '%s'", o->fill_down);
	if (o->sheet && !*o->sheet)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--sheet: expected a name or a number");
	if (o->header_row < 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--header-row: expected a row number >= 1");
	return 0;
}

/* Sets up a run's state: 0, or -1 out of memory (release it either way). */
static int import_init(struct import *im, const struct pb_import_opts *o,
                       struct pb_import_stats *st)
{
	static const char *const stdin_only[] = { "-" };
	size_t i;

	memset(im, 0, sizeof *im);
	im->o = o;
	im->st = st;
	im->kd = pb_kind_def(o->kind);
	im->inputs = o->ninputs ? o->inputs : stdin_only;
	im->ninputs = o->ninputs ? o->ninputs : 1;
	im->as_of = o->has_as_of ? o->as_of : pb_today();
	for (im->nschema = 0; im->kd->columns[im->nschema]; im->nschema++)
		;
	for (i = 0; i < sizeof positions / sizeof positions[0]; i++)
		*(int *)((char *)im + positions[i].off) =
		    pb_import_schema_pos(im, positions[i].name);
	pb_keyset_init(&im->ids, sizeof(uint64_t));
	pb_keyset_init(&im->orgs, sizeof(uint64_t));
	for (i = 0; i < NREGION; i++)
		pb_keyset_init(&im->regions[i], sizeof(unsigned long long));
	im->vals = calloc(im->nschema + 1, sizeof *im->vals);
	im->vocab_seen = calloc(im->nschema + 1, sizeof *im->vocab_seen);
	im->labels = calloc(im->ninputs, sizeof *im->labels);
	if (!im->vals || !im->vocab_seen || !im->labels)
		return -1;
	for (i = 0; i < im->nschema; i++)
		pb_keyset_init(&im->vocab_seen[i], sizeof(const void *) + sizeof(size_t));
	return 0;
}

static void import_release(struct import *im)
{
	size_t i;

	pb_rules_free(im->rules);
	pb_norm_release(&im->norm);
	pb_buf_release(&im->scratch);
	pb_buf_release(&im->reason);
	pb_buf_release(&im->key);
	pb_buf_release(&im->specs);
	pb_buf_release(&im->notes);
	pb_buf_release(&im->obuf);
	pb_keyset_release(&im->ids);
	pb_keyset_release(&im->orgs);
	for (i = 0; i < NREGION; i++)
		pb_keyset_release(&im->regions[i]);
	for (i = 0; im->vocab_seen && i < im->nschema; i++)
		pb_keyset_release(&im->vocab_seen[i]);
	free(im->vocab_seen);
	pb_map_release(&im->known);
	for (i = 0; i < im->aliases.count; i++)
		free(im->alias_to[i]);
	free(im->alias_to);
	pb_map_release(&im->aliases);
	free(im->has_alias);
	for (i = 0; im->labels && i < im->ninputs; i++)
		free(im->labels[i]);
	free(im->labels);
	free(im->rowbuf);
	free(im->rowflags);
	free(im->vals);
	for (i = 0; im->first_out_names && i < im->first_nout; i++)
		free(im->first_out_names[i]);
	free(im->first_out_names);
}

int pb_import_run(const struct pb_import_opts *o, struct pb_import_stats *st, struct pb_error *err)
{
	struct import im;
	size_t i;
	int rc = -1;

	memset(st, 0, sizeof *st);
	if (import_init(&im, o, st) < 0) {
		pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
		goto done;
	}
	if (pb_import_check_opts(o, err) < 0 || pb_import_load_maps(&im, err) < 0 ||
	    pb_import_load_aliases(&im, err) < 0)
		goto done;
	if (pb_import_known_init(&im) < 0) {
		pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
		goto done;
	}
	if (o->kind == PB_KIND_UNITS && !(im.rules = pb_rules_new(o->rules_file, err)))
		goto done;
	if (pb_out_open(&im.out, o->output, err) < 0)
		goto done;
	for (i = 0; i < im.ninputs; i++) {
		im.cur_file_no = (int)i;
		if (import_file(&im, im.inputs[i], err) < 0)
			goto done;
	}
	pb_progress_done();
	pb_import_warn_regions(&im);
	flush_out(&im);
	if (pb_out_commit(&im.out, err) < 0)
		goto done;
	if (im.rej_open && pb_out_commit(&im.rej, err) < 0)
		goto done;
	rc = st->rejected ? 1 : 0;
done:
	pb_progress_done();
	if (rc < 0) {
		flush_out(&im); /* standard output keeps what was written before the error */
		pb_out_abort(&im.out);
		if (im.rej_open)
			pb_out_commit(&im.rej, NULL); /* keep the rejects: they say why */
	}
	import_release(&im);
	return rc;
}
