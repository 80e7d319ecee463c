/*
 * value: strict parsing and exact printing of pb's scalar values — integers,
 * decimals, dates (days since 1970-01-01), rates and percentage points — and
 * the lenient forms staff type into registers, normalized by pb-import.
 */
#ifndef PB_VALUE_H
#define PB_VALUE_H

#include <stdint.h>

#include "pb/buf.h"

/* Strict: optional '-', ASCII digits only. 0, or -1 (not a number / out of range). */
int pb_parse_int(struct pb_str s, long long *out);
/* Strict: what strtod accepts, whole string, finite, no leading space, no hex/inf/nan. */
int pb_parse_double(struct pb_str s, double *out);

/* Strict YYYY-MM-DD, a real calendar day. */
int pb_parse_date(struct pb_str s, int32_t *days);
/* Writes YYYY-MM-DD plus NUL into out[11]. */
void pb_format_date(int32_t days, char out[11]);
int32_t pb_days_from_civil(int y, unsigned m, unsigned d);
void pb_civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d);
/* SOURCE_DATE_EPOCH when set to a whole number (reproducible runs): 1 and *t, else 0. */
int pb_source_date_epoch(long long *t);
/* Today in UTC (or from SOURCE_DATE_EPOCH when set, so runs are reproducible). */
int32_t pb_today(void);

/*
 * Lenient date as typed by staff: 2022-8-4, 2022/08/04, 2022.8.4,
 * 2022年8月4日, 20220612, a month alone (2022年6月, 2022-06, 2022.6,
 * 2022.10 = October, 202206: its first day), or an Excel serial day number
 * (1 = 1900-01-01, 1900 date system). The input has been NFKC-normalized
 * and trimmed. 0 or -1.
 */
int pb_parse_date_loose(struct pb_str s, int32_t *days);
/*
 * Lenient whole number: thousands separators (1,835) and a trailing unit
 * word (1835个, 12人, 3名) allowed. 0 or -1.
 */
int pb_parse_int_loose(struct pb_str s, long long *out);

/*
 * Printing into a buffer (appended), by pb's number rule: a value is the
 * shortest plain decimal that reads back as the same double — no exponent,
 * no '+', never -0; integers print without a point. NaN (a rate whose
 * denominator is 0) prints as empty. Rates and percentage points follow the
 * same rule: nothing is rounded between commands.
 */
int pb_put_number(struct pb_buf *b, double v);
/*
 * The same text by the C library's printf and strtod: slow, kept as the
 * reference the tests hold pb_put_number to.
 */
int pb_put_number_printf(struct pb_buf *b, double v);
/* A whole number in decimal, appended. */
int pb_put_int(struct pb_buf *b, long long v);
int pb_put_uint(struct pb_buf *b, unsigned long long v);
int pb_put_rate(struct pb_buf *b, double v);
int pb_put_pp(struct pb_buf *b, double v);
/* A rate num/den, correctly rounded, or NaN when den is 0. */
double pb_rate(long long num, long long den);
/*
 * The double nearest to the exact fraction num/den (one rounding, to
 * nearest, ties to even), or NaN when den is 0. Figures derived from counts
 * — a change in points over the common denominator, ahead_pp — are built as
 * one exact fraction and rounded here once.
 */
double pb_frac128(__int128 num, __int128 den);
/*
 * Display: rounds the decimal text dec (optional sign, digits, optional
 * point and exponent) times 10^shift to digits decimals, half away from zero
 * (四舍五入), on the text itself, so a figure is rounded once; writes exactly
 * digits decimals. A result that rounds to zero has no sign; plus prefixes
 * '+' to a positive one. 0, or -1 when dec is not a decimal number.
 */
int pb_put_rounded(struct pb_buf *b, struct pb_str dec, int shift, int digits, int plus);

#endif
