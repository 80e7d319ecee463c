/*
 * fuzz_value: the scalar parsers and printers (value.h), the vocabularies
 * and column table (vocab.h) and the Unicode helpers (text.h), as
 * properties that must hold for any text.
 *
 * Input: byte 0 sets pb_put_rounded's digits (low 3 bits), shift (bit 3: 2,
 * as for a rate shown in %) and plus sign (bit 4); the rest is the text.
 * When the text is at least 8 bytes, its first 8 are also read as a double.
 *
 * Properties:
 *  - a loose date is a real day from 1000 to 9999 and prints as a strict
 *    date that parses back to it; a strict date prints back as its text;
 *  - a loose whole number parses strictly once printed, to itself;
 *  - pb_put_number writes the shortest plain decimal (no exponent, no '+',
 *    never -0) and pb_parse_double reads it back as the same double, for
 *    every finite double, and pb_put_rounded can show that text;
 *  - pb_put_rounded writes exactly `digits` decimals; for a number (what
 *    pb_parse_double reads) it is within half a unit in the last place
 *    and idempotent;
 *  - a vocabulary value found by any spelling has a label, and its
 *    canonical value finds the same entry; a column found by name has it;
 *  - pb_utf8_invalid_at agrees with pb_utf8_next; trimming gives a sub-view;
 *    NFKC of valid UTF-8 is valid UTF-8, and normalizing again changes
 *    nothing (importing an imported register is stable).
 */
#include "fuzz.h"

#include <math.h>

#include "pb/text.h"
#include "pb/value.h"
#include "pb/vocab.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

static struct pb_buf buf, buf2;
static struct pb_norm norm, norm2;

static void check_dates(struct pb_str s)
{
	int32_t d, d2;
	char out[11];

	if (pb_parse_date_loose(s, &d) == 0) {
		FUZZ_CHECK(d >= pb_days_from_civil(1000, 1, 1) &&
		               d <= pb_days_from_civil(9999, 12, 31),
		           "day %d", (int)d);
		pb_format_date(d, out);
		FUZZ_CHECK(pb_parse_date((struct pb_str){ out, 10 }, &d2) == 0 && d2 == d,
		           "%s does not read back", out);
	}
	if (pb_parse_date(s, &d) == 0) {
		pb_format_date(d, out);
		FUZZ_CHECK(s.n == 10 && memcmp(s.p, out, 10) == 0, "strict date prints as %s", out);
		FUZZ_CHECK(pb_parse_date_loose(s, &d2) == 0 && d2 == d, "loose disagrees");
	}
}

static void check_ints(struct pb_str s)
{
	long long v, v2;
	char out[32];
	int n;

	if (pb_parse_int_loose(s, &v) == 0) {
		n = snprintf(out, sizeof out, "%lld", v);
		FUZZ_CHECK(pb_parse_int((struct pb_str){ out, (size_t)n }, &v2) == 0 && v2 == v,
		           "%s", out);
	}
	if (pb_parse_int(s, &v) == 0)
		FUZZ_CHECK(pb_parse_int_loose(s, &v2) == 0 && v2 == v, "loose disagrees on %lld",
		           v);
}

/* pb_put_number's text: plain, shortest enough, and the same double read back. */
static void check_number(double v)
{
	double back;
	size_t i;

	if (!isfinite(v))
		return;
	pb_buf_reset(&buf);
	FUZZ_CHECK(pb_put_number(&buf, v) == 0, "put_number failed");
	FUZZ_CHECK(buf.len > 0, "empty text for %a", v);
	for (i = 0; i < buf.len; i++)
		FUZZ_CHECK((buf.p[i] >= '0' && buf.p[i] <= '9') || buf.p[i] == '.' ||
		               (i == 0 && buf.p[i] == '-'),
		           "'%s' for %a", buf.p, v);
	FUZZ_CHECK(strcmp(buf.p, "-0") != 0, "-0");
	FUZZ_CHECK(pb_parse_double((struct pb_str){ buf.p, buf.len }, &back) == 0,
	           "'%.80s' (%zu bytes) for %a does not parse", buf.p, buf.len, v);
	FUZZ_CHECK(back == v, "'%s' reads back as %a, not %a", buf.p, back, v);
	/* what pb TSV carries, a report can show */
	pb_buf_reset(&buf2);
	FUZZ_CHECK(pb_put_rounded(&buf2, (struct pb_str){ buf.p, buf.len }, 2, 1, 1) == 0,
	           "'%.80s' (%zu bytes) cannot be shown rounded", buf.p, buf.len);
}

