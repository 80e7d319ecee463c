/*
 * rank_history: earlier pb-rank outputs — --prev (the previous rank) and
 * --history (streaks: consecutive periods at the top, up to --period).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pb/value.h"
#include "rank_int.h"

/*
 * How the rows of an earlier output (--prev, --history) find the entities
 * ranked now. With no --by, or when the earlier file has every --by column,
 * a row matches on the --by values and the id (a unit is an entity);
 * otherwise on the id alone (a unit is a distinct id, shared by every entity
 * ranked now with that id, whatever its group).
 */
struct match {
	struct pb_tsv_reader r;
	int col[3]; /* the id, then the columns asked for */
	int keyed;
	int *by;           /* keyed: the --by columns' indexes in the earlier file */
	struct pb_map ids; /* not keyed: the distinct ids ranked now */
	uint32_t *unit;    /* not keyed: per entity, its index in ids */
	size_t nunits;
};

static int match_units(struct rank_run *k, struct match *m, struct pb_error *err)
{
	size_t n = k->nents, i, j;

	m->keyed = 1;
	if (!(m->by = calloc(k->c.by.n + 1, sizeof *m->by)))
		return pb_rank_oom(err);
	for (j = 0; j < k->c.by.n; j++)
		if ((m->by[j] = pb_tsv_col(&m->r, k->c.by.v[j])) < 0)
			m->keyed = 0;
	if (m->keyed) {
		m->nunits = n;
		return 0;
	}
	if (!(m->unit = malloc((n ? n : 1) * sizeof *m->unit)))
		return pb_rank_oom(err);
	for (i = 0; i < n; i++) {
		struct pb_str v = pb_rank_ent_id(k, (uint32_t)i);
		long u = pb_map_put(&m->ids, v.p, v.n, NULL);
		if (u < 0)
			return pb_rank_oom(err);
		m->unit[i] = (uint32_t)u;
	}
	m->nunits = m->ids.count;
	return 0;
}

/* Opens an earlier output, finds the id and the columns in want (NULL-ended), and its units. */
static int match_open(struct rank_run *k, struct match *m, const char *path,
                      const char *const *want, const char *what, struct pb_error *err)
{
	size_t i;

	memset(m, 0, sizeof *m);
	if (pb_tsv_open(&m->r, path, err) < 0)
		return -1;
	if ((m->col[0] = pb_rank_find_col(&m->r, k->id_col, what, err)) < 0)
		return -1;
	for (i = 0; want[i]; i++)
		if ((m->col[i + 1] = pb_rank_find_col(&m->r, want[i], what, err)) < 0)
			return -1;
	return match_units(k, m, err);
}

static void match_close(struct match *m)
{
	pb_tsv_close(&m->r);
	free(m->by);
	free(m->unit);
	pb_map_release(&m->ids);
}

/* The next good row of an earlier output: 1, 0 at the end, -1 fatal; bad rows are reported. */
static int match_next(struct rank_run *k, struct match *m, struct pb_error *err)
{
	long bad = 0;
	int n = pb_tsv_next_row(&m->r, &bad, err);

	if (bad)
		k->data_err = 1;
	return n;
}

/* The unit of the current row: >= 0, -1 none ranked now, -2 out of memory. */
static long match_find(struct rank_run *k, const struct match *m)
{
	const struct pb_str *f = m->r.fields;
	long g;

	if (!m->keyed)
		return pb_map_find(&m->ids, f[m->col[0]].p, f[m->col[0]].n);
	if ((g = pb_rank_group_find(k, f, m->by)) < 0)
		return g;
	return pb_rank_ent_find(k, (uint32_t)g, f[m->col[0]]);
}

static uint32_t match_unit(const struct match *m, uint32_t e)
{
	return m->keyed ? e : m->unit[e];
}

/* A unit for messages, like pb_rank_who(); borrowed until the next call. */
static const char *match_who(struct rank_run *k, const struct match *m, uint32_t u)
{
	return m->keyed ? pb_rank_who(k, u) : pb_rank_who_id(k, pb_map_key(&m->ids, u));
}

/* The rank column of the current row; reported (and -1) when it is not a whole number >= 1. */
static int row_rank(struct rank_run *k, const struct match *m, int col, uint32_t *rank)
{
	struct pb_str s = m->r.fields[col];
	long long v;

	if (pb_parse_int(s, &v) == 0 && v >= 1 && v <= UINT32_MAX) {
		*rank = (uint32_t)v;
		return 0;
	}
	pb_rank_data_error_at(k, m->r.name, m->r.line,
	                      "rank '%.*s' is not a whole number >= 1; row ignored", STR_ARGS(s));
	return -1;
}

