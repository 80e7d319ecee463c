/*
 * fuzz_coverage: pb-coverage's readers through its public run function
 * (pb_coverage_run): the units register, the --partial/--merge files, and
 * the --targets, --compare, --links and --partners side files. Thin on
 * purpose: the engine is being reorganized, the options are its contract.
 *
 * Input: byte 0 picks what is fuzzed (mod 8): 0 the register (with the
 * options of byte 1), 1 a partial given to --merge, 2 a --targets file,
 * 3 a --compare file, 4 a --links file, 5 a --partners file, 6 a --changes
 * register (last period's), 7 the register with --sum members --distinct
 * instructor,org_id --period 2022Q2, --since 2022-01-01 with --as-of, and
 * --list should_build for bit 5 of byte 1; the side files go with a fixed
 * register. Byte 1: bit 0 --total, bit 1 --rollup, bit 2
 * --as-of 2022-06-30, bits 3-4 --by (none, district, district,unit_type,
 * district,town), bit 5 --gaps, bit 6 --status org_mode --covered
 * single,joint, bit 7 --min-members 0. The rest is the file.
 *
 * Properties: the run ends with 0, 1 or a fatal error; what it writes is pb
 * TSV with a header and well-formed rows; for the register (sums and
 * distinct counts too), --partial then --merge of that one partial gives
 * the bytes of the single pass.
 */
#include "fuzz.h"

#include "pb/coverage.h"
#include "pb/tsv.h"

static const char units[] =
    "unit_id\tunit_name\tunit_type\tcity\tdistrict\ttown\torg_mode\torg_id\torg_name\torg_kind\t"
    "members\tinstructor\testablished\tdissolved\topened\tclosed\n"
    "u01\t金色家园\tresidential\t佛山市\t禅城区\t祖庙街道\tsingle\to01\t金色家园小区党支部\tbranch"
    "\t"
    "12\t\t2021-03-01\t\t\t\n"
    "u02\t翠湖花园\tresidential\t佛山市\t禅城区\t祖庙街道\tjoint\tj01\t祖庙联合党支部\tbranch\t2\t"
    "\t"
    "2022-07-01\t\t\t\n"
    "u04\t华远东\tresidential\t佛山市\t禅城区\t石湾镇街道\twork\t\t\t\t5\t张三\t\t\t\t\n"
    "u05\t南庄新村\tresidential\t佛山市\t禅城区\t南庄镇\tnone\t\t\t\t0\t\t\t\t\t\n"
    "u08\t广佛智城\tkey_project\t佛山市\t南海区\t桂城街道\tsingle\to08\t广佛智城项目临时党支部\t"
    "temp_branch\t6\t\t2022-03-01\t2022-12-31\t2022-03-01\t\n"
    "a1\t区委组织部\tagency\t佛山市\t禅城区\t祖庙街道\tnone\t\t\t\t3\t\t\t\t\t\n"
    "v1\t张槎村\tvillage\t佛山市\t禅城区\t张槎街道\tsingle\to12\t张槎村党委\tcommittee\t40\t\t\t\t"
    "\t\n";

static const char links[] = "from_id\tto_id\tlink_type\tsigned\na1\tv1\t结对共建\t1\n"
                            "u04\ta1\t党建共同体\t1\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

/* Runs pb-coverage on one input; the output (NUL-terminated) in *out. */
static int run(const struct pb_coverage_opts *o, const char *input, char **out, size_t *len)
{
	struct pb_coverage_opts opts = *o;
	struct pb_error err = PB_ERROR_INIT;
	char *inputs[1];
	int rc;

	inputs[0] = (char *)input;
	opts.inputs = inputs;
	opts.ninputs = 1;
	fuzz_stdout_reset();
	rc = pb_coverage_run(&opts, &err);
	*out = fuzz_stdout_take(len);
	FUZZ_CHECK(rc == 0 || rc == PB_EXIT_DATA || rc == -1, "rc %d", rc);
	if (rc < 0)
		FUZZ_CHECK(err.code == PB_EXIT_FATAL, "fatal with code %d: %s", err.code, err.msg);
	return rc;
}

/* What a run wrote is pb TSV: a header and rows of its width. */
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
	static const char *const bys[] = { NULL, "district", "district,unit_type",
		                           "district,town" };
	struct pb_coverage_opts o = PB_COVERAGE_OPTS_INIT;
	const char *file, *input;
	char *out, *out2, *part;
	size_t len, len2, plen;
	int mode, rc;

	if (size < 2)
		return 0;
	mode = data[0] % 8;
	o.total = data[1] & 1;
	o.rollup = !!(data[1] & 2);
	if (data[1] & 4) {
		o.has_as_of = 1;
		o.as_of = 19173; /* 2022-06-30 */
	}
	o.by = bys[(data[1] >> 3) & 3];
	if (data[1] & 128)
		o.min_members = 0;
	file = fuzz_file(0, data + 2, size - 2);
	input = file;
	switch (mode) {
	case 0:
		o.gaps = !!(data[1] & 32);
		if (data[1] & 64) {
			o.status = "org_mode";
			o.covered = "single,joint";
		}
		break;
	case 1:
		o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
		o.merge = 1;
		break;
	case 2: o.targets = file; break;
	case 3: o.compare = file; break;
	case 4: o.links = file; break;
	case 5:
		o.links = fuzz_file_z(1, links);
		o.partners = file;
		o.partner_type = "village,community";
		break;
	case 6: o.changes = file; break;
	case 7:
		o.sum = "members";
		o.distinct = "instructor,org_id";
		o.period = "2022Q2";
		if (o.has_as_of) {
			o.has_since = 1;
			o.since = 18993; /* 2022-01-01 */
		}
		if (data[1] & 32)
			o.list = "should_build";
		break;
	}
	if (mode >= 2 && mode <= 6)
		input = fuzz_file_z(2, units);
	if (mode >= 4 && mode <= 6)
		o.rollup = o.gaps = 0;
	{
		struct pb_error err = PB_ERROR_INIT;
		if (pb_coverage_check_opts(&o, &err) < 0)
			return 0; /* options that do not go together: a usage error */
	}
	rc = run(&o, input, &out, &len);
	if (rc >= 0)
		check_tsv(out, len);
	if (rc >= 0 && (mode == 0 || mode == 7) && !o.gaps && !o.list) {
		/* one partial, merged, is the single pass */
		o.partial = 1;
		FUZZ_CHECK(run(&o, input, &part, &plen) >= 0,
		           "--partial failed where a pass did not");
		o = (struct pb_coverage_opts)PB_COVERAGE_OPTS_INIT;
		o.merge = 1;
		FUZZ_CHECK(run(&o, fuzz_file(3, part, plen), &out2, &len2) >= 0,
		           "--merge of a partial failed");
		FUZZ_CHECK(len2 == len && memcmp(out, out2, len) == 0,
		           "--partial then --merge differs from one pass");
		free(part);
		free(out2);
	}
	free(out);
	return 0;
}
