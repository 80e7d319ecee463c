/*
 * Unit tests of text's fast paths: a field of ASCII and CJK ideographs skips
 * utf8proc, and must come out exactly as utf8proc would make it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "pb/text.h"

#define S(z) ((struct pb_str){ (z), strlen(z) })

/* What utf8proc alone makes of s: valid or not, and NFKC (malloc'd, *n bytes) when valid. */
static char *reference_nfkc(struct pb_str s, int *valid, size_t *n)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t i = 0, got;

	*valid = 1;
	while (i < (utf8proc_ssize_t)s.n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)s.p + i,
		                                        (utf8proc_ssize_t)s.n - i, &cp);
		if (len < 0) {
			*valid = 0;
			return NULL;
		}
		i += len;
	}
	got = utf8proc_map((const utf8proc_uint8_t *)s.p, (utf8proc_ssize_t)s.n, &out,
	                   UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE);
	*n = got < 0 ? 0 : (size_t)got;
	return got < 0 ? NULL : (char *)out;
}

/* The scan's verdict against utf8proc's, and normalization with and without the fast path. */
static void check_field(const char *p, size_t n)
{
	struct pb_str s = { p, n }, fast;
	unsigned flags = pb_text_scan(p, n);
	int valid;
	size_t i, nref = 0;
	char *ref = reference_nfkc(s, &valid, &nref);

	if (!(flags & PB_TEXT_OTHER)) {
		/* plain: valid, NFKC leaves it, and the flags are exact */
		assert_true(valid);
		assert_non_null(ref);
		assert_int_equal(nref, n);
		if (n)
			assert_memory_equal(ref, p, n);
		assert_int_equal(!!(flags & PB_TEXT_NUL), memchr(p, '\0', n) != NULL);
		for (i = 0; i < n && !(p[i] && strchr("\t\n\r\\", p[i])); i++)
			;
		assert_int_equal(!!(flags & PB_TEXT_ESCAPE), i < n);
		/* trimming ASCII alone is the full trim, and only an edge can need it */
		fast = pb_text_trim_plain(s);
		assert_true(pb_str_eq(fast, pb_text_trim(s)));
		if (!(flags & PB_TEXT_EDGE))
			assert_true(fast.n == n);
	}
	assert_int_equal(pb_utf8_invalid_at(p, n) == (size_t)-1, valid);
	if (valid && !memchr(p, '\0', n)) {
		struct pb_norm nm = PB_NORM_INIT;
		struct pb_str slow;
		assert_int_equal(pb_norm_nfkc(&nm, s, &fast), 0);
		/* the same text normalized by utf8proc, then trimmed */
		slow = pb_text_trim((struct pb_str){ ref, nref });
		assert_true(pb_str_eq(fast, slow));
		pb_norm_release(&nm);
	}
	free(ref);
}

static void scan_flags(void **state)
{
	(void)state;
	assert_int_equal(pb_text_scan("", 0), 0);
	assert_int_equal(pb_text_scan("abc", 3), 0);
	assert_int_equal(pb_text_scan("惠州南区1大厦党支部", strlen("惠州南区1大厦党支部")), 0);
	assert_int_equal(pb_text_scan("a long ASCII field, over eight bytes", 36), 0);
	assert_int_equal(pb_text_scan("a\tb", 3), PB_TEXT_ESCAPE);
	assert_int_equal(pb_text_scan("0123456789\\x", 12), PB_TEXT_ESCAPE);
	assert_int_equal(pb_text_scan("01234567\r\n", 10), PB_TEXT_ESCAPE | PB_TEXT_EDGE);
	assert_int_equal(pb_text_scan(" a", 2), PB_TEXT_EDGE);
	assert_int_equal(pb_text_scan("南海 ", strlen("南海 ")), PB_TEXT_EDGE);
	assert_int_equal(pb_text_scan("a\0b", 3), PB_TEXT_NUL);
	assert_int_equal(pb_text_scan("0123456789\0", 11), PB_TEXT_NUL | PB_TEXT_EDGE);
	/* other control characters are plain: pb TSV keeps them */
	assert_int_equal(pb_text_scan("a\x01"
	                              "b",
	                              3),
	                 0);
	/* U+4E00 and U+9FFF are the ends of the fast range; U+4DFF and U+A000 are not */
	assert_int_equal(pb_text_scan("\xe4\xb8\x80\xe9\xbf\xbf", 6), 0);
	assert_int_equal(pb_text_scan("\xe4\xb7\xbf", 3), PB_TEXT_OTHER);
	assert_int_equal(pb_text_scan("\xea\x80\x80", 3), PB_TEXT_OTHER);
	/* full-width forms, U+3000, NBSP, BOM, punctuation: utf8proc decides */
	assert_int_equal(pb_text_scan("１２３", strlen("１２３")), PB_TEXT_OTHER);
	assert_int_equal(pb_text_scan("\u3000南海", strlen("\u3000南海")), PB_TEXT_OTHER);
	assert_int_equal(pb_text_scan("南海\xc2\xa0", 8), PB_TEXT_OTHER);
	assert_int_equal(pb_text_scan("镇（街道）", strlen("镇（街道）")), PB_TEXT_OTHER);
	/* broken sequences are never plain: cut short, bad continuation, a lone byte */
	assert_int_equal(pb_text_scan("\xe5\x8d", 2), PB_TEXT_OTHER);
	assert_int_equal(pb_text_scan("\xe5\x8d\x41", 3), PB_TEXT_OTHER);
	assert_int_equal(pb_text_scan("abcdefg\xff", 8), PB_TEXT_OTHER);
}

