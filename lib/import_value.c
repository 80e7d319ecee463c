/* import_value: normalizing and checking values, derived ids, and the rules of each kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"
#include "pb/value.h"

/* A value that needs no escaping: a constant, a canonical word, "" (p points to it). */
static void vset_plain(struct import *im, int pos, const char *p, size_t n)
{
	im->vals[pos] = (struct val){ .p = p, .n = n, .esc = 0 };
}

/*
 * A value pb-import wrote (a number, a date, an id): copied to scratch; no
 * escaping. Out of memory leaves it empty and sets im->oom: the run ends.
 */
static void vset_copy(struct import *im, int pos, const char *p, size_t n)
{
	im->vals[pos] = (struct val){ .p = NULL, .off = im->scratch.len, .n = n, .esc = 0 };
	if (pb_buf_add(&im->scratch, p, n) < 0) {
		vset_plain(im, pos, "", 0);
		im->oom = 1;
	}
}

static const char *col_label(const struct plan *pl, int pos)
{
	return pl->defs[pos]->name;
}

/*
 * Uses s (from a field; esc: it may hold bytes pb TSV escapes) as the value;
 * copies it when it lives in the normalizer's reused buffer.
 */
static int keep_view(struct import *im, int pos, struct pb_str s, int esc)
{
	if (im->norm.out.p && s.p >= im->norm.out.p && s.p < im->norm.out.p + im->norm.out.cap)
		vset_copy(im, pos, s.p, s.n);
	else
		vset_plain(im, pos, s.p, s.n);
	im->vals[pos].esc = esc;
	return 0;
}

