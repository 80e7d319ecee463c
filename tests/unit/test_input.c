/* Unit tests of input (encodings, CSV records, line numbers), rules and derived ids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pb/import.h"
#include "pb/input.h"
#include "pb/rules.h"
#include "pb/text.h"

#define S(z) ((struct pb_str){ (z), strlen(z) })

static char path[64];

static void write_file(const void *p, size_t n)
{
	int fd;

	snprintf(path, sizeof path, "/tmp/pb-test-input-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

static void open_bytes(struct pb_input *in, const void *p, size_t n, enum pb_encoding enc)
{
	struct pb_error err = PB_ERROR_INIT;

	write_file(p, n);
	assert_int_equal(pb_input_open(in, path, enc, PB_FMT_AUTO, NULL, &err), 0);
}

static void close_bytes(struct pb_input *in)
{
	pb_input_close(in);
	unlink(path);
}

static void expect_record(struct pb_input *in, long line, size_t n, const char *first)
{
	struct pb_error err = PB_ERROR_INIT;

	assert_int_equal(pb_input_next(in, &err), 1);
	assert_int_equal(in->rline, line);
	assert_int_equal(in->nfields, n);
	assert_int_equal(in->fields[0].n, strlen(first));
	assert_memory_equal(in->fields[0].p, first, in->fields[0].n);
}

static void expect_end(struct pb_input *in)
{
	struct pb_error err = PB_ERROR_INIT;

	assert_int_equal(pb_input_next(in, &err), 0);
	assert_int_equal(pb_input_next(in, &err), 0);
}

static void csv_line_numbers(void **state)
{
	struct pb_input in;
	const char *text = "a,b\r\n\"x\r\ny\",1\r\n\r\n\"q\"\"\",2\n3,4";

	(void)state;
	open_bytes(&in, text, strlen(text), PB_ENC_AUTO);
	expect_record(&in, 1, 2, "a");
	assert_int_equal(in.fmt, PB_FMT_CSV);
	assert_int_equal(in.enc, PB_ENC_UTF8);
	expect_record(&in, 2, 2, "x\r\ny");
	expect_record(&in, 5, 2, "q\"");
	expect_record(&in, 6, 2, "3");
	expect_end(&in);
	close_bytes(&in);
}

static void lone_cr_and_tabs(void **state)
{
	struct pb_input in;
	const char *text = "a\tb\r1\t2\r3\t\"4\t5\"\r";

	(void)state;
	open_bytes(&in, text, strlen(text), PB_ENC_AUTO);
	expect_record(&in, 1, 2, "a");
	assert_int_equal(in.fmt, PB_FMT_TSV);
	expect_record(&in, 2, 2, "1");
	expect_record(&in, 3, 2, "3");
	assert_memory_equal(in.fields[1].p, "4\t5", 3);
	expect_end(&in);
	close_bytes(&in);
}

static void utf8_bom_and_spaces_kept(void **state)
{
	struct pb_input in;
	const char *text = "\xEF\xBB\xBFname,x\n  padded  ,1\n";

	(void)state;
	open_bytes(&in, text, strlen(text), PB_ENC_AUTO);
	expect_record(&in, 1, 2, "name");
	expect_record(&in, 2, 2, "  padded  ");
	expect_end(&in);
	close_bytes(&in);
}

static void gb18030(void **state)
{
	struct pb_input in;
	/* "单位名称,党员数\n南海区,5\n" in GB18030, plus a four-byte character (U+20000) */
	const char text[] = "\xB5\xA5\xCE\xBB\xC3\xFB\xB3\xC6,\xB5\xB3\xD4\xB1\xCA\xFD\n"
	                    "\xC4\xCF\xBA\xA3\xC7\xF8\x95\x32\x82\x36,5\n";

	(void)state;
	open_bytes(&in, text, sizeof text - 1, PB_ENC_AUTO);
	expect_record(&in, 1, 2, "单位名称");
	assert_int_equal(in.enc, PB_ENC_GB18030);
	expect_record(&in, 2, 2, "南海区\xF0\xA0\x80\x80");
	expect_end(&in);
	close_bytes(&in);
}

