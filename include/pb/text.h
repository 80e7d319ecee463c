/*
 * text: Unicode work through utf8proc — UTF-8 validation, NFKC
 * normalization with trimming (full-width forms, U+3000, NBSP), ASCII case
 * folding for names, and terminal display width.
 */
#ifndef PB_TEXT_H
#define PB_TEXT_H

#include <stddef.h>

#include "pb/buf.h"

/* Byte offset of the first invalid UTF-8 sequence, or (size_t)-1 when valid. */
size_t pb_utf8_invalid_at(const char *p, size_t n);

/*
 * Decodes the UTF-8 character at p (n > 0 bytes left) with utf8proc: its
 * length in bytes, and *cp its code point, or -1 with length 1 when the bytes
 * there are not valid UTF-8.
 */
size_t pb_utf8_next(const char *p, size_t n, int *cp);

/* Removes leading and trailing white space (ASCII and Unicode Zs) from a view. */
struct pb_str pb_text_trim(struct pb_str s);

/*
 * What one pass over a field finds, so that the common field — ASCII and
 * CJK Unified Ideographs (U+4E00..U+9FFF) — skips utf8proc: such a field is
 * valid UTF-8, NFKC leaves it as it is, and its only white space is ASCII.
 * With PB_TEXT_OTHER the scan stopped early: the other flags are not known.
 */
enum {
	PB_TEXT_OTHER = 1,  /* another character, or bytes that are not UTF-8: ask utf8proc */
	PB_TEXT_NUL = 2,    /* a NUL byte */
	PB_TEXT_ESCAPE = 4, /* a tab, LF, CR or backslash, which pb TSV escapes */
	PB_TEXT_EDGE = 8,   /* a control character or space first or last: maybe one to trim */
};
unsigned pb_text_scan(const char *p, size_t n);
/*
 * pb_text_trim for a field without PB_TEXT_OTHER: only ASCII white space to
 * look at, and none without PB_TEXT_EDGE.
 */
struct pb_str pb_text_trim_plain(struct pb_str s);

/*
 * A reusable NFKC normalizer: keeps its scratch memory between calls so the
 * hot path does not allocate.
 */
struct pb_norm {
	int *ucs; /* utf8proc_int32_t scratch */
	size_t cap;
	struct pb_buf out;
};

#define PB_NORM_INIT                                                                               \
	{                                                                                          \
		NULL, 0, PB_BUF_INIT                                                               \
	}

/*
 * NFKC-normalizes and trims s (which must be valid UTF-8). The result is a
 * view either into s itself (nothing to change) or into n's buffer, valid
 * until the next call. -1 on out of memory.
 */
int pb_norm_nfkc(struct pb_norm *n, struct pb_str s, struct pb_str *out);
void pb_norm_release(struct pb_norm *n);

/* Display width in terminal columns (CJK wide = 2, combining = 0); invalid bytes count 1. */
size_t pb_text_width(const char *p, size_t n);

/* ASCII case-insensitive equality. */
int pb_text_eq_ascii_ci(struct pb_str a, const char *z);

#endif
