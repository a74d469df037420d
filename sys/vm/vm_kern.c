/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Kernel virtual memory.
 *
 * kva_alloc() hands out page-aligned ranges of the KVA region (see
 * <machine/pmap.h>) from a bitmap, one bit a page, first fit from the
 * start of the region; kva_free() gives them back.  kmem_malloc() backs a
 * range with freshly allocated pages and maps them in one pmap_qenter
 * batch, so a block of n pages costs about n/128 hypercalls; kmem_free()
 * undoes that.  The module arena (KMOD_MIN, in the top 2 GiB) is a second
 * such bitmap, for kmem_malloc_kmod().
 *
 * Why first fit from the start: pmap never frees a page-table page, so
 * every 2 MiB of KVA that has ever held a mapping keeps its table.  First
 * fit keeps the blocks low and puts a block freed and asked for again
 * (a driver loaded and unloaded, a device attached and detached) back at
 * the addresses it had, under the tables it already made: the number of
 * page-table pages follows the most KVA ever in use at once, not the
 * number of allocations.  (Handing out from a hint that moved past each
 * range, as this file once did, walked through the whole region and made
 * a table for every 2 MiB it reached.)  A range may be handed out again
 * as soon as it is freed: kmem_free() and cpu_thread_free() unmap it
 * with pmap_qremove(), which flushes the TLB, before they release it, so
 * no stale translation reaches the next owner.  A use
 * after free of a large block therefore reads the next owner's memory, as
 * it does for the small blocks malloc(9) serves from zones.
 *
 * The search is a descent of a binary tree over the bitmap's words (64
 * pages each): every node sums up the pages under it as the free run at
 * its start, the free run at its end and its longest free run, so the
 * lowest run of n free pages is found in about log2(words) steps however
 * the region is fragmented, and an allocation or a free updates the words
 * it changed and their ancestors.  Words are the leaves, read from the
 * bitmap itself; the nodes above them cost 8 bytes a word (16 KiB for
 * KVA, 8 KiB for the module arena).
 *
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
/* Leaves of each arena's tree: its words, rounded up to a power of 2. */
#define	KVA_LEAVES	2048
#define	KMOD_LEAVES	1024
CTASSERT(KVA_PAGES % BPL == 0 && KMOD_PAGES % BPL == 0);
CTASSERT(KVA_PAGES / BPL <= KVA_LEAVES && KVA_PAGES / BPL > KVA_LEAVES / 2);
CTASSERT(KMOD_PAGES / BPL <= KMOD_LEAVES &&
    KMOD_PAGES / BPL > KMOD_LEAVES / 2);

/*
 * A node's summary of the pages under it, three counts of pages packed
 * in 64 bits: the free run at its start, the free run at its end, the
 * longest free run.
 */
#define	KS_BITS		21
#define	KS_MASK		((1UL << KS_BITS) - 1)
#define	KS_PACK(pre, suf, max)	((uint64_t)(pre) |			\
	    (uint64_t)(suf) << KS_BITS | (uint64_t)(max) << (2 * KS_BITS))
#define	KS_PRE(v)	((u_long)(v) & KS_MASK)
#define	KS_SUF(v)	((u_long)((v) >> KS_BITS) & KS_MASK)
#define	KS_MAX(v)	((u_long)((v) >> (2 * KS_BITS)))
CTASSERT(KVA_LEAVES * BPL <= KS_MASK && KMOD_LEAVES * BPL <= KS_MASK);

/*
 * A range of kernel virtual addresses handed out a page at a time: kmem's
 * KVA, and the module arena in the top 2 GiB.  ka_tree[1] is the root,
 * the children of node i are 2i and 2i + 1, and node ka_nleaves + w, not
 * stored, is word w of the bitmap (words past the end count as in use, so
 * no run reaches past it).  Lock: events masked [e].
 */
