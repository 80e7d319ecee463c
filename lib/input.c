/* input: encoding detection and conversion, CSV/TSV records with line numbers. */
#include "pb/input.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input_int.h"
#include "pb/text.h"
#include "pb/workbook.h"

#define READ_CHUNK  (256u << 10)
#define SNIFF_BYTES (64u << 10)
/* libcsv grows its field buffer by a fixed block; pb makes the block grow too */
#define CSV_BLOCK_MIN (64u << 10)
/* stands for an undecodable byte: never valid UTF-8, never a separator */
#define BAD_BYTE '\xFF'
/* a batch the reader thread hands over: this many records, or bytes of fields */
#define BATCH_RECORDS 8192
#define BATCH_BYTES   (256u << 10)

int pb_encoding_parse(const char *name, enum pb_encoding *enc)
{
	if (strcasecmp(name, "auto") == 0)
		*enc = PB_ENC_AUTO;
	else if (strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0)
		*enc = PB_ENC_UTF8;
	else if (strcasecmp(name, "gb18030") == 0 || strcasecmp(name, "gbk") == 0 ||
	         strcasecmp(name, "cp936") == 0 || strcasecmp(name, "gb2312") == 0)
		*enc = PB_ENC_GB18030;
	else if (strcasecmp(name, "utf-16") == 0 || strcasecmp(name, "utf16") == 0 ||
	         strcasecmp(name, "utf-16le") == 0)
		*enc = PB_ENC_UTF16LE;
	else if (strcasecmp(name, "utf-16be") == 0)
		*enc = PB_ENC_UTF16BE;
	else
		return -1;
	return 0;
}

const char *pb_encoding_name(enum pb_encoding enc)
{
	switch (enc) {
	case PB_ENC_UTF8: return "UTF-8";
	case PB_ENC_GB18030: return "GB18030";
	case PB_ENC_UTF16LE: return "UTF-16LE";
	case PB_ENC_UTF16BE: return "UTF-16BE";
	default: return "auto";
	}
}

/* The text parser: the reader thread's alone while one runs. */
struct pb_textin {
	const char *name;
	int fd, own_fd;
	enum pb_encoding enc; /* detected or given */
	enum pb_format fmt;   /* detected or given */
	iconv_t cd;           /* (iconv_t)-1 when the input is UTF-8 */
	int started;          /* encoding and format decided */
	int eof, finished;
	struct pb_buf raw; /* bytes read, not yet decoded */
	struct pb_buf dec; /* UTF-8 bytes not yet parsed: [dec_pos, dec.len) */
	size_t dec_pos;
	struct csv_parser csv;
	int csv_ready;
	long line; /* physical line of the next byte to parse */
	int prev_cr;
	int skip_line; /* skipping the rest of a line whose record was cut off */
	/* the record being assembled, into rb */
	struct pb_recbuf *rb;
	size_t nf, batch_records;
	int scan; /* pb_input_want_flags: each field's flags computed here */
	long rec_line;
	int rec_open, rec_done;
	size_t rec_size;
	char reason[256];
};

static int never_space(unsigned char c)
{
	(void)c;
	return 0; /* keep every byte of unquoted fields; trimming is normalization's job */
}

