/*
 * workbook_cells: the row a sheet reader builds, cell by cell, and the text
 * of a cell — numbers as written, serial day numbers as dates — and the
 * choice of a sheet. Below both readers (workbook_xlsx.c, workbook_xls.c)
 * and the dispatcher (workbook.c); calls none of them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pb/value.h"
#include "workbook_int.h"

const char *pb_wb_where(struct pb_workbook *wb, long row)
{
	if (!wb->sheet)
		snprintf(wb->where, sizeof wb->where, "%s", wb->name);
	else if (row > 0)
		snprintf(wb->where, sizeof wb->where, "%s:%s!%ld", wb->name, wb->sheet, row);
	else
		snprintf(wb->where, sizeof wb->where, "%s:%s", wb->name, wb->sheet);
	return wb->where;
}

void pb_wb_row_start(struct pb_workbook *wb, long row)
{
	size_t i;

	for (i = 0; i < wb->width; i++)
		wb->cells[i].n = 0;
	wb->width = 0;
	wb->row = row;
	wb->bad[0] = '\0';
	pb_buf_reset(&wb->text);
}

int pb_wb_cell(struct pb_workbook *wb, size_t col, const char *p, size_t n)
{
	size_t off = wb->text.len;

	if (pb_grow_zeroed(&wb->cells, &wb->cells_cap, col, sizeof *wb->cells) < 0 ||
	    pb_buf_add(&wb->text, p, n) < 0)
		return -1;
	wb->cells[col].off = off;
	wb->cells[col].n = n;
	if (col + 1 > wb->width)
		wb->width = col + 1;
	return 0;
}

struct pb_str pb_wb_cell_text(const struct pb_workbook *wb, size_t col)
{
	if (col >= wb->width || !wb->cells[col].n)
		return (struct pb_str){ "", 0 };
	return (struct pb_str){ wb->text.p + wb->cells[col].off, wb->cells[col].n };
}

size_t pb_wb_row_finish(struct pb_workbook *wb)
{
	size_t i, n = wb->width;

	while (n > 0 && wb->cells[n - 1].n == 0)
		n--;
	if (n && pb_grow_zeroed(&wb->fields, &wb->fields_cap, n - 1, sizeof *wb->fields) < 0)
		return (size_t)-1;
	for (i = 0; i < n; i++)
		wb->fields[i] = pb_wb_cell_text(wb, i);
	return n;
}

/*
 * A decimal in exponent form as a plain decimal: the digits stay as written,
 * only the point moves (1.5E-7 is 0.00000015, 1E+20 is 1 and 20 zeros).
 */
static int put_plain(struct pb_buf *b, int neg, const char *digits, size_t nd, long point)
{
	size_t lead = 0, end = nd, i;

	/* drop leading zeros of the digits (moving the point) and trailing ones */
	while (lead < nd && digits[lead] == '0') {
		lead++;
		point--;
	}
	while (end > lead && digits[end - 1] == '0')
		end--;
	digits += lead;
	nd = end - lead;
	if (nd == 0)
		return pb_buf_addc(b, '0');
	if (neg)
		pb_buf_addc(b, '-');
	if (point <= 0) {
		pb_buf_adds(b, "0.");
		for (i = 0; i < (size_t)-point; i++)
			pb_buf_addc(b, '0');
		return pb_buf_add(b, digits, nd);
	}
	if ((size_t)point >= nd) {
		pb_buf_add(b, digits, nd);
		for (i = nd; i < (size_t)point; i++)
			pb_buf_addc(b, '0');
		return 0;
	}
	pb_buf_add(b, digits, (size_t)point);
	pb_buf_addc(b, '.');
	return pb_buf_add(b, digits + point, nd - (size_t)point);
}

int pb_workbook_put_number(struct pb_buf *b, const char *s, size_t n)
{
	char digits[64];
	size_t i = 0, nd = 0;
	long point = -1, exp = 0;
	int neg = 0, any = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (nd == sizeof digits)
				return -1;
			digits[nd++] = s[i];
			any = 1;
		} else if (s[i] == '.' && point < 0) {
			point = (long)nd;
		} else {
			break;
		}
	}
	if (!any)
		return -1;
	if (point < 0)
		point = (long)nd;
	if (i < n && (s[i] == 'E' || s[i] == 'e')) {
		long long e;
		size_t at = i + 1 + (i + 1 < n && s[i + 1] == '+');
		if (pb_parse_int((struct pb_str){ s + at, n - at }, &e) < 0 || e < -400 || e > 400)
			return -1;
		exp = (long)e;
		i = n;
	}
	if (i != n)
		return -1;
	/* a number without an exponent is kept byte for byte: 12 stays 12, 0.10 stays 0.10 */
	if (!memchr(s, 'E', n) && !memchr(s, 'e', n))
		return pb_buf_add(b, s[0] == '+' ? s + 1 : s, s[0] == '+' ? n - 1 : n);
	return put_plain(b, neg, digits, nd, point + exp);
}

/* The shortest decimal that reads back as d, as a plain decimal (no exponent). */
int pb_wb_put_double(struct pb_buf *b, double d)
{
	char tmp[40];
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	return pb_workbook_put_number(b, tmp, strlen(tmp));
}

int pb_wb_put_serial_date(struct pb_buf *b, double serial, int date1904)
{
	char out[11];
	long day;

	if (!isfinite(serial) || serial < 0 || serial >= 2958466)
		return -1;
	day = (long)floor(serial);
	if (date1904) {
		pb_format_date(pb_days_from_civil(1904, 1, 1) + (int32_t)day, out);
	} else {
		/* 1900 system: 1 is 1900-01-01, and Excel counts a 1900-02-29 (60) that never was
		 */
		if (day < 1 || day == 60)
			return -1;
		pb_format_date(pb_days_from_civil(1899, 12, day < 60 ? 31 : 30) + (int32_t)day,
		               out);
	}
	return pb_buf_add(b, out, 10);
}

int pb_wb_choose_sheet(struct pb_workbook *wb, const char *const *names, const int *hidden,
                       size_t n, const char *want, struct pb_error *err)
{
	struct pb_buf list = PB_BUF_INIT;
	long long k;
	size_t i;

	for (i = 0; want && i < n; i++)
		if (strcmp(names[i], want) == 0)
			return (int)i;
	if (want && pb_parse_int((struct pb_str){ want, strlen(want) }, &k) == 0 && k >= 1 &&
	    (size_t)k <= n)
		return (int)(k - 1);
	for (i = 0; !want && i < n; i++)
		if (!hidden[i])
			return (int)i;
	if (!want && n > 0)
		return 0;
	for (i = 0; i < n; i++)
		pb_buf_addf(&list, "%s%zu %s%s", i ? ", " : "", i + 1, names[i],
		            hidden[i] == 1  ? " (hidden)"
		                : hidden[i] ? " (not a worksheet)"
		                            : "");
	if (n == 0)
		pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "the workbook has no sheet");
	else
		pb_error_set(err, PB_EXIT_FATAL, wb->name, 0,
		             "--sheet: no sheet '%s'; the sheets are %s", want, list.p);
	pb_buf_release(&list);
	return -1;
}
