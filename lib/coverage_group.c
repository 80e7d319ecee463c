/* coverage_group: pb-coverage's aggregate — groups, their counts, sums, sets and value counts. */
#include "coverage_int.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pb/diag.h"

const char *const cov_count_names[COV_NCOUNTS] = {
	[COV_UNITS] = "units",
	[COV_SINGLE] = "single",
	[COV_JOINT] = "joint",
	[COV_WORK] = "work",
	[COV_NONE] = "none",
	[COV_MEMBERS] = "members",
	[COV_SHOULD_BUILD] = "should_build",
	[COV_COVERED] = "covered",
	[COV_BUILT_SINCE] = "built_since",
};

void cov_row_error(struct cov *c, const char *file, long line, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (c->quiet) {
		c->errors++;
		return;
	}
	pb_buf_reset(&c->msg);
	va_start(ap, fmt);
	rc = pb_buf_vaddf(&c->msg, fmt, ap);
	va_end(ap);
	pb_warn_at(file, line, "%s", rc < 0 || !c->msg.p ? "bad row" : c->msg.p);
	c->errors++;
}

int cov_key_add(struct pb_buf *k, struct pb_str v)
{
	uint32_t n = (uint32_t)v.n;

	if (pb_buf_add(k, &n, sizeof n) < 0)
		return -1;
	return pb_buf_add(k, v.p, v.n);
}

void cov_key_values(struct pb_str key, struct pb_str *out, size_t n)
{
	const char *p = key.p;
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t len;
		memcpy(&len, p, sizeof len);
		p += sizeof len;
		out[i] = (struct pb_str){ p, len };
		p += len;
	}
}

long cov_agg_group(struct cov_agg *a)
{
	long g = pb_map_put(&a->groups, a->key.p ? a->key.p : "", a->key.len, NULL);

	if (g < 0 || pb_grow_zeroed(&a->st, &a->st_cap, (size_t)g, sizeof *a->st) < 0)
		return -1;
	return g;
}

/* One step of a multiplicative hash: a word at a time, where pb_hash goes a byte at a time. */
static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/* The hash of a group's values, as the row holds them. */
static uint64_t hash_values(const struct pb_str *v, size_t n)
{
	uint64_t h = 0x243f6a8885a308d3ULL, w;
	size_t i, j;

	for (i = 0; i < n; i++) {
		h = mix(h, v[i].n);
		for (j = 0; j + 8 <= v[i].n; j += 8) {
			memcpy(&w, v[i].p + j, 8);
			h = mix(h, w);
		}
		if (j < v[i].n) {
			w = 0;
			memcpy(&w, v[i].p + j, v[i].n - j);
			h = mix(h, w);
		}
	}
	return h;
}

/* Whether n bytes at a and b are the same: words at a time, for short values. */
static int same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return 0;
	}
	for (; n; a++, b++, n--)
		if (*a != *b)
			return 0;
	return 1;
}

/* Whether an encoded key holds exactly these n values. */
static int key_is(struct pb_str key, const struct pb_str *v, size_t n)
{
	size_t at = 0, i;
	uint32_t len;

	for (i = 0; i < n; i++) {
		if (key.n - at < sizeof len)
			return 0;
		memcpy(&len, key.p + at, sizeof len);
		at += sizeof len;
		if (len != v[i].n || !same_bytes(key.p + at, v[i].p, len))
			return 0;
		at += len;
	}
	return at == key.n;
}

/* Puts group g (its hash known) into the index, which has room. */
static void gindex_put(struct cov_agg *a, size_t g)
{
	size_t mask = a->ngslots - 1, i = (size_t)a->ghash[g] & mask;

	while (a->gslots[i])
		i = (i + 1) & mask;
	a->gslots[i] = (uint32_t)(g + 1);
}

/* Indexes the groups added since the last lookup (new rows, a merge). 0 or -1. */
static int gindex_sync(struct cov_agg *a)
{
	size_t count = a->groups.count, g;

	if (a->gindexed == count)
		return 0;
	if (count > a->ghash_cap) {
		size_t cap = count * 2;
		uint64_t *h = realloc(a->ghash, cap * sizeof *h);
		if (!h)
			return -1;
		a->ghash = h;
		a->ghash_cap = cap;
	}
	if (count * 2 > a->ngslots) {
		size_t n = 64;
		uint32_t *slots;
		while (n < count * 4)
			n *= 2;
		if (!(slots = calloc(n, sizeof *slots)))
			return -1;
		free(a->gslots);
		a->gslots = slots;
		a->ngslots = n;
		for (g = 0; g < a->gindexed; g++)
			gindex_put(a, g);
	}
	for (g = a->gindexed; g < count; g++) {
		struct pb_str v[COV_MAX_BY];
		cov_key_values(pb_map_key(&a->groups, g), v, a->nby);
		a->ghash[g] = hash_values(v, a->nby);
		gindex_put(a, g);
	}
	a->gindexed = count;
	return 0;
}

