/*
 * report: pb-report's run — checks the options, loads and prepares the
 * model (sections, official order, prose: lib/report_model.c,
 * report_order.c, report_template.c) and hands it to the format's writer
 * through one table; the output appears whole or not at all.
 */
#include "pb/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pb/text.h"
#include "pb/tsv.h"
#include "pb/value.h"
#include "report_int.h"

/*
 * One row per format. A stream writer writes to an open FILE (stdout or a
 * temporary file); a file writer (a library that writes by name) writes the
 * temporary file itself, so it needs -o.
 */
struct writer {
	const char *name;
	enum pb_report_format format;
	int (*stream)(const struct pb_report *rep, FILE *f);
	int (*file)(const struct pb_report *rep, const char *tmp, struct pb_error *err);
};

static const struct writer writers[] = {
	{ "text", PB_REPORT_TEXT, pb_report_write_text, NULL },
	{ "md", PB_REPORT_MD, pb_report_write_md, NULL },
	{ "markdown", PB_REPORT_MD, pb_report_write_md, NULL },
	{ "html", PB_REPORT_HTML, pb_report_write_html, NULL },
	{ "csv", PB_REPORT_CSV, pb_report_write_csv, NULL },
	{ "xlsx", PB_REPORT_XLSX, NULL, pb_report_write_xlsx },
	{ "docx", PB_REPORT_DOCX, NULL, pb_report_write_docx },
};

#define NWRITERS (sizeof writers / sizeof writers[0])

static const struct writer *writer_for(enum pb_report_format f)
{
	size_t i;

	for (i = 0; i < NWRITERS; i++)
		if (writers[i].format == f)
			return &writers[i];
	return &writers[0];
}

int pb_report_format_parse(const char *name, enum pb_report_format *f)
{
	size_t i;

	for (i = 0; i < NWRITERS; i++)
		if (strcmp(name, writers[i].name) == 0) {
			*f = writers[i].format;
			return 0;
		}
	return -1;
}

/* A section option's "N:" names a section: 0, or -1 with err. */
static int check_secs(const char *opt, const char *const *list, size_t n, size_t nsec,
                      struct pb_error *err)
{
	size_t i, sec;

	for (i = 0; i < n; i++) {
		const char *v = pb_report_sec_arg(list[i], &sec);
		if (sec > nsec)
			return pb_error_set(
			    err, PB_EXIT_FATAL, "", 0,
			    "%s %s: there is no section %zu (sections are 1 to %zu)", opt, list[i],
			    sec == (size_t)-1 ? 0 : sec, nsec);
		if (!*v && strcmp(opt, "--heading") != 0)
			return pb_error_set(err, PB_EXIT_FATAL, "", 0, "%s: '%s' names no column",
			                    opt, list[i]);
	}
	return 0;
}

/* Each --label is [N:]COL=LABEL, each --sort [N:]COL[:asc|:desc], each --order COL=... */
static int check_forms(const struct pb_report_opts *o, struct pb_error *err)
{
	struct pb_str col;
	size_t i, sec;
	int desc;

	for (i = 0; i < o->nlabels; i++) {
		const char *v = pb_report_sec_arg(o->labels[i], &sec), *eq = strchr(v, '=');
		if (!eq || eq == v)
			return pb_error_set(err, PB_EXIT_FATAL, "", 0,
			                    "--label: '%s' is not COL=LABEL", o->labels[i]);
	}
	for (i = 0; i < o->nsorts; i++)
		if (pb_report_parse_sort(pb_report_sec_arg(o->sorts[i], &sec), &col, &desc) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, "", 0,
			                    "--sort: '%s' is not COL, COL:asc or COL:desc",
			                    o->sorts[i]);
	for (i = 0; i < o->norders; i++) {
		const char *eq = strchr(o->orders[i], '=');
		if (!eq || eq == o->orders[i] || !eq[1] || (eq[1] == '@' && !eq[2]) ||
		    strspn(eq + 1, ",") == strlen(eq + 1))
			return pb_error_set(err, PB_EXIT_FATAL, "", 0,
			                    "--order: '%s' is not COL=V1,V2,... or COL=@FILE",
			                    o->orders[i]);
	}
	return 0;
}

