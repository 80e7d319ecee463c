/*
 * fuzz_report: pb-report's reader and writers through its public run
 * function (pb_report_run) over a fuzzed section, checking the escaping
 * each format promises. Thin on purpose: the writers are being split.
 *
 * Input: byte 0: bits 0-2 the format (mod 6: text, md, html, csv, xlsx,
 * docx), bit 3 --template (the input's bytes after a line "@@template" are
 * the template file), bit 4 --order district=禅城区,南海区,顺德区; byte 1:
 * bits 0-2 --precision (mod 7), bit 3 --lang en, bit 4 --chart org_rate,
 * bit 5 --sort units:desc, bit 6 a hostile --title, --heading, --note and
 * --label, bit 7 --columns district,units,org_rate. The rest is the section.
 *
 * Properties: the run ends with 0, 1 or a fatal error; html has only the
 * elements and attributes pb writes (an input that opens a tag or an
 * attribute, or breaks out of a quoted value, shows up as a foreign one);
 * csv is UTF-8 with BOM and CRLF, and every field that starts with = + - @
 * TAB or CR is a number or neutralized with '; md table rows have as many
 * cells as their header; xlsx and docx are zip files whose every XML part
 * is well-formed (a '<' or '&' from the input left unescaped is not).
 */
#include "fuzz.h"

#include <ctype.h>
#include <expat.h>
#include <strings.h>
#include <zip.h>

#include "pb/report.h"
#include "pb/value.h"

static const char hostile[] = "=cmd|' /C calc'!A0 <script>alert(1)</script> \"q\" 'a' &amp; |x|";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

static int in_list(const char *const *list, const char *p, size_t n)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncasecmp(*list, p, n) == 0)
			return 1;
	return 0;
}

/* Every element and attribute is one pb writes. */
static void check_html(const char *h, size_t len)
{
	static const char *const tags[] = {
		"html",   "head",    "meta",  "title", "style",    "body",     "header",
		"h1",     "h2",      "h3",    "p",     "section",  "figure",   "figcaption",
		"table",  "caption", "thead", "tbody", "tfoot",    "tr",       "th",
		"td",     "svg",     "g",     "rect",  "line",     "polyline", "path",
		"circle", "text",    "div",   "span",  "small",    "strong",   "footer",
		"ul",     "li",      "br",    "col",   "colgroup", NULL
	};
	static const char *const attrs[] = { "class",       "charset",
		                             "name",        "content",
		                             "lang",        "scope",
		                             "colspan",     "rowspan",
		                             "role",        "aria-label",
		                             "viewbox",     "width",
		                             "height",      "x",
		                             "y",           "x1",
		                             "y1",          "x2",
		                             "y2",          "fill",
		                             "stroke",      "stroke-width",
		                             "text-anchor", "font-size",
		                             "font-weight", "dominant-baseline",
		                             "transform",   "xmlns",
		                             "points",      "d",
		                             "id",          "preserveaspectratio",
		                             "cx",          "cy",
		                             "r",           NULL };
	const char *p = h, *end = h + len;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *q = ++p;
		if (q < end && (*q == '!' || *q == '/')) {
			p++;
			continue; /* doctype, comment or closing tag: the opening one is checked */
		}
		while (q < end && isalnum((unsigned char)*q))
			q++;
		FUZZ_CHECK(q > p && in_list(tags, p, (size_t)(q - p)), "element '<%.*s'",
		           (int)(q - p + 8 > end - p ? end - p : q - p + 8), p);
		/* attributes up to '>' */
		for (;;) {
			const char *a;
			while (q < end && isspace((unsigned char)*q))
				q++;
			FUZZ_CHECK(q < end, "unterminated tag");
			if (*q == '>' || *q == '/')
				break;
			a = q;
			while (q < end && (isalnum((unsigned char)*q) || *q == '-' || *q == ':'))
				q++;
			FUZZ_CHECK(q > a && in_list(attrs, a, (size_t)(q - a)), "attribute '%.*s'",
			           (int)(q - a + 8 > end - a ? end - a : q - a + 8), a);
			if (q < end && *q == '=') {
				char quote = *++q;
				FUZZ_CHECK(quote == '"' || quote == '\'',
				           "unquoted attribute value");
				q = memchr(q + 1, quote, (size_t)(end - q - 1));
				FUZZ_CHECK(q != NULL, "unterminated attribute value");
				q++;
			}
		}
		p = q;
	}
}

/* RFC 4180 as Excel reads it: formula-like fields must be numbers or start with '. */
static void check_csv(const char *c, size_t len)
{
	const char *p = c + 3, *end = c + len;
	struct pb_buf field = PB_BUF_INIT;

	FUZZ_CHECK(len >= 3 && memcmp(c, "\xEF\xBB\xBF", 3) == 0, "no BOM");
	while (p < end) {
		double d;
		pb_buf_reset(&field);
		if (*p == '"') {
			for (p++;; p++) {
				FUZZ_CHECK(p < end, "unterminated quoted field");
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"')
						p++;
					else
						break;
				}
				pb_buf_addc(&field, *p);
			}
			p++;
		} else {
			while (p < end && *p != ',' && *p != '\r' && *p != '\n')
				pb_buf_addc(&field, *p++);
		}
		if (field.len && field.p[0] && strchr("=+-@\t\r", field.p[0]))
			FUZZ_CHECK(field.p[0] != '+' &&
			               pb_parse_double((struct pb_str){ field.p, field.len }, &d) ==
			                   0,
			           "formula-like field '%s'", field.p);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		FUZZ_CHECK(p + 1 < end && p[0] == '\r' && p[1] == '\n',
		           "a record not ended by CRLF");
		p += 2;
	}
	pb_buf_release(&field);
}

