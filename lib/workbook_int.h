/*
 * workbook_int: what the files of the workbook reader share — workbook.c
 * (which reader, the rows) over workbook_xlsx.c (zip parts through expat)
 * and workbook_xls.c (FreeXL), both over workbook_cells.c (the row being
 * built, numbers and dates, the sheet choice). Not a public header.
 */
#ifndef PB_WORKBOOK_INT_H
#define PB_WORKBOOK_INT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "pb/workbook.h"

/* Excel's grid: columns A..XFD, rows 1..1048576. */
#define WB_MAX_COLS 16384
#define WB_MAX_ROWS 1048576L

struct wb_cell {
	size_t off, n; /* in the row's text */
};

struct wb_xlsx; /* workbook_xlsx.c's state */

struct pb_workbook {
	enum pb_workbook_type type;
	char *name;  /* the file, for messages */
	char *sheet; /* the chosen sheet's name */
	char where[512];
	/* the row being built: cells[0..width) over text */
	long row;
	char bad[256]; /* why the row is malformed, or "" */
	struct pb_buf text;
	struct wb_cell *cells;
	size_t width, cells_cap;
	struct pb_str *fields;
	size_t fields_cap;
	/* .xls: rows from the FreeXL child */
	FILE *xls_in;
	pid_t xls_pid;          /* 0 once reaped */
	struct pb_buf xls_cell; /* one cell's text, reused */
	struct wb_xlsx *x;
};

/* "FILE:SHEET!ROW" (or FILE:SHEET, or FILE when not known yet), in wb->where. */
const char *pb_wb_where(struct pb_workbook *wb, long row);
/* Starts row number row: no cells. */
void pb_wb_row_start(struct pb_workbook *wb, long row);
/* Sets cell col (0-based) of the row to text p[0..n). 0, or -1 out of memory. */
int pb_wb_cell(struct pb_workbook *wb, size_t col, const char *p, size_t n);
/* Text of cell col of the row (empty when unset). Borrowed until the next pb_wb_cell. */
struct pb_str pb_wb_cell_text(const struct pb_workbook *wb, size_t col);
/* Finishes the row as views; its width without trailing empty cells (0: a blank row). */
size_t pb_wb_row_finish(struct pb_workbook *wb);
/* Appends the shortest decimal that reads back as d, as a plain decimal (no exponent). */
int pb_wb_put_double(struct pb_buf *b, double d);
/* Appends a spreadsheet serial day number as YYYY-MM-DD; -1 when it is no date. */
int pb_wb_put_serial_date(struct pb_buf *b, double serial, int date1904);

/*
 * The sheet to read among n (names, and hidden: 0 a visible worksheet, 1 a
 * hidden one, 2 not a worksheet): want an exact name, else a number N (1 =
 * the first sheet), else (NULL) the first visible worksheet. Its index, or
 * -1 with err naming the sheets there are.
 */
int pb_wb_choose_sheet(struct pb_workbook *wb, const char *const *names, const int *hidden,
                       size_t n, const char *want, struct pb_error *err);

/* .xlsx: opens the sheet (wb->name set); 0, or -1 with err. */
int pb_wb_xlsx_open(struct pb_workbook *wb, const char *path, const char *sheet,
                    struct pb_error *err);
/* .xlsx: parses up to the next row; 1 a row is ready, 0 at the end, -1 with err. */
int pb_wb_xlsx_next(struct pb_workbook *wb, struct pb_error *err);
void pb_wb_xlsx_free(struct pb_workbook *wb);

/* .xls: opens the sheet (wb->name set); 0, or -1 with err. */
int pb_wb_xls_open(struct pb_workbook *wb, const char *path, const char *sheet,
                   struct pb_error *err);
/* .xls: reads the next row that has cells; 1 a row is ready, 0 at the end, -1 with err. */
int pb_wb_xls_next(struct pb_workbook *wb, struct pb_error *err);
void pb_wb_xls_free(struct pb_workbook *wb);

#endif
