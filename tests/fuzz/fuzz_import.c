/*
 * fuzz_import: pb-import end to end (pb_import_run) on a register file, with
 * the options drawn from the input, checking pb-import's promises.
 *
 * Input: byte 0 = kind (low 3 bits, mod 5: units, scores, links, targets,
 * raw), bit 3 --no-normalize, bit 4 --keep, bits 5-6 the encoding (auto,
 * utf-8, gb18030, utf-16); byte 1 bit 0 --max-errors 3, bit 1 --format csv,
 * bit 2 --format tsv, bit 3 --strict, bit 4 --fill-down district,town, bit 5
 * --header-row 2, bit 6 --rules (公寓$ agency), bit 7 --keep=备注,联系人. The
 * rest is the register, then optionally a line "@@aliases" and an --aliases
 * file, a line "@@maps" and a --map-file. --as-of is 2026-11-23.
 *
 * Properties (when the run is not fatal): read = wrote + rejected; the
 * output is pb TSV with exactly `wrote` records, valid UTF-8 when
 * normalizing; the rejects file holds exactly `rejected` records, each with
 * a non-empty reject_reason last; importing the output again (when it holds
 * no backslash or quote, which pb TSV and spreadsheet TSV read differently)
 * as UTF-8 TSV with the same options (but no --header-row or --map-file,
 * which name the source's layout) gives the same bytes and rejects nothing.
 */
#include "fuzz.h"

#include "pb/import.h"
#include "pb/workbook.h"
#include "pb/text.h"
#include "pb/tsv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

/* Records in a pb TSV file, all well formed; -1 when the header is bad. */
static long count_records(const char *path, const char *last_col, size_t *ncols)
{
	struct pb_tsv_reader r;
	struct pb_error err = PB_ERROR_INIT;
	long n = 0;
	int rc;

	if (pb_tsv_open(&r, path, &err) < 0) {
		pb_tsv_close(&r);
		return -1;
	}
	*ncols = r.ncols;
	if (last_col)
		FUZZ_CHECK(strcmp(r.cols[r.ncols - 1], last_col) == 0, "last column '%s'",
		           r.cols[r.ncols - 1]);
	while ((rc = pb_tsv_next(&r, &err)) > 0) {
		n++;
		if (last_col)
			FUZZ_CHECK(r.fields[r.ncols - 1].n > 0, "record %ld: empty %s", n,
			           last_col);
	}
	FUZZ_CHECK(rc == 0, "%s:%ld: %s", path, err.line, err.msg);
	pb_tsv_close(&r);
	return n;
}

static int import(struct pb_import_opts *o, const char *path, struct pb_import_stats *st,
                  char **out, size_t *outlen)
{
	struct pb_error err = PB_ERROR_INIT;
	const char *inputs[1];
	int rc;

	inputs[0] = path;
	o->inputs = inputs;
	o->ninputs = 1;
	unlink(o->rejects_path);
	fuzz_stdout_reset();
	memset(st, 0, sizeof *st);
	rc = pb_import_run(o, st, &err);
	*out = fuzz_stdout_take(outlen);
	if (rc < 0)
		FUZZ_CHECK(err.code == PB_EXIT_FATAL, "fatal with code %d: %s", err.code, err.msg);
	else
		FUZZ_CHECK(rc == (st->rejected ? 1 : 0), "rc %d with %llu rejected", rc,
		           st->rejected);
	return rc;
}

/*
 * Cuts the part of [p, end) that follows a line "@@NAME" off: its bytes in
 * *part (NULL when absent), up to the next "\n@@" or the end; *end shrinks
 * to where the marker's line starts when that is earlier.
 */
