/* value: scalar parsing and printing. */
#include "pb/value.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

int pb_parse_int(struct pb_str s, long long *out)
{
	char tmp[32], *end;
	size_t i = 0;
	long long v;
	unsigned long long u = 0;

	if (s.n == 0 || s.n >= sizeof tmp)
		return -1;
	if (s.p[0] == '-')
		i = 1;
	if (i == s.n)
		return -1;
	for (; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		u = u * 10 + (unsigned)(s.p[i] - '0');
	}
	/* up to 18 digits cannot overflow: u is the value (the sign aside) */
	if (s.n - (s.p[0] == '-') <= 18) {
		*out = s.p[0] == '-' ? -(long long)u : (long long)u;
		return 0;
	}
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/*
 * The longest text pb_parse_double reads: room for every number pb_put_number
 * writes, whose plain decimals reach 327 bytes (-2.2250738585072014e-308 is
 * '-0.' then 307 zeros and 17 digits), so pb TSV always reads back.
 */
#define DOUBLE_TEXT_MAX 400

/* 10^0 … 10^22: every one a double exactly (5^22 < 2^53). */
static const double exact_pow10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
	                              1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
	                              1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/*
 * The short decimals registers hold (88.5, 0.25, -3, 1e3): when the digits
 * form an integer m <= 2^53 and the decimal exponent is within ±22, both m
 * and 10^|e| are doubles exactly, so m × 10^e or m / 10^-e is one correctly
 * rounded operation on the exact value — the double strtod gives (Clinger's
 * fast path). 1 with *out set, or 0 when s needs strtod (another form, more
 * digits, a far exponent, or not a number: strtod decides).
 */
static int parse_decimal_fast(const char *p, size_t n, double *out)
{
	const char *end = p + n;
	uint64_t m = 0;
	int neg = 0, nd = 0, any = 0, exp10 = 0;
	double v;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		any = 1;
		if (m == 0 && *p == '0')
			continue; /* a leading zero */
		if (++nd > 19)
			return 0;
		m = m * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			any = 1;
			exp10--;
			if (m == 0 && *p == '0')
				continue;
			if (++nd > 19)
				return 0;
			m = m * 10 + (uint64_t)(*p - '0');
		}
	if (!any)
		return 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0, ev = 0, edigits = 0;
		if (++p < end && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		for (; p < end && *p >= '0' && *p <= '9'; p++, edigits = 1)
			if (ev < 10000)
				ev = ev * 10 + (*p - '0');
		if (!edigits)
			return 0;
		exp10 += eneg ? -ev : ev;
	}
	if (p != end || m > (1ULL << 53))
		return 0;
	if (m == 0)
		v = 0;
	else if (exp10 < -22 || exp10 > 22)
		return 0;
	else
		v = exp10 < 0 ? (double)m / exact_pow10[-exp10] : (double)m * exact_pow10[exp10];
	*out = neg ? -v : v;
	return 1;
}

