/* Unit tests of pb-report's display helpers: padding by display width, values, escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pb/buf.h"
#include "pb/report.h"
#include "pb/text.h"
#include "../../lib/report_int.h"

#include "alloc_hook.h"

static char *pad(const char *s, size_t width, int right)
{
	struct pb_buf b = PB_BUF_INIT;

	assert_int_equal(pb_report_pad(&b, s, strlen(s), width, right), 0);
	pb_buf_addc(&b, '\0');
	return pb_buf_detach(&b);
}

/* pad(s, width, right) is want, and want is wide display columns. */
#define PAD_IS(s, width, right, want, wide)                                                        \
	do {                                                                                       \
		char *got_ = pad(s, width, right);                                                 \
		assert_string_equal(got_, want);                                                   \
		assert_int_equal(pb_text_width(got_, strlen(got_)), wide);                         \
		free(got_);                                                                        \
	} while (0)

static void pad_counts_display_columns(void **state)
{
	(void)state;
	/* ASCII: one column a byte */
	PAD_IS("ab", 5, 0, "ab   ", 5);
	PAD_IS("12", 5, 1, "   12", 5);
	/* CJK: two columns a character, whatever the bytes */
	PAD_IS("合计", 6, 0, "合计  ", 6);
	PAD_IS("东城区", 7, 1, " 东城区", 7);
	/* a combining mark takes no column: e + U+0301 is one column */
	PAD_IS("e\xcc\x81", 3, 0, "e\xcc\x81  ", 3);
	/* full-width letters are wide too */
	PAD_IS("\xef\xbc\xa1", 4, 1, "  \xef\xbc\xa1", 4);
	/* already as wide: unchanged, never cut */
	PAD_IS("党组织数", 3, 0, "党组织数", 8);
}

static char *value(enum pb_report_kind k, const char *v, int prec, int signs)
{
	struct pb_buf b = PB_BUF_INIT;

	assert_int_equal(pb_report_put_value(&b, k, pb_str_z(v), prec, signs), 0);
	pb_buf_addc(&b, '\0');
	return pb_buf_detach(&b);
}

#define VALUE_IS(k, v, prec, signs, want)                                                          \
	do {                                                                                       \
		char *got_ = value(k, v, prec, signs);                                             \
		assert_string_equal(got_, want);                                                   \
		free(got_);                                                                        \
	} while (0)

static void values_are_shown_for_people(void **state)
{
	(void)state;
	VALUE_IS(PB_RK_RATE, "0.925926", 1, 1, "92.6%");
	VALUE_IS(PB_RK_RATE, "1", 1, 1, "100.0%");
	VALUE_IS(PB_RK_RATE, "0.925926", 2, 1, "92.59%");
	VALUE_IS(PB_RK_RATE, "0.925926", 0, 1, "93%");
	VALUE_IS(PB_RK_RATE, "0", 1, 1, "0.0%");
	VALUE_IS(PB_RK_PP, "5.5", 1, 1, "+5.5");
	VALUE_IS(PB_RK_PP, "5.5", 1, 0, "5.5");
	VALUE_IS(PB_RK_PP, "-1.26", 1, 1, "-1.3");
	VALUE_IS(PB_RK_PP, "0", 1, 1, "0.0");
	VALUE_IS(PB_RK_PP, "-0.01", 1, 1, "0.0"); /* never -0.0, never +0.0 */
	VALUE_IS(PB_RK_PP, "0.04", 1, 1, "0.0");
	VALUE_IS(PB_RK_PP, "17.23", 2, 1, "+17.23");
	/* 四舍五入 on the decimal text: halves go away from zero, once */
	VALUE_IS(PB_RK_PP, "12.25", 1, 1, "+12.3");
	VALUE_IS(PB_RK_PP, "-12.25", 1, 1, "-12.3");
	VALUE_IS(PB_RK_PP, "-1.05", 1, 1, "-1.1");
	VALUE_IS(PB_RK_PP, "1.005", 2, 1, "+1.01");
	VALUE_IS(PB_RK_PP, "2.675", 2, 0, "2.68");
	VALUE_IS(PB_RK_PP, "2.35", 1, 1, "+2.4");
	VALUE_IS(PB_RK_RATE, "0.12345", 2, 1, "12.35%");
	VALUE_IS(PB_RK_RATE, "0.0005", 1, 1, "0.1%");
	VALUE_IS(PB_RK_RATE, "1e-05", 3, 1, "0.001%");
	/* rounded once: the full value, not a value rounded before */
	VALUE_IS(PB_RK_PP, "19.047619047619047", 1, 1, "+19.0");   /* 6/7 - 4/6 */
	VALUE_IS(PB_RK_RATE, "0.8334995014955134", 1, 1, "83.3%"); /* 836/1003 */
	VALUE_IS(PB_RK_RATE, "0.8335", 1, 1, "83.4%");             /* 1667/2000 */
	VALUE_IS(PB_RK_RATE, "0.3333333333333333", 6, 1, "33.333333%");
	VALUE_IS(PB_RK_PP, "17.2349", 2, 1, "+17.23");
	VALUE_IS(PB_RK_DEC, "0.125", 2, 1, "0.13");
	VALUE_IS(PB_RK_DEC, "0.934694", 3, 1,
	         "0.935"); /* a column's decimals come from the caller */
	VALUE_IS(PB_RK_INT, "2.5", 1, 1, "3");
	VALUE_IS(PB_RK_CHANGE, "2", 1, 1, "+2");
	VALUE_IS(PB_RK_CHANGE, "-3", 1, 1, "-3");
	VALUE_IS(PB_RK_CHANGE, "0", 1, 1, "0");
	VALUE_IS(PB_RK_CHANGE, "2", 1, 0, "2");
	VALUE_IS(PB_RK_DEC, "88.333333", 2, 1, "88.33");
	VALUE_IS(PB_RK_INT, "1290", 1, 1, "1290");
	/* large values keep every digit */
	VALUE_IS(PB_RK_INT, "12345678901", 1, 1, "12345678901");
	VALUE_IS(PB_RK_INT, "100000000000000000000", 1, 1, "100000000000000000000");
	VALUE_IS(PB_RK_DEC, "123456789012.34", 2, 1, "123456789012.34");
	VALUE_IS(PB_RK_PP, "1234567.25", 1, 1, "+1234567.3");
	VALUE_IS(PB_RK_RATE, "", 1, 1, "");
}

