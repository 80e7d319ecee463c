/* import: header mapping, normalization, validation, rejects. */
#include "pb/import.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pb/map.h"
#include "pb/rules.h"
#include "pb/text.h"
#include "pb/tsv.h"
#include "pb/value.h"

/* One output column: a schema column (from a source column or derived) or a kept one. */
struct outcol {
	int pos;    /* schema position, or -1 for a kept source column */
	int src;    /* source column, or -1 when derived */
	char *name; /* owned */
};

/* How one input file's columns become the output's. */
struct plan {
	size_t nsrc;
	char **raw_names; /* source header as read, for the rejects file */
	char **names;     /* source header normalized */
	size_t nschema;
	const struct pb_column_def **defs;
	int *src; /* per schema position: source column or -1 */
	struct outcol *out;
	size_t nout;
};

/* A value being built for a schema position: a view into a field, or bytes in scratch. */
struct val {
	const char *p; /* NULL: at off in scratch */
	size_t off, n;
};

struct seen {
	long line;
	int file;
	char mode; /* for organizations: 's' single, 'j' joint */
};

struct import {
	const struct pb_import_opts *o;
	const struct pb_kind_def *kd;
	struct pb_import_stats *st;
	struct pb_rules *rules;
	struct pb_norm norm;
	struct pb_buf scratch, reason, key;
	struct val *vals;
	struct pb_out out, rej;
	int rej_open;
	size_t rej_ncols;
	char **first_out_names;
	size_t first_nout;
	/* uniqueness: unit ids, organizations, score keys, link keys */
	struct pb_map ids, orgs;
	struct seen *id_seen, *org_seen;
	size_t id_cap, org_cap;
	const char *cur_file;
	int cur_file_no;
	const char *const *inputs;
	size_t ninputs;
	int32_t as_of;
	/* schema positions the kind rules need; -1 when not in the schema */
	int p_unit_id, p_unit_name, p_unit_type, p_city, p_district, p_town, p_community;
	int p_org_mode, p_org_id, p_org_name;
	int p_established, p_dissolved, p_opened, p_closed;
	int p_entity_id, p_entity_name, p_indicator, p_judge, p_score, p_period;
	int p_from, p_to, p_link_type, p_start, p_end;
};

static struct pb_str vstr(const struct import *im, int pos)
{
	const struct val *v;

	if (pos < 0)
		return (struct pb_str){ "", 0 };
	v = &im->vals[pos];
	if (v->p)
		return (struct pb_str){ v->p, v->n };
	return (struct pb_str){ im->scratch.p + v->off, v->n };
}

static void vset_copy(struct import *im, int pos, const char *p, size_t n)
{
	im->vals[pos].p = NULL;
	im->vals[pos].off = im->scratch.len;
	im->vals[pos].n = n;
	pb_buf_add(&im->scratch, p, n);
}

static int schema_pos(const struct import *im, const char *name)
{
	size_t i;

	for (i = 0; im->kd->columns[i]; i++)
		if (strcmp(im->kd->columns[i], name) == 0)
			return (int)i;
	return -1;
}

static void plan_free(struct plan *pl)
{
	size_t i;

	for (i = 0; i < pl->nsrc; i++) {
		free(pl->raw_names[i]);
		free(pl->names[i]);
	}
	for (i = 0; i < pl->nout; i++)
		free(pl->out[i].name);
	free(pl->raw_names);
	free(pl->names);
	free(pl->defs);
	free(pl->src);
	free(pl->out);
	memset(pl, 0, sizeof *pl);
}

/* "canonical=source" (or canonical<TAB>source) into its parts; 0 or -1. */
static int split_map(const char *spec, struct pb_str *canon, struct pb_str *source)
{
	const char *eq = strchr(spec, '=');

	if (!eq)
		eq = strchr(spec, '\t');
	if (!eq || eq == spec || !eq[1])
		return -1;
	*canon = pb_text_trim((struct pb_str){ spec, (size_t)(eq - spec) });
	*source = pb_text_trim((struct pb_str){ eq + 1, strlen(eq + 1) });
	return canon->n && source->n ? 0 : -1;
}

