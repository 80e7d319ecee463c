/* workbook_xls: .xls through FreeXL, which reads the whole file at open and knows dates itself. */
#include <freexl.h>
#include <stdlib.h>
#include <string.h>

#include "workbook_int.h"

static const char *xls_error(int rc)
{
	switch (rc) {
	case FREEXL_FILE_NOT_FOUND: return "cannot open the file";
	case FREEXL_INSUFFICIENT_MEMORY: return "out of memory";
	case FREEXL_INVALID_CFBF_HEADER:
	case FREEXL_CFBF_INVALID_SIGNATURE:
	case FREEXL_CFBF_INVALID_SECTOR_SIZE:
	case FREEXL_CFBF_EMPTY_FAT_CHAIN:
	case FREEXL_CFBF_ILLEGAL_FAT_ENTRY:
	case FREEXL_CFBF_READ_ERROR:
	case FREEXL_CFBF_SEEK_ERROR:
	case FREEXL_INVALID_MINI_STREAM:
	case FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY: return "the OLE2 container is broken";
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND: return "the file holds no Excel workbook";
	case FREEXL_CRAFTED_FILE: return "the file is corrupt (possibly crafted)";
	default: return "the workbook is corrupt or not supported";
	}
}

int pb_wb_xls_open(struct pb_workbook *wb, const char *path, const char *want, struct pb_error *err)
{
	unsigned count = 0, i;
	const char **names = NULL;
	int *hidden = NULL, rc, k = -1;

	rc = freexl_open(path, &wb->xls);
	if (rc != FREEXL_OK)
		return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0,
		                    "not a readable .xls workbook: %s", xls_error(rc));
	if (freexl_get_info(wb->xls, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK)
		return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0,
		                    "not a readable .xls workbook");
	names = calloc(count + 1, sizeof *names);
	hidden = calloc(count + 1, sizeof *hidden);
	if (!names || !hidden) {
		pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
		goto done;
	}
	/* FreeXL does not say which sheets are hidden: every sheet counts as visible */
	for (i = 0; i < count; i++)
		if (freexl_get_worksheet_name(wb->xls, (unsigned short)i, &names[i]) != FREEXL_OK ||
		    !names[i])
			names[i] = "";
	k = pb_wb_choose_sheet(wb, names, hidden, count, want, err);
	if (k < 0)
		goto done;
	if (!(wb->sheet = strdup(names[k]))) {
		k = pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
		goto done;
	}
	if (freexl_select_active_worksheet(wb->xls, (unsigned short)k) != FREEXL_OK ||
	    freexl_worksheet_dimensions(wb->xls, &wb->xls_rows, &wb->xls_cols) != FREEXL_OK)
		k = pb_error_set(err, PB_EXIT_FATAL, pb_wb_where(wb, 0), 0,
		                 "not a readable .xls sheet");
done:
	free(names);
	free(hidden);
	return k < 0 ? -1 : 0;
}

/* Appends one FreeXL cell's text. */
static int xls_cell_text(struct pb_buf *b, const FreeXL_CellValue *v)
{
	switch (v->type) {
	case FREEXL_CELL_INT: return pb_buf_addf(b, "%d", v->value.int_value);
	case FREEXL_CELL_DOUBLE: return pb_wb_put_double(b, v->value.double_value);
	case FREEXL_CELL_DATETIME:
		/* YYYY-MM-DD HH:MM:SS: the date is what counts */
		return pb_buf_add(b, v->value.text_value, strnlen(v->value.text_value, 10));
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_TIME:
		return pb_buf_adds(b, v->value.text_value ? v->value.text_value : "");
	default: return 0;
	}
}

int pb_wb_xls_next(struct pb_workbook *wb, struct pb_error *err)
{
	struct pb_buf *cell = &wb->xls_cell;
	int rc = 0;

	while (rc == 0 && wb->xls_next < wb->xls_rows) {
		unsigned short c;
		pb_wb_row_start(wb, (long)wb->xls_next + 1);
		for (c = 0; c < wb->xls_cols && rc == 0; c++) {
			FreeXL_CellValue v;
			if (freexl_get_cell_value(wb->xls, wb->xls_next, c, &v) != FREEXL_OK) {
				rc = pb_error_set(err, PB_EXIT_FATAL, pb_wb_where(wb, wb->row), 0,
				                  "unreadable cell in column %u", c + 1u);
				break;
			}
			pb_buf_reset(cell);
			if (xls_cell_text(cell, &v) < 0 ||
			    (cell->len && pb_wb_cell(wb, c, cell->p, cell->len) < 0))
				rc = pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
		}
		wb->xls_next++;
		if (rc == 0 && wb->width > 0)
			rc = 1;
	}
	return rc;
}

void pb_wb_xls_free(struct pb_workbook *wb)
{
	if (wb->xls)
		freexl_close(wb->xls);
	wb->xls = NULL;
	pb_buf_release(&wb->xls_cell);
}
