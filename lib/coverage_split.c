/*
 * coverage_split: a large regular file read on two cores. The rest of the
 * file is cut at a line boundary near its middle; a second thread counts the
 * second half into an aggregate of its own while this one counts the first
 * half into the run's, and the second is then merged into the first in its
 * own order, which leaves exactly what one pass would have. A pipe, a small
 * file or a run that lists units stays one pass.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "coverage_int.h"

/* Below this many bytes a second thread costs more than it saves. */
#define SPLIT_MIN  (4L << 20)
#define SCAN_CHUNK (1u << 20)

/* The second half: its own run over the same options, and its reader. */
struct half {
	struct cov c;
	struct pb_tsv_reader r;
	const struct cov_cols *k;
	int failed; /* a bad row, a sum too large, a read error: one pass must read it */
	unsigned long long rows;
};

/* Counts the second half; stops at its first bad row (one pass reports it in order). */
static void *count_half(void *arg)
{
	struct half *h = arg;
	struct pb_error err = PB_ERROR_INIT;
	int rc;

	while ((rc = pb_tsv_next(&h->r, &err)) > 0) {
		h->rows++;
		if (cov_add_row(&h->c, &h->r, h->k) < 0 || h->c.errors) {
			rc = -1;
			break;
		}
	}
	h->failed = rc < 0;
	return NULL;
}

/*
 * The smallest size a split is worth: PB_COVERAGE_SPLIT_MIN (bytes) when
 * set, else SPLIT_MIN where a second core is online, else never.
 */
static long long split_min(void)
{
	const char *z = getenv("PB_COVERAGE_SPLIT_MIN");
	char *end;
	long long n;

	if (z && *z) {
		errno = 0;
		n = strtoll(z, &end, 10);
		if (!errno && !*end && n >= 0)
			return n;
	}
	return sysconf(_SC_NPROCESSORS_ONLN) > 1 ? SPLIT_MIN : LLONG_MAX;
}

/* The offset just after the first '\n' at or after `from`, or -1 (none before `size`). */
static off_t line_start(int fd, off_t from, off_t size, char *buf)
{
	while (from < size) {
		ssize_t got = pread(fd, buf, SCAN_CHUNK, from);
		char *nl;
		if (got <= 0)
			return -1;
		if ((nl = memchr(buf, '\n', (size_t)got)))
			return from + (nl - buf) + 1;
		from += got;
	}
	return -1;
}

/* How many '\n' lie in [from, to), or -1 on a read error. */
static long count_lines(int fd, off_t from, off_t to, char *buf)
{
	long n = 0;

	while (from < to) {
		size_t want = (size_t)(to - from) < SCAN_CHUNK ? (size_t)(to - from) : SCAN_CHUNK;
		ssize_t got = pread(fd, buf, want, from);
		const char *p, *end;
		if (got <= 0)
			return -1;
		for (p = buf, end = buf + got; (p = memchr(p, '\n', (size_t)(end - p))); p++)
			n++;
		from += got;
	}
	return n;
}

/* A run over the same options as c, counting into an aggregate of its own. */
static int half_setup(struct half *h, const struct cov *c)
{
	size_t j;

	h->c.o = c->o;
	h->c.mode = c->mode;
	h->c.by = c->by; /* borrowed, as are covered, linked and nlinks: read only */
	h->c.covered = c->covered;
	h->c.ptypes = c->ptypes;
	h->c.sum = c->sum;
	h->c.distinct = c->distinct;
	h->c.linked = c->linked;
	h->c.nlinks = c->nlinks;
	h->c.quiet = 1;
	h->c.agg.nby = c->agg.nby;
	/* the same column indexes, in the same order */
	for (j = 0; j < c->agg.sums.count; j++)
		if (cov_agg_column(&h->c.agg.sums, pb_map_key(&c->agg.sums, j)) < 0)
			return -1;
	for (j = 0; j < c->agg.distinct.count; j++)
		if (cov_agg_column(&h->c.agg.distinct, pb_map_key(&c->agg.distinct, j)) < 0)
			return -1;
	return 0;
}

static void half_release(struct half *h)
{
	pb_tsv_close(&h->r); /* its header is borrowed: the first reader keeps it */
	cov_agg_release(&h->c.agg);
	pb_buf_release(&h->c.msg);
}

/*
 * Counts r's first half here, up to and including line last; 1 when it got
 * there, 0 when it stopped early (the end of the file: it changed under us),
 * -1 with err.
 */
static int count_first(struct cov *c, struct pb_tsv_reader *r, const struct cov_cols *k, long last,
                       struct pb_error *err)
{
	int rc;

	/* pb_tsv_next_row would read on past a bad last row into the second half */
	while (r->line < last) {
		rc = pb_tsv_next(r, err);
		if (rc > 0 || (rc < 0 && err->code != PB_EXIT_FATAL))
			pb_progress_row();
		if (rc < 0 && err->code != PB_EXIT_FATAL) {
			pb_error_print(err);
			c->errors++;
			continue;
		}
		if (rc <= 0)
			return rc;
		if (cov_add_row(c, r, k) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line, "out of memory");
	}
	return 1;
}

int cov_split_read(struct cov *c, struct pb_tsv_reader *r, const struct cov_cols *k,
                   struct pb_error *err)
{
	struct half h;
	struct stat st;
	pthread_t t;
	off_t here, cut;
	long lines;
	struct pb_error quiet = PB_ERROR_INIT;
	char *buf;
	int rc;

	if (c->lists || c->o->changes || r->fd < 0 || strcmp(r->name, "(stdin)") == 0 ||
	    fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < split_min())
		return 0;
	/* where the first data row starts: what was read, less what is still buffered */
	if ((here = lseek(r->fd, 0, SEEK_CUR)) < 0 || r->eof)
		return 0;
	here -= (off_t)(r->end - r->start);
	if (!(buf = malloc(SCAN_CHUNK)))
		return 0;
	/* this thread also counts the lines of its half: cut a little before the middle */
	cut = line_start(r->fd, here + (st.st_size - here) * 15 / 32, st.st_size, buf);
	lines = cut > here ? count_lines(r->fd, here, cut, buf) : -1;
	free(buf);
	if (cut <= here || cut >= st.st_size || lines < 0)
		return 0;
	memset(&h, 0, sizeof h);
	h.k = k;
	/* a second reader that cannot start is no error (quiet): the file is read in one pass */
	if (half_setup(&h, c) < 0 ||
	    pb_tsv_open_at(&h.r, r, r->name, cut, r->line + lines, &quiet) < 0 ||
	    pthread_create(&t, NULL, count_half, &h) != 0) {
		half_release(&h);
		return 0;
	}
	rc = count_first(c, r, k, r->line + lines, err);
	pthread_join(t, NULL);
	/* a second half with a bad row, or sums near overflow, is read here, in order */
	if (rc == 1 && !h.failed && cov_agg_sums_safe(&c->agg, &h.c.agg)) {
		if (cov_agg_merge(&c->agg, &h.c.agg) < 0)
			rc = pb_error_set(err, PB_EXIT_FATAL, r->name, r->line, "out of memory");
		/* --progress counts the second half's rows too (only this thread draws) */
		while (h.rows--)
			pb_progress_row();
	} else if (rc == 1) {
		rc = 0;
	}
	half_release(&h);
	return rc;
}
