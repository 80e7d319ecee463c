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

#include "pb/buf.h"
#include "pb/report.h"
#include "pb/text.h"
#include "../../lib/report_int.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pad_counts_display_columns),
		cmocka_unit_test(values_are_shown_for_people),
		cmocka_unit_test(html_escapes_all_five),
		cmocka_unit_test(csv_quotes_and_neutralizes),
		cmocka_unit_test(section_prefixes),
		cmocka_unit_test(chart_ticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
