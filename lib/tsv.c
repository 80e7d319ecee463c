/* tsv: pb TSV reading and writing, and atomic output files. */
#include "pb/tsv.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "pb/map.h"
#include "pb/text.h"

#define READ_CHUNK (256u << 10)
/* Bytes after the data that a 16-byte load may touch (and ignore). */
#define READ_SLACK 16

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
	do /* the last READ_SLACK bytes stay unread into: split may load them */
		got = read(r->fd, r->in + r->end, r->cap - r->end - READ_SLACK);
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

/* Entries r->fields keeps past the count it may hold, so a block's TABs need no check each. */
#define FIELDS_SLACK 16

/* Grows r->fields to hold index i, doubling, but never past max + FIELDS_SLACK entries. */
static int fields_grow(struct pb_tsv_reader *r, size_t i, size_t max)
{
	size_t cap = r->fields_cap ? r->fields_cap * 2 : 16;
	struct pb_str *f;

	while (cap <= i)
		cap *= 2;
	if (cap > max + FIELDS_SLACK)
		cap = max + FIELDS_SLACK;
	f = realloc(r->fields, cap * sizeof *f);
	if (!f)
		return -1;
	r->fields = f;
	r->fields_cap = cap;
	return 0;
}

/*
 * Field *i ends at t (a TAB, or the line's end): kept while *i < max (the
 * array grown as needed), only counted past it. 0, or -1 out of memory.
 */
static int field_ends(struct pb_tsv_reader *r, size_t *i, const char **start, const char *t,
                      size_t max)
{
	if (*i < max) {
		if (*i >= r->fields_cap && fields_grow(r, *i, max) < 0)
			return -1;
		r->fields[*i].p = *start;
		r->fields[*i].n = (size_t)(t - *start);
	}
	++*i;
	*start = t + 1;
	return 0;
}

/*
 * Splits a line into r->fields in one pass, the array growing as needed.
 * want: the field count a row must have (0: any, the header, at most
 * PB_TSV_COLS_MAX). A row of another count is not kept split (a line of a
 * million tabs allocates nothing past want): -2 with its count in
 * r->nfields. -1 out of memory. The same pass notes a backslash
 * (r->escaped) and a NUL byte (r->nul) on the line.
 *
 * With SSE2 (every x86-64) sixteen bytes are tested at a time, the last
 * block too: the read buffer keeps READ_SLACK bytes after its data, whose
 * bits are masked off (lines are always in the read buffer). A block's
 * TABs are stored without a check each while 16 entries are free (ones
 * past max then hold nothing the caller reads). Without SSE2, byte by byte.
 */
static int split(struct pb_tsv_reader *r, char *line, size_t len, size_t want)
{
	size_t i = 0, max = want ? want : PB_TSV_COLS_MAX;
	const char *p = line, *end = line + len, *start = line;
	unsigned seen = 0; /* a backslash (low 16 bits), a NUL byte (high 16 bits) */

	if (want && r->fields_cap < want + FIELDS_SLACK &&
	    fields_grow(r, want + FIELDS_SLACK - 1, max) < 0)
		return -1;

#ifdef __SSE2__
	const __m128i tab = _mm_set1_epi8('\t'), bsl = _mm_set1_epi8('\\'),
	              zero = _mm_setzero_si128();
	const char *readable = r->in + r->cap;
	size_t cap = r->fields_cap;

	/* whole blocks, then the last part block if the buffer holds 16 bytes there */
	for (; p < end && (end - p >= 16 || p + 16 <= readable); p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned keep = end - p >= 16 ? 0xffffu : (1u << (end - p)) - 1;
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, tab)) & keep;
		seen |= ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, bsl)) |
		         (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)) << 16) &
		    (keep | keep << 16);
		if (i + 16 <= cap) {
			struct pb_str *f = r->fields;
			for (; m; m &= m - 1) {
				const char *t = p + __builtin_ctz(m);
				f[i].p = start;
				f[i++].n = (size_t)(t - start);
				start = t + 1;
			}
		} else {
			for (; m; m &= m - 1)
				if (field_ends(r, &i, &start, p + __builtin_ctz(m), max) < 0)
					return -1;
			cap = r->fields_cap;
		}
	}
