/* input: encoding detection and conversion, CSV/TSV records with line numbers. */
#include "pb/input.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pb/text.h"
#include "pb/workbook.h"

#define READ_CHUNK  (256u << 10)
#define SNIFF_BYTES (64u << 10)
/* libcsv grows its field buffer by a fixed block; pb makes the block grow too */
#define CSV_BLOCK_MIN (64u << 10)
/* stands for an undecodable byte: never valid UTF-8, never a separator */
#define BAD_BYTE '\xFF'

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

static int never_space(unsigned char c)
{
	(void)c;
	return 0; /* keep every byte of unquoted fields; trimming is normalization's job */
}

static int csv_start(struct pb_input *in)
{
	if (csv_init(in->csv, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	csv_set_space_func(in->csv, never_space);
	csv_set_delim(in->csv, in->fmt == PB_FMT_TSV ? CSV_TAB : CSV_COMMA);
	return 0;
}

static int read_chunk(struct pb_input *in);

/* Copies what stdin holds (raw's bytes, then the rest) to a temporary file: its path, or NULL. */
static char *spool_stdin(struct pb_input *in)
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
		const char *p = in->raw.p;
		size_t n = in->raw.len;
		ok = 1;
		while (n > 0 && ok) {
			ssize_t w = write(fd, p, n);
			ok = w > 0 || (w < 0 && errno == EINTR);
			if (w > 0) {
				p += w;
				n -= (size_t)w;
			}
		}
		in->raw.len = 0;
	} while (ok && !in->eof && read_chunk(in) >= 0);
	if (close(fd) != 0 || !ok || !in->eof) {
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
	enum pb_workbook_type type;
	char *spool = NULL;

	while (!in->eof && in->raw.len < 8)
		if (read_chunk(in) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "read error:");
	type = pb_workbook_sniff(in->raw.p, in->raw.len);
	if (type == PB_WORKBOOK_NONE)
		return 0;
	if (!in->own_fd && !(spool = spool_stdin(in)))
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
	in->started = 1;
	return 0;
}

int pb_input_open(struct pb_input *in, const char *path, enum pb_encoding enc, enum pb_format fmt,
                  const char *sheet, struct pb_error *err)
{
	memset(in, 0, sizeof *in);
	in->cd = (iconv_t)-1;
	in->enc = enc;
	in->fmt = fmt;
	in->line = 1;
	if (!path || strcmp(path, "-") == 0) {
		in->fd = STDIN_FILENO;
		in->name = "(stdin)";
	} else {
		in->fd = open(path, O_RDONLY);
		in->name = path;
		if (in->fd < 0)
			return pb_error_set(err, PB_EXIT_FATAL, path, 0, "cannot open:");
		in->own_fd = 1;
	}
	if (open_workbook(in, path, sheet, err) < 0)
		return -1;
	if (in->wb)
		return 0;
	in->csv = calloc(1, sizeof *in->csv);
	if (!in->csv)
		return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "out of memory");
	return 0;
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

void pb_input_close(struct pb_input *in)
{
	if (!in)
		return;
	if (in->own_fd)
		close(in->fd);
	if (in->cd != (iconv_t)-1)
		iconv_close(in->cd);
	pb_workbook_free(in->wb);
	if (in->csv) {
		if (in->started)
			csv_free(in->csv);
		free(in->csv);
	}
	pb_buf_release(&in->raw);
	pb_buf_release(&in->dec);
	pb_buf_release(&in->bytes);
	free(in->offs);
	free(in->fields);
	memset(in, 0, sizeof *in);
	in->cd = (iconv_t)-1;
}

/* Reads one chunk into raw; 1 read, 0 EOF, -1 error. */
static int read_chunk(struct pb_input *in)
{
	ssize_t got;

	if (pb_buf_grow(&in->raw, READ_CHUNK) < 0)
		return -1;
	do
		got = read(in->fd, in->raw.p + in->raw.len, READ_CHUNK);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -1;
	if (got == 0) {
		in->eof = 1;
		return 0;
	}
	in->raw.len += (size_t)got;
	return 1;
}

static void drop_raw(struct pb_input *in, size_t n)
{
	memmove(in->raw.p, in->raw.p + n, in->raw.len - n);
	in->raw.len -= n;
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
static int detect_encoding(struct pb_input *in, struct pb_error *err)
{
	const unsigned char *p = (const unsigned char *)in->raw.p;
	size_t n = in->raw.len;
	const char *from = NULL;

	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF &&
	    (in->enc == PB_ENC_AUTO || in->enc == PB_ENC_UTF8)) {
		in->enc = PB_ENC_UTF8;
		drop_raw(in, 3);
	} else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE &&
	           (in->enc == PB_ENC_AUTO || in->enc == PB_ENC_UTF16LE ||
	            in->enc == PB_ENC_UTF16BE)) {
		in->enc = PB_ENC_UTF16LE;
		drop_raw(in, 2);
	} else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF &&
	           (in->enc == PB_ENC_AUTO || in->enc == PB_ENC_UTF16LE ||
	            in->enc == PB_ENC_UTF16BE)) {
		in->enc = PB_ENC_UTF16BE;
		drop_raw(in, 2);
	} else if (in->enc == PB_ENC_AUTO) {
		size_t i, odd = 0, even = 0;
		for (i = 0; i < n; i++)
			if (p[i] == 0) {
				if (i & 1)
					odd++;
				else
					even++;
			}
		if (n >= 2 && odd * 4 >= n / 2 && even == 0)
			in->enc = PB_ENC_UTF16LE;
		else if (n >= 2 && even * 4 >= n / 2 && odd == 0)
			in->enc = PB_ENC_UTF16BE;
		else
			in->enc =
			    looks_like_utf8(in->raw.p, n, in->eof) ? PB_ENC_UTF8 : PB_ENC_GB18030;
	}
	switch (in->enc) {
	case PB_ENC_GB18030: from = "GB18030"; break;
	case PB_ENC_UTF16LE: from = "UTF-16LE"; break;
	case PB_ENC_UTF16BE: from = "UTF-16BE"; break;
	default: break;
	}
	if (from) {
		in->cd = iconv_open("UTF-8", from);
		if (in->cd == (iconv_t)-1)
			return pb_error_set(err, PB_EXIT_FATAL, in->name, 0,
			                    "cannot convert from %s:", from);
	}
	return 0;
}

