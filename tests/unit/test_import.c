/* Unit tests of import: option checks, header mapping to a plan, and fixed defects. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "../../lib/import_int.h"
#include "pb/import.h"

#include "alloc_hook.h"

static char in_path[64], out_path[64];

static void write_input(const void *p, size_t n)
{
	int fd;

	snprintf(in_path, sizeof in_path, "/tmp/pb-test-import-XXXXXX");
	fd = mkstemp(in_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
}

/* The output file's bytes (the caller frees), or NULL when none was written. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc((size_t)n + 1, 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/*
 * Runs pb_import_run over text with options o (inputs and output filled in
 * here). Returns the run's result; *out gets the output (NULL when none).
 */
static int run(struct pb_import_opts *o, const void *text, size_t n, char **out,
               struct pb_import_stats *st, struct pb_error *err)
{
	const char *inputs[1];
	int rc;

	write_input(text, n);
	snprintf(out_path, sizeof out_path, "/tmp/pb-test-import-out-%ld.tsv", (long)getpid());
	unlink(out_path);
	inputs[0] = in_path;
	o->inputs = inputs;
	o->ninputs = 1;
	o->output = out_path;
	if (!o->has_as_of) {
		o->has_as_of = 1;
		o->as_of = 20000; /* 2024-10-04: results do not depend on today */
	}
	rc = pb_import_run(o, st, err);
	*out = slurp(out_path);
	unlink(out_path);
	unlink(in_path);
	o->inputs = NULL;
	o->ninputs = 0;
	return rc;
}

static int runs(struct pb_import_opts *o, const char *text, char **out, struct pb_import_stats *st,
                struct pb_error *err)
{
	return run(o, text, strlen(text), out, st, err);
}

static void options_check(void **state)
{
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_error err = PB_ERROR_INIT;
	const char *bad_map[] = { "unit_name" }, *lead_eq[] = { "=名称" }, *good[] = { "a=b" };

	(void)state;
	assert_int_equal(o.kind, PB_KIND_UNITS);
	assert_int_equal(o.normalize, 1);
	assert_int_equal(pb_import_check_opts(&o, &err), 0);

	o.maps = bad_map;
	o.nmaps = 1;
	assert_int_equal(pb_import_check_opts(&o, &err), -1);
	assert_int_equal(err.code, 2);
	assert_non_null(strstr(err.msg, "--map: expected canonical=源列名"));
	o.maps = lead_eq;
	assert_int_equal(pb_import_check_opts(&o, &err), -1);
	o.maps = good;
	assert_int_equal(pb_import_check_opts(&o, &err), 0);

	o.output = o.rejects_path = "same.tsv";
	assert_int_equal(pb_import_check_opts(&o, &err), -1);
	assert_non_null(strstr(err.msg, "name the same file"));
	o.output = "-"; /* stdout is never the rejects file */
	o.rejects_path = "-";
	assert_int_equal(pb_import_check_opts(&o, &err), 0);
	o.output = o.rejects_path = NULL;

	o.rules_file = "rules.tsv";
	o.kind = PB_KIND_SCORES;
	assert_int_equal(pb_import_check_opts(&o, &err), -1);
	assert_non_null(strstr(err.msg, "--rules"));
	o.kind = PB_KIND_UNITS;
	assert_int_equal(pb_import_check_opts(&o, &err), 0);
}

/* pb_import_run refuses bad options before reading anything. */
static void run_checks_options(void **state)
{
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	char *out;

	(void)state;
	o.kind = PB_KIND_LINKS;
	o.rules_file = "rules.tsv";
	assert_int_equal(runs(&o, "from_id,to_id\na,b\n", &out, &st, &err), -1);
	assert_null(out);
	assert_int_equal(st.read, 0);
}

