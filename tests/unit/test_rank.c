/* Unit tests of pb-rank's engine (lib/rank*.c): judge aggregation, shares, percentiles, the PRNG
 * and whole runs. */
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

#include "../../lib/rank_int.h"

#include "alloc_hook.h"

static void test_judge_mean_median(void **state)
{
	double v[] = { 3, 1, 2, 10 };

	(void)state;
	assert_true(pb_rank_judge_aggregate(v, 4, PB_RANK_JUDGE_MEAN, 0) == 4.0);
	assert_true(pb_rank_judge_aggregate(v, 4, PB_RANK_JUDGE_MEDIAN, 0) == 2.5);
	assert_true(pb_rank_judge_aggregate(v, 3, PB_RANK_JUDGE_MEDIAN, 0) == 2.0);
	assert_true(isnan(pb_rank_judge_aggregate(v, 0, PB_RANK_JUDGE_MEAN, 0)));
}

static void test_judge_trim(void **state)
{
	/* seven judges: one copy of the highest (97) and of the lowest (60) is dropped */
	double a[] = { 92, 95, 90, 88, 97, 60, 91 };
	/* ties at both ends: only one copy each is dropped */
	double b[] = { 98, 98, 80, 80, 85 };
	double c[] = { 1, 2, 3, 4 };

	(void)state;
	assert_true(pb_rank_judge_aggregate(a, 7, PB_RANK_JUDGE_TRIM, 1) == 456.0 / 5);
	assert_true(pb_rank_judge_aggregate(b, 5, PB_RANK_JUDGE_TRIM, 1) == (98.0 + 80 + 85) / 3);
	assert_true(isnan(pb_rank_judge_aggregate(c, 4, PB_RANK_JUDGE_TRIM, 2)));
	assert_true(pb_rank_judge_aggregate(c, 4, PB_RANK_JUDGE_TRIM, 1) == 2.5);
}

static size_t share(const char *z, size_t n)
{
	struct pb_rank_share sh;

	if (pb_rank_share_parse((struct pb_str){ z, strlen(z) }, &sh) < 0)
		return (size_t)-1;
	return pb_rank_share_count(&sh, n);
}

static void test_share(void **state)
{
	(void)state;
	assert_int_equal(share("15%", 20), 3); /* exactly 3, not ceil(3.0000001) */
	assert_int_equal(share("15%", 21), 4); /* ceil(3.15) */
	assert_int_equal(share("1%", 5), 1);   /* at least 1 */
	assert_int_equal(share("33.3%", 1000), 333);
	assert_int_equal(share("12.5%", 8), 1);
	assert_int_equal(share("100%", 7), 7);
	assert_int_equal(share("3", 100), 3);
	assert_int_equal(share("0%", 5), (size_t)-1);
	assert_int_equal(share("0", 5), (size_t)-1);
	assert_int_equal(share("101%", 5), (size_t)-1);
	assert_int_equal(share("1.5", 5), (size_t)-1);
	assert_int_equal(share("%", 5), (size_t)-1);
	assert_int_equal(share("-1", 5), (size_t)-1);
}

static void test_percentile(void **state)
{
	uint32_t v[20], one[] = { 7 };
	size_t i;

	(void)state;
	for (i = 0; i < 20; i++)
		v[i] = (uint32_t)(20 - i);                   /* 20 … 1 */
	assert_int_equal(pb_rank_percentile(v, 20, 5), 1);   /* ceil(0.05 × 20) = 1st */
	assert_int_equal(pb_rank_percentile(v, 20, 95), 19); /* 19th smallest */
	assert_int_equal(pb_rank_percentile(v, 20, 100), 20);
	assert_int_equal(pb_rank_percentile(one, 1, 5), 7);
}

static void test_splitmix(void **state)
{
	/* reference values of splitmix64 seeded with 1234567 */
	uint64_t s = 1234567;

	(void)state;
	assert_true(pb_rank_splitmix64(&s) == 6457827717110365317ULL);
	assert_true(pb_rank_splitmix64(&s) == 3203168211198807973ULL);
}

/* Writes text to a new temporary file; returns its path (static storage per slot). */
static const char *temp_file(int slot, const char *text)
{
	static char paths[4][32];
	int fd;

	snprintf(paths[slot], sizeof paths[slot], "/tmp/test_rank_%dXXXXXX", slot);
	fd = mkstemp(paths[slot]);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return paths[slot];
}

