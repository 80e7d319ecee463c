/*
 * coverage_exact: exact arithmetic for pb-coverage's derived figures. A
 * figure is built as one fraction of 128-bit integers — counts, days, and
 * decimal text read exactly (0.1 is 1/10, not the double nearest to it) —
 * and rounded to a double once, by pb_frac128.
 */
#include "coverage_int.h"

#include <math.h>
#include <string.h>

#include "pb/value.h"

#define I128_MAX ((__int128)(((unsigned __int128)1 << 127) - 1))

static unsigned __int128 gcd(unsigned __int128 a, unsigned __int128 b)
{
	while (b) {
		unsigned __int128 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static unsigned __int128 mag(__int128 v)
{
	return v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
}

int cov_frac_make(__int128 n, __int128 d, struct cov_frac *f)
{
	__int128 g;

	if (d == 0 || n == -I128_MAX - 1 || d == -I128_MAX - 1)
		return -1;
	if (d < 0) {
		n = -n;
		d = -d;
	}
	g = (__int128)gcd(mag(n), (unsigned __int128)d);
	f->n = n / g;
	f->d = d / g;
	return 0;
}

int cov_frac_sub(struct cov_frac a, struct cov_frac b, struct cov_frac *out)
{
	__int128 g = (__int128)gcd((unsigned __int128)a.d, (unsigned __int128)b.d), x, y, d;

	/* a.n/a.d - b.n/b.d over the least common denominator */
	if (__builtin_mul_overflow(a.n, b.d / g, &x) || __builtin_mul_overflow(b.n, a.d / g, &y) ||
	    __builtin_sub_overflow(x, y, &x) || __builtin_mul_overflow(a.d, b.d / g, &d))
		return -1;
	return cov_frac_make(x, d, out);
}

int cov_frac_mul(struct cov_frac a, struct cov_frac b, struct cov_frac *out)
{
	struct cov_frac x, y;
	__int128 n, d;

	/* cross-cancel first, so the products stay as small as the result allows */
	if (cov_frac_make(a.n, b.d, &x) < 0 || cov_frac_make(b.n, a.d, &y) < 0 ||
	    __builtin_mul_overflow(x.n, y.n, &n) || __builtin_mul_overflow(x.d, y.d, &d))
		return -1;
	return cov_frac_make(n, d, out);
}

int cov_frac_div(struct cov_frac a, struct cov_frac b, struct cov_frac *out)
{
	if (b.n == 0)
		return -1;
	return cov_frac_mul(a, (struct cov_frac){ b.d, b.n }, out);
}

double cov_frac_double(struct cov_frac f)
{
	return f.d ? pb_frac128(f.n, f.d) : NAN;
}

/* 10^e, or 0 when it does not fit. */
static __int128 pow10_i128(int e)
{
	__int128 p = 1;

	while (e-- > 0)
		if (__builtin_mul_overflow(p, 10, &p))
			return 0;
	return p;
}

int cov_frac_decimal(struct pb_str s, struct cov_frac *f)
{
	const char *p = s.p, *end = s.p + s.n;
	__int128 m = 0, scale;
	int neg = 0, digits = 0, point = 0, after = 0;
	long exp = 0;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < end && ((*p >= '0' && *p <= '9') || (*p == '.' && !point)); p++) {
		if (*p == '.') {
			point = 1;
			continue;
		}
		digits++;
		after += point;
		if (__builtin_mul_overflow(m, 10, &m) || __builtin_add_overflow(m, *p - '0', &m))
			return -1;
	}
	if (!digits)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		long long e;
		if (pb_parse_int((struct pb_str){ p + 1, (size_t)(end - p - 1) }, &e) < 0 ||
		    e < -60 || e > 60)
			return -1;
		exp = (long)e;
		p = end;
	}
	if (p != end)
		return -1;
	exp -= after;
	/* m * 10^exp: scale up the numerator or the denominator */
	if (!(scale = pow10_i128(exp < 0 ? (int)-exp : (int)exp)))
		return -1;
	if (exp > 0 && __builtin_mul_overflow(m, scale, &m))
		return -1;
	return cov_frac_make(neg ? -m : m, exp < 0 ? scale : 1, f);
}

int cov_frac_parse(struct pb_str s, struct cov_frac *f)
{
	const char *slash = memchr(s.p, '/', s.n);
	struct cov_frac a, b;

	if (!slash)
		return cov_frac_decimal(s, f);
	if (cov_frac_decimal((struct pb_str){ s.p, (size_t)(slash - s.p) }, &a) < 0 ||
	    cov_frac_decimal((struct pb_str){ slash + 1, s.n - (size_t)(slash - s.p) - 1 }, &b) < 0)
		return -1;
	return cov_frac_div(a, b, f);
}

int cov_time_rate(const char *z, struct cov_frac *f)
{
	if (cov_frac_parse(pb_str_z(z), f) < 0 || f->n < 0 || f->n > f->d)
		return -1;
	return 0;
}

/* ---------- decimal sums ---------- */

/* Scales d up to scale decimals. 0, or -1 when it does not fit. */
static int dec_rescale(struct cov_dec *d, int scale)
{
	__int128 p = pow10_i128(scale - d->scale);

	if (!p || __builtin_mul_overflow(d->m, p, &d->m))
		return -1;
	d->scale = scale;
	return 0;
}

int cov_dec_parse(struct pb_str s, struct cov_dec *d)
{
	const char *p = s.p, *end = s.p + s.n;
	int neg = 0, digits = 0, point = 0;

	d->m = 0;
	d->scale = 0;
	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < end; p++) {
		if (*p == '.' && !point) {
			point = 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			return -1;
		digits++;
		d->scale += point;
		if (d->scale > 30 || __builtin_mul_overflow(d->m, 10, &d->m) ||
		    __builtin_add_overflow(d->m, *p - '0', &d->m))
			return -1;
	}
	if (!digits)
		return -1;
	d->m = neg ? -d->m : d->m;
	return 0;
}

int cov_dec_add(struct cov_dec *acc, struct cov_dec v)
{
	struct cov_dec a = *acc;

	if ((a.scale < v.scale && dec_rescale(&a, v.scale) < 0) ||
	    (v.scale < a.scale && dec_rescale(&v, a.scale) < 0) ||
	    __builtin_add_overflow(a.m, v.m, &a.m))
		return -1;
	*acc = a;
	return 0;
}

struct cov_frac cov_dec_frac(struct cov_dec d)
{
	struct cov_frac f = { 0, 0 };

	if (cov_frac_make(d.m, pow10_i128(d.scale), &f) < 0)
		f = (struct cov_frac){ 0, 0 };
	return f;
}

int cov_dec_put(struct pb_buf *b, struct cov_dec d)
{
	char digits[48];
	unsigned __int128 u = mag(d.m);
	int n = 0, rc = 0;

	do {
		digits[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u || n <= d.scale);
	if (d.m < 0)
		rc |= pb_buf_addc(b, '-');
	while (n-- > 0) {
		rc |= pb_buf_addc(b, digits[n]);
		if (n == d.scale && n)
			rc |= pb_buf_addc(b, '.');
	}
	return rc < 0 ? -1 : 0;
}