static void header_aliases_map_to_canonical(void **state)
{
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	char *out;

	(void)state;
	/* Chinese aliases, an English canonical name in another case, an unmapped column */
	assert_int_equal(runs(&o,
	                      "名称,备注,组建方式,UNIT_TYPE,党员人数\n"
	                      "甲村,x,未建,行政村,5\n",
	                      &out, &st, &err),
	                 0);
	assert_string_equal(out,
	                    "unit_id\tunit_name\tunit_type\torg_mode\tmembers\n"
	                    "ua81db87da3ade654\t甲村\tvillage\tnone\t5\n");
	assert_int_equal(st.read, 1);
	assert_int_equal(st.wrote, 1);
	free(out);
}

static void map_wins_over_aliases_and_keep_follows(void **state)
{
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	const char *maps[] = { "unit_name=小区名" };
	char *out;

	(void)state;
	o.maps = maps;
	o.nmaps = 1;
	o.keep_all = 1;
	assert_int_equal(
	    runs(&o, "单位名称,小区名,组建方式\n物业公司,花园小区,none\n", &out, &st, &err), 0);
	/* 单位名称 is no longer unit_name: it is kept, after the schema columns */
	assert_non_null(out);
	assert_non_null(strstr(out, "\tunit_name\t"));
	assert_non_null(strstr(out, "\torg_mode\t单位名称\n"));
	assert_non_null(strstr(out, "\t花园小区\tresidential\tnone\t物业公司\n"));
	free(out);
}

static void header_errors_are_fatal(void **state)
{
	static const struct {
		enum pb_kind kind;
		const char *text, *msg;
	} cases[] = {
		{ PB_KIND_UNITS, "单位名称,备注\n甲,1\n",
		  "missing required column for --kind units: org_mode" },
		{ PB_KIND_UNITS, "名称,单位名称,组建方式\n",
		  NULL }, /* second name column unmapped: fine */
		{ PB_KIND_RAW, "a,a\n", "duplicate column name 'a'" },
		{ PB_KIND_RAW, "a,\n", "header column 2 has no name" },
		/* a header whose names are all empty once handed memchr a NULL; now such a
		 * row is no row at all (DESIGN 8) */
		{ PB_KIND_UNITS, ",\n", "empty input" },
		{ PB_KIND_RAW, ",\n", "empty input" },
		{ PB_KIND_RAW, "a,,c\n", "header column 2 has no name" },
		{ PB_KIND_UNITS, "", "empty input: expected a header line" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
		struct pb_import_stats st;
		struct pb_error err = PB_ERROR_INIT;
		char *out;
		int rc;

		o.kind = cases[i].kind;
		rc = runs(&o, cases[i].text, &out, &st, &err);
		if (!cases[i].msg) {
			assert_int_equal(rc, 0);
			free(out);
			continue;
		}
		assert_int_equal(rc, -1);
		assert_int_equal(err.code, 2);
		assert_non_null(strstr(err.msg, cases[i].msg));
		assert_null(out); /* -o is atomic: nothing was left behind */
	}
}

/* An empty input in a converting encoding once crashed; it is "empty input" like UTF-8. */
static void empty_input_in_every_encoding(void **state)
{
	static const enum pb_encoding encs[] = { PB_ENC_AUTO, PB_ENC_UTF8, PB_ENC_GB18030,
		                                 PB_ENC_UTF16LE, PB_ENC_UTF16BE };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof encs / sizeof encs[0]; i++) {
		struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
		struct pb_import_stats st;
		struct pb_error err = PB_ERROR_INIT;
		char *out;

		o.encoding = encs[i];
		assert_int_equal(run(&o, "", 0, &out, &st, &err), -1);
		assert_non_null(strstr(err.msg, "empty input"));
		assert_int_equal(st.read + st.wrote + st.rejected, 0);
		assert_null(out);
	}
}

