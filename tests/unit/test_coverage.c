/*
 * Unit tests of pb-coverage's engine (lib/coverage*.c): the calendar, option
 * checks, and whole runs on small registers.
 */
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
#include "pb/coverage.h"
#include "pb/value.h"

static char dir[] = "/tmp/pb-test-coverage-XXXXXX";

static char *path_of(const char *name)
{
	static char p[4][256];
	static int next;
	char *out = p[next++ % 4];

	snprintf(out, 256, "%s/%s", dir, name);
	return out;
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(path_of(name), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *name)
{
	struct pb_buf b = PB_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path_of(name), "r");

	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		pb_buf_add(&b, chunk, n);
	fclose(f);
	pb_buf_addc(&b, '\0');
	return pb_buf_detach(&b);
}

/* Runs with o, input files named, output to out.tsv; returns the run's result. */
static int run(struct pb_coverage_opts *o, char *const *names, int n)
{
	struct pb_error err = PB_ERROR_INIT;
	char *files[8];
	int i, rc;

	for (i = 0; i < n; i++)
		files[i] = strdup(path_of(names[i]));
	o->inputs = files;
	o->ninputs = n;
	o->output = path_of("out.tsv");
	rc = pb_coverage_run(o, &err);
	for (i = 0; i < n; i++)
		free(files[i]);
	return rc < 0 ? -err.code : rc;
}

static const char units[] =
    "unit_id\tdistrict\torg_mode\torg_id\tmembers\tinstructor\testablished\n"
    "1\tB\tsingle\to1\t3\t\t\n"
    "2\tA\tjoint\tj1\t4\t\t\n"
    "3\tA\tjoint\tj1\t\t\t2030-01-01\n"
    "4\tB\tjoint\tj1\t0\tx\t2030-01-01\n"
    "5\tB\tnone\t\t5\t\t\n";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	write_file("units.tsv", units);
	return 0;
}

static int teardown(void **state)
{
	static const char *const names[] = { "units.tsv", "out.tsv", "a.cov", "b.cov",
		                             "prev.tsv",  "t.tsv",   NULL };
	int i;

	(void)state;
	for (i = 0; names[i]; i++)
		unlink(path_of(names[i]));
	rmdir(dir);
	return 0;
}

static void time_rate_is_inclusive_and_clamped(void **state)
{
	int32_t jan1 = pb_days_from_civil(2022, 1, 1), dec31 = pb_days_from_civil(2022, 12, 31);

	(void)state;
	assert_float_equal(pb_coverage_time_rate(jan1, dec31, pb_days_from_civil(2022, 6, 16)),
	                   167.0 / 365.0, 1e-12);
	assert_float_equal(pb_coverage_time_rate(jan1, dec31, jan1), 1.0 / 365.0, 1e-12);
	assert_float_equal(pb_coverage_time_rate(jan1, dec31, dec31), 1.0, 0);
	assert_float_equal(pb_coverage_time_rate(jan1, dec31, jan1 - 10), 0.0, 0);
	assert_float_equal(pb_coverage_time_rate(jan1, dec31, dec31 + 10), 1.0, 0);
	assert_true(isnan(pb_coverage_time_rate(dec31, jan1, jan1)));
}

static void options_that_do_not_go_together(void **state)
{
	struct pb_coverage_opts o = PB_COVERAGE_OPTS_INIT;
	struct pb_error err = PB_ERROR_INIT;

	(void)state;
	assert_int_equal(pb_coverage_check_opts(&o, &err), 0);
	o.merge = 1;
	o.by = "district";
	assert_int_equal(pb_coverage_check_opts(&o, &err), -1);
	assert_int_equal(err.code, 2);
	o.merge = 0;
	o.gaps = 1;
	o.total = 1;
	assert_int_equal(pb_coverage_check_opts(&o, &err), -1);
	o.gaps = o.total = 0;
	o.by = "a,b,a";
	assert_int_equal(pb_coverage_check_opts(&o, &err), -1);
	o.by = "a,b";
	o.partner_type = "village";
	o.links = "l.tsv";
	assert_int_equal(pb_coverage_check_opts(&o, &err), -1);
	o.partners = "p.tsv";
	assert_int_equal(pb_coverage_check_opts(&o, &err), 0);
	/* a group column named like an output column would repeat it in the header */
	o.partner_type = o.links = o.partners = NULL;
	o.by = "district,members";
	assert_int_equal(pb_coverage_check_opts(&o, &err), -1);
	o.by = "district";
	o.gaps = 1; /* a gap list has no groups */
	assert_int_equal(pb_coverage_check_opts(&o, &err), -1);
}

