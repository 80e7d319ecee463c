/*
 * fuzz_tsv: the pb TSV reader every command uses (pb_tsv_open_fd,
 * pb_tsv_next, pb_tsv_next_row) and its writer's escapes.
 *
 * Input: byte 0 chooses how the bytes arrive (bit 7: a file, else a socket
 * in packets seeded by the low bits) and bit 6 the reading loop
 * (pb_tsv_next_row instead of pb_tsv_next); the rest is the TSV text.
 *
 * Properties: the header has distinct non-empty names, each found by
 * pb_tsv_col; a delivered record has exactly the header's field count; the
 * line number advances by one per record; a field written with pb_tsv_put
 * has no raw TAB, LF or CR and reads back as the same bytes.
 */
#include "fuzz.h"

#include "pb/tsv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

/* Writes every field escaped, then unescapes each and compares. */
static void check_round_trip(const struct pb_tsv_reader *r)
{
	char *text = NULL;
	size_t len = 0, i, off = 0;
	FILE *f = open_memstream(&text, &len);

	FUZZ_CHECK(f != NULL, "open_memstream");
	for (i = 0; i < r->nfields; i++) {
		if (i)
			putc('\t', f);
		pb_tsv_put_str(f, r->fields[i]);
	}
	fclose(f);
	FUZZ_CHECK(!memchr(text, '\n', len) && !memchr(text, '\r', len), "raw line end written");
	for (i = 0; i < r->nfields; i++) {
		char *tab = memchr(text + off, '\t', len - off);
		size_t n = (size_t)((tab ? tab : text + len) - (text + off)), u;
		FUZZ_CHECK(i + 1 < r->nfields ? tab != NULL : tab == NULL,
		           "field %zu: raw TAB written", i);
		u = pb_tsv_unescape(text + off, n);
		FUZZ_CHECK(u == r->fields[i].n && memcmp(text + off, r->fields[i].p, u) == 0,
		           "field %zu does not read back", i);
		off += n + 1;
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pb_tsv_reader r;
	struct pb_error err = PB_ERROR_INIT;
	struct fuzz_feed feed;
	int use_file, use_row, rc;
	size_t i;
	long line, bad = 0;

	if (size < 1)
		return 0;
	use_file = data[0] & 0x80;
	use_row = data[0] & 0x40;
	if (use_file) {
		rc = pb_tsv_open(&r, fuzz_file(0, data + 1, size - 1), &err);
	} else {
		fuzz_feed_open(&feed, data + 1, size - 1, data[0]);
		rc = pb_tsv_open_fd(&r, feed.fd, "(socket)", &err);
	}
	if (rc < 0) {
		FUZZ_CHECK(err.code == PB_EXIT_FATAL, "open failed with code %d", err.code);
		goto done;
	}
	FUZZ_CHECK(r.ncols >= 1, "no columns");
	for (i = 0; i < r.ncols; i++) {
		FUZZ_CHECK(r.cols[i][0] != '\0', "empty column name %zu", i);
		FUZZ_CHECK(pb_tsv_col(&r, r.cols[i]) == (int)i, "column %zu not found by name", i);
	}
	line = r.line;
	for (;;) {
		if (use_row) {
			rc = pb_tsv_next_row(&r, &bad, &err);
			FUZZ_CHECK(rc >= -1 && rc <= 1, "rc %d", rc);
			if (rc <= 0)
				break;
			FUZZ_CHECK(r.line > line, "line went from %ld to %ld", line, r.line);
		} else {
			rc = pb_tsv_next(&r, &err);
			FUZZ_CHECK(r.line == line + 1 || rc == 0, "line went from %ld to %ld", line,
			           r.line);
			if (rc == 0)
				break;
			if (rc < 0) {
				FUZZ_CHECK(err.code == PB_EXIT_DATA || err.code == PB_EXIT_FATAL,
				           "code %d", err.code);
				FUZZ_CHECK(err.line == r.line,
				           "error names line %ld, reader at %ld", err.line, r.line);
				if (err.code == PB_EXIT_FATAL)
					break;
				line = r.line;
				continue;
			}
		}
		line = r.line;
		FUZZ_CHECK(r.nfields == r.ncols, "%zu fields, header has %zu", r.nfields, r.ncols);
		check_round_trip(&r);
	}
done:
	pb_tsv_close(&r);
	if (!use_file)
		fuzz_feed_close(&feed);
	return 0;
}