/* The command line's text goes into every format as it is: UTF-8 only (XML and HTML need it). */
static int check_text(const char *opt, const char *const *v, size_t n, struct pb_error *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] && pb_utf8_invalid_at(v[i], strlen(v[i])) != (size_t)-1) {
			if (n == 1)
				return pb_error_set(err, PB_EXIT_FATAL, "", 0, "%s: not UTF-8 text",
				                    opt);
			return pb_error_set(err, PB_EXIT_FATAL, "", 0, "%s %zu: not UTF-8 text",
			                    opt, i + 1);
		}
	return 0;
}

int pb_report_check_opts(const struct pb_report_opts *o, struct pb_error *err)
{
	const struct writer *w = writer_for(o->format);
	size_t i, sec, nsec = o->ninputs > 0 ? o->ninputs : 1, plain = 0;

	if (w->file && (!o->output || strcmp(o->output, "-") == 0))
		return pb_error_set(err, PB_EXIT_FATAL, "", 0, "--format %s needs -o FILE",
		                    w->name);
	if (o->template_path && (o->format == PB_REPORT_CSV || o->format == PB_REPORT_XLSX))
		return pb_error_set(err, PB_EXIT_FATAL, "", 0,
		                    "--template: prose goes into text, md, html or docx, not %s",
		                    w->name);
	if (check_text("--title", &o->title, 1, err) < 0 ||
	    check_text("--subtitle", &o->subtitle, 1, err) < 0 ||
	    check_text("--note", o->notes, o->nnotes, err) < 0 ||
	    check_text("--heading", o->headings, o->nheadings, err) < 0 ||
	    check_text("--label", o->labels, o->nlabels, err) < 0)
		return -1;
	if (o->precision < 0 || o->precision > 6)
		return pb_error_set(err, PB_EXIT_FATAL, "", 0, "--precision must be 0 to 6");
	if (check_forms(o, err) < 0 ||
	    check_secs("--heading", o->headings, o->nheadings, nsec, err) < 0 ||
	    check_secs("--label", o->labels, o->nlabels, nsec, err) < 0 ||
	    check_secs("--columns", o->columns, o->ncolumns, nsec, err) < 0 ||
	    check_secs("--sort", o->sorts, o->nsorts, nsec, err) < 0 ||
	    check_secs("--chart", o->charts, o->ncharts, nsec, err) < 0)
		return -1;
	for (i = 0; i < o->nheadings; i++)
		if (pb_report_sec_arg(o->headings[i], &sec) && !sec)
			plain++;
	if (plain > nsec)
		return pb_error_set(err, PB_EXIT_FATAL, "", 0, "%zu --heading for %zu section(s)",
		                    plain, nsec);
	return 0;
}

/*
 * Runs a file writer on a temporary file in TMPDIR and copies it to out,
 * which is written in place (-o /dev/stdout, a FIFO): a library that writes
 * by name would fail on a pipe (it seeks) or replace a device's name.
 */
static int write_file_copy(const struct writer *w, const struct pb_report *rep, FILE *to,
                           struct pb_error *err)
{
	const char *dir = getenv("TMPDIR");
	struct pb_buf path = PB_BUF_INIT;
	char chunk[65536];
	FILE *from = NULL;
	size_t n;
	int fd, rc = -1;

