/*
 * workbook: reads .xlsx (libzip + expat, streamed) and .xls (FreeXL) sheets
 * as rows of cell text — shared and inline strings, numbers as written,
 * dates as YYYY-MM-DD, formulas' cached values, merged ranges filled in —
 * so pb-import treats a sheet as it treats CSV records.
 */
#ifndef PB_WORKBOOK_H
#define PB_WORKBOOK_H

#include <stddef.h>

#include "pb/buf.h"
#include "pb/diag.h"

enum pb_workbook_type { PB_WORKBOOK_NONE, PB_WORKBOOK_XLSX, PB_WORKBOOK_XLS };

/* What a file's first bytes say: a zip (PK\3\4), an OLE2 compound file, or neither. */
enum pb_workbook_type pb_workbook_sniff(const void *p, size_t n);

/* The limits that keep a hostile .xlsx from inflating without bound. */
#define PB_WORKBOOK_PART_MAX   (1ull << 30) /* bytes a part may inflate to */
#define PB_WORKBOOK_RATIO_MAX  100          /* inflated / compressed */
#define PB_WORKBOOK_RATIO_FROM (1u << 20)   /* the ratio counts from this size on */
/* A cell longer than this makes its row malformed (never fatal), as a CSV field does. */
#define PB_WORKBOOK_CELL_MAX (1u << 20)

struct pb_workbook;

/*
 * Opens a sheet of the workbook at path. name is the file as messages name
 * it. sheet: NULL for the first visible worksheet; an exact sheet name; or
 * N, the Nth sheet counting every sheet from 1 in workbook order (a name
 * wins over a number). Returns the reader, or NULL with err (PB_EXIT_FATAL:
 * a broken container, a refused part, no such sheet).
 */
struct pb_workbook *pb_workbook_open(const char *path, const char *name, enum pb_workbook_type type,
                                     const char *sheet, struct pb_error *err);
/* The chosen sheet's name. Borrowed: valid until pb_workbook_free. */
const char *pb_workbook_sheet(const struct pb_workbook *wb);
/*
 * The next row with a non-empty cell: 1, with *fields (up to the row's last
 * non-empty cell; empty cells are empty views), *row (the sheet's row
 * number, from 1) and *bad (NULL, or why the row is malformed: a cell over
 * PB_WORKBOOK_CELL_MAX); 0 at the end; -1 with err (PB_EXIT_FATAL: malformed XML,
 * a missing part, a cell reference past XFD1048576, a refused part), err's
 * file naming FILE:SHEET!ROW. Fields are borrowed until the next call.
 */
int pb_workbook_next(struct pb_workbook *wb, const struct pb_str **fields, size_t *n, long *row,
                     const char **bad, struct pb_error *err);
/* Accepts NULL. */
void pb_workbook_free(struct pb_workbook *wb);

/*
 * Appends a number as pb TSV writes it: a plain decimal, no exponent. s is
 * a number as a spreadsheet stores it ("12", "0.1", "1.5E-7"). 0, or -1
 * when s is not such a number (nothing appended).
 */
int pb_workbook_put_number(struct pb_buf *b, const char *s, size_t n);

#endif