/* The whole of a file (caller frees), or NULL when it does not exist. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

/* A run's files: the input in a temporary file, the output to be in a fresh folder. */
struct fixture {
	char dir[32], out_path[64];
	char *inputs[1];
};

static void fixture_open(struct fixture *fx, struct pb_rank_opts *o, const char *input)
{
	snprintf(fx->dir, sizeof fx->dir, "/tmp/test_rank_outXXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->out_path, sizeof fx->out_path, "%s/out.tsv", fx->dir);
	fx->inputs[0] = (char *)temp_file(0, input);
	o->inputs = fx->inputs;
	o->ninputs = 1;
	o->output = fx->out_path;
}

static void fixture_close(struct fixture *fx, struct pb_rank_opts *o)
{
	unlink(fx->inputs[0]);
	unlink(fx->out_path);
	rmdir(fx->dir);
	o->inputs = NULL;
	o->ninputs = 0;
	o->output = NULL;
}

/* Runs pb_rank_run on input text; returns its code and the output in out (caller frees). */
static int run(struct pb_rank_opts *o, const char *input, char **out)
{
	struct pb_error err = PB_ERROR_INIT;
	struct fixture fx;
	int rc;

	fixture_open(&fx, o, input);
	rc = pb_rank_run(o, &err);
	*out = slurp(fx.out_path);
	if (!*out)
		*out = strdup("");
	fixture_close(&fx, o);
	return rc;
}

/* Whole runs as a table: options, input, expected exit code and output. */
static const struct run_case {
	const char *what;
	struct pb_rank_opts o;
	const char *in;
	int rc;
	const char *out;
} run_cases[] = {
	{ "ties min (1, 1, 3, 4)", PB_RANK_OPTS_INIT, "entity_id\tscore\na\t5\nb\t7\nc\t7\nd\t3\n",
	  0,
	  "entity_id\tscore\trank\tn\tpct\n"
	  "b\t7\t1\t4\t1\nc\t7\t1\t4\t1\na\t5\t3\t4\t0.5\nd\t3\t4\t4\t0.25\n" },
	{ "ties dense (1, 1, 2, 3)",
	  { .ties = "dense" },
	  "entity_id\tscore\na\t5\nb\t7\nc\t7\nd\t3\n",
	  0,
	  "entity_id\tscore\trank\tn\tpct\n"
	  "b\t7\t1\t4\t1\nc\t7\t1\t4\t1\na\t5\t2\t4\t0.5\nd\t3\t3\t4\t0.25\n" },
	{ "0.1+0.2 and 0.3 differ as doubles: never rounded before ranking",
	  { .score_cols = "x,y" },
	  "entity_id\tx\ty\na\t0.1\t0.2\nb\t0.3\t0\n",
	  0,
	  "entity_id\tx\ty\tscore\trank\tn\tpct\n"
	  "a\t0.1\t0.2\t0.30000000000000004\t1\t2\t1\nb\t0.3\t0\t0.3\t2\t2\t0.5\n" },
	{ "836/1003 and 1667/2000 as pb-coverage writes them: two ranks, the rate's name kept",
	  { .id_col = "district", .score_cols = "single_rate" },
	  "district\tsingle_rate\n甲\t0.8334995014955134\n乙\t0.8335\n",
	  0,
	  "district\tsingle_rate\trank\tn\tpct\n乙\t0.8335\t1\t2\t1\n甲\t0."
	  "8334995014955134\t2\t2\t0.5\n" },
	{ "a bad number leaves its row out, exit 1", PB_RANK_OPTS_INIT,
	  "entity_id\tscore\na\tx\nb\t2\n", PB_EXIT_DATA,
	  "entity_id\tscore\trank\tn\tpct\nb\t2\t1\t1\t1\n" },
	{ "合计 rows (pb-coverage totals) are skipped silently; a tie for last is flagged",
	  { .id_col = "district", .by = "city", .bottom = "1" },
	  "city\tdistrict\tscore\nF\tA\t9\nF\tB\t5\nF\tC\t5\nF\t合计\t19\n合计\t合计\t19\n",
	  0,
	  "district\tcity\tscore\trank\tn\tpct\tflag\n"
	  "A\tF\t9\t1\t3\t1\t\nB\tF\t5\t2\t3\t0.6666666666666666\t整顿\n"
	  "C\tF\t5\t2\t3\t0.6666666666666666\t整顿\n" },
	{ "with --by an entity is (group, id); (bc, a) and (c, ab) never collide",
	  { .id_col = "id", .by = "g" },
	  "g\tid\tscore\nA\tx\t1\nB\tx\t2\nA\ty\t3\nA\tx\t9\nbc\ta\t5\nc\tab\t6\n",
	  PB_EXIT_DATA,
	  "id\tg\tscore\trank\tn\tpct\n"
	  "y\tA\t3\t1\t2\t1\nx\tA\t1\t2\t2\t0.5\nx\tB\t2\t1\t1\t1\n"
	  "a\tbc\t5\t1\t1\t1\nab\tc\t6\t1\t1\t1\n" },
	{ "a judges' sheet: one column per judge, trim:1",
	  { .judges = "J*", .judge_agg = "trim:1" },
	  "entity_id\tJ1\tJ2\tJ3\na\t1\t5\t9\nb\t4\t4\t4\n",
	  0,
	  "entity_id\tscore\trank\tn\tpct\na\t5\t1\t2\t1\nb\t4\t2\t2\t0.5\n" },
	{ "--period alone: streak 1 at the top, 0 below",
	  { .period = "2022Q1" },
	  "entity_id\tscore\na\t5\nb\t7\n",
	  0,
	  "entity_id\tscore\trank\tn\tpct\tstreak\tperiod\nb\t7\t1\t2\t1\t1\t2022Q1\n"
	  "a\t5\t2\t2\t0.5\t0\t2022Q1\n" },
	{ "names only: --id entity_name writes the name once",
	  { .id_col = "entity_name" },
	  "entity_name\tscore\n甲\t1\n乙\t2\n",
	  0,
	  "entity_name\tscore\trank\tn\tpct\n乙\t2\t1\t2\t1\n甲\t1\t2\t2\t0.5\n" },
};

static void test_run_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof run_cases / sizeof *run_cases; i++) {
		struct pb_rank_opts o = run_cases[i].o;
		char *out;
		int rc = run(&o, run_cases[i].in, &out);
		if (rc != run_cases[i].rc || strcmp(out, run_cases[i].out) != 0)
			fail_msg("%s: exit %d, output\n%s", run_cases[i].what, rc, out);
		free(out);
	}
}

