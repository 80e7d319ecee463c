/* tsv: pb TSV reading and writing, and atomic output files. */
#include "pb/tsv.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pb/map.h"

#define READ_CHUNK (256u << 10)

size_t pb_tsv_unescape(char *p, size_t n)
{
	char *src = memchr(p, '\\', n), *end = p + n, *dst;

	if (!src)
		return n;
	dst = src;
	while (src < end) {
		if (*src != '\\') {
			*dst++ = *src++;
			continue;
		}
		if (src + 1 >= end)
			return (size_t)-1;
		switch (src[1]) {
		case 't': *dst++ = '\t'; break;
		case 'n': *dst++ = '\n'; break;
		case 'r': *dst++ = '\r'; break;
		case '\\': *dst++ = '\\'; break;
		default: return (size_t)-1;
		}
		src += 2;
	}
	return (size_t)(dst - p);
}

/* Fills the buffer; returns bytes read, 0 at EOF, -1 on error. */
static ssize_t fill(struct pb_tsv_reader *r)
{
	ssize_t got;

	if (r->start > 0 && r->start == r->end)
		r->start = r->end = 0;
	if (r->cap - r->end < READ_CHUNK) {
		if (r->start > 0) {
			memmove(r->in, r->in + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->cap - r->end < READ_CHUNK) {
			size_t cap = r->cap ? r->cap * 2 : 2 * READ_CHUNK;
			char *p = realloc(r->in, cap);
			if (!p)
				return -1;
			r->in = p;
			r->cap = cap;
		}
	}
	do
		got = read(r->fd, r->in + r->end, r->cap - r->end);
	while (got < 0 && errno == EINTR);
	if (got > 0)
		r->end += (size_t)got;
	return got;
}

/*
 * Finds the next line; sets *line and *len (without the '\n').
 * 1, 0 at EOF, -1 read error, -2 line too long (skipped).
 */
static int next_line(struct pb_tsv_reader *r, char **line, size_t *len)
{
	size_t scanned = 0;

	for (;;) {
		char *nl = r->end > r->start + scanned
		    ? memchr(r->in + r->start + scanned, '\n', r->end - r->start - scanned)
		    : NULL;
		if (nl) {
			*line = r->in + r->start;
			*len = (size_t)(nl - *line);
			r->start += *len + 1;
			return 1;
		}
		scanned = r->end - r->start;
		if (scanned > PB_TSV_LINE_MAX) {
			/* discard up to the next newline */
			r->start = r->end;
			for (;;) {
				ssize_t got = fill(r);
				if (got <= 0)
					return got < 0 ? -1 : -2;
				nl = memchr(r->in + r->start, '\n', r->end - r->start);
				if (nl) {
					r->start = (size_t)(nl - r->in) + 1;
					return -2;
				}
				r->start = r->end;
			}
		}
		if (r->eof) {
			if (scanned == 0)
				return 0;
			/* a last line without '\n' */
			*line = r->in + r->start;
			*len = scanned;
			r->start = r->end;
			return 1;
		}
		{
			/* fill() may move the unread bytes; scanned stays relative to start */
			ssize_t got = fill(r);
			if (got < 0)
				return -1;
			if (got == 0)
				r->eof = 1;
		}
	}
}

/*
 * Splits a line into r->fields in one pass, the array growing as needed.
 * want: the field count a row must have (0: any, the header, at most
 * PB_TSV_COLS_MAX). A row of another count is not kept split (a line of a
 * million tabs allocates nothing past want): -2 with its count in
 * r->nfields. -1 out of memory.
 */
static int split(struct pb_tsv_reader *r, char *line, size_t len, size_t want)
{
	size_t i = 0, max = want ? want : PB_TSV_COLS_MAX;
	char *p = line, *end = line + len, *tab;

	for (;;) {
		if (i == max) {
			/* one field too many: count the rest, keep nothing */
			for (tab = p - 1; tab; tab = memchr(tab + 1, '\t', (size_t)(end - tab - 1)))
				i++;
			r->nfields = i;
			return -2;
		}
		if (i == r->fields_cap) {
			size_t cap = r->fields_cap ? r->fields_cap * 2 : 16;
			struct pb_str *f;
			if (cap > max)
				cap = max;
			f = realloc(r->fields, cap * sizeof *f);
			if (!f)
				return -1;
			r->fields = f;
			r->fields_cap = cap;
		}
		tab = memchr(p, '\t', (size_t)(end - p));
		r->fields[i].p = p;
		r->fields[i].n = (size_t)((tab ? tab : end) - p);
		i++;
		if (!tab)
			break;
		p = tab + 1;
	}
	r->nfields = i;
	if (want && i != want)
		return -2;
	r->escaped = memchr(line, '\\', len) != NULL;
	return 0;
}

/* Unescapes every field; -1 names the first bad one in *bad. */
static int unescape_fields(struct pb_tsv_reader *r, size_t *bad)
{
	size_t i;

	if (!r->escaped)
		return 0; /* no backslash on the line: nothing to undo */
	for (i = 0; i < r->nfields; i++) {
		size_t n = pb_tsv_unescape((char *)r->fields[i].p, r->fields[i].n);
		if (n == (size_t)-1) {
			*bad = i;
			return -1;
		}
		r->fields[i].n = n;
	}
	return 0;
}

static int read_header(struct pb_tsv_reader *r, struct pb_error *err)
{
	char *line;
	size_t len, i, bad;
	int rc = next_line(r, &line, &len);

	r->line = 1;
	if (rc == -1)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 0, "read error:");
	if (rc == 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 0,
		                    "empty input: expected a header line");
	if (rc == -2)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "header line too long");
	if (len && line[len - 1] == '\r')
		len--;
	if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
		line += 3;
		len -= 3;
	}
	rc = split(r, line, len, 0);
	if (rc == -2)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "header has %zu columns, more than the %u pb reads", r->nfields,
		                    PB_TSV_COLS_MAX);
	if (rc < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "out of memory");
	if (unescape_fields(r, &bad) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
		                    "header column %zu: bad backslash escape", bad + 1);
	r->cols = calloc(r->nfields, sizeof *r->cols);
	if (!r->cols)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "out of memory");
	r->ncols = r->nfields;
	for (i = 0; i < r->ncols; i++) {
		int is_new = 0;
		if (r->fields[i].n == 0)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "header column %zu is empty: every column needs a name",
			                    i + 1);
		if (memchr(r->fields[i].p, '\0', r->fields[i].n))
			/* names are C strings: "a\0x" would read as "a", and "\0x" as empty */
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "header column %zu contains a NUL byte", i + 1);
		r->cols[i] = pb_strdup_str(r->fields[i]);
		/* the names' map finds duplicates and columns without a quadratic scan */
		if (!r->cols[i] ||
		    pb_map_put(&r->names, r->fields[i].p, r->fields[i].n, &is_new) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1, "out of memory");
		if (!is_new)
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "duplicate column name '%s'", r->cols[i]);
	}
	return 0;
}