long cov_agg_find(struct cov_agg *a, const struct pb_str *v)
{
	uint64_t h;
	size_t mask, i;

	if (gindex_sync(a) < 0)
		return -1;
	if (!a->ngslots)
		return -2;
	if (a->glast && (a->glast_hit || (++a->glast_tick & 15) == 0)) {
		if ((a->glast_hit =
		         key_is(pb_map_key(&a->groups, (size_t)a->glast - 1), v, a->nby)))
			return a->glast - 1;
	}
	h = hash_values(v, a->nby);
	mask = a->ngslots - 1;
	for (i = (size_t)h & mask; a->gslots[i]; i = (i + 1) & mask) {
		uint32_t g = a->gslots[i] - 1;
		if (a->ghash[g] == h && key_is(pb_map_key(&a->groups, g), v, a->nby))
			return (a->glast = (long)g + 1) - 1;
	}
	return -2;
}

/* Grows *p (of *cap elements of size bytes) by half to hold n. 0 or -1. */
static int grow_by_half(void *p, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap;
	char *old, *q;

	if (n <= c)
		return 0;
	while (c < n)
		c = c < 64 ? 64 : c + c / 2;
	memcpy(&old, p, sizeof old);
	if (c > SIZE_MAX / size || !(q = realloc(old, c * size)))
		return -1;
	memcpy(p, &q, sizeof q);
	*cap = c;
	return 0;
}

#define MEMBER_SLOT(i, h) (((uint64_t)(i) + 1) | ((h)&0xffffffff00000000ULL))

static uint64_t member_hash(struct pb_str s)
{
	return hash_values(&s, 1);
}

/* Puts string i (hash h) into the slots, which have room. */
static void members_slot(struct cov_members *m, size_t i, uint64_t h)
{
	size_t mask = m->nslots - 1, j = (size_t)h & mask;

	while (m->slots[j])
		j = (j + 1) & mask;
	m->slots[j] = MEMBER_SLOT(i, h);
}

struct pb_str cov_members_get(const struct cov_members *m, size_t i)
{
	return (struct pb_str){ m->text + m->off[i], m->off[i + 1] - m->off[i] };
}

long cov_members_put(struct cov_members *m, struct pb_str s)
{
	uint64_t h = member_hash(s);
	size_t mask, j, i;

	if ((m->count + 1) * 5 > m->nslots * 4) {
		size_t n = m->nslots ? m->nslots * 2 : 64;
		uint64_t *slots = calloc(n, sizeof *slots);
		if (!slots)
			return -1;
		free(m->slots);
		m->slots = slots;
		m->nslots = n;
		for (i = 0; i < m->count; i++)
			members_slot(m, i, member_hash(cov_members_get(m, i)));
	}
	mask = m->nslots - 1;
	for (j = (size_t)h & mask; m->slots[j]; j = (j + 1) & mask) {
		uint64_t sv = m->slots[j];
		struct pb_str o;
		if ((sv ^ h) >> 32)
			continue;
		o = cov_members_get(m, (uint32_t)sv - 1);
		if (o.n == s.n && same_bytes(o.p, s.p, s.n))
			return (long)((uint32_t)sv - 1);
	}
	if (m->count >= UINT32_MAX - 1 || m->len + s.n > UINT32_MAX ||
	    grow_by_half(&m->off, &m->off_cap, m->count + 2, sizeof *m->off) < 0 ||
	    grow_by_half(&m->text, &m->cap, m->len + s.n + 1, 1) < 0)
		return -1;
	if (s.n)
		memcpy(m->text + m->len, s.p, s.n);
	m->off[m->count] = (uint32_t)m->len;
	m->len += s.n;
	m->off[m->count + 1] = (uint32_t)m->len;
	m->slots[j] = MEMBER_SLOT(m->count, h);
	return (long)m->count++;
}

void cov_members_release(struct cov_members *m)
{
	free(m->text);
	free(m->off);
	free(m->slots);
	memset(m, 0, sizeof *m);
}

static uint64_t triple_hash(const uint32_t *e)
{
	return mix(mix(0x13198a2e03707344ULL, (uint64_t)e[0] << 32 | e[1]), e[2]);
}

/* Puts entry i into the slots, which have room. */
static void pairs_slot(struct cov_pairs *p, size_t i)
{
	size_t mask = p->nslots - 1, j = (size_t)triple_hash(p->v[i]) & mask;

	while (p->slots[j])
		j = (j + 1) & mask;
	p->slots[j] = (uint32_t)(i + 1);
}