/* The user's mappings: --map-file lines first, then --map (later ones win). */
static int load_maps(const struct pb_import_opts *o, struct pb_buf *specs, struct pb_error *err)
{
	size_t i;

	if (o->map_file) {
		FILE *f = fopen(o->map_file, "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		long lineno = 0;
		struct pb_str c, s;

		if (!f)
			return pb_error_set(err, PB_EXIT_FATAL, o->map_file, 0,
			                    "cannot open map file:");
		while ((len = getline(&line, &cap, f)) >= 0) {
			lineno++;
			while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				line[--len] = '\0';
			if (len == 0 || line[0] == '#')
				continue;
			if (split_map(line, &c, &s) < 0) {
				free(line);
				fclose(f);
				return pb_error_set(
				    err, PB_EXIT_FATAL, o->map_file, lineno,
				    "expected canonical=源列名 (or canonical<TAB>源列名)");
			}
			pb_buf_add(specs, line, (size_t)len + 1);
		}
		free(line);
		fclose(f);
	}
	for (i = 0; i < o->nmaps; i++)
		pb_buf_add(specs, o->maps[i], strlen(o->maps[i]) + 1);
	return 0;
}

/* Which source column a mapping spec names for canonical column name, or -1. */
static int mapped_source(const struct pb_buf *specs, const struct plan *pl, const char *name)
{
	size_t off = 0;
	int found = -1;

	while (off < specs->len) {
		const char *spec = specs->p + off;
		struct pb_str c, s;
		size_t j;

		off += strlen(spec) + 1;
		if (split_map(spec, &c, &s) < 0 || !pb_str_eqz(c, name))
			continue;
		for (j = 0; j < pl->nsrc; j++)
			if (pb_str_eqz(s, pl->names[j]) || pb_str_eqz(s, pl->raw_names[j]))
				found = (int)j; /* later specs win */
	}
	return found;
}

static int in_keep_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && memcmp(p, name, n) == 0)
			return 1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

static int add_out(struct plan *pl, int pos, int src, const char *name)
{
	pl->out[pl->nout].pos = pos;
	pl->out[pl->nout].src = src;
	pl->out[pl->nout].name = strdup(name);
	if (!pl->out[pl->nout].name)
		return -1;
	pl->nout++;
	return 0;
}