/* Digits only, no sign, no leading zero: already how pb TSV writes a count. */
static int canonical_int(struct pb_str s)
{
	size_t i;

	if (s.n == 0 || s.n > 18 || (s.p[0] == '0' && s.n > 1))
		return 0;
	for (i = 0; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return 1;
}

/* The integer digits of a bare number (digits, maybe a fraction), else 0. */
static size_t excel_digits(struct pb_str s)
{
	size_t i = 0, n;

	while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
		i++;
	n = i;
	if (n && i < s.n && s.p[i] == '.')
		for (i++; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++)
			;
	return i == s.n ? n : 0;
}

/* A bare number is a date only as a 5-digit Excel day number, YYYYMM, YYYYMMDD or YYYY.M. */
static int bare_number_date(struct pb_str s)
{
	size_t n = excel_digits(s);
	const char *dot = memchr(s.p, '.', s.n);

	if (n == 0 || n == 5)
		return 1;
	if (!dot)
		return n == 6 || n == 8;
	return n == 4 && s.n - n - 1 >= 1 && s.n - n - 1 <= 2;
}

/*
 * 1,234.5 as 1234.5 (in tmp) when the commas are thousands separators of the
 * integer part, as pb_parse_int_loose accepts them; otherwise s unchanged.
 */
static struct pb_str drop_thousands(struct pb_str s, char *tmp, size_t cap)
{
	const char *dot = memchr(s.p, '.', s.n);
	size_t ip = dot ? (size_t)(dot - s.p) : s.n, i, n = 0;
	long long v;

	if (!memchr(s.p, ',', ip) || memchr(s.p + ip, ',', s.n - ip) || s.n >= cap ||
	    s.p[ip - 1] < '0' || s.p[ip - 1] > '9' ||
	    pb_parse_int_loose((struct pb_str){ s.p, ip }, &v) < 0)
		return s;
	for (i = 0; i < s.n; i++)
		if (s.p[i] != ',')
			tmp[n++] = s.p[i];
	return (struct pb_str){ tmp, n };
}

/* What registers write where a name is missing: 无, 暂无, /, — … */
static int placeholder(struct pb_str s)
{
	static const char *const words[] = { "无",   "暂无", "没有", "空",   "待定", "未定",
		                             "/",    "-",    "--",   "—",    "——",   "0",
		                             "none", "n/a",  "na",   "null", NULL };
	const char *const *w;

	for (w = words; *w; w++)
		if (pb_text_eq_ascii_ci(s, *w))
			return 1;
	return 0;
}

/* YYYY-MM-DD of a day in the years 1000 to 9999, into out[0..10). */
static void put_ymd(int32_t day, char *out)
{
	int y;
	unsigned m, d;

	pb_civil_from_days(day, &y, &m, &d);
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
}

/* A date column's value: a real day from 1949 to 2100, written YYYY-MM-DD. -1 with reason. */
static int check_date(struct import *im, const struct plan *pl, int pos, struct pb_str s, int esc)
{
	const int norm = im->o->normalize;
	int32_t day;
	char tmp[11];

	if (norm && !bare_number_date(s))
		FAIL("%s: '%.*s' is not a date; a bare number is a date only as an Excel "
		     "day "
		     "number of 5 digits (44777 = 2022-08-04), YYYYMM or YYYYMMDD, so a "
		     "year alone is not taken for one",
		     col_label(pl, pos), (int)s.n, s.p);
	if ((norm ? pb_parse_date_loose(s, &day) : pb_parse_date(s, &day)) < 0)
		FAIL("%s: '%.*s' is not a date; expected YYYY-MM-DD (2022-8-4, 2022/08/04, "
		     "2022年8月4日, 20220612, a month as 2022年6月, 2022.6 or 202206, and "
		     "Excel day numbers are read too)",
		     col_label(pl, pos), (int)s.n, s.p);
	if (day < pb_days_from_civil(1949, 1, 1) || day > pb_days_from_civil(2100, 12, 31))
		FAIL("%s: '%.*s' is not a date from 1949 to 2100", col_label(pl, pos), (int)s.n,
		     s.p);
	/* a future closing or dissolution is a plan; a future start is a mistake */
	if (im->o->kind == PB_KIND_UNITS && day > im->as_of &&
	    (pos == im->p_established || pos == im->p_opened)) {
		char asof[11];
		pb_format_date(day, tmp);
		pb_format_date(im->as_of, asof);
		FAIL("%s: %s is after the as-of date %s", col_label(pl, pos), tmp, asof);
	}
	/* already YYYY-MM-DD: keep the bytes */
	put_ymd(day, tmp);
	if (s.n == 10 && memcmp(s.p, tmp, 10) == 0)
		return keep_view(im, pos, s, esc);
	vset_copy(im, pos, tmp, 10);
	return 0;
}

/* A vocabulary's entry for a spelling, and the length of its canonical value. */
struct vocab_hit {
	const struct pb_vocab_entry *e;
	size_t n;
};

/*
 * The entry a value names in its column's vocabulary. A register repeats a
 * few spellings millions of times: each is looked up in the table once,
 * then found in a set (a bounded number of them; misses are not kept).
 */
static struct vocab_hit vocab_lookup(struct import *im, const struct pb_column_def *def, int pos,
                                     struct pb_str s)
{
	struct keyset *seen = &im->vocab_seen[pos];
	struct vocab_hit hit;
	int is_new;
	void *p = pb_keyset_find(seen, s.p, s.n);

	if (p) {
		memcpy(&hit, p, sizeof hit);
		return hit;
	}
	hit.e = pb_vocab_lookup(def->vocab, s);
	hit.n = hit.e ? strlen(hit.e->value) : 0;
	if (hit.e && seen->count < VOCAB_SEEN_MAX &&
	    (p = pb_keyset_put(seen, s.p, s.n, &is_new)) != NULL)
		memcpy(p, &hit, sizeof hit);
	return hit;
}

/*
 * Normalizes and checks one schema value by its column kind (esc: s may hold
 * bytes pb TSV escapes). -1 with reason.
 */
static int check_value(struct import *im, const struct plan *pl, int pos, struct pb_str s, int esc)
{
	const struct pb_column_def *def = pl->defs[pos];
	const int norm = im->o->normalize;
	long long iv;
	double dv;
	char tmp[32];

	if (s.n == 0) {
		vset_plain(im, pos, "", 0);
		return 0;
	}
	switch (def->kind) {
	case PB_COL_VOCAB: {
		struct vocab_hit hit = vocab_lookup(im, def, pos, s);
		if (!hit.e || (!norm && !pb_str_eqz(s, hit.e->value)))
			FAIL("%s: '%.*s' is not one of %s", col_label(pl, pos), (int)s.n, s.p,
			     pb_vocab_list(def->vocab));
		vset_plain(im, pos, hit.e->value, hit.n);
		return 0;
	}
	case PB_COL_INT:
		if ((norm ? pb_parse_int_loose(s, &iv) : pb_parse_int(s, &iv)) < 0)
			FAIL("%s: '%.*s' is not a whole number", col_label(pl, pos), (int)s.n, s.p);
		if (iv < 0)
			FAIL("%s: %lld is negative; expected a whole number >= 0",
			     col_label(pl, pos), iv);
		if (canonical_int(s))
			return keep_view(im, pos, s, esc);
		snprintf(tmp, sizeof tmp, "%lld", iv);
		vset_copy(im, pos, tmp, strlen(tmp));
		return 0;
	case PB_COL_NUM:
		if (norm && s.n > 3 && memcmp(s.p + s.n - 3, "分", 3) == 0)
			s.n -= 3;
		if (norm)
			s = drop_thousands(s, tmp, sizeof tmp);
		if (pb_parse_double(s, &dv) < 0)
			FAIL("%s: '%.*s' is not a number", col_label(pl, pos), (int)s.n, s.p);
		pb_buf_reset(&im->key);
		if (pb_put_number(&im->key, dv) < 0)
			OOM();
		vset_copy(im, pos, im->key.p, im->key.len);
		return 0;
	case PB_COL_DATE: return check_date(im, pl, pos, s, esc);
	default:
		if (pos == im->p_instructor && norm && placeholder(s))
			FAIL("%s: '%.*s' is not a name", col_label(pl, pos), (int)s.n, s.p);
		return keep_view(im, pos, s, esc);
	}
}

void pb_import_derive_id(char prefix, const struct pb_str *parts, size_t nparts, char out[18])
{
	static const char hex[] = "0123456789abcdef";
	const uint64_t prime = 0x100000001b3ULL;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i, j;
	int k;

	/* pb_hash (FNV-1a-64) of the parts joined by U+001F, a byte at a time: nothing to copy */
	for (i = 0; i < nparts; i++) {
		if (i)
			h = (h ^ 0x1f) * prime;
		for (j = 0; j < parts[i].n; j++)
			h = (h ^ (unsigned char)parts[i].p[j]) * prime;
	}
	out[0] = prefix;
	for (k = 16; k >= 1; k--, h >>= 4)
		out[k] = hex[h & 15];
	out[17] = '\0';
}

static int is_mode(struct pb_str mode, const char *a, const char *b)
{
	return pb_str_eqz(mode, a) || pb_str_eqz(mode, b);
}

/*
 * What pb-import derives for a unit: unit_type from its name, org_id from
 * org_name (single and joint only: a work or none unit's org_name is the
 * organization that sends its instructor, not its own), unit_id from the
 * region and name. vset_copy may move the scratch buffer, so no view into it
 * is held across a derivation.
 */
static void derive_units(struct import *im)
{
	struct pb_str org_name;
	char id[18];

	if (pb_import_val(im, im->p_unit_type).n == 0) {
		const char *t = pb_rules_match(im->rules, pb_import_val(im, im->p_unit_name));
		if (!t)
			t = "other";
		vset_plain(im, im->p_unit_type, t, strlen(t));
	}
	if (pb_import_val(im, im->p_org_id).n == 0 && pb_import_val(im, im->p_org_name).n > 0 &&
	    is_mode(pb_import_val(im, im->p_org_mode), "single", "joint")) {
		org_name = pb_import_val(im, im->p_org_name);
		if (im->ahead.n == org_name.n &&
		    memcmp(im->ahead.name, org_name.p, org_name.n) == 0)
			memcpy(id, im->ahead.id, sizeof id); /* derived from these bytes ahead */
		else
			pb_import_derive_id('o', &org_name, 1, id);
		vset_copy(im, im->p_org_id, id, 17);
	}
	if (pb_import_val(im, im->p_unit_id).n == 0) {
		struct pb_str parts[5] = { pb_import_val(im, im->p_city),
			                   pb_import_val(im, im->p_district),
			                   pb_import_val(im, im->p_town),
			                   pb_import_val(im, im->p_community),
			                   pb_import_val(im, im->p_unit_name) };
		pb_import_derive_id('u', parts, 5, id);
		vset_copy(im, im->p_unit_id, id, 17);
	}
}

/* The rules within one unit's row. */
static int check_unit_fields(struct import *im)
{
	struct pb_str mode = pb_import_val(im, im->p_org_mode),
	              org_id = pb_import_val(im, im->p_org_id);
	struct pb_str a = pb_import_val(im, im->p_established),
	              b = pb_import_val(im, im->p_dissolved);

	if (pb_import_val(im, im->p_unit_name).n == 0)
		FAIL("unit_name is empty; every unit needs a name");
	if (mode.n == 0)
		FAIL("org_mode is empty; expected %s", pb_vocab_list(PB_VOCAB_ORG_MODE));
	if (is_mode(mode, "single", "joint") && org_id.n == 0)
		FAIL("org_mode %.*s needs its organization: org_id or org_name is empty",
		     (int)mode.n, mode.p);
	if (is_mode(mode, "work", "none") && org_id.n)
		FAIL("org_mode %.*s means no organization of its own, but org_id is '%.*s'",
		     (int)mode.n, mode.p, (int)org_id.n, org_id.p);
	if (a.n && b.n && memcmp(a.p, b.p, 10) > 0)
		FAIL("dissolved %.*s is before established %.*s", 10, b.p, 10, a.p);
	a = pb_import_val(im, im->p_opened);
	b = pb_import_val(im, im->p_closed);
	if (a.n && b.n && memcmp(a.p, b.p, 10) > 0)
		FAIL("closed %.*s is before opened %.*s", 10, b.p, 10, a.p);
	return 0;
}

/* Where a key was first seen, from its payload. */
static struct seen seen_of(const void *payload)
{
	uint64_t v;

	memcpy(&v, payload, sizeof v);
	return pb_seen_unpack(v);
}

/* Records a key that passed where a seek left it; 0, or -1 out of memory (im->oom set). */
static int remember(struct import *im, struct keyset *set, struct keyspot *at, struct pb_str key,
                    long line, char mode)
{
	struct seen w = { line, im->cur_file_no, mode };
	uint64_t v = pb_seen_pack(&w);
	void *p = pb_keyset_add(set, at, key.p ? key.p : "", key.n);

	if (!p)
		OOM();
	memcpy(p, &v, sizeof v);
	return 0;
}

/* The rules across units; records ids and organizations when the row passes. */
static int check_units(struct import *im, long line)
{
	struct pb_str mode, org_id, org_name, unit_id;
	struct keyspot id_at, org_at;
	void *id_seen, *org_seen = NULL;
	struct seen w;
	char wbuf[300];

	derive_units(im);
	unit_id = pb_import_val(im, im->p_unit_id);
	org_id = pb_import_val(im, im->p_org_id);
	/* both sets' slots are fetched while the row's own rules are checked */
	pb_keyset_aim(&im->ids, unit_id.p, unit_id.n, &id_at);
	if (org_id.n)
		pb_keyset_aim(&im->orgs, org_id.p, org_id.n, &org_at);
	if (check_unit_fields(im) < 0)
		return -1;
	mode = pb_import_val(im, im->p_org_mode);
	org_name = pb_import_val(im, im->p_org_name);
	if ((id_seen = pb_keyset_seek(&im->ids, unit_id.p, unit_id.n, &id_at)) != NULL) {
		w = seen_of(id_seen);
		FAIL("unit_id '%.*s' is already used on %s; unit ids must be unique",
		     (int)unit_id.n, unit_id.p, pb_import_seen_at(im, &w, wbuf, sizeof wbuf));
	}
	if (org_id.n && (org_seen = pb_keyset_seek(&im->orgs, org_id.p, org_id.n, &org_at))) {
		/* messages name an organization as the register does: by its name */
		struct pb_str who = org_name.n ? org_name : org_id;
		w = seen_of(org_seen);
		if (w.mode == 's' || pb_str_eqz(mode, "single"))
			FAIL("organization '%.*s' already covers the unit on %s%s; a single "
			     "organization covers exactly one unit",
			     (int)who.n, who.p, pb_import_seen_at(im, &w, wbuf, sizeof wbuf),
			     w.mode == 's' ? " as single" : " as joint");
	}
	/* the row passes: remember its ids (an organization where it was first seen) */
	if (remember(im, &im->ids, &id_at, unit_id, line, 0) < 0)
		return -1;
	if (org_id.n && !org_seen &&
	    remember(im, &im->orgs, &org_at, org_id, line, pb_str_eqz(mode, "single") ? 's' : 'j') <
	        0)
		return -1;
	return 0;
}

/*
 * Field col of the next record, when it is read ahead and no space at its
 * ends says normalization will change it (if it does, the guess is wasted).
 */
static int peek_plain(const struct import *im, int col, struct pb_str *s)
{
	return col >= 0 && pb_input_peek(im->in, (size_t)col, s) && s->n &&
	    (unsigned char)s->p[0] > ' ' && (unsigned char)s->p[s->n - 1] > ' ';
}

void pb_import_aim_ahead(struct import *im, const struct plan *pl)
{
	struct derived *d = &im->ahead;
	struct pb_str s;

	d->n = 0;
	if (im->o->kind != PB_KIND_UNITS)
		return;
	if (peek_plain(im, pl->src[im->p_unit_id], &s))
		pb_keyset_prefetch(&im->ids, s.p, s.n);
	if (peek_plain(im, pl->src[im->p_org_id], &s)) {
		pb_keyset_prefetch(&im->orgs, s.p, s.n);
	} else if (pl->src[im->p_org_id] < 0 && peek_plain(im, pl->src[im->p_org_name], &s) &&
	           s.n <= sizeof d->name) {
		/* the id the next row will derive, kept for it */
		memcpy(d->name, s.p, s.n);
		d->n = s.n;
		pb_import_derive_id('o', &s, 1, d->id);
		pb_keyset_prefetch(&im->orgs, d->id, 17);
	}
}

/* A uniqueness key over some positions; -1 with reason when seen before. */
static int check_unique(struct import *im, const int *pos, size_t n, long line, const char *what)
{
	struct keyspot at;
	struct pb_str key;
	char wbuf[300];
	struct seen w;
	size_t i;
	void *p;

	pb_buf_reset(&im->key);
	for (i = 0; i < n; i++) {
		struct pb_str s = pb_import_val(im, pos[i]);
		if ((i && pb_buf_addc(&im->key, '\x1f') < 0) || pb_buf_add(&im->key, s.p, s.n) < 0)
			OOM();
	}
	key = (struct pb_str){ im->key.p ? im->key.p : "", im->key.len };
	pb_keyset_aim(&im->ids, key.p, key.n, &at);
	if ((p = pb_keyset_seek(&im->ids, key.p, key.n, &at)) != NULL) {
		w = seen_of(p);
		FAIL("duplicate %s (first on %s)", what,
		     pb_import_seen_at(im, &w, wbuf, sizeof wbuf));
	}
	return remember(im, &im->ids, &at, key, line, 0);
}

static int check_kind(struct import *im, long line)
{
	switch (im->o->kind) {
	case PB_KIND_UNITS: return check_units(im, line);
	case PB_KIND_SCORES: {
		struct pb_str eid = pb_import_val(im, im->p_entity_id),
		              ename = pb_import_val(im, im->p_entity_name);
		int key[4] = { im->p_entity_id, im->p_indicator, im->p_judge, im->p_period };
		char id[18];
		if (eid.n == 0) {
			if (ename.n == 0)
				FAIL("entity_id and entity_name are both empty");
			pb_import_derive_id('e', &ename, 1, id);
			vset_copy(im, im->p_entity_id, id, 17);
		}
		if (pb_import_val(im, im->p_indicator).n == 0)
			FAIL("indicator is empty");
		if (pb_import_val(im, im->p_score).n == 0)
			FAIL("score is empty");
		if (check_unique(im, key, 4, line,
		                 "score for the same entity_id, indicator, judge and period") < 0)
			return -1;
		return 0;
	}
	case PB_KIND_LINKS: {
		struct pb_str a = pb_import_val(im, im->p_from), b = pb_import_val(im, im->p_to);
		int key[3] = { im->p_from, im->p_to, im->p_link_type };
		if (a.n == 0 || b.n == 0)
			FAIL("%s is empty", a.n == 0 ? "from_id" : "to_id");
		if (pb_str_eq(a, b))
			FAIL("from_id and to_id are both '%.*s'; a unit cannot pair with itself",
			     (int)a.n, a.p);
		return check_unique(im, key, 3, line, "link (same from_id, to_id and link_type)");
	}
	case PB_KIND_TARGETS: {
		struct pb_str a = pb_import_val(im, im->p_start), b = pb_import_val(im, im->p_end);
		if (pb_import_val(im, im->p_target).n == 0)
			FAIL("target is empty");
		if (a.n == 0 || b.n == 0)
			FAIL("%s is empty", a.n == 0 ? "period_start" : "period_end");
		if (memcmp(a.p, b.p, 10) > 0)
			FAIL("period_end %.*s is before period_start %.*s", 10, b.p, 10, a.p);
		return 0;
	}
	default: return 0;
	}
}

/* Checks, normalizes and writes one record; -1 with reason set when it must be rejected. */
/*
 * A bad value in an optional column (a date, a count, a kind, an instructor)
 * does not cost the unit: the field is left empty and the row written, with
 * a note said once the row is; --strict rejects the row instead. 0 when
 * emptied, -1 to reject (im->reason kept; im->oom set when out of memory).
 */
static int leave_empty(struct import *im, const struct plan *pl, int pos)
{
	const struct pb_column_def *def = pl->defs[pos];
	const char *const *req;

	if (im->o->strict || pos == im->p_unit_type)
		return -1;
	if (!(def->kind == PB_COL_DATE || def->kind == PB_COL_INT || def->kind == PB_COL_NUM ||
	      def->kind == PB_COL_VOCAB || pos == im->p_instructor))
		return -1;
	for (req = im->kd->required; *req; req++)
		if (strcmp(*req, def->name) == 0)
			return -1;
	if (pb_buf_add(&im->notes, im->reason.p, im->reason.len) < 0 ||
	    pb_buf_add(&im->notes, "; left empty", sizeof "; left empty") < 0)
		OOM();
	im->nnotes++;
	vset_plain(im, pos, "", 0);
	return 0;
}

int pb_import_check_row(struct import *im, const struct plan *pl, const struct row *r)
{
	size_t i;

	pb_buf_reset(&im->scratch);
	for (i = 0; i < pl->nschema; i++) {
		struct pb_str s, was;
		unsigned flags;
		vset_plain(im, (int)i, "", 0);
		if (pl->src[i] < 0)
			continue;
		s = r->f[pl->src[i]];
		flags = r->flags[pl->src[i]];
		if (im->o->normalize && (flags & PB_TEXT_OTHER)) {
			if (pb_norm_nfkc(&im->norm, s, &s) < 0)
				OOM();
		} else if (im->o->normalize && (flags & PB_TEXT_EDGE)) {
			s = pb_text_trim_plain(s);
		}
		was = s;
		if (im->has_alias && im->has_alias[i])
			s = pb_import_alias(im, (int)i, s);
		if (s.p != was.p)
			flags = PB_TEXT_OTHER; /* the canonical value of an alias: not scanned */
		if (check_value(im, pl, (int)i, s,
		                (flags & (PB_TEXT_OTHER | PB_TEXT_ESCAPE)) != 0) < 0 &&
		    leave_empty(im, pl, (int)i) < 0)
			return -1;
	}
	return check_kind(im, r->line);
}