static char *html(const char *s)
{
	struct pb_buf b = PB_BUF_INIT;

	assert_int_equal(pb_report_html_escape(&b, s, strlen(s)), 0);
	pb_buf_addc(&b, '\0');
	return pb_buf_detach(&b);
}

static void html_escapes_all_five(void **state)
{
	char *p;

	(void)state;
	p = html("<script>alert('x')</script> & \"q\"");
	assert_string_equal(p,
	                    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	free(p);
	p = html("合计&amp;");
	assert_string_equal(p, "合计&amp;amp;");
	free(p);
}

static char *csv(const char *s)
{
	struct pb_buf b = PB_BUF_INIT;

	assert_int_equal(pb_report_csv_field(&b, s, strlen(s)), 0);
	pb_buf_addc(&b, '\0');
	return pb_buf_detach(&b);
}

#define CSV_IS(in, want)                                                                           \
	do {                                                                                       \
		char *got_ = csv(in);                                                              \
		assert_string_equal(got_, want);                                                   \
		free(got_);                                                                        \
	} while (0)

static void csv_quotes_and_neutralizes(void **state)
{
	(void)state;
	CSV_IS("东城区", "东城区");
	CSV_IS("a,b", "\"a,b\"");
	CSV_IS("say \"hi\"", "\"say \"\"hi\"\"\"");
	CSV_IS("two\nlines", "\"two\nlines\"");
	CSV_IS("=1+2", "'=1+2");
	CSV_IS("@SUM(A1)", "'@SUM(A1)");
	CSV_IS("+86 138", "'+86 138");
	CSV_IS("+5", "'+5"); /* a '+' never passes as a number */
	CSV_IS("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0");
	CSV_IS("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
	CSV_IS("\tx", "'\tx");
	CSV_IS("-1.05", "-1.05"); /* a negative number stays a number */
	CSV_IS("-", "'-");
	CSV_IS("", "");
}

static void section_prefixes(void **state)
{
	size_t sec;

	(void)state;
	assert_string_equal(pb_report_sec_arg("2:district,units", &sec), "district,units");
	assert_int_equal(sec, 2);
	assert_string_equal(pb_report_sec_arg("district,units", &sec), "district,units");
	assert_int_equal(sec, 0);
	assert_string_equal(pb_report_sec_arg("score:desc", &sec), "score:desc");
	assert_int_equal(sec, 0);
	assert_string_equal(pb_report_sec_arg("12:30 会议", &sec),
	                    "30 会议"); /* a heading: 1:12:30 */
	assert_int_equal(sec, 12);
	assert_string_equal(pb_report_sec_arg("1:12:30 会议", &sec), "12:30 会议");
	assert_int_equal(sec, 1);
	pb_report_sec_arg("0:x", &sec);
	assert_true(sec == (size_t)-1); /* names no section */
	assert_string_equal(pb_report_sec_arg("2022年", &sec), "2022年");
	assert_int_equal(sec, 0);
}

static void chart_ticks(void **state)
{
	struct pb_report_chart ch = { .kind = PB_RK_RATE, .step = 0.2 };
	char t[32];

	(void)state;
	pb_report_chart_tick(&ch, 0.8, t, sizeof t);
	assert_string_equal(t, "80%");
	ch.step = 0.025;
	pb_report_chart_tick(&ch, 0.825, t, sizeof t);
	assert_string_equal(t, "82.5%");
	ch.kind = PB_RK_DEC;
	ch.step = 0.5;
	pb_report_chart_tick(&ch, -1e-17, t, sizeof t);
	assert_string_equal(t, "0.0"); /* never -0 */
	ch.step = 20;
	pb_report_chart_tick(&ch, 120, t, sizeof t);
	assert_string_equal(t, "120");
}

#ifndef NO_ALLOC_HOOK
static char dir[] = "/tmp/pb-test-report-XXXXXX";
#include "scratch.h"

/* The whole of a file (caller frees; its length in *n), or NULL when it does not exist. */
static char *slurp(const char *path, long *n)
{
	FILE *f = fopen(path, "rb");
	char *s;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)*n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)*n, f), (size_t)*n);
	fclose(f);
	return s;
}