struct kva_arena {
	vm_offset_t	 ka_base;	/* [I] */
	u_long		 ka_npages;	/* [I] a multiple of BPL */
	u_long		 ka_nleaves;	/* [I] a power of 2 */
	u_long		*ka_map;	/* [e] one bit a page: in use */
	uint64_t	*ka_tree;	/* [e] ka_nleaves nodes; 0 unused */
	bool		 ka_ready;	/* [e] the tree is built */
	u_long		 ka_inuse;	/* [e] */
};

static u_long kva_map[KVA_PAGES / BPL];
static u_long kmod_map[KMOD_PAGES / BPL];
static uint64_t kva_tree[KVA_LEAVES];
static uint64_t kmod_tree[KMOD_LEAVES];

static struct kva_arena kva_arena = {
	.ka_base = KVA_MIN, .ka_npages = KVA_PAGES, .ka_nleaves = KVA_LEAVES,
	.ka_map = kva_map, .ka_tree = kva_tree
};
static struct kva_arena kmod_arena = {
	.ka_base = KMOD_MIN, .ka_npages = KMOD_PAGES,
	.ka_nleaves = KMOD_LEAVES, .ka_map = kmod_map, .ka_tree = kmod_tree
};

/* A word's summary (a leaf of the tree). */
static uint64_t
kva_leaf(const struct kva_arena *ka, u_long w)
{
	u_long f, run, max;

	if (w >= ka->ka_npages / BPL)
		return (0);
	f = ~ka->ka_map[w];			/* one bit a free page */
	if (f == ~0UL)
		return (KS_PACK(BPL, BPL, BPL));
	if (f == 0)
		return (0);
	max = 0;
	/* Some page is in use: every shift below is less than BPL. */
	while (f != 0) {
		f >>= __builtin_ctzl(f);
		run = (u_long)__builtin_ctzl(~f);
		max = MAX(max, run);
		f >>= run;
	}
	return (KS_PACK(__builtin_ctzl(ka->ka_map[w]),
	    __builtin_clzl(ka->ka_map[w]), max));
}

static uint64_t
kva_node(const struct kva_arena *ka, u_long i)
{
	if (i >= ka->ka_nleaves)
		return (kva_leaf(ka, i - ka->ka_nleaves));
	return (ka->ka_tree[i]);
}

/* The summary of two neighbours of 'len' pages each. */
static uint64_t
kva_join(uint64_t l, uint64_t r, u_long len)
{
	u_long pre, suf, max;

	pre = KS_PRE(l) == len ? len + KS_PRE(r) : KS_PRE(l);
	suf = KS_SUF(r) == len ? len + KS_SUF(l) : KS_SUF(r);
	max = MAX(MAX(KS_MAX(l), KS_MAX(r)), KS_SUF(l) + KS_PRE(r));
	return (KS_PACK(pre, suf, max));
}

/*
 * Words w0 .. w1 changed: sum up their ancestors again, level by level,
 * up to the first level where no summary changed (with 'all', up to the
 * root in any case).
 */
static void
kva_update(struct kva_arena *ka, u_long w0, u_long w1, bool all)
{
	uint64_t v;
	u_long lo, hi, len, i;
	bool changed;

	lo = (ka->ka_nleaves + w0) / 2;
	hi = (ka->ka_nleaves + w1) / 2;
	for (len = BPL; lo >= 1; lo /= 2, hi /= 2, len *= 2) {
		changed = all;
		for (i = lo; i <= hi; i++) {
			v = kva_join(kva_node(ka, 2 * i),
			    kva_node(ka, 2 * i + 1), len);
			if (v != ka->ka_tree[i]) {
				ka->ka_tree[i] = v;
				changed = true;
			}
		}
		if (!changed)
			break;
	}
}

/*
 * The first page of first .. first + n - 1 whose bit is not 'set', or
 * first + n: a word at a time.
 */
