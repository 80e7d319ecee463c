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
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static long alloc_fail_at = -1; /* the allocation that fails, counted from 0; -1 none */
static long alloc_count;

static int alloc_fails(void)
{
	return alloc_fail_at >= 0 && alloc_count++ == alloc_fail_at;
}

void *malloc(size_t n)
{
	return alloc_fails() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	return alloc_fails() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	return alloc_fails() ? NULL : __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}
#endif

#endif