static int csv_start(struct pb_textin *t)
{
	if (csv_init(&t->csv, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	t->csv_ready = 1;
	csv_set_space_func(&t->csv, never_space);
	csv_set_delim(&t->csv, t->fmt == PB_FMT_TSV ? CSV_TAB : CSV_COMMA);
	return 0;
}

/* Reads one chunk into raw; 1 read, 0 EOF, -1 error. */
static int read_chunk(struct pb_textin *t)
{
	ssize_t got;

	if (pb_buf_grow(&t->raw, READ_CHUNK) < 0)
		return -1;
	do
		got = read(t->fd, t->raw.p + t->raw.len, READ_CHUNK);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -1;
	if (got == 0) {
		t->eof = 1;
		return 0;
	}
	t->raw.len += (size_t)got;
	return 1;
}

/* Copies what stdin holds (raw's bytes, then the rest) to a temporary file: its path, or NULL. */
static char *spool_stdin(struct pb_textin *t)
{
	const char *dir = getenv("TMPDIR");
	struct pb_buf path = PB_BUF_INIT;
	int fd, ok;

	pb_buf_addf(&path, "%s/pb-import-XXXXXX", dir && *dir ? dir : "/tmp");
	if (!path.p || (fd = mkstemp(path.p)) < 0) {
		pb_buf_release(&path);
		return NULL;
	}
	do {
		const char *p = t->raw.p;
		size_t n = t->raw.len;
		ok = 1;
		while (n > 0 && ok) {
			ssize_t w = write(fd, p, n);
			ok = w > 0 || (w < 0 && errno == EINTR);
			if (w > 0) {
				p += w;
				n -= (size_t)w;
			}
		}
		t->raw.len = 0;
	} while (ok && !t->eof && read_chunk(t) >= 0);
	if (close(fd) != 0 || !ok || !t->eof) {
		unlink(path.p);
		pb_buf_release(&path);
		return NULL;
	}
	return pb_buf_detach(&path);
}

/* A workbook, by its first bytes, is read as one; 0 (maybe not one), or -1 with err. */
static int open_workbook(struct pb_input *in, const char *path, const char *sheet,
                         struct pb_error *err)
{
	struct pb_textin *t = in->t;
	enum pb_workbook_type type;
	char *spool = NULL;

	while (!t->eof && t->raw.len < 8)
		if (read_chunk(t) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "read error:");
	type = pb_workbook_sniff(t->raw.p, t->raw.len);
	if (type == PB_WORKBOOK_NONE)
		return 0;
	if (!t->own_fd && !(spool = spool_stdin(t)))
		return pb_error_set(err, PB_EXIT_FATAL, in->name, 0,
		                    "cannot copy the workbook on standard input to a temporary "
		                    "file:");
	in->wb = pb_workbook_open(spool ? spool : path, in->name, type, sheet, err);
	if (spool) {
		unlink(spool); /* the reader holds it open */
		free(spool);
	}
	if (!in->wb)
		return -1;
	in->enc = PB_ENC_UTF8;
	return 0;
}

static int fill(void *ctx, struct pb_recbuf *rb);

/* A regular file big enough is parsed on a second thread; anything else as asked. */
static void start_ahead(struct pb_input *in)
{
	struct stat st;

	in->t->batch_records = 1;
	if (fstat(in->t->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < PB_INPUT_AHEAD_MIN)
		return;
	/* set before the thread starts: from then on the parser is the thread's */
	in->t->batch_records = BATCH_RECORDS;
	in->ahead = pb_ahead_start(fill, in->t);
	if (!in->ahead)
		in->t->batch_records = 1;
}

int pb_input_open(struct pb_input *in, const char *path, enum pb_encoding enc, enum pb_format fmt,
                  const char *sheet, struct pb_error *err)
{
	struct pb_textin *t;

	memset(in, 0, sizeof *in);
	in->enc = enc;
	in->fmt = fmt;
	in->name = !path || strcmp(path, "-") == 0 ? "(stdin)" : path;
	in->t = t = calloc(1, sizeof *t);
	if (t)
		t->cd = (iconv_t)-1; /* no converter, even when the next calloc fails */
	in->own = calloc(1, sizeof *in->own);
	if (!t || !in->own)
		return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "out of memory");
	t->enc = enc;
	t->fmt = fmt;
	t->line = 1;
	t->name = in->name;
	if (!path || strcmp(path, "-") == 0) {
		t->fd = STDIN_FILENO;
	} else {
		t->fd = open(path, O_RDONLY);
		if (t->fd < 0)
			return pb_error_set(err, PB_EXIT_FATAL, path, 0, "cannot open:");
		t->own_fd = 1;
	}
	return open_workbook(in, path, sheet, err);
}

long pb_input_where(const struct pb_input *in, long line, char *buf, size_t cap, const char **file)
{
	const char *sheet = in->wb ? pb_workbook_sheet(in->wb) : NULL;

	*file = in->name;
	if (!sheet)
		return line;
	if (line > 0)
		snprintf(buf, cap, "%s:%s!%ld", in->name, sheet, line);
	else
		snprintf(buf, cap, "%s:%s", in->name, sheet);
	*file = buf;
	return 0;
}

void pb_input_want_flags(struct pb_input *in)
{
	if (in->t)
		in->t->scan = 1;
}

void pb_input_close(struct pb_input *in)
{
	struct pb_textin *t;

	if (!in)
		return;
	pb_ahead_stop(in->ahead); /* before the parser's state it uses goes */
	t = in->t;
	if (t) {
		if (t->own_fd)
			close(t->fd);
		if (t->cd != (iconv_t)-1)
			iconv_close(t->cd);
		if (t->csv_ready)
			csv_free(&t->csv);
		pb_buf_release(&t->raw);
		pb_buf_release(&t->dec);
		free(t);
	}
	pb_workbook_free(in->wb);
	if (in->own)
		pb_recbuf_release(in->own);
	free(in->own);
	free(in->fields);
	memset(in, 0, sizeof *in);
}

static void drop_raw(struct pb_textin *t, size_t n)
{
	memmove(t->raw.p, t->raw.p + n, t->raw.len - n);
	t->raw.len -= n;
}

/*
 * UTF-8 unless the bytes are mostly not: GB18030 text read as UTF-8 fails at
 * nearly every Chinese character, while a UTF-8 file with a few bad bytes
 * still has far more good multi-byte characters than bad ones.
 */
static int looks_like_utf8(const char *p, size_t n, int eof)
{
	size_t i = 0, good = 0, bad = 0;

	while (i < n) {
		size_t at = pb_utf8_invalid_at(p + i, n - i), k;
		size_t upto = at == (size_t)-1 ? n - i : at;
		for (k = 0; k < upto; k++)
			if ((p[i + k] & 0xC0) == 0xC0)
				good++;
		if (at == (size_t)-1)
			break;
		i += at;
		if (!eof && n - i < 4)
			break; /* a character cut by the end of the sniffed bytes */
		bad++;
		i++;
	}
	return bad == 0 || bad * 4 < good;
}

/* Chooses the encoding from a BOM, NUL patterns (UTF-16 without BOM) or UTF-8 validity. */
static int detect_encoding(struct pb_textin *t, struct pb_error *err)
{
	const unsigned char *p = (const unsigned char *)t->raw.p;
	size_t n = t->raw.len;
	const char *from = NULL;

	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF &&
	    (t->enc == PB_ENC_AUTO || t->enc == PB_ENC_UTF8)) {
		t->enc = PB_ENC_UTF8;
		drop_raw(t, 3);
	} else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE &&
	           (t->enc == PB_ENC_AUTO || t->enc == PB_ENC_UTF16LE ||
	            t->enc == PB_ENC_UTF16BE)) {
		t->enc = PB_ENC_UTF16LE;
		drop_raw(t, 2);
	} else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF &&
	           (t->enc == PB_ENC_AUTO || t->enc == PB_ENC_UTF16LE ||
	            t->enc == PB_ENC_UTF16BE)) {
		t->enc = PB_ENC_UTF16BE;
		drop_raw(t, 2);
	} else if (t->enc == PB_ENC_AUTO) {
		size_t i, odd = 0, even = 0;
		for (i = 0; i < n; i++)
			if (p[i] == 0) {
				if (i & 1)
					odd++;
				else
					even++;
			}
		if (n >= 2 && odd * 4 >= n / 2 && even == 0)
			t->enc = PB_ENC_UTF16LE;
		else if (n >= 2 && even * 4 >= n / 2 && odd == 0)
			t->enc = PB_ENC_UTF16BE;
		else
			t->enc =
			    looks_like_utf8(t->raw.p, n, t->eof) ? PB_ENC_UTF8 : PB_ENC_GB18030;
	}
	switch (t->enc) {
	case PB_ENC_GB18030: from = "GB18030"; break;
	case PB_ENC_UTF16LE: from = "UTF-16LE"; break;
	case PB_ENC_UTF16BE: from = "UTF-16BE"; break;
	default: break;
	}
	if (from) {
		t->cd = iconv_open("UTF-8", from);
		if (t->cd == (iconv_t)-1)
			return pb_error_set(err, PB_EXIT_FATAL, t->name, 0,
			                    "cannot convert from %s:", from);
	}
	return 0;
}