static void counts_orgs_and_as_of(void **state)
{
	struct pb_coverage_opts o = PB_COVERAGE_OPTS_INIT;
	char *names[] = { "units.tsv" };
	char *out;

	(void)state;
	o.by = "district";
	o.total = 1;
	assert_int_equal(run(&o, names, 1), 0);
	out = read_file("out.tsv");
	assert_string_equal(
	    out,
	    "district\tunits\tsingle\tjoint\twork\tnone\torgs\tmembers\tshould_build\t"
	    "org_rate\tsingle_rate\twork_rate\n"
	    "A\t2\t0\t2\t0\t0\t1\t4\t1\t1\t0\t1\n"
	    "B\t3\t1\t1\t0\t1\t2\t8\t1\t0.6666666666666666\t0.3333333333333333\t0."
	    "6666666666666666\n"
	    "合计\t5\t1\t3\t0\t1\t2\t12\t2\t0.8\t0.2\t0.8\n");
	free(out);

	/* on 2022-06-30 j1's later units are not yet covered: work with an instructor, else none */
	o.has_as_of = 1;
	o.as_of = pb_days_from_civil(2022, 6, 30);
	assert_int_equal(run(&o, names, 1), 0);
	out = read_file("out.tsv");
	assert_non_null(strstr(out, "A\t2\t0\t1\t0\t1\t1\t4\t1\t0.5\t0\t0.5\n"));
	assert_non_null(strstr(out,
	                       "B\t3\t1\t0\t1\t1\t1\t8\t1\t0.3333333333333333\t0."
	                       "3333333333333333\t0.6666666666666666\n"));
	free(out);
}

static void partial_then_merge_equals_one_pass(void **state)
{
	struct pb_coverage_opts o = PB_COVERAGE_OPTS_INIT, m = PB_COVERAGE_OPTS_INIT;
	char *names[] = { "units.tsv" }, *parts[] = { "a.cov", "b.cov" };
	char *one, *merged, *text;

	(void)state;
	o.by = "district";
	o.rollup = 1;
	assert_int_equal(run(&o, names, 1), 0);
	one = read_file("out.tsv");
	o.partial = 1;
	assert_int_equal(run(&o, names, 1), 0);
	text = read_file("out.tsv");
	write_file("a.cov", text);
	free(text);
	/* an empty part */
	write_file("prev.tsv", "unit_id\tdistrict\torg_mode\n");
	names[0] = "prev.tsv";
	assert_int_equal(run(&o, names, 1), 0);
	text = read_file("out.tsv");
	write_file("b.cov", text);
	free(text);
	m.merge = 1;
	assert_int_equal(run(&m, parts, 2), 0);
	merged = read_file("out.tsv");
	assert_string_equal(merged, one);
	free(one);
	free(merged);
}

static void compare_and_targets(void **state)
{
	struct pb_coverage_opts o = PB_COVERAGE_OPTS_INIT;
	char *names[] = { "units.tsv" };
	char *out;

	(void)state;
	write_file("prev.tsv",
	           "district\tunits\tsingle\tjoint\twork\nA\t4\t1\t0\t1\nC\t1\t1\t0\t0\n");
	write_file("t.tsv",
	           "district\ttarget\tperiod_start\tperiod_end\n"
	           "B\t4\t2022-01-01\t2022-12-31\n");
	o.by = "district";
	o.compare = path_of("prev.tsv");
	o.targets = path_of("t.tsv");
	o.has_as_of = 1;
	o.as_of = pb_days_from_civil(2022, 6, 16);
	assert_int_equal(run(&o, names, 1), 0);
	out = read_file("out.tsv");
	/* A: org 0.5 vs 0.25, single 0 vs 0.25, work 0.5 vs 0.5 */
	assert_non_null(strstr(out, "\t25\t-25\t0\t\t1\t\t\t\n"));
	/* B: done 1 of 4, time 167/365 */
	assert_non_null(strstr(out, "\t4\t1\t0.25\t0.4575342465753425\t-20.75"));
	/* C: only in the previous file */
	assert_non_null(strstr(out, "\nC\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n"));
	free(out);
}

