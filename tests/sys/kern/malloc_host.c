/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * malloc(9) for kernel sources built into host tests.  Their "#ifndef
 * _KERNEL" shims rename malloc/free to kern_malloc/kern_free; these keep
 * the malloc_type counters as the kernel does and one global count of live
 * allocations, so a test can assert that an operation gave back all it
 * took.  LeakSanitizer still sees every block: the memory comes from the C
 * library.
 */

#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#define	malloc	kern_malloc
#define	free	kern_free
#include <sys/malloc.h>
#undef malloc
#undef free

#include "malloc_host.h"

MALLOC_DEFINE(M_TEMP, "temp", "miscellaneous");
MALLOC_DEFINE(M_DEVBUF, "devbuf", "device driver memory");

long	kern_malloc_live;
int	kern_malloc_fail_after = -1;

/* A header keeps the size so that free can settle ks_memuse. */
struct kmh {
	size_t	kmh_size;
	size_t	kmh_pad;	/* keep the payload 16-byte aligned */
};

void *
kern_malloc(size_t size, struct malloc_type *type, int flags)
{
	struct kmh *h;

	if (kern_malloc_fail_after == 0) {
		if ((flags & M_NOWAIT) != 0)
			return (NULL);
		abort();	/* M_WAITOK cannot fail in the kernel */
	}
	if (kern_malloc_fail_after > 0)
		kern_malloc_fail_after--;
	h = malloc(sizeof(*h) + size);
	if (h == NULL)
		abort();
	h->kmh_size = size;
	if ((flags & M_ZERO) != 0)
		memset(h + 1, 0, size);
	else
		memset(h + 1, 0xa5, size);	/* catch reliance on zeroes */
	type->ks_inuse++;
	type->ks_memuse += size;
	type->ks_calls++;
	kern_malloc_live++;
	return (h + 1);
}

void
kern_free(void *p, struct malloc_type *type)
{
	struct kmh *h;

	if (p == NULL)
		return;
	h = (struct kmh *)p - 1;
	if (type->ks_inuse == 0)
		abort();
	type->ks_inuse--;
	type->ks_memuse -= h->kmh_size;
	kern_malloc_live--;
	free(h);
}
