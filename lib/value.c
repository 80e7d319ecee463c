/* value: scalar parsing and printing. */
#include "pb/value.h"

#include <ctype.h>
#include <errno.h>
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

	if (s.n == 0 || s.n >= sizeof tmp)
		return -1;
	if (s.p[0] == '-')
		i = 1;
	if (i == s.n)
		return -1;
	for (; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int pb_parse_double(struct pb_str s, double *out)
{
	char tmp[64], *end;
	size_t i;
	double v;
	int digits = 0;

	if (s.n == 0 || s.n >= sizeof tmp)
		return -1;
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

int32_t pb_today(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now = time(NULL);

	if (sde && *sde) {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(sde, &end, 10);
		if (!errno && !*end)
			now = (time_t)v;
	}
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

static int put_trimmed(struct pb_buf *b, const char *fmt, double v)
{
	char tmp[64];
	int n = snprintf(tmp, sizeof tmp, fmt, v);

	if (n <= 0 || (size_t)n >= sizeof tmp)
		return pb_buf_addf(b, "%.17g", v);
	if (strchr(tmp, '.')) {
		while (n > 0 && tmp[n - 1] == '0')
			n--;
		if (n > 0 && tmp[n - 1] == '.')
			n--;
	}
	if (n == 2 && tmp[0] == '-' && tmp[1] == '0')
		return pb_buf_add(b, "0", 1);
	return pb_buf_add(b, tmp, (size_t)n);
}

int pb_put_number(struct pb_buf *b, double v)
{
	if (isnan(v))
		return 0;
	return put_trimmed(b, "%.6f", v);
}

int pb_put_rate(struct pb_buf *b, double v)
{
	if (isnan(v))
		return 0;
	return pb_buf_addf(b, "%.6f", v == 0 ? 0.0 : v);
}

int pb_put_pp(struct pb_buf *b, double v)
{
	char tmp[64];

	if (isnan(v))
		return 0;
	snprintf(tmp, sizeof tmp, "%.2f", v);
	if (strcmp(tmp, "-0.00") == 0)
		return pb_buf_adds(b, "0.00");
	return pb_buf_adds(b, tmp);
}

double pb_rate(long long num, long long den)
{
	return den == 0 ? NAN : (double)num / (double)den;
}