static void side_part(const uint8_t *p, const uint8_t **end, const uint8_t *all_end,
                      const char *name, const uint8_t **part, size_t *len)
{
	size_t nl = strlen(name);
	const uint8_t *q, *e;

	*part = NULL;
	*len = 0;
	for (q = p; q + nl + 3 <= all_end; q++)
		if ((q == p || q[-1] == '\n') && q[0] == '@' && q[1] == '@' &&
		    memcmp(q + 2, name, nl) == 0 && q[2 + nl] == '\n')
			break;
	if (q + nl + 3 > all_end)
		return;
	*part = q + nl + 3;
	for (e = *part; e + 2 < all_end && !(e[0] == '\n' && e[1] == '@' && e[2] == '@'); e++)
		;
	*len = (size_t)((e + 2 < all_end ? e + 1 : all_end) - *part);
	if (q < *end)
		*end = q;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char rules[] = "公寓$\tagency\n";
	static const enum pb_kind kinds[] = { PB_KIND_UNITS, PB_KIND_SCORES, PB_KIND_LINKS,
		                              PB_KIND_TARGETS, PB_KIND_RAW };
	static const enum pb_encoding encs[] = { PB_ENC_AUTO, PB_ENC_UTF8, PB_ENC_GB18030,
		                                 PB_ENC_UTF16LE };
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st, st2;
	char *out, *out2;
	size_t outlen, outlen2, ncols;
	long n;
	int rc;

	if (size < 2)
		return 0;
	o.kind = kinds[(data[0] & 7) % 5];
	o.normalize = !(data[0] & 8);
	o.keep_all = !!(data[0] & 16);
	o.encoding = encs[(data[0] >> 5) & 3];
	o.max_errors = data[1] & 1 ? 3 : 0;
	o.format = data[1] & 2 ? PB_FMT_CSV : data[1] & 4 ? PB_FMT_TSV : PB_FMT_AUTO;
	o.has_as_of = 1;
	o.as_of = 20780; /* 2026-11-23 */
	o.rejects_path = fuzz_path("rejects.tsv");
	o.strict = !!(data[1] & 8);
	if (data[1] & 16)
		o.fill_down = "district,town";
	if (data[1] & 32)
		o.header_row = 2;
	if ((data[1] & 64) && o.kind == PB_KIND_UNITS)
		o.rules_file = fuzz_file_z(2, rules);
	if (data[1] & 128)
		o.keep_list = "备注,联系人";
	{
		const uint8_t *reg = data + 2, *reg_end = data + size, *part;
		size_t len;
		side_part(reg, &reg_end, data + size, "aliases", &part, &len);
		if (part)
			o.aliases_file = fuzz_file(3, part, len);
		side_part(reg, &reg_end, data + size, "maps", &part, &len);
		if (part)
			o.map_file = fuzz_file(4, part, len);
		{
			struct pb_error err = PB_ERROR_INIT;
			if (pb_import_check_opts(&o, &err) < 0)
				return 0; /* options that do not go together: a usage error */
		}
		rc = import(&o, fuzz_file(0, reg, (size_t)(reg_end - reg)), &st, &out, &outlen);
	}
	if (rc < 0)
		goto done;
	FUZZ_CHECK(st.read == st.wrote + st.rejected, "read %llu, wrote %llu, rejected %llu",
	           st.read, st.wrote, st.rejected);
	n = count_records(fuzz_file(1, out, outlen), NULL, &ncols);
	FUZZ_CHECK(n == (long)st.wrote, "output has %ld records, wrote %llu", n, st.wrote);
	if (o.normalize)
		FUZZ_CHECK(pb_utf8_invalid_at(out, outlen) == (size_t)-1,
		           "invalid UTF-8 in the output at byte %zu",
		           pb_utf8_invalid_at(out, outlen));
	if (st.rejected) {
		n = count_records(o.rejects_path, "reject_reason", &ncols);
		FUZZ_CHECK(n == (long)st.rejected, "rejects file has %ld records, rejected %llu", n,
		           st.rejected);
	}
	/* the output imported again: the same bytes (raw TSV has no escapes or quotes) */
	/*
	 * Not when the output's first bytes are a workbook's (a header name
	 * starting "PK\3\4"): those decide what a file is, whatever --format says.
	 */
	if (o.normalize && !memchr(out, '\\', outlen) && !memchr(out, '"', outlen) &&
	    pb_workbook_sniff(out, outlen) == PB_WORKBOOK_NONE) {
		o.encoding = PB_ENC_UTF8;
		o.format = PB_FMT_TSV;
		o.header_row = 0;
		o.map_file = NULL;
		rc = import(&o, fuzz_file(1, out, outlen), &st2, &out2, &outlen2);
		FUZZ_CHECK(rc == 0 && st2.rejected == 0,
		           "the output imported again: rc %d, %llu rejected", rc, st2.rejected);
		FUZZ_CHECK(outlen2 == outlen && memcmp(out, out2, outlen) == 0,
		           "the output imported again differs");
		free(out2);
	}
done:
	free(out);
	unlink(o.rejects_path);
	return 0;
}
