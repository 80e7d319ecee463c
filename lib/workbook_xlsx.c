/*
 * workbook_xlsx: .xlsx through libzip and expat. The small parts (workbook,
 * relationships, styles, shared strings) are read whole; the sheet is read
 * twice as a stream — once for its merged ranges, which the format puts after
 * the cells, then row by row, the parser suspended at each row's end.
 */
#define _GNU_SOURCE /* memmem */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <zip.h>

#include "pb/value.h"
#include "workbook_int.h"

#define CHUNK (256u << 10)

/* A zip entry being inflated, checked against the limits as it goes. */
struct part {
	zip_file_t *zf;
	const char *name;
	zip_uint64_t size, comp, got;
};

struct merge {
	long r1, r2;
	size_t c1, c2;
	size_t off, n; /* the anchor cell's text in mvals */
};

/* One sheet of workbook.xml, with its part from the relationships. */
struct sheet {
	char *name, *rid, *target;
	int hidden; /* 0 visible worksheet, 1 hidden, 2 not a worksheet */
};

struct rel {
	char *id, *target, *type;
};

struct wb_xlsx {
	struct pb_workbook *wb;
	zip_t *zip;
	XML_Parser xp;
	struct pb_error *err;
	int failed;       /* a handler set err */
	const char *what; /* the part being parsed, for messages */
	/* workbook.xml and its relationships */
	int date1904;
	struct sheet *sheets;
	size_t nsheets, sheets_cap;
	struct rel *rels;
	size_t nrels, rels_cap;
	/* shared strings: string i is sst[offs[i], offs[i+1]) */
	int has_sst;
	struct pb_buf sst;
	size_t *sst_offs;
	size_t nsst, sst_cap;
	int in_si, in_t, in_rph;
	/* styles: per cellXfs index, whether its number format is a date */
	struct {
		unsigned long id;
		int date;
	} * fmts;
	size_t nfmts, fmts_cap;
	unsigned char *xf_date;
	size_t nxf, xf_cap;
	int in_cellxfs;
	/* merged ranges, by first row; the active ones cover the current row */
	struct merge *merges;
	size_t nmerges, merges_cap, next_merge;
	size_t *active;
	size_t nactive, active_cap;
	struct pb_buf mvals;
	/* the sheet's data pass */
	char *sheet_path;
	struct part data;
	int merges_read;
	int suspended, fed_final, row_ready;
	long last_row;
	size_t next_col;
	/* the cell being read */
	int in_cell, in_v, in_is;
	char ctype; /* 's' shared, 'i' inline, 'f' formula string, 'b', 'e', 'd', 'n' */
	unsigned long cstyle;
	size_t ccol;
	struct pb_buf cur, val;
};

static const char *local(const char *name)
{
	const char *colon = strrchr(name, ':');
	return colon ? colon + 1 : name;
}

static const char *attr(const char **atts, const char *lname)
{
	for (; atts && atts[0]; atts += 2)
		if (strcmp(local(atts[0]), lname) == 0)
			return atts[1];
	return NULL;
}

/* Records a failure from inside a handler and stops the parser. */
static void fail(struct wb_xlsx *x, long row, const char *fmt, const char *arg)
{
	if (!x->failed)
		pb_error_set(x->err, PB_EXIT_FATAL, pb_wb_where(x->wb, row), 0, fmt, arg);
	x->failed = 1;
	XML_StopParser(x->xp, XML_FALSE);
}

static void oom(struct wb_xlsx *x)
{
	fail(x, 0, "%s", "out of memory");
}

static int zip_fail(struct wb_xlsx *x, const char *what, const char *why)
{
	return pb_error_set(x->err, PB_EXIT_FATAL, pb_wb_where(x->wb, x->wb->row), 0,
	                    "%s: the zip container is broken (%s)", what, why);
}