	pb_buf_addf(&path, "%s/pb-report-XXXXXX", dir && *dir ? dir : "/tmp");
	if (!path.p || (fd = mkstemp(path.p)) < 0) {
		pb_buf_release(&path);
		return pb_error_set(err, PB_EXIT_FATAL, rep->o->output, 0,
		                    "cannot create a temporary file:");
	}
	close(fd);
	if (w->file(rep, path.p, err) == 0) {
		if (!(from = fopen(path.p, "rb")))
			pb_error_set(err, PB_EXIT_FATAL, rep->o->output, 0, "cannot write output:");
		while (from && (n = fread(chunk, 1, sizeof chunk, from)) > 0)
			fwrite(chunk, 1, n, to);
		if (from && ferror(from))
			pb_error_set(err, PB_EXIT_FATAL, rep->o->output, 0, "cannot write output:");
		else if (from)
			rc = 0; /* write errors on to show at pb_out_commit */
		if (from)
			fclose(from);
	}
	unlink(path.p);
	pb_buf_release(&path);
	return rc;
}

/* Runs a file writer on the temporary file of out, then reopens it for pb_out_commit. */
static int write_file(const struct writer *w, const struct pb_report *rep, struct pb_out *out,
                      struct pb_error *err)
{
	if (!out->tmp)
		return write_file_copy(w, rep, out->f, err);
	/* the library writes by name: let it replace the temporary file */
	fclose(out->f);
	out->f = NULL;
	if (w->file(rep, out->tmp, err) < 0)
		return -1;
	out->f = fopen(out->tmp, "r+");
	if (!out->f)
		return pb_error_set(err, PB_EXIT_FATAL, rep->o->output, 0, "cannot write output:");
	return 0;
}

/* Writes the prepared report through the format's writer, atomically. */
static int write_report(const struct pb_report *rep, struct pb_error *err)
{
	const struct writer *w = writer_for(rep->o->format);
	struct pb_out out = PB_OUT_INIT;
	int rc;

	if (pb_out_open(&out, rep->o->output, err) < 0)
		return -1;
	rc = w->file ? write_file(w, rep, &out, err) : w->stream(rep, out.f);
	if (rc < 0) {
		if (!err->code)
			pb_error_set(err, PB_EXIT_FATAL, rep->o->output ? rep->o->output : "", 0,
			             "out of memory");
		pb_out_abort(&out);
		return -1;
	}
	return pb_out_commit(&out, err);
}

/* The generation date, shown only when SOURCE_DATE_EPOCH is set (reproducible runs). */
static void stamp(struct pb_report *rep)
{
	long long t;

	rep->has_date = pb_source_date_epoch(&t);
	if (rep->has_date)
		pb_format_date(pb_today(), rep->date);
}

/*
 * Everything a writer needs, checked before anything is written: the
 * columns named, the official orders, each section's columns, rows in
 * order and chart, the prose with its figures filled in.
 */
static int prepare(struct pb_report *rep, struct pb_error *err)
{
	size_t k;

	if (pb_report_check_names(rep, err) < 0 || pb_report_orders_load(rep, err) < 0)
		return -1;
	for (k = 0; k < rep->nsecs; k++) {
		if (pb_report_shape(rep, k, err) < 0)
			return -1;
		if (pb_report_order_rows(rep, &rep->secs[k], pb_report_sort_for(rep, k)) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, rep->secs[k].path, 0,
			                    "out of memory");
	}
	if (pb_report_check_charts(rep, err) < 0 || pb_report_template_load(rep, err) < 0)
		return -1;
	stamp(rep);
	return 0;
}

int pb_report_run(const struct pb_report_opts *o, struct pb_error *err)
{
	struct pb_report rep;
	unsigned long bad = 0;
	int rc = -1;

	memset(&rep, 0, sizeof rep);
	rep.o = o;
	if (pb_report_load(&rep, &bad, err) == 0 && prepare(&rep, err) == 0)
		rc = write_report(&rep, err);
	pb_report_sections_release(&rep);
	pb_report_orders_release(&rep);
	pb_report_template_release(&rep);
	if (rc < 0)
		return -1;
	return bad ? PB_EXIT_DATA : 0;
}
