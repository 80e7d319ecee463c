/*
 * scratch: a test program's temporary folder and the files in it, for the
 * tests that run a whole command over files (test_coverage, test_report).
 * The including file names the folder: static char dir[] = "/tmp/pb-test-
 * NAME-XXXXXX", made with mkdtemp. Include after cmocka.h.
 */
#ifndef PB_TEST_SCRATCH_H
#define PB_TEST_SCRATCH_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>

/* The path of name in dir; four stay valid at once. */
static inline char *path_of(const char *name)
{
	static char p[4][256];
	static int next;
	char *out = p[next++ % 4];

	snprintf(out, 256, "%s/%s", dir, name);
	return out;
}

static inline void write_file(const char *name, const char *text)
{
	FILE *f = fopen(path_of(name), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* 1 when the folder holds a file whose name starts with prefix (a temporary file left). */
static inline int left_behind(const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			found = 1;
	closedir(d);
	return found;
}

#endif