/* Moves raw bytes into dec as UTF-8. Undecodable bytes become BAD_BYTE. */
static int decode(struct pb_textin *t)
{
	char *ip, *op;
	size_t il, ol;

	/* dec.p must exist even when nothing was read (an empty file) */
	if (pb_buf_grow(&t->dec, 0) < 0)
		return -1;
	if (t->cd == (iconv_t)-1) {
		if (pb_buf_add(&t->dec, t->raw.p, t->raw.len) < 0)
			return -1;
		t->raw.len = 0;
		return 0;
	}
	ip = t->raw.p;
	il = t->raw.len;
	while (il > 0) {
		size_t r;
		if (pb_buf_grow(&t->dec, il * 2 + 16) < 0)
			return -1;
		op = t->dec.p + t->dec.len;
		ol = t->dec.cap - t->dec.len - 1;
		r = iconv(t->cd, &ip, &il, &op, &ol);
		t->dec.len = (size_t)(op - t->dec.p);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !t->eof)
			break; /* an incomplete character: wait for more bytes */
		/* EILSEQ, or EINVAL at the end: mark one unit bad and go on */
		{
			size_t unit = t->enc == PB_ENC_GB18030 ? 1 : 2;
			if (unit > il)
				unit = il;
			if (pb_buf_addc(&t->dec, BAD_BYTE) < 0)
				return -1;
			ip += unit;
			il -= unit;
		}
	}
	t->dec.p[t->dec.len] = '\0';
	drop_raw(t, (size_t)(ip - t->raw.p));
	return 0;
}