/* ASCII and Chinese fields normalize as utf8proc would, by the fast path or not. */
static void fast_and_slow_paths_agree(void **state)
{
	static const char *const fields[] = {
		"",
		"  abc \t",
		" \t\r\n\v\f",
		"U000000001",
		"惠州南区1大厦",
		" 惠州南区第7街道 ",
		"2018年5月5日",
		"单独组建",
		"\u3000１２３ＡＢ\u00a0",
		"镇（街道）",
		"e\xcc\x81",
		"\xef\xbb\xbf南海",
		"南海区\u3000",
		"Ａ南海",
		"南海ｂ",
		"tab\tinside",
		"back\\slash and more than eight bytes",
		"\xe4\xb8\x80\xe9\xbf\xbf\xe4\xb7\xbf\xea\x80\x80",
		"ab\xff",
		"\xe5\x8d",
		"\xed\xa0\x80",
		"\xe4\xb8",
		"ﬁ ligature",
		/* runs of ideographs, two at a time: E4 leads, a pair cut or broken midway */
		"一丁丂七丄丅丆万丈三上下丌不与丏",
		"惠州南区惠州南区惠州南区惠州",
		"惠州南\xe5\x8d惠州南区",
		"惠州南区\xe5\x41\x95惠州南区",
		"惠州\xe9\xbf\xbf\xea\x80\x80南区惠州",
		"惠州南区惠州\xed\xa0\x80南区",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		check_field(fields[i], strlen(fields[i]));
}

/* Every split of mixed text, so each byte position meets the eight-byte steps. */
static void every_offset_and_length(void **state)
{
	static const char text[] = "组建方式 org_mode\t联合\\组建，ｊｏｉｎｔ 1,835个\u3000\r\n"
	                           "abcdefghijklmnop党组织名称\xc2\xa0xyz";
	size_t n = sizeof text - 1, a, b;

	(void)state;
	for (a = 0; a < n; a++)
		for (b = a; b <= n; b++)
			check_field(text + a, b - a);
}

/* Random bytes drawn from the characters the fast path meets at its edges. */
static void random_fields(void **state)
{
	static const char *const atoms[] = { "a",    " ",      "\t",           "\\",
		                             "\n",   "\r",     "\0",           "9",
		                             "南",   "一",     "\xe9\xbf\xbf", "\xe4\xb7\xbf",
		                             "（",   "\u3000", "\xc2\xa0",     "\xff",
		                             "\xe5", "\x80",   "ｂ",           "Ⅻ" };
	char buf[64];
	unsigned seed = 12;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t n = 0;
		int k, atoms_in = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 12;
		for (k = 0; k < atoms_in; k++) {
			const char *a = atoms[((seed = seed * 1103515245u + 12345u) >> 16) %
			                      (sizeof atoms / sizeof atoms[0])];
			size_t len = a[0] ? strlen(a) : 1;
			memcpy(buf + n, a, len);
			n += len;
		}
		check_field(buf, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_flags),
		cmocka_unit_test(fast_and_slow_paths_agree),
		cmocka_unit_test(every_offset_and_length),
		cmocka_unit_test(random_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
