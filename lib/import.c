/* import: pb-import's run — files, header, rows, rejects, output. */
#include "pb/import.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"
#include "pb/value.h"

static void put_clean(FILE *f, struct pb_str s)
{
	/* the rejects file is pb TSV: undecodable bytes and NUL become U+FFFD */
	size_t i = 0;

	while (i < s.n) {
		size_t bad = pb_utf8_invalid_at(s.p + i, s.n - i);
		const char *nul = memchr(s.p + i, '\0', bad == (size_t)-1 ? s.n - i : bad);
		size_t upto = nul ? (size_t)(nul - (s.p + i)) : bad == (size_t)-1 ? s.n - i : bad;
		pb_tsv_put(f, s.p + i, upto);
		i += upto;
		if (i < s.n) {
			fputs("\xEF\xBF\xBD", f);
			i++;
		}
	}
}

static int reject(struct import *im, struct pb_input *in, const struct plan *pl,
                  struct pb_error *err)
{
	size_t i;
	FILE *f;

	im->st->rejected++;
	pb_warn_at(in->name, in->rline, "%s", im->reason.p);
	if (!im->o->rejects_path)
		goto limit;
	if (!im->rej_open) {
		if (pb_out_open(&im->rej, im->o->rejects_path, err) < 0)
			return -1;
		im->rej_open = 1;
		im->rej_ncols = pl->nsrc;
		for (i = 0; i < pl->nsrc; i++) {
			pb_tsv_puts(im->rej.f, pl->raw_names[i]);
			putc('\t', im->rej.f);
		}
		fputs("reject_reason\n", im->rej.f);
	}
	f = im->rej.f;
	for (i = 0; i < im->rej_ncols; i++) {
		if (i < in->nfields)
			put_clean(f, in->fields[i]);
		putc('\t', f);
	}
	pb_tsv_put(f, im->reason.p, im->reason.len);
	if (in->nfields > im->rej_ncols) {
		fputs("; surplus fields:", f);
		for (i = im->rej_ncols; i < in->nfields; i++) {
			fputs(i > im->rej_ncols ? " | " : " ", f);
			put_clean(f, in->fields[i]);
		}
	}
	putc('\n', f);
limit:
	if (im->o->max_errors && im->st->rejected >= im->o->max_errors)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "giving up after %llu rejected rows (--max-errors %llu)",
		                    im->st->rejected, im->o->max_errors);
	return 0;
}

static int process_row(struct import *im, struct pb_input *in, const struct plan *pl)
{
	size_t i;

	if (in->bad)
		FAIL("%s", in->bad);
	if (in->nfields != pl->nsrc)
		FAIL("%zu fields, expected %zu as in the header", in->nfields, pl->nsrc);
	for (i = 0; i < in->nfields; i++) {
		struct pb_str s = in->fields[i];
		size_t bad = pb_utf8_invalid_at(s.p, s.n);
		if (memchr(s.p, '\0', s.n))
			FAIL("column '%s': NUL byte in the field", pl->raw_names[i]);
		if (bad != (size_t)-1)
			FAIL("column '%s': invalid %s byte sequence at byte %zu of the field",
			     pl->raw_names[i], pb_encoding_name(in->enc), bad + 1);
	}
	if (pb_import_check_row(im, pl, in->fields, in->rline) < 0)
		return -1;
	/* write */
	{
		FILE *f = im->out.f;
		for (i = 0; i < pl->nout; i++) {
			const struct outcol *c = &pl->out[i];
			if (i)
				putc('\t', f);
			if (c->pos >= 0) {
				pb_tsv_put_str(f, pb_import_val(im, c->pos));
			} else {
				struct pb_str s = in->fields[c->src];
				if (im->o->normalize && pb_norm_nfkc(&im->norm, s, &s) < 0)
					FAIL("out of memory");
				pb_tsv_put_str(f, s);
			}
		}
		putc('\n', f);
	}
	return 0;
}