/* Reads and decodes more input; 1 more bytes, 0 none (EOF), -1 error. */
static int more(struct pb_textin *t, struct pb_error *err)
{
	int rc;

	/* drop what the parser consumed */
	if (t->dec_pos > 0) {
		memmove(t->dec.p, t->dec.p + t->dec_pos, t->dec.len - t->dec_pos);
		t->dec.len -= t->dec_pos;
		t->dec_pos = 0;
	}
	if (t->eof && t->started)
		return 0;
	if (!t->eof && read_chunk(t) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, t->name, 0, "read error:");
	if (!t->started) {
		/* sniff enough bytes to decide the encoding */
		while (!t->eof && t->raw.len < SNIFF_BYTES) {
			rc = read_chunk(t);
			if (rc < 0)
				return pb_error_set(err, PB_EXIT_FATAL, t->name, 0, "read error:");
		}
		if (detect_encoding(t, err) < 0)
			return -1;
	}
	if (decode(t) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, t->name, 0, "out of memory");
	return t->dec.len > 0 || !t->eof ? 1 : 0;
}

/* Decides CSV or TSV from the first line: tabs outside quotes beat commas. */
static void detect_format(struct pb_textin *t)
{
	size_t i, tabs = 0, commas = 0;
	int quoted = 0;

	for (i = t->dec_pos; i < t->dec.len; i++) {
		char c = t->dec.p[i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '\n' || c == '\r'))
			break;
		else if (!quoted && c == '\t')
			tabs++;
		else if (!quoted && c == ',')
			commas++;
	}
	t->fmt = tabs > commas ? PB_FMT_TSV : PB_FMT_CSV;
}