/* One 2 MiB field is rejected in linear time (libcsv's block grows with the field). */
static void huge_field_is_fast(void **state)
{
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	size_t big = 2u << 20, n = 0;
	char *text = malloc(big + 64), *out;
	clock_t t0;

	(void)state;
	n += (size_t)snprintf(text, 64, "unit_name,org_mode\n\"");
	memset(text + n, 'x', big);
	n += big;
	n += (size_t)snprintf(text + n, 64, "\",none\n甲,none\n");
	o.kind = PB_KIND_RAW;
	t0 = clock();
	assert_int_equal(run(&o, text, n, &out, &st, &err), 1);
	/* quadratic growth took seconds here, over a minute under sanitizers */
	assert_true(clock() - t0 < 2 * CLOCKS_PER_SEC);
	assert_int_equal(st.read, 2);
	assert_int_equal(st.wrote, 1);
	assert_int_equal(st.rejected, 1);
	assert_string_equal(out, "unit_name\torg_mode\n甲\tnone\n");
	free(out);
	free(text);
}

/* Title rows above a two-row header; rows of only commas are no rows. */
static void header_below_title_rows(void **state)
{
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	char *out;

	(void)state;
	o.fill_down = "所属镇街";
	assert_int_equal(runs(&o,
	                      "南海区台账,,,\n"
	                      ",,,\n"
	                      "单位名称,所属镇街,党组织情况,\n"
	                      ",,组建方式,党组织名称\n"
	                      "甲,桂城街道,单建,甲支部\n"
	                      ",,,\n"
	                      "乙,,未建,\n"
	                      ",,,\n",
	                      &out, &st, &err),
	                 0);
	assert_string_equal(
	    out,
	    "unit_id\tunit_name\tunit_type\ttown\torg_mode\torg_id\torg_name\n"
	    "uaa3f916b13a5b1c6\t甲\tother\t桂城街道\tsingle\toa5925338d97a14fd\t甲支部\n"
	    "uc3517b6b2196646f\t乙\tother\t桂城街道\tnone\t\t\n");
	assert_int_equal(st.read, 2);
	assert_int_equal(st.wrote + st.rejected, st.read);
	free(out);
}

/* --header-row: the header is where the user says, even among rows that name columns. */
static void header_row_option(void **state)
{
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	char *out;

	(void)state;
	o.kind = PB_KIND_RAW;
	o.header_row = 2;
	assert_int_equal(runs(&o, "a,b\nc,d\n1,2\n", &out, &st, &err), 0);
	assert_string_equal(out, "c\td\n1\t2\n");
	free(out);
	o.header_row = 9;
	assert_int_equal(runs(&o, "a,b\nc,d\n", &out, &st, &err), -1);
	assert_non_null(strstr(err.msg, "--header-row 9: no row starts on line 9"));
	assert_null(out);
}

/* Bad optional values are left empty and counted; --strict rejects their rows. */
static void emptied_or_strict(void **state)
{
	static const char text[] = "单位名称,组建方式,党员数,成立时间,竣工时间,党建指导员\n"
	                           "甲,none,三,2022-02-30,2030-01-01,无\n"
	                           "乙,none,3,2022.10,,张三\n";
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	char *out;

	(void)state;
	assert_int_equal(runs(&o, text, &out, &st, &err), 0);
	assert_int_equal(st.wrote, 2);
	assert_int_equal(st.emptied, 3); /* 三, 2022-02-30, 无; a future 竣工时间 is a plan */
	assert_non_null(strstr(out, "\t甲\tother\tnone\t\t\t\t2030-01-01\n"));
	assert_non_null(strstr(out, "\t乙\tother\tnone\t3\t张三\t2022-10-01\t\n"));
	free(out);
	o.strict = 1;
	assert_int_equal(runs(&o, text, &out, &st, &err), 1);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.emptied, 0);
	free(out);
}

/* A work unit's org_name is kept, with no org_id; it is no organization of its own. */
static void work_units_name_their_instructors_organization(void **state)
{
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	char *out;

	(void)state;
	assert_int_equal(runs(&o,
	                      "单位名称,组建方式,党组织名称\n"
	                      "甲店,工作覆盖,镇党委\n"
	                      "乙店,空白,镇党委\n"
	                      "丙厂,单独组建,镇党委\n",
	                      &out, &st, &err),
	                 0);
	assert_int_equal(st.wrote, 3);
	assert_non_null(strstr(out, "\t甲店\tenterprise\twork\t\t镇党委\n"));
	assert_non_null(strstr(out, "\t丙厂\tenterprise\tsingle\to"));
	free(out);
}