/* Opens a part: 1, 0 when the workbook has no such part, -1 with err (refused or broken). */
static int part_open(struct wb_xlsx *x, const char *name, struct part *p)
{
	zip_stat_t st;
	zip_int64_t idx = zip_name_locate(x->zip, name, 0);

	memset(p, 0, sizeof *p);
	p->name = name;
	if (idx < 0)
		return 0;
	if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    !(st.valid & ZIP_STAT_COMP_SIZE))
		return zip_fail(x, name, zip_strerror(x->zip));
	p->size = st.size;
	p->comp = st.comp_size;
	if (p->size > PB_WORKBOOK_PART_MAX)
		return pb_error_set(x->err, PB_EXIT_FATAL, pb_wb_where(x->wb, 0), 0,
		                    "%s would inflate to %llu bytes, past the limit of 1 GiB; "
		                    "refused",
		                    name, (unsigned long long)p->size);
	if (p->size > PB_WORKBOOK_RATIO_FROM && p->size / PB_WORKBOOK_RATIO_MAX > p->comp)
		return pb_error_set(x->err, PB_EXIT_FATAL, pb_wb_where(x->wb, 0), 0,
		                    "%s would inflate %llu bytes to %llu, more than %d times; "
		                    "refused as a zip bomb",
		                    name, (unsigned long long)p->comp, (unsigned long long)p->size,
		                    PB_WORKBOOK_RATIO_MAX);
	p->zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
	if (!p->zf)
		return zip_fail(x, name, zip_strerror(x->zip));
	return 1;
}

/* Reads up to n inflated bytes: how many (0 at the end), or -1 with err. */
static long part_read(struct wb_xlsx *x, struct part *p, char *buf, size_t n)
{
	zip_int64_t got = zip_fread(p->zf, buf, n);

	if (got < 0)
		return zip_fail(x, p->name, zip_file_strerror(p->zf));
	p->got += (zip_uint64_t)got;
	/* the sizes in the directory may lie: the bytes themselves are held to the limits */
	if (p->got > p->size)
		return zip_fail(x, p->name, "it inflates past its recorded size");
	if (p->got > PB_WORKBOOK_RATIO_FROM && p->got / PB_WORKBOOK_RATIO_MAX > p->comp)
		return pb_error_set(x->err, PB_EXIT_FATAL, pb_wb_where(x->wb, x->wb->row), 0,
		                    "%s inflates more than %d times its compressed size; refused "
		                    "as a zip bomb",
		                    p->name, PB_WORKBOOK_RATIO_MAX);
	return (long)got;
}

static void part_close(struct part *p)
{
	if (p->zf)
		zip_fclose(p->zf);
	p->zf = NULL;
}

static void XMLCALL no_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	fail(data, 0, "%s: a DOCTYPE has no place in an .xlsx part; refused",
	     ((struct wb_xlsx *)data)->what);
}

static XML_Parser new_parser(struct wb_xlsx *x, XML_StartElementHandler start,
                             XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	XML_Parser xp = XML_ParserCreate("UTF-8");

	if (!xp)
		return NULL;
	XML_SetUserData(xp, x);
	XML_SetElementHandler(xp, start, end);
	XML_SetCharacterDataHandler(xp, text);
	XML_SetStartDoctypeDeclHandler(xp, no_doctype);
	return xp;
}

/* The message for a parse that stopped: a handler's, or expat's own. */
static int parse_error(struct wb_xlsx *x, long row)
{
	enum XML_Error code = XML_GetErrorCode(x->xp);

	if (x->failed)
		return -1;
	return pb_error_set(x->err, PB_EXIT_FATAL, pb_wb_where(x->wb, row), 0,
	                    "%s is not well-formed XML (line %lu, column %lu: %s)", x->what,
	                    (unsigned long)XML_GetCurrentLineNumber(x->xp),
	                    (unsigned long)XML_GetCurrentColumnNumber(x->xp) + 1,
	                    XML_ErrorString(code));
}

/*
 * Parses a whole part with the handlers. 1, 0 when there is no such part (and
 * !required), -1 with err.
 */
static int parse_part(struct wb_xlsx *x, const char *name, int required,
                      XML_StartElementHandler start, XML_EndElementHandler end,
                      XML_CharacterDataHandler text)
{
	struct part p;
	int rc = part_open(x, name, &p), done = 0;

	if (rc <= 0) {
		if (rc == 0 && required)
			return pb_error_set(x->err, PB_EXIT_FATAL, pb_wb_where(x->wb, 0), 0,
			                    "the workbook has no part %s; the file is broken",
			                    name);
		return rc;
	}
	x->what = name;
	x->xp = new_parser(x, start, end, text);
	if (!x->xp) {
		part_close(&p);
		return pb_error_set(x->err, PB_EXIT_FATAL, x->wb->name, 0, "out of memory");
	}
	rc = 1;
	while (!done && rc == 1) {
		void *buf = XML_GetBuffer(x->xp, CHUNK);
		long got = buf ? part_read(x, &p, buf, CHUNK) : -2;
		if (got == -2)
			rc = pb_error_set(x->err, PB_EXIT_FATAL, x->wb->name, 0, "out of memory");
		else if (got < 0)
			rc = -1;
		else if (XML_ParseBuffer(x->xp, (int)got, got == 0) != XML_STATUS_OK)
			rc = parse_error(x, x->wb->row);
		done = got == 0;
	}
	XML_ParserFree(x->xp);
	x->xp = NULL;
	part_close(&p);
	return rc;
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

/* workbook.xml: the date system and the sheets in order. */
static void XMLCALL workbook_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct wb_xlsx *x = data;
	const char *ln = local(name), *v;

	if (strcmp(ln, "workbookPr") == 0) {
		v = attr(atts, "date1904");
		x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(ln, "sheet") == 0) {
		struct sheet *s;
		if (pb_grow_zeroed(&x->sheets, &x->sheets_cap, x->nsheets, sizeof *x->sheets) < 0)
			return oom(x);
		s = &x->sheets[x->nsheets++];
		s->name = dup_or_empty(attr(atts, "name"));
		s->rid = dup_or_empty(attr(atts, "id"));
		v = attr(atts, "state");
		s->hidden = v && strcmp(v, "visible") != 0;
		if (!s->name || !s->rid)
			oom(x);
	}
}