/* Moves raw bytes into dec as UTF-8. Undecodable bytes become BAD_BYTE. */
static int decode(struct pb_input *in)
{
	char *ip, *op;
	size_t il, ol;

	/* dec.p must exist even when nothing was read (an empty file) */
	if (pb_buf_grow(&in->dec, 0) < 0)
		return -1;
	if (in->cd == (iconv_t)-1) {
		if (pb_buf_add(&in->dec, in->raw.p, in->raw.len) < 0)
			return -1;
		in->raw.len = 0;
		return 0;
	}
	ip = in->raw.p;
	il = in->raw.len;
	while (il > 0) {
		size_t r;
		if (pb_buf_grow(&in->dec, il * 2 + 16) < 0)
			return -1;
		op = in->dec.p + in->dec.len;
		ol = in->dec.cap - in->dec.len - 1;
		r = iconv(in->cd, &ip, &il, &op, &ol);
		in->dec.len = (size_t)(op - in->dec.p);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !in->eof)
			break; /* an incomplete character: wait for more bytes */
		/* EILSEQ, or EINVAL at the end: mark one unit bad and go on */
		{
			size_t unit = in->enc == PB_ENC_GB18030 ? 1 : 2;
			if (unit > il)
				unit = il;
			if (pb_buf_addc(&in->dec, BAD_BYTE) < 0)
				return -1;
			ip += unit;
			il -= unit;
		}
	}
	in->dec.p[in->dec.len] = '\0';
	drop_raw(in, (size_t)(ip - in->raw.p));
	return 0;
}