/* Maps the header record to a plan. */
static int make_plan(struct import *im, struct pb_input *in, struct plan *pl, struct pb_error *err)
{
	const struct pb_import_opts *o = im->o;
	struct pb_buf specs = PB_BUF_INIT, missing = PB_BUF_INIT;
	struct pb_map seen = PB_MAP_INIT;
	size_t i, j, nschema_out = 0;
	const char *kp;
	char *claimed = NULL;
	int rc = -1;

	memset(pl, 0, sizeof *pl);
	pl->nsrc = in->nfields;
	pl->raw_names = calloc(pl->nsrc, sizeof *pl->raw_names);
	pl->names = calloc(pl->nsrc, sizeof *pl->names);
	for (pl->nschema = 0; im->kd->columns[pl->nschema]; pl->nschema++)
		;
	pl->defs = calloc(pl->nschema + 1, sizeof *pl->defs);
	pl->src = calloc(pl->nschema + 1, sizeof *pl->src);
	pl->out = calloc(pl->nschema + pl->nsrc + 1, sizeof *pl->out);
	claimed = calloc(pl->nsrc + 1, 1);
	if (!pl->raw_names || !pl->names || !pl->defs || !pl->src || !pl->out || !claimed) {
		pb_error_set(err, PB_EXIT_FATAL, in->name, 1, "out of memory");
		goto done;
	}
	for (i = 0; i < pl->nsrc; i++) {
		struct pb_str s = in->fields[i];
		size_t bad = pb_utf8_invalid_at(s.p, s.n);
		if (bad != (size_t)-1 || memchr(s.p, '\0', s.n)) {
			pb_error_set(err, PB_EXIT_FATAL, in->name, in->rline,
			             "header column %zu is not valid %s text", i + 1,
			             pb_encoding_name(in->enc));
			goto done;
		}
		pl->raw_names[i] = pb_strdup_str(s);
		if (o->normalize && pb_norm_nfkc(&im->norm, s, &s) < 0) {
			pb_error_set(err, PB_EXIT_FATAL, in->name, 1, "out of memory");
			goto done;
		}
		pl->names[i] = pb_strdup_str(s);
		if (!pl->raw_names[i] || !pl->names[i]) {
			pb_error_set(err, PB_EXIT_FATAL, in->name, 1, "out of memory");
			goto done;
		}
	}
	if (load_maps(o, &specs, err) < 0)
		goto done;
	/* a --keep=COL naming no column of this file is a typo too */
	for (kp = o->kind == PB_KIND_RAW ? NULL : o->keep_list; kp && *kp;) {
		const char *comma = strchr(kp, ',');
		size_t len = comma ? (size_t)(comma - kp) : strlen(kp);
		struct pb_str want = { kp, len };
		for (j = 0; j < pl->nsrc; j++)
			if (pb_str_eqz(want, pl->names[j]) || pb_str_eqz(want, pl->raw_names[j]))
				break;
		if (len && j == pl->nsrc) {
			pb_error_set(err, PB_EXIT_FATAL, in->name, 1,
			             "--keep: the header has no column '%.*s'", (int)len, kp);
			goto done;
		}
		kp = comma ? comma + 1 : NULL;
	}
	/* a --map naming no column of this file is a typo, not a fallback to the aliases */
	for (i = 0; i < o->nmaps; i++) {
		struct pb_str c, s;
		if (split_map(o->maps[i], &c, &s) < 0)
			continue;
		for (j = 0; j < pl->nsrc; j++)
			if (pb_str_eqz(s, pl->names[j]) || pb_str_eqz(s, pl->raw_names[j]))
				break;
		if (j == pl->nsrc) {
			pb_error_set(err, PB_EXIT_FATAL, in->name, 1,
			             "--map %s: the header has no column '%.*s'", o->maps[i],
			             (int)s.n, s.p);
			goto done;
		}
	}

	if (o->kind == PB_KIND_RAW) {
		/* no schema: every column, renamed only by --map */
		for (i = 0; i < pl->nsrc; i++) {
			const char *name = pl->names[i];
			size_t off = 0;
			while (off < specs.len) {
				const char *spec = specs.p + off;
				struct pb_str c, s;
				off += strlen(spec) + 1;
				if (split_map(spec, &c, &s) == 0 &&
				    (pb_str_eqz(s, pl->names[i]) ||
				     pb_str_eqz(s, pl->raw_names[i]))) {
					char *dup = pb_strdup_str(c);
					free(pl->names[i]);
					pl->names[i] = dup;
					name = dup;
				}
			}
			if (!name || !*name) {
				pb_error_set(
				    err, PB_EXIT_FATAL, in->name, 1,
				    "header column %zu has no name; every column needs one", i + 1);
				goto done;
			}
			if (add_out(pl, -1, (int)i, name) < 0)
				goto oom;
		}
	} else {
		/* check that --map names real columns of this kind */
		size_t off = 0;
		while (off < specs.len) {
			const char *spec = specs.p + off;
			struct pb_str c, s;
			char *cz;
			off += strlen(spec) + 1;
			split_map(spec, &c, &s);
			cz = pb_strdup_str(c);
			if (!cz)
				goto oom;
			j = 0;
			while (im->kd->columns[j] && strcmp(im->kd->columns[j], cz) != 0)
				j++;
			if (!im->kd->columns[j]) {
				pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
				             "--map %s: '%s' is not a column of --kind %s", spec,
				             cz, im->kd->name);
				free(cz);
				goto done;
			}
			free(cz);
		}
		/* the user's mappings first, so they win over every built-in alias */
		for (i = 0; i < pl->nschema; i++) {
			int s = mapped_source(&specs, pl, im->kd->columns[i]);
			if (s >= 0 && claimed[s])
				s = -1; /* two canonical columns from one source: the first */
			pl->src[i] = s;
			if (s >= 0)
				claimed[s] = 1;
		}
		for (i = 0; i < pl->nschema; i++) {
			const char *name = im->kd->columns[i];
			const struct pb_column_def *def = pb_column_find(name);
			int s = pl->src[i];

			pl->defs[i] = def;
			if (s >= 0)
				continue;
			/* the canonical name itself, then the built-in aliases */
			for (j = 0; j < pl->nsrc && s < 0; j++)
				if (!claimed[j] &&
				    pb_text_eq_ascii_ci(
				        (struct pb_str){ pl->names[j], strlen(pl->names[j]) },
				        name))
					s = (int)j;
			for (j = 0; j < pl->nsrc && s < 0; j++) {
				const char *const *a;
				if (claimed[j])
					continue;
				for (a = def->aliases; a && *a && s < 0; a++)
					if (pb_text_eq_ascii_ci(
					        (struct pb_str){ pl->names[j],
					                         strlen(pl->names[j]) },
					        *a))
						s = (int)j;
			}
			pl->src[i] = s;
			if (s >= 0)
				claimed[s] = 1;
		}
		/* required columns, allowing for the ones pb-import derives */
		for (i = 0; im->kd->required[i]; i++) {
			const char *need = im->kd->required[i];
			int pos = schema_pos(im, need);
			if (pos >= 0 && pl->src[pos] >= 0)
				continue;
			if (strcmp(need, "entity_id") == 0 &&
			    pl->src[schema_pos(im, "entity_name")] >= 0)
				continue;
			if (missing.len)
				pb_buf_adds(&missing, ", ");
			pb_buf_addf(&missing, "%s (%s)", need, pb_column_find(need)->zh);
		}
		if (missing.len) {
			pb_error_set(err, PB_EXIT_FATAL, in->name, 1,
			             "missing required column%s for --kind %s: %s; map one with "
			             "--map canonical=源列名",
			             strchr(missing.p, ',') ? "s" : "", im->kd->name, missing.p);
			goto done;
		}
		/* output: schema columns present or derived, then kept ones in source order */
		for (i = 0; i < pl->nschema; i++) {
			const char *name = im->kd->columns[i];
			int derived = 0;
			if (o->kind == PB_KIND_UNITS)
				derived = strcmp(name, "unit_id") == 0 ||
				    strcmp(name, "unit_type") == 0 ||
				    (strcmp(name, "org_id") == 0 &&
				     pl->src[schema_pos(im, "org_name")] >= 0);
			else if (o->kind == PB_KIND_SCORES)
				derived = strcmp(name, "entity_id") == 0;
			if (pl->src[i] >= 0 || derived)
				if (add_out(pl, (int)i, pl->src[i], name) < 0)
					goto oom;
		}
		nschema_out = pl->nout;
		for (j = 0; j < pl->nsrc; j++) {
			size_t k;
			if (claimed[j] ||
			    !(o->keep_all ||
			      (o->keep_list &&
			       (in_keep_list(o->keep_list, pl->names[j]) ||
			        in_keep_list(o->keep_list, pl->raw_names[j])))))
				continue;
			if (!pl->names[j][0]) {
				pb_error_set(err, PB_EXIT_FATAL, in->name, 1,
				             "header column %zu has no name; --keep needs one",
				             j + 1);
				goto done;
			}
			for (k = 0; k < nschema_out; k++)
				if (strcmp(pl->out[k].name, pl->names[j]) == 0) {
					pb_error_set(err, PB_EXIT_FATAL, in->name, 1,
					             "kept column '%s' has the name of an output "
					             "column; rename it with --map",
					             pl->names[j]);
					goto done;
				}
			if (add_out(pl, -1, (int)j, pl->names[j]) < 0)
				goto oom;
		}
	}
	/* a hash, not a pairwise scan: a header may have 100,000 columns */
	for (i = 0; i < pl->nout; i++) {
		int is_new;
		if (pb_map_put(&seen, pl->out[i].name, strlen(pl->out[i].name), &is_new) < 0)
			goto oom;
		if (!is_new) {
			pb_error_set(err, PB_EXIT_FATAL, in->name, 1, "duplicate column name '%s'",
			             pl->out[i].name);
			goto done;
		}
	}
	rc = 0;
	goto done;
