/*
 * rank_ent: pb-rank's entity and group tables — keys, creation, the names
 * messages give them — and the one way its files report a row or an entity
 * that is left out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rank_int.h"

int pb_rank_oom(struct pb_error *err)
{
	return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
}

int pb_rank_find_col(const struct pb_tsv_reader *r, const char *name, const char *what,
                     struct pb_error *err)
{
	int i = pb_tsv_col(r, name);

	if (i < 0)
		pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "no column '%s' (%s)", name, what);
	return i;
}

static void vdata_error(struct rank_run *k, const char *file, long line, const char *fmt,
                        va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof msg, fmt, ap);
	pb_warn_at(file, line, "%s", msg);
	k->data_err = 1;
}

void pb_rank_data_error_at(struct rank_run *k, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdata_error(k, file, line, fmt, ap);
	va_end(ap);
}

void pb_rank_data_error(struct rank_run *k, uint32_t file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdata_error(k, k->fname[file], line, fmt, ap);
	va_end(ap);
}

/* Where entity e's text starts in strs (nothing stored yet: strs.p is NULL, no offset added). */
static const char *ent_text(const struct rank_run *k, uint32_t e)
{
	return k->strs.p ? k->strs.p + (size_t)k->e[e].off * 4 : "";
}

struct pb_str pb_rank_ent_id(const struct rank_run *k, uint32_t e)
{
	return (struct pb_str){ ent_text(k, e), k->e[e].id_len };
}

struct pb_str pb_rank_ent_name(const struct rank_run *k, uint32_t e)
{
	return (struct pb_str){ ent_text(k, e) + k->e[e].id_len, k->e[e].name_len };
}

const char *pb_rank_ent_extras(const struct rank_run *k, uint32_t e)
{
	return ent_text(k, e) + k->e[e].id_len + k->e[e].name_len;
}

struct pb_str pb_rank_ind_name(const struct rank_run *k, size_t j)
{
	return pb_map_key(&k->inds, j);
}

uint64_t pb_rank_key(double v)
{
	uint64_t b;

	v += 0.0; /* -0 is 0 */
	memcpy(&b, &v, sizeof b);
	return b >> 63 ? ~b : b | 1ULL << 63;
}

double pb_rank_slot_score(const struct rank_run *k, const struct rank_slot *s)
{
	uint64_t b = s->key >> 63 ? s->key & ~(1ULL << 63) : ~s->key;
	double v;

	memcpy(&v, &b, sizeof v);
	return k->c.asc ? v : -v;
}

void pb_rank_prefetch(const struct rank_run *k, const struct rank_slot *sl, size_t q, size_t m,
                      int values)
{
#if defined(__GNUC__)
	if (q + PB_RANK_AHEAD < m)
		__builtin_prefetch(&k->e[sl[q + PB_RANK_AHEAD].ent]);
	if (q + PB_RANK_AHEAD / 2 < m) {
		uint32_t e = sl[q + PB_RANK_AHEAD / 2].ent;
		if (values)
			__builtin_prefetch(&k->x[(size_t)e * k->inds.count]);
		else
			__builtin_prefetch(ent_text(k, e));
	}
#else
	(void)k, (void)sl, (void)q, (void)m, (void)values;
#endif
}

uint32_t pb_rank_tie(const struct rank_run *k, uint32_t e)
{
	struct pb_str id = pb_rank_ent_id(k, e);
	uint32_t t = 0;
	size_t i;

	for (i = k->tie_at; i < k->tie_at + 4; i++)
		t = t << 8 | (i < id.n ? (unsigned char)id.p[i] : 0u);
	return t;
}

/* Appends one key part: u32 length + bytes. */
static int key_add(struct pb_buf *b, struct pb_str v)
{
	uint32_t n = (uint32_t)v.n;

	return pb_buf_add(b, &n, sizeof n) < 0 || pb_buf_add(b, v.p, v.n) < 0 ? -1 : 0;
}