/* Reads and decodes more input; 1 more bytes, 0 none (EOF), -1 error. */
static int more(struct pb_input *in, struct pb_error *err)
{
	int rc;

	/* drop what the parser consumed */
	if (in->dec_pos > 0) {
		memmove(in->dec.p, in->dec.p + in->dec_pos, in->dec.len - in->dec_pos);
		in->dec.len -= in->dec_pos;
		in->dec_pos = 0;
	}
	if (in->eof && in->started)
		return 0;
	if (!in->eof && read_chunk(in) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "read error:");
	if (!in->started) {
		/* sniff enough bytes to decide the encoding */
		while (!in->eof && in->raw.len < SNIFF_BYTES) {
			rc = read_chunk(in);
			if (rc < 0)
				return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "read error:");
		}
		if (detect_encoding(in, err) < 0)
			return -1;
	}
	if (decode(in) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "out of memory");
	return in->dec.len > 0 || !in->eof ? 1 : 0;
}

/* Decides CSV or TSV from the first line: tabs outside quotes beat commas. */
static void detect_format(struct pb_input *in)
{
	size_t i, tabs = 0, commas = 0;
	int quoted = 0;

	for (i = in->dec_pos; i < in->dec.len; i++) {
		char c = in->dec.p[i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '\n' || c == '\r'))
			break;
		else if (!quoted && c == '\t')
			tabs++;
		else if (!quoted && c == ',')
			commas++;
	}
	in->fmt = tabs > commas ? PB_FMT_TSV : PB_FMT_CSV;
}

static void on_field(void *s, size_t len, void *data)
{
	struct pb_input *in = data;
	struct pb_buf *b = &in->bytes;

	if (in->nf + 2 > in->offs_cap) {
		size_t cap = in->offs_cap ? in->offs_cap * 2 : 64;
		size_t *o = realloc(in->offs, cap * sizeof *o);
		if (!o) {
			snprintf(in->reason, sizeof in->reason, "out of memory");
			return;
		}
		in->offs = o;
		in->offs_cap = cap;
	}
	if (in->nf == 0)
		in->offs[0] = 0;
	if (len > PB_FIELD_MAX) {
		if (!in->reason[0])
			snprintf(in->reason, sizeof in->reason,
			         "field %zu is %zu bytes long, over the limit of %u bytes",
			         in->nf + 1, len, PB_FIELD_MAX);
		len = 0;
	}
	/* the common field fits: a copy, no call */
	if (len && b->cap - b->len <= len && pb_buf_grow(b, len) < 0) {
		if (!in->reason[0])
			snprintf(in->reason, sizeof in->reason, "out of memory");
		len = 0;
	}
	if (len) {
		memcpy(b->p + b->len, s, len);
		b->len += len;
		b->p[b->len] = '\0';
	}
	in->offs[++in->nf] = b->len;
}

static void on_row(int c, void *data)
{
	struct pb_input *in = data;

	(void)c;
	in->rec_done = 1;
}

