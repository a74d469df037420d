/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Zones (see <vm/uma.h>): fixed-size object caches.
 *
 * A zone takes whole pages ("slabs") from vm_page, reaches them through
 * the direct map and cuts them into objects of its (power-of-two) size.
 * Each slab keeps its own free list, threaded through the free objects as
 * 16-bit offsets; its vm_page holds the list head (flags), the count of
 * objects in use (npages) and the zone (mbucket).  Slabs with room are on
 * the zone's partial list; a full slab is on no list; a slab whose last
 * object is freed goes straight back to the page allocator, so memory a
 * burst of allocations took is given back when they are freed.  From an
 * address alone zone_of() finds the zone, and a free() of an address no
 * zone gave out is caught.
 *
 * Context: any; events are masked around the lists.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <vm/uma.h>
#include <vm/vm_page.h>

struct zone *zone_table[ZONE_MAX];
static int zone_count;

#define	SLAB_VA(m)	((char *)PHYS_TO_DMAP((m)->phys_addr))
#define	SLAB_NONE	0		/* flags: no free object */

zone_t
zone_create(struct zone *z, const char *name, size_t size)
{
	size_t sz;

	for (sz = sizeof(uint16_t) * 8; sz < size; sz <<= 1)
		;
	KASSERT(sz <= PAGE_SIZE, ("zone_create: %s: size %zu", name, size));
	if (zone_count == ZONE_MAX)
		panic("zone_create: more than %d zones", ZONE_MAX);
	memset(z, 0, sizeof(*z));
	z->z_name = name;
	z->z_size = sz;
	z->z_perslab = PAGE_SIZE / sz;
	z->z_index = zone_count;
	TAILQ_INIT(&z->z_partial);
	zone_table[zone_count++] = z;
	return (z);
}

/* A new slab, every object free; called with events masked. */
static vm_page_t
zone_grow(zone_t z)
{
	vm_page_t m;
	char *p;
	u_int i;

	if ((m = vm_page_alloc(0)) == NULL)
		return (NULL);
	m->mbucket = z->z_index + 1;
	m->npages = 0;
	p = SLAB_VA(m);
	for (i = 0; i < z->z_perslab; i++)
		*(uint16_t *)(p + i * z->z_size) =
		    i + 1 < z->z_perslab ? (i + 1) * z->z_size + 1 : SLAB_NONE;
	m->flags = 1;			/* object 0, offset 0, + 1 */
	TAILQ_INSERT_HEAD(&z->z_partial, m, plinks);
	z->z_pages++;
	return (m);
}

void *
zone_alloc(zone_t z, int flags)
{
	register_t s;
	vm_page_t m;
	char *p;

	s = intr_disable();
	if ((m = TAILQ_FIRST(&z->z_partial)) == NULL &&
	    (m = zone_grow(z)) == NULL) {
		z->z_fails++;
		intr_restore(s);
		if ((flags & M_WAITOK) != 0)
			panic("zone_alloc: %s: out of memory (M_WAITOK "
			    "cannot wait for a pager that does not exist)",
			    z->z_name);
		return (NULL);
	}
	KASSERT(m->flags != SLAB_NONE, ("zone_alloc: %s: full slab on the "
	    "partial list", z->z_name));
	p = SLAB_VA(m) + (m->flags - 1);
	m->flags = *(uint16_t *)p;
	if (++m->npages == z->z_perslab)
		TAILQ_REMOVE(&z->z_partial, m, plinks);
	z->z_inuse++;
	z->z_allocs++;
	intr_restore(s);
	if ((flags & M_ZERO) != 0)
		memset(p, 0, z->z_size);
	return (p);
}

static vm_page_t
zone_slab(void *p)
{
	vm_offset_t va = (vm_offset_t)p;
	vm_page_t m;

	if (va < DMAP_MIN || va >= DMAP_MIN + ptoa(physmem))
		return (NULL);
	m = PHYS_TO_VM_PAGE(DMAP_TO_PHYS(va));
	if (m == NULL || m->state != VM_PAGE_ALLOCATED || m->mbucket == 0 ||
	    m->mbucket > zone_count)
		return (NULL);
	return (m);
}

/* The zone that gave out 'p', or NULL if none did. */
zone_t
zone_of(void *p)
{
	vm_page_t m;
	zone_t z;

	if ((m = zone_slab(p)) == NULL)
		return (NULL);
	z = zone_table[m->mbucket - 1];
	if (((vm_offset_t)p & PAGE_MASK) % z->z_size != 0)
		return (NULL);
	return (z);
}

void
zone_free(zone_t z, void *p)
{
	register_t s;
	vm_page_t m;
	u_int off;

	if (zone_of(p) != z)
		panic("zone_free: %p does not belong to zone %s", p,
		    z->z_name);
	m = zone_slab(p);
	off = (vm_offset_t)p & PAGE_MASK;
	s = intr_disable();
	if (m->npages == 0)
		panic("zone_free: %p: slab of zone %s has nothing in use", p,
		    z->z_name);
	if (m->npages == z->z_perslab)
		TAILQ_INSERT_HEAD(&z->z_partial, m, plinks);
	*(uint16_t *)p = m->flags;
	m->flags = off + 1;
	z->z_inuse--;
	if (--m->npages == 0) {
		TAILQ_REMOVE(&z->z_partial, m, plinks);
		m->mbucket = 0;
		m->flags = 0;
		z->z_pages--;
		vm_page_free(m);
	}
	intr_restore(s);
}