/* Room for twice as many fields in a batch; 0 or -1. */
static int grow_ends(struct pb_recbuf *rb)
{
	size_t cap = rb->ends_cap ? rb->ends_cap * 2 : 1024;
	size_t *e = realloc(rb->ends, cap * sizeof *e);
	unsigned char *f;

	if (!e)
		return -1;
	rb->ends = e;
	f = realloc(rb->flags, cap);
	if (!f)
		return -1;
	rb->flags = f;
	rb->ends_cap = cap;
	return 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct pb_textin *t = data;
	struct pb_recbuf *rb = t->rb;
	struct pb_buf *b = &rb->bytes;

	if (rb->nends == rb->ends_cap && grow_ends(rb) < 0) {
		snprintf(t->reason, sizeof t->reason, "out of memory");
		return;
	}
	if (len > PB_FIELD_MAX) {
		if (!t->reason[0])
			snprintf(t->reason, sizeof t->reason,
			         "field %zu is %zu bytes long, over the limit of %u bytes",
			         t->nf + 1, len, PB_FIELD_MAX);
		len = 0;
	}
	/* the common field fits: a copy, no call */
	if (len && b->cap - b->len <= len && pb_buf_grow(b, len) < 0) {
		if (!t->reason[0])
			snprintf(t->reason, sizeof t->reason, "out of memory");
		len = 0;
	}
	if (len) {
		memcpy(b->p + b->len, s, len);
		b->len += len;
		b->p[b->len] = '\0';
	}
	/* looked at while the bytes are at hand, on the reader's core */
	if (t->scan)
		rb->flags[rb->nends] =
		    (unsigned char)pb_text_scan(len ? b->p + b->len - len : "", len);
	rb->ends[rb->nends++] = b->len;
	t->nf++;
}

static void on_row(int c, void *data)
{
	struct pb_textin *t = data;

	(void)c;
	t->rec_done = 1;
}

/* The record assembled: into the batch, with its line and reason. 1, or -1 with err. */
static int finish_record(struct pb_textin *t, struct pb_error *err)
{
	struct pb_recbuf *rb = t->rb;
	struct pb_rec *r;
	size_t bad = 0;

	if (t->reason[0]) {
		bad = rb->reasons.len + 1;
		if (pb_buf_add(&rb->reasons, t->reason, strlen(t->reason) + 1) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, t->name, 0, "out of memory");
	}
	if (pb_grow_zeroed(&rb->recs, &rb->recs_cap, rb->nrecs, sizeof *rb->recs) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, t->name, 0, "out of memory");
	r = &rb->recs[rb->nrecs++];
	r->first = rb->nends - t->nf;
	r->nf = t->nf;
	r->line = t->rec_line;
	r->bad = bad;
	t->rec_open = t->rec_done = 0;
	return 1;
}

/* The offset of the first CR or LF in p[0..n), or n. */
static size_t line_end(const char *p, size_t n)
{
	const char *lf = memchr(p, '\n', n);
	const char *cr = memchr(p, '\r', lf ? (size_t)(lf - p) : n);

	return cr ? (size_t)(cr - p) : lf ? (size_t)(lf - p) : n;
}

/*
 * Moves past a segment of k bytes plus its terminator (0: none) and counts
 * physical lines: CR, LF and CRLF each end one.
 */
static void consume_segment(struct pb_textin *t, int term, size_t k)
{
	if (term == '\r')
		t->line++;
	else if (term == '\n' && !(t->prev_cr && k == 0))
		t->line++;
	t->prev_cr = term == '\r';
	t->dec_pos += term ? k + 1 : k;
}

/*
 * libcsv adds blk_size bytes each time a field outgrows its buffer: with the
 * default 128 a 2 MiB field costs 16,000 reallocs of a growing buffer.
 * A block as large as the buffer itself makes the growth geometric.
 *
 * libcsv asks a space function about every byte of an unquoted field, and
 * pb's says no to every byte (all bytes are kept). A line without a space
 * (or, in CSV, a tab) has no byte the default test would take for one, so
 * it is parsed the same without the call per byte.
 */
