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
 * The module arena (KMOD_MIN, in the top 2 GiB) is a second such bitmap,
 * for kmem_malloc_kmod(), first fit from its start.
 * Allocation fails with 0 rather than waiting: there is no pager to wait
 * for.  Context: any; events are masked around the bitmap.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>

/* The top 8 MiB of KVA are left to the pmap tests. */
#define	KVA_PAGES	((KVA_SIZE - (8UL << 20)) / PAGE_SIZE)
#define	KMOD_PAGES	(KMOD_SIZE / PAGE_SIZE)
#define	BPL		(8 * sizeof(u_long))

/*
 * A range of kernel virtual addresses handed out a page at a time: kmem's
 * KVA, and the module arena in the top 2 GiB.  Modules are loaded and
 * unloaded again and again, so their arena is first fit from its start
 * (ka_hint stays 0): the same addresses, and so the same page tables, are
 * used every time.
 */
struct kva_arena {
	vm_offset_t	 ka_base;
	u_long		 ka_npages;
	u_long		*ka_map;	/* one bit a page: in use */
	u_long		 ka_hint;	/* where the next search starts */
	u_long		 ka_inuse;
	bool		 ka_moving;	/* move the hint past each range */
};

static u_long kva_map[KVA_PAGES / BPL];
static u_long kmod_map[KMOD_PAGES / BPL];

static struct kva_arena kva_arena = {
	.ka_base = KVA_MIN, .ka_npages = KVA_PAGES, .ka_map = kva_map,
	.ka_moving = true
};
static struct kva_arena kmod_arena = {
	.ka_base = KMOD_MIN, .ka_npages = KMOD_PAGES, .ka_map = kmod_map,
	.ka_moving = false
};

static bool
kva_isset(struct kva_arena *ka, u_long i)
{
	return ((ka->ka_map[i / BPL] >> (i % BPL)) & 1);
}

static void
kva_mark(struct kva_arena *ka, u_long first, u_long n, bool set)
{
	u_long i;

	for (i = first; i < first + n; i++) {
		if (set)
			ka->ka_map[i / BPL] |= 1UL << (i % BPL);
		else
			ka->ka_map[i / BPL] &= ~(1UL << (i % BPL));
	}
}

static vm_offset_t
kva_arena_alloc(struct kva_arena *ka, vm_size_t size)
{
	u_long n, start, run, i, tries;
	register_t s;

	n = atop(round_page(size));
	if (n == 0 || n > ka->ka_npages)
		return (0);
	s = intr_disable();
	start = ka->ka_hint;
	run = 0;
	for (tries = 0; tries < ka->ka_npages + n; tries++) {
		i = (ka->ka_hint + tries) % ka->ka_npages;
		if (i == 0)
			run = 0;	/* ranges do not wrap */
		if (kva_isset(ka, i)) {
			run = 0;
			continue;
		}
		if (run++ == 0)
			start = i;
		if (run == n) {
			kva_mark(ka, start, n, true);
			if (ka->ka_moving)
				ka->ka_hint = (start + n) % ka->ka_npages;
			ka->ka_inuse += n;
			intr_restore(s);
			return (ka->ka_base + ptoa(start));
		}
	}
	intr_restore(s);
	return (0);
}

static void
kva_arena_free(struct kva_arena *ka, vm_offset_t va, vm_size_t size)
{
	u_long first, n, i;
	register_t s;

	first = atop(va - ka->ka_base);
	n = atop(round_page(size));
	KASSERT(va >= ka->ka_base && first + n <= ka->ka_npages &&
	    (va & PAGE_MASK) == 0, ("kva_free: bad range %#lx+%#lx", va,
	    (u_long)size));
	s = intr_disable();
	for (i = first; i < first + n; i++)
		if (!kva_isset(ka, i))
			panic("kva_free: page %#lx of %#lx+%#lx not allocated",
			    ka->ka_base + ptoa(i), va, (u_long)size);
	kva_mark(ka, first, n, false);
	ka->ka_inuse -= n;
	intr_restore(s);
}

/* A free range of 'size' bytes of kernel virtual memory, or 0. */
vm_offset_t
kva_alloc(vm_size_t size)
{
	return (kva_arena_alloc(&kva_arena, size));
}

void
kva_free(vm_offset_t va, vm_size_t size)
{
	kva_arena_free(&kva_arena, va, size);
}

u_long
kva_pages_inuse(void)
{
	return (kva_arena.ka_inuse);
}

u_long
kmod_pages_inuse(void)
{
	return (kmod_arena.ka_inuse);
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

/*
 * A block of 'size' bytes from arena 'ka', backed by fresh pages mapped
 * with 'prot'; 0 when memory or addresses are short.
 */
static vm_offset_t
kmem_arena_malloc(struct kva_arena *ka, vm_size_t size, int flags, int prot)
{
	vm_page_t pages[KMEM_CHUNK];
	vm_offset_t va;
	u_long n, done, i, k;

	size = round_page(size);
	if ((va = kva_arena_alloc(ka, size)) == 0)
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
		pmap_qenter(va + ptoa(done), pages, (int)k, prot);
	}
	return (va);

fail_pages:
	kmem_unmap_free(va, done);
fail_kva:
	kva_arena_free(ka, va, size);
	return (0);
}

/* A mapped, wired block of 'size' bytes; 0 when memory is short. */
vm_offset_t
kmem_malloc(vm_size_t size, int flags)
{
	return (kmem_arena_malloc(&kva_arena, size, flags, VM_PROT_RW));
}

void
kmem_free(vm_offset_t va, vm_size_t size)
{
	size = round_page(size);
	kmem_unmap_free(va, atop(size));
	kva_free(va, size);
}

/*
 * Memory for a loaded module, in the module arena (the top 2 GiB, where
 * -mcmodel=kernel code can reach the kernel and the kernel it): mapped
 * read, write and execute, for the kernel linker to fill and then protect
 * part by part (pmap_protect only takes rights away).  0 when memory is
 * short, or if the domain builder's mappings reach into the arena.
 */
vm_offset_t
kmem_malloc_kmod(vm_size_t size, int flags)
{
	if (boot_mapped_end > KMOD_MIN)
		return (0);
	return (kmem_arena_malloc(&kmod_arena, size, flags,
	    VM_PROT_RW | VM_PROT_EXECUTE));
}

void
kmem_free_kmod(vm_offset_t va, vm_size_t size)
{
	size = round_page(size);
	kmem_unmap_free(va, atop(size));
	kva_arena_free(&kmod_arena, va, size);
}
