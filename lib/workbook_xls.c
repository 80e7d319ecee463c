/*
 * workbook_xls: .xls through FreeXL, which reads the whole file at open and
 * knows dates itself.
 *
 * FreeXL runs in a child process: on some malformed files it reads past its
 * own stack buffers (tests/fuzz/known/), and a crash there must end as a clear
 * error for that file, never take pb down with it. The child opens the file,
 * chooses the sheet and sends its rows over a pipe; the parent builds them as
 * it does an .xlsx sheet's. Messages, in the machine's byte order (both ends
 * are this program):
 *
 *   'S' len name              the sheet is open (first message)
 *   'E' code line len file len msg   an error; the child stops
 *   'R' row ncells {col len text}... a row that has cells (row 1-based)
 *   'Z'                       the end
 *
 * A child that ends without 'Z' or 'E' crashed (or was killed): the parent
 * says so, with the signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <freexl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* ---------- the child: FreeXL, and what it finds, into the pipe ---------- */

/* A length and n bytes; 0, or -1 out of memory. */
static int put_bytes(struct pb_buf *b, const char *p, size_t n)
{
	uint32_t len = (uint32_t)n;

	return pb_buf_add(b, &len, sizeof len) | pb_buf_add(b, p, n);
}

/* Writes b out whole and empties it; 0, or -1 when the parent is gone. */
static int flush_to(int fd, struct pb_buf *b)
{
	size_t done = 0;

	while (done < b->len) {
		ssize_t w = write(fd, b->p + done, b->len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	pb_buf_reset(b);
	return 0;
}

static void send_error(struct pb_buf *b, const struct pb_error *err)
{
	int32_t code = err->code;
	int64_t line = err->line;

	pb_buf_addc(b, 'E');
	pb_buf_add(b, &code, sizeof code);
	pb_buf_add(b, &line, sizeof line);
	put_bytes(b, err->file, strlen(err->file));
	put_bytes(b, err->msg, strlen(err->msg));
}

/* Opens the sheet as the parent would have; 0, or -1 with err. */
static int child_open(struct pb_workbook *wb, const void **xls, const char *path, const char *want,
                      unsigned *rows, unsigned short *cols, struct pb_error *err)
{
	unsigned count = 0, i;
	const char **names = NULL;
	int *hidden = NULL, rc, k = -1;

	rc = freexl_open(path, xls);
	if (rc != FREEXL_OK)
		return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0,
		                    "not a readable .xls workbook: %s", xls_error(rc));
	if (freexl_get_info(*xls, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK)
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
		if (freexl_get_worksheet_name(*xls, (unsigned short)i, &names[i]) != FREEXL_OK ||
		    !names[i])
			names[i] = "";
	k = pb_wb_choose_sheet(wb, names, hidden, count, want, err);
	if (k < 0)
		goto done;
	if (!(wb->sheet = strdup(names[k]))) {
		k = pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
		goto done;
	}
	if (freexl_select_active_worksheet(*xls, (unsigned short)k) != FREEXL_OK ||
	    freexl_worksheet_dimensions(*xls, rows, cols) != FREEXL_OK)
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

/* The child's whole life: never returns. */
static void child_run(struct pb_workbook *wb, const char *path, const char *want, int fd)
{
	struct pb_error err = PB_ERROR_INIT;
	struct pb_buf msg = PB_BUF_INIT, cell = PB_BUF_INIT;
	const void *xls = NULL;
	unsigned rows = 0, r;
	unsigned short cols = 0, c;
	int devnull = open("/dev/null", O_RDWR), bad = 0;

	/* the parent's stdout and stderr are its own: nothing of FreeXL's (or a
	 * sanitizer's report of it) may land there */
	if (devnull >= 0) {
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
	}
	if (child_open(wb, &xls, path, want, &rows, &cols, &err) < 0)
		goto fail;
	bad |= pb_buf_addc(&msg, 'S') | put_bytes(&msg, wb->sheet, strlen(wb->sheet));
	for (r = 0; r < rows && !bad; r++) {
		size_t at = msg.len;
		uint32_t row = r + 1;
		uint16_t ncells = 0;
		bad |= pb_buf_addc(&msg, 'R') | pb_buf_add(&msg, &row, sizeof row) |
		    pb_buf_add(&msg, &ncells, sizeof ncells);
		for (c = 0; c < cols && !bad; c++) {
			FreeXL_CellValue v;
			if (freexl_get_cell_value(xls, r, c, &v) != FREEXL_OK) {
				pb_wb_row_start(wb, (long)row);
				pb_error_set(&err, PB_EXIT_FATAL, pb_wb_where(wb, wb->row), 0,
				             "unreadable cell in column %u", c + 1u);
				goto fail;
			}
			pb_buf_reset(&cell);
			bad |= xls_cell_text(&cell, &v);
			if (!cell.len || bad)
				continue;
			bad |= pb_buf_add(&msg, &c, sizeof c) | put_bytes(&msg, cell.p, cell.len);
			ncells++;
		}
		if (ncells)
			memcpy(msg.p + at + 1 + sizeof row, &ncells, sizeof ncells);
		else
			msg.len = at; /* a row with no cells is no row */
		if (!bad && msg.len >= 1 << 16 && flush_to(fd, &msg) < 0)
			_exit(1);
	}
	if (!bad && pb_buf_addc(&msg, 'Z') == 0 && flush_to(fd, &msg) == 0)
		_exit(0);
	pb_buf_reset(&msg); /* a buffer that failed to grow has lost bytes */
	pb_error_set(&err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
fail:
	send_error(&msg, &err);
	_exit(flush_to(fd, &msg) < 0 ? 1 : 0);
}

/* ---------- the parent: rows from the pipe ---------- */

/* Reads n bytes; 0, or -1 at the end of the pipe (the child is gone). */
static int get(struct pb_workbook *wb, void *p, size_t n)
{
	return fread(p, 1, n, wb->xls_in) == n ? 0 : -1;
}

/* Reads a length and that many bytes into b (NUL-terminated); 0 or -1. */
static int get_bytes(struct pb_workbook *wb, struct pb_buf *b)
{
	uint32_t n;

	pb_buf_reset(b);
	if (get(wb, &n, sizeof n) < 0 || pb_buf_grow(b, (size_t)n + 1) < 0 || get(wb, b->p, n) < 0)
		return -1;
	b->len = n;
	b->p[n] = '\0';
	return 0;
}

/* Waits for the child: its wait status, or -1 when there is none. */
static int reap(struct pb_workbook *wb)
{
	int status = -1;
	pid_t pid = wb->xls_pid;

	wb->xls_pid = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* The child ended without saying why (status: as waitpid gave it, or -1). */
static int lost(struct pb_workbook *wb, int status, struct pb_error *err)
{
	char how[128] = "it ended";

	if (status != -1 && WIFSIGNALED(status))
		snprintf(how, sizeof how, "it crashed (signal %d, %s)", WTERMSIG(status),
		         strsignal(WTERMSIG(status)));
	else if (status != -1)
		snprintf(how, sizeof how, "it stopped (exit %d)", WEXITSTATUS(status));
	return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0,
	                    "the .xls reader (FreeXL) failed on this file: %s; the file is corrupt "
	                    "or not supported: open it in Excel or WPS and save it as .xlsx",
	                    how);
}

/* The pipe ended early. */
static int cut(struct pb_workbook *wb, struct pb_error *err)
{
	return lost(wb, reap(wb), err);
}

/* The child's 'E' message into err; -1. */
static int child_error(struct pb_workbook *wb, struct pb_error *err)
{
	int32_t code;
	int64_t line;

	if (get(wb, &code, sizeof code) < 0 || get(wb, &line, sizeof line) < 0 ||
	    get_bytes(wb, &wb->xls_cell) < 0)
		return cut(wb, err);
	snprintf(err->file, sizeof err->file, "%s", wb->xls_cell.p);
	if (get_bytes(wb, &wb->xls_cell) < 0)
		return cut(wb, err);
	snprintf(err->msg, sizeof err->msg, "%s", wb->xls_cell.p);
	err->code = code ? code : PB_EXIT_FATAL;
	err->line = (long)line;
	reap(wb);
	return -1;
}

int pb_wb_xls_open(struct pb_workbook *wb, const char *path, const char *want, struct pb_error *err)
{
	int fds[2];
	char kind;

	if (pipe(fds) < 0)
		return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "cannot make a pipe: %s",
		                    strerror(errno));
	wb->xls_pid = fork();
	if (wb->xls_pid < 0) {
		close(fds[0]);
		close(fds[1]);
		wb->xls_pid = 0;
		return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "cannot start a process: %s",
		                    strerror(errno));
	}
	if (wb->xls_pid == 0) {
		close(fds[0]);
		child_run(wb, path, want, fds[1]);
	}
	close(fds[1]);
	if (!(wb->xls_in = fdopen(fds[0], "rb"))) {
		close(fds[0]);
		return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
	}
	if (get(wb, &kind, 1) < 0)
		return cut(wb, err);
	if (kind == 'E')
		return child_error(wb, err);
	if (kind != 'S' || get_bytes(wb, &wb->xls_cell) < 0)
		return cut(wb, err);
	if (!(wb->sheet = strdup(wb->xls_cell.p)))
		return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
	return 0;
}

int pb_wb_xls_next(struct pb_workbook *wb, struct pb_error *err)
{
	uint32_t row;
	uint16_t ncells, i, col;
	char kind;

	if (!wb->xls_in)
		return 0;
	if (get(wb, &kind, 1) < 0)
		return cut(wb, err);
	if (kind == 'Z') {
		int status = reap(wb);
		if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return lost(wb, status, err);
		fclose(wb->xls_in);
		wb->xls_in = NULL;
		return 0;
	}
	if (kind == 'E')
		return child_error(wb, err);
	if (kind != 'R' || get(wb, &row, sizeof row) < 0 || get(wb, &ncells, sizeof ncells) < 0)
		return cut(wb, err);
	pb_wb_row_start(wb, (long)row);
	for (i = 0; i < ncells; i++) {
		if (get(wb, &col, sizeof col) < 0 || get_bytes(wb, &wb->xls_cell) < 0)
			return cut(wb, err);
		if (pb_wb_cell(wb, col, wb->xls_cell.p, wb->xls_cell.len) < 0)
			return pb_error_set(err, PB_EXIT_FATAL, wb->name, 0, "out of memory");
	}
	return 1;
}

void pb_wb_xls_free(struct pb_workbook *wb)
{
	if (wb->xls_pid > 0) { /* stopped before the end: the child need not go on */
		kill(wb->xls_pid, SIGKILL);
		reap(wb);
	}
	if (wb->xls_in)
		fclose(wb->xls_in);
	wb->xls_in = NULL;
	pb_buf_release(&wb->xls_cell);
}