#ifndef NO_ALLOC_HOOK
/*
 * Every allocation of a run, made to fail in turn: the run either fails
 * (-1, PB_EXIT_FATAL, no output file) or, where the failure costs nothing
 * (qsort falls back to sorting in place), writes exactly what it writes with
 * memory to spare. Never a short output with exit 0.
 */
static void each_alloc_fails(struct pb_rank_opts *o, const char *input)
{
	struct pb_error err = PB_ERROR_INIT;
	struct fixture fx;
	char *want, *got;
	long i, total, failed = 0;
	int want_rc, rc;

	fixture_open(&fx, o, input);
	alloc_count = 0;
	alloc_fail_at = 1L << 40; /* count, fail none */
	want_rc = pb_rank_run(o, &err);
	total = alloc_count;
	alloc_fail_at = -1;
	assert_int_equal(want_rc, 0);
	want = slurp(fx.out_path);
	assert_non_null(want);
	for (i = 0; i < total; i++) {
		unlink(fx.out_path);
		err = (struct pb_error)PB_ERROR_INIT;
		alloc_count = 0;
		alloc_fail_at = i;
		rc = pb_rank_run(o, &err);
		alloc_fail_at = -1;
		got = slurp(fx.out_path);
		if (rc < 0) {
			failed++;
			assert_int_equal(err.code, PB_EXIT_FATAL);
			assert_null(got);
		} else {
			assert_int_equal(rc, want_rc);
			assert_non_null(got);
			assert_string_equal(got, want);
		}
		free(got);
	}
	assert_true(failed > total / 2);
	free(want);
	fixture_close(&fx, o);
}