static void gb18030_bad_bytes_are_marked(void **state)
{
	struct pb_input in;
	const char text[] = "a,b\n\xC4\xCF,\x81\x20\n";

	(void)state;
	open_bytes(&in, text, sizeof text - 1, PB_ENC_GB18030);
	expect_record(&in, 1, 2, "a");
	expect_record(&in, 2, 2, "南");
	/* the undecodable byte becomes 0xFF: never valid UTF-8, never a separator */
	assert_int_equal((unsigned char)in.fields[1].p[0], 0xFF);
	expect_end(&in);
	close_bytes(&in);
}

static void utf8_with_a_bad_byte_stays_utf8(void **state)
{
	struct pb_input in;
	const char *text = "名称,类型\n南海区,社区\n\xff坏,社区\n禅城区,社区\n";

	(void)state;
	open_bytes(&in, text, strlen(text), PB_ENC_AUTO);
	expect_record(&in, 1, 2, "名称");
	assert_int_equal(in.enc, PB_ENC_UTF8);
	close_bytes(&in);
}

static void utf16(void **state)
{
	struct pb_input in;
	/* Excel "Unicode text": UTF-16LE with BOM, tab-separated, CRLF */
	const char le[] = "\xFF\xFE"
	                  "a\0\t\0b\0\r\0\n\0"
	                  "\x57\x53\t\0"
	                  "1\0\r\0\n\0";
	const char be_nobom[] = "\0a\0,\0b\0\n\0"
	                        "1\0,\0"
	                        "2\0\n";

	(void)state;
	open_bytes(&in, le, sizeof le - 1, PB_ENC_AUTO);
	expect_record(&in, 1, 2, "a");
	assert_int_equal(in.enc, PB_ENC_UTF16LE);
	assert_int_equal(in.fmt, PB_FMT_TSV);
	expect_record(&in, 2, 2, "南"); /* U+5357 */
	expect_end(&in);
	close_bytes(&in);

	open_bytes(&in, be_nobom, sizeof be_nobom - 1, PB_ENC_AUTO);
	expect_record(&in, 1, 2, "a");
	assert_int_equal(in.enc, PB_ENC_UTF16BE);
	expect_record(&in, 2, 2, "1");
	expect_end(&in);
	close_bytes(&in);
}

static void malformed_records_are_delivered(void **state)
{
	struct pb_input in;
	struct pb_error err = PB_ERROR_INIT;
	const char *text = "a,b\n\"bad\"x,1\nok,2\n\"open,3\nmore\n";

	(void)state;
	open_bytes(&in, text, strlen(text), PB_ENC_AUTO);
	expect_record(&in, 1, 2, "a");
	assert_null(in.bad);
	assert_int_equal(pb_input_next(&in, &err), 1);
	assert_int_equal(in.rline, 2);
	assert_non_null(in.bad);
	assert_non_null(strstr(in.bad, "malformed quotes"));
	expect_record(&in, 3, 2, "ok");
	assert_null(in.bad);
	assert_int_equal(pb_input_next(&in, &err), 1);
	assert_int_equal(in.rline, 4);
	assert_non_null(strstr(in.bad, "unterminated quoted field"));
	expect_end(&in);
	close_bytes(&in);
}

static void huge_field_rejects_only_its_row(void **state)
{
	struct pb_input in;
	struct pb_error err = PB_ERROR_INIT;
	size_t big = 2u << 20, n = 0;
	char *text = malloc(big + 64);

	(void)state;
	n += (size_t)sprintf(text, "a,b\n1,");
	memset(text + n, 'x', big);
	n += big;
	n += (size_t)sprintf(text + n, "\n2,y\n");
	open_bytes(&in, text, n, PB_ENC_AUTO);
	expect_record(&in, 1, 2, "a");
	assert_int_equal(pb_input_next(&in, &err), 1);
	assert_non_null(in.bad);
	assert_non_null(strstr(in.bad, "over the limit"));
	expect_record(&in, 3, 2, "2");
	assert_null(in.bad);
	expect_end(&in);
	close_bytes(&in);
	free(text);
}

static void huge_record_skips_the_rest_of_its_line(void **state)
{
	struct pb_input in;
	struct pb_error err = PB_ERROR_INIT;
	size_t big = PB_RECORD_MAX + (1u << 20), n = 0;
	char *text = malloc(big + 64);

	(void)state;
	n += (size_t)sprintf(text, "a,b\n1,");
	memset(text + n, 'x', big);
	n += big;
	n += (size_t)sprintf(text + n, "\n2,y\n");
	open_bytes(&in, text, n, PB_ENC_AUTO);
	expect_record(&in, 1, 2, "a");
	assert_int_equal(pb_input_next(&in, &err), 1);
	assert_int_equal(in.rline, 2);
	assert_non_null(in.bad);
	assert_non_null(strstr(in.bad, "rest of its line was skipped"));
	/* the tail of the long line is not a record of its own */
	expect_record(&in, 3, 2, "2");
	assert_null(in.bad);
	expect_end(&in);
	close_bytes(&in);
	free(text);
}