int pb_tsv_open_fd(struct pb_tsv_reader *r, int fd, const char *name, struct pb_error *err)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->name = name;
	return read_header(r, err);
}

int pb_tsv_open(struct pb_tsv_reader *r, const char *path, struct pb_error *err)
{
	int fd;

	if (!path || strcmp(path, "-") == 0)
		return pb_tsv_open_fd(r, STDIN_FILENO, "(stdin)", err);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		memset(r, 0, sizeof *r);
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "cannot open:");
	}
	if (pb_tsv_open_fd(r, fd, path, err) < 0) {
		r->own_fd = 1;
		return -1;
	}
	r->own_fd = 1;
	return 0;
}

int pb_tsv_next(struct pb_tsv_reader *r, struct pb_error *err)
{
	char *line;
	size_t len, bad;
	int rc;

	r->nfields = 0;
	rc = next_line(r, &line, &len);
	r->line++;
	if (rc == 0)
		return 0;
	if (rc == -1)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line, "read error:");
	if (rc == -2)
		return pb_error_set(err, PB_EXIT_DATA, r->name, r->line,
		                    "line longer than %u bytes", PB_TSV_LINE_MAX);
	if (len && line[len - 1] == '\r')
		len--;
	if (memchr(line, '\0', len))
		/* pb TSV is text (pb-import rejects NUL); a value could become a column name */
		return pb_error_set(err, PB_EXIT_DATA, r->name, r->line,
		                    "a NUL byte: pb TSV is UTF-8 text");
	rc = split(r, line, len, r->ncols);
	if (rc == -2) {
		size_t n = r->nfields;
		r->nfields = 0;
		return pb_error_set(err, PB_EXIT_DATA, r->name, r->line,
		                    "%zu fields, expected %zu as in the header", n, r->ncols);
	}
	if (rc < 0)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line, "out of memory");
	if (unescape_fields(r, &bad) < 0) {
		r->nfields = 0;
		return pb_error_set(
		    err, PB_EXIT_DATA, r->name, r->line,
		    "column '%s': bad backslash escape (only \\t \\n \\r \\\\ are allowed)",
		    r->cols[bad]);
	}
	return 1;
}