/* Unescaped pipes in a table line. */
static size_t md_pipes(const char *p, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\\') {
			i++;
			continue;
		}
		k += p[i] == '|';
	}
	return k;
}

static void check_md(const char *m, size_t len)
{
	const char *p = m, *end = m + len;
	size_t want = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n && *p == '|') {
			size_t k = md_pipes(p, n);
			if (!want)
				want = k;
			FUZZ_CHECK(k == want, "table row with %zu cells, header has %zu: %.*s",
			           k - 1, want - 1, (int)n, p);
		} else {
			want = 0;
		}
		p += n + 1;
	}
}

/* An Office file: a zip whose XML parts all parse. */
static void check_office(const char *path)
{
	int zerr;
	zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	zip_int64_t i, n;

	FUZZ_CHECK(z != NULL, "%s is not a zip (error %d)", path, zerr);
	n = zip_get_num_entries(z, 0);
	for (i = 0; i < n; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
		size_t nl = name ? strlen(name) : 0;
		zip_stat_t st;
		zip_file_t *f;
		XML_Parser xp;
		char *buf;

		if (!name ||
		    !((nl > 4 && strcmp(name + nl - 4, ".xml") == 0) ||
		      (nl > 5 && strcmp(name + nl - 5, ".rels") == 0)))
			continue;
		FUZZ_CHECK(zip_stat_index(z, (zip_uint64_t)i, 0, &st) == 0, "%s: stat", name);
		buf = malloc(st.size + 1);
		f = zip_fopen_index(z, (zip_uint64_t)i, 0);
		FUZZ_CHECK(buf && f && zip_fread(f, buf, st.size) == (zip_int64_t)st.size,
		           "%s: read", name);
		zip_fclose(f);
		xp = XML_ParserCreate(NULL);
		FUZZ_CHECK(XML_Parse(xp, buf, (int)st.size, 1) == XML_STATUS_OK,
		           "%s: %s at line %lu", name, XML_ErrorString(XML_GetErrorCode(xp)),
		           (unsigned long)XML_GetCurrentLineNumber(xp));
		XML_ParserFree(xp);
		free(buf);
	}
	zip_discard(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pb_report_format fmts[] = { PB_REPORT_TEXT, PB_REPORT_MD,
		                                      PB_REPORT_HTML, PB_REPORT_CSV,
		                                      PB_REPORT_XLSX, PB_REPORT_DOCX };
	const char *orders[1] = { "district=禅城区,南海区,顺德区" };
	const uint8_t *section = data + 2, *tmpl = NULL;
	size_t section_len = size >= 2 ? size - 2 : 0;
	struct pb_report_opts o = PB_REPORT_OPTS_INIT;
	struct pb_error err = PB_ERROR_INIT;
	const char *notes[1] = { hostile }, *headings[1] = { hostile };
	const char *labels[1] = { "units=<b>\"单位数\"</b>" };
	const char *charts[1] = { "org_rate" }, *sorts[1] = { "units:desc" };
	const char *columns[1] = { "district,units,org_rate" };
	char *inputs[1], *out;
	size_t len;
	int rc;

	if (size < 2)
		return 0;
	o.format = fmts[(data[0] & 7) % 6];
	if (data[0] & 8) {
		/* the template: what follows a line "@@template" */
		const uint8_t *p;
		for (p = section; p + 11 <= section + section_len; p++)
			if (memcmp(p, "@@template\n", 11) == 0 && (p == section || p[-1] == '\n')) {
				tmpl = p + 11;
				section_len = (size_t)(p - section);
				break;
			}
		o.template_path = fuzz_file(1, tmpl ? (const char *)tmpl : "",
		                            tmpl ? (size_t)(data + size - tmpl) : 0);
	}
	if (data[0] & 16) {
		o.orders = orders;
		o.norders = 1;
	}
	o.precision = (data[1] & 7) % 7;
	o.en = !!(data[1] & 8);
	if (data[1] & 16) {
		o.charts = charts;
		o.ncharts = 1;
	}
	if (data[1] & 32) {
		o.sorts = sorts;
		o.nsorts = 1;
	}
	if (data[1] & 64) {
		o.title = o.subtitle = hostile;
		o.notes = notes;
		o.nnotes = 1;
		o.headings = headings;
		o.nheadings = 1;
		o.labels = labels;
		o.nlabels = 1;
	}
	if (data[1] & 128) {
		o.columns = columns;
		o.ncolumns = 1;
	}
	if (o.format == PB_REPORT_XLSX || o.format == PB_REPORT_DOCX) {
		o.output = fuzz_path("out.xlsx");
		unlink(o.output);
	}
	inputs[0] = (char *)fuzz_file(0, section, section_len);
	o.inputs = inputs;
	o.ninputs = 1;
	if (pb_report_check_opts(&o, &err) < 0)
		return 0;
	fuzz_stdout_reset();
	rc = pb_report_run(&o, &err);
	out = fuzz_stdout_take(&len);
	FUZZ_CHECK(rc == 0 || rc == PB_EXIT_DATA || rc == -1, "rc %d", rc);
	if (rc < 0) {
		FUZZ_CHECK(err.code == PB_EXIT_FATAL, "fatal with code %d: %s", err.code, err.msg);
	} else {
		switch (o.format) {
		case PB_REPORT_HTML: check_html(out, len); break;
		case PB_REPORT_CSV: check_csv(out, len); break;
		case PB_REPORT_MD: check_md(out, len); break;
		case PB_REPORT_XLSX:
		case PB_REPORT_DOCX: check_office(o.output); break;
		default: break;
		}
	}
	free(out);
	return 0;
}
