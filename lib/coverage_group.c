/* coverage_group: pb-coverage's aggregate — groups, their counts, sets and value counts. */
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
};

void cov_row_error(struct cov *c, const char *file, long line, const char *fmt, ...)
{
	va_list ap;
	int rc;

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

int cov_agg_add_member(struct cov_agg *a, long g, enum cov_set set, struct pb_str member)
{
	uint32_t head[2] = { (uint32_t)g, (uint32_t)set };

	pb_buf_reset(&a->key);
	if (pb_buf_add(&a->key, head, sizeof head) < 0 ||
	    pb_buf_add(&a->key, member.p, member.n) < 0)
		return -1;
	return pb_map_put(&a->sets, a->key.p, a->key.len, NULL) < 0 ? -1 : 0;
}

void cov_agg_member(const struct cov_agg *a, size_t i, uint32_t *g, enum cov_set *set,
                    struct pb_str *member)
{
	struct pb_str k = pb_map_key(&a->sets, i);
	uint32_t head[2];

	memcpy(head, k.p, sizeof head);
	*g = head[0];
	*set = (enum cov_set)head[1];
	*member = (struct pb_str){ k.p + sizeof head, k.n - sizeof head };
}

static int stats_grow_vals(struct cov_stats *s, size_t n)
{
	long long *v;

	if (n <= s->nvals)
		return 0;
	v = realloc(s->vals, n * sizeof *v);
	if (!v)
		return -1;
	memset(v + s->nvals, 0, (n - s->nvals) * sizeof *v);
	s->vals = v;
	s->nvals = n;
	return 0;
}

int cov_agg_add_value(struct cov_agg *a, long g, struct pb_str v, long long n)
{
	long vi = pb_map_put(&a->values, v.p, v.n, NULL);

	if (vi < 0 || stats_grow_vals(&a->st[g], (size_t)vi + 1) < 0)
		return -1;
	a->st[g].vals[vi] += n;
	return 0;
}

int cov_stats_add(struct cov_stats *dst, const struct cov_stats *src)
{
	size_t i;

	for (i = 0; i < COV_NCOUNTS; i++)
		dst->n[i] += src->n[i];
	if (stats_grow_vals(dst, src->nvals) < 0)
		return -1;
	for (i = 0; i < src->nvals; i++)
		dst->vals[i] += src->vals[i];
	return 0;
}

void cov_stats_release(struct cov_stats *s)
{
	free(s->vals);
	s->vals = NULL;
	s->nvals = 0;
}

void cov_agg_release(struct cov_agg *a)
{
	size_t i;

	for (i = 0; i < a->st_cap && a->st; i++)
		cov_stats_release(&a->st[i]);
	free(a->st);
	pb_map_release(&a->groups);
	pb_map_release(&a->sets);
	pb_map_release(&a->values);
	pb_buf_release(&a->key);
	memset(a, 0, sizeof *a);
}
