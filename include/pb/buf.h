/* buf: pb's one growable byte buffer and the borrowed string view. */
#ifndef PB_BUF_H
#define PB_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* A view into bytes someone else owns; not NUL-terminated. */
struct pb_str {
	const char *p;
	size_t n;
};

#define PB_STR(lit) ((struct pb_str){ (lit), sizeof(lit) - 1 })

int pb_str_eq(struct pb_str a, struct pb_str b);
int pb_str_eqz(struct pb_str a, const char *z);
/* Byte order, a shorter prefix first: <0, 0, >0 as memcmp. */
int pb_str_cmp(struct pb_str a, struct pb_str b);
/* A view of a C string (NULL gives the empty view). */
struct pb_str pb_str_z(const char *z);

/*
 * A list split from option text such as "a,b,c": items are NUL-terminated
 * copies in one allocation the list owns. Empty items are refused.
 */
struct pb_list {
	char **v;
	size_t n;
};

#define PB_LIST_INIT                                                                               \
	{                                                                                          \
		.v = NULL, .n = 0                                                                  \
	}

/* Splits z at sep; NULL z gives an empty list. 0, -1 an empty item, -2 out of memory (l empty). */
int pb_list_split(struct pb_list *l, const char *z, char sep);
/* Index of the item equal to s, or -1. */
long pb_list_find(const struct pb_list *l, struct pb_str s);
/* Frees the items; accepts a zeroed list. */
void pb_list_release(struct pb_list *l);

/*
 * A growable buffer that owns p. p is always NUL-terminated once anything was
 * added, so p can be used as a C string when the bytes hold no NUL.
 * max (0 = none) bounds the length so bad input cannot grow it without limit.
 * oom is set when an add found no memory and stays set until the buffer is
 * released or detached, so a writer that appends many pieces can check once.
 */
struct pb_buf {
	char *p;
	size_t len, cap, max;
	int oom;
};

#define PB_BUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0, 0, 0                                                                   \
	}

void pb_buf_init(struct pb_buf *b, size_t max);
/* Frees p; accepts a zeroed buffer. */
void pb_buf_release(struct pb_buf *b);
/* Makes room for extra more bytes plus a NUL. 0, or -1 (ENOMEM or E2BIG over max). */
int pb_buf_grow(struct pb_buf *b, size_t extra);
int pb_buf_add(struct pb_buf *b, const void *p, size_t n);
int pb_buf_addc(struct pb_buf *b, int c);
int pb_buf_adds(struct pb_buf *b, const char *z);
int pb_buf_addf(struct pb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int pb_buf_vaddf(struct pb_buf *b, const char *fmt, va_list ap);
/* Empties the buffer, keeping its memory. */
void pb_buf_reset(struct pb_buf *b);
/*
 * Returns p, which the caller frees, and leaves b empty. NULL when out of
 * memory, now or at an earlier add (oom set): never a string with a piece lost.
 */
char *pb_buf_detach(struct pb_buf *b);
/*
 * Grows an array so that index i fits: arrp is the address of the array
 * pointer (any element type), *cap its capacity in elements of size bytes.
 * New elements are zeroed; capacity doubles from 64. 0, or -1 out of memory
 * (the array is then unchanged). For per-group and per-id side arrays.
 */
int pb_grow_zeroed(void *arrp, size_t *cap, size_t i, size_t size);
/* A NUL-terminated copy of a view; the caller frees it. */
char *pb_strdup_str(struct pb_str s);

#endif
