/*
 * import_header: finds the header below a register's title rows (台账名称,
 * 填报单位, 日期), reads a two-row header (a group cell over its columns)
 * as one, and hands the rows read meanwhile back as data.
 */
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

/* Rows searched for the header, and the bytes they may hold between them. */
#define HEADER_SCAN       20
#define HEADER_SCAN_BYTES (4u << 20)
/* How much of a skipped title row the message quotes. */
#define TITLE_QUOTE 90

/* A name with ASCII letters lower-cased, into low[0..n); n, or 0 when it is too long. */
static size_t lower(struct pb_str s, char *low, size_t cap)
{
	size_t i;

	if (s.n > cap)
		return 0;
	for (i = 0; i < s.n; i++)
		low[i] = s.p[i] >= 'A' && s.p[i] <= 'Z' ? (char)(s.p[i] + 32) : s.p[i];
	return s.n;
}

static int add_known(struct import *im, const char *name)
{
	char low[256];
	size_t n = lower((struct pb_str){ name, strlen(name) }, low, sizeof low);

	return n && pb_map_put(&im->known, low, n, NULL) < 0 ? -1 : 0;
}

int pb_import_known_init(struct import *im)
{
	const struct pb_column_def *def;
	const char *const *a;
	size_t i, off = 0;
	const char *spec;
	struct pb_str c, s;

	for (i = 0; im->kd->columns[i]; i++) {
		def = pb_column_find(im->kd->columns[i]);
		if (add_known(im, def->name) < 0)
			return -1;
		for (a = def->aliases; a && *a; a++)
			if (add_known(im, *a) < 0)
				return -1;
	}
	while (off < im->specs.len) {
		spec = im->specs.p + off;
		off += strlen(spec) + 1;
		if (pb_import_split_map(spec, &c, &s) == 0 &&
		    pb_map_put(&im->known, s.p, s.n, NULL) < 0)
			return -1;
	}
	return 0;
}

int pb_import_known_name(struct import *im, struct pb_str name)
{
	char low[256];
	size_t n = lower(name, low, sizeof low);

	/* canonical names and aliases match ASCII case aside, --map sources exactly */
	return n &&
	    (pb_map_find(&im->known, low, n) >= 0 || pb_map_find(&im->known, name.p, name.n) >= 0);
}

static struct pb_str stored(const struct header *h, size_t k)
{
	return (struct pb_str){ h->bytes.p + h->offs[2 * k], h->offs[2 * k + 1] };
}

/* A header cell as pb compares it: NFKC and trimmed unless --no-normalize. */
static struct pb_str cell_name(struct import *im, struct pb_str s)
{
	if (im->o->normalize && pb_utf8_invalid_at(s.p, s.n) == (size_t)-1 &&
	    pb_norm_nfkc(&im->norm, s, &s) < 0)
		return (struct pb_str){ "", 0 };
	return s;
}

/* How many cells of a row (stored row i) are known names. */
static size_t known_in_row(struct import *im, const struct header *h, size_t i)
{
	size_t k, n = 0;

	for (k = 0; k < h->rows[i].n; k++)
		n += (size_t)pb_import_known_name(im,
		                                  cell_name(im, stored(h, h->rows[i].first + k)));
	return n;
}

/* Cell k of stored row i, or empty. */
static struct pb_str cell(const struct header *h, size_t i, size_t k)
{
	if (k >= h->rows[i].n)
		return (struct pb_str){ "", 0 };
	return stored(h, h->rows[i].first + k);
}

/*
 * Two rows read as one header: each column's name is its lowest non-empty
 * cell. Fills h->names (views into the stored rows) and returns how many are
 * known names.
 */
static size_t combine(struct import *im, struct header *h, size_t upper, size_t lower)
{
	size_t k, known = 0,
	          n = h->rows[upper].n > h->rows[lower].n ? h->rows[upper].n : h->rows[lower].n;

	h->n = n;
	for (k = 0; k < n; k++) {
		struct pb_str lo = cell(h, lower, k);
		h->names[k] = pb_text_trim(lo).n ? lo : cell(h, upper, k);
		known += (size_t)pb_import_known_name(im, cell_name(im, h->names[k]));
	}
	return known;
}