static void empty_input(void **state)
{
	static const enum pb_encoding encs[] = { PB_ENC_AUTO, PB_ENC_UTF8, PB_ENC_GB18030,
		                                 PB_ENC_UTF16LE, PB_ENC_UTF16BE };
	struct pb_input in;
	size_t i;

	(void)state;
	/* a converting encoding once wrote a NUL through a buffer nothing had made */
	for (i = 0; i < sizeof encs / sizeof encs[0]; i++) {
		open_bytes(&in, "", 0, encs[i]);
		expect_end(&in);
		close_bytes(&in);
	}
}

static void empty_fields_are_views(void **state)
{
	struct pb_input in;
	struct pb_error err = PB_ERROR_INIT;

	(void)state;
	/* a record of empty fields has no bytes, yet its views point somewhere */
	open_bytes(&in, ",\n", 2, PB_ENC_AUTO);
	assert_int_equal(pb_input_next(&in, &err), 1);
	assert_int_equal(in.nfields, 2);
	assert_non_null(in.fields[0].p);
	assert_non_null(in.fields[1].p);
	assert_int_equal(in.fields[0].n + in.fields[1].n, 0);
	expect_end(&in);
	close_bytes(&in);
}

static void rules_infer_types(void **state)
{
	struct pb_error err = PB_ERROR_INIT;
	struct pb_rules *r = pb_rules_new(NULL, &err);
	static const char *const cases[][2] = {
		{ "福田村第一村民小组", "village_group" },
		{ "罗村经济合作社", "econ_coop" },
		{ "紫洞社区", "community" },
		{ "南浦新村", "residential" },
		{ "龙光·水悦龙湾小区", "residential" },
		{ "碧桂园豪园", "residential" },
		{ "福田村", "village" },
		{ "佛山地铁3号线项目", "key_project" },
		{ "某科技有限公司", "enterprise" },
		{ "南海区工商联商会", "social_org" },
		{ "禅城区人民法院", "agency" },
		{ "创意产业园", "park" },
		{ "石湾商务大厦", "building" },
		{ "黄岐批发市场", "market" },
	};
	size_t i;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *t = pb_rules_match(r, S(cases[i][0]));
		assert_non_null(t);
		assert_string_equal(t, cases[i][1]);
	}
	assert_null(pb_rules_match(r, S("某某")));
	pb_rules_free(r);

	write_file("公寓$\tagency\n", strlen("公寓$\tagency\n"));
	r = pb_rules_new(path, &err);
	assert_non_null(r);
	assert_string_equal(pb_rules_match(r, S("人才公寓")), "agency"); /* the user's rule first */
	pb_rules_free(r);
	unlink(path);

	write_file("(\tagency\n", strlen("(\tagency\n"));
	assert_null(pb_rules_new(path, &err));
	assert_int_equal(err.line, 1);
	unlink(path);
	write_file("x\tnowhere\n", strlen("x\tnowhere\n"));
	assert_null(pb_rules_new(path, &err));
	assert_non_null(strstr(err.msg, "unknown unit_type"));
	unlink(path);
}

static void derived_ids_are_stable(void **state)
{
	struct pb_str parts[5] = { S("佛山市"), S("禅城区"), S("南庄镇"), S("紫洞社区"),
		                   S("水悦龙湾") };
	char a[18], b[18];

	(void)state;
	pb_import_derive_id('u', parts, 5, a);
	pb_import_derive_id('u', parts, 5, b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 17);
	assert_int_equal(a[0], 'u');
	/* pinned (computed independently, as pb(7) defines it): ids must not change between
	 * versions */
	assert_string_equal(a, "ub450eda72322df24");
	{
		struct pb_str org = S("联合党支部");
		pb_import_derive_id('o', &org, 1, b);
		assert_string_equal(b, "ob64f8f17d019d8a6");
	}
	parts[2] = S("");
	pb_import_derive_id('u', parts, 5, b);
	assert_string_not_equal(a, b);
	/* empty region parts still separate: ("ab","") differs from ("a","b") */
	{
		struct pb_str x[2] = { S("ab"), S("") }, y[2] = { S("a"), S("b") };
		pb_import_derive_id('u', x, 2, a);
		pb_import_derive_id('u', y, 2, b);
		assert_string_not_equal(a, b);
	}
}

