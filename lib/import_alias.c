/*
 * import_alias: the office's own wordings — --aliases (column, value,
 * canonical) rewrites values before they are checked — and the warning
 * about region values that differ only by an administrative suffix
 * (禅城 / 禅城区), with the alias line that would merge them.
 */
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

/* The key of a value at a schema position, into key[cap]: its length, or 0 when too long. */
static size_t alias_key(int pos, struct pb_str value, char *key, size_t cap)
{
	if (value.n + 2 > cap)
		return 0;
	key[0] = (char)(pos + 1);
	key[1] = '\x1f';
	memcpy(key + 2, value.p, value.n);
	return value.n + 2;
}

struct pb_str pb_import_alias(const struct import *im, int pos, struct pb_str s)
{
	char key[512];
	size_t n = alias_key(pos, s, key, sizeof key);
	long idx = n ? pb_map_find(&im->aliases, key, n) : -1;

	if (idx < 0)
		return s;
	return (struct pb_str){ im->alias_to[idx], strlen(im->alias_to[idx]) };
}

/* Adds one line of the aliases file; 0, or -1 with err. */
static int add_alias(struct import *im, struct pb_tsv_reader *r, const int *col,
                     struct pb_error *err)
{
	const char *path = im->o->aliases_file;
	struct pb_str f[3], v;
	char name[64], key[512];
	size_t i, n;
	int pos, is_new;
	long idx;

	for (i = 0; i < 3; i++) {
		f[i] = pb_text_trim(r->fields[col[i]]);
		if (pb_utf8_invalid_at(f[i].p, f[i].n) != (size_t)-1)
			return pb_error_set(err, PB_EXIT_FATAL, path, r->line, "not valid UTF-8");
	}
	snprintf(name, sizeof name, "%.*s", (int)f[0].n, f[0].p);
	pos = f[0].n < sizeof name ? pb_import_schema_pos(im, name) : -1;
	if (pos < 0)
		return pb_error_set(err, PB_EXIT_FATAL, path, r->line,
		                    "'%.*s' is not a column of --kind %s", (int)f[0].n, f[0].p,
		                    im->kd->name);
	if (f[1].n == 0 || f[2].n == 0)
		return pb_error_set(err, PB_EXIT_FATAL, path, r->line,
		                    "an alias needs a value and its canonical value");
	/* matched as the field will be: NFKC and trimmed */
	if (pb_norm_nfkc(&im->norm, f[1], &v) < 0 || !(n = alias_key(pos, v, key, sizeof key)))
		return pb_error_set(err, PB_EXIT_FATAL, path, r->line, "the value is too long");
	if (pb_column_find(name)->kind == PB_COL_VOCAB &&
	    !pb_vocab_lookup(pb_column_find(name)->vocab, f[2]))
		return pb_error_set(err, PB_EXIT_FATAL, path, r->line,
		                    "%s: '%.*s' is not one of %s", name, (int)f[2].n, f[2].p,
		                    pb_vocab_list(pb_column_find(name)->vocab));
	idx = pb_map_put(&im->aliases, key, n, &is_new);
	if (idx < 0 ||
	    pb_grow_zeroed(&im->alias_to, &im->alias_cap, (size_t)idx, sizeof *im->alias_to) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, path, r->line, "out of memory");
	if (!is_new)
		return pb_error_set(err, PB_EXIT_FATAL, path, r->line,
		                    "%s '%.*s' has an alias already", name, (int)f[1].n, f[1].p);
	if (!(im->alias_to[idx] = pb_strdup_str(f[2])))
		return pb_error_set(err, PB_EXIT_FATAL, path, r->line, "out of memory");
	im->has_alias[pos] = 1;
	return 0;
}

int pb_import_load_aliases(struct import *im, struct pb_error *err)
{
	static const char *const names[] = { "column", "value", "canonical" };
	struct pb_tsv_reader r;
	int col[3], rc = 0;
	size_t i, nschema;

	if (!im->o->aliases_file)
		return 0;
	for (nschema = 0; im->kd->columns[nschema]; nschema++)
		;
	if (!(im->has_alias = calloc(nschema + 1, 1)))
		return pb_error_set(err, PB_EXIT_FATAL, NULL, 0, "out of memory");
	if (pb_tsv_open(&r, im->o->aliases_file, err) < 0)
		return -1;
	for (i = 0; i < 3 && rc == 0; i++)
		if ((col[i] = pb_tsv_col(&r, names[i])) < 0)
			rc = pb_error_set(
			    err, PB_EXIT_FATAL, im->o->aliases_file, 1,
			    "an aliases file has the columns column, value, canonical; "
			    "'%s' is missing",
			    names[i]);
	while (rc == 0 && (rc = pb_tsv_next(&r, err)) > 0)
		rc = add_alias(im, &r, col, err);
	pb_tsv_close(&r);
	if (rc < 0)
		err->code =
		    PB_EXIT_FATAL; /* a bad row of the file is the file's fault: nothing imported */
	return rc < 0 ? -1 : 0;
}

/* The region columns, in the order warnings name them. */
static void region_positions(const struct import *im, int pos[NREGION])
{
	pos[0] = im->p_city;
	pos[1] = im->p_district;
	pos[2] = im->p_town;
	pos[3] = im->p_community;
}

/* A region value's row count, from its payload. */
static unsigned long long rows_of(const void *payload)
{
	unsigned long long rows;

	memcpy(&rows, payload, sizeof rows);
	return rows;
}

void pb_import_count_regions(struct import *im)
{
	int pos[NREGION], k, is_new;

	region_positions(im, pos);
	for (k = 0; k < NREGION; k++) {
		struct pb_str v =
		    pos[k] >= 0 ? pb_import_val(im, pos[k]) : (struct pb_str){ "", 0 };
		unsigned long long rows;
		void *p;
		if (!v.n)
			continue;
		/* out of memory only costs the warning, never the row */
		if (!(p = pb_keyset_put(&im->regions[k], v.p, v.n, &is_new)))
			continue;
		rows = rows_of(p) + 1;
		memcpy(p, &rows, sizeof rows);
	}
}

void pb_import_warn_regions(struct import *im)
{
	static const char *const suffixes[] = { "市", "区",   "县", "镇",     "乡", "街道",
		                                "街", "社区", "村", "居委会", NULL };
	struct pb_buf full = PB_BUF_INIT;
	int pos[NREGION], k;

	region_positions(im, pos);
	for (k = 0; k < NREGION; k++) {
		const char *col = pos[k] >= 0 ? im->kd->columns[pos[k]] : NULL;
		size_t off = 0, next;
		struct pb_str v;
		void *p;
		for (; col && (next = pb_keyset_next(&im->regions[k], off, &v, &p)) != 0;
		     off = next) {
			const char *const *sfx;
			for (sfx = suffixes; *sfx; sfx++) {
				unsigned long long a, b;
				void *q;
				pb_buf_reset(&full);
				pb_buf_add(&full, v.p, v.n);
				pb_buf_adds(&full, *sfx);
				q = pb_keyset_find(&im->regions[k], full.p, full.len);
				if (!q)
					continue;
				a = rows_of(p);
				b = rows_of(q);
				pb_warn(
				    "%s: '%.*s' (%llu row%s) and '%s' (%llu row%s) look like one "
				    "region; this --aliases line merges them: %s\t%.*s\t%s",
				    col, (int)v.n, v.p, a, a == 1 ? "" : "s", full.p, b,
				    b == 1 ? "" : "s", col, (int)v.n, v.p, full.p);
				break;
			}
		}
	}
	pb_buf_release(&full);
}
