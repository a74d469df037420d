/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * What the kernel provides to the network code and the host tests do not
 * get from the C library: panic, a settable clock, page allocation.
 */

#include <sys/systm.h>
#include <stdlib.h>
#include <string.h>

#include <sys/sysctl.h>
#include <vm/vm_kern.h>

#include "net_host_var.h"

uint64_t	host_uptime_ns;
int		hz = 100;
long		host_kmem_pages;
int		host_kmem_fail_after = -1;

void
host_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

vm_offset_t
kmem_malloc(vm_size_t size, int flags)
{
	void *p;

	if (host_kmem_fail_after == 0)
		return (0);
	if (host_kmem_fail_after > 0)
		host_kmem_fail_after--;
	size = (size + PAGE_MASK) & ~PAGE_MASK;
	p = aligned_alloc(PAGE_SIZE, size);
	if (p == NULL)
		abort();
	memset(p, 0x5a, size);
	host_kmem_pages += size / PAGE_SIZE;
	return ((vm_offset_t)p);
}

void
kmem_free(vm_offset_t va, vm_size_t size)
{
	size = (size + PAGE_MASK) & ~PAGE_MASK;
	host_kmem_pages -= size / PAGE_SIZE;
	free((void *)va);
}

size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return (len);
}

/* sysctl handlers are compiled, never called, on the host. */
int
sysctl_emit(struct sysctl_req *req, const char *sub, const char *fmt, ...)
{
	return (0);
}
