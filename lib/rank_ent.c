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

struct pb_str pb_rank_ent_id(const struct rank_run *k, uint32_t e)
{
	struct pb_str key = pb_map_key(&k->ents, e);
	uint32_t len;

	memcpy(&len, key.p, 4);
	return (struct pb_str){ key.p + 4, len };
}

struct pb_str pb_rank_ind_name(const struct rank_run *k, size_t j)
{
	return pb_map_key(&k->inds, j);
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

int pb_rank_row_key(struct rank_run *k, const struct pb_str *f, int id, const int *by)
{
	size_t j;

	pb_buf_reset(&k->key);
	if (key_add(&k->key, f[id]) < 0)
		return -1;
	for (j = 0; j < k->c.by.n; j++)
		if (key_add(&k->key, f[by[j]]) < 0)
			return -1;
	return 0;
}

const char *pb_rank_who_id(struct rank_run *k, struct pb_str id)
{
	pb_buf_reset(&k->who);
	pb_buf_addf(&k->who, "%s '%.*s'", k->id_col, STR_ARGS(id));
	return k->who.p ? k->who.p : k->id_col;
}

const char *pb_rank_who(struct rank_run *k, uint32_t e)
{
	struct pb_str key = pb_map_key(&k->ents, e);
	size_t j;

	pb_rank_who_id(k, key_next(&key));
	for (j = 0; j < k->c.by.n; j++) {
		struct pb_str v = key_next(&key);
		pb_buf_addf(&k->who, "%s%s '%.*s'", j ? ", " : " in ", k->c.by.v[j], STR_ARGS(v));
	}
	return k->who.p ? k->who.p : k->id_col;
}

long pb_rank_group_get(struct rank_run *k, const struct pb_str *f, int id, const int *by)
{
	size_t at = 4 + f[id].n;

	if (pb_rank_row_key(k, f, id, by) < 0)
		return -1;
	return pb_map_put(&k->groups, k->key.p + at, k->key.len - at, NULL);
}

/* Grows the per-entity arrays to hold one more. */
static int ent_reserve(struct rank_run *k)
{
	size_t cap, ns = k->c.scores.n;
	struct rank_ent *e;

	if (k->ents.count < k->ecap)
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

long pb_rank_ent_get(struct rank_run *k, const struct pb_str *f, int name, const int *extra,
                     uint32_t file, long line, uint32_t grp, int *is_new)
{
	struct rank_ent *e;
	long i;
	size_t j;

	if (ent_reserve(k) < 0)
		return -1;
	i = pb_map_put(&k->ents, k->key.p, k->key.len, is_new);
	if (i < 0 || !*is_new)
		return i;
	e = &k->e[i];
	memset(e, 0, sizeof *e);
	e->off = k->strs.len;
	e->grp = grp;
	e->file = file;
	e->line = line;
	e->ok = 1;
	if (name >= 0) {
		e->name_len = (uint32_t)f[name].n;
		if (pb_buf_add(&k->strs, f[name].p, f[name].n) < 0)
			return -1;
	}
	for (j = 0; j < k->nextra; j++)
		if (key_add(&k->strs, extra[j] >= 0 ? f[extra[j]] : (struct pb_str){ "", 0 }) < 0)
			return -1;
	return i;
}

void pb_rank_group_values(const struct rank_run *k, uint32_t g, struct pb_str *out)
{
	struct pb_str key = pb_map_key(&k->groups, g);
	size_t j;

	for (j = 0; j < k->c.by.n; j++)
		out[j] = key_next(&key);
}