/* A relationship's target as a part name: relative to xl/, or absolute from the root. */
static char *resolve_target(const char *target)
{
	struct pb_buf b = PB_BUF_INIT;
	const char *p = target;

	if (*p == '/')
		p++;
	else
		pb_buf_adds(&b, "xl/");
	while (strncmp(p, "../", 3) == 0) {
		/* up from xl/ */
		pb_buf_reset(&b);
		p += 3;
	}
	pb_buf_adds(&b, p);
	return pb_buf_detach(&b);
}

static void XMLCALL rels_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct wb_xlsx *x = data;
	struct rel *r;

	if (strcmp(local(name), "Relationship") != 0)
		return;
	if (pb_grow_zeroed(&x->rels, &x->rels_cap, x->nrels, sizeof *x->rels) < 0)
		return oom(x);
	r = &x->rels[x->nrels++];
	r->id = dup_or_empty(attr(atts, "Id"));
	r->type = dup_or_empty(attr(atts, "Type"));
	r->target = resolve_target(attr(atts, "Target") ? attr(atts, "Target") : "");
	if (!r->id || !r->type || !r->target)
		oom(x);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The target of the first relationship of a type (by its last path segment), or NULL. */
static const char *rel_of_type(const struct wb_xlsx *x, const char *type)
{
	size_t i;

	for (i = 0; i < x->nrels; i++)
		if (ends_with(x->rels[i].type, type))
			return x->rels[i].target;
	return NULL;
}

/* Is a custom number format a date? A y, m, d or h outside quotes, brackets and escapes. */
static int code_is_date(const char *code)
{
	const char *p, *close;

	for (p = code; *p; p++) {
		switch (*p) {
		case '"':
		case '[':
			/* a literal "text" or a [Red], [$-804], [h] section: to its end */
			close = strchr(p + 1, *p == '"' ? '"' : ']');
			if (!close)
				return 0;
			p = close;
			break;
		case '\\':
		case '_':
		case '*':
			if (p[1])
				p++; /* the character after these is literal */
			break;
		case 'y':
		case 'Y':
		case 'm':
		case 'M':
		case 'd':
		case 'D':
		case 'h':
		case 'H': return 1;
		default: break;
		}
	}
	return 0;
}

/* The built-in date formats: 14-22, 27-36, 45-47 and 50-58. */
static int builtin_is_date(unsigned long id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	    (id >= 50 && id <= 58);
}

static int fmt_is_date(const struct wb_xlsx *x, unsigned long id)
{
	size_t i;

	for (i = x->nfmts; i-- > 0;)
		if (x->fmts[i].id == id)
			return x->fmts[i].date;
	return builtin_is_date(id);
}

static unsigned long to_ulong(const char *s, unsigned long dflt)
{
	long long v;

	if (!s || pb_parse_int((struct pb_str){ s, strlen(s) }, &v) < 0 || v < 0)
		return dflt;
	return (unsigned long)v;
}

static void XMLCALL styles_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct wb_xlsx *x = data;
	const char *ln = local(name);

	if (strcmp(ln, "numFmt") == 0) {
		const char *code = attr(atts, "formatCode");
		if (pb_grow_zeroed(&x->fmts, &x->fmts_cap, x->nfmts, sizeof *x->fmts) < 0)
			return oom(x);
		x->fmts[x->nfmts].id = to_ulong(attr(atts, "numFmtId"), 0);
		x->fmts[x->nfmts].date = code && code_is_date(code);
		x->nfmts++;
	} else if (strcmp(ln, "cellXfs") == 0) {
		x->in_cellxfs = 1;
	} else if (strcmp(ln, "xf") == 0 && x->in_cellxfs) {
		if (pb_grow_zeroed(&x->xf_date, &x->xf_cap, x->nxf, 1) < 0)
			return oom(x);
		x->xf_date[x->nxf++] =
		    (unsigned char)fmt_is_date(x, to_ulong(attr(atts, "numFmtId"), 0));
	}
}