/*
 * Every allocation of a report run with o, to the file out, made to fail in
 * turn: the run either fails (-1, PB_EXIT_FATAL, no output file and no
 * temporary one) or writes what it writes with memory to spare: the same
 * bytes (same = 1), or for a zip (whose entries hold the time) a file that
 * is there and not empty. Returns the number of allocations of the run.
 */
static long each_alloc_fails(struct pb_report_opts *o, const char *out, int same)
{
	struct pb_error err = PB_ERROR_INIT;
	char *want, *got, *path = strdup(path_of(out)), tmp[64];
	long i, total, failed = 0, want_n, got_n;
	int rc;

	assert_non_null(path);
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	o->output = path;
	assert_int_equal(pb_report_check_opts(o, &err), 0);
	/* once first: fontconfig and cairo set up for the process, not for the run */
	assert_int_equal(pb_report_run(o, &err), 0);
	unlink(path);
	alloc_count = 0;
	alloc_fail_at = 1L << 40; /* count, fail none */
	rc = pb_report_run(o, &err);
	total = alloc_count;
	alloc_fail_at = -1;
	if (rc != 0)
		fail_msg("%s: exit %d: %s", out, rc, err.msg);
	want = slurp(path, &want_n);
	assert_non_null(want);
	assert_true(want_n > 0);
	for (i = 0; i < total; i++) {
		unlink(path);
		err = (struct pb_error)PB_ERROR_INIT;
		alloc_count = 0;
		alloc_fail_at = i;
		rc = pb_report_run(o, &err);
		alloc_fail_at = -1;
		got = slurp(path, &got_n);
		if (left_behind(tmp))
			fail_msg("%s: allocation %ld of %ld: a temporary file left behind", out, i,
			         total);
		if (rc < 0) {
			failed++;
			if (err.code != PB_EXIT_FATAL || got)
				fail_msg("%s: allocation %ld of %ld: exit %d (%s), output %s", out,
				         i, total, err.code, err.msg, got ? "written" : "none");
		} else if (rc != 0 || !got || got_n == 0 ||
		           (same && (got_n != want_n || memcmp(got, want, (size_t)want_n) != 0))) {
			fail_msg(
			    "%s: allocation %ld of %ld: exit %d, output of %ld bytes, not %ld:\n%s",
			    out, i, total, rc, got ? got_n : -1L, want_n, got ? got : "");
		}
		free(got);
	}
	assert_true(failed > total / 2);
	unlink(path);
	free(want);
	free(path);
	o->output = NULL;
	return total;
}