/* The next key part of *key, which it steps over. */
static struct pb_str key_next(struct pb_str *key)
{
	uint32_t len;
	struct pb_str v;

	memcpy(&len, key->p, 4);
	v = (struct pb_str){ key->p + 4, len };
	key->p += 4 + len;
	key->n -= 4 + len;
	return v;
}

const char *pb_rank_who_id(struct rank_run *k, struct pb_str id)
{
	pb_buf_reset(&k->who);
	pb_buf_addf(&k->who, "%s '%.*s'", k->id_col, STR_ARGS(id));
	return k->who.p ? k->who.p : k->id_col;
}

const char *pb_rank_who(struct rank_run *k, uint32_t e)
{
	struct pb_str key = pb_map_key(&k->groups, k->e[e].grp);
	size_t j;

	pb_rank_who_id(k, pb_rank_ent_id(k, e));
	for (j = 0; j < k->c.by.n; j++) {
		struct pb_str v = key_next(&key);
		pb_buf_addf(&k->who, "%s%s '%.*s'", j ? ", " : " in ", k->c.by.v[j], STR_ARGS(v));
	}
	return k->who.p ? k->who.p : k->id_col;
}

/* Builds into k->key a group's key: each --by value as u32 length + bytes. */
static int group_key(struct rank_run *k, const struct pb_str *f, const int *by)
{
	size_t j;

	pb_buf_reset(&k->key);
	for (j = 0; j < k->c.by.n; j++)
		if (key_add(&k->key, f[by[j]]) < 0)
			return -1;
	return 0;
}

long pb_rank_group_get(struct rank_run *k, const struct pb_str *f, const int *by)
{
	if (group_key(k, f, by) < 0)
		return -1;
	return pb_map_put(&k->groups, k->key.p ? k->key.p : "", k->key.len, NULL);
}

long pb_rank_group_find(struct rank_run *k, const struct pb_str *f, const int *by)
{
	if (group_key(k, f, by) < 0)
		return -2;
	return pb_map_find(&k->groups, k->key.p ? k->key.p : "", k->key.len);
}

/* ---- the entity index ---- */

static uint64_t ent_hash(uint32_t grp, struct pb_str id)
{
	return pb_hash_mem(id.p, id.n) ^ ((uint64_t)grp * 0x9e3779b97f4a7c15ULL);
}

#define SLOT(e, h) (((uint64_t)(e) + 1) | ((h)&0xffffffff00000000ULL))

/*
 * An entry's home slot is the top bits of its hash, which its slot keeps
 * (the high half): so a bigger index is filled from the old one in order,
 * near-sequentially, without reading a key again.
 */
static size_t home(const struct rank_index *x, uint64_t h)
{
	return (size_t)(h >> (64 - x->bits));
}

/* The slot of (grp, id): its entity, or -1 with *at the empty slot where it would go. */
static long index_lookup(const struct rank_run *k, uint32_t grp, struct pb_str id, uint64_t h,
                         size_t *at)
{
	size_t mask = k->index.nslots - 1, i = home(&k->index, h);

	for (;; i = (i + 1) & mask) {
		uint64_t sv = k->index.slots[i];
		const struct rank_ent *e;
		if (sv == 0) {
			*at = i;
			return -1;
		}
		if ((sv ^ h) >> 32)
			continue;
		e = &k->e[(uint32_t)sv - 1];
		if (e->grp == grp && e->id_len == id.n &&
		    (id.n == 0 || memcmp(ent_text(k, (uint32_t)sv - 1), id.p, id.n) == 0))
			return (long)((uint32_t)sv - 1);
	}
}