/* Copies a record into the store; 0 or -1 out of memory. */
static int keep_row(struct header *h, const struct pb_input *in)
{
	struct lrow *r = &h->rows[h->nrows];
	size_t k;

	r->first = h->noffs / 2;
	r->n = in->nfields;
	r->line = in->rline;
	r->bad = 0;
	if (in->bad) {
		r->bad = h->bytes.len + 1;
		if (pb_buf_add(&h->bytes, in->bad, strlen(in->bad) + 1) < 0)
			return -1;
	}
	for (k = 0; k < in->nfields; k++) {
		if (pb_grow_zeroed(&h->offs, &h->offs_cap, h->noffs + 1, sizeof *h->offs) < 0)
			return -1;
		h->offs[h->noffs++] = h->bytes.len;
		h->offs[h->noffs++] = in->fields[k].n;
		if (pb_buf_add(&h->bytes, in->fields[k].p, in->fields[k].n) < 0)
			return -1;
	}
	h->nrows++;
	return 0;
}

static int blank(const struct import *im, const struct pb_str *f, size_t n, const char *bad)
{
	size_t k;

	if (bad)
		return 0;
	for (k = 0; k < n; k++)
		if (im->o->normalize ? pb_text_trim(f[k]).n != 0 : f[k].n != 0)
			return 0;
	return 1;
}

/* Reads the next non-blank record from the input: 1, 0 at the end, -1 with err. */
static int next_record(struct import *im, struct pb_input *in, struct pb_error *err)
{
	int rc;

	while ((rc = pb_input_next(in, err)) > 0 && blank(im, in->fields, in->nfields, in->bad))
		;
	return rc;
}

/* Names the skipped title rows once: the distinct non-empty cells of each, quoted. */
static void name_title_rows(struct import *im, const struct header *h, size_t upto)
{
	struct pb_buf msg = PB_BUF_INIT;
	const char *file;
	char buf[600];
	size_t i, k;
	long line;

	if (upto + h->dropped == 0)
		return;
	for (i = 0; i < upto; i++) {
		struct pb_buf q = PB_BUF_INIT;
		struct pb_str prev = { "", 0 };
		for (k = 0; k < h->rows[i].n; k++) {
			struct pb_str s = pb_text_trim(cell(h, i, k));
			if (!s.n || pb_str_eq(s, prev))
				continue;
			if (q.len)
				pb_buf_addc(&q, ' ');
			pb_buf_add(&q, s.p, s.n);
			prev = s;
		}
		if (q.len > TITLE_QUOTE) {
			/* cut on a character boundary */
			size_t cut = TITLE_QUOTE;
			while (cut > 0 && (q.p[cut] & 0xC0) == 0x80)
				cut--;
			q.len = cut;
			pb_buf_adds(&q, "…");
		}
		pb_buf_addf(&msg, "%s'%s'", i ? ", " : "", q.p ? q.p : "");
		pb_buf_release(&q);
	}
	line = pb_import_where(im, h->dropped ? 0 : h->rows[0].line, buf, sizeof buf, &file);
	pb_warn_at(file, line, "skipped %zu row%s above the header (%s %ld)%s%s", upto + h->dropped,
	           upto + h->dropped > 1 ? "s" : "", im->in->wb ? "row" : "line",
	           h->rows[upto].line, msg.len ? ": " : "", msg.len ? msg.p : "");
	pb_buf_release(&msg);
}

/* Forgets the stored rows (counted as skipped): --header-row far below the top. */
static void drop_rows(struct header *h)
{
	h->dropped += h->nrows;
	h->nrows = 0;
	h->noffs = 0;
	pb_buf_reset(&h->bytes);
}

