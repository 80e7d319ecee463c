/* bench/csvparse: the floor for pb-import in `make bench`. Parses CSV files with libcsv
 * (the parser pb-import uses), in 1 MiB reads, and counts records and fields: nothing
 * else. Whatever pb-import does beyond this (decoding, header mapping, normalization,
 * validation, writing TSV) is the cost of its work.
 * Usage: csvparse FILE...   prints "RECORDS FIELDS" */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

struct counts {
	unsigned long records, fields;
};

static void on_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	((struct counts *)data)->fields++;
}

static void on_record(int c, void *data)
{
	(void)c;
	((struct counts *)data)->records++;
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	struct counts n = { 0, 0 };
	struct csv_parser p;

	if (argc < 2) {
		fputs("usage: csvparse FILE...\n", stderr);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t got;
		if (!f || csv_init(&p, CSV_APPEND_NULL) != 0) {
			perror(argv[i]);
			return 2;
		}
		while ((got = fread(buf, 1, sizeof buf, f)) > 0)
			if (csv_parse(&p, buf, got, on_field, on_record, &n) != got) {
				fprintf(stderr, "csvparse: %s: %s\n", argv[i],
				        csv_strerror(csv_error(&p)));
				return 1;
			}
		csv_fini(&p, on_field, on_record, &n);
		csv_free(&p);
		if (ferror(f)) {
			perror(argv[i]);
			return 2;
		}
		fclose(f);
	}
	printf("%lu %lu\n", n.records, n.fields);
	return 0;
}
