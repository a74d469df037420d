/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * malloc(9): typed kernel memory.
 *
 * Requests up to 2 KiB come from eight zones of power-of-two sizes (16
 * bytes to 2 KiB), served from pages in the direct map: no page-table work
 * at all.  Larger requests are whole pages from kmem_malloc(), mapped
 * contiguously in kernel virtual memory; the first page's vm_page records
 * the block's length, so free() needs only the address.
 *
 * Every allocation is charged to a malloc_type (MALLOC_DEFINE), whose
 * counters -- live allocations, bytes, calls -- are what sysctl shows and
 * what unload checks compare.  M_WAITOK cannot wait for memory yet (there
 * is no pager): it panics with a clear message rather than return NULL to
 * a caller that was promised it never would.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <machine/cpufunc.h>
#include <machine/pmap.h>
#include <vm/uma.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>

#define	MALLOC_MINSHIFT	4		/* 16 bytes */
#define	MALLOC_NZONES	8		/* up to 2048 bytes */
#define	MALLOC_MAXSMALL	(1 << (MALLOC_MINSHIFT + MALLOC_NZONES - 1))
#define	MALLOC_LARGE	0xff		/* vm_page.mbucket of a large block */

MALLOC_DEFINE(M_TEMP, "temp", "miscellaneous");
MALLOC_DEFINE(M_DEVBUF, "devbuf", "device driver memory");

static struct zone malloc_zones[MALLOC_NZONES];
static const char *const malloc_zone_names[MALLOC_NZONES] = {
	"malloc-16", "malloc-32", "malloc-64", "malloc-128", "malloc-256",
	"malloc-512", "malloc-1024", "malloc-2048",
};
static struct malloc_type *malloc_types;
static bool malloc_ready;

static void
malloc_init(void *arg)
{
	int i;

	for (i = 0; i < MALLOC_NZONES; i++)
		zone_create(&malloc_zones[i], malloc_zone_names[i],
		    1 << (MALLOC_MINSHIFT + i));
	malloc_ready = true;
}
SYSINIT(malloc, SI_SUB_KMEM, SI_ORDER_FIRST, malloc_init, NULL);

static void
malloc_charge(struct malloc_type *type, long n, long bytes)
{
	register_t s;

	s = intr_disable();
	if (!type->ks_listed) {
		/* First use: put the type on the list sysctl walks. */
		type->ks_next = malloc_types;
		malloc_types = type;
		type->ks_listed = 1;
	}
	type->ks_inuse += n;
	type->ks_memuse += bytes;
	if (n > 0)
		type->ks_calls++;
	intr_restore(s);
}

static int
malloc_zone_index(size_t size)
{
	int i;

	for (i = 0; i < MALLOC_NZONES; i++)
		if (size <= (1UL << (MALLOC_MINSHIFT + i)))
			return (i);
	return (-1);
}

void *
malloc(size_t size, struct malloc_type *type, int flags)
{
	vm_offset_t va;
	vm_page_t m;
	size_t npages;
	void *p;
	int zi;

	KASSERT(malloc_ready, ("malloc before malloc_init"));
	if (size == 0)
		size = 1;
	if (size <= MALLOC_MAXSMALL) {
		zi = malloc_zone_index(size);
		p = zone_alloc(&malloc_zones[zi], flags);
		if (p != NULL)
			malloc_charge(type, 1, malloc_zones[zi].z_size);
		return (p);
	}
	npages = atop(round_page(size));
	va = kmem_malloc(ptoa(npages), flags & M_ZERO);
	if (va == 0) {
		if ((flags & M_WAITOK) != 0)
			panic("malloc: %zu bytes for %s: out of memory (M_WAITOK "
			    "cannot wait yet)", size, type->ks_shortdesc);
		return (NULL);
	}
	m = PHYS_TO_VM_PAGE(pmap_extract(kernel_pmap, va));
	m->mbucket = MALLOC_LARGE;
	m->npages = (uint32_t)npages;
	malloc_charge(type, 1, ptoa(npages));
	return ((void *)va);
}

void
free(void *addr, struct malloc_type *type)
{
	vm_offset_t va = (vm_offset_t)addr;
	vm_paddr_t pa;
	vm_page_t m;
	zone_t z;

	if (addr == NULL)
		return;
	if ((z = zone_of(addr)) != NULL) {
		zone_free(z, addr);
		malloc_charge(type, -1, -(long)z->z_size);
		return;
	}
	if (va >= KVA_MIN && va < KVA_MAX && (va & PAGE_MASK) == 0 &&
	    (pa = pmap_extract(kernel_pmap, va)) != PMAP_NOPAGE &&
	    (m = PHYS_TO_VM_PAGE(pa)) != NULL && m->mbucket == MALLOC_LARGE) {
		size_t len = ptoa((size_t)m->npages);

		m->mbucket = 0;
		kmem_free(va, len);
		malloc_charge(type, -1, -(long)len);
		return;
	}
	panic("free: %p (%s) was not allocated by malloc", addr,
	    type->ks_shortdesc);
}

/* The list of types in use, for sysctl and the tests. */
struct malloc_type *
malloc_type_list(void)
{
	return (malloc_types);
}

/*
 * Forget the types defined in [start, end): a module is going away with
 * its MALLOC_DEFINEs.  Returns how many allocations they still had (a
 * leak the module made: they stay allocated, uncounted).
 */
u_long
malloc_uninit_range(uintptr_t start, uintptr_t end)
{
	struct malloc_type **mtp, *mt;
	register_t s;
	u_long leaked;

	leaked = 0;
	s = intr_disable();
	for (mtp = &malloc_types; (mt = *mtp) != NULL;) {
		if ((uintptr_t)mt < start || (uintptr_t)mt >= end) {
			mtp = &mt->ks_next;
			continue;
		}
		leaked += mt->ks_inuse;
		*mtp = mt->ks_next;
		mt->ks_next = NULL;
		mt->ks_listed = 0;
	}
	intr_restore(s);
	return (leaked);
}

#include <sys/sysctl.h>

/* sysctl: kern.malloc.<type>.{inuse,memuse,calls}. */
static int
malloc_sysctl_types(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct malloc_type *mt;
	char name[64];

	for (mt = malloc_type_list(); mt != NULL; mt = mt->ks_next) {
		snprintf(name, sizeof(name), "%s.inuse", mt->ks_shortdesc);
		(void)sysctl_emit(req, name, "%lu", mt->ks_inuse);
		snprintf(name, sizeof(name), "%s.memuse", mt->ks_shortdesc);
		(void)sysctl_emit(req, name, "%lu", mt->ks_memuse);
		snprintf(name, sizeof(name), "%s.calls", mt->ks_shortdesc);
		(void)sysctl_emit(req, name, "%lu", mt->ks_calls);
	}
	return (0);
}
SYSCTL_PROC(_kern, malloc, malloc_sysctl_types, NULL, 0,
    "malloc(9) types: live allocations, bytes, calls");
