/*
 * fuzz_workbook: workbook files as bytes — .xls (FreeXL, an OLE2 compound
 * file) and .xlsx containers as they arrive, broken central directories,
 * cut-off files and bombs included (fuzz_xlsx reaches the XML inside).
 *
 * Input: byte 0: bit 0 read as .xls whatever the first bytes say (else as
 * pb_workbook_sniff says), bits 1-2 the sheet asked for (none, "1", "2",
 * "说明"); the rest is the file.
 *
 * .xls is read by FreeXL in a child process (workbook_xls.c): a crash of
 * that library on a malformed file is a fatal error for the file, so the
 * harness fuzzes it like the rest (the child's coverage does not guide it).
 *
 * Properties: the file opens or is refused with a fatal error; rows come in
 * increasing row order, within XFD1048576, their cells valid UTF-8.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "pb/text.h"
#include "pb/workbook.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sheets[] = { NULL, "1", "2", "说明" };
	struct pb_error err = PB_ERROR_INIT;
	enum pb_workbook_type type;
	struct pb_workbook *wb;
	const struct pb_str *fields;
	const char *bad;
	size_t n, i;
	long row, prev = 0;
	int rc;

	if (size < 1)
		return 0;
	type = data[0] & 1 ? PB_WORKBOOK_XLS : pb_workbook_sniff(data + 1, size - 1);
	if (type == PB_WORKBOOK_NONE)
		return 0;
	wb = pb_workbook_open(fuzz_file(0, data + 1, size - 1), "fuzz", type,
	                      sheets[(data[0] >> 1) & 3], &err);
	if (!wb) {
		FUZZ_CHECK(err.code == PB_EXIT_FATAL && err.msg[0], "open: code %d", err.code);
		return 0;
	}
	while ((rc = pb_workbook_next(wb, &fields, &n, &row, &bad, &err)) > 0) {
		FUZZ_CHECK(row > prev && row <= 1048576, "row %ld after %ld", row, prev);
		prev = row;
		for (i = 0; i < n; i++)
			FUZZ_CHECK(pb_utf8_invalid_at(fields[i].p, fields[i].n) == (size_t)-1,
			           "row %ld cell %zu: invalid UTF-8", row, i);
	}
	FUZZ_CHECK(rc == 0 || err.code == PB_EXIT_FATAL, "next: rc %d code %d", rc, err.code);
	pb_workbook_free(wb);
	return 0;
}
