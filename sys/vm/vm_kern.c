/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Kernel virtual memory.
 *
 * kva_alloc() hands out page-aligned ranges of the KVA region (see
 * <machine/pmap.h>) from a bitmap, one bit a page, first fit from a moving
 * hint; kva_free() gives them back.  kmem_malloc() backs a range with
 * freshly allocated pages and maps them in one pmap_qenter batch, so a
 * block of n pages costs about n/128 hypercalls; kmem_free() undoes that.
 * Allocation fails with 0 rather than waiting: there is no pager to wait
 * for.  Context: any; events are masked around the bitmap.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <machine/cpufunc.h>
#include <machine/pmap.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>

/* The top 8 MiB of KVA are left to the pmap tests. */
#define	KVA_PAGES	((KVA_SIZE - (8UL << 20)) / PAGE_SIZE)
#define	BPL		(8 * sizeof(u_long))

static u_long kva_map[KVA_PAGES / BPL];
static u_long kva_hint, kva_inuse;

static bool
kva_isset(u_long i)
{
	return ((kva_map[i / BPL] >> (i % BPL)) & 1);
}

static void
kva_mark(u_long first, u_long n, bool set)
{
	u_long i;

	for (i = first; i < first + n; i++) {
		if (set)
			kva_map[i / BPL] |= 1UL << (i % BPL);
		else
			kva_map[i / BPL] &= ~(1UL << (i % BPL));
	}
}

/* A free range of 'size' bytes of kernel virtual memory, or 0. */
vm_offset_t
kva_alloc(vm_size_t size)
{
	u_long n, start, run, i, tries;
	register_t s;

	n = atop(round_page(size));
	if (n == 0 || n > KVA_PAGES)
		return (0);
	s = intr_disable();
	start = kva_hint;
	run = 0;
	for (tries = 0; tries < KVA_PAGES + n; tries++) {
		i = (kva_hint + tries) % KVA_PAGES;
		if (i == 0)
			run = 0;	/* ranges do not wrap */
		if (kva_isset(i)) {
			run = 0;
			continue;
		}
		if (run++ == 0)
			start = i;
		if (run == n) {
			kva_mark(start, n, true);
			kva_hint = (start + n) % KVA_PAGES;
			kva_inuse += n;
			intr_restore(s);
			return (KVA_MIN + ptoa(start));
		}
	}
	intr_restore(s);
	return (0);
}

void
kva_free(vm_offset_t va, vm_size_t size)
{
	u_long first, n, i;
	register_t s;

	first = atop(va - KVA_MIN);
	n = atop(round_page(size));
	KASSERT(va >= KVA_MIN && first + n <= KVA_PAGES &&
	    (va & PAGE_MASK) == 0, ("kva_free: bad range %#lx+%#lx", va,
	    (u_long)size));
	s = intr_disable();
	for (i = first; i < first + n; i++)
		if (!kva_isset(i))
			panic("kva_free: page %#lx of %#lx+%#lx not allocated",
			    KVA_MIN + ptoa(i), va, (u_long)size);
	kva_mark(first, n, false);
	kva_inuse -= n;
	intr_restore(s);
}

u_long
kva_pages_inuse(void)
{
	return (kva_inuse);
}

#define	KMEM_CHUNK	64	/* pages mapped per pmap_qenter call */

/* Unmap npages at va, then free the pages that were behind them. */
static void
kmem_unmap_free(vm_offset_t va, u_long npages)
{
	vm_page_t pages[KMEM_CHUNK];
	vm_paddr_t pa;
	u_long done, k, i;

	for (done = 0; done < npages; done += k) {
		k = MIN(KMEM_CHUNK, npages - done);
		for (i = 0; i < k; i++) {
			pa = pmap_extract(kernel_pmap, va + ptoa(done + i));
			if (pa == PMAP_NOPAGE)
				panic("kmem_free: %#lx not mapped",
				    va + ptoa(done + i));
			pages[i] = PHYS_TO_VM_PAGE(pa);
		}
		pmap_qremove(va + ptoa(done), (int)k);
		for (i = 0; i < k; i++)
			vm_page_free(pages[i]);
	}
}

/* A mapped, wired block of 'size' bytes; 0 when memory is short. */
vm_offset_t
kmem_malloc(vm_size_t size, int flags)
{
	vm_page_t pages[KMEM_CHUNK];
	vm_offset_t va;
	u_long n, done, i, k;

	size = round_page(size);
	if ((va = kva_alloc(size)) == 0)
		return (0);
	n = atop(size);
	for (i = 0; i < n; i += NPTEPG)
		if (pmap_growkernel(va + ptoa(i)) != 0)
			goto fail_kva;
	if (pmap_growkernel(va + size - PAGE_SIZE) != 0)
		goto fail_kva;
	for (done = 0; done < n; done += k) {
		for (k = 0; k < KMEM_CHUNK && done + k < n; k++) {
			pages[k] = vm_page_alloc((flags & M_ZERO) ?
			    VM_ALLOC_ZERO : 0);
			if (pages[k] == NULL) {
				while (k-- > 0)
					vm_page_free(pages[k]);
				goto fail_pages;
			}
		}
		pmap_qenter(va + ptoa(done), pages, (int)k, VM_PROT_RW);
	}
	return (va);

fail_pages:
	kmem_unmap_free(va, done);
fail_kva:
	kva_free(va, size);
	return (0);
}

void
kmem_free(vm_offset_t va, vm_size_t size)
{
	size = round_page(size);
	kmem_unmap_free(va, atop(size));
	kva_free(va, size);
}
