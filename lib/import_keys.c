/*
 * import_keys: the sets pb-import checks uniqueness and counts regions
 * with — millions of unit ids and organizations, so each key costs one
 * 8-byte slot and its bytes once, beside a small payload, in one arena: no
 * pointer, hash or offset array per key.
 *
 * A slot holds the record's arena offset + 1 above 24 bits of the key's
 * hash; the hash's low bits choose the slot. A probe compares the key's
 * bytes only when those 24 bits agree, so it nearly always touches one
 * record, the right one. A record is [payload][length, LEB128][key].
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "import_int.h"
#include "pb/map.h" /* pb_hash_mem: the sets' order never shows in the output */

#define TAG_BITS 24
#define TAG_MASK ((1ull << TAG_BITS) - 1)
/* The arena offsets a slot can hold: 2^40 bytes. */
#define ARENA_MAX (1ull << (64 - TAG_BITS))

/*
 * A table of millions of slots is read at random, a page apart each time:
 * from 2 MiB on it is mapped on its own and asked for huge pages, so a probe
 * costs a cache miss and not a page walk too.
 */
#define HUGE_FROM (2u << 20)

static uint64_t *slots_new(size_t n)
{
	size_t bytes = n * sizeof(uint64_t);
	void *p;

	if (bytes < HUGE_FROM)
		return calloc(n, sizeof(uint64_t));
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE); /* only a hint: without it the table still works */
#endif
	return p;
}

static void slots_free(uint64_t *p, size_t n)
{
	if (p && n * sizeof(uint64_t) < HUGE_FROM)
		free(p);
	else if (p)
		munmap(p, n * sizeof(uint64_t));
}

void pb_keyset_init(struct keyset *s, size_t psize)
{
	memset(s, 0, sizeof *s);
	s->psize = psize;
}

void pb_keyset_release(struct keyset *s)
{
	if (!s)
		return;
	slots_free(s->slots, s->nslots);
	pb_buf_release(&s->arena);
	memset(s, 0, sizeof *s);
}

/* The key of the record at off, and the offset of the record after it. */
static size_t record_key(const struct keyset *s, size_t off, struct pb_str *key)
{
	const unsigned char *p = (const unsigned char *)s->arena.p + off + s->psize;
	size_t n = 0, shift = 0, i = 0;

	do
		n |= (size_t)(p[i] & 0x7F) << shift, shift += 7;
	while (p[i++] & 0x80);
	key->p = (const char *)p + i;
	key->n = n;
	return off + s->psize + i + n;
}

/* The slot of key: its record, or the empty slot where it would go. */
static uint64_t *probe(const struct keyset *s, const void *key, size_t n, uint64_t h)
{
	size_t mask = s->nslots - 1, i = (size_t)h & mask;
	uint64_t tag = (h >> (64 - TAG_BITS)) & TAG_MASK;

	for (;; i = (i + 1) & mask) {
		uint64_t v = s->slots[i];
		struct pb_str k;
		if (v == 0)
			return &s->slots[i];
		if ((v & TAG_MASK) != tag)
			continue;
		record_key(s, (size_t)(v >> TAG_BITS) - 1, &k);
		if (k.n == n && memcmp(k.p, key, n) == 0)
			return &s->slots[i];
	}
}

static uint64_t slot_value(size_t off, uint64_t h)
{
	return (uint64_t)(off + 1) << TAG_BITS | ((h >> (64 - TAG_BITS)) & TAG_MASK);
}

/* Records a key known to be new at the first empty slot from its hash. */
static void place(struct keyset *s, size_t off, uint64_t h)
{
	size_t mask = s->nslots - 1, i = (size_t)h & mask;

	while (s->slots[i])
		i = (i + 1) & mask;
	s->slots[i] = slot_value(off, h);
}

/* Records per step of a rehash: their slots are fetched together, not one miss after another. */
#define REHASH_STEP 16

