/*
 * Unit tests of workbook: numbers and dates as a sheet stores them, .xlsx
 * cells of every type, merged ranges, the sheet choice, and hostile parts.
 * The .xlsx files are built here with libzip, part by part.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

#include "pb/workbook.h"
#include "../../lib/workbook_int.h"

static char path[64];

#define WORKBOOK_XML                                                                               \
	"<workbook xmlns:r=\"r\"><workbookPr/><sheets>"                                            \
	"<sheet name=\"说明\" sheetId=\"1\" state=\"hidden\" r:id=\"rId1\"/>"                    \
	"<sheet name=\"台账\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>"
#define RELS_XML                                                                                   \
	"<Relationships>"                                                                          \
	"<Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"        \
	"<Relationship Id=\"rId2\" Type=\"x/worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"    \
	"<Relationship Id=\"rId3\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"        \
	"<Relationship Id=\"rId4\" Type=\"x/styles\" Target=\"styles.xml\"/></Relationships>"
/* xf 0 general, 1 built-in date (14), 2 custom date, 3 custom number, 4 a quoted h */
#define STYLES_XML                                                                                 \
	"<styleSheet><numFmts>"                                                                    \
	"<numFmt numFmtId=\"176\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;\"/>"            \
	"<numFmt numFmtId=\"177\" formatCode=\"[Red]0.00_);(0.00)\"/>"                             \
	"<numFmt numFmtId=\"178\" formatCode=\"0&quot;小时&quot;\"/></numFmts>"                  \
	"<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>"                              \
	"<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"176\"/><xf numFmtId=\"177\"/>"    \
	"<xf numFmtId=\"178\"/></cellXfs></styleSheet>"
#define SST_XML                                                                                    \
	"<sst><si><t>单位名称</t></si><si><r><t>甲</t></r><r><rPr/><t>村</t></r>"            \
	"<rPh><t>cun</t></rPh></si><si><t>a_x000D_b_x005F_x0041_</t></si></sst>"

