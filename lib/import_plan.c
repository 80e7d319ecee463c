/* import_plan: how a source header becomes the output's columns (--map, aliases, --keep). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

void pb_import_plan_free(struct plan *pl)
{
	size_t i;

	for (i = 0; i < pl->nsrc; i++) {
		if (pl->raw_names)
			free(pl->raw_names[i]);
		if (pl->names)
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

int pb_import_split_map(const char *spec, struct pb_str *canon, struct pb_str *source)
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

int pb_import_load_maps(struct import *im, struct pb_error *err)
{
	const struct pb_import_opts *o = im->o;
	size_t i;

	if (o->map_file) {
		FILE *f = fopen(o->map_file, "r");
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		long lineno = 0;
		int read_failed, saved_errno;
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
			/* its names may become output column names: text only */
			if (strlen(line) != (size_t)len ||
			    pb_utf8_invalid_at(line, (size_t)len) != (size_t)-1) {
				free(line);
				fclose(f);
				return pb_error_set(
				    err, PB_EXIT_FATAL, o->map_file, lineno,
				    "not UTF-8 text (a NUL byte or undecodable bytes)");
			}
			if (pb_import_split_map(line, &c, &s) < 0) {
				free(line);
				fclose(f);
				return pb_error_set(
				    err, PB_EXIT_FATAL, o->map_file, lineno,
				    "expected canonical=源列名 (or canonical<TAB>源列名)");
			}
			if (pb_buf_add(&im->specs, line, (size_t)len + 1) < 0) {
				free(line);
				fclose(f);
				return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
			}
		}
		/* getline's -1 is the end, or a read error or no memory: no map is lost */
		read_failed = !feof(f);
		saved_errno = errno;
		free(line);
		fclose(f);
		if (read_failed) {
			errno = saved_errno;
			return pb_error_set(err, PB_EXIT_FATAL, o->map_file, 0,
			                    "cannot read map file:");
		}
	}
	for (i = 0; i < o->nmaps; i++) {
		if (pb_utf8_invalid_at(o->maps[i], strlen(o->maps[i])) != (size_t)-1)
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
			                    "--map %zu: not UTF-8 text", i + 1);
		if (pb_buf_add(&im->specs, o->maps[i], strlen(o->maps[i]) + 1) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	}
	return 0;
}

/* The next well-formed mapping spec at *off in specs: 1 (parts set), 0 at the end. */
static int next_spec(const struct pb_buf *specs, size_t *off, const char **spec,
                     struct pb_str *canon, struct pb_str *source)
{
	while (*off < specs->len) {
		*spec = specs->p + *off;
		*off += strlen(*spec) + 1;
		if (pb_import_split_map(*spec, canon, source) == 0)
			return 1;
	}
	return 0;
}

/* Does source column j go by name s (normalized or as read)? */
static int names_column(const struct plan *pl, size_t j, struct pb_str s)
{
	return pb_str_eqz(s, pl->names[j]) || pb_str_eqz(s, pl->raw_names[j]);
}

/* The source column named s, or -1. */
static int find_source(const struct plan *pl, struct pb_str s)
{
	size_t j;

	for (j = 0; j < pl->nsrc; j++)
		if (names_column(pl, j, s))
			return (int)j;
	return -1;
}

/* Which source column the user's mappings give canonical column name, or -1 (later win). */
static int mapped_source(const struct import *im, const struct plan *pl, const char *name)
{
	size_t off = 0, j;
	const char *spec;
	struct pb_str c, s;
	int found = -1;

	while (next_spec(&im->specs, &off, &spec, &c, &s))
		if (pb_str_eqz(c, name))
			for (j = 0; j < pl->nsrc; j++)
				if (names_column(pl, j, s))
					found = (int)j;
	return found;
}

/* The next item of a comma-separated list at *p: 1 and item set, 0 at the end. */
static int next_item(const char **p, struct pb_str *item)
{
	const char *comma;

	if (!*p || !**p)
		return 0;
	comma = strchr(*p, ',');
	item->p = *p;
	item->n = comma ? (size_t)(comma - *p) : strlen(*p);
	*p = comma ? comma + 1 : NULL;
	return 1;
}

