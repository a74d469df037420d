/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The physical page allocator.
 *
 * Under Xen "physical" means pseudo-physical: the domain sees frames
 * 0..nr_pages-1, contiguous, while the machine frames behind them (the p2m
 * in pmap) lie anywhere.  Nothing in a PV guest needs machine-contiguous
 * memory, so the allocator hands out single pages from one free list; the
 * kernel's larger blocks are made contiguous in virtual space by kmem.
 *
 * At boot, pmap_bootstrap() lends memory for the page array and calls
 * vm_page_startup(), which marks every page reserved; it then releases the
 * ranges that are truly free.  Allocation never sleeps and never hangs:
 * when the list is empty it counts the failure and returns NULL, and the
 * caller decides (malloc(M_WAITOK) will panic with a clear message rather
 * than deadlock, until the pager-less kernel grows a way to wait).
 *
 * Context: any; the free list is protected by masking events (the only
 * concurrency on a single vCPU).  The counters show in sysctl through
 * vm_meter.c.  Builds on the host for the unit tests.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <machine/cpufunc.h>

#include <vm/vm_page.h>

static vm_page_t vm_page_array;
static TAILQ_HEAD(, vm_page) vm_page_freelist =
    TAILQ_HEAD_INITIALIZER(vm_page_freelist);
struct vm_page_stats vm_page_stats;

/* Adopt 'array' (npages entries) and mark every page reserved. */
void
vm_page_startup(vm_page_t array, u_long npages)
{
	u_long i;

	vm_page_array = array;
	TAILQ_INIT(&vm_page_freelist);
	memset(&vm_page_stats, 0, sizeof(vm_page_stats));
	for (i = 0; i < npages; i++) {
		memset(&array[i], 0, sizeof(array[i]));
		array[i].phys_addr = ptoa(i);
		array[i].state = VM_PAGE_RESERVED;
	}
	vm_page_stats.vs_npages = npages;
	vm_page_stats.vs_reserved = npages;
}

/*
 * Put reserved pages [first, last) on the free list.  Pages are pushed in
 * descending order so that allocation hands out low addresses first.
 */
void
vm_page_release_range(u_long first, u_long last)
{
	u_long i;
	vm_page_t m;

	KASSERT(last <= vm_page_stats.vs_npages,
	    ("vm_page_release_range: %lu past the end", last));
	for (i = last; i > first; i--) {
		m = &vm_page_array[i - 1];
		KASSERT(m->state == VM_PAGE_RESERVED,
		    ("vm_page_release_range: page %lu not reserved", i - 1));
		m->state = VM_PAGE_FREE;
		TAILQ_INSERT_HEAD(&vm_page_freelist, m, plinks);
		vm_page_stats.vs_reserved--;
		vm_page_stats.vs_free++;
	}
}

vm_page_t
vm_page_alloc(int flags)
{
	vm_page_t m;
	register_t s;

	s = intr_disable();
	m = TAILQ_FIRST(&vm_page_freelist);
	if (m == NULL) {
		vm_page_stats.vs_failures++;
		intr_restore(s);
		return (NULL);
	}
	TAILQ_REMOVE(&vm_page_freelist, m, plinks);
	KASSERT(m->state == VM_PAGE_FREE,
	    ("vm_page_alloc: page %#lx on the free list in state %d",
	    (u_long)m->phys_addr, m->state));
	m->state = VM_PAGE_ALLOCATED;
	vm_page_stats.vs_free--;
	vm_page_stats.vs_allocs++;
	intr_restore(s);
	m->mbucket = 0;
	m->flags = 0;
	m->npages = 0;
	if ((flags & VM_ALLOC_ZERO) != 0)
		pmap_zero_page(m);
	return (m);
}

void
vm_page_free(vm_page_t m)
{
	register_t s;

	s = intr_disable();
	if (m->state != VM_PAGE_ALLOCATED)
		panic("vm_page_free: page %#lx is not allocated (state %d)",
		    (u_long)m->phys_addr, m->state);
	m->state = VM_PAGE_FREE;
	TAILQ_INSERT_HEAD(&vm_page_freelist, m, plinks);
	vm_page_stats.vs_free++;
	intr_restore(s);
}

/*
 * pmap turns allocated pages into page-table pages and back, and marks
 * the page tables it found or built at boot, and the pages above the boot
 * memory unbacked; the machine-dependent balloon support turns allocated
 * pages into unbacked ones and back.
 */
void
vm_page_set_state(vm_page_t m, int state)
{
	KASSERT(m->state == VM_PAGE_ALLOCATED || m->state == VM_PAGE_PTABLE ||
	    (m->state == VM_PAGE_RESERVED && (state == VM_PAGE_PTABLE ||
	    state == VM_PAGE_UNBACKED)) ||
	    (m->state == VM_PAGE_UNBACKED && state == VM_PAGE_ALLOCATED),
	    ("vm_page_set_state: page %#lx in state %d",
	    (u_long)m->phys_addr, m->state));
	KASSERT(state != VM_PAGE_UNBACKED || m->state == VM_PAGE_ALLOCATED ||
	    m->state == VM_PAGE_RESERVED,
	    ("vm_page_set_state: page %#lx in state %d unbacked",
	    (u_long)m->phys_addr, m->state));
	if (m->state == VM_PAGE_PTABLE)
		vm_page_stats.vs_ptable--;
	if (m->state == VM_PAGE_RESERVED)
		vm_page_stats.vs_reserved--;
	if (m->state == VM_PAGE_UNBACKED)
		vm_page_stats.vs_unbacked--;
	if (state == VM_PAGE_PTABLE)
		vm_page_stats.vs_ptable++;
	if (state == VM_PAGE_UNBACKED)
		vm_page_stats.vs_unbacked++;
	m->state = state;
}

vm_page_t
PHYS_TO_VM_PAGE(vm_paddr_t pa)
{
	if (atop(pa) >= vm_page_stats.vs_npages)
		return (NULL);
	return (&vm_page_array[atop(pa)]);
}

u_long
vm_page_free_count(void)
{
	return (vm_page_stats.vs_free);
}
