/*
 * map: the group table — a hash from byte-string keys to dense indexes
 * 0..count-1 in insertion order, so callers keep their per-group data in
 * plain arrays. Keys are copied into one arena; memory grows with distinct
 * keys, never with lookups.
 */
#ifndef PB_MAP_H
#define PB_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "pb/buf.h"

struct pb_map {
	uint64_t *slots; /* index + 1, and the hash's high half above it; 0 = empty */
	size_t nslots;
	uint64_t *hashes; /* per index */
	size_t *offs;     /* per index: key offset in keys; key length is offs[i+1]-offs[i] */
	size_t count, cap;
	struct pb_buf keys;
};

#define PB_MAP_INIT                                                                                \
	{                                                                                          \
		NULL, 0, NULL, NULL, 0, 0, PB_BUF_INIT                                             \
	}

/* FNV-1a: the same value on every machine, for what is written out (derived ids). */
uint64_t pb_hash(const void *p, size_t n);
/*
 * A faster hash for in-memory tables (eight bytes a step, well mixed); its
 * values may differ between machines of other byte orders, so never write
 * them out. The map uses it.
 */
uint64_t pb_hash_mem(const void *p, size_t n);
/* Index of key, or -1. */
long pb_map_find(const struct pb_map *m, const void *key, size_t n);
/* Index of key, inserting it if new (*is_new set when not NULL); -1 out of memory. */
long pb_map_put(struct pb_map *m, const void *key, size_t n, int *is_new);
/* The key of index i; borrowed, valid until the next put. */
struct pb_str pb_map_key(const struct pb_map *m, size_t i);
void pb_map_release(struct pb_map *m);

#endif
