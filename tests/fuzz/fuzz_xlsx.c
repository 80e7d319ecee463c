/*
 * fuzz_xlsx: the .xlsx reader (workbook.h: libzip + expat), structure-aware.
 * A mutated zip fails its CRC and is refused at once, so the input is the
 * workbook's parts as text and the harness zips them (libzip) before pb
 * reads them: the mutations land in the XML, the part names and the
 * relationships, where pb's own code is.
 *
 * Input: byte 0: bits 0-1 the sheet asked for (none: the first visible,
 * "1", "2", "说明"), bit 2 parts deflated (else stored), bit 3 read through
 * pb-import (pb_import_run --kind raw) instead of pb_workbook_next. Then
 * the parts, each "@@NAME\n" and its bytes up to the next "\n@@"; "@@NAME*K\n"
 * repeats the bytes 2^K times (at most 4 MiB), so a compressed part can
 * inflate past PB_WORKBOOK_RATIO_MAX like a zip bomb.
 *
 * Properties: the workbook opens or is refused with a fatal error; rows come
 * in increasing row order, within XFD1048576, their cells valid UTF-8 and
 * within PB_WORKBOOK_CELL_MAX unless the row is marked bad; through
 * pb-import, read = wrote + rejected.
 */
#include "fuzz.h"

#include <zip.h>

#include "pb/import.h"
#include "pb/text.h"
#include "pb/workbook.h"

#define BUILT_MAX (4u << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

/* The parts, zipped into path: 0, or -1 when the input names no part. */
static int build_zip(const char *path, const uint8_t *p, size_t n, int deflate, char **bufs,
                     size_t *nbufs)
{
	const uint8_t *end = p + n;
	zip_t *z;
	int zerr, parts = 0;
	size_t built = 0;

	unlink(path);
	z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!z)
		fuzz_die("fuzz: zip_open");
	while (p + 2 <= end && p[0] == '@' && p[1] == '@') {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p)), *body, *next;
		char name[256];
		size_t nlen, blen, times = 1, k;
		zip_source_t *src;
		zip_int64_t idx;
		char *buf, *star;

		if (!nl)
			break;
		nlen = (size_t)(nl - p - 2);
		if (nlen == 0 || nlen >= sizeof name)
			break;
		memcpy(name, p + 2, nlen);
		name[nlen] = '\0';
		if ((star = strrchr(name, '*')) != NULL) {
			times = (size_t)1 << (strtoul(star + 1, NULL, 10) % 23);
			*star = '\0';
		}
		body = nl + 1;
		for (next = body; next + 2 < end; next++)
			if (next[0] == '\n' && next[1] == '@' && next[2] == '@')
				break;
		if (next + 2 >= end)
			next = end;
		blen = (size_t)(next - body);
		while (times > 1 && built + blen * times > BUILT_MAX)
			times /= 2;
		built += blen * times;
		buf = malloc(blen * times + 1);
		if (!buf)
			fuzz_die("fuzz: malloc");
		for (k = 0; k < times; k++)
			memcpy(buf + k * blen, body, blen);
		bufs[(*nbufs)++] = buf; /* libzip reads it at zip_close */
		src = zip_source_buffer(z, buf, blen * times, 0);
		if (!src)
			fuzz_die("fuzz: zip_source_buffer");
		idx = zip_file_add(z, name, src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
		if (idx < 0)
			zip_source_free(src);
		else
			zip_set_file_compression(z, (zip_uint64_t)idx,
			                         deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 1);
		parts++;
		p = next < end ? next + 1 : end;
		if (*nbufs == 64)
			break;
	}
	if (zip_close(z) < 0) {
		zip_discard(z);
		return -1;
	}
	return parts ? 0 : -1;
}

static void read_sheet(const char *path, const char *sheet)
{
	struct pb_error err = PB_ERROR_INIT;
	struct pb_workbook *wb = pb_workbook_open(path, "fuzz.xlsx", PB_WORKBOOK_XLSX, sheet, &err);
	const struct pb_str *fields;
	const char *bad;
	size_t n, i;
	long row, prev = 0;
	int rc;

	if (!wb) {
		FUZZ_CHECK(err.code == PB_EXIT_FATAL && err.msg[0], "open: code %d", err.code);
		return;
	}
	while ((rc = pb_workbook_next(wb, &fields, &n, &row, &bad, &err)) > 0) {
		FUZZ_CHECK(row > prev && row <= 1048576, "row %ld after %ld", row, prev);
		FUZZ_CHECK(n >= 1 && n <= 16384, "%zu cells", n);
		prev = row;
		for (i = 0; i < n; i++) {
			FUZZ_CHECK(pb_utf8_invalid_at(fields[i].p, fields[i].n) == (size_t)-1,
			           "row %ld cell %zu: invalid UTF-8", row, i);
			FUZZ_CHECK(bad || fields[i].n <= PB_WORKBOOK_CELL_MAX, "row %ld: %zu bytes",
			           row, fields[i].n);
		}
	}
	FUZZ_CHECK(rc == 0 || err.code == PB_EXIT_FATAL, "next: rc %d code %d", rc, err.code);
	pb_workbook_free(wb);
}

static void import(const char *path, const char *sheet)
{
	struct pb_import_opts o = PB_IMPORT_OPTS_INIT;
	struct pb_import_stats st;
	struct pb_error err = PB_ERROR_INIT;
	const char *inputs[1] = { path };
	size_t len;
	int rc;

	o.kind = PB_KIND_RAW;
	o.sheet = sheet;
	o.inputs = inputs;
	o.ninputs = 1;
	memset(&st, 0, sizeof st);
	fuzz_stdout_reset();
	rc = pb_import_run(&o, &st, &err);
	free(fuzz_stdout_take(&len));
	if (rc < 0)
		FUZZ_CHECK(err.code == PB_EXIT_FATAL, "fatal with code %d: %s", err.code, err.msg);
	else
		FUZZ_CHECK(st.read == st.wrote + st.rejected,
		           "read %llu, wrote %llu, rejected %llu", st.read, st.wrote, st.rejected);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sheets[] = { NULL, "1", "2", "说明" };
	const char *path = fuzz_path("in.xlsx"), *sheet;
	char *bufs[64];
	size_t nbufs = 0, i;
	int built;

	if (size < 1)
		return 0;
	sheet = sheets[data[0] & 3];
	built = build_zip(path, data + 1, size - 1, data[0] & 4, bufs, &nbufs);
	for (i = 0; i < nbufs; i++)
		free(bufs[i]);
	if (built < 0)
		return 0;
	if (data[0] & 8)
		import(path, sheet);
	else
		read_sheet(path, sheet);
	unlink(path);
	return 0;
}