/*
 * A file that starts as a zip is read as a workbook, whatever its name: a
 * broken one is a fatal error, not CSV noise (tests/unit/test_workbook.c and
 * the import-wb-* cases read real ones).
 */
static void workbook_input(void **state)
{
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	char *out;

	(void)state;
	o.kind = PB_KIND_RAW;
	/* not a zip at all, though it starts like one */
	assert_int_equal(runs(&o, "PK\3\4garbage", &out, &st, &err), -1);
	assert_non_null(strstr(err.msg, "not a readable .xlsx workbook"));
	assert_null(out);
}

/* The compact key sets: every key found again with its payload, in the order put. */
static void keyset_keeps_keys_and_payloads(void **state)
{
	struct keyset ks;
	char key[64];
	size_t i, off = 0, next, n = 300000;
	int is_new;
	void *p;
	struct pb_str k;

	(void)state;
	pb_keyset_init(&ks, sizeof(uint64_t));
	assert_null(pb_keyset_find(&ks, "x", 1));
	for (i = 0; i < n; i++) {
		/* lengths 0 to 40: the empty key, short tails, several 8-byte steps */
		int len = snprintf(key, sizeof key, "%.*s%zu", (int)(i % 31),
		                   "U000000000000000000000000000000", i);
		uint64_t v = i * 3;
		p = pb_keyset_put(&ks, key, i == 0 ? 0 : (size_t)len, &is_new);
		assert_non_null(p);
		assert_true(is_new);
		memcpy(p, &v, sizeof v);
	}
	assert_int_equal(ks.count, n);
	for (i = 0; i < n; i++) {
		int len = snprintf(key, sizeof key, "%.*s%zu", (int)(i % 31),
		                   "U000000000000000000000000000000", i);
		uint64_t v;
		p = pb_keyset_find(&ks, key, i == 0 ? 0 : (size_t)len);
		assert_non_null(p);
		memcpy(&v, p, sizeof v);
		assert_true(v == i * 3);
		assert_non_null(pb_keyset_put(&ks, key, i == 0 ? 0 : (size_t)len, &is_new));
		assert_false(is_new);
		/* one byte more or less is another key */
		assert_null(pb_keyset_find(&ks, key, (size_t)len + 1));
	}
	for (i = 0; (next = pb_keyset_next(&ks, off, &k, &p)) != 0; off = next, i++) {
		uint64_t v;
		memcpy(&v, p, sizeof v);
		assert_true(v == i * 3);
	}
	assert_int_equal(i, n);
	pb_keyset_release(&ks);
	pb_keyset_release(&ks);
}

/* Where a key was seen survives its packing into 8 bytes. */
static void seen_packs_into_eight_bytes(void **state)
{
	static const struct seen cases[] = {
		{ 1, 0, 0 },
		{ 2, 1, 's' },
		{ 1048577, 7, 'j' },
		{ (1L << 40) - 1, (1 << 22) - 1, 's' },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct seen w = pb_seen_unpack(pb_seen_pack(&cases[i]));
		assert_int_equal(w.line, cases[i].line);
		assert_int_equal(w.file, cases[i].file);
		assert_int_equal(w.mode, cases[i].mode);
	}
}