/* What the generator below expects of one record. */
struct want {
	long line;
	char id[16]; /* the first field, or "" for a malformed record */
};

static unsigned next_rand(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/*
 * A CSV of some megabytes whose records start on known lines: quoted fields
 * holding LF, CR and CRLF, blank lines, every line ending, malformed quotes
 * (the rest of that line skipped), and long fields, so records straddle
 * read chunks and the batches of the reader thread. Returns the records
 * expected, in order; *n their count, *text the bytes (the caller frees).
 */
static struct want *mixed_csv(size_t target, size_t *n, struct pb_buf *text)
{
	static const char *const ends[] = { "\n", "\r\n", "\r" };
	struct want *w = NULL;
	size_t cap = 0, k;
	unsigned seed = 7;
	long line = 1;

	*n = 0;
	while (text->len < target) {
		unsigned kind = next_rand(&seed) % 10;
		const char *end = ends[next_rand(&seed) % 3];
		assert_int_equal(pb_grow_zeroed(&w, &cap, *n, sizeof *w), 0);
		if (kind == 0) {
			/* blank lines are no record (a LF right after a CR would end no line) */
			pb_buf_adds(text,
			            text->len && text->p[text->len - 1] == '\r' ? "\r\n" : end);
			line++;
			continue;
		}
		w[*n].line = line;
		snprintf(w[*n].id, sizeof w[*n].id, "r%zu", *n);
		if (kind == 1) {
			/* a quote neither doubled nor closing the field: the line is dropped */
			pb_buf_addf(text, "%s,\"x\"y,z%s", w[*n].id, end);
			w[*n].id[0] = '\0';
			line++;
		} else if (kind <= 4) {
			/* one to three line ends inside quotes, each counting a line */
			unsigned m = 1 + next_rand(&seed) % 3;
			pb_buf_addf(text, "%s,\"", w[*n].id);
			for (k = 0; k < m; k++) {
				pb_buf_adds(text, ends[next_rand(&seed) % 3]);
				pb_buf_adds(text, "多行\"\"文本");
				line++;
			}
			pb_buf_addf(text, "\",3%s", end);
			line++;
		} else if (kind == 5) {
			/* a long field, to cross chunk and batch boundaries often */
			pb_buf_addf(text, "%s,", w[*n].id);
			for (k = 0; k < 3000; k++)
				pb_buf_addc(text, 'a' + (int)(k % 26));
			pb_buf_addf(text, ",3%s", end);
			line++;
		} else {
			pb_buf_addf(text, "%s,惠州南区%zu大厦,3%s", w[*n].id, *n, end);
			line++;
		}
		(*n)++;
	}
	return w;
}

/* Reads every record of in and checks each against want. */
static void expect_records(struct pb_input *in, const struct want *w, size_t n)
{
	struct pb_error err = PB_ERROR_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		assert_int_equal(pb_input_next(in, &err), 1);
		assert_int_equal(in->rline, w[i].line);
		if (w[i].id[0]) {
			assert_null(in->bad);
			assert_int_equal(in->nfields, 3);
			assert_int_equal(in->fields[0].n, strlen(w[i].id));
			assert_memory_equal(in->fields[0].p, w[i].id, in->fields[0].n);
		} else {
			assert_non_null(in->bad);
		}
	}
	assert_int_equal(pb_input_next(in, &err), 0);
}

/*
 * Line numbers stay exact when a regular file is parsed ahead on another
 * thread, batch after batch, and when a pipe is read as it comes.
 */
