/* buf: the growable buffer. */
#include "pb/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pb_str_eq(struct pb_str a, struct pb_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

int pb_str_eqz(struct pb_str a, const char *z)
{
	size_t i;

	/* one pass, no strlen: most calls differ at the first byte */
	for (i = 0; i < a.n; i++)
		if (z[i] == '\0' || z[i] != a.p[i])
			return 0;
	return z[a.n] == '\0';
}

int pb_str_cmp(struct pb_str a, struct pb_str b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	int d = n ? memcmp(a.p, b.p, n) : 0;

	if (d)
		return d;
	return (a.n > b.n) - (a.n < b.n);
}

struct pb_str pb_str_z(const char *z)
{
	return (struct pb_str){ z ? z : "", z ? strlen(z) : 0 };
}

int pb_list_split(struct pb_list *l, const char *z, char sep)
{
	size_t len, n = 1, i;
	char *mem, *p;

	l->v = NULL;
	l->n = 0;
	if (!z)
		return 0;
	len = strlen(z);
	for (i = 0; i < len; i++)
		n += z[i] == sep;
	/* the pointers, then the text they point into: one block, one free */
	l->v = malloc(n * sizeof *l->v + len + 1);
	if (!l->v)
		return -2;
	mem = (char *)(l->v + n);
	memcpy(mem, z, len + 1);
	for (p = mem;;) {
		char *end = strchr(p, sep);
		if (end)
			*end = '\0';
		if (!*p) {
			pb_list_release(l);
			return -1;
		}
		l->v[l->n++] = p;
		if (!end)
			return 0;
		p = end + 1;
	}
}

long pb_list_find(const struct pb_list *l, struct pb_str s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (pb_str_eqz(s, l->v[i]))
			return (long)i;
	return -1;
}

void pb_list_release(struct pb_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void pb_buf_init(struct pb_buf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->oom = 0;
}

void pb_buf_release(struct pb_buf *b)
{
	if (!b)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}

int pb_buf_grow(struct pb_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > (size_t)-1 / 2 - b->len) {
		b->oom = 1;
		errno = ENOMEM;
		return -1;
	}
	need = b->len + extra + 1;
	if (b->max && need - 1 > b->max) {
		errno = E2BIG;
		return -1;
	}
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		errno = ENOMEM;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Room for n more bytes and the NUL, within max: what the adds check before pb_buf_grow. */
static int has_room(const struct pb_buf *b, size_t n)
{
	return n < b->cap - b->len && (!b->max || n <= b->max - b->len);
}

/* Copies n <= 16 bytes with fixed-size moves, overlapping: no call for the short keys and fields.
 */
static void copy_short(char *d, const char *s, size_t n)
{
	uint64_t a, z;
	uint32_t x, y;

	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&z, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &z, 8);
	} else if (n >= 4) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(d, &x, 4);
		memcpy(d + n - 4, &y, 4);
	} else if (n) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

int pb_buf_add(struct pb_buf *b, const void *p, size_t n)
{
	if (!has_room(b, n) && pb_buf_grow(b, n) < 0)
		return -1;
	if (n <= 16)
		copy_short(b->p + b->len, p, n);
	else
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int pb_buf_addc(struct pb_buf *b, int c)
{
	if (!has_room(b, 1) && pb_buf_grow(b, 1) < 0)
		return -1;
	b->p[b->len++] = (char)c;
	b->p[b->len] = '\0';
	return 0;
}

int pb_buf_adds(struct pb_buf *b, const char *z)
{
	return pb_buf_add(b, z, strlen(z));
}

int pb_buf_vaddf(struct pb_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || pb_buf_grow(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int pb_buf_addf(struct pb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = pb_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void pb_buf_reset(struct pb_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

char *pb_buf_detach(struct pb_buf *b)
{
	char *p;

	if (b->oom || (!b->p && pb_buf_grow(b, 0) < 0)) {
		pb_buf_release(b);
		return NULL;
	}
	b->p[b->len] = '\0';
	p = b->p;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

int pb_grow_zeroed(void *arrp, size_t *cap, size_t i, size_t size)
{
	char *arr, *grown;
	size_t n;

	if (i < *cap)
		return 0;
	for (n = *cap ? *cap : 64; n <= i; n *= 2)
		if (n > (size_t)-1 / 2 / size)
			return -1;
	/* arrp points at a pointer of some other type: move it through memcpy */
	memcpy(&arr, arrp, sizeof arr);
	grown = realloc(arr, n * size);
	if (!grown)
		return -1;
	memset(grown + *cap * size, 0, (n - *cap) * size);
	memcpy(arrp, &grown, sizeof grown);
	*cap = n;
	return 0;
}

char *pb_strdup_str(struct pb_str s)
{
	char *p = malloc(s.n + 1);

	if (!p)
		return NULL;
	if (s.n)
		memcpy(p, s.p, s.n);
	p[s.n] = '\0';
	return p;
}