#endif
	for (; p < end; p++) {
		if (*p == '\\')
			seen |= 1;
		else if (*p == '\0')
			seen |= 1u << 16;
		else if (*p == '\t' && field_ends(r, &i, &start, p, max) < 0)
			return -1;
	}
	if (field_ends(r, &i, &start, end, max) < 0)
		return -1;
	r->nfields = i;
	r->escaped = (seen & 0xffffu) != 0;
	r->nul = (seen >> 16) != 0;
	return i > max || (want && i != want) ? -2 : 0;
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
		if (pb_utf8_invalid_at(r->fields[i].p, r->fields[i].n) != (size_t)-1)
			/* a name becomes a label in reports: an xlsx with it would not open */
			return pb_error_set(err, PB_EXIT_FATAL, r->name, 1,
			                    "header column %zu is not UTF-8 text (pb TSV is UTF-8; "
			                    "pb-import converts other encodings)",
			                    i + 1);
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
	if (read_header(r, err) == 0)
		return 0;
	/* a failed open holds nothing, so a caller that does not close it leaks nothing */
	pb_tsv_close(r);
	return -1;
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
		close(fd);
		return -1;
	}
	r->own_fd = 1;
	return 0;
}

int pb_tsv_open_at(struct pb_tsv_reader *r, const struct pb_tsv_reader *like, const char *path,
                   off_t at, long line, struct pb_error *err)
{
	memset(r, 0, sizeof *r);
	r->fd = open(path, O_RDONLY);
	if (r->fd < 0)
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "cannot open:");
	r->own_fd = 1;
	r->name = like->name;
	r->line = line;
	r->ncols = like->ncols;
	r->cols = like->cols;
	r->borrowed_header = 1;
	if (lseek(r->fd, at, SEEK_SET) != at) {
		pb_tsv_close(r);
		return pb_error_set(err, PB_EXIT_FATAL, path, 0, "cannot seek:");
	}
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
	rc = split(r, line, len, r->ncols);
	if (rc == -1)
		return pb_error_set(err, PB_EXIT_FATAL, r->name, r->line, "out of memory");
	if (r->nul) {
		/* pb TSV is text (pb-import rejects NUL); a value could become a column name */
		r->nfields = 0;
		return pb_error_set(err, PB_EXIT_DATA, r->name, r->line,
		                    "a NUL byte: pb TSV is UTF-8 text");
	}
	if (rc == -2) {
		size_t n = r->nfields;
		r->nfields = 0;
		return pb_error_set(err, PB_EXIT_DATA, r->name, r->line,
		                    "%zu fields, expected %zu as in the header", n, r->ncols);
	}
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
	for (i = 0; i < r->ncols && !r->borrowed_header; i++)
		free(r->cols[i]);
	if (!r->borrowed_header)
		free(r->cols);
	pb_map_release(&r->names);
	free(r->fields);
	free(r->in);
	memset(r, 0, sizeof *r);
	r->fd = -1;
}

/* Whether any of the eight bytes in w is below 0x0e or a backslash. */
static int word_may_escape(uint64_t w)
{
	uint64_t x = w ^ 0x5c5c5c5c5c5c5c5cULL;

	return ((((w - 0x0e0e0e0e0e0e0e0eULL) & ~w) | ((x - 0x0101010101010101ULL) & ~x)) &
	        0x8080808080808080ULL) != 0;
}

/* The first byte in [p, end) that pb TSV escapes (\t \n \r \\), or end. */
static const char *find_special(const char *p, const char *end)
{
	const char *s = p;
	uint64_t w;

	/*
	 * Eight bytes at a time; the last eight again, overlapping, so that a
	 * clean field needs no byte loop. A word with a byte below 0x0e (the
	 * three control characters, and a few others) or a backslash sends
	 * the byte loop to find which.
	 */
	for (; end - s >= 8; s += 8) {
		memcpy(&w, s, sizeof w);
		if (word_may_escape(w))
			goto bytes;
	}
	if (end - p >= 8) {
		memcpy(&w, end - 8, sizeof w);
		if (!word_may_escape(w))
			return end;
	}
bytes:
	while (s < end && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\\')
		s++;
	return s;
}

static char escape_letter(char c)
{
	return c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
}

void pb_tsv_put(FILE *f, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end) {
		const char *q = find_special(p, end);
		if (q > p)
			fwrite(p, 1, (size_t)(q - p), f);
		if (q == end)
			break;
		putc('\\', f);
		putc(escape_letter(*q), f);
		p = q + 1;
	}
}