static size_t parse_segment(struct pb_textin *t, const char *seg, size_t n)
{
	size_t blk = t->csv.entry_size > CSV_BLOCK_MIN ? t->csv.entry_size : CSV_BLOCK_MIN;
	int spaces = memchr(seg, ' ', n) || (t->fmt != PB_FMT_TSV && memchr(seg, '\t', n));

	csv_set_blk_size(&t->csv, blk);
	csv_set_space_func(&t->csv, spaces ? never_space : NULL);
	return csv_parse(&t->csv, seg, n, on_field, on_row, t);
}

static void restart_parser(struct pb_textin *t)
{
	csv_free(&t->csv);
	t->csv_ready = 0;
	csv_start(t);
}

/* The first bytes: the encoding, the format and the parser. 0, or -1 with err. */
static int start_text(struct pb_textin *t, struct pb_error *err)
{
	if (more(t, err) < 0)
		return -1;
	t->started = 1;
	if (t->fmt == PB_FMT_AUTO)
		detect_format(t);
	if (csv_start(t) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, t->name, 0, "out of memory");
	return 0;
}

/* The end of the input: the record still open, if any. 1, 0, or -1 with err. */
static int finish_text(struct pb_textin *t, struct pb_error *err)
{
	t->finished = 1;
	if (!t->rec_open)
		return 0;
	if (!t->rec_done && csv_fini(&t->csv, on_field, on_row, t) != 0 && !t->reason[0])
		snprintf(
		    t->reason, sizeof t->reason,
		    "unterminated quoted field: the file ends inside quotes opened on line %ld",
		    t->rec_line);
	return finish_record(t, err);
}

/*
 * Parses one segment, a physical line or what is read of it, into the
 * record: a record too long is cut off, malformed quotes end it.
 */
static void parse_line(struct pb_textin *t, const char *seg, size_t seglen, int term)
{
	if (!t->rec_open && !(seglen == 1 && term)) {
		t->rec_open = 1;
		t->rec_line = t->line;
		t->rec_size = 0;
	}
	if (!t->rec_open)
		return;
	t->rec_size += seglen;
	if (t->rec_size > PB_RECORD_MAX) {
		snprintf(t->reason, sizeof t->reason,
		         "record longer than %u bytes (an unclosed quote?); the rest of its line "
		         "was skipped",
		         PB_RECORD_MAX);
		restart_parser(t);
		t->rec_done = 1;
		/* this segment has no line end: skip on to the next one */
		t->skip_line = !term;
	} else if (parse_segment(t, seg, seglen) != seglen) {
		if (!t->reason[0])
			snprintf(t->reason, sizeof t->reason,
			         "malformed quotes: a quote inside a quoted field must be doubled, "
			         "and a closing quote must end the field");
		restart_parser(t);
		t->rec_done = 1;
	}
}

/*
 * Parses the next record into t->rb, feeding libcsv one physical line at a
 * time so that a record's line is where it starts: 1, 0 at the end, -1 with
 * err.
 */
static int parse_record(struct pb_textin *t, struct pb_error *err)
{
	t->nf = 0;
	t->reason[0] = '\0';
	if (t->finished)
		return 0;
	if (!t->started && start_text(t, err) < 0)
		return -1;
	for (;;) {
		size_t k, avail = t->dec.len - t->dec_pos;
		const char *seg = t->dec.p ? t->dec.p + t->dec_pos
		                           : ""; /* nothing decoded yet: no offset from NULL */
		int term = 0;

		if (avail == 0) {
			if (more(t, err) < 0)
				return -1;
			if (t->dec_pos >= t->dec.len && t->eof)
				return finish_text(t, err);
			continue;
		}
		/* the next segment ends at a CR or LF, so at most one row ends in it */
		k = line_end(seg, avail);
		if (k < avail)
			term = seg[k];
		if (t->skip_line) {
			/* the rest of a physical line whose record was cut off */
			consume_segment(t, term, k);
			if (term)
				t->skip_line = 0;
			continue;
		}
		if (!term && !t->eof && avail < PB_RECORD_MAX) {
			/* an incomplete line: read on, unless it is already huge */
			if (more(t, err) < 0)
				return -1;
			continue;
		}
		parse_line(t, seg, term ? k + 1 : k, term);
		consume_segment(t, term, k);
		if (t->rec_done)
			return finish_record(t, err);
	}
}

