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

#include "alloc_hook.h"

static char dir[] = "/tmp/pb-test-coverage-XXXXXX";
#include "scratch.h"

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
	static const char *const names[] = { "units.tsv", "out.tsv", "a.cov",  "b.cov",
		                             "prev.tsv",  "t.tsv",   "af.tsv", "af2.tsv",
		                             "af.cov",    "af2.cov", NULL };
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

#ifndef NO_ALLOC_HOOK
/*
 * Every allocation of a run with o over the files named, made to fail in
 * turn: the run either fails (-1, PB_EXIT_FATAL, no output file and no
 * temporary one) or writes exactly what it writes with memory to spare,
 * with the same exit code. Never a short output with exit 0. Returns the
 * number of allocations the run makes.
 */
static long each_alloc_fails(struct pb_coverage_opts *o, char *const *names, int n)
{
	struct pb_error err = PB_ERROR_INIT;
	char *files[8], *want, *got, *out = path_of("out.tsv");
	long i, total, failed = 0;
	int k, want_rc, rc;

	for (k = 0; k < n; k++)
		files[k] = strdup(path_of(names[k]));
	o->inputs = files;
	o->ninputs = (size_t)n;
	o->output = out = strdup(out);
	unlink(out);
	alloc_count = 0;
	alloc_fail_at = 1L << 40; /* count, fail none */
	want_rc = pb_coverage_run(o, &err);
	total = alloc_count;
	alloc_fail_at = -1;
	assert_true(want_rc >= 0);
	want = read_file("out.tsv");
	for (i = 0; i < total; i++) {
		unlink(out);
		err = (struct pb_error)PB_ERROR_INIT;
		alloc_count = 0;
		alloc_fail_at = i;
		rc = pb_coverage_run(o, &err);
		alloc_fail_at = -1;
		assert_false(left_behind("out.tsv.tmp"));
		if (rc < 0) {
			failed++;
			assert_int_equal(err.code, PB_EXIT_FATAL);
			assert_int_equal(access(out, F_OK), -1);
		} else {
			assert_int_equal(rc, want_rc);
			got = read_file("out.tsv");
			assert_string_equal(got, want);
			free(got);
		}
	}
	assert_true(failed > total / 2);
	free(want);
	for (k = 0; k < n; k++)
		free(files[k]);
	free(out);
	o->inputs = NULL;
	o->ninputs = 0;
	o->output = NULL;
	return total;
}

static void each_allocation_fails_in_turn(void **state)
{
	static const char reg[] =
	    "unit_id\tdistrict\ttown\torg_mode\torg_id\tmembers\tinstructor\testablished\t"
	    "amount\tbuilt\n"
	    "1\tA\tt1\tsingle\to1\t3\tx\t2022-01-05\t1.5\t1\n"
	    "2\tA\tt1\tjoint\tj1\t4\t\t\t2\t0\n"
	    "3\tA\tt2\tjoint\tj1\t1\ty\t2022-03-01\t0.25\t1\n"
	    "4\tB\tt3\tnone\t\t5\t\t\t\t0\n"
	    "5\tB\tt3\twork\t\t2\tx\t\t3\t1\n"
	    "6\tB\tt4\tsingle\to2\t7\t\t2021-12-31\t1\t0\n";
	static const char reg2[] = "unit_id\tdistrict\ttown\torg_mode\torg_id\tmembers\t"
	                           "instructor\testablished\tamount\tbuilt\n"
	                           "7\tA\tt2\tjoint\tj1\t2\tz\t\t0.5\t1\n"
	                           "8\tC\tt5\tsingle\to3\t3\t\t\t\t0\n";
	char *one[] = { "af.tsv" }, *two[] = { "af2.tsv" }, *parts[] = { "af.cov", "af2.cov" };
	struct pb_coverage_opts o;
	char *text;

	(void)state;
	if (getenv("PB_UNDER_VALGRIND"))
		skip(); /* valgrind owns the allocator, as AddressSanitizer does */
	write_file("af.tsv", reg);
	write_file("af2.tsv", reg2);
	write_file("prev.tsv", "unit_id\torg_mode\n1\tnone\n2\tjoint\n4\tsingle\n9\twork\n");
	write_file("t.tsv",
	           "district\ttarget\tperiod_start\tperiod_end\n"
	           "B\t4\t2022-01-01\t2022-12-31\nA\t5\t2022-01-01\t2022-12-31\n");

	o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	o.by = "district,town";
	o.rollup = 1;
	print_message("--by two --rollup: %ld allocations\n", each_alloc_fails(&o, one, 1));

	o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	o.by = "district";
	o.total = 1;
	o.sum = "amount,members";
	o.distinct = "instructor";
	o.has_as_of = 1;
	o.as_of = pb_days_from_civil(2022, 6, 30);
	o.has_since = 1;
	o.since = pb_days_from_civil(2022, 1, 1);
	o.period = "2022H1";
	print_message("--sum --distinct: %ld allocations\n", each_alloc_fails(&o, one, 1));

	o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	o.by = "district";
	o.status = "built";
	o.total = 1;
	print_message("--status: %ld allocations\n", each_alloc_fails(&o, one, 1));

	/* partials of two registers, then their merge */
	o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	o.by = "district,town";
	o.rollup = 1;
	o.sum = "amount";
	o.distinct = "instructor";
	o.partial = 1;
	print_message("--partial: %ld allocations\n", each_alloc_fails(&o, one, 1));
	assert_int_equal(run(&o, one, 1), 0);
	text = read_file("out.tsv");
	write_file("af.cov", text);
	free(text);
	assert_int_equal(run(&o, two, 1), 0);
	text = read_file("out.tsv");
	write_file("af2.cov", text);
	free(text);
	o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	o.merge = 1;
	print_message("--merge: %ld allocations\n", each_alloc_fails(&o, parts, 2));

	o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	o.gaps = 1;
	print_message("--gaps: %ld allocations\n", each_alloc_fails(&o, one, 1));
	o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	o.list = "joint";
	print_message("--list: %ld allocations\n", each_alloc_fails(&o, one, 1));
	o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	o.changes = path_of("prev.tsv");
	print_message("--changes: %ld allocations\n", each_alloc_fails(&o, one, 1));

	/* --compare against this run's own table over another register, and --targets */
	o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
	o.by = "district";
	assert_int_equal(run(&o, two, 1), 0);
	text = read_file("out.tsv");
	write_file("af2.cov", text);
	free(text);
	o.compare = path_of("af2.cov");
	o.targets = path_of("t.tsv");
	o.has_as_of = 1;
	o.as_of = pb_days_from_civil(2022, 6, 16);
	print_message("--compare --targets: %ld allocations\n", each_alloc_fails(&o, one, 1));
}
#endif

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
#ifndef NO_ALLOC_HOOK /* AddressSanitizer owns the allocator */
		cmocka_unit_test(each_allocation_fails_in_turn),
#endif
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