static u_long
kva_first_not(const struct kva_arena *ka, u_long first, u_long n, bool set)
{
	u_long i, k, mask, word;

	for (i = first; i < first + n; i += k) {
		k = MIN(BPL - i % BPL, first + n - i);
		mask = (k == BPL ? ~0UL : ((1UL << k) - 1)) << (i % BPL);
		word = set ? ~ka->ka_map[i / BPL] : ka->ka_map[i / BPL];
		if ((word & mask) != 0)
			return (i / BPL * BPL +
			    (u_long)__builtin_ctzl(word & mask));
	}
	return (first + n);
}

/* The bits of pages first .. first + n - 1, word by word: set or clear. */
static void
kva_mark(struct kva_arena *ka, u_long first, u_long n, bool set)
{
	u_long i, k, mask;

	for (i = first; i < first + n; i += k) {
		k = MIN(BPL - i % BPL, first + n - i);
		mask = (k == BPL ? ~0UL : ((1UL << k) - 1)) << (i % BPL);
		if (set)
			ka->ka_map[i / BPL] |= mask;
		else
			ka->ka_map[i / BPL] &= ~mask;
	}
	kva_update(ka, first / BPL, (first + n - 1) / BPL, false);
}

/* The first run of n free pages (n <= BPL) in a word that has one. */
static u_long
kva_word_fit(u_long word, u_long n)
{
	u_long f, pos, run, s;

	f = ~word;
	if (f == ~0UL)
		return (0);
	for (pos = 0;; pos += run, f >>= run) {
		s = (u_long)__builtin_ctzl(f);
		pos += s;
		f >>= s;
		run = (u_long)__builtin_ctzl(~f);
		if (run >= n)
			return (pos);
	}
}

static vm_offset_t
kva_arena_alloc(struct kva_arena *ka, vm_size_t size)
{
	uint64_t l, r;
	u_long n, i, off, len, start;
	register_t s;

	n = atop(round_page(size));
	if (n == 0 || n > ka->ka_npages)
		return (0);
	s = intr_disable();
	if (!ka->ka_ready) {
		kva_update(ka, 0, ka->ka_nleaves - 1, true);
		ka->ka_ready = true;
	}
	if (KS_MAX(ka->ka_tree[1]) < n) {
		intr_restore(s);
		return (0);
	}
	/*
	 * Down from the root, which has a run of n: the left child if it
	 * has one; else a run across the middle if the end of the left and
	 * the start of the right make one; else the right child.
	 */
	i = 1;
	off = 0;
	len = ka->ka_nleaves * BPL / 2;
	for (;;) {
		if (i >= ka->ka_nleaves) {
			start = off + kva_word_fit(ka->ka_map[i -
			    ka->ka_nleaves], n);
			break;
		}
		l = kva_node(ka, 2 * i);
		r = kva_node(ka, 2 * i + 1);
		if (KS_MAX(l) >= n) {
			i = 2 * i;
		} else if (KS_SUF(l) + KS_PRE(r) >= n) {
			start = off + len - KS_SUF(l);
			break;
		} else {
			i = 2 * i + 1;
			off += len;
		}
		len /= 2;
	}
	KASSERT(start + n <= ka->ka_npages &&
	    kva_first_not(ka, start, n, false) == start + n,
	    ("kva_alloc: %lu pages at %lu are not free", n, start));
	kva_mark(ka, start, n, true);
	ka->ka_inuse += n;
	intr_restore(s);
	return (ka->ka_base + ptoa(start));
}

static void
kva_arena_free(struct kva_arena *ka, vm_offset_t va, vm_size_t size)
{
	u_long first, n, hole;
	register_t s;

	first = atop(va - ka->ka_base);
	n = atop(round_page(size));
	KASSERT(va >= ka->ka_base && first + n <= ka->ka_npages &&
	    (va & PAGE_MASK) == 0, ("kva_free: bad range %#lx+%#lx", va,
	    (u_long)size));
	s = intr_disable();
	if ((hole = kva_first_not(ka, first, n, true)) < first + n)
		panic("kva_free: page %#lx of %#lx+%#lx not allocated",
		    ka->ka_base + ptoa(hole), va, (u_long)size);
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