/* Parses records into rb until it holds a batch, or the input ends; rb->rc. */
static int fill(void *ctx, struct pb_recbuf *rb)
{
	struct pb_textin *t = ctx;
	int rc;

	pb_recbuf_reset(rb);
	t->rb = rb;
	do
		rc = parse_record(t, &rb->err);
	while (rc > 0 && rb->nrecs < t->batch_records && rb->bytes.len < BATCH_BYTES);
	rb->rc = rc;
	rb->enc = t->enc;
	rb->fmt = t->fmt;
	return rc;
}

/* The next row of a workbook's sheet, as a record. */
static int next_row(struct pb_input *in, struct pb_error *err)
{
	const struct pb_str *cells;
	size_t n;
	int rc = pb_workbook_next(in->wb, &cells, &n, &in->rline, &in->bad, err);

	if (rc <= 0) {
		in->finished = rc == 0;
		return rc;
	}
	if (n && pb_grow_zeroed(&in->fields, &in->fields_cap, n - 1, sizeof *in->fields) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "out of memory");
	memcpy(in->fields, cells, n * sizeof *cells);
	in->nfields = n;
	return 1;
}

/* Record i of a batch as the current record. 1, or -1 with err. */
static int deliver(struct pb_input *in, const struct pb_recbuf *rb, size_t i, struct pb_error *err)
{
	const struct pb_rec *r = &rb->recs[i];
	/* an empty record (",") has no bytes, but its views must still point somewhere */
	const char *base = rb->bytes.p ? rb->bytes.p : "";
	size_t j;

	if (r->nf > in->fields_cap &&
	    pb_grow_zeroed(&in->fields, &in->fields_cap, r->nf - 1, sizeof *in->fields) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "out of memory");
	for (j = 0; j < r->nf; j++) {
		size_t f = r->first + j, start = f ? rb->ends[f - 1] : 0;
		in->fields[j].p = base + start;
		in->fields[j].n = rb->ends[f] - start;
	}
	in->flags =
	    in->t->scan && rb->flags ? rb->flags + r->first : NULL; /* none stored: rescanned */
	in->nfields = r->nf;
	in->rline = r->line;
	in->bad = r->bad ? rb->reasons.p + r->bad - 1 : NULL;
	return 1;
}

int pb_input_peek(const struct pb_input *in, size_t col, struct pb_str *field)
{
	const struct pb_recbuf *rb = in->batch;
	const struct pb_rec *r;
	size_t f, start;

	if (in->wb || !rb || in->next >= rb->nrecs)
		return 0;
	r = &rb->recs[in->next];
	if (col >= r->nf)
		return 0;
	f = r->first + col;
	start = f ? rb->ends[f - 1] : 0;
	*field = (struct pb_str){ rb->bytes.p ? rb->bytes.p + start : "", rb->ends[f] - start };
	return 1;
}

int pb_input_next(struct pb_input *in, struct pb_error *err)
{
	in->nfields = 0;
	in->bad = NULL;
	in->flags = NULL;
	if (in->finished)
		return 0;
	if (in->wb)
		return next_row(in, err);
	if (!in->started) {
		/* the thread, if any, starts with the first record: the options are set */
		in->started = 1;
		start_ahead(in);
	}
	for (;;) {
		struct pb_recbuf *rb = in->batch;
		if (rb && in->next < rb->nrecs)
			return deliver(in, rb, in->next++, err);
		if (rb && rb->rc <= 0) {
			in->finished = 1;
			if (rb->rc < 0 && err)
				*err = rb->err;
			return rb->rc;
		}
		/* the previous record's views die here */
		if (in->ahead) {
			rb = pb_ahead_take(in->ahead);
		} else {
			rb = in->own;
			fill(in->t, rb);
		}
		in->batch = rb;
		in->next = 0;
		in->enc = rb->enc;
		in->fmt = rb->fmt;
	}
}