static void XMLCALL styles_end(void *data, const XML_Char *name)
{
	struct wb_xlsx *x = data;

	if (strcmp(local(name), "cellXfs") == 0)
		x->in_cellxfs = 0;
}

/*
 * Appends string text with OOXML's escapes undone: _xHHHH_ is the character
 * U+HHHH (how Excel stores control characters), _x005F_ a literal '_'.
 */
static int put_unescaped(struct pb_buf *b, const char *p, size_t n)
{
	size_t i = 0, start = 0;

	while (i + 7 <= n) {
		unsigned long cp;
		char hex[5], *end;
		if (p[i] != '_' || p[i + 1] != 'x' || p[i + 6] != '_') {
			i++;
			continue;
		}
		memcpy(hex, p + i + 2, 4);
		hex[4] = '\0';
		cp = strtoul(hex, &end, 16);
		if (*end || !utf8proc_codepoint_valid((utf8proc_int32_t)cp) ||
		    strspn(hex, "0123456789abcdefABCDEF") != 4) {
			i++;
			continue;
		}
		{
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)cp, enc);
			pb_buf_add(b, p + start, i - start);
			pb_buf_add(b, enc, (size_t)k);
		}
		i += 7;
		start = i;
	}
	return pb_buf_add(b, p + start, n - start);
}

/* sharedStrings.xml: each <si>'s text runs, phonetic runs (<rPh>) left out. */
static void XMLCALL sst_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct wb_xlsx *x = data;
	const char *ln = local(name);

	(void)atts;
	if (strcmp(ln, "si") == 0) {
		x->in_si = 1;
		pb_buf_reset(&x->cur);
	} else if (strcmp(ln, "rPh") == 0) {
		x->in_rph++;
	} else if (strcmp(ln, "t") == 0 && x->in_si && !x->in_rph) {
		x->in_t = 1;
	}
}

static void XMLCALL sst_end(void *data, const XML_Char *name)
{
	struct wb_xlsx *x = data;
	const char *ln = local(name);

	if (strcmp(ln, "t") == 0) {
		x->in_t = 0;
	} else if (strcmp(ln, "rPh") == 0) {
		x->in_rph--;
	} else if (strcmp(ln, "si") == 0) {
		x->in_si = 0;
		if (pb_grow_zeroed(&x->sst_offs, &x->sst_cap, x->nsst + 1, sizeof *x->sst_offs) <
		        0 ||
		    put_unescaped(&x->sst, x->cur.p ? x->cur.p : "", x->cur.len) < 0)
			return oom(x);
		x->sst_offs[++x->nsst] = x->sst.len;
	}
}

static void XMLCALL collect_text(void *data, const XML_Char *s, int len)
{
	struct wb_xlsx *x = data;

	if (!(x->in_t || x->in_v) || pb_buf_add(&x->cur, s, (size_t)len) == 0)
		return;
	if (x->in_si)
		return fail(x, 0, "a shared string is over the limit of %s bytes", "1048576");
	/* a cell over the limit: its row is rejected, reading goes on */
	x->in_t = x->in_v = 0;
	snprintf(x->wb->bad, sizeof x->wb->bad, "a cell is over the limit of %u bytes",
	         PB_WORKBOOK_CELL_MAX);
}

/*
 * A cell reference ("B7") as a 0-based column and a row. 0, -1 when it is
 * not a reference, -2 when it is past XFD1048576.
 */
static int parse_ref(const char *ref, size_t *col, long *row)
{
	unsigned long c = 0, r = 0;
	size_t i = 0, letters = 0, digits = 0;

	for (; ref[i] >= 'A' && ref[i] <= 'Z'; i++, letters++)
		if ((c = c * 26 + (unsigned long)(ref[i] - 'A' + 1)) > WB_MAX_COLS * 26UL)
			return -2;
	for (; ref[i] >= '0' && ref[i] <= '9'; i++, digits++)
		if ((r = r * 10 + (unsigned long)(ref[i] - '0')) > (unsigned long)WB_MAX_ROWS * 10)
			return -2;
	if (ref[i] || !letters || !digits || r == 0)
		return -1;
	if (c > WB_MAX_COLS || r > (unsigned long)WB_MAX_ROWS)
		return -2;
	*col = c - 1;
	*row = (long)r;
	return 0;
}