oom:
	pb_error_set(err, PB_EXIT_FATAL, in->name, 1, "out of memory");
done:
	free(claimed);
	pb_map_release(&seen);
	pb_buf_release(&specs);
	pb_buf_release(&missing);
	return rc;
}

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

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		pb_buf_reset(&im->reason);                                                         \
		pb_buf_addf(&im->reason, __VA_ARGS__);                                             \
		return -1;                                                                         \
	} while (0)

static const char *col_label(const struct plan *pl, int pos)
{
	return pl->defs[pos]->name;
}

/* Uses s as the value; copies it when it lives in the normalizer's reused buffer. */
static int keep_view(struct import *im, int pos, struct pb_str s)
{
	im->vals[pos].p = s.p;
	im->vals[pos].n = s.n;
	if (im->norm.out.p && s.p >= im->norm.out.p && s.p < im->norm.out.p + im->norm.out.cap)
		vset_copy(im, pos, s.p, s.n);
	return 0;
}

/* Digits only, no sign, no leading zero: already how pb TSV writes a count. */
static int canonical_int(struct pb_str s)
{
	size_t i;

	if (s.n == 0 || s.n > 18 || (s.p[0] == '0' && s.n > 1))
		return 0;
	for (i = 0; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
	return 1;
}

/* The integer digits of a bare number (digits, maybe a fraction), else 0. */
static size_t excel_digits(struct pb_str s)
{
	size_t i = 0, n;

	while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
		i++;
	n = i;
	if (n && i < s.n && s.p[i] == '.')
		for (i++; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++)
			;
	return i == s.n ? n : 0;
}

/*
 * 1,234.5 as 1234.5 (in tmp) when the commas are thousands separators of the
 * integer part, as pb_parse_int_loose accepts them; otherwise s unchanged.
 */
static struct pb_str drop_thousands(struct pb_str s, char *tmp, size_t cap)
{
	const char *dot = memchr(s.p, '.', s.n);
	size_t ip = dot ? (size_t)(dot - s.p) : s.n, i, n = 0;
	long long v;

	if (!memchr(s.p, ',', ip) || memchr(s.p + ip, ',', s.n - ip) || s.n >= cap ||
	    s.p[ip - 1] < '0' || s.p[ip - 1] > '9' ||
	    pb_parse_int_loose((struct pb_str){ s.p, ip }, &v) < 0)
		return s;
	for (i = 0; i < s.n; i++)
		if (s.p[i] != ',')
			tmp[n++] = s.p[i];
	return (struct pb_str){ tmp, n };
}

/* Normalizes and checks one schema value by its column kind. -1 with reason. */
static int check_value(struct import *im, const struct plan *pl, int pos, struct pb_str s)
{
	const struct pb_column_def *def = pl->defs[pos];
	const int norm = im->o->normalize;
	long long iv;
	int32_t day;
	double dv;
	char tmp[32];

	if (s.n == 0) {
		im->vals[pos].p = "";
		im->vals[pos].n = 0;
		return 0;
	}
	switch (def->kind) {
	case PB_COL_VOCAB: {
		const struct pb_vocab_entry *e = pb_vocab_lookup(def->vocab, s);
		if (!e || (!norm && !pb_str_eqz(s, e->value)))
			FAIL("%s: '%.*s' is not one of %s", col_label(pl, pos), (int)s.n, s.p,
			     pb_vocab_list(def->vocab));
		im->vals[pos].p = e->value;
		im->vals[pos].n = strlen(e->value);
		return 0;
	}
	case PB_COL_INT:
		if ((norm ? pb_parse_int_loose(s, &iv) : pb_parse_int(s, &iv)) < 0)
			FAIL("%s: '%.*s' is not a whole number", col_label(pl, pos), (int)s.n, s.p);
		if (iv < 0)
			FAIL("%s: %lld is negative; expected a whole number >= 0",
			     col_label(pl, pos), iv);
		if (canonical_int(s))
			return keep_view(im, pos, s);
		snprintf(tmp, sizeof tmp, "%lld", iv);
		vset_copy(im, pos, tmp, strlen(tmp));
		return 0;
	case PB_COL_NUM:
		if (norm && s.n > 3 && memcmp(s.p + s.n - 3, "分", 3) == 0)
			s.n -= 3;
		if (norm)
			s = drop_thousands(s, tmp, sizeof tmp);
		if (pb_parse_double(s, &dv) < 0)
			FAIL("%s: '%.*s' is not a number", col_label(pl, pos), (int)s.n, s.p);
		pb_buf_reset(&im->key);
		pb_put_number(&im->key, dv);
		vset_copy(im, pos, im->key.p, im->key.len);
		return 0;
	case PB_COL_DATE:
		if (norm && excel_digits(s) && excel_digits(s) != 5)
			FAIL("%s: '%.*s' is not a date; a bare number is read as an Excel day "
			     "number "
			     "only with 5 digits (10000 = 1927-05-18 to 99999 = 2173-10-13), so a "
			     "year alone is not taken for one",
			     col_label(pl, pos), (int)s.n, s.p);
		if ((norm ? pb_parse_date_loose(s, &day) : pb_parse_date(s, &day)) < 0)
			FAIL("%s: '%.*s' is not a date; expected YYYY-MM-DD (2022-8-4, 2022/08/04, "
			     "2022年8月4日 and Excel day numbers are read too)",
			     col_label(pl, pos), (int)s.n, s.p);
		if (im->o->kind == PB_KIND_UNITS && day > im->as_of) {
			char asof[11];
			pb_format_date(day, tmp);
			pb_format_date(im->as_of, asof);
			FAIL("%s: %s is after the as-of date %s", col_label(pl, pos), tmp, asof);
		}
		/* already YYYY-MM-DD: keep the bytes, no formatting on the common path */
		if (s.n == 10 && pb_parse_date(s, &day) == 0)
			return keep_view(im, pos, s);
		pb_format_date(day, tmp);
		vset_copy(im, pos, tmp, 10);
		return 0;
	default: return keep_view(im, pos, s);
	}
}

void pb_import_derive_id(char prefix, const struct pb_str *parts, size_t nparts, char out[18])
{
	struct pb_buf b = PB_BUF_INIT;
	size_t i;

	for (i = 0; i < nparts; i++) {
		if (i)
			pb_buf_addc(&b, '\x1f');
		pb_buf_add(&b, parts[i].p, parts[i].n);
	}
	{
		static const char hex[] = "0123456789abcdef";
		uint64_t h = pb_hash(b.p ? b.p : "", b.len);
		int k;
		out[0] = prefix;
		for (k = 16; k >= 1; k--, h >>= 4)
			out[k] = hex[h & 15];
		out[17] = '\0';
	}
	pb_buf_release(&b);
}

static const char *where(const struct import *im, const struct seen *s, char *buf, size_t cap)
{
	if (s->file == im->cur_file_no)
		snprintf(buf, cap, "line %ld", s->line);
	else
		snprintf(buf, cap, "%s:%ld", im->inputs[s->file], s->line);
	return buf;
}

/* The cross-column rules of units; records ids and organizations when the row passes. */
static int check_units(struct import *im, long line)
{
	struct pb_str mode, org_id, org_name, unit_id;
	int has_org, is_new;
	char id[18], wbuf[300];
	long idx, oidx;

	/*
	 * Derive first: vset_copy may move the scratch buffer, so no view into
	 * it is held across a derivation; the checks below take fresh views.
	 */
	if (vstr(im, im->p_unit_type).n == 0) {
		const char *t = pb_rules_match(im->rules, vstr(im, im->p_unit_name));
		if (!t)
			t = "other";
		im->vals[im->p_unit_type].p = t;
		im->vals[im->p_unit_type].n = strlen(t);
	}
	if (vstr(im, im->p_org_id).n == 0 && vstr(im, im->p_org_name).n > 0) {
		org_name = vstr(im, im->p_org_name);
		pb_import_derive_id('o', &org_name, 1, id);
		vset_copy(im, im->p_org_id, id, 17);
	}
	if (vstr(im, im->p_unit_id).n == 0) {
		struct pb_str parts[5] = { vstr(im, im->p_city), vstr(im, im->p_district),
			                   vstr(im, im->p_town), vstr(im, im->p_community),
			                   vstr(im, im->p_unit_name) };
		pb_import_derive_id('u', parts, 5, id);
		vset_copy(im, im->p_unit_id, id, 17);
	}

	mode = vstr(im, im->p_org_mode);
	org_id = vstr(im, im->p_org_id);
	org_name = vstr(im, im->p_org_name);
	unit_id = vstr(im, im->p_unit_id);
	if (vstr(im, im->p_unit_name).n == 0)
		FAIL("unit_name is empty; every unit needs a name");
	if (mode.n == 0)
		FAIL("org_mode is empty; expected %s", pb_vocab_list(PB_VOCAB_ORG_MODE));
	has_org = org_id.n > 0;
	if ((pb_str_eqz(mode, "single") || pb_str_eqz(mode, "joint")) && !has_org)
		FAIL("org_mode %.*s needs its organization: org_id or org_name is empty",
		     (int)mode.n, mode.p);
	if ((pb_str_eqz(mode, "work") || pb_str_eqz(mode, "none")) && (has_org || org_name.n))
		FAIL("org_mode %.*s means no organization of its own, but org_%s is '%.*s'",
		     (int)mode.n, mode.p, org_name.n ? "name" : "id",
		     (int)(org_name.n ? org_name.n : org_id.n), org_name.n ? org_name.p : org_id.p);
	{
		struct pb_str a = vstr(im, im->p_established), b = vstr(im, im->p_dissolved);
		if (a.n && b.n && memcmp(a.p, b.p, 10) > 0)
			FAIL("dissolved %.*s is before established %.*s", 10, b.p, 10, a.p);
		a = vstr(im, im->p_opened);
		b = vstr(im, im->p_closed);
		if (a.n && b.n && memcmp(a.p, b.p, 10) > 0)
			FAIL("closed %.*s is before opened %.*s", 10, b.p, 10, a.p);
	}
	idx = pb_map_find(&im->ids, unit_id.p, unit_id.n);
	if (idx >= 0)
		FAIL("unit_id '%.*s' is already used on %s; unit ids must be unique",
		     (int)unit_id.n, unit_id.p, where(im, &im->id_seen[idx], wbuf, sizeof wbuf));
	if (has_org) {
		oidx = pb_map_find(&im->orgs, org_id.p, org_id.n);
		if (oidx >= 0) {
			const struct seen *s = &im->org_seen[oidx];
			if (s->mode == 's' || pb_str_eqz(mode, "single"))
				FAIL(
				    "organization '%.*s' already covers the unit on %s%s; a single "
				    "organization covers exactly one unit",
				    (int)org_id.n, org_id.p, where(im, s, wbuf, sizeof wbuf),
				    s->mode == 's' ? " as single" : " as joint");
		}
	}
	/* the row passes: remember its ids */
	idx = pb_map_put(&im->ids, unit_id.p, unit_id.n, &is_new);
	if (idx < 0 ||
	    pb_grow_zeroed(&im->id_seen, &im->id_cap, (size_t)idx, sizeof *im->id_seen) < 0)
		FAIL("out of memory");
	im->id_seen[idx] = (struct seen){ line, im->cur_file_no, 0 };
	if (has_org) {
		oidx = pb_map_put(&im->orgs, org_id.p, org_id.n, &is_new);
		if (oidx < 0 ||
		    pb_grow_zeroed(&im->org_seen, &im->org_cap, (size_t)oidx,
		                   sizeof *im->org_seen) < 0)
			FAIL("out of memory");
		if (is_new)
			im->org_seen[oidx] =
			    (struct seen){ line, im->cur_file_no,
				           pb_str_eqz(mode, "single") ? 's' : 'j' };
	}
	return 0;
}

/* A uniqueness key over some positions; -1 with reason when seen before. */
static int check_unique(struct import *im, const int *pos, size_t n, long line, const char *what)
{
	size_t i;
	long idx;
	int is_new;
	char wbuf[300];

	pb_buf_reset(&im->key);
	for (i = 0; i < n; i++) {
		struct pb_str s = vstr(im, pos[i]);
		if (i)
			pb_buf_addc(&im->key, '\x1f');
		pb_buf_add(&im->key, s.p, s.n);
	}
	idx = pb_map_find(&im->ids, im->key.p ? im->key.p : "", im->key.len);
	if (idx >= 0)
		FAIL("duplicate %s (first on %s)", what,
		     where(im, &im->id_seen[idx], wbuf, sizeof wbuf));
	idx = pb_map_put(&im->ids, im->key.p ? im->key.p : "", im->key.len, &is_new);
	if (idx < 0 ||
	    pb_grow_zeroed(&im->id_seen, &im->id_cap, (size_t)idx, sizeof *im->id_seen) < 0)
		FAIL("out of memory");
	im->id_seen[idx] = (struct seen){ line, im->cur_file_no, 0 };
	return 0;
}

static int check_kind(struct import *im, long line)
{
	switch (im->o->kind) {
	case PB_KIND_UNITS: return check_units(im, line);
	case PB_KIND_SCORES: {
		struct pb_str eid = vstr(im, im->p_entity_id), ename = vstr(im, im->p_entity_name);
		int key[4] = { im->p_entity_id, im->p_indicator, im->p_judge, im->p_period };
		char id[18];
		if (eid.n == 0) {
			if (ename.n == 0)
				FAIL("entity_id and entity_name are both empty");
			pb_import_derive_id('e', &ename, 1, id);
			vset_copy(im, im->p_entity_id, id, 17);
		}
		if (vstr(im, im->p_indicator).n == 0)
			FAIL("indicator is empty");
		if (vstr(im, im->p_score).n == 0)
			FAIL("score is empty");
		if (check_unique(im, key, 4, line,
		                 "score for the same entity_id, indicator, judge and period") < 0)
			return -1;
		return 0;
	}
	case PB_KIND_LINKS: {
		struct pb_str a = vstr(im, im->p_from), b = vstr(im, im->p_to);
		int key[3] = { im->p_from, im->p_to, im->p_link_type };
		if (a.n == 0 || b.n == 0)
			FAIL("%s is empty", a.n == 0 ? "from_id" : "to_id");
		if (pb_str_eq(a, b))
			FAIL("from_id and to_id are both '%.*s'; a unit cannot pair with itself",
			     (int)a.n, a.p);
		return check_unique(im, key, 3, line, "link (same from_id, to_id and link_type)");
	}
	case PB_KIND_TARGETS: {
		struct pb_str a = vstr(im, im->p_start), b = vstr(im, im->p_end);
		if (vstr(im, schema_pos(im, "target")).n == 0)
			FAIL("target is empty");
		if (a.n == 0 || b.n == 0)
			FAIL("%s is empty", a.n == 0 ? "period_start" : "period_end");
		if (memcmp(a.p, b.p, 10) > 0)
			FAIL("period_end %.*s is before period_start %.*s", 10, b.p, 10, a.p);
		return 0;
	}
	default: return 0;
	}
}

/* Checks, normalizes and writes one record; -1 with reason set when it must be rejected. */
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
	pb_buf_reset(&im->scratch);
	for (i = 0; i < pl->nschema; i++) {
		im->vals[i].p = "";
		im->vals[i].n = 0;
		if (pl->src[i] >= 0) {
			struct pb_str s = in->fields[pl->src[i]];
			if (im->o->normalize && pb_norm_nfkc(&im->norm, s, &s) < 0)
				FAIL("out of memory");
			if (check_value(im, pl, (int)i, s) < 0)
				return -1;
		}
	}
	if (check_kind(im, in->rline) < 0)
		return -1;
	/* write */
	{
		FILE *f = im->out.f;
		for (i = 0; i < pl->nout; i++) {
			const struct outcol *c = &pl->out[i];
			if (i)
				putc('\t', f);
			if (c->pos >= 0) {
				pb_tsv_put_str(f, vstr(im, c->pos));
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
			    im->inputs[0]);
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
	if (make_plan(im, &in, &pl, err) < 0 || write_header(im, &pl, in.name, err) < 0)
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
	plan_free(&pl);
	pb_input_close(&in);
	return rc;
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
	im.inputs = o->ninputs ? o->inputs : stdin_only;
	im.ninputs = o->ninputs ? o->ninputs : 1;
	im.as_of = o->has_as_of ? o->as_of : pb_today();
	for (nschema = 0; im.kd->columns[nschema]; nschema++)
		;
	im.vals = calloc(nschema + 1, sizeof *im.vals);
	if (!im.vals)
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	im.p_unit_id = schema_pos(&im, "unit_id");
	im.p_unit_name = schema_pos(&im, "unit_name");
	im.p_unit_type = schema_pos(&im, "unit_type");
	im.p_city = schema_pos(&im, "city");
	im.p_district = schema_pos(&im, "district");
	im.p_town = schema_pos(&im, "town");
	im.p_community = schema_pos(&im, "community");
	im.p_org_mode = schema_pos(&im, "org_mode");
	im.p_org_id = schema_pos(&im, "org_id");
	im.p_org_name = schema_pos(&im, "org_name");
	im.p_established = schema_pos(&im, "established");
	im.p_dissolved = schema_pos(&im, "dissolved");
	im.p_opened = schema_pos(&im, "opened");
	im.p_closed = schema_pos(&im, "closed");
	im.p_entity_id = schema_pos(&im, "entity_id");
	im.p_entity_name = schema_pos(&im, "entity_name");
	im.p_indicator = schema_pos(&im, "indicator");
	im.p_judge = schema_pos(&im, "judge");
	im.p_score = schema_pos(&im, "score");
	im.p_period = schema_pos(&im, "period");
	im.p_from = schema_pos(&im, "from_id");
	im.p_to = schema_pos(&im, "to_id");
	im.p_link_type = schema_pos(&im, "link_type");
	im.p_start = schema_pos(&im, "period_start");
	im.p_end = schema_pos(&im, "period_end");

	if (o->kind == PB_KIND_UNITS && !(im.rules = pb_rules_new(o->rules_file, err)))
		goto done;
	if (pb_out_open(&im.out, o->output, err) < 0)
		goto done;
	for (i = 0; i < im.ninputs; i++) {
		im.cur_file_no = (int)i;
		if (import_file(&im, im.inputs[i], err) < 0)
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
