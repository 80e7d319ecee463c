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
 * Printing, into a buffer (appended). Non-integer values: %.6f with
 * trailing zeros removed; rates %.6f; percentage points %.2f with -0.00
 * printed as 0.00. NaN (a rate with denominator 0) prints as empty.
 */
int pb_put_number(struct pb_buf *b, double v);
int pb_put_rate(struct pb_buf *b, double v);
int pb_put_pp(struct pb_buf *b, double v);
/* A rate num/den, or NaN when den is 0. */
double pb_rate(long long num, long long den);

#endif