/* "A1:C3" (or a single cell) into a merge. 0, or -1 / -2 as parse_ref. */
static int parse_range(const char *ref, struct merge *m)
{
	char a[16];
	const char *colon = strchr(ref, ':');
	size_t n = colon ? (size_t)(colon - ref) : strlen(ref);
	int rc;

	if (n >= sizeof a)
		return -1;
	memcpy(a, ref, n);
	a[n] = '\0';
	if ((rc = parse_ref(a, &m->c1, &m->r1)) < 0)
		return rc;
	if (!colon) {
		m->c2 = m->c1;
		m->r2 = m->r1;
		return 0;
	}
	if ((rc = parse_ref(colon + 1, &m->c2, &m->r2)) < 0)
		return rc;
	return m->c2 < m->c1 || m->r2 < m->r1 ? -1 : 0;
}

static void XMLCALL merges_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct wb_xlsx *x = data;
	const char *ref;
	struct merge m;
	int rc;

	if (strcmp(local(name), "mergeCell") != 0)
		return;
	ref = attr(atts, "ref");
	memset(&m, 0, sizeof m);
	rc = ref ? parse_range(ref, &m) : -1;
	if (rc == -2)
		return fail(x, 0, "merged range '%s' reaches past XFD1048576", ref);
	if (rc < 0)
		return fail(x, 0, "merged range '%s' is not a cell range", ref ? ref : "");
	if (m.r1 == m.r2 && m.c1 == m.c2)
		return;
	if (pb_grow_zeroed(&x->merges, &x->merges_cap, x->nmerges, sizeof *x->merges) < 0)
		return oom(x);
	x->merges[x->nmerges++] = m;
}

static void XMLCALL merges_end(void *data, const XML_Char *name)
{
	struct wb_xlsx *x = data;

	if (strcmp(local(name), "mergeCells") == 0) {
		x->merges_read = 1;
		XML_StopParser(x->xp, XML_FALSE); /* what follows is of no interest */
	}
}

/*
 * Where a <mergeCells> (or <prefix:mergeCells>) tag starts in p[0..n), or
 * NULL. Text and attribute values cannot hold a raw '<', so outside comments
 * and CDATA (which spreadsheet writers do not put in sheets) this is the tag.
 */
static const char *find_merges_tag(const char *p, size_t n)
{
	const char *end = p + n, *q = p;

	while ((q = memmem(q, (size_t)(end - q), "mergeCells", 10))) {
		const char *t = q - 1;
		if (t >= p && *t == ':')
			while (--t >= p && *t != '<' && *t != '/' && *t != '>' && *t != ' ')
				;
		if (t >= p && *t == '<')
			return t;
		q += 10;
	}
	return NULL;
}

static int merge_cmp(const void *a, const void *b)
{
	const struct merge *p = a, *q = b;
	return p->r1 < q->r1 ? -1 : p->r1 > q->r1;
}

/* The cell's text as pb reads it: strings resolved, numbers as written, dates as YYYY-MM-DD. */
static void finish_cell(struct wb_xlsx *x)
{
	struct pb_workbook *wb = x->wb;
	const char *s = x->cur.p ? x->cur.p : "";
	size_t n = x->cur.len;
	struct pb_buf *v = &x->val;
	char ref[24];
	long long k;
	double d;

	pb_buf_reset(v);
	switch (x->ctype) {
	case 's':
		snprintf(ref, sizeof ref, "%.*s", (int)(n < 20 ? n : 20), s);
		if (!x->has_sst)
			return fail(x, wb->row,
			            "a cell refers to shared string %s, but the workbook has no "
			            "shared-strings part",
			            ref);
		if (pb_parse_int((struct pb_str){ s, n }, &k) < 0 || k < 0 || (size_t)k >= x->nsst)
			return fail(x, wb->row,
			            "a cell refers to shared string '%s', which is not there", ref);
		pb_buf_add(v, x->sst.p + x->sst_offs[k], x->sst_offs[k + 1] - x->sst_offs[k]);
		break;
	case 'i':
	case 'f':
	case 'e': put_unescaped(v, s, n); break;
	case 'b': pb_buf_adds(v, n == 1 && s[0] == '1' ? "1" : n ? "0" : ""); break;
	case 'd':
		/* an ISO 8601 date-time: the date is what counts */
		pb_buf_add(v, s,
		           n >= 10 && pb_parse_date((struct pb_str){ s, 10 }, &(int32_t){ 0 }) == 0
		               ? 10
		               : n);
		break;
	default:
		if (n == 0)
			break;
		if (x->cstyle < x->nxf && x->xf_date[x->cstyle] &&
		    pb_parse_double((struct pb_str){ s, n }, &d) == 0 &&
		    pb_wb_put_serial_date(v, d, x->date1904) == 0)
			break;
		pb_buf_reset(v);
		if (pb_workbook_put_number(v, s, n) < 0)
			pb_buf_add(v, s, n);
	}
	if (v->len && pb_wb_cell(wb, x->ccol, v->p, v->len) < 0)
		oom(x);
}

