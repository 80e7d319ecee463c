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

int cov_agg_add_member(struct cov_agg *a, long g, uint32_t set, struct pb_str member)
{
	uint32_t head[2] = { (uint32_t)g, set };

	pb_buf_reset(&a->key);
	if (pb_buf_add(&a->key, head, sizeof head) < 0 ||
	    pb_buf_add(&a->key, member.p, member.n) < 0)
		return -1;
	return pb_map_put(&a->sets, a->key.p, a->key.len, NULL) < 0 ? -1 : 0;
}

void cov_agg_member(const struct cov_agg *a, size_t i, uint32_t *g, uint32_t *set,
                    struct pb_str *member)
{
	struct pb_str k = pb_map_key(&a->sets, i);
	uint32_t head[2];

	memcpy(head, k.p, sizeof head);
	*g = head[0];
	*set = head[1];
	*member = (struct pb_str){ k.p + sizeof head, k.n - sizeof head };
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

int cov_agg_merge(struct cov_agg *dst, const struct cov_agg *src)
{
	long *gof = calloc(src->groups.count + 1, sizeof *gof);
	long *vof = calloc(src->values.count + 1, sizeof *vof);
	size_t i, v;
	int rc = gof && vof ? 0 : -1;

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
		if (g < 0 || pb_grow_zeroed(&dst->st, &dst->st_cap, (size_t)g, sizeof *dst->st) < 0 ||
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
	for (i = 0; i < src->sets.count && rc == 0; i++) {
		struct pb_str member;
		uint32_t g, set;
		cov_agg_member(src, i, &g, &set, &member);
		rc = cov_agg_add_member(dst, gof[g], set, member);
	}
	if (dst->sum_max < src->sum_max)
		dst->sum_max = src->sum_max;
	if (dst->sum_scale < src->sum_scale)
		dst->sum_scale = src->sum_scale;
	free(gof);
	free(vof);
	return rc;
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
	pb_map_release(&a->sums);
	pb_map_release(&a->distinct);
	pb_buf_release(&a->key);
	memset(a, 0, sizeof *a);
}