int pb_tsv_next_row(struct pb_tsv_reader *r, long *bad_rows, struct pb_error *err)
{
	int rc;

	while ((rc = pb_tsv_next(r, err)) < 0 && err->code != PB_EXIT_FATAL) {
		pb_progress_row();
		pb_error_print(err);
		++*bad_rows;
	}
	if (rc > 0)
		pb_progress_row();
	return rc;
}

int pb_tsv_col(const struct pb_tsv_reader *r, const char *name)
{
	long i = pb_map_find(&r->names, name, strlen(name));

	return i >= 0 && (size_t)i < r->ncols ? (int)i : -1;
}

void pb_tsv_close(struct pb_tsv_reader *r)
{
	size_t i;

	if (!r)
		return;
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	for (i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	pb_map_release(&r->names);
	free(r->fields);
	free(r->in);
	memset(r, 0, sizeof *r);
	r->fd = -1;
}

void pb_tsv_put(FILE *f, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		const char *q = p;
		while (q < end && *q != '\t' && *q != '\n' && *q != '\r' && *q != '\\')
			q++;
		if (q > p)
			fwrite(p, 1, (size_t)(q - p), f);
		if (q == end)
			break;
		putc('\\', f);
		putc(*q == '\t' ? 't' : *q == '\n' ? 'n' : *q == '\r' ? 'r' : '\\', f);
		p = q + 1;
	}
}

void pb_tsv_puts(FILE *f, const char *z)
{
	pb_tsv_put(f, z, strlen(z));
}

void pb_tsv_put_str(FILE *f, struct pb_str s)
{
	pb_tsv_put(f, s.p, s.n);
}

int pb_out_open(struct pb_out *o, const char *path, struct pb_error *err)
{
	struct pb_buf tmp = PB_BUF_INIT;
	struct stat st;
	int fd;

	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/*
		 * A device or a pipe (-o /dev/null, -o /dev/stdout, a FIFO) is
		 * written in place: renaming a file onto it would replace it.
		 */
		o->f = fopen(path, "w");
		if (!o->f)
			return pb_error_set(err, PB_EXIT_FATAL, path, 0, "cannot open output:");
		o->path = strdup(path);
		if (!o->path) {
			pb_out_abort(o);
			return pb_error_set(err, PB_EXIT_FATAL, path, 0, "out of memory");
		}
		return 0;
	}
	if (pb_buf_addf(&tmp, "%s.tmpXXXXXX", path) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "out of memory");
	fd = mkstemp(tmp.p);
	if (fd < 0) {
		pb_buf_release(&tmp);
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "cannot create output:");
	}
	/* mkstemp makes 0600; an output file should get the usual umask mode */
	{
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		unlink(tmp.p);
		pb_buf_release(&tmp);
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "cannot create output:");
	}
	o->tmp = pb_buf_detach(&tmp);
	o->path = strdup(path);
	if (!o->path) {
		pb_out_abort(o);
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "out of memory");
	}
	return 0;
}

int pb_out_commit(struct pb_out *o, struct pb_error *err)
{
	int bad;

	if (!o->f)
		return 0;
	if (!o->path) {
		o->f = NULL;
		return pb_check_stream(stdout, "standard output", err);
	}
	bad = fflush(o->f) != 0 || ferror(o->f);
	if (!bad && fsync(fileno(o->f)) != 0 && errno != EINVAL)
		bad = 1;
	if (fclose(o->f) != 0)
		bad = 1;
	o->f = NULL;
	if (bad || (o->tmp && rename(o->tmp, o->path) != 0)) {
		pb_error_set(err, PB_EXIT_FATAL, o->path, 0, "cannot write output:");
		pb_out_abort(o);
		return -1;
	}
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return 0;
}

void pb_out_abort(struct pb_out *o)
{
	if (!o)
		return;
	if (o->f && o->f != stdout)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
}
