/* workbook: which reader a workbook needs, and the rows it gives, blank ones left out. */
#include <stdlib.h>
#include <string.h>

#include "workbook_int.h"

enum pb_workbook_type pb_workbook_sniff(const void *p, size_t n)
{
	static const unsigned char zip[] = { 'P', 'K', 3, 4 };
	static const unsigned char ole[] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

	if (n >= sizeof zip && memcmp(p, zip, sizeof zip) == 0)
		return PB_WORKBOOK_XLSX;
	if (n >= sizeof ole && memcmp(p, ole, sizeof ole) == 0)
		return PB_WORKBOOK_XLS;
	return PB_WORKBOOK_NONE;
}

struct pb_workbook *pb_workbook_open(const char *path, const char *name, enum pb_workbook_type type,
                                     const char *sheet, struct pb_error *err)
{
	struct pb_workbook *wb = calloc(1, sizeof *wb);
	int rc;

	if (!wb || !(wb->name = strdup(name))) {
		free(wb);
		pb_error_set(err, PB_EXIT_FATAL, name, 0, "out of memory");
		return NULL;
	}
	wb->type = type;
	rc = type == PB_WORKBOOK_XLS ? pb_wb_xls_open(wb, path, sheet, err)
	                             : pb_wb_xlsx_open(wb, path, sheet, err);
	if (rc < 0) {
		pb_workbook_free(wb);
		return NULL;
	}
	return wb;
}

const char *pb_workbook_sheet(const struct pb_workbook *wb)
{
	return wb->sheet;
}

int pb_workbook_next(struct pb_workbook *wb, const struct pb_str **fields, size_t *n, long *row,
                     const char **bad, struct pb_error *err)
{
	for (;;) {
		int rc = wb->type == PB_WORKBOOK_XLS ? pb_wb_xls_next(wb, err)
		                                     : pb_wb_xlsx_next(wb, err);
		size_t width;
		if (rc <= 0)
			return rc;
		width = pb_wb_row_finish(wb);
		if (width == (size_t)-1)
			return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
		if (width == 0 && !wb->bad[0])
			continue; /* a row of empty cells is no row */
		*bad = wb->bad[0] ? wb->bad : NULL;
		*fields = wb->fields;
		*n = width;
		*row = wb->row;
		return 1;
	}
}

void pb_workbook_free(struct pb_workbook *wb)
{
	if (!wb)
		return;
	pb_wb_xls_free(wb);
	pb_wb_xlsx_free(wb);
	pb_buf_release(&wb->text);
	free(wb->cells);
	free(wb->fields);
	free(wb->name);
	free(wb->sheet);
	free(wb);
}
