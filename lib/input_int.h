/*
 * input_int: what input.c (encodings, CSV/TSV records) shares with
 * input_ahead.c (a thread that parses a regular file ahead of its reader):
 * batches of parsed records. Not a public header.
 */
#ifndef PB_INPUT_INT_H
#define PB_INPUT_INT_H

#include <stddef.h>

#include "pb/buf.h"
#include "pb/diag.h"
#include "pb/input.h"

/* One record of a batch: its fields are ends[first .. first+nf). */
struct pb_rec {
	size_t first, nf;
	long line;  /* the physical line it starts on */
	size_t bad; /* why it is malformed: offset + 1 in reasons, or 0 */
};

/*
 * Records parsed in one go, their field bytes in one buffer: field i is
 * bytes[i ? ends[i-1] : 0, ends[i]).
 */
struct pb_recbuf {
	struct pb_buf bytes;
	size_t *ends;
	unsigned char *flags; /* per field, when asked for: pb_text_scan's flags */
	size_t nends, ends_cap;
	struct pb_rec *recs;
	size_t nrecs, recs_cap;
	struct pb_buf reasons;
	/* what comes after these records: 1 more, 0 the end, -1 err */
	int rc;
	struct pb_error err;
	/* the input's encoding and format as detected while parsing them */
	enum pb_encoding enc;
	enum pb_format fmt;
};

void pb_recbuf_reset(struct pb_recbuf *rb);
void pb_recbuf_release(struct pb_recbuf *rb);

/*
 * Parses records into rb (reset) until it holds enough, or the input ends:
 * sets rb->rc (and rb->err) and returns it.
 */
typedef int (*pb_fill_fn)(void *ctx, struct pb_recbuf *rb);

struct pb_ahead;
/* Starts a thread calling fill(ctx, …) into a few batches in turn; NULL if it cannot start. */
struct pb_ahead *pb_ahead_start(pb_fill_fn fill, void *ctx);
/*
 * The next filled batch, in order, waiting for it if need be; the batch
 * taken before goes back to the thread. Valid until the next take.
 */
struct pb_recbuf *pb_ahead_take(struct pb_ahead *a);
/* Stops the thread (it finishes the batch it is filling) and frees the batches. Accepts NULL. */
void pb_ahead_stop(struct pb_ahead *a);

#endif