static void line_numbers_ahead_and_in_a_pipe(void **state)
{
	struct pb_buf text = PB_BUF_INIT;
	struct pb_error err = PB_ERROR_INIT;
	struct pb_input in;
	size_t n;
	struct want *w = mixed_csv(6u << 20, &n, &text);
	char fifo[64];
	pid_t pid;

	(void)state;
	assert_true(text.len >= PB_INPUT_AHEAD_MIN);
	/* a regular file: read ahead */
	write_file(text.p, text.len);
	assert_int_equal(pb_input_open(&in, path, PB_ENC_AUTO, PB_FMT_AUTO, NULL, &err), 0);
	expect_records(&in, w, n);
	assert_non_null(in.ahead);
	close_bytes(&in);
	/* a pipe: one record at a time */
	snprintf(fifo, sizeof fifo, "/tmp/pb-test-fifo-%ld", (long)getpid());
	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *f = fopen(fifo, "w");
		int bad = !f || fwrite(text.p, 1, text.len, f) != text.len || fclose(f) != 0;
		free(w); /* the writer's copy: a leak checker follows the child too */
		pb_buf_release(&text);
		_exit(bad);
	}
	assert_int_equal(pb_input_open(&in, fifo, PB_ENC_AUTO, PB_FMT_AUTO, NULL, &err), 0);
	expect_records(&in, w, n);
	assert_null(in.ahead);
	pb_input_close(&in);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	unlink(fifo);
	free(w);
	pb_buf_release(&text);
}

/* Asked for, every field comes with the flags pb_text_scan gives it, read ahead or not. */
static void fields_come_with_their_flags(void **state)
{
	struct pb_buf text = PB_BUF_INIT;
	struct pb_error err = PB_ERROR_INIT;
	struct pb_input in;
	size_t n, i, k;
	struct want *w = mixed_csv(2u << 20, &n, &text);
	int pass;

	(void)state;
	pb_buf_adds(&text, "tab\tin,\"quoted\\ \",ｆｕｌｌ\n\"\0\",\xff,\n");
	write_file(text.p, text.len);
	for (pass = 0; pass < 2; pass++) {
		assert_int_equal(pb_input_open(&in, path, PB_ENC_AUTO, PB_FMT_AUTO, NULL, &err), 0);
		if (pass)
			pb_input_want_flags(&in);
		for (i = 0; pb_input_next(&in, &err) == 1; i++) {
			if (!pass) {
				assert_null(in.flags);
				continue;
			}
			assert_non_null(in.flags);
			for (k = 0; k < in.nfields; k++)
				assert_int_equal(in.flags[k],
				                 pb_text_scan(in.fields[k].p, in.fields[k].n));
		}
		assert_int_equal(i, n + 2);
		pb_input_close(&in);
	}
	unlink(path);
	free(w);
	pb_buf_release(&text);
}

/* A reader that stops early (a fatal error, --max-errors) stops the thread with it. */
static void closing_early_stops_the_reader(void **state)
{
	struct pb_buf text = PB_BUF_INIT;
	struct pb_error err = PB_ERROR_INIT;
	struct pb_input in;
	size_t n;
	struct want *w = mixed_csv(4u << 20, &n, &text);

	(void)state;
	write_file(text.p, text.len);
	assert_int_equal(pb_input_open(&in, path, PB_ENC_AUTO, PB_FMT_AUTO, NULL, &err), 0);
	expect_record(&in, w[0].line, 3, w[0].id);
	assert_non_null(in.ahead);
	close_bytes(&in);
	/* and one that reads nothing at all */
	write_file(text.p, text.len);
	assert_int_equal(pb_input_open(&in, path, PB_ENC_AUTO, PB_FMT_AUTO, NULL, &err), 0);
	close_bytes(&in);
	free(w);
	pb_buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_line_numbers),
		cmocka_unit_test(line_numbers_ahead_and_in_a_pipe),
		cmocka_unit_test(closing_early_stops_the_reader),
		cmocka_unit_test(fields_come_with_their_flags),
		cmocka_unit_test(lone_cr_and_tabs),
		cmocka_unit_test(utf8_bom_and_spaces_kept),
		cmocka_unit_test(gb18030),
		cmocka_unit_test(gb18030_bad_bytes_are_marked),
		cmocka_unit_test(utf8_with_a_bad_byte_stays_utf8),
		cmocka_unit_test(utf16),
		cmocka_unit_test(malformed_records_are_delivered),
		cmocka_unit_test(huge_field_rejects_only_its_row),
		cmocka_unit_test(huge_record_skips_the_rest_of_its_line),
		cmocka_unit_test(empty_input),
		cmocka_unit_test(empty_fields_are_views),
		cmocka_unit_test(rules_infer_types),
		cmocka_unit_test(derived_ids_are_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
