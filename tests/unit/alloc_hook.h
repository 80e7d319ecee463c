/*
 * Allocation failures, injected: malloc, calloc and realloc replaced by
 * glibc's own under a countdown, so a test can make the Nth allocation of a
 * run fail (alloc_fail_at = N, counted from 0 by alloc_count; -1 fails none).
 * A test program's one .c file includes it: the definitions replace the
 * allocator for the whole program, libraries included. Not under
 * AddressSanitizer, which owns the allocator: NO_ALLOC_HOOK is defined then,
 * and the tests that need the hook are left out.
 */
#ifndef PB_TEST_ALLOC_HOOK_H
#define PB_TEST_ALLOC_HOOK_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define NO_ALLOC_HOOK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_ALLOC_HOOK 1
#endif
#endif

#ifndef NO_ALLOC_HOOK
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static long alloc_fail_at = -1; /* the allocation that fails, counted from 0; -1 none */
static long alloc_count;

/*
 * Shared libraries whose own allocations never fail nor count (alloc_spare):
 * for a library that does not survive its allocations failing, so the
 * property is about pb's code and what it hands such a library.
 */
static struct {
	uintptr_t lo, hi;
} alloc_spared[16];
static int alloc_nspared;

/* Spares the loaded library whose path holds name (its code, as /proc/self/maps lists it). */
__attribute__((unused)) static void alloc_spare(const char *name)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], perms[8];
	unsigned long lo, hi;

	if (!f)
		return;
	while (fgets(line, sizeof line, f) && alloc_nspared < 16)
		if (strstr(line, name) && sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 &&
		    perms[2] == 'x') {
			alloc_spared[alloc_nspared].lo = lo;
			alloc_spared[alloc_nspared].hi = hi;
			alloc_nspared++;
		}
	fclose(f);
}

static int alloc_fails(const void *caller)
{
	int i;

	if (alloc_fail_at < 0)
		return 0;
	for (i = 0; i < alloc_nspared; i++)
		if ((uintptr_t)caller >= alloc_spared[i].lo &&
		    (uintptr_t)caller < alloc_spared[i].hi)
			return 0;
	return alloc_count++ == alloc_fail_at;
}

void *malloc(size_t n)
{
	return alloc_fails(__builtin_return_address(0)) ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	return alloc_fails(__builtin_return_address(0)) ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	return alloc_fails(__builtin_return_address(0)) ? NULL : __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}
#endif

#endif