int cov_pairs_put(struct cov_pairs *p, uint32_t g, uint32_t set, uint32_t m)
{
	const uint32_t e[3] = { g, set, m };
	size_t mask, j, i;

	if ((p->count + 1) * 10 > p->nslots * 7) {
		size_t n = p->nslots ? p->nslots * 2 : 64;
		uint32_t *slots = calloc(n, sizeof *slots);
		if (!slots)
			return -1;
		free(p->slots);
		p->slots = slots;
		p->nslots = n;
		for (i = 0; i < p->count; i++)
			pairs_slot(p, i);
	}
	if (p->count >= UINT32_MAX - 1)
		return -1;
	mask = p->nslots - 1;
	for (j = (size_t)triple_hash(e) & mask; p->slots[j]; j = (j + 1) & mask) {
		const uint32_t *o = p->v[p->slots[j] - 1];
		if (o[0] == g && o[1] == set && o[2] == m)
			return 0;
	}
	if (grow_by_half(&p->v, &p->cap, p->count + 1, sizeof *p->v) < 0)
		return -1;
	memcpy(p->v[p->count], e, sizeof e);
	p->slots[j] = (uint32_t)++p->count;
	return 1;
}

void cov_pairs_release(struct cov_pairs *p)
{
	free(p->v);
	free(p->slots);
	memset(p, 0, sizeof *p);
}

int cov_agg_add_member(struct cov_agg *a, long g, uint32_t set, struct pb_str member)
{
	long m = cov_members_put(&a->members, member);

	return m < 0 || cov_pairs_put(&a->sets, (uint32_t)g, set, (uint32_t)m) < 0 ? -1 : 0;
}

void cov_agg_member(const struct cov_agg *a, size_t i, uint32_t *g, uint32_t *set,
                    struct pb_str *member)
{
	const uint32_t *e = a->sets.v[i];

	*g = e[0];
	*set = e[1];
	*member = cov_members_get(&a->members, e[2]);
}

/* Grows a per-group array (*arr of *have elements of size bytes) to n, zeroed. 0 or -1. */
static int grow_exact(void *arr, size_t *have, size_t n, size_t size)
{
	char *p, *old;

	if (n <= *have)
		return 0;
	memcpy(&old, arr, sizeof old);
	if (!(p = realloc(old, n * size)))
		return -1;
	memset(p + *have * size, 0, (n - *have) * size);
	memcpy(arr, &p, sizeof p);
	*have = n;
	return 0;
}

static int stats_grow_vals(struct cov_stats *s, size_t n)
{
	return grow_exact(&s->vals, &s->nvals, n, sizeof *s->vals);
}

static int stats_grow_sums(struct cov_stats *s, size_t n)
{
	return grow_exact(&s->sums, &s->nsums, n, sizeof *s->sums);
}

int cov_agg_add_value(struct cov_agg *a, long g, struct pb_str v, long long n)
{
	long vi = pb_map_put(&a->values, v.p, v.n, NULL);

	if (vi < 0 || stats_grow_vals(&a->st[g], (size_t)vi + 1) < 0)
		return -1;
	a->st[g].vals[vi] += n;
	return 0;
}

/* The magnitude of d, roughly: enough to bound what a sum can reach. */
static double dec_abs(struct cov_dec d)
{
	double x = (double)(d.m < 0 ? -d.m : d.m);
	int i;

	for (i = 0; i < d.scale; i++)
		x /= 10;
	return x;
}

/* Notes how large v is, for cov_agg_sums_safe. */
static void note_sum(struct cov_agg *a, struct cov_dec v)
{
	double x = dec_abs(v);

	if (x > a->sum_max)
		a->sum_max = x;
	if (v.scale > a->sum_scale)
		a->sum_scale = v.scale;
}

int cov_agg_add_sum(struct cov_agg *a, long g, size_t j, struct cov_dec v)
{
	if (stats_grow_sums(&a->st[g], j + 1) < 0)
		return -1;
	if (cov_dec_add(&a->st[g].sums[j], v) < 0)
		return -2;
	note_sum(a, v);
	note_sum(a, a->st[g].sums[j]);
	return 0;
}

int cov_agg_sums_safe(const struct cov_agg *a, const struct cov_agg *b)
{
	/* a running sum of one pass is a's total plus one of b's running sums:
	 * at most twice the largest magnitude, at the most decimals either has */
	double bound = 2 * (a->sum_max > b->sum_max ? a->sum_max : b->sum_max);
	int scale = a->sum_scale > b->sum_scale ? a->sum_scale : b->sum_scale, i;

	for (i = 0; i < scale; i++)
		bound *= 10;
	return bound < 0x1p120;
}

long cov_agg_column(struct pb_map *cols, struct pb_str name)
{
	return pb_map_put(cols, name.p, name.n, NULL);
}