static void XMLCALL sheet_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct wb_xlsx *x = data;
	struct pb_workbook *wb = x->wb;
	const char *ln = local(name), *v;

	if (strcmp(ln, "c") == 0) {
		long row;
		x->in_cell = 1;
		x->ccol = x->next_col;
		if ((v = attr(atts, "r"))) {
			int rc = parse_ref(v, &x->ccol, &row);
			if (rc == -2)
				return fail(x, wb->row, "cell reference '%s' is past XFD1048576",
				            v);
			if (rc < 0)
				return fail(x, wb->row, "'%s' is not a cell reference", v);
		} else if (x->ccol >= WB_MAX_COLS) {
			return fail(x, wb->row, "%s", "a cell is past column XFD");
		}
		x->next_col = x->ccol + 1;
		v = attr(atts, "t");
		x->ctype = !v                     ? 'n'
		    : strcmp(v, "s") == 0         ? 's'
		    : strcmp(v, "inlineStr") == 0 ? 'i'
		    : strcmp(v, "str") == 0       ? 'f'
		    : strcmp(v, "b") == 0         ? 'b'
		    : strcmp(v, "e") == 0         ? 'e'
		    : strcmp(v, "d") == 0         ? 'd'
		                                  : 'n';
		x->cstyle = to_ulong(attr(atts, "s"), 0);
		pb_buf_reset(&x->cur);
	} else if (strcmp(ln, "row") == 0) {
		long r = x->last_row + 1;
		if ((v = attr(atts, "r"))) {
			long long k;
			if (pb_parse_int((struct pb_str){ v, strlen(v) }, &k) < 0 || k < 1)
				return fail(x, x->last_row, "'%s' is not a row number", v);
			if (k > WB_MAX_ROWS)
				return fail(x, x->last_row, "row %s is past XFD1048576", v);
			r = (long)k;
		}
		if (r <= x->last_row)
			return fail(x, x->last_row, "rows out of order (row %s after this one)", v);
		pb_wb_row_start(wb, r);
		x->last_row = r;
		x->next_col = 0;
	} else if (x->in_cell && strcmp(ln, "v") == 0) {
		x->in_v = 1;
	} else if (x->in_cell && strcmp(ln, "is") == 0) {
		x->in_is = 1;
	} else if (x->in_is && strcmp(ln, "rPh") == 0) {
		x->in_rph++;
	} else if (x->in_is && !x->in_rph && strcmp(ln, "t") == 0) {
		x->in_t = 1;
	}
}

/* Takes in the merges that start on row r, drops those that ended above it. */
static void update_active(struct wb_xlsx *x, long r)
{
	size_t i, k = 0;

	for (i = 0; i < x->nactive; i++)
		if (x->merges[x->active[i]].r2 >= r)
			x->active[k++] = x->active[i];
	x->nactive = k;
	while (x->next_merge < x->nmerges && x->merges[x->next_merge].r1 <= r) {
		if (x->merges[x->next_merge].r2 >= r) {
			if (pb_grow_zeroed(&x->active, &x->active_cap, x->nactive,
			                   sizeof *x->active) < 0)
				return oom(x);
			x->active[x->nactive++] = x->next_merge;
		}
		x->next_merge++;
	}
}

/* A merged range gives its top-left cell's value to every cell it covers. */
static void fill_merges(struct wb_xlsx *x)
{
	struct pb_workbook *wb = x->wb;
	size_t i, c;

	update_active(x, wb->row);
	for (i = 0; i < x->nactive && !x->failed; i++) {
		struct merge *m = &x->merges[x->active[i]];
		if (m->r1 == wb->row) {
			struct pb_str s = pb_wb_cell_text(wb, m->c1);
			m->off = x->mvals.len;
			m->n = s.n;
			if (pb_buf_add(&x->mvals, s.p, s.n) < 0)
				return oom(x);
		}
		for (c = m->c1; c <= m->c2; c++)
			if ((m->r1 != wb->row || c != m->c1) &&
			    pb_wb_cell(wb, c, x->mvals.p + m->off, m->n) < 0)
				return oom(x);
	}
}

