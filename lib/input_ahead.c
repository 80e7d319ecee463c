/*
 * input_ahead: a regular file is parsed on a second thread, a batch ahead of
 * the thread that checks and writes its records, so the two halves of
 * pb-import's work run on two cores. The records still come one by one, in
 * order, exactly as one pass would give them. Knows nothing of CSV: it
 * calls the fill function it is given.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "input_int.h"

/* Batches in the ring: one being filled, one being read, one waiting between them. */
#define NBATCH 3

enum { FREE, FILLED, TAKEN };

struct pb_ahead {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	pb_fill_fn fill;
	void *ctx;
	struct pb_recbuf batch[NBATCH];
	int state[NBATCH];
	size_t take; /* the next batch to take */
	int stop;
};

static void *run(void *arg)
{
	struct pb_ahead *a = arg;
	size_t i = 0;
	int rc = 1;

	while (rc > 0) {
		pthread_mutex_lock(&a->lock);
		while (a->state[i] != FREE && !a->stop)
			pthread_cond_wait(&a->changed, &a->lock);
		if (a->stop) {
			pthread_mutex_unlock(&a->lock);
			break;
		}
		pthread_mutex_unlock(&a->lock);
		/* filled outside the lock: the reader works on another batch meanwhile */
		rc = a->fill(a->ctx, &a->batch[i]);
		pthread_mutex_lock(&a->lock);
		a->state[i] = FILLED;
		pthread_cond_broadcast(&a->changed);
		pthread_mutex_unlock(&a->lock);
		i = (i + 1) % NBATCH;
	}
	return NULL;
}

struct pb_ahead *pb_ahead_start(pb_fill_fn fill, void *ctx)
{
	struct pb_ahead *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	a->fill = fill;
	a->ctx = ctx;
	if (pthread_mutex_init(&a->lock, NULL) != 0) {
		free(a);
		return NULL;
	}
	if (pthread_cond_init(&a->changed, NULL) != 0) {
		pthread_mutex_destroy(&a->lock);
		free(a);
		return NULL;
	}
	if (pthread_create(&a->thread, NULL, run, a) != 0) {
		pthread_cond_destroy(&a->changed);
		pthread_mutex_destroy(&a->lock);
		free(a);
		return NULL;
	}
	return a;
}

struct pb_recbuf *pb_ahead_take(struct pb_ahead *a)
{
	size_t prev = (a->take + NBATCH - 1) % NBATCH;
	struct pb_recbuf *rb;

	pthread_mutex_lock(&a->lock);
	if (a->state[prev] == TAKEN) {
		a->state[prev] = FREE;
		pthread_cond_broadcast(&a->changed);
	}
	while (a->state[a->take] != FILLED)
		pthread_cond_wait(&a->changed, &a->lock);
	a->state[a->take] = TAKEN;
	rb = &a->batch[a->take];
	a->take = (a->take + 1) % NBATCH;
	pthread_mutex_unlock(&a->lock);
	return rb;
}

void pb_ahead_stop(struct pb_ahead *a)
{
	size_t i;

	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = 1;
	pthread_cond_broadcast(&a->changed);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->changed);
	pthread_mutex_destroy(&a->lock);
	for (i = 0; i < NBATCH; i++)
		pb_recbuf_release(&a->batch[i]);
	free(a);
}

void pb_recbuf_reset(struct pb_recbuf *rb)
{
	pb_buf_reset(&rb->bytes);
	pb_buf_reset(&rb->reasons);
	rb->nends = rb->nrecs = 0;
	rb->rc = 1;
}

void pb_recbuf_release(struct pb_recbuf *rb)
{
	pb_buf_release(&rb->bytes);
	pb_buf_release(&rb->reasons);
	free(rb->ends);
	free(rb->flags);
	free(rb->recs);
	memset(rb, 0, sizeof *rb);
}
