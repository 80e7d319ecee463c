/* text: UTF-8 validation, NFKC, trimming and display width via utf8proc. */
#include "pb/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/*
 * The length of a CJK Unified Ideograph (U+4E00..U+9FFF) at p, else 0. Such
 * a sequence is well-formed UTF-8, is no space, and has no decomposition
 * and never composes under NFKC; most of what registers hold is these and
 * ASCII, so the common field never reaches utf8proc.
 */
static size_t cjk_at(const unsigned char *p, size_t n)
{
	if (n < 3 || p[0] < 0xE4 || p[0] > 0xE9 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
		return 0;
	return p[0] == 0xE4 && p[1] < 0xB8 ? 0 : 3;
}

/* Eight bytes at p, in an unaligned load the compiler makes one instruction. */
static uint64_t load8(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof w);
	return w;
}

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
/* Does the word hold a byte below n (n <= 128, no byte of w above 127)? */
#define HAS_BELOW(w, n) ((((w)-ONES * (n)) & ~(w)&HIGHS) != 0)
/* Does the word hold the byte c? */
#define HAS_BYTE(w, c) HAS_BELOW((w) ^ (ONES * (c)), 1)

/* Is p[0..3) a CJK ideograph, as cjk_at says, with three bytes known to be there? */
static int cjk3(const unsigned char *p)
{
	uint32_t x = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

	/* U+4E00 is E4 B8 80, U+9FFF E9 BF BF: between them, continuations make it one */
	return (x & 0xC0C0) == 0x8080 && x - 0xE4B880u <= 0xE9BFBFu - 0xE4B880u;
}

unsigned pb_text_scan(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	unsigned flags = 0;

	while (p < end) {
		if (*p >= 0x80) {
			while (end - p >= 3 && cjk3(p))
				p += 3;
			if (p < end && *p >= 0x80)
				return flags | PB_TEXT_OTHER;
			continue;
		}
		/* eight ASCII bytes at a time while none is a control character or backslash */
		while (end - p >= 8) {
			uint64_t w = load8(p);
			if ((w & HIGHS) || HAS_BELOW(w, 0x20) || HAS_BYTE(w, '\\'))
				break;
			p += 8;
		}
		for (; p < end && *p < 0x80; p++)
			if (*p < 0x20 || *p == '\\')
				flags |= *p == '\0' ? PB_TEXT_NUL
				    : *p == '\t' || *p == '\n' || *p == '\r' || *p == '\\'
				    ? PB_TEXT_ESCAPE
				    : 0;
	}
	if (n && ((unsigned char)s[0] <= ' ' || (unsigned char)s[n - 1] <= ' '))
		flags |= PB_TEXT_EDGE;
	return flags;
}

size_t pb_utf8_invalid_at(const char *p, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len;

		if ((unsigned char)p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = cjk_at((const unsigned char *)p + i, n - i)) != 0) {
			i += k;
			continue;
		}
		len = utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i),
		                       &cp);
		if (len < 0)
			return i;
		i += (size_t)len;
	}
	return (size_t)-1;
}

static int is_space_cp(utf8proc_int32_t cp)
{
	if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f')
		return 1;
	if (cp < 0x80)
		return 0;
	return cp == 0xFEFF || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

size_t pb_utf8_next(const char *p, size_t n, int *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t len =
	    utf8proc_iterate((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, &c);

	if (len <= 0) {
		*cp = -1;
		return 1;
	}
	*cp = c;
	return (size_t)len;
}

static int ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

struct pb_str pb_text_trim_plain(struct pb_str s)
{
	while (s.n > 0 && ascii_space((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && ascii_space((unsigned char)s.p[s.n - 1]))
		s.n--;
	return s;
}

/* Is there no space to trim at either end of s, as far as a look at the ends can tell? */
static int untrimmed(struct pb_str s)
{
	const unsigned char *p = (const unsigned char *)s.p;

	if (s.n == 0)
		return 1;
	if (p[0] < 0x80 ? ascii_space(p[0]) : !cjk_at(p, s.n))
		return 0;
	if (p[s.n - 1] < 0x80)
		return !ascii_space(p[s.n - 1]);
	return s.n >= 3 && cjk_at(p + s.n - 3, 3);
}

struct pb_str pb_text_trim(struct pb_str s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s.p;
	size_t start = 0, end = s.n;

	if (untrimmed(s))
		return s;
	while (start < end) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len =
		    utf8proc_iterate(p + start, (utf8proc_ssize_t)(end - start), &cp);
		if (len < 0 || !is_space_cp(cp))
			break;
		start += (size_t)len;
	}
	while (end > start) {
		/* step back to the start of the last code point */
		size_t k = end - 1;
		utf8proc_int32_t cp;
		utf8proc_ssize_t len;
		while (k > start && (p[k] & 0xC0) == 0x80)
			k--;
		len = utf8proc_iterate(p + k, (utf8proc_ssize_t)(end - k), &cp);
		if (len < 0 || !is_space_cp(cp))
			break;
		end = k;
	}
	return (struct pb_str){ s.p + start, end - start };
}

int pb_norm_nfkc(struct pb_norm *n, struct pb_str s, struct pb_str *out)
{
	const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE;
	unsigned flags = pb_text_scan(s.p, s.n);
	utf8proc_ssize_t len;

	if (!(flags & PB_TEXT_OTHER)) {
		/* nothing to normalize: no copy on the common path */
		*out = flags & PB_TEXT_EDGE ? pb_text_trim_plain(s) : s;
		return 0;
	}
	for (;;) {
		len = utf8proc_decompose((const utf8proc_uint8_t *)s.p, (utf8proc_ssize_t)s.n,
		                         (utf8proc_int32_t *)n->ucs, (utf8proc_ssize_t)n->cap, opt);
		if (len < 0)
			return -1;
		if ((size_t)len <= n->cap)
			break;
		free(n->ucs);
		n->cap = (size_t)len + 64;
		n->ucs = malloc(n->cap * sizeof *n->ucs);
		if (!n->ucs) {
			n->cap = 0;
			return -1;
		}
	}
	len = utf8proc_normalize_utf32((utf8proc_int32_t *)n->ucs, len, opt);
	if (len < 0)
		return -1;
	pb_buf_reset(&n->out);
	if (pb_buf_grow(&n->out, (size_t)len * 4) < 0)
		return -1;
	{
		utf8proc_ssize_t i;
		char *dst = n->out.p;
		for (i = 0; i < len; i++)
			dst += utf8proc_encode_char(n->ucs[i], (utf8proc_uint8_t *)dst);
		n->out.len = (size_t)(dst - n->out.p);
		n->out.p[n->out.len] = '\0';
	}
	*out = pb_text_trim((struct pb_str){ n->out.p, n->out.len });
	return 0;
}

void pb_norm_release(struct pb_norm *n)
{
	if (!n)
		return;
	free(n->ucs);
	n->ucs = NULL;
	n->cap = 0;
	pb_buf_release(&n->out);
}

size_t pb_text_width(const char *p, size_t n)
{
	size_t i = 0, w = 0;

	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)p + i,
		                                        (utf8proc_ssize_t)(n - i), &cp);
		if (len < 0) {
			w++;
			i++;
			continue;
		}
		w += (size_t)utf8proc_charwidth(cp);
		i += (size_t)len;
	}
	return w;
}

int pb_text_eq_ascii_ci(struct pb_str a, const char *z)
{
	size_t i, n = strlen(z);

	if (a.n != n)
		return 0;
	for (i = 0; i < n; i++) {
		char x = a.p[i], y = z[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}