static void test_run_alloc_failures(void **state)
{
	if (getenv("PB_UNDER_VALGRIND"))
		skip(); /* valgrind owns the allocator, as AddressSanitizer does */
	/* long form with every step: judges, weights, groups, each optional column */
	static const char scores[] =
	    "entity_id\tentity_name\tg\tindicator\tjudge\tscore\tnote\n"
	    "a\tA\tx\tp\tj1\t90\tn1\na\tA\tx\tp\tj2\t80\tn1\na\tA\tx\tq\tj1\t70\tn1\n"
	    "a\tA\tx\tq\tj2\t75\tn1\nb\tB\tx\tp\tj1\t60\tn2\nb\tB\tx\tp\tj2\t85\tn2\n"
	    "b\tB\tx\tq\tj1\t99\tn2\nb\tB\tx\tq\tj2\t65\tn2\nc\tC\ty\tp\tj1\t50\tn3\n"
	    "c\tC\ty\tp\tj2\t55\tn3\nc\tC\ty\tq\tj1\t40\tn3\nc\tC\ty\tq\tj2\t45\tn3\n";
	static const char history[] = "entity_id\tg\trank\tperiod\n"
	                              "a\tx\t1\t2021Q1\nb\tx\t1\t2021Q2\nc\ty\t1\t2021Q2\n";
	/* a judges' sheet, and a coverage table ranked by its rate */
	static const char sheet[] = "entity_id\tindicator\tJ1\tJ2\tJ3\na\tp\t1\t2\t3\n"
	                            "a\tq\t4\t\t6\nb\tp\t7\t8\t9\nb\tq\t1\t1\t1\n";
	static const char rates[] = "district\tunits\tsingle_rate\n甲\t3\t0.3333333333333333\n"
	                            "乙\t2\t0.5\n合计\t5\t0.4\n";
	struct pb_rank_opts o = PB_RANK_OPTS_INIT;
	struct pb_rank_opts sh = PB_RANK_OPTS_INIT, rt = PB_RANK_OPTS_INIT;

	(void)state;
	o.by = "g";
	o.weight = "p=2,q=1";
	o.normalize = "minmax";
	o.stars = "90,80,70,60";
	o.quota = "A:50%,B";
	o.top = "1";
	o.bottom = "1";
	o.prev = temp_file(1, history);
	o.history = o.prev;
	o.period = "2021Q3";
	o.sensitivity = "20";
	each_alloc_fails(&o, scores);
	unlink(o.prev);
	sh.judges = "J*";
	sh.judge_agg = "median";
	sh.period = "2021Q3";
	each_alloc_fails(&sh, sheet);
	rt.id_col = "district";
	rt.score_cols = "single_rate";
	rt.grades = "A:0.4,B";
	each_alloc_fails(&rt, rates);
}
#endif

static void test_opts_check(void **state)
{
	struct pb_rank_opts o = PB_RANK_OPTS_INIT;
	struct pb_error err = PB_ERROR_INIT;

	(void)state;
	assert_int_equal(pb_rank_check_opts(&o, &err), 0);
	o.judge_agg = "trim:0";
	assert_int_equal(pb_rank_check_opts(&o, &err), -1);
	assert_int_equal(err.code, PB_EXIT_FATAL);
	o.judge_agg = "trim:2";
	o.grades = "A:90,B";
	o.quota = "A:10%,B";
	assert_int_equal(pb_rank_check_opts(&o, &err), -1);
	o.quota = NULL;
	o.grades = "A:80,B:90";
	assert_int_equal(pb_rank_check_opts(&o, &err), -1);
	o.grades = "A:90,B:80,C";
	o.sensitivity = "100:100";
	assert_int_equal(pb_rank_check_opts(&o, &err), -1);
	o.sensitivity = "100:25";
	o.seed = "18446744073709551615";
	assert_int_equal(pb_rank_check_opts(&o, &err), 0);
	o.judges = "评委*";
	o.score_cols = "x";
	assert_int_equal(pb_rank_check_opts(&o, &err), -1); /* a sheet or wide form, not both */
	o.score_cols = NULL;
	o.streak_top = "2";
	assert_int_equal(pb_rank_check_opts(&o, &err), -1); /* the streak runs up to --period */
	o.period = "2022Q1";
	assert_int_equal(pb_rank_check_opts(&o, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge_mean_median),
		cmocka_unit_test(test_judge_trim),
		cmocka_unit_test(test_share),
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_splitmix),
		cmocka_unit_test(test_run_cases),
#ifndef NO_ALLOC_HOOK /* AddressSanitizer owns the allocator */
		cmocka_unit_test(test_run_alloc_failures),
#endif
		cmocka_unit_test(test_opts_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