int pb_tsv_buf_put(struct pb_buf *b, const char *p, size_t n)
{
	const char *end = p + n, *q = find_special(p, end);

	if (q == end) /* most fields: nothing to escape */
		return pb_buf_add(b, p, n);
	for (; p < end; q = find_special(p, end)) {
		if (pb_buf_grow(b, (size_t)(q - p) + 2) < 0)
			return -1;
		memcpy(b->p + b->len, p, (size_t)(q - p));
		b->len += (size_t)(q - p);
		if (q < end) {
			b->p[b->len++] = '\\';
			b->p[b->len++] = escape_letter(*q);
		}
		b->p[b->len] = '\0';
		p = q == end ? end : q + 1;
	}
	return 0;
}

void pb_tsv_puts(FILE *f, const char *z)
{
	pb_tsv_put(f, z, strlen(z));
}

void pb_tsv_put_str(FILE *f, struct pb_str s)
{
	pb_tsv_put(f, s.p, s.n);
}

/*
 * The temporary files open now (pb-import has two: the output and the
 * rejects), removed by a SIGTERM, SIGINT or SIGHUP that ends the command
 * before it renames them, or by a crash; the signal then ends it as it
 * would have. Only in the process that made them (a forked reader leaves
 * them alone), and only signals whose action is the default (a sanitizer's
 * handler, an ignored SIGHUP under nohup stay as they are).
 */
#define HELD_MAX 4
static char *volatile held[HELD_MAX];
static volatile pid_t held_pid;

static void on_end_signal(int sig)
{
	int i, saved = errno;

	if (getpid() == held_pid)
		for (i = 0; i < HELD_MAX; i++)
			if (held[i])
				unlink(held[i]);
	errno = saved;
	raise(sig); /* the handler was reset: delivered on return */
}

/* Handles the ending signals left at their default action, once. */
static void handle_end_signals(void)
{
	/* and a crash (libxlsxwriter's when an allocation fails), re-raised as it was */
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGSEGV, SIGBUS, SIGABRT };
	static int done;
	struct sigaction sa, old;
	size_t i;

	if (done)
		return;
	done = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_end_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
}

static void hold_tmp(char *tmp)
{
	int i;

	held_pid = getpid();
	handle_end_signals();
	for (i = 0; i < HELD_MAX; i++)
		if (!held[i]) {
			held[i] = tmp;
			return;
		}
}

static void drop_tmp(const char *tmp)
{
	int i;

	for (i = 0; i < HELD_MAX; i++)
		if (held[i] == tmp)
			held[i] = NULL;
}

/*
 * Whether path is a symbolic link to the file standard output already is
 * (-o /dev/stdout with >FILE): writing it through stdout keeps what the
 * shell opened, where reopening would truncate a file opened with >>.
 */
static int names_stdout(const char *path)
{
	struct stat link, st, out;

	return lstat(path, &link) == 0 && S_ISLNK(link.st_mode) && stat(path, &st) == 0 &&
	    fstat(STDOUT_FILENO, &out) == 0 && st.st_dev == out.st_dev && st.st_ino == out.st_ino;
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
	if (names_stdout(path)) {
		o->f = stdout;
		return 0;
	}
	if ((stat(path, &st) == 0 && !S_ISREG(st.st_mode)) || strncmp(path, "/dev/", 5) == 0 ||
	    strncmp(path, "/proc/", 6) == 0) {
		/*
		 * A device or a pipe (-o /dev/null, -o /dev/stdout, a FIFO) is
		 * written in place: renaming a file onto it would replace it.
		 * So is a name under /dev or /proc that leads to a regular file
		 * (/dev/stderr redirected to one): the name is not the file's.
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
	hold_tmp(tmp.p);
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
		drop_tmp(tmp.p);
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
	drop_tmp(o->tmp);
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
	if (o->tmp) {
		unlink(o->tmp);
		drop_tmp(o->tmp);
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
}