static void bad_rows_are_data_errors(void **state)
{
	struct pb_coverage_opts o = PB_COVERAGE_OPTS_INIT;
	char *names[] = { "prev.tsv" };
	char *out;

	(void)state;
	write_file("prev.tsv", "district\torg_mode\nA\tsingle\nA\tbogus\nA\n");
	assert_int_equal(run(&o, names, 1), 1);
	out = read_file("out.tsv");
	assert_non_null(strstr(out, "\n1\t1\t"));
	free(out);
	o.by = "town";
	assert_int_equal(run(&o, names, 1), -2);
	/* 合计 is reserved for total rows: a summary row left in a register is not counted */
	write_file("prev.tsv",
	           "district\torg_mode\tmembers\nA\tsingle\t2\n合计\tsingle\t2\n"
	           "B\tnone\t9223372036854775807\n");
	o.by = "district";
	o.total = 1;
	assert_int_equal(run(&o, names, 1), 1);
	out = read_file("out.tsv");
	assert_non_null(strstr(out, "\n合计\t1\t1\t0\t0\t0\t1\t2\t0\t"));
	free(out);
}

static void sums_distinct_and_since(void **state)
{
	struct pb_coverage_opts o = PB_COVERAGE_OPTS_INIT;
	char *names[] = { "prev.tsv" };
	char *out;

	(void)state;
	write_file("prev.tsv",
	           "district\torg_mode\tamount\tinstructor\testablished\n"
	           "A\tsingle\t0.1\tx\t2022-06-12\n"
	           "A\tjoint\t0.2\tx\t2022-01-01\n"
	           "B\tnone\tbad\ty\t\n"
	           "B\twork\t\t\t\n");
	o.by = "district";
	o.total = 1;
	o.sum = "amount";
	o.distinct = "instructor";
	o.has_as_of = 1;
	o.as_of = pb_days_from_civil(2022, 6, 30);
	o.has_since = 1;
	o.since = pb_days_from_civil(2022, 6, 1);
	/* 'bad' is reported and left out: exit 1, its unit still counted */
	assert_int_equal(run(&o, names, 1), 1);
	out = read_file("out.tsv");
	/* 0.1 + 0.2 summed as decimals: 0.3 */
	assert_non_null(strstr(out, "\tbuilt_since\tamount_sum\tinstructor_distinct\n"));
	assert_non_null(strstr(out, "\nA\t2\t1\t1\t"));
	assert_non_null(strstr(out, "\t1\t0.3\t1\n"));
	assert_non_null(strstr(out, "\n合计\t4\t"));
	assert_non_null(strstr(out, "\t1\t0.3\t2\n"));
	free(out);
}

static void list_and_changes(void **state)
{
	struct pb_coverage_opts o = PB_COVERAGE_OPTS_INIT;
	char *names[] = { "units.tsv" };
	char *out;

	(void)state;
	o.list = "joint";
	assert_int_equal(run(&o, names, 1), 0);
	out = read_file("out.tsv");
	assert_string_equal(
	    out,
	    "unit_id\tdistrict\torg_mode\torg_id\tmembers\tinstructor\testablished\n"
	    "2\tA\tjoint\tj1\t4\t\t\n"
	    "3\tA\tjoint\tj1\t\t\t2030-01-01\n"
	    "4\tB\tjoint\tj1\t0\tx\t2030-01-01\n");
	free(out);
	/* against an earlier register: 1 is new, 2 has built, 4 changed mode, 9 is gone */
	write_file("prev.tsv",
	           "unit_id\torg_mode\n2\tnone\n3\tjoint\n4\tsingle\n5\tnone\n9\twork\n");
	o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	o.changes = path_of("prev.tsv");
	assert_int_equal(run(&o, names, 1), 0);
	out = read_file("out.tsv");
	assert_string_equal(out,
	                    "change\tprev_org_mode\tunit_id\tdistrict\torg_mode\torg_id\tmembers\t"
	                    "instructor\testablished\n"
	                    "added\t\t1\tB\tsingle\to1\t3\t\t\n"
	                    "built\tnone\t2\tA\tjoint\tj1\t4\t\t\n"
	                    "mode\tsingle\t4\tB\tjoint\tj1\t0\tx\t2030-01-01\n"
	                    "removed\twork\t9\t\twork\t\t\t\t\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(time_rate_is_inclusive_and_clamped),
		cmocka_unit_test(options_that_do_not_go_together),
		cmocka_unit_test(counts_orgs_and_as_of),
		cmocka_unit_test(partial_then_merge_equals_one_pass),
		cmocka_unit_test(compare_and_targets),
		cmocka_unit_test(bad_rows_are_data_errors),
		cmocka_unit_test(sums_distinct_and_since),
		cmocka_unit_test(list_and_changes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
