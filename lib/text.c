/* text: UTF-8 validation, NFKC, trimming and display width via utf8proc. */
#include "pb/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

size_t pb_utf8_invalid_at(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len;

		if ((unsigned char)p[i] < 0x80) {
			i++;
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

struct pb_str pb_text_trim(struct pb_str s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s.p;
	size_t start = 0, end = s.n;

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

/*
 * True when NFKC cannot change s: ASCII and CJK Unified Ideographs
 * (U+4E00..U+9FFF) have no decompositions and never compose, and they are
 * most of what registers hold, so the common field skips utf8proc.
 */
static int nfkc_stable(struct pb_str s)
{
	const unsigned char *p = (const unsigned char *)s.p, *end = p + s.n;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xE4 && *p <= 0xE9 && end - p >= 3 && (p[1] & 0xC0) == 0x80 &&
		    (p[2] & 0xC0) == 0x80) {
			unsigned cp = ((unsigned)(*p & 0x0F) << 12) |
			    ((unsigned)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
			if (cp >= 0x4E00 && cp <= 0x9FFF) {
				p += 3;
				continue;
			}
		}
		return 0;
	}
	return 1;
}

int pb_norm_nfkc(struct pb_norm *n, struct pb_str s, struct pb_str *out)
{
	const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE;
	utf8proc_ssize_t len;

	if (nfkc_stable(s)) {
		/* nothing to normalize: no copy on the common path */
		*out = pb_text_trim(s);
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