int cov_stats_add(struct cov_stats *dst, const struct cov_stats *src)
{
	size_t i;

	for (i = 0; i < COV_NCOUNTS; i++)
		dst->n[i] += src->n[i];
	if (stats_grow_vals(dst, src->nvals) < 0 || stats_grow_sums(dst, src->nsums) < 0)
		return -1;
	for (i = 0; i < src->nvals; i++)
		dst->vals[i] += src->vals[i];
	for (i = 0; i < src->nsums; i++)
		if (cov_dec_add(&dst->sums[i], src->sums[i]) < 0)
			return -2;
	return 0;
}

void cov_stats_release(struct cov_stats *s)
{
	free(s->vals);
	free(s->sums);
	memset(s, 0, sizeof *s);
}

int cov_agg_merge(struct cov_agg *dst, struct cov_agg *src)
{
	long *gof = calloc(src->groups.count + 1, sizeof *gof);
	long *vof = calloc(src->values.count + 1, sizeof *vof);
	uint32_t *mof = calloc(src->members.count + 1, sizeof *mof); /* members are < 2^32 */
	size_t i, v;
	int rc = gof && vof && mof ? 0 : -1;

	for (v = 0; v < src->values.count && rc == 0; v++) {
		struct pb_str k = pb_map_key(&src->values, v);
		if ((vof[v] = pb_map_put(&dst->values, k.p, k.n, NULL)) < 0)
			rc = -1;
	}
	for (i = 0; i < src->groups.count && rc == 0; i++) {
		const struct cov_stats *s = &src->st[i];
		struct cov_stats *d;
		struct pb_str k = pb_map_key(&src->groups, i);
		long g = pb_map_put(&dst->groups, k.p, k.n, NULL);
		if (g < 0 ||
		    pb_grow_zeroed(&dst->st, &dst->st_cap, (size_t)g, sizeof *dst->st) < 0 ||
		    stats_grow_sums(&dst->st[g], s->nsums) < 0) {
			rc = -1;
			break;
		}
		gof[i] = g;
		d = &dst->st[g];
		for (v = 0; v < COV_NCOUNTS; v++)
			d->n[v] += s->n[v];
		for (v = 0; v < s->nvals && rc == 0; v++)
			if (s->vals[v] && (rc = stats_grow_vals(d, (size_t)vof[v] + 1)) == 0)
				d->vals[vof[v]] += s->vals[v];
		for (v = 0; v < s->nsums; v++)
			cov_dec_add(&d->sums[v], s->sums[v]);
	}
	/* what src no longer needs goes first, and what is merged goes before dst's sets
	 * grow: the peak is about one aggregate and src's pairs */
	free(src->members.slots);
	src->members.slots = NULL;
	src->members.nslots = 0;
	free(src->sets.slots);
	src->sets.slots = NULL;
	src->sets.nslots = 0;
	for (i = 0; i < src->members.count && rc == 0; i++) {
		long m = cov_members_put(&dst->members, cov_members_get(&src->members, i));
		if (m < 0)
			rc = -1;
		mof[i] = (uint32_t)m;
	}
	cov_members_release(&src->members);
	/* dst's pairs grow once, to at most what both hold, not by halves over src's */
	if (rc == 0 && dst->sets.cap < dst->sets.count + src->sets.count) {
		size_t cap = dst->sets.count + src->sets.count;
		uint32_t(*pv)[3] = realloc(dst->sets.v, cap * sizeof *pv);
		if (!pv)
			rc = -1;
		else {
			dst->sets.v = pv;
			dst->sets.cap = cap;
		}
	}
	for (i = 0; i < src->sets.count && rc == 0; i++) {
		const uint32_t *e = src->sets.v[i];
		if (cov_pairs_put(&dst->sets, (uint32_t)gof[e[0]], e[1], mof[e[2]]) < 0)
			rc = -1;
	}
	if (dst->sum_max < src->sum_max)
		dst->sum_max = src->sum_max;
	if (dst->sum_scale < src->sum_scale)
		dst->sum_scale = src->sum_scale;
	free(gof);
	free(vof);
	free(mof);
	return rc;
}

void cov_agg_release(struct cov_agg *a)
{
	size_t i;

	for (i = 0; i < a->st_cap && a->st; i++)
		cov_stats_release(&a->st[i]);
	free(a->st);
	pb_map_release(&a->groups);
	cov_members_release(&a->members);
	cov_pairs_release(&a->sets);
	free(a->gslots);
	free(a->ghash);
	pb_map_release(&a->values);
	pb_map_release(&a->sums);
	pb_map_release(&a->distinct);
	pb_buf_release(&a->key);
	memset(a, 0, sizeof *a);
}