/* Doubles the index (or makes its first one), moving every slot over in order. */
static int index_grow(struct rank_run *k)
{
	struct rank_index x = { NULL, k->index.nslots ? k->index.nslots * 2 : 1024,
		                k->index.nslots ? k->index.bits + 1 : 10 };
	size_t i, j;

	if (x.bits > 32 || !(x.slots = calloc(x.nslots, sizeof *x.slots)))
		return -1; /* the tag holds 32 bits of home */
	for (i = 0; i < k->index.nslots; i++) {
		uint64_t sv = k->index.slots[i];
		if (!sv)
			continue;
		for (j = home(&x, sv); x.slots[j]; j = (j + 1) & (x.nslots - 1))
			;
		x.slots[j] = sv;
	}
	free(k->index.slots);
	k->index = x;
	return 0;
}

long pb_rank_ent_find(const struct rank_run *k, uint32_t grp, struct pb_str id)
{
	size_t at;

	if (!k->index.nslots)
		return -1;
	return index_lookup(k, grp, id, ent_hash(grp, id), &at);
}

void pb_rank_index_release(struct rank_run *k)
{
	free(k->index.slots);
	k->index.slots = NULL;
	k->index.nslots = 0;
	k->index.bits = 0;
}

/* Grows the per-entity arrays to hold one more. */
static int ent_reserve(struct rank_run *k)
{
	size_t cap, ns = k->c.scores.n;
	struct rank_ent *e;

	if (k->nents < k->ecap)
		return 0;
	cap = k->ecap ? k->ecap * 2 : 1024;
	e = realloc(k->e, cap * sizeof *e);
	if (!e)
		return -1;
	k->e = e;
	if (k->wide) {
		double *v = realloc(k->val, cap * ns * sizeof *v);
		if (!v)
			return -1;
		k->val = v;
	}
	k->ecap = cap;
	return 0;
}

/* Appends entity e's text: the id, the name, the pass-through values. */
static int ent_text_add(struct rank_run *k, struct rank_ent *e, const struct pb_str *f, int id,
                        int name, const int *extra)
{
	static const char pad[4] = { 0 };
	size_t j;

	/* each entity's text starts at a multiple of 4, which off counts */
	if (k->strs.len % 4 && pb_buf_add(&k->strs, pad, 4 - k->strs.len % 4) < 0)
		return -1;
	if (k->strs.len / 4 > UINT32_MAX)
		return -1;
	e->off = (uint32_t)(k->strs.len / 4);
	e->id_len = (uint32_t)f[id].n;
	e->name_len = name >= 0 ? (uint32_t)f[name].n : 0;
	if (pb_buf_add(&k->strs, f[id].p, f[id].n) < 0 ||
	    (name >= 0 && pb_buf_add(&k->strs, f[name].p, f[name].n) < 0))
		return -1;
	for (j = 0; j < k->nextra; j++)
		if (key_add(&k->strs, extra[j] >= 0 ? f[extra[j]] : (struct pb_str){ "", 0 }) < 0)
			return -1;
	return 0;
}

long pb_rank_ent_get(struct rank_run *k, const struct pb_str *f, int id, int name, const int *extra,
                     uint32_t file, long line, uint32_t grp, int *is_new)
{
	struct rank_ent *e;
	uint64_t h = ent_hash(grp, f[id]);
	size_t at;
	long i;

	*is_new = 0;
	if ((k->nents + 1) * 4 > k->index.nslots * 3 && index_grow(k) < 0)
		return -1;
	if ((i = index_lookup(k, grp, f[id], h, &at)) >= 0)
		return i;
	if (ent_reserve(k) < 0)
		return -1;
	e = &k->e[k->nents];
	memset(e, 0, sizeof *e);
	e->grp = grp;
	e->file = file;
	e->line = (uint64_t)line;
	e->ok = 1;
	if (ent_text_add(k, e, f, id, name, extra) < 0)
		return -1;
	k->index.slots[at] = SLOT(k->nents, h);
	*is_new = 1;
	return (long)k->nents++;
}

void pb_rank_group_values(const struct rank_run *k, uint32_t g, struct pb_str *out)
{
	struct pb_str key = pb_map_key(&k->groups, g);
	size_t j;

	for (j = 0; j < k->c.by.n; j++)
		out[j] = key_next(&key);
}