static int deliver(struct pb_input *in, struct pb_error *err)
{
	size_t i;

	/* an empty record (",") has no bytes, but its views must still point somewhere */
	if (pb_buf_grow(&in->bytes, 0) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "out of memory");
	if (in->nf > in->fields_cap) {
		size_t cap = in->nf * 2;
		struct pb_str *f = realloc(in->fields, cap * sizeof *f);
		if (!f)
			return pb_error_set(err, PB_EXIT_FATAL, in->name, 0, "out of memory");
		in->fields = f;
		in->fields_cap = cap;
	}
	for (i = 0; i < in->nf; i++) {
		in->fields[i].p = in->bytes.p + in->offs[i];
		in->fields[i].n = in->offs[i + 1] - in->offs[i];
	}
	in->nfields = in->nf;
	in->rline = in->rec_line;
	in->bad = in->reason[0] ? in->reason : NULL;
	in->rec_open = in->rec_done = 0;
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
static void consume_segment(struct pb_input *in, int term, size_t k)
{
	if (term == '\r')
		in->line++;
	else if (term == '\n' && !(in->prev_cr && k == 0))
		in->line++;
	in->prev_cr = term == '\r';
	in->dec_pos += term ? k + 1 : k;
}

/*
 * libcsv adds blk_size bytes each time a field outgrows its buffer: with the
 * default 128 a 2 MiB field costs 16,000 reallocs of a growing buffer.
 * A block as large as the buffer itself makes the growth geometric.
 */
static size_t parse_segment(struct pb_input *in, const char *seg, size_t n)
{
	size_t blk = in->csv->entry_size > CSV_BLOCK_MIN ? in->csv->entry_size : CSV_BLOCK_MIN;

	csv_set_blk_size(in->csv, blk);
	return csv_parse(in->csv, seg, n, on_field, on_row, in);
}

static void restart_parser(struct pb_input *in)
{
	csv_free(in->csv);
	csv_start(in);
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

int pb_input_next(struct pb_input *in, struct pb_error *err)
{
	/* the previous record's views die here */
	pb_buf_reset(&in->bytes);
	in->nf = 0;
	in->nfields = 0;
	in->reason[0] = '\0';
	in->bad = NULL;

	if (in->finished)
		return 0;
	if (in->wb)
		return next_row(in, err);
	for (;;) {
		size_t k, seglen;
		const char *seg;
		int term = 0;

		if (in->dec_pos >= in->dec.len || !in->started) {
			int rc = more(in, err);
			if (rc < 0)
				return -1;
			if (!in->started) {
				in->started = 1;
				if (in->fmt == PB_FMT_AUTO)
					detect_format(in);
				if (csv_start(in) < 0)
					return pb_error_set(err, PB_EXIT_FATAL, in->name, 0,
					                    "out of memory");
			}
			if (in->dec_pos >= in->dec.len && in->eof) {
				in->finished = 1;
				if (!in->rec_open)
					return 0;
				if (!in->rec_done && csv_fini(in->csv, on_field, on_row, in) != 0) {
					if (!in->reason[0])
						snprintf(in->reason, sizeof in->reason,
						         "unterminated quoted field: the file ends "
						         "inside quotes opened on line %ld",
						         in->rec_line);
				}
				return deliver(in, err);
			}
			if (in->dec_pos >= in->dec.len)
				continue;
		}
		/* the next segment ends at a CR or LF, so at most one row ends in it */
		seg = in->dec.p + in->dec_pos;
		k = line_end(seg, in->dec.len - in->dec_pos);
		if (k < in->dec.len - in->dec_pos)
			term = seg[k];
		if (in->skip_line) {
			/* the rest of a physical line whose record was cut off */
			consume_segment(in, term, k);
			if (term)
				in->skip_line = 0;
			continue;
		}
		if (!term && !in->eof) {
			/* an incomplete line: read on, unless it is already huge */
			if (in->dec.len - in->dec_pos < PB_RECORD_MAX) {
				int rc = more(in, err);
				if (rc < 0)
					return -1;
				continue;
			}
		}
		seglen = term ? k + 1 : k;
		if (!in->rec_open && !(seglen == 1 && term)) {
			in->rec_open = 1;
			in->rec_line = in->line;
			in->rec_size = 0;
		}
		if (in->rec_open) {
			in->rec_size += seglen;
			if (in->rec_size > PB_RECORD_MAX) {
				snprintf(in->reason, sizeof in->reason,
				         "record longer than %u bytes (an unclosed quote?); the "
				         "rest of its line was skipped",
				         PB_RECORD_MAX);
				restart_parser(in);
				in->rec_done = 1;
				/* this segment has no line end: skip on to the next one */
				in->skip_line = !term;
			} else if (parse_segment(in, seg, seglen) != seglen) {
				if (!in->reason[0])
					snprintf(in->reason, sizeof in->reason,
					         "malformed quotes: a quote inside a quoted field "
					         "must be doubled, "
					         "and a closing quote must end the field");
				restart_parser(in);
				in->rec_done = 1;
			}
		}
		consume_segment(in, term, k);
		if (in->rec_done)
			return deliver(in, err);
	}
}