static void each_allocation_fails_in_turn(void **state)
{
	static const char coverage[] =
	    "district\tunit_type\tunits\tsingle\tjoint\twork\tnone\torg_rate\tsingle_rate\t"
	    "org_rate_delta_pp\n"
	    "东城区\tresidential\t120\t80\t20\t15\t5\t0.833333\t0.666667\t5.50\n"
	    "东城区\t合计\t120\t80\t20\t15\t5\t0.833333\t0.666667\t5.50\n"
	    "西城区\tkey_project\t12\t6\t4\t0\t2\t0.833333\t0.5\t-1.05\n"
	    "西城区\t合计\t12\t6\t4\t0\t2\t0.833333\t0.5\t-1.05\n"
	    "合计\t合计\t132\t86\t24\t15\t7\t0.833333\t0.651515\t3.21\n";
	static const char rank[] = "entity_id\tentity_name\tscore\trank\tn\tpct\tstars\n"
	                           "003\t西湖街道\t92.5\t1\t3\t1.000000\t5\n"
	                           "001\tＡ&B <新区>\t88.333333\t2\t3\t0.666667\t4\n"
	                           "002\t北岭乡\t75\t3\t3\t0.333333\t3\n";
	static const char prose[] =
	    "全市共有单位{1:合计/合计:units}个，单独组建率{1:合计:single_rate}，"
	    "东城区{1:东城区:units}个；第一是{2:西湖街道:entity_name}。\n";
	static const struct {
		enum pb_report_format format;
		const char *out;
		int same, prose, chart;
	} runs[] = {
		{ PB_REPORT_TEXT, "out.txt", 1, 1, 1 },  { PB_REPORT_CSV, "out.csv", 1, 0, 1 },
		{ PB_REPORT_HTML, "out.html", 1, 1, 1 }, { PB_REPORT_XLSX, "out.xlsx", 0, 0, 1 },
		{ PB_REPORT_DOCX, "out.docx", 0, 1, 0 },
	};
	const char *notes[] = { "注：应建未建指有3名以上正式党员。" };
	const char *headings[] = { "一、分区县覆盖情况", "二、综合排名" };
	const char *labels[] = { "units=单位数" };
	const char *sorts[] = { "2:score:desc" };
	const char *charts[] = { "org_rate" };
	const char *orders[] = { "district=西城区,东城区" };
	char *inputs[2];
	size_t i;

	(void)state;
	if (getenv("PB_UNDER_VALGRIND"))
		skip(); /* valgrind owns the allocator, as AddressSanitizer does */
	/*
	 * libxlsxwriter 1.1.4 does not survive its own allocations failing (it
	 * crashes): it is spared, with the zip code it writes through; pb's code
	 * and the C library's are not. fontconfig crashes the same way even on
	 * the C library's allocations it makes, so the .docx run has no chart
	 * (the HTML run's chart is pb's own SVG).
	 */
	alloc_spare("libxlsxwriter.so");
	alloc_spare("libminizip.so");
	alloc_spare("libz.so");
	assert_non_null(mkdtemp(dir));
	write_file("coverage.tsv", coverage);
	write_file("rank.tsv", rank);
	write_file("prose.txt", prose);
	inputs[0] = strdup(path_of("coverage.tsv"));
	inputs[1] = strdup(path_of("rank.tsv"));
	for (i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		struct pb_report_opts o = PB_REPORT_OPTS_INIT;
		o.format = runs[i].format;
		o.title = "2022年上半年党组织覆盖情况通报";
		o.subtitle = "截至2022年6月30日";
		o.notes = notes;
		o.nnotes = 1;
		o.headings = headings;
		o.nheadings = 2;
		o.labels = labels;
		o.nlabels = 1;
		o.sorts = sorts;
		o.nsorts = 1;
		o.charts = charts;
		o.ncharts = runs[i].chart;
		o.orders = orders;
		o.norders = 1;
		o.template_path = runs[i].prose ? path_of("prose.txt") : NULL;
		o.inputs = inputs;
		o.ninputs = 2;
		print_message("%s: %ld allocations\n", runs[i].out,
		              each_alloc_fails(&o, runs[i].out, runs[i].same));
	}
	free(inputs[0]);
	free(inputs[1]);
	unlink(path_of("coverage.tsv"));
	unlink(path_of("rank.tsv"));
	unlink(path_of("prose.txt"));
	rmdir(dir);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pad_counts_display_columns),
		cmocka_unit_test(values_are_shown_for_people),
		cmocka_unit_test(html_escapes_all_five),
		cmocka_unit_test(csv_quotes_and_neutralizes),
		cmocka_unit_test(section_prefixes),
		cmocka_unit_test(chart_ticks),
#ifndef NO_ALLOC_HOOK /* AddressSanitizer owns the allocator */
		cmocka_unit_test(each_allocation_fails_in_turn),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