/* Reads rows into the store until the header is among them: its index, or -1 with err. */
static long scan(struct import *im, struct pb_input *in, struct header *h, struct pb_error *err)
{
	long want = im->o->header_row;
	int rc;

	for (;;) {
		if (h->nrows == HEADER_SCAN || h->bytes.len >= HEADER_SCAN_BYTES) {
			if (!want)
				break;
			drop_rows(h);
		}
		if ((rc = next_record(im, in, err)) <= 0) {
			if (rc < 0)
				return -1;
			break;
		}
		if (want && in->rline > want)
			break;
		if (keep_row(h, in) < 0)
			return pb_import_fail(im, err, 0, "out of memory");
		if (want ? in->rline == want : known_in_row(im, h, h->nrows - 1) >= 2)
			return (long)h->nrows - 1;
	}
	if (want)
		return pb_import_fail(im, err, 0, "--header-row %ld: no row starts on %s %ld", want,
		                      in->wb ? "row" : "line", want);
	if (h->nrows == 0)
		return pb_import_fail(im, err, 0,
		                      in->wb ? "empty sheet: expected a header row"
		                             : "empty input: expected a header line");
	return 0; /* no row names two columns: the first row is the header, as it always was */
}

int pb_import_find_header(struct import *im, struct pb_input *in, struct header *h,
                          struct pb_error *err)
{
	long hi = scan(im, in, h, err);
	size_t top, width = 0, i, alone;
	int rc;

	if (hi < 0)
		return -1;
	/* one row more, for a header on two rows */
	if ((size_t)hi + 1 == h->nrows && (rc = next_record(im, in, err)) != 0) {
		if (rc < 0 || keep_row(h, in) < 0)
			return rc < 0 ? -1 : pb_import_fail(im, err, 0, "out of memory");
	}
	for (i = 0; i < h->nrows; i++)
		if (h->rows[i].n > width)
			width = h->rows[i].n;
	h->names = calloc(width + 1, sizeof *h->names);
	if (!h->names)
		return pb_import_fail(im, err, 0, "out of memory");
	top = (size_t)hi;
	h->next = top + 1;
	alone = combine(im, h, top, top);
	if (h->next < h->nrows && !h->rows[h->next].bad && combine(im, h, top, h->next) > alone) {
		h->next++; /* the group row on top, its columns below */
	} else if (top > 0 && !h->rows[top - 1].bad && combine(im, h, top - 1, top) > alone) {
		top--;
	} else {
		combine(im, h, top, top);
	}
	h->line = h->rows[top].line;
	if (h->rows[top].bad)
		return pb_import_fail(im, err, h->line, "header: %s",
		                      h->bytes.p + h->rows[top].bad - 1);
	name_title_rows(im, h, top);
	return 0;
}

/* Room in the row buffer for n fields and for the header's width (padding). */
static int row_room(struct import *im, size_t n)
{
	if (n < im->width)
		n = im->width;
	if (n < im->rowcap)
		return 0;
	if (pb_grow_zeroed(&im->rowflags, &im->rowflags_cap, n, sizeof *im->rowflags) < 0)
		return -1;
	return pb_grow_zeroed(&im->rowbuf, &im->rowcap, n, sizeof *im->rowbuf);
}

int pb_import_next_row(struct import *im, struct pb_input *in, struct header *h, struct row *r,
                       struct pb_error *err)
{
	int rc;

	if (h->next < h->nrows) {
		const struct lrow *l = &h->rows[h->next++];
		size_t k;
		if (row_room(im, l->n) < 0)
			return pb_import_fail(im, err, 0, "out of memory");
		r->f = im->rowbuf;
		r->flags = im->rowflags;
		r->scanned = 0;
		for (k = 0; k < l->n; k++)
			r->f[k] = stored(h, l->first + k);
		r->n = l->n;
		r->line = l->line;
		r->bad = l->bad ? h->bytes.p + l->bad - 1 : NULL;
		return 1;
	}
	if ((rc = next_record(im, in, err)) <= 0)
		return rc;
	if (row_room(im, in->nfields) < 0)
		return pb_import_fail(im, err, 0, "out of memory");
	r->f = im->rowbuf;
	r->flags = im->rowflags;
	r->scanned = in->flags != NULL;
	if (in->flags)
		memcpy(r->flags, in->flags, in->nfields);
	r->n = in->nfields;
	r->line = in->rline;
	r->bad = in->bad;
	memcpy(r->f, in->fields, in->nfields * sizeof *r->f);
	return 1;
}

void pb_import_header_release(struct header *h)
{
	pb_buf_release(&h->bytes);
	free(h->offs);
	free(h->names);
	memset(h, 0, sizeof *h);
}
