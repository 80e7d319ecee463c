/* map: open-addressing hash table of byte-string keys to dense indexes. */
#include "pb/map.h"

#include <stdlib.h>
#include <string.h>

uint64_t pb_hash(const void *p, size_t n)
{
	/* FNV-1a, 64-bit: simple, stable across runs and machines */
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t load64(const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof w);
	return w;
}

static uint64_t load32(const unsigned char *s)
{
	uint32_t w;

	memcpy(&w, s, sizeof w);
	return w;
}

uint64_t pb_hash_mem(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	/*
	 * Eight bytes a step, multiplied in; the last word is the last eight
	 * bytes, overlapping (the length is in the seed), or for a short key
	 * two overlapping halves or three bytes: fixed-size loads, no memcpy
	 * of a variable length. murmur3's finalizer mixes every bit into every
	 * bit.
	 */
	if (n > 8) {
		const unsigned char *last = s + n - 8;
		for (; s < last; s += 8) {
			h = (h ^ load64(s)) * 0xbf58476d1ce4e5b9ULL;
			h ^= h >> 31;
		}
		w = load64(last);
	} else if (n >= 4) {
		w = load32(s) | load32(s + n - 4) << 32;
	} else {
		w = n ? (uint64_t)s[0] | (uint64_t)s[n / 2] << 8 | (uint64_t)s[n - 1] << 16 : 0;
	}
	h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

struct pb_str pb_map_key(const struct pb_map *m, size_t i)
{
	return (struct pb_str){ m->keys.p + m->offs[i], m->offs[i + 1] - m->offs[i] };
}

/*
 * A slot holds index + 1 in its low half and the hash's high half above, so a
 * probe rejects most other keys without touching their (cold) entries. A
 * key's home slot is the top bits of its hash, which its slot keeps: a bigger
 * table is filled from the old one in order, near-sequentially.
 */
#define SLOT(idx, h) (((uint64_t)(idx) + 1) | ((h)&0xffffffff00000000ULL))

static size_t home(size_t nslots, uint64_t h)
{
	int bits = __builtin_ctzll((unsigned long long)nslots); /* nslots is a power of two */

	return bits ? (size_t)(h >> (64 - bits)) : 0;
}

static long lookup(const struct pb_map *m, const void *key, size_t n, uint64_t h, size_t *slot)
{
	size_t mask = m->nslots - 1, i = home(m->nslots, h);

	for (;; i = (i + 1) & mask) {
		uint64_t sv = m->slots[i];
		uint32_t v = (uint32_t)sv;
		if (v == 0) {
			*slot = i;
			return -1;
		}
		if ((sv ^ h) >> 32)
			continue;
		v--;
		if (m->offs[v + 1] - m->offs[v] == n &&
		    (n == 0 || memcmp(m->keys.p + m->offs[v], key, n) == 0))
			return (long)v;
	}
}

long pb_map_find(const struct pb_map *m, const void *key, size_t n)
{
	size_t slot;

	if (!m->nslots)
		return -1;
	return lookup(m, key, n, pb_hash_mem(key, n), &slot);
}

static int rehash(struct pb_map *m, size_t nslots)
{
	uint64_t *slots = calloc(nslots, sizeof *slots);
	size_t i, j;

	if (!slots)
		return -1;
	for (i = 0; i < m->nslots; i++) {
		uint64_t sv = m->slots[i], h;
		if (!sv)
			continue;
		/* the slot's high half is the hash's, enough for a home up to 2^32 slots */
		h = nslots <= (1ULL << 32) ? sv : m->hashes[(uint32_t)sv - 1];
		for (j = home(nslots, h); slots[j]; j = (j + 1) & (nslots - 1))
			;
		slots[j] = sv;
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
	return 0;
}

long pb_map_put(struct pb_map *m, const void *key, size_t n, int *is_new)
{
	uint64_t h = pb_hash_mem(key, n);
	size_t slot;
	long found;

	if (is_new)
		*is_new = 0;
	if (!m->nslots && rehash(m, 64) < 0)
		return -1;
	found = lookup(m, key, n, h, &slot);
	if (found >= 0)
		return found;
	if (m->count >= UINT32_MAX - 1)
		return -1;
	if (m->count + 1 >= m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		uint64_t *hs = realloc(m->hashes, cap * sizeof *hs);
		size_t *os;
		if (!hs)
			return -1;
		m->hashes = hs;
		os = realloc(m->offs, (cap + 1) * sizeof *os);
		if (!os)
			return -1;
		m->offs = os;
		m->cap = cap;
	}
	if (m->count == 0)
		m->offs[0] = 0;
	if (pb_buf_add(&m->keys, key, n) < 0)
		return -1;
	m->hashes[m->count] = h;
	m->offs[m->count + 1] = m->keys.len;
	m->slots[slot] = SLOT(m->count, h);
	m->count++;
	if (is_new)
		*is_new = 1;
	if (m->count * 4 > m->nslots * 3 && rehash(m, m->nslots * 2) < 0)
		return -1;
	return (long)(m->count - 1);
}

void pb_map_release(struct pb_map *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m->hashes);
	free(m->offs);
	pb_buf_release(&m->keys);
	memset(m, 0, sizeof *m);
}