static void XMLCALL sheet_end(void *data, const XML_Char *name)
{
	struct wb_xlsx *x = data;
	const char *ln = local(name);

	if (strcmp(ln, "c") == 0) {
		if (x->in_cell)
			finish_cell(x);
		x->in_cell = x->in_v = x->in_is = x->in_t = 0;
		x->in_rph = 0;
	} else if (strcmp(ln, "v") == 0) {
		x->in_v = 0;
	} else if (strcmp(ln, "t") == 0) {
		x->in_t = 0;
	} else if (strcmp(ln, "rPh") == 0 && x->in_rph) {
		x->in_rph--;
	} else if (strcmp(ln, "row") == 0) {
		fill_merges(x);
		if (!x->failed) {
			x->row_ready = 1;
			XML_StopParser(x->xp, XML_TRUE);
		}
	}
}

/*
 * The first pass over the sheet, for its merged ranges (sorted by first row).
 * They come after every cell, so the part is inflated to its end, but only
 * searched for the tag: expat reads from <mergeCells> on, not the cells.
 */
static int read_merges(struct wb_xlsx *x)
{
	enum { TAIL = 64 };
	struct part p;
	char *buf = NULL;
	const char *at = NULL;
	size_t keep = 0;
	long got = 0;
	int rc = part_open(x, x->sheet_path, &p);

	if (rc <= 0)
		return rc < 0 ? -1
		              : pb_error_set(x->err, PB_EXIT_FATAL, pb_wb_where(x->wb, 0), 0,
		                             "the workbook has no part %s; the file is broken",
		                             x->sheet_path);
	x->what = x->sheet_path;
	if (!(buf = malloc(CHUNK + TAIL)) ||
	    !(x->xp = new_parser(x, merges_start, merges_end, NULL))) {
		rc = pb_error_set(x->err, PB_EXIT_FATAL, x->wb->name, 0, "out of memory");
		goto done;
	}
	rc = 0;
	while (rc == 0 && !x->merges_read && (got = part_read(x, &p, buf + keep, CHUNK)) > 0) {
		const char *from = buf;
		size_t n = keep + (size_t)got;
		if (!at) {
			if (!(at = find_merges_tag(buf, n))) {
				/* keep a tail: the tag may straddle two chunks */
				keep = n < TAIL ? n : TAIL;
				memmove(buf, buf + n - keep, keep);
				continue;
			}
			from = at;
		}
		keep = 0;
		if (XML_Parse(x->xp, from, (int)(buf + n - from), 0) != XML_STATUS_OK &&
		    !x->merges_read)
			rc = parse_error(x, -1);
	}
	if (got < 0)
		rc = -1;
	else if (rc == 0 && at && !x->merges_read)
		rc = pb_error_set(x->err, PB_EXIT_FATAL, pb_wb_where(x->wb, 0), 0,
		                  "%s ends inside its merged ranges; the file is broken",
		                  x->sheet_path);
	if (rc == 0 && x->nmerges)
		qsort(x->merges, x->nmerges, sizeof *x->merges, merge_cmp);
done:
	if (x->xp)
		XML_ParserFree(x->xp);
	x->xp = NULL;
	free(buf);
	part_close(&p);
	return rc;
}