int pb_rank_prev(struct rank_run *k, struct pb_error *err)
{
	static const char *const want[] = { "rank", NULL };
	struct match m;
	uint32_t *prev = NULL;
	int n = -1;
	size_t i;

	if (match_open(k, &m, k->o->prev, want, "--prev needs an earlier pb-rank output", err) < 0)
		goto done;
	if (!(prev = calloc(m.nunits + 1, sizeof *prev))) { /* 0 = no row */
		pb_rank_oom(err);
		goto done;
	}
	while ((n = match_next(k, &m, err)) > 0) {
		long u = match_find(k, &m);
		uint32_t rank;
		if (u == -2) {
			n = pb_rank_oom(err);
			break;
		}
		if (u < 0 || row_rank(k, &m, m.col[1], &rank) < 0)
			continue;
		if (prev[u])
			pb_rank_data_error_at(k, m.r.name, m.r.line,
			                      "a second row for %s; row ignored",
			                      match_who(k, &m, (uint32_t)u));
		else
			prev[u] = rank;
	}
	if (n == 0 && !(k->prev_rank = calloc(k->nents + 1, sizeof *k->prev_rank)))
		n = pb_rank_oom(err);
	for (i = 0; n == 0 && i < k->nents; i++)
		k->prev_rank[i] = prev[match_unit(&m, (uint32_t)i)];
done:
	match_close(&m);
	free(prev);
	return n < 0 ? -1 : 0;
}

/* One history row of a unit (struct match) ranked now, in a period before --period. */
struct hrow {
	uint32_t unit, per, rank;
	long line;
};

/* The history read: its rows and its distinct periods (--period is period 0). */
struct history {
	struct match m;
	struct pb_map periods;
	uint32_t *pos; /* period map index -> position in byte order */
	struct hrow *h;
	size_t nh, cap;
};

static int cmp_hrow(const void *a, const void *b)
{
	const struct hrow *x = a, *y = b;

	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->per != y->per)
		return x->per > y->per ? -1 : 1; /* latest first */
	return (x->line > y->line) - (x->line < y->line);
}

static int cmp_str(const void *a, const void *b)
{
	return pb_str_cmp(*(const struct pb_str *)a, *(const struct pb_str *)b);
}

/* Period keys sorted by bytes into hs->pos. */
static int sort_periods(struct history *hs)
{
	const struct pb_map *pm = &hs->periods;
	size_t n = pm->count, i;
	struct pb_str *keys = malloc((n ? n : 1) * sizeof *keys);

	if (!keys || !(hs->pos = malloc((n ? n : 1) * sizeof *hs->pos))) {
		free(keys);
		return -1;
	}
	for (i = 0; i < n; i++)
		keys[i] = pb_map_key(pm, i);
	qsort(keys, n, sizeof *keys, cmp_str);
	for (i = 0; i < n; i++)
		hs->pos[pb_map_find(pm, keys[i].p, keys[i].n)] = (uint32_t)i;
	free(keys);
	return 0;
}

/*
 * One history row: kept when it is a unit ranked now in an earlier period.
 * 0, or -1 out of memory.
 */
static int history_row(struct rank_run *k, struct history *hs)
{
	struct match *m = &hs->m;
	struct pb_str id = m->r.fields[m->col[0]], per = m->r.fields[m->col[1]],
	              rk = m->r.fields[m->col[2]];
	uint32_t rank;
	long pi, u;

	if (pb_str_eqz(id, k->id_col) && pb_str_eqz(per, "period") && pb_str_eqz(rk, "rank"))
		return 0; /* the header again: outputs appended with >> */
	if (per.n == 0) {
		pb_rank_data_error_at(k, m->r.name, m->r.line, "empty period; row ignored");
		return 0;
	}
	if ((pi = pb_map_put(&hs->periods, per.p, per.n, NULL)) < 0 || (u = match_find(k, m)) == -2)
		return -1;
	if (u < 0 || pi == 0 || row_rank(k, m, m->col[2], &rank) < 0)
		return 0;
	if (pb_grow_zeroed(&hs->h, &hs->cap, hs->nh, sizeof *hs->h) < 0)
		return -1;
	hs->h[hs->nh++] = (struct hrow){ (uint32_t)u, (uint32_t)pi, rank, m->r.line };
	return 0;
}