/* Header names must be text: valid in the input's encoding, no NUL. */
static int check_header(const struct pb_input *in, struct pb_error *err)
{
	size_t i;

	for (i = 0; i < in->nfields; i++) {
		struct pb_str s = in->fields[i];
		if (pb_utf8_invalid_at(s.p, s.n) != (size_t)-1 || memchr(s.p, '\0', s.n))
			return pb_error_set(err, PB_EXIT_FATAL, in->name, in->rline,
			                    "header column %zu is not valid %s text", i + 1,
			                    pb_encoding_name(in->enc));
	}
	return 0;
}

static int write_header(struct import *im, const struct plan *pl, const char *name,
                        struct pb_error *err)
{
	size_t i;

	if (im->first_out_names) {
		int same = im->first_nout == pl->nout;
		for (i = 0; same && i < pl->nout; i++)
			same = strcmp(im->first_out_names[i], pl->out[i].name) == 0;
		if (!same)
			return pb_error_set(
			    err, PB_EXIT_FATAL, name, 1,
			    "its columns map to a different set than %s's; import them separately",
			    im->files[0]);
		return 0;
	}
	im->first_out_names = calloc(pl->nout + 1, sizeof *im->first_out_names);
	if (!im->first_out_names)
		return pb_error_set(err, PB_EXIT_FATAL, name, 1, "out of memory");
	im->first_nout = pl->nout;
	for (i = 0; i < pl->nout; i++) {
		im->first_out_names[i] = strdup(pl->out[i].name);
		if (i)
			putc('\t', im->out.f);
		pb_tsv_puts(im->out.f, pl->out[i].name);
	}
	putc('\n', im->out.f);
	return 0;
}

static int import_file(struct import *im, const char *path, struct pb_error *err)
{
	struct pb_input in;
	struct plan pl;
	int rc;

	memset(&pl, 0, sizeof pl);
	if (pb_input_open(&in, path, im->o->encoding, im->o->format, err) < 0) {
		pb_input_close(&in);
		return -1;
	}
	im->cur_file = in.name;
	rc = pb_input_next(&in, err);
	if (rc == 0)
		rc = pb_error_set(err, PB_EXIT_FATAL, in.name, 0,
		                  "empty input: expected a header line");
	else if (rc > 0 && in.bad)
		rc = pb_error_set(err, PB_EXIT_FATAL, in.name, in.rline, "header: %s", in.bad);
	if (rc < 0)
		goto done;
	rc = -1;
	if (check_header(&in, err) < 0 ||
	    pb_import_plan(im, in.fields, in.nfields, in.name, in.rline, &pl, err) < 0 ||
	    write_header(im, &pl, in.name, err) < 0)
		goto done;
	for (;;) {
		int got = pb_input_next(&in, err);
		if (got < 0)
			goto done;
		if (got == 0)
			break;
		im->st->read++;
		pb_progress_rows(im->st->read);
		if (process_row(im, &in, &pl) == 0) {
			im->st->wrote++;
		} else if (reject(im, &in, &pl, err) < 0) {
			goto done;
		}
	}
	rc = 0;
done:
	pb_import_plan_free(&pl);
	pb_input_close(&in);
	return rc;
}

/* The schema positions the kind rules use, by column name. */
static const struct {
	const char *name;
	size_t off;
} positions[] = {
#define POS(field, name)                                                                           \
	{                                                                                          \
		name, offsetof(struct import, field)                                               \
	}
	POS(p_unit_id, "unit_id"),
	POS(p_unit_name, "unit_name"),
	POS(p_unit_type, "unit_type"),
	POS(p_city, "city"),
	POS(p_district, "district"),
	POS(p_town, "town"),
	POS(p_community, "community"),
	POS(p_org_mode, "org_mode"),
	POS(p_org_id, "org_id"),
	POS(p_org_name, "org_name"),
	POS(p_established, "established"),
	POS(p_dissolved, "dissolved"),
	POS(p_opened, "opened"),
	POS(p_closed, "closed"),
	POS(p_entity_id, "entity_id"),
	POS(p_entity_name, "entity_name"),
	POS(p_indicator, "indicator"),
	POS(p_judge, "judge"),
	POS(p_score, "score"),
	POS(p_period, "period"),
	POS(p_from, "from_id"),
	POS(p_to, "to_id"),
	POS(p_link_type, "link_type"),
	POS(p_start, "period_start"),
	POS(p_end, "period_end"),
	POS(p_target, "target"),
#undef POS
};