static void check_rounded(struct pb_str s, int digits, int shift, int plus)
{
	size_t i, point;
	const char *p;
	double v, r;

	pb_buf_reset(&buf);
	if (pb_put_rounded(&buf, s, shift, digits, plus) < 0)
		return;
	p = buf.p;
	if (*p == '-' || *p == '+')
		p++;
	for (i = 0; p[i] >= '0' && p[i] <= '9'; i++)
		;
	FUZZ_CHECK(i > 0, "'%s': no integer digits", buf.p);
	point = i;
	if (digits == 0) {
		FUZZ_CHECK(p[point] == '\0', "'%s' with 0 decimals", buf.p);
	} else {
		FUZZ_CHECK(p[point] == '.', "'%s': no point", buf.p);
		for (i = 1; p[point + i] >= '0' && p[point + i] <= '9'; i++)
			;
		FUZZ_CHECK(i - 1 == (size_t)digits && p[point + i] == '\0', "'%s': not %d decimals",
		           buf.p, digits);
	}
	FUZZ_CHECK(buf.p[0] != '+' || plus, "'%s': a plus sign not asked for", buf.p);
	if (pb_parse_double(s, &v) < 0)
		return; /* beyond a double: shown or refused, no more is promised */
	/* rounding the rounded text again changes nothing */
	pb_buf_reset(&buf2);
	FUZZ_CHECK(pb_put_rounded(&buf2, (struct pb_str){ buf.p, buf.len }, 0, digits, plus) == 0 &&
	               strcmp(buf.p, buf2.p) == 0,
	           "'%s' rounds again to '%s'", buf.p, buf2.p);
	/* within half a unit of the last place */
	if (fabs(v) < 1e12) {
		v *= shift ? 100 : 1;
		r = strtod(buf.p, NULL);
		FUZZ_CHECK(fabs(r - v) <= 0.5 * pow(10, -digits) + 1e-9 * fmax(1, fabs(v)),
		           "'%.*s' shifted %d rounds to '%s'", (int)s.n, s.p, shift, buf.p);
	}
}

static void check_vocab(struct pb_str s)
{
	enum pb_vocab_id v;
	char *z;
	const struct pb_column_def *c;

	for (v = PB_VOCAB_UNIT_TYPE; v < PB_VOCAB_COUNT; v++) {
		const struct pb_vocab_entry *e = pb_vocab_lookup(v, s);
		if (!e)
			continue;
		FUZZ_CHECK(pb_vocab_lookup(v, pb_str_z(e->value)) == e, "'%s' finds another entry",
		           e->value);
		FUZZ_CHECK(pb_vocab_label(v, pb_str_z(e->value), 0) != NULL, "'%s' has no label",
		           e->value);
	}
	z = pb_strdup_str(s);
	FUZZ_CHECK(z != NULL, "out of memory");
	if (strlen(z) == s.n) {
		c = pb_column_find(z);
		FUZZ_CHECK(!c || strcmp(c->name, z) == 0, "'%s' finds column %s", z, c->name);
		pb_buf_reset(&buf);
		pb_column_label(z, s.n & 1, &buf);
		FUZZ_CHECK(s.n == 0 || buf.len > 0, "no label for '%s'", z);
	}
	free(z);
}

static void check_text(struct pb_str s)
{
	size_t bad = pb_utf8_invalid_at(s.p, s.n), i = 0, first_bad = (size_t)-1;
	struct pb_str t = pb_text_trim(s), n1, n2;

	while (i < s.n) {
		int cp;
		size_t k = pb_utf8_next(s.p + i, s.n - i, &cp);
		FUZZ_CHECK(k >= 1 && k <= s.n - i, "step %zu at %zu", k, i);
		if (cp < 0 && first_bad == (size_t)-1)
			first_bad = i;
		i += k;
	}
	FUZZ_CHECK(bad == first_bad, "invalid at %zu, but pb_utf8_next fails at %zu", bad,
	           first_bad);
	FUZZ_CHECK(t.p >= s.p && t.p + t.n <= s.p + s.n, "trim left the string");
	(void)pb_text_width(s.p, s.n);
	if (bad != (size_t)-1)
		return;
	if (pb_norm_nfkc(&norm, s, &n1) < 0)
		return;
	FUZZ_CHECK(pb_utf8_invalid_at(n1.p, n1.n) == (size_t)-1, "NFKC made invalid UTF-8");
	FUZZ_CHECK(pb_norm_nfkc(&norm2, n1, &n2) == 0, "NFKC of NFKC failed");
	FUZZ_CHECK(pb_str_eq(n1, n2), "NFKC is not stable: '%.*s' then '%.*s'", (int)n1.n, n1.p,
	           (int)n2.n, n2.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pb_str s;
	double d, v;

	if (size < 1)
		return 0;
	s = (struct pb_str){ (const char *)data + 1, size - 1 };
	check_dates(s);
	check_ints(s);
	if (pb_parse_double(s, &v) == 0)
		check_number(v);
	if (s.n >= 8) {
		memcpy(&d, s.p, sizeof d);
		check_number(d);
	}
	check_rounded(s, data[0] & 7, data[0] & 8 ? 2 : 0, !!(data[0] & 16));
	check_vocab(s);
	check_text(s);
	return 0;
}