/* Keeps the rows of periods before --period, with their period's position; sorts them. */
static void history_order(struct history *hs)
{
	uint32_t cur = hs->pos[0];
	size_t i, j;

	for (i = 0, j = 0; i < hs->nh; i++)
		if (hs->pos[hs->h[i].per] < cur) {
			hs->h[j] = hs->h[i];
			hs->h[j++].per = hs->pos[hs->h[i].per];
		}
	hs->nh = j;
	if (hs->nh) /* h is NULL when no history row applies */
		qsort(hs->h, hs->nh, sizeof *hs->h, cmp_hrow);
}

/* The period at byte-order position p, for messages. */
static struct pb_str period_at(const struct history *hs, uint32_t p)
{
	size_t i;

	for (i = 0; i < hs->periods.count; i++)
		if (hs->pos[i] == p)
			return pb_map_key(&hs->periods, i);
	return pb_map_key(&hs->periods, 0);
}

/*
 * The run of one unit's rows h[i, end) (latest first) in the periods just
 * before --period with rank <= top; a second row in one period is reported.
 */
static uint32_t unit_run(struct rank_run *k, const struct history *hs, size_t i, size_t end,
                         uint32_t top)
{
	uint32_t expect = hs->pos[0] - 1, run = 0;
	int going = 1;
	size_t j;

	for (j = i; j < end; j++) {
		const struct hrow *h = &hs->h[j];
		if (j > i && h->per == h[-1].per) {
			struct pb_str per = period_at(hs, h->per);
			pb_rank_data_error_at(k, hs->m.r.name, h->line,
			                      "a second row for %s in period '%.*s' (first at line "
			                      "%ld); row ignored",
			                      match_who(k, &hs->m, h->unit), STR_ARGS(per),
			                      h[-1].line);
			continue;
		}
		if (going && h->per == expect && h->rank <= top) {
			run++;
			expect--;
		} else {
			going = 0;
		}
	}
	return run;
}

/*
 * Each ranked entity's streak: at the top now (rank <= top), 1 plus its run
 * in the history just before (none when hs is NULL); else 0.
 */
static int streaks(struct rank_run *k, struct history *hs, uint32_t top)
{
	uint32_t *prior = hs ? calloc(hs->m.nunits + 1, sizeof *prior) : NULL;
	size_t i, j;

	if ((hs && !prior) || !(k->streak = calloc(k->nents + 1, sizeof *k->streak))) {
		free(prior);
		return -1;
	}
	for (i = 0; hs && i < hs->nh; i = j) {
		for (j = i; j < hs->nh && hs->h[j].unit == hs->h[i].unit; j++)
			;
		prior[hs->h[i].unit] = unit_run(k, hs, i, j, top);
	}
	for (i = 0; i < k->nslots; i++) {
		uint32_t ei = k->slots[i].ent;
		k->streak[ei] =
		    k->slots[i].rank > top ? 0 : 1 + (prior ? prior[match_unit(&hs->m, ei)] : 0);
	}
	free(prior);
	return 0;
}

/* Whether path is an empty regular file: a history a cron job has only touched so far. */
static int empty_file(const char *path)
{
	struct stat st;

	return strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size == 0;
}

/*
 * streak = the consecutive periods, ending with --period, in which the entity
 * had rank <= --streak-top; periods are the distinct ones of the history
 * plus --period, in byte order. Without a history (or an empty one) the
 * streak is 1 at the top and 0 below it.
 */
int pb_rank_streaks(struct rank_run *k, struct pb_error *err)
{
	static const char *const want[] = { "period", "rank", NULL };
	const char *P = k->o->period, *path = k->o->history;
	uint32_t top = (uint32_t)(k->c.streak_top > UINT32_MAX ? UINT32_MAX : k->c.streak_top);
	struct history hs = { .periods = PB_MAP_INIT };
	int n, rc = -1;

	if (!path || empty_file(path))
		return streaks(k, NULL, top) < 0 ? pb_rank_oom(err) : 0;
	if (match_open(k, &hs.m, path, want, "--history needs earlier outputs with a period column",
	               err) < 0)
		goto done;
	if (pb_map_put(&hs.periods, P, strlen(P), NULL) < 0) {
		pb_rank_oom(err);
		goto done;
	}
	while ((n = match_next(k, &hs.m, err)) > 0)
		if (history_row(k, &hs) < 0) {
			pb_rank_oom(err);
			goto done;
		}
	if (n < 0)
		goto done;
	if (sort_periods(&hs) < 0) {
		pb_rank_oom(err);
		goto done;
	}
	history_order(&hs);
	if (streaks(k, &hs, top) < 0) {
		pb_rank_oom(err);
		goto done;
	}
	rc = 0;
done:
	match_close(&hs.m);
	pb_map_release(&hs.periods);
	free(hs.pos);
	free(hs.h);
	return rc;
}