int pb_import_check_opts(const struct pb_import_opts *o, struct pb_error *err)
{
	size_t i;

	for (i = 0; i < o->nmaps; i++)
		if (!strchr(o->maps[i], '=') || o->maps[i][0] == '=')
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
			                    "--map: expected canonical=源列名, got '%s'",
			                    o->maps[i]);
	if (o->output_path && o->rejects_path && strcmp(o->output_path, "-") != 0 &&
	    strcmp(o->output_path, o->rejects_path) == 0)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--rejects and -o name the same file '%s'", o->rejects_path);
	if (o->rules_file && o->kind != PB_KIND_UNITS)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
		                    "--rules infers unit_type: it needs --kind units");
	return 0;
}

int pb_import_run(const struct pb_import_opts *o, struct pb_import_stats *st, struct pb_error *err)
{
	static const char *const stdin_only[] = { "-" };
	struct import im;
	size_t i, nschema;
	int rc = -1;

	memset(&im, 0, sizeof im);
	memset(st, 0, sizeof *st);
	im.o = o;
	im.st = st;
	im.kd = pb_kind_def(o->kind);
	im.files = o->ninputs ? o->inputs : stdin_only;
	im.nfiles = o->ninputs ? o->ninputs : 1;
	im.as_of = o->has_as_of ? o->as_of : pb_today();
	for (nschema = 0; im.kd->columns[nschema]; nschema++)
		;
	im.vals = calloc(nschema + 1, sizeof *im.vals);
	if (!im.vals)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	for (i = 0; i < sizeof positions / sizeof positions[0]; i++)
		*(int *)((char *)&im + positions[i].off) =
		    pb_import_schema_pos(&im, positions[i].name);

	if (pb_import_check_opts(o, err) < 0 || pb_import_load_maps(&im, err) < 0)
		goto done;
	if (o->kind == PB_KIND_UNITS && !(im.rules = pb_rules_new(o->rules_file, err)))
		goto done;
	if (pb_out_open(&im.out, o->output_path, err) < 0)
		goto done;
	for (i = 0; i < im.nfiles; i++) {
		im.cur_file_no = (int)i;
		if (import_file(&im, im.files[i], err) < 0)
			goto done;
	}
	pb_progress_done();
	if (pb_out_commit(&im.out, err) < 0)
		goto done;
	if (im.rej_open && pb_out_commit(&im.rej, err) < 0)
		goto done;
	rc = st->rejected ? 1 : 0;
done:
	pb_progress_done();
	if (rc < 0) {
		pb_out_abort(&im.out);
		if (im.rej_open)
			pb_out_commit(&im.rej, NULL); /* keep the rejects: they say why */
	}
	pb_rules_free(im.rules);
	pb_norm_release(&im.norm);
	pb_buf_release(&im.scratch);
	pb_buf_release(&im.reason);
	pb_buf_release(&im.key);
	pb_buf_release(&im.specs);
	pb_map_release(&im.ids);
	pb_map_release(&im.orgs);
	free(im.id_seen);
	free(im.org_seen);
	free(im.vals);
	if (im.first_out_names) {
		for (i = 0; i < im.first_nout; i++)
			free(im.first_out_names[i]);
		free(im.first_out_names);
	}
	return rc;
}
