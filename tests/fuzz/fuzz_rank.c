/*
 * fuzz_rank: pb-rank's readers through its public run function
 * (pb_rank_run): scores in long form, wide tables, and the --weights,
 * --prev and --history files. Thin on purpose: the engine is being
 * reorganized, the options are its contract.
 *
 * Input: byte 0 picks what is fuzzed (mod 6): 0 long-form scores, 1 a wide
 * table ranked by --score a,b,c, 2 a --weights file, 3 a --prev file,
 * 4 a --history file (with --period 2023), 5 a judges' sheet (--judges
 * '评委*', trim:1 or median); side files go with fixed scores.
 * Byte 1: bits 0-1 --judge-agg (mean, median, trim:1, mean), bits 2-3
 * --normalize (none, minmax, zscore, rank), bits 4-5 --aggregate (sum,
 * mean, geomean, sum) and --ties with it (min, dense, ordinal, min), bit 6
 * --by district, bit 7 --missing zero and --stars/--top/--bottom. The rest
 * is the file.
 *
 * Properties: the run ends with 0, 1 or a fatal error, and what it writes
 * is pb TSV with a header and well-formed rows.
 */
#include "fuzz.h"

#include "pb/rank.h"
#include "pb/tsv.h"

static const char scores[] = "entity_id\tentity_name\tdistrict\tindicator\tjudge\tscore\n"
                             "A1\t甲村\t东区\t阵地\t1\t8\n"
                             "A1\t甲村\t东区\t阵地\t2\t7\n"
                             "A1\t甲村\t东区\t队伍\t1\t6\n"
                             "A2\t乙村\t东区\t阵地\t1\t5\n"
                             "A2\t乙村\t东区\t队伍\t1\t9\n"
                             "A3\t丙村\t西区\t阵地\t1\t10\n"
                             "A3\t丙村\t西区\t队伍\t1\t4\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

static void check_tsv(const char *out, size_t len)
{
	struct pb_tsv_reader r;
	struct pb_error err = PB_ERROR_INIT;
	int rc;

	if (pb_tsv_open(&r, fuzz_file(7, out, len), &err) < 0) {
		FUZZ_CHECK(0, "output: %s", err.msg);
		return;
	}
	while ((rc = pb_tsv_next(&r, &err)) > 0)
		;
	FUZZ_CHECK(rc == 0, "output line %ld: %s", err.line, err.msg);
	pb_tsv_close(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const aggs[] = { "mean", "median", "trim:1", "mean" };
	static const char *const norms[] = { "none", "minmax", "zscore", "rank" };
	static const char *const aggregates[] = { "sum", "mean", "geomean", "sum" };
	static const char *const ties[] = { "min", "dense", "ordinal", "min" };
	struct pb_rank_opts o = PB_RANK_OPTS_INIT;
	struct pb_error err = PB_ERROR_INIT;
	char *inputs[1], *out;
	const char *file;
	size_t len;
	int rc;

	if (size < 2)
		return 0;
	file = fuzz_file(0, data + 2, size - 2);
	inputs[0] = (char *)fuzz_file_z(1, scores);
	o.judge_agg = aggs[data[1] & 3];
	o.normalize = norms[(data[1] >> 2) & 3];
	o.aggregate = aggregates[(data[1] >> 4) & 3];
	o.ties = ties[(data[1] >> 4) & 3];
	if (data[1] & 64)
		o.by = "district";
	if (data[1] & 128) {
		o.missing = "zero";
		o.stars = "90,80,70,60";
		o.top = "1";
		o.bottom = "20%";
	}
	switch (data[0] % 6) {
	case 0: inputs[0] = (char *)file; break;
	case 1:
		inputs[0] = (char *)file;
		o.score_cols = "a,b,c";
		o.judge_agg = NULL;
		break;
	case 2: o.weights_file = file; break;
	case 3: o.prev = file; break;
	case 4:
		o.history = file;
		o.period = "2023";
		break;
	case 5:
		inputs[0] = (char *)file;
		o.judges = "评委*";
		o.judge_agg = data[1] & 1 ? "trim:1" : "median";
		break;
	}
	o.inputs = inputs;
	o.ninputs = 1;
	if (pb_rank_check_opts(&o, &err) < 0)
		return 0; /* options that do not go together: a usage error */
	fuzz_stdout_reset();
	rc = pb_rank_run(&o, &err);
	out = fuzz_stdout_take(&len);
	FUZZ_CHECK(rc == 0 || rc == PB_EXIT_DATA || rc == -1, "rc %d", rc);
	if (rc < 0)
		FUZZ_CHECK(err.code == PB_EXIT_FATAL, "fatal with code %d: %s", err.code, err.msg);
	else
		check_tsv(out, len);
	free(out);
	return 0;
}