static int rehash(struct keyset *s, size_t nslots)
{
	uint64_t *old = s->slots, h[REHASH_STEP];
	size_t off = 0, at[REHASH_STEP], k, n, nold = s->nslots;

	s->slots = slots_new(nslots);
	if (!s->slots) {
		s->slots = old;
		return -1;
	}
	s->nslots = nslots;
	slots_free(old, nold);
	/* the records in the order they came, their hashes computed again */
	while (off < s->arena.len) {
		for (n = 0; n < REHASH_STEP && off < s->arena.len; n++) {
			struct pb_str key;
			at[n] = off;
			off = record_key(s, off, &key);
			h[n] = pb_hash_mem(key.p, key.n);
			__builtin_prefetch(&s->slots[h[n] & (nslots - 1)], 1);
		}
		for (k = 0; k < n; k++)
			place(s, at[k], h[k]);
	}
	return 0;
}

void pb_keyset_aim(const struct keyset *s, const void *key, size_t n, struct keyspot *at)
{
	at->hash = pb_hash_mem(key, n);
	at->slot = NULL;
	if (s->nslots)
		__builtin_prefetch(&s->slots[at->hash & (s->nslots - 1)]);
}

void pb_keyset_prefetch(const struct keyset *s, const void *key, size_t n)
{
	struct keyspot at;

	pb_keyset_aim(s, key, n, &at);
}

void *pb_keyset_seek(const struct keyset *s, const void *key, size_t n, struct keyspot *at)
{
	if (!s->nslots)
		return NULL;
	at->slot = probe(s, key, n, at->hash);
	return *at->slot ? s->arena.p + (*at->slot >> TAG_BITS) - 1 : NULL;
}

void *pb_keyset_find(const struct keyset *s, const void *key, size_t n)
{
	struct keyspot at = { pb_hash_mem(key, n), NULL };

	return pb_keyset_seek(s, key, n, &at);
}

void *pb_keyset_add(struct keyset *s, struct keyspot *at, const void *key, size_t n)
{
	unsigned char len[10];
	size_t nlen = 0, off, m = n;

	if (!at->slot) {
		/* the first key: the table is made now */
		if (rehash(s, 64) < 0)
			return NULL;
		at->slot = probe(s, key, n, at->hash);
	}
	do
		len[nlen++] = (unsigned char)((m & 0x7F) | (m > 0x7F ? 0x80 : 0));
	while ((m >>= 7) != 0);
	off = s->arena.len;
	if (off + s->psize + nlen + n >= ARENA_MAX ||
	    pb_buf_grow(&s->arena, s->psize + nlen + n) < 0)
		return NULL;
	memset(s->arena.p + off, 0, s->psize);
	memcpy(s->arena.p + off + s->psize, len, nlen);
	memcpy(s->arena.p + off + s->psize + nlen, key, n);
	s->arena.len += s->psize + nlen + n;
	*at->slot = slot_value(off, at->hash);
	/* grown at three quarters full; the record is in place either way */
	if (++s->count * 4 > s->nslots * 3 && rehash(s, s->nslots * 2) < 0) {
		s->arena.len = off;
		s->count--;
		*at->slot = 0;
		return NULL;
	}
	at->slot = NULL; /* the table may have moved */
	return s->arena.p + off;
}

void *pb_keyset_put(struct keyset *s, const void *key, size_t n, int *is_new)
{
	struct keyspot at = { pb_hash_mem(key, n), NULL };
	void *p = pb_keyset_seek(s, key, n, &at);

	*is_new = !p;
	return p ? p : pb_keyset_add(s, &at, key, n);
}

size_t pb_keyset_next(const struct keyset *s, size_t off, struct pb_str *key, void **payload)
{
	if (off >= s->arena.len)
		return 0;
	*payload = s->arena.p + off;
	return record_key(s, off, key);
}

uint64_t pb_seen_pack(const struct seen *w)
{
	return (uint64_t)w->line << 24 | (uint64_t)(w->file & 0x3FFFFF) << 2 |
	    (w->mode == 's'       ? 1u
	         : w->mode == 'j' ? 2u
	                          : 0u);
}

struct seen pb_seen_unpack(uint64_t v)
{
	struct seen w;

	w.line = (long)(v >> 24);
	w.file = (int)((v >> 2) & 0x3FFFFF);
	w.mode = (v & 3) == 1 ? 's' : (v & 3) == 2 ? 'j' : 0;
	return w;
}