/* Writes an .xlsx of these parts (NULL parts left out) and its sheet2 (the 台账 sheet). */
static void make_xlsx(const char *sheet, const char *sst, const char *workbook)
{
	struct {
		const char *name, *text;
	} parts[] = {
		{ "xl/workbook.xml", workbook ? workbook : WORKBOOK_XML },
		{ "xl/_rels/workbook.xml.rels", RELS_XML },
		{ "xl/styles.xml", STYLES_XML },
		{ "xl/sharedStrings.xml", sst },
		{ "xl/worksheets/sheet1.xml",
		  "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>note</t>"
		  "</is></c></row></sheetData></worksheet>" },
		{ "xl/worksheets/sheet2.xml", sheet },
	};
	zip_t *z;
	int fd, zerr;
	size_t i;

	snprintf(path, sizeof path, "/tmp/pb-test-wb-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	z = zip_open(path, ZIP_TRUNCATE, &zerr);
	assert_non_null(z);
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		zip_source_t *src;
		if (!parts[i].text)
			continue;
		src = zip_source_buffer(z, parts[i].text, strlen(parts[i].text), 0);
		assert_non_null(src);
		assert_true(zip_file_add(z, parts[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
}

static struct pb_workbook *open_sheet(const char *sheet, struct pb_error *err)
{
	return pb_workbook_open(path, "t.xlsx", PB_WORKBOOK_XLSX, sheet, err);
}

/* Reads the next row and checks its number and cells (joined by '|'). */
static void expect_row(struct pb_workbook *wb, long row, const char *cells)
{
	struct pb_error err = PB_ERROR_INIT;
	const struct pb_str *f;
	const char *bad;
	char got[512];
	size_t n, i, len = 0;
	long r;

	assert_int_equal(pb_workbook_next(wb, &f, &n, &r, &bad, &err), 1);
	assert_null(bad);
	assert_int_equal(r, row);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(got + len, sizeof got - len, "%s%.*s", i ? "|" : "",
		                        (int)f[i].n, f[i].p);
	assert_string_equal(got, cells);
}

static void expect_end(struct pb_workbook *wb)
{
	struct pb_error err = PB_ERROR_INIT;
	const struct pb_str *f;
	const char *bad;
	size_t n;
	long r;

	assert_int_equal(pb_workbook_next(wb, &f, &n, &r, &bad, &err), 0);
}

/* Opening or reading fails with a message containing msg. */
static void expect_read_error(const char *sheet_xml, const char *sst, const char *msg)
{
	struct pb_error err = PB_ERROR_INIT;
	struct pb_workbook *wb;
	const struct pb_str *f;
	const char *bad;
	size_t n;
	long r;
	int rc = 1;

	make_xlsx(sheet_xml, sst, NULL);
	wb = open_sheet(NULL, &err);
	if (!wb)
		rc = -1;
	else
		while ((rc = pb_workbook_next(wb, &f, &n, &r, &bad, &err)) > 0)
			;
	if (rc != -1)
		fail_msg("no error for '%s'", msg);
	assert_int_equal(err.code, 2);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' does not say '%s'", err.msg, msg);
	/* a message names the file and the sheet (and the row, once one was read) */
	assert_non_null(strstr(err.file, "t.xlsx:台账"));
	pb_workbook_free(wb);
	unlink(path);
}

static void sniff(void **state)
{
	(void)state;
	assert_int_equal(pb_workbook_sniff("PK\3\4xx", 6), PB_WORKBOOK_XLSX);
	assert_int_equal(pb_workbook_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), PB_WORKBOOK_XLS);
	assert_int_equal(pb_workbook_sniff("PK", 2), PB_WORKBOOK_NONE);
	assert_int_equal(pb_workbook_sniff("单位名称,组建方式\n", 10), PB_WORKBOOK_NONE);
}

static void check_number(const char *in, const char *want)
{
	struct pb_buf b = PB_BUF_INIT;

	if (!want) {
		assert_int_equal(pb_workbook_put_number(&b, in, strlen(in)), -1);
		assert_int_equal(b.len, 0);
	} else {
		assert_int_equal(pb_workbook_put_number(&b, in, strlen(in)), 0);
		assert_string_equal(b.p, want);
	}
	pb_buf_release(&b);
}

static void numbers_as_written(void **state)
{
	(void)state;
	check_number("12", "12");
	check_number("0.1", "0.1");
	check_number("0.10", "0.10"); /* as written, not reformatted */
	check_number("-3.5", "-3.5");
	check_number("+7", "7");
	check_number("1E-007", "0.0000001");
	check_number("1.5E+3", "1500");
	check_number("-2.5e-2", "-0.025");
	check_number("1E+20", "100000000000000000000");
	check_number("1.23456E2", "123.456");
	check_number("0E+00", "0");
	check_number("-0E+00", "0");
	check_number("abc", NULL);
	check_number("1e999", NULL);
	check_number("1.2.3", NULL);
	check_number("", NULL);
}

static void cells_of_every_type(void **state)
{
	struct pb_error err = PB_ERROR_INIT;
	struct pb_workbook *wb;

	(void)state;
	make_xlsx(
	    "<worksheet><sheetData>"
	    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
	    "<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><r><t>南</t></r><r><t>海</t></r>"
	    "<rPh><t>nan</t></rPh></is></c><c t=\"b\"><v>1</v></c><c t=\"b\"><v>0</v></c>"
	    "<c t=\"e\"><f>1/0</f><v>#DIV/0!</v></c><c t=\"str\"><f>A1</f><v>x</v></c>"
	    "<c t=\"d\"><v>2022-06-12T08:00:00</v></c><c><f>1+1</f></c><c t=\"s\"><v>2</v></c>"
	    "</row>"
	    "<row r=\"4\"><c r=\"A4\"><v>44724</v></c><c r=\"B4\" s=\"1\"><v>44724.75</v></c>"
	    "<c r=\"C4\" s=\"2\"><v>44724</v></c><c r=\"D4\" s=\"3\"><v>44724</v></c>"
	    "<c r=\"E4\" s=\"4\"><v>3</v></c><c r=\"F4\" s=\"1\"><v>0.5</v></c>"
	    "<c r=\"G4\" s=\"1\"><v>60</v></c><c r=\"H4\" s=\"1\"/></row>"
	    "<row r=\"5\"><c r=\"A5\" s=\"1\"/><c r=\"B5\"><v></v></c></row>"
	    "</sheetData></worksheet>",
	    SST_XML, NULL);
	wb = open_sheet(NULL, &err);
	assert_non_null(wb);
	/* the first visible sheet: 说明 is hidden */
	assert_string_equal(pb_workbook_sheet(wb), "台账");
	expect_row(wb, 1, "单位名称||甲村");
	expect_row(wb, 3, "|南海|1|0|#DIV/0!|x|2022-06-12||a\rb_x0041_");
	/* a serial is a date only in a date format; 60 is Excel's 1900-02-29, kept as a number */
	expect_row(wb, 4, "44724|2022-06-12|2022-06-12|44724|3|0.5|60");
	/* a row of styled empty cells is no row */
	expect_end(wb);
	pb_workbook_free(wb);
	unlink(path);
}

static void date_systems(void **state)
{
	(void)state;
	/* the same day in both systems: 1904's serials are 1462 smaller */
	{
		struct pb_error err = PB_ERROR_INIT;
		struct pb_workbook *wb;
		make_xlsx("<worksheet><sheetData><row r=\"1\"><c s=\"1\"><v>43262</v></c>"
		          "<c s=\"1\"><v>0</v></c></row></sheetData></worksheet>",
		          SST_XML,
		          "<workbook><workbookPr date1904=\"true\"/><sheets><sheet name=\"S\" "
		          "r:id=\"rId2\"/></sheets></workbook>");
		wb = open_sheet(NULL, &err);
		assert_non_null(wb);
		expect_row(wb, 1, "2022-06-12|1904-01-01");
		pb_workbook_free(wb);
		unlink(path);
	}
}

static void merged_ranges_fill_their_cells(void **state)
{
	struct pb_error err = PB_ERROR_INIT;
	struct pb_workbook *wb;

	(void)state;
	/* C3 keeps stale text under the merge, as LibreOffice may write it: the range wins */
	make_xlsx("<worksheet><sheetData>"
	          "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>台账</t></is></c></row>"
	          "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>禅城区</t></is></c>"
	          "<c r=\"B2\"><v>1</v></c></row>"
	          "<row r=\"3\"><c r=\"A3\"/><c r=\"B3\"><v>2</v></c>"
	          "<c r=\"C3\" t=\"inlineStr\"><is><t>stale</t></is></c></row>"
	          "<row r=\"4\"><c r=\"B4\"><v>3</v></c></row>"
	          "</sheetData><mergeCells count=\"3\"><mergeCell ref=\"A1:C1\"/>"
	          "<mergeCell ref=\"A2:A3\"/><mergeCell ref=\"C2:C3\"/></mergeCells></worksheet>",
	          SST_XML, NULL);
	wb = open_sheet("台账", &err);
	assert_non_null(wb);
	expect_row(wb, 1, "台账|台账|台账");
	expect_row(wb, 2, "禅城区|1");
	expect_row(wb, 3, "禅城区|2");
	expect_row(wb, 4, "|3");
	expect_end(wb);
	pb_workbook_free(wb);
	unlink(path);
}

static void sheet_choice(void **state)
{
	struct pb_error err = PB_ERROR_INIT;
	struct pb_workbook *wb;

	(void)state;
	make_xlsx("<worksheet><sheetData/></worksheet>", SST_XML, NULL);
	/* N counts every sheet, hidden ones too */
	wb = open_sheet("1", &err);
	assert_non_null(wb);
	assert_string_equal(pb_workbook_sheet(wb), "说明");
	expect_row(wb, 1, "note");
	pb_workbook_free(wb);
	wb = open_sheet("2", &err);
	assert_non_null(wb);
	expect_end(wb); /* an empty sheet */
	pb_workbook_free(wb);
	assert_null(open_sheet("汇总", &err));
	assert_non_null(strstr(err.msg, "no sheet '汇总'; the sheets are 1 说明 (hidden), 2 台账"));
	assert_null(open_sheet("3", &err));
	unlink(path);
}

static void hostile_sheets(void **state)
{
	(void)state;
	expect_read_error("<worksheet><sheetData><row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"
	                  "</sheetData></worksheet>",
	                  SST_XML, "cell reference 'XFE1' is past XFD1048576");
	expect_read_error("<worksheet><sheetData><row r=\"1048577\"><c><v>1</v></c></row>"
	                  "</sheetData></worksheet>",
	                  SST_XML, "past XFD1048576");
	expect_read_error(
	    "<worksheet><sheetData><row r=\"2\"/><row r=\"1\"/></sheetData></worksheet>", SST_XML,
	    "rows out of order");
	expect_read_error("<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>0</v></c></row>"
	                  "</sheetData></worksheet>",
	                  NULL, "no shared-strings part");
	expect_read_error("<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>7</v></c></row>"
	                  "</sheetData></worksheet>",
	                  SST_XML, "shared string '7', which is not there");
	expect_read_error("<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></rox>"
	                  "</sheetData></worksheet>",
	                  SST_XML, "xl/worksheets/sheet2.xml is not well-formed XML");
	expect_read_error("<!DOCTYPE w [<!ENTITY a \"aaaa\">]><worksheet><sheetData/></worksheet>",
	                  SST_XML, "DOCTYPE");
	expect_read_error("<worksheet><sheetData/><mergeCells><mergeCell ref=\"A1:XFE2\"/>"
	                  "</mergeCells></worksheet>",
	                  SST_XML, "merged range 'A1:XFE2' reaches past XFD1048576");
	expect_read_error("<worksheet><sheetData/><mergeCells><mergeCell ref=\"A1", SST_XML,
	                  "ends inside its merged ranges");
}

static void a_cell_over_the_limit_marks_its_row(void **state)
{
	struct pb_error err = PB_ERROR_INIT;
	struct pb_workbook *wb;
	const struct pb_str *f;
	const char *bad;
	size_t big = PB_WORKBOOK_CELL_MAX + 10, n, i;
	char *xml = malloc(big + 256);
	long r;

	(void)state;
	n = (size_t)sprintf(xml, "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>");
	/* letters that do not compress 100 times, or the part is refused as a bomb */
	srand(1);
	for (i = 0; i < big; i++)
		xml[n + i] = (char)('a' + rand() % 26);
	n += big;
	sprintf(xml + n,
	        "</t></is></c></row><row r=\"2\"><c><v>5</v></c></row>"
	        "</sheetData></worksheet>");
	make_xlsx(xml, SST_XML, NULL);
	wb = open_sheet(NULL, &err);
	assert_non_null(wb);
	assert_int_equal(pb_workbook_next(wb, &f, &n, &r, &bad, &err), 1);
	assert_int_equal(r, 1);
	assert_non_null(bad);
	assert_non_null(strstr(bad, "over the limit"));
	expect_row(wb, 2, "5");
	pb_workbook_free(wb);
	unlink(path);
	free(xml);
}

static void broken_containers(void **state)
{
	struct pb_error err = PB_ERROR_INIT;
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "/tmp/pb-test-wb-broken");
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("PK\3\4 cut short", f);
	fclose(f);
	assert_null(open_sheet(NULL, &err));
	assert_non_null(strstr(err.msg, "the zip container is broken"));
	assert_null(pb_workbook_open(path, "t.xls", PB_WORKBOOK_XLS, NULL, &err));
	assert_non_null(strstr(err.msg, "not a readable .xls workbook"));
	unlink(path);
	/* a zip that is no workbook */
	make_xlsx("<worksheet/>", NULL, NULL);
	{
		int zerr;
		zip_t *z = zip_open(path, 0, &zerr);
		assert_int_equal(
		    zip_delete(z, (zip_uint64_t)zip_name_locate(z, "xl/workbook.xml", 0)), 0);
		assert_int_equal(zip_close(z), 0);
	}
	assert_null(open_sheet(NULL, &err));
	assert_non_null(strstr(err.msg, "not an .xlsx workbook"));
	unlink(path);
}

/*
 * The .xls reader's child dies halfway through a row (as FreeXL can on a
 * malformed file): the parent says the reader crashed, with the signal, and
 * gives no half row. The child here speaks the pipe's messages itself.
 */
static void xls_reader_crash_is_an_error(void **state)
{
	struct pb_error err = PB_ERROR_INIT;
	struct pb_workbook *wb = calloc(1, sizeof *wb);
	int fds[2];
	pid_t pid;

	(void)state;
	assert_non_null(wb);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* 'R', row 1, two cells; the first cell whole (column 0, "a"), then death */
		static const unsigned char part[] = {
			'R', 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 'a'
		};
		close(fds[0]);
		if (write(fds[1], part, sizeof part) != (ssize_t)sizeof part)
			_exit(1);
		raise(SIGKILL);
		_exit(1);
	}
	close(fds[1]);
	wb->type = PB_WORKBOOK_XLS;
	wb->name = strdup("k.xls");
	wb->xls_in = fdopen(fds[0], "rb");
	wb->xls_pid = pid;
	assert_non_null(wb->name);
	assert_non_null(wb->xls_in);
	assert_int_equal(pb_wb_xls_next(wb, &err), -1);
	assert_int_equal(err.code, PB_EXIT_FATAL);
	assert_string_equal(err.file, "k.xls");
	assert_non_null(strstr(err.msg,
	                       "the .xls reader (FreeXL) failed on this file: it crashed "
	                       "(signal 9"));
	assert_int_equal(wb->xls_pid, 0); /* reaped */
	pb_workbook_free(wb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sniff),
		cmocka_unit_test(numbers_as_written),
		cmocka_unit_test(cells_of_every_type),
		cmocka_unit_test(date_systems),
		cmocka_unit_test(merged_ranges_fill_their_cells),
		cmocka_unit_test(sheet_choice),
		cmocka_unit_test(hostile_sheets),
		cmocka_unit_test(a_cell_over_the_limit_marks_its_row),
		cmocka_unit_test(broken_containers),
		cmocka_unit_test(xls_reader_crash_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