static int in_keep_list(const char *list, const struct plan *pl, size_t j)
{
	struct pb_str item;

	while (next_item(&list, &item))
		if (item.n && names_column(pl, j, item))
			return 1;
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

/* Allocates the plan's arrays and copies the header names, as read and normalized. */
static int read_names(struct import *im, const struct pb_str *names, size_t n, struct plan *pl)
{
	size_t i;

	memset(pl, 0, sizeof *pl);
	pl->nsrc = n;
	for (pl->nschema = 0; im->kd->columns[pl->nschema]; pl->nschema++)
		;
	pl->raw_names = calloc(n + 1, sizeof *pl->raw_names);
	pl->names = calloc(n + 1, sizeof *pl->names);
	pl->defs = calloc(pl->nschema + 1, sizeof *pl->defs);
	pl->src = calloc(pl->nschema + 1, sizeof *pl->src);
	pl->out = calloc(pl->nschema + n + 1, sizeof *pl->out);
	if (!pl->raw_names || !pl->names || !pl->defs || !pl->src || !pl->out)
		return -1;
	for (i = 0; i < n; i++) {
		struct pb_str s = names[i];
		pl->raw_names[i] = pb_strdup_str(s);
		if (im->o->normalize && pb_norm_nfkc(&im->norm, s, &s) < 0)
			return -1;
		pl->names[i] = pb_strdup_str(s);
		if (!pl->raw_names[i] || !pl->names[i])
			return -1;
	}
	for (i = 0; i < pl->nschema; i++) {
		pl->defs[i] = pb_column_find(im->kd->columns[i]);
		pl->src[i] = -1;
	}
	return 0;
}

/* A --keep=COL or --map naming no column of this file is a typo, not a fallback. */
static int check_named_columns(const struct import *im, const struct plan *pl, const char *file,
                               long line, struct pb_error *err)
{
	const struct pb_import_opts *o = im->o;
	const char *list = o->kind == PB_KIND_RAW ? NULL : o->keep_list;
	struct pb_str item, c, s;
	size_t i;

	while (next_item(&list, &item))
		if (item.n && find_source(pl, item) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, file, line,
			                    "--keep: the header has no column '%.*s'", (int)item.n,
			                    item.p);
	for (i = 0; i < o->nmaps; i++)
		if (pb_import_split_map(o->maps[i], &c, &s) == 0 && find_source(pl, s) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, file, line,
			                    "--map %s: the header has no column '%.*s'", o->maps[i],
			                    (int)s.n, s.p);
	return 0;
}

/* --kind raw: no schema, every column, renamed only by --map. */
static int plan_raw(struct import *im, struct plan *pl, const char *file, long line,
                    struct pb_error *err)
{
	size_t i, off;
	const char *spec;
	struct pb_str c, s;

	for (i = 0; i < pl->nsrc; i++) {
		for (off = 0; next_spec(&im->specs, &off, &spec, &c, &s);)
			if (names_column(pl, i, s)) {
				char *dup = pb_strdup_str(c);
				if (!dup)
					return -1;
				free(pl->names[i]);
				pl->names[i] = dup;
			}
		if (!pl->names[i][0])
			return pb_error_set(err, PB_EXIT_FATAL, file, line,
			                    "header column %zu has no name; every column needs one",
			                    i + 1);
		if (add_out(pl, -1, (int)i, pl->names[i]) < 0)
			return -1;
	}
	return 0;
}

/* Every --map must name a column of the kind. */
static int check_map_targets(const struct import *im, struct pb_error *err)
{
	size_t off = 0;
	const char *spec;
	struct pb_str c, s;
	char cz[128];

	while (next_spec(&im->specs, &off, &spec, &c, &s)) {
		snprintf(cz, sizeof cz, "%.*s", (int)c.n, c.p);
		if (c.n >= sizeof cz || pb_import_schema_pos(im, cz) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, NULL, 0,
			                    "--map %s: '%.*s' is not a column of --kind %s", spec,
			                    (int)c.n, c.p, im->kd->name);
	}
	return 0;
}

static int is_alias(const struct pb_column_def *def, const char *name)
{
	const char *const *a;
	struct pb_str s = { name, strlen(name) };

	for (a = def->aliases; a && *a; a++)
		if (pb_text_eq_ascii_ci(s, *a))
			return 1;
	return 0;
}

/*
 * Gives each schema column its source: the user's mappings first, so they win
 * over every built-in alias, then the canonical name itself, then the first
 * source column that is one of its aliases. A source column feeds one schema
 * column at most: the first that claims it.
 */
static void assign_sources(const struct import *im, struct plan *pl, char *claimed)
{
	size_t i, j;

	for (i = 0; i < pl->nschema; i++) {
		int s = mapped_source(im, pl, im->kd->columns[i]);
		if (s >= 0 && !claimed[s]) {
			pl->src[i] = s;
			claimed[s] = 1;
		}
	}
	for (i = 0; i < pl->nschema; i++) {
		const char *name = im->kd->columns[i];
		int s = -1;
		if (pl->src[i] >= 0)
			continue;
		for (j = 0; j < pl->nsrc && s < 0; j++)
			if (!claimed[j] &&
			    pb_text_eq_ascii_ci(
			        (struct pb_str){ pl->names[j], strlen(pl->names[j]) }, name))
				s = (int)j;
		for (j = 0; j < pl->nsrc && s < 0; j++)
			if (!claimed[j] && is_alias(pl->defs[i], pl->names[j]))
				s = (int)j;
		pl->src[i] = s;
		if (s >= 0)
			claimed[s] = 1;
	}
}

/* Required columns present, allowing for the ones pb-import derives. */
static int check_required(const struct import *im, const struct plan *pl, const char *file,
                          long line, struct pb_error *err)
{
	struct pb_buf missing = PB_BUF_INIT;
	size_t i;

	for (i = 0; im->kd->required[i]; i++) {
		const char *need = im->kd->required[i];
		int pos = pb_import_schema_pos(im, need);
		if (pos >= 0 && pl->src[pos] >= 0)
			continue;
		if (strcmp(need, "entity_id") == 0 && pl->src[im->p_entity_name] >= 0)
			continue;
		if (missing.len)
			pb_buf_adds(&missing, ", ");
		pb_buf_addf(&missing, "%s (%s)", need, pb_column_find(need)->zh);
	}
	if (!missing.len)
		return 0;
	pb_error_set(err, PB_EXIT_FATAL, file, line,
	             "missing required column%s for --kind %s: %s; map one with --map "
	             "canonical=源列名",
	             strchr(missing.p, ',') ? "s" : "", im->kd->name, missing.p);
	pb_buf_release(&missing);
	return -1;
}

/* Is schema column i derived by pb-import when the source lacks it? */
static int derived(const struct import *im, const struct plan *pl, size_t i)
{
	const char *name = im->kd->columns[i];

	if (im->o->kind == PB_KIND_UNITS)
		return strcmp(name, "unit_id") == 0 || strcmp(name, "unit_type") == 0 ||
		    (strcmp(name, "org_id") == 0 && pl->src[im->p_org_name] >= 0);
	if (im->o->kind == PB_KIND_SCORES)
		return strcmp(name, "entity_id") == 0;
	return 0;
}

/* Output: schema columns present or derived, then kept ones in source order. */
static int plan_outputs(const struct import *im, struct plan *pl, const char *claimed,
                        const char *file, long line, struct pb_error *err)
{
	const struct pb_import_opts *o = im->o;
	size_t i, j, k, nschema_out;

	for (i = 0; i < pl->nschema; i++)
		if ((pl->src[i] >= 0 || derived(im, pl, i)) &&
		    add_out(pl, (int)i, pl->src[i], im->kd->columns[i]) < 0)
			return -1;
	nschema_out = pl->nout;
	for (j = 0; j < pl->nsrc; j++) {
		if (claimed[j] ||
		    !(o->keep_all || (o->keep_list && in_keep_list(o->keep_list, pl, j))))
			continue;
		if (!pl->names[j][0])
			return pb_error_set(err, PB_EXIT_FATAL, file, line,
			                    "header column %zu has no name; --keep needs one",
			                    j + 1);
		for (k = 0; k < nschema_out; k++)
			if (strcmp(pl->out[k].name, pl->names[j]) == 0)
				return pb_error_set(err, PB_EXIT_FATAL, file, line,
				                    "kept column '%s' has the name of an output "
				                    "column; rename it with --map",
				                    pl->names[j]);
		if (add_out(pl, -1, (int)j, pl->names[j]) < 0)
			return -1;
	}
	return 0;
}

/* Output names are unique: a hash, not a pairwise scan (a header may have 100,000 columns). */
static int check_unique_names(const struct plan *pl, const char *file, long line,
                              struct pb_error *err)
{
	struct pb_map seen = PB_MAP_INIT;
	size_t i;
	int is_new, rc = 0;

	for (i = 0; i < pl->nout && rc == 0; i++) {
		if (pb_map_put(&seen, pl->out[i].name, strlen(pl->out[i].name), &is_new) < 0)
			rc = pb_error_set(err, PB_EXIT_FATAL, file, line, "out of memory");
		else if (!is_new)
			rc = pb_error_set(err, PB_EXIT_FATAL, file, line,
			                  "duplicate column name '%s'", pl->out[i].name);
	}
	pb_map_release(&seen);
	return rc;
}

int pb_import_plan(struct import *im, const struct pb_str *names, size_t n, const char *file,
                   long line, struct plan *pl, struct pb_error *err)
{
	char *claimed = NULL;
	int rc = -1;

	err->code = 0;
	if (read_names(im, names, n, pl) < 0 || !(claimed = calloc(n + 1, 1)))
		goto oom;
	if (check_named_columns(im, pl, file, line, err) < 0)
		goto done;
	if (im->o->kind == PB_KIND_RAW) {
		if (plan_raw(im, pl, file, line, err) < 0)
			goto oom;
	} else {
		if (check_map_targets(im, err) < 0)
			goto done;
		assign_sources(im, pl, claimed);
		if (check_required(im, pl, file, line, err) < 0)
			goto done;
		if (plan_outputs(im, pl, claimed, file, line, err) < 0)
			goto oom;
	}
	rc = check_unique_names(pl, file, line, err);
	goto done;
oom:
	if (!err->code)
		pb_error_set(err, PB_EXIT_FATAL, file, line, "out of memory");
done:
	free(claimed);
	return rc;
}