/* workbook.xml, its relationships, the sheet's part; 0 or -1 with err. */
static int choose(struct wb_xlsx *x, const char *want)
{
	struct pb_workbook *wb = x->wb;
	const char **names;
	int *hidden, k;
	size_t i, j;

	if (parse_part(x, "xl/workbook.xml", 1, workbook_start, NULL, NULL) < 0 ||
	    parse_part(x, "xl/_rels/workbook.xml.rels", 1, rels_start, NULL, NULL) < 0)
		return -1;
	names = calloc(x->nsheets + 1, sizeof *names);
	hidden = calloc(x->nsheets + 1, sizeof *hidden);
	if (!names || !hidden) {
		free(names);
		free(hidden);
		return pb_error_set(x->err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
	}
	for (i = 0; i < x->nsheets; i++) {
		struct sheet *s = &x->sheets[i];
		const struct rel *r = NULL;
		for (j = 0; j < x->nrels && !r; j++)
			if (strcmp(x->rels[j].id, s->rid) == 0)
				r = &x->rels[j];
		s->target = r ? r->target : NULL;
		if (!r || !ends_with(r->type, "/worksheet"))
			s->hidden = 2;
		names[i] = s->name;
		hidden[i] = s->hidden;
	}
	k = pb_wb_choose_sheet(wb, names, hidden, x->nsheets, want, x->err);
	free(names);
	free(hidden);
	if (k < 0)
		return -1;
	if (!(wb->sheet = strdup(x->sheets[k].name)))
		return pb_error_set(x->err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
	if (x->sheets[k].hidden == 2)
		return pb_error_set(
		    x->err, PB_EXIT_FATAL, pb_wb_where(wb, 0), 0,
		    "not a worksheet (a chart sheet?); choose another with --sheet");
	x->sheet_path = x->sheets[k].target;
	return 0;
}

int pb_wb_xlsx_open(struct pb_workbook *wb, const char *path, const char *sheet,
                    struct pb_error *err)
{
	struct wb_xlsx *x = calloc(1, sizeof *x);
	const char *p;
	int zerr = 0, rc;

	if (!x)
		return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
	wb->x = x;
	x->wb = wb;
	x->err = err;
	pb_buf_init(&x->cur, PB_WORKBOOK_CELL_MAX);
	x->zip = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (!x->zip) {
		zip_error_t ze;
		zip_error_init_with_code(&ze, zerr);
		rc = pb_error_set(err, PB_EXIT_FATAL, wb->name, 0,
		                  "not a readable .xlsx workbook: the zip container is broken "
		                  "(%s); was the file cut short?",
		                  zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	if (zip_name_locate(x->zip, "xl/workbook.xml", 0) < 0)
		return pb_error_set(
		    err, PB_EXIT_FATAL, wb->name, 0,
		    zip_name_locate(x->zip, "content.xml", 0) >= 0
		        ? "an OpenDocument file, not an .xlsx workbook; save it as "
		          ".xlsx"
		        : "a zip file, but not an .xlsx workbook (no xl/workbook.xml)");
	if (choose(x, sheet) < 0)
		return -1;
	if ((p = rel_of_type(x, "/styles")) &&
	    parse_part(x, p, 0, styles_start, styles_end, NULL) < 0)
		return -1;
	if ((p = rel_of_type(x, "/sharedStrings"))) {
		x->in_t = x->in_si = x->in_rph = 0;
		rc = parse_part(x, p, 0, sst_start, sst_end, collect_text);
		if (rc < 0)
			return -1;
		x->has_sst = rc == 1;
		x->in_t = 0;
	}
	if (read_merges(x) < 0)
		return -1;
	if (part_open(x, x->sheet_path, &x->data) <= 0)
		return -1;
	x->what = x->sheet_path;
	x->xp = new_parser(x, sheet_start, sheet_end, collect_text);
	if (!x->xp)
		return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
	return 0;
}

int pb_wb_xlsx_next(struct pb_workbook *wb, struct pb_error *err)
{
	struct wb_xlsx *x = wb->x;

	x->err = err;
	x->row_ready = 0;
	for (;;) {
		enum XML_Status st;
		if (x->suspended) {
			x->suspended = 0;
			st = XML_ResumeParser(x->xp);
		} else if (x->fed_final) {
			return 0;
		} else {
			void *buf = XML_GetBuffer(x->xp, CHUNK);
			long got;
			if (!buf)
				return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0,
				                    "out of memory");
			if ((got = part_read(x, &x->data, buf, CHUNK)) < 0)
				return -1;
			x->fed_final = got == 0;
			st = XML_ParseBuffer(x->xp, (int)got, x->fed_final);
		}
		if (st == XML_STATUS_ERROR)
			return parse_error(x, wb->row);
		x->suspended = st == XML_STATUS_SUSPENDED;
		if (x->row_ready)
			return 1;
	}
}

void pb_wb_xlsx_free(struct pb_workbook *wb)
{
	struct wb_xlsx *x = wb->x;
	size_t i;

	if (!x)
		return;
	if (x->xp)
		XML_ParserFree(x->xp);
	part_close(&x->data);
	if (x->zip)
		zip_discard(x->zip);
	for (i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
	}
	for (i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].target);
		free(x->rels[i].type);
	}
	free(x->sheets);
	free(x->rels);
	pb_buf_release(&x->sst);
	free(x->sst_offs);
	free(x->fmts);
	free(x->xf_date);
	free(x->merges);
	free(x->active);
	pb_buf_release(&x->mvals);
	pb_buf_release(&x->cur);
	pb_buf_release(&x->val);
	free(x);
	wb->x = NULL;
}