int pb_parse_double(struct pb_str s, double *out)
{
	char tmp[DOUBLE_TEXT_MAX + 1], *end;
	size_t i;
	double v;
	int digits = 0;

	if (s.n == 0 || s.n >= sizeof tmp)
		return -1;
#if FLT_EVAL_METHOD == 0 /* double arithmetic rounds once, to double (not x87's extended) */
	if (parse_decimal_fast(s.p, s.n, out))
		return 0;
#endif
	for (i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (c >= '0' && c <= '9')
			digits = 1;
		else if (!(c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'))
			return -1;
	}
	if (!digits)
		return -1;
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (errno == ERANGE && fabs(v) > 1.0)
		return -1;
	if (*end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* Howard Hinnant's days_from_civil: proleptic Gregorian, exact for all int years here. */
int32_t pb_days_from_civil(int y, unsigned m, unsigned d)
{
	int era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void pb_civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
	int era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, unsigned m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dim[m - 1];
}

static int make_date(long y, long m, long d, int32_t *days)
{
	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month((int)y, (unsigned)m))
		return -1;
	*days = pb_days_from_civil((int)y, (unsigned)m, (unsigned)d);
	return 0;
}

static int digits_at(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

int pb_parse_date(struct pb_str s, int32_t *days)
{
	const char *p = s.p;

	if (s.n != 10 || p[4] != '-' || p[7] != '-' || !digits_at(p, 4) || !digits_at(p + 5, 2) ||
	    !digits_at(p + 8, 2))
		return -1;
	return make_date(strtol(p, NULL, 10), (p[5] - '0') * 10 + (p[6] - '0'),
	                 (p[8] - '0') * 10 + (p[9] - '0'), days);
}

void pb_format_date(int32_t days, char out[11])
{
	int y;
	unsigned m, d;

	pb_civil_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
}

int pb_source_date_epoch(long long *t)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (!sde || !*sde)
		return 0;
	errno = 0;
	v = strtoll(sde, &end, 10);
	if (errno || *end)
		return 0;
	*t = v;
	return 1;
}

int32_t pb_today(void)
{
	long long now = (long long)time(NULL);

	pb_source_date_epoch(&now);
	return (int32_t)(now >= 0 ? now / 86400 : (now - 86399) / 86400);
}

/* Reads 1..max ASCII digits; returns how many, or 0. */
static size_t read_digits(const char *p, const char *end, size_t max, long *v)
{
	size_t n = 0;

	*v = 0;
	while (p + n < end && n < max && p[n] >= '0' && p[n] <= '9') {
		*v = *v * 10 + (p[n] - '0');
		n++;
	}
	return n;
}

static int match_sep(const char **p, const char *end, const char *sep)
{
	size_t n = strlen(sep);

	if ((size_t)(end - *p) >= n && memcmp(*p, sep, n) == 0) {
		*p += n;
		return 1;
	}
	return 0;
}

/*
 * A time of day after a date, as Excel writes date-times ("2022/8/4 0:00",
 * "2022-08-04 09:30:00"): H:MM or H:MM:SS, a real time; the date is what counts.
 */
static int skip_time(const char *p, const char *end)
{
	long h, mi, sec = 0;
	size_t n;

	while (p < end && *p == ' ')
		p++;
	if (!(n = read_digits(p, end, 2, &h)) || h > 23)
		return -1;
	p += n;
	if (p >= end || *p++ != ':' || read_digits(p, end, 2, &mi) != 2 || mi > 59)
		return -1;
	p += 2;
	if (p < end && *p == ':') {
		p++;
		if (read_digits(p, end, 2, &sec) != 2 || sec > 59)
			return -1;
		p += 2;
	}
	return p == end ? 0 : -1;
}

int pb_parse_date_loose(struct pb_str s, int32_t *days)
{
	const char *p = s.p, *end = s.p + s.n;
	long y, m, d = 1;
	size_t n;

	if (s.n == 0)
		return -1;
	if (pb_parse_date(s, days) == 0)
		return 0;
	/* digits only: YYYYMMDD, or YYYYMM (a month is its first day) */
	if ((s.n == 8 || s.n == 6) && digits_at(s.p, s.n)) {
		read_digits(p, end, 4, &y);
		read_digits(p + 4, end, 2, &m);
		if (s.n == 8)
			read_digits(p + 6, end, 2, &d);
		return make_date(y, m, d, days);
	}
	/* an Excel serial day number, possibly with a time fraction; not YYYY.M (2022.10 is
	 * October) */
	{
		double v;
		int month = s.n >= 6 && s.n <= 7 && digits_at(p, 4) && p[4] == '.' &&
		    digits_at(p + 5, s.n - 5);
		if (!month && pb_parse_double(s, &v) == 0 && memchr(s.p, '-', s.n) == NULL) {
			if (v < 1 || v >= 2958466)
				return -1;
			/* Excel counts 1900-02-29, which never was: serials from 61 on are one
			 * ahead */
			long serial = (long)floor(v);
			if (serial == 60)
				return -1;
			*days =
			    pb_days_from_civil(1899, 12, serial < 60 ? 31 : 30) + (int32_t)serial;
			return 0;
		}
	}
	n = read_digits(p, end, 4, &y);
	if (n != 4)
		return -1;
	p += n;
	if (match_sep(&p, end, "年")) {
		if (!(n = read_digits(p, end, 2, &m)))
			return -1;
		p += n;
		if (!match_sep(&p, end, "月"))
			return -1;
		if (p == end) /* 2022年6月: the month's first day */
			return make_date(y, m, 1, days);
		if (!(n = read_digits(p, end, 2, &d)))
			return -1;
		p += n;
		if (!match_sep(&p, end, "日"))
			match_sep(&p, end, "号");
	} else {
		char sep = p < end ? *p : 0;
		if (sep != '-' && sep != '/' && sep != '.')
			return -1;
		p++;
		if (!(n = read_digits(p, end, 2, &m)))
			return -1;
		p += n;
		if (p == end) /* 2022-06, 2022/6, 2022.10: the month's first day */
			return make_date(y, m, 1, days);
		if (*p != sep)
			return -1;
		p++;
		if (!(n = read_digits(p, end, 2, &d)))
			return -1;
		p += n;
	}
	if (p < end && (*p == ' ' || *p == 'T') && skip_time(p + 1, end) < 0)
		return -1;
	else if (p < end && *p != ' ' && *p != 'T')
		return -1;
	return make_date(y, m, d, days);
}

int pb_parse_int_loose(struct pb_str s, long long *out)
{
	char tmp[32];
	size_t i, n = 0, end = s.n;
	static const char *const units[] = { "个", "人", "名", "家", "户", "位", "处", "条", NULL };
	int k;

	for (k = 0; units[k]; k++) {
		size_t ul = strlen(units[k]);
		if (end > ul && memcmp(s.p + end - ul, units[k], ul) == 0) {
			end -= ul;
			break;
		}
	}
	for (i = 0; i < end; i++) {
		char c = s.p[i];
		if (c == ',') {
			/* a thousands separator must be followed by exactly three digits */
			if (n == 0 || i + 3 >= end || !digits_at(s.p + i + 1, 3) ||
			    (i + 4 < end && s.p[i + 4] != ','))
				return -1;
			continue;
		}
		if (n + 1 >= sizeof tmp)
			return -1;
		tmp[n++] = c;
	}
	return pb_parse_int((struct pb_str){ tmp, n }, out);
}

/*
 * Writes the digits of a decimal d1.d2d3… × 10^exp (digits without the
 * point, sign already written) as plain text: no exponent, no trailing
 * zeros after the point.
 */
static int put_plain(struct pb_buf *b, const char *digits, size_t nd, int exp)
{
	long point = (long)exp + 1; /* digits before the point */
	size_t need;
	char *o;

	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	need = point <= 0 ? 2 + (size_t)-point + nd : ((size_t)point > nd ? (size_t)point : nd + 1);
	if (pb_buf_grow(b, need) < 0)
		return -1;
	o = b->p + b->len;
	if (point <= 0) {
		*o++ = '0';
		*o++ = '.';
		memset(o, '0', (size_t)-point);
		o += -point;
		memcpy(o, digits, nd);
		o += nd;
	} else if ((size_t)point >= nd) {
		memcpy(o, digits, nd);
		memset(o + nd, '0', (size_t)point - nd);
		o += point;
	} else {
		memcpy(o, digits, (size_t)point);
		o[point] = '.';
		memcpy(o + point + 1, digits + point, nd - (size_t)point);
		o += nd + 1;
	}
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
	return 0;
}

static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324"
                                  "25262728293031323334353637383940414243444546474849"
                                  "50515253545556575859606162636465666768697071727374"
                                  "75767778798081828384858687888990919293949596979899";

/* v < 100 as two digits at o. */
static void put2(char *o, uint32_t v)
{
	memcpy(o, digit_pairs + 2 * v, 2);
}

/* v < 10^8 as exactly eight digits at o: two halves, each two pairs, computed side by side. */
static void put8(char *o, uint32_t v)
{
	uint32_t hi = v / 10000, lo = v % 10000;

	put2(o, hi / 100);
	put2(o + 2, hi % 100);
	put2(o + 4, lo / 100);
	put2(o + 6, lo % 100);
}

/* 10^0 .. 10^19: every power of ten a uint64_t holds. */
static const uint64_t pow10_u64[] = { 1ULL,
	                              10ULL,
	                              100ULL,
	                              1000ULL,
	                              10000ULL,
	                              100000ULL,
	                              1000000ULL,
	                              10000000ULL,
	                              100000000ULL,
	                              1000000000ULL,
	                              10000000000ULL,
	                              100000000000ULL,
	                              1000000000000ULL,
	                              10000000000000ULL,
	                              100000000000000ULL,
	                              1000000000000000ULL,
	                              10000000000000000ULL,
	                              100000000000000000ULL,
	                              1000000000000000000ULL,
	                              10000000000000000000ULL };

/* The decimal digits of v into out[20]; returns how many. */
static int u64_digits(char out[20], uint64_t v)
{

	/* digits from the bit length: floor(bits × log10 2), plus one when v reaches that power */
	int n = (64 - __builtin_clzll(v | 1)) * 1233 >> 12, left;
	uint32_t w;
	char *o;

	n += v >= pow10_u64[n] || v == 0;
	o = out + n;
	/* eight digits at a time from the back, then what is left */
	for (left = n; left > 8; left -= 8) {
		uint64_t q = v / 100000000;
		o -= 8;
		put8(o, (uint32_t)(v - q * 100000000));
		v = q;
	}
	for (w = (uint32_t)v; left >= 2; left -= 2, w /= 100) {
		o -= 2;
		put2(o, w % 100);
	}
	if (left)
		*--o = (char)('0' + w);
	return n;
}

int pb_put_uint(struct pb_buf *b, unsigned long long v)
{
	char d[20];

	return pb_buf_add(b, d, (size_t)u64_digits(d, v));
}

int pb_put_int(struct pb_buf *b, long long v)
{
	if (v < 0 && pb_buf_addc(b, '-') < 0)
		return -1;
	return pb_put_uint(b, v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v);
}

/*
 * The fast path for values with few decimals (20, 88.5, 0.25): when M/10^k,
 * one correctly rounded division of two exactly held numbers, gives v back,
 * the decimal M×10^-k reads back as v too, and the smallest such k is the
 * shortest text. Tries k from kmin to kmax; 0 when written, 1 when v needs
 * the general path (no k up to kmax, or M would not be held exactly).
 */
static int put_few_decimals(struct pb_buf *b, double v, int kmin, int kmax)
{
	char digits[20];
	int k, nd;

	for (k = kmin; k <= kmax; k++) {
		double scaled = fabs(v) * exact_pow10[k];
		/* nearbyint: below 2^52, adding 2^52 leaves no bit under the units (ties to even)
		 */
		if (scaled < 0x1p52)
			scaled = (scaled + 0x1p52) - 0x1p52;
		if (scaled >= 0x1p53)
			return 1;
		if (scaled / exact_pow10[k] != fabs(v))
			continue;
		nd = u64_digits(digits, (uint64_t)scaled);
		if (v < 0 && pb_buf_addc(b, '-') < 0)
			return -1;
		return put_plain(b, digits, (size_t)nd, nd - 1 - k) < 0 ? -1 : 0;
	}
	return 1;
}

/*
 * The general path by the C library: the fewest significant digits, 15,
 * 16 or 17, whose correctly rounded text reads back as the same double.
 * Any decimal of at most 15 digits survives the trip to double and back
 * (DBL_DIG), so if 15 digits round-trip, they are that decimal with
 * trailing zeros, which put_plain drops; else 16, else 17 always do.
 */
static int put_by_printf(struct pb_buf *b, double v)
{
	char tmp[40], digits[20];
	int prec, exp;
	size_t nd = 0;
	char *e, *q;

	for (prec = 14; prec < 16; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	if (prec == 16)
		snprintf(tmp, sizeof tmp, "%.16e", v);
	e = strchr(tmp, 'e');
	exp = (int)strtol(e + 1, NULL, 10);
	for (q = tmp; q < e; q++)
		if (*q >= '0' && *q <= '9')
			digits[nd++] = *q;
	if (v < 0 && pb_buf_addc(b, '-') < 0)
		return -1;
	return put_plain(b, digits, nd, exp);
}

typedef unsigned __int128 u128;

/* 10^s for 0 <= s <= 38. */
static u128 pow10_u128(int s)
{
	return s < 20 ? (u128)pow10_u64[s] : (u128)pow10_u64[19] * pow10_u64[s - 19];
}

/* The state of put_exact: what an N-digit candidate Q (scaled to 17 digits) is tested against. */
struct interval {
	uint64_t uq, lq; /* the ends, scaled and floored */
	int ur, lr;      /* whether they had bits below the units */
	int even;        /* the ends belong to v */
};

/* Whether Q reads back as v: inside the interval, or on an end that belongs to v. */
static int inside(const struct interval *iv, uint64_t Q)
{
	int cu = Q != iv->uq ? (Q < iv->uq ? -1 : 1) : iv->ur ? -1 : 0;
	int cl = Q != iv->lq ? (Q < iv->lq ? -1 : 1) : iv->lr ? -1 : 0;

	return (cu < 0 || (cu == 0 && iv->even)) && (cl > 0 || (cl == 0 && iv->even));
}

/*
 * The same text as put_by_printf, in exact integer arithmetic, for
 * 1e-5 <= |v| < 1e14 (where pb's rates, points and scores live; 1 for
 * others). |v| = f × 2^-sh with f < 2^53, and k = floor(log10 |v|). With
 * s = 16-k, X = f × 10^s / 2^sh is |v| × 10^s, whose integer part q17 has 17
 * digits; q17 and the remainder r say exactly how X rounds to 17 digits
 * and, over 10 or 100, to 16 or 15, half to even as printf rounds. An
 * N-digit result Q (scaled back to 17 digits) reads back as v when it lies
 * inside v's rounding interval, whose ends — the midpoints to the
 * neighbouring doubles, (4f ± 2) × 2^-(sh+2), or (4f − 1) below a power of
 * two — belong to v when f is even, as strtod breaks ties to even. All of
 * it compares f × 10^s < 2^123 (s <= 21) with Q × 2^(sh+2), in 128 bits.
 */
static int put_exact(struct pb_buf *b, double v)
{
	double a = fabs(v);
	uint64_t bits, f, q17, q, t;
	int be, sh, k, nd;
	u128 P, num, r, half, U, L, low;
	struct interval iv;
	char digits[20];

	if (!(a >= 1e-5 && a < 1e14))
		return 1;
	memcpy(&bits, &a, sizeof bits);
	be = (int)(bits >> 52);
	f = (bits & ((1ULL << 52) - 1)) | (1ULL << 52);
	sh = 1075 - be; /* 6 <= sh <= 69 in this range */
	/* floor((be-1023) × log10 2), then one step up if |v| >= 10^(k+1) */
	k = ((be - 1023) * 78913) >> 18;
	if (k + 1 >= 0 ? (u128)f >= pow10_u128(k + 1) << sh
	               : (u128)f * pow10_u128(-(k + 1)) >= (u128)1 << sh)
		k++;
	P = pow10_u128(16 - k);
	num = (u128)f * P;
	half = (u128)1 << (sh - 1);
	q17 = (uint64_t)(num >> sh);
	r = num & ((half << 1) - 1);
	U = 4 * num + 2 * P;
	L = 4 * num - (f == 1ULL << 52 ? P : 2 * P);
	low = ((u128)1 << (sh + 2)) - 1;
	iv = (struct interval){ (uint64_t)(U >> (sh + 2)), (uint64_t)(L >> (sh + 2)),
		                (U & low) != 0, (L & low) != 0, !(f & 1) };
	/* X / d = q + (t + r / 2^sh) / d: round on (t, r) against (d/2, 0) */
	q = q17 / 100;
	t = q17 % 100;
	q += t > 50 || (t == 50 && (r != 0 || (q & 1)));
	if (inside(&iv, q * 100)) {
		nd = 15;
	} else {
		q = q17 / 10;
		t = q17 % 10;
		q += t > 5 || (t == 5 && (r != 0 || (q & 1)));
		if (inside(&iv, q * 10)) {
			nd = 16;
		} else {
			q = q17 + (r > half || (r == half && (q17 & 1)));
			nd = 17;
		}
	}
	if (q == (uint64_t)pow10_u128(nd)) { /* 9.99…5 rounded up to 10.0…: one more digit */
		q /= 10;
		k++;
	}
	nd = u64_digits(digits, q);
	if (v < 0 && pb_buf_addc(b, '-') < 0)
		return -1;
	return put_plain(b, digits, (size_t)nd, k);
}

/*
 * 0 when put_few_decimals cannot succeed with up to two places: then
 * a × 100 is within a × 100 × 2^-52 of a whole number (the decimal is
 * within half an ulp of a, the product rounds once), so farther means no.
 */
static int may_have_two_places(double a)
{
	double s = a * 100, n = s < 0x1p52 ? (s + 0x1p52) - 0x1p52 : s;

	return fabs(s - n) <= s * 0x1p-50;
}

int pb_put_number(struct pb_buf *b, double v)
{
	int rc;

	if (isnan(v) || isinf(v))
		return 0;
	if (v == 0)
		return pb_buf_addc(b, '0'); /* never -0 */
	/*
	 * Whenever put_few_decimals succeeds, its M × 10^-k is the nearest
	 * decimal of its 15 or 16 digits to v (M < 2^53, and M differs from
	 * |v| × 10^k by less than half a unit, or it would not read back), so
	 * put_exact would write the same text: the tries are kept only where
	 * they are quicker, up to two places, and where put_exact cannot go.
	 */
	if ((may_have_two_places(fabs(v)) && (rc = put_few_decimals(b, v, 0, 2)) <= 0) ||
	    (rc = put_exact(b, v)) <= 0 || (rc = put_few_decimals(b, v, 3, 6)) <= 0)
		return rc;
	return put_by_printf(b, v);
}

int pb_put_number_printf(struct pb_buf *b, double v)
{
	int rc;

	if (isnan(v) || isinf(v))
		return 0;
	if (v == 0)
		return pb_buf_addc(b, '0');
	if ((rc = put_few_decimals(b, v, 0, 6)) <= 0)
		return rc;
	return put_by_printf(b, v);
}

int pb_put_rate(struct pb_buf *b, double v)
{
	return pb_put_number(b, v);
}

int pb_put_pp(struct pb_buf *b, double v)
{
	return pb_put_number(b, v);
}

double pb_rate(long long num, long long den)
{
	return den == 0 ? NAN : pb_frac128(num, den);
}

double pb_frac128(__int128 num, __int128 den)
{
	unsigned __int128 n, d, q, r;
	int neg = (num < 0) != (den < 0), shift = 0;
	double v;

	if (den == 0)
		return NAN;
	if (num == 0)
		return 0.0;
	n = num < 0 ? -(unsigned __int128)num : (unsigned __int128)num;
	d = den < 0 ? -(unsigned __int128)den : (unsigned __int128)den;
	q = n / d;
	r = n % d;
	/*
	 * Long division until the quotient holds 64 bits: the double's 53, a
	 * guard bit and more; a nonzero remainder then folds into the lowest bit
	 * (sticky), so the one rounding of q to double is the correctly rounded
	 * num/den. r < d <= 2^127, so r << 1 cannot overflow.
	 */
	while (!(q >> 63)) {
		r <<= 1;
		q <<= 1;
		if (r >= d) {
			r -= d;
			q |= 1;
		}
		shift++;
	}
	while (q >> 64) {
		r |= q & 1;
		q >>= 1;
		shift--;
	}
	v = ldexp((double)((uint64_t)q | (r != 0)), -shift);
	return neg ? -v : v;
}

int pb_put_rounded(struct pb_buf *b, struct pb_str dec, int shift, int digits, int plus)
{
	/* significant digits, up to the last nonzero one (1e300 has one) */
	char mant[DOUBLE_TEXT_MAX + 2];
	size_t nm = 0, zeros = 0, i;
	long point = 0, keep, exp = 0;
	int neg = 0, seen_point = 0, any = 0, carry;
	const char *p = dec.p, *end = dec.p + dec.n;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < end; p++) {
		if (*p == '.' && !seen_point) {
			seen_point = 1;
		} else if (*p >= '0' && *p <= '9') {
			any = 1;
			if (nm == 0 && *p == '0') { /* leading zeros carry no digit */
				if (seen_point)
					point--;
				continue;
			}
			if (!seen_point)
				point++;
			if (*p == '0') { /* stored only if a nonzero digit follows */
				zeros++;
				continue;
			}
			if (nm + zeros >= sizeof mant - 2)
				return -1;
			memset(mant + nm, '0', zeros);
			nm += zeros;
			zeros = 0;
			mant[nm++] = *p;
		} else {
			break;
		}
	}
	if (!any)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0;
		if (++p < end && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		if (p == end)
			return -1;
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (exp < 1000000)
				exp = exp * 10 + (*p - '0');
		if (eneg)
			exp = -exp;
	}
	if (p != end || digits < 0 || digits > 17)
		return -1;
	if (nm == 0)
		point = exp = 0; /* zero, whatever its exponent */
	else if (point + exp > DOUBLE_TEXT_MAX)
		return -1; /* far beyond any double */
	else if (point + exp < -DOUBLE_TEXT_MAX)
		nm = 0; /* far below anything shown: rounds to zero */
	/* value = 0.mant × 10^point; keep the digits down to 10^-digits */
	point += exp + shift;
	keep = point + digits;
	if (keep < 0) {
		nm = 0;
		point = -digits;
	} else if ((size_t)keep < nm) {
		carry = mant[keep] >= '5'; /* half away from zero: look at one digit */
		nm = (size_t)keep;
		for (i = nm; carry && i-- > 0;) {
			carry = mant[i] == '9';
			mant[i] = carry ? '0' : (char)(mant[i] + 1);
		}
		if (carry) {
			memmove(mant + 1, mant, nm);
			mant[0] = '1';
			nm++;
			point++;
		}
	}
	if (nm == 0)
		point = 0; /* zero, or rounds to it: "0", and no sign */
	if (nm == 0)
		neg = 0;
	if ((neg && pb_buf_addc(b, '-') < 0) || (!neg && plus && nm > 0 && pb_buf_addc(b, '+') < 0))
		return -1;
	/* integer part */
	if (point <= 0) {
		if (pb_buf_addc(b, '0') < 0)
			return -1;
	} else {
		for (i = 0; i < (size_t)point; i++)
			if (pb_buf_addc(b, i < nm ? mant[i] : '0') < 0)
				return -1;
	}
	if (digits == 0)
		return 0;
	if (pb_buf_addc(b, '.') < 0)
		return -1;
	for (i = 0; i < (size_t)digits; i++) {
		long at = point + (long)i; /* index into mant of this decimal place */
		if (pb_buf_addc(b, at >= 0 && at < (long)nm ? mant[at] : '0') < 0)
			return -1;
	}
	return 0;
}