#ifndef NO_ALLOC_HOOK
/* Writes an .xlsx of one sheet (inline strings and numbers) to in_path, with libzip. */
static void write_xlsx(const char *sheet_xml)
{
	static const struct {
		const char *name, *text;
	} parts[] = {
		{ "xl/workbook.xml",
		  "<workbook xmlns:r=\"r\"><sheets>"
		  "<sheet name=\"台账\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>" },
		{ "xl/_rels/workbook.xml.rels",
		  "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
		  "Target=\"worksheets/sheet1.xml\"/></Relationships>" },
	};
	zip_t *z;
	zip_source_t *src;
	int zerr;
	size_t i;

	write_input("", 0);
	z = zip_open(in_path, ZIP_TRUNCATE, &zerr);
	assert_non_null(z);
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		src = zip_source_buffer(z, parts[i].text, strlen(parts[i].text), 0);
		assert_non_null(src);
		assert_true(zip_file_add(z, parts[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	src = zip_source_buffer(z, sheet_xml, strlen(sheet_xml), 0);
	assert_non_null(src);
	assert_true(zip_file_add(z, "xl/worksheets/sheet1.xml", src, ZIP_FL_ENC_UTF_8) >= 0);
	assert_int_equal(zip_close(z), 0);
}

/* 1 when the file is the first n bytes of whole, n > 0, ending a line. */
static int whole_lines_of(const char *part, const char *whole)
{
	size_t n = strlen(part);

	return n > 0 && part[n - 1] == '\n' && strncmp(part, whole, n) == 0;
}

/*
 * Every allocation of a run with o over in_path (output and rejects to
 * temporary paths), made to fail in turn. The run either fails (-1,
 * PB_EXIT_FATAL, no output file) or writes exactly the output and rejects
 * it writes with memory to spare, with the same exit code and counts. A
 * fatal run keeps the rejects written so far (they say why rows were left
 * out): whole rows under the whole header, the start of the full rejects
 * file, or no rejects file. Returns the number of allocations of the run.
 */
static long each_alloc_fails(struct pb_import_opts *o)
{
	struct pb_import_stats st, want_st;
	struct pb_error err = PB_ERROR_INIT;
	char rej_path[64], *want, *want_rej, *got, *got_rej;
	const char *inputs[1] = { in_path }, *bad;
	long i, total, failed = 0;
	int want_rc, rc, saved, devnull;

	snprintf(out_path, sizeof out_path, "/tmp/pb-test-import-out-%ld.tsv", (long)getpid());
	snprintf(rej_path, sizeof rej_path, "/tmp/pb-test-import-rej-%ld.tsv", (long)getpid());
	o->inputs = inputs;
	o->ninputs = 1;
	o->output = out_path;
	o->rejects_path = rej_path;
	o->has_as_of = 1;
	o->as_of = 20000;
	unlink(out_path);
	unlink(rej_path);
	alloc_count = 0;
	alloc_fail_at = 1L << 40; /* count, fail none */
	want_rc = pb_import_run(o, &want_st, &err);
	total = alloc_count;
	alloc_fail_at = -1;
	assert_int_equal(want_rc, 1);
	want = slurp(out_path);
	want_rej = slurp(rej_path);
	assert_non_null(want);
	assert_non_null(want_rej);
	/* rejected rows are reported on stderr: once is enough */
	fflush(stderr);
	saved = dup(2);
	devnull = open("/dev/null", O_WRONLY);
	assert_true(saved >= 0 && devnull >= 0);
	dup2(devnull, 2);
	for (i = 0; i < total; i++) {
		unlink(out_path);
		unlink(rej_path);
		err = (struct pb_error)PB_ERROR_INIT;
		alloc_count = 0;
		alloc_fail_at = i;
		rc = pb_import_run(o, &st, &err);
		alloc_fail_at = -1;
		got = slurp(out_path);
		got_rej = slurp(rej_path);
		if (rc < 0) {
			failed++;
			bad = err.code != PB_EXIT_FATAL                     ? "not exit 2"
			    : got                                           ? "an output"
			    : got_rej && !whole_lines_of(got_rej, want_rej) ? "half rejects"
			                                                    : NULL;
		} else {
			bad = rc != want_rc                              ? "another exit"
			    : !got || strcmp(got, want) != 0             ? "another output"
			    : !got_rej || strcmp(got_rej, want_rej) != 0 ? "other rejects"
			    : st.read != want_st.read || st.wrote != want_st.wrote ||
			        st.rejected != want_st.rejected || st.emptied != want_st.emptied
			    ? "other counts"
			    : NULL;
		}
		if (bad) {
			dup2(saved, 2);
			fail_msg("allocation %ld of %ld failed: %s; exit %d (%d: %s), output\n%s\n"
			         "rejects\n%s",
			         i, total, bad, rc, err.code, err.msg, got ? got : "(none)",
			         got_rej ? got_rej : "(none)");
		}
		free(got);
		free(got_rej);
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(devnull);
	assert_true(failed > total / 2);
	free(want);
	free(want_rej);
	unlink(out_path);
	unlink(rej_path);
	unlink(in_path);
	o->inputs = NULL;
	o->ninputs = 0;
	o->output = o->rejects_path = NULL;
	return total;
}

static void each_allocation_fails_in_turn(void **state)
{
	/* two rows rejected, one value emptied, a column filled down, a --map */
	static const char csv[] = "台账,,,,,\n"
	                          "单位名称,所属镇街,组建方式,支部,党员人数,成立时间\n"
	                          "甲村,桂城街道,单建,甲支部,5,2022-01-05\n"
	                          "乙厂,,bogus,,3,\n"
	                          "丙店,大沥镇,联合组建,联合支部,2,2021-3-1\n"
	                          "丁村,,未建,,x,\n"
	                          ",大沥镇,单建,戊支部,4,\n"
	                          "己公司,里水镇,工作覆盖,镇党委,,\n";
	static const char sheet[] =
	    "<worksheet><sheetData>"
	    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>单位名称</t></is></c>"
	    "<c r=\"B1\" t=\"inlineStr\"><is><t>组建方式</t></is></c>"
	    "<c r=\"C1\" t=\"inlineStr\"><is><t>党员人数</t></is></c></row>"
	    "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>甲村</t></is></c>"
	    "<c r=\"B2\" t=\"inlineStr\"><is><t>单建</t></is></c><c r=\"C2\"><v>5</v></c></row>"
	    "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>乙厂</t></is></c>"
	    "<c r=\"B3\" t=\"inlineStr\"><is><t>bogus</t></is></c><c r=\"C3\"><v>3</v></c></row>"
	    "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>丙店</t></is></c>"
	    "<c r=\"B4\" t=\"inlineStr\"><is><t>空白</t></is></c><c r=\"C4\"><v>2</v></c></row>"
	    "</sheetData></worksheet>";
	const char *maps[] = { "org_name=支部" };
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	const char map[] = "# 数量\nmembers=党员人数\n";
	char map_path[64];

	(void)state;
	if (getenv("PB_UNDER_VALGRIND"))
		skip(); /* valgrind owns the allocator, as AddressSanitizer does */
	/* a --map-file too */
	write_input(map, strlen(map));
	snprintf(map_path, sizeof map_path, "%s", in_path);
	write_input(csv, strlen(csv));
	o.map_file = map_path;
	o.maps = maps;
	o.nmaps = 1;
	o.fill_down = "所属镇街";
	print_message("CSV: %ld allocations\n", each_alloc_fails(&o));
	unlink(map_path);
	o = (struct pb_import_opts)PB_IMPORT_OPTS_INIT;
	write_xlsx(sheet);
	print_message(".xlsx: %ld allocations\n", each_alloc_fails(&o));
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(options_check),
		cmocka_unit_test(run_checks_options),
		cmocka_unit_test(header_aliases_map_to_canonical),
		cmocka_unit_test(map_wins_over_aliases_and_keep_follows),
		cmocka_unit_test(header_errors_are_fatal),
		cmocka_unit_test(empty_input_in_every_encoding),
		cmocka_unit_test(huge_field_is_fast),
		cmocka_unit_test(header_below_title_rows),
		cmocka_unit_test(header_row_option),
		cmocka_unit_test(emptied_or_strict),
		cmocka_unit_test(work_units_name_their_instructors_organization),
		cmocka_unit_test(workbook_input),
		cmocka_unit_test(keyset_keeps_keys_and_payloads),
		cmocka_unit_test(seen_packs_into_eight_bytes),
#ifndef NO_ALLOC_HOOK /* AddressSanitizer owns the allocator */
		cmocka_unit_test(each_allocation_fails_in_turn),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
