/*
 * fuzz_input: what pb-import reads — CSV (libcsv, strict) or TSV, in UTF-8
 * with or without BOM, GB18030 or UTF-16 (iconv), each given or detected
 * (include/pb/input.h), record by record as pb-import drives it.
 *
 * Input: byte 0 chooses the encoding (low 3 bits, mod 5: auto, utf-8,
 * gb18030, utf-16le, utf-16be), the format (bits 3-4, mod 3: auto, csv, tsv)
 * and how the bytes arrive (bit 7: a file, else stdin as a socket in
 * packets seeded by byte 1); the rest is the register.
 *
 * A workbook (its first bytes say so) is read as a sheet, or refused.
 *
 * Properties: pb_input_next ends (at most one record per input byte of
 * text); records start on strictly increasing physical lines; a record is
 * either good or carries a reason; no field is longer than PB_FIELD_MAX; a
 * read error is fatal (PB_EXIT_FATAL) and final.
 */
#include "fuzz.h"

#include "pb/input.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum pb_encoding encs[] = { PB_ENC_AUTO, PB_ENC_UTF8, PB_ENC_GB18030,
		                                 PB_ENC_UTF16LE, PB_ENC_UTF16BE };
	static const enum pb_format fmts[] = { PB_FMT_AUTO, PB_FMT_CSV, PB_FMT_TSV };
	struct pb_input in;
	struct pb_error err = PB_ERROR_INIT;
	struct fuzz_feed feed;
	int use_file, rc;
	size_t records = 0, i;
	long prev_line = 0;

	if (size < 2)
		return 0;
	use_file = data[0] & 0x80;
	if (use_file) {
		rc = pb_input_open(&in, fuzz_file(0, data + 2, size - 2), encs[(data[0] & 7) % 5],
		                   fmts[((data[0] >> 3) & 3) % 3], NULL, &err);
	} else {
		fuzz_feed_open(&feed, data + 2, size - 2, data[1]);
		if (dup2(feed.fd, STDIN_FILENO) < 0)
			fuzz_die("fuzz: dup2 stdin");
		rc = pb_input_open(&in, "-", encs[(data[0] & 7) % 5],
		                   fmts[((data[0] >> 3) & 3) % 3], NULL, &err);
	}
	if (rc < 0) {
		/* a workbook (by its first bytes) that will not open */
		FUZZ_CHECK(err.code == PB_EXIT_FATAL && err.msg[0], "open: code %d", err.code);
		goto done;
	}
	for (;;) {
		rc = pb_input_next(&in, &err);
		FUZZ_CHECK(rc >= -1 && rc <= 1, "rc %d", rc);
		if (rc < 0) {
			FUZZ_CHECK(err.code == PB_EXIT_FATAL, "error code %d", err.code);
			break;
		}
		if (rc == 0)
			break;
		records++;
		/* text: a record takes a byte at least; a sheet inflates (100 times at most) */
		FUZZ_CHECK(records <= (in.wb ? size * 128 : size), "%zu records from %zu bytes",
		           records, size);
		FUZZ_CHECK(in.rline > prev_line, "record on line %ld after one on line %ld",
		           in.rline, prev_line);
		prev_line = in.rline;
		FUZZ_CHECK(in.bad == NULL || in.bad[0] != '\0', "empty reason");
		for (i = 0; i < in.nfields; i++)
			FUZZ_CHECK(in.fields[i].n <= PB_FIELD_MAX, "field %zu: %zu bytes", i,
			           in.fields[i].n);
	}
	if (rc == 0)
		FUZZ_CHECK(pb_input_next(&in, &err) == 0, "a record after the end");
done:
	pb_input_close(&in);
	if (!use_file) {
		int null = open("/dev/null", O_RDONLY);
		fuzz_feed_close(&feed);
		/* stdin stays open, so no later descriptor (a memfd) becomes 0 */
		if (null < 0 || dup2(null, STDIN_FILENO) < 0)
			fuzz_die("fuzz: stdin");
		close(null);
	}
	return 0;
}
