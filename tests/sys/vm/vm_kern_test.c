/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Kernel virtual memory (sys/vm/vm_kern.c) on the host, over the real
 * page allocator (vm_page.c) and a fake pmap that keeps a page table of
 * its own: a table page per 2 MiB and per 1 GiB of KVA, taken from the
 * page allocator and marked VM_PAGE_PTABLE as the real pmap does, and
 * never freed, as in the kernel.  So vm.stats.ptable means here what it
 * means in the lab.
 *
 * What is checked: ranges come first fit from the start of the region,
 * matching a plain page-by-page first-fit model over thousands of random
 * allocations and frees (the word-at-a-time search included); a freed
 * range is handed out again, and a repeated cycle of allocations and
 * frees -- a driver loaded and unloaded -- lands on the same addresses
 * and takes no page-table page after the first cycle; a reused range was
 * unmapped (and the TLB flushed) before it was handed out again; the
 * limits of the region; kmem_malloc unwinds when pages run out; freeing a
 * range that is not allocated panics.
 */

#include <atf-c.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "vm_host.h"
#include <machine/pmap.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>

/* vm_kern.c's region: KVA less the 8 MiB at its top left to pmap tests. */
#define	REGION_PAGES	((KVA_SIZE - (8UL << 20)) / PAGE_SIZE)
#define	NPAGES		8192		/* 32 MiB of pseudo-physical pages */
#define	MAXTABLES	1024

extern int kh_masked;			/* kernel_host.c: events masked */

struct pmap kernel_pmap_store;
struct pmap_stats pmap_stats;
vm_offset_t boot_mapped_end;

static struct vm_page array[NPAGES];

/* The fake pmap: one entry a page of each arena, pa | 1 when mapped. */
static uint64_t kva_pte[KVA_SIZE / PAGE_SIZE];
static uint64_t kmod_pte[KMOD_SIZE / PAGE_SIZE];
static vm_offset_t tables[MAXTABLES];	/* va >> 21 (L1), >> 30 (L2) */
static int ntables;
static u_long fake_replaced;		/* a mapping entered over another */
static u_long fake_notable;		/* a page entered with no table */
static u_long fake_flushes;		/* pmap_qremove's TLB flushes */

static uint64_t *
fake_pte(vm_offset_t va)
{
	if (va >= KVA_MIN && va < KVA_MAX)
		return (&kva_pte[(va - KVA_MIN) / PAGE_SIZE]);
	if (va >= KMOD_MIN && va < KMOD_MAX)
		return (&kmod_pte[(va - KMOD_MIN) / PAGE_SIZE]);
	return (NULL);
}

static bool
fake_has_table(vm_offset_t key)
{
	int i;

	for (i = 0; i < ntables; i++)
		if (tables[i] == key)
			return (true);
	return (false);
}

int
pmap_growkernel(vm_offset_t va)
{
	vm_offset_t keys[2];
	vm_page_t m;
	int i;

	if (fake_pte(va) == NULL)
		return (EINVAL);
	/* An L2 (1 GiB) and an L1 (2 MiB); keys of both levels differ. */
	keys[0] = (va >> L3_SHIFT) | (1UL << 63);
	keys[1] = va >> L2_SHIFT;
	for (i = 0; i < 2; i++) {
		if (fake_has_table(keys[i]))
			continue;
		ATF_REQUIRE(ntables < MAXTABLES);
		if ((m = vm_page_alloc(VM_ALLOC_ZERO)) == NULL)
			return (ENOMEM);
		vm_page_set_state(m, VM_PAGE_PTABLE);
		pmap_stats.ps_tables++;
		tables[ntables++] = keys[i];
	}
	return (0);
}

void
pmap_qenter(vm_offset_t va, vm_page_t *ma, int count, int prot)
{
	uint64_t *pte;
	int i;

	for (i = 0; i < count; i++, va += PAGE_SIZE) {
		ATF_REQUIRE((pte = fake_pte(va)) != NULL);
		if (!fake_has_table(va >> L2_SHIFT))
			fake_notable++;
		if (*pte != 0)
			fake_replaced++;
		*pte = ma[i]->phys_addr | 1;
	}
}

void
pmap_qremove(vm_offset_t va, int count)
{
	uint64_t *pte;
	int i;

	for (i = 0; i < count; i++, va += PAGE_SIZE) {
		ATF_REQUIRE((pte = fake_pte(va)) != NULL);
		*pte = 0;
	}
	fake_flushes++;
}

vm_paddr_t
pmap_extract(pmap_t pmap, vm_offset_t va)
{
	uint64_t *pte;

	if ((pte = fake_pte(va)) == NULL || *pte == 0)
		return (PMAP_NOPAGE);
	return (*pte & ~1UL);
}

void
pmap_zero_page(vm_page_t m)
{
	(void)m;
}

static void
setup(u_long npages)
{
	vm_page_startup(array, npages);
	vm_page_release_range(0, npages);
}

/* Where each block of a cycle landed. */
#define	NBLOCKS	8
static const u_long cycle_pages[NBLOCKS] = { 1, 3, 16, 64, 200, 2, 1, 33 };
static const int cycle_free_order[NBLOCKS] = { 3, 0, 6, 1, 7, 2, 5, 4 };

/* A driver's life in kmem: its blocks allocated, then freed. */
static void
kmem_cycle(vm_offset_t *va)
{
	int i, j;

	for (i = 0; i < NBLOCKS; i++) {
		va[i] = kmem_malloc(ptoa(cycle_pages[i]), 0);
		ATF_REQUIRE_MSG(va[i] != 0, "kmem_malloc of %lu pages",
		    cycle_pages[i]);
	}
	for (i = 0; i < NBLOCKS; i++) {
		j = cycle_free_order[i];
		kmem_free(va[j], ptoa(cycle_pages[j]));
	}
}

ATF_TC_WITHOUT_HEAD(cycles_reuse_addresses_and_tables);
ATF_TC_BODY(cycles_reuse_addresses_and_tables, tc)
{
	vm_offset_t first[NBLOCKS], va[NBLOCKS], held;
	u_long ptable, freepages, moved;
	int c, i;

	setup(NPAGES);
	/* Something long-lived below, as the kernel has at boot. */
	held = kmem_malloc(ptoa(5), 0);
	ATF_REQUIRE(held == KVA_MIN);
	kmem_cycle(first);		/* the warm-up */
	ptable = vm_page_stats.vs_ptable;
	freepages = vm_page_free_count();
	ATF_CHECK(ptable > 0);
	moved = 0;
	for (c = 0; c < 1000; c++) {
		kmem_cycle(va);
		for (i = 0; i < NBLOCKS; i++)
			if (va[i] != first[i])
				moved++;
	}
	printf("page-table pages: %lu after the warm-up, %lu after 1000 "
	    "cycles; %lu blocks moved\n", ptable, vm_page_stats.vs_ptable,
	    moved);
	ATF_CHECK_EQ_MSG(ptable, vm_page_stats.vs_ptable,
	    "%ld page-table pages added by 1000 cycles",
	    (long)(vm_page_stats.vs_ptable - ptable));
	ATF_CHECK_EQ(freepages, vm_page_free_count());
	ATF_CHECK_EQ_MSG(0, moved, "%lu blocks of 8000 not where the "
	    "warm-up's were", moved);
	ATF_CHECK_EQ(5, kva_pages_inuse());
	ATF_CHECK_EQ(0, fake_replaced);
	ATF_CHECK_EQ(0, fake_notable);
	ATF_CHECK_EQ(0, kh_masked);
	/* Every block is unmapped: only 'held' is left. */
	for (i = 0; i < NBLOCKS; i++)
		ATF_CHECK_EQ(PMAP_NOPAGE, pmap_extract(kernel_pmap, first[i]));
	ATF_CHECK(pmap_extract(kernel_pmap, held) != PMAP_NOPAGE);
}

ATF_TC_WITHOUT_HEAD(first_fit_from_start);
ATF_TC_BODY(first_fit_from_start, tc)
{
	vm_offset_t a, b, c;

	setup(NPAGES);
	a = kva_alloc(PAGE_SIZE);
	b = kva_alloc(PAGE_SIZE);
	ATF_CHECK_EQ(KVA_MIN, a);
	ATF_CHECK_EQ(KVA_MIN + PAGE_SIZE, b);
	kva_free(a, PAGE_SIZE);
	c = kva_alloc(PAGE_SIZE);
	ATF_CHECK_EQ_MSG(KVA_MIN, c,
	    "a freed range is not handed out again first");
	kva_free(c, PAGE_SIZE);
	kva_free(b, PAGE_SIZE);
	ATF_CHECK_EQ(0, kva_pages_inuse());

	/* Holes too small are passed over; smaller requests fill them. */
	a = kva_alloc(ptoa(4));			/* pages 0-3 */
	b = kva_alloc(ptoa(4));			/* 4-7 */
	c = kva_alloc(ptoa(4));			/* 8-11 */
	ATF_CHECK_EQ(KVA_MIN + ptoa(8), c);
	kva_free(b, ptoa(4));			/* a hole at 4-7 */
	ATF_CHECK_EQ(KVA_MIN + ptoa(12), kva_alloc(ptoa(8)));
	ATF_CHECK_EQ(KVA_MIN + ptoa(4), kva_alloc(ptoa(3)));
	ATF_CHECK_EQ(KVA_MIN + ptoa(20), kva_alloc(ptoa(2)));
	ATF_CHECK_EQ(KVA_MIN + ptoa(7), kva_alloc(PAGE_SIZE));
	ATF_CHECK_EQ(KVA_MIN + ptoa(22), kva_alloc(PAGE_SIZE));
	ATF_CHECK_EQ(4 + 3 + 4 + 8 + 2 + 1 + 1, kva_pages_inuse());
	(void)a;
	ATF_CHECK_EQ(0, kh_masked);
}

/* Runs across word boundaries (64 pages a word of the bitmap). */
ATF_TC_WITHOUT_HEAD(word_boundaries);
ATF_TC_BODY(word_boundaries, tc)
{
	vm_offset_t a, b, c;

	setup(NPAGES);
	a = kva_alloc(ptoa(63));		/* 0-62 */
	b = kva_alloc(ptoa(2));			/* 63-64 */
	c = kva_alloc(ptoa(130));		/* 65-194 */
	ATF_CHECK_EQ(KVA_MIN + ptoa(63), b);
	ATF_CHECK_EQ(KVA_MIN + ptoa(65), c);
	kva_free(c, ptoa(130));
	kva_free(a, ptoa(63));
	/* 0-62 free, 63-64 used, 65-... free */
	ATF_CHECK_EQ(KVA_MIN + ptoa(65), kva_alloc(ptoa(64)));	/* 65-128 */
	ATF_CHECK_EQ(KVA_MIN, kva_alloc(ptoa(63)));		/* 0-62 */
	ATF_CHECK_EQ(KVA_MIN + ptoa(129), kva_alloc(ptoa(1)));
	kva_free(b, ptoa(2));
	ATF_CHECK_EQ(KVA_MIN + ptoa(63), kva_alloc(ptoa(1)));
	ATF_CHECK_EQ(KVA_MIN + ptoa(64), kva_alloc(ptoa(1)));
	ATF_CHECK_EQ(130, kva_pages_inuse());
}

/*
 * Thousands of random allocations and frees, each answer the same as a
 * page-by-page first-fit search over a plain array; now and then a
 * request too large for what is free, which must fail.
 */
#define	MODEL_LIVE	400
static bool model[REGION_PAGES];

static u_long
model_alloc(u_long n)
{
	u_long i, run;

	for (i = run = 0; i < REGION_PAGES; i++) {
		run = model[i] ? 0 : run + 1;
		if (run == n) {
			memset(&model[i + 1 - n], true, n);
			return (i + 1 - n);
		}
	}
	return (REGION_PAGES);
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static u_long
rnd(u_long n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng % n);
}

ATF_TC_WITHOUT_HEAD(matches_first_fit_model);
ATF_TC_BODY(matches_first_fit_model, tc)
{
	static struct { u_long first, n; } live[MODEL_LIVE];
	u_long n, want, inuse, fails;
	vm_offset_t va;
	int nlive, op, k;

	setup(NPAGES);
	nlive = 0;
	inuse = fails = 0;
	for (op = 0; op < 20000; op++) {
		if (nlive == MODEL_LIVE || (nlive > 0 && rnd(5) < 2)) {
			k = (int)rnd(nlive);
			kva_free(KVA_MIN + ptoa(live[k].first),
			    ptoa(live[k].n));
			memset(&model[live[k].first], false, live[k].n);
			inuse -= live[k].n;
			live[k] = live[--nlive];
			continue;
		}
		switch (rnd(20)) {
		case 0:
			n = REGION_PAGES - inuse + 1 + rnd(100);
			break;
		case 1:
			n = 200 + rnd(5000);
			break;
		default:
			n = 1 + rnd(140);
			break;
		}
		want = model_alloc(n);
		va = kva_alloc(ptoa(n));
		if (want == REGION_PAGES) {
			ATF_REQUIRE_EQ_MSG(0, va, "op %d: %lu pages at %#lx, "
			    "expected none", op, n, (u_long)va);
			fails++;
			continue;
		}
		ATF_REQUIRE_EQ_MSG(KVA_MIN + ptoa(want), va, "op %d: %lu "
		    "pages at page %ld, first fit is page %lu", op, n,
		    va == 0 ? -1L : (long)((va - KVA_MIN) / PAGE_SIZE), want);
		live[nlive].first = want;
		live[nlive++].n = n;
		inuse += n;
		ATF_REQUIRE_EQ(inuse, kva_pages_inuse());
	}
	printf("%d operations, %lu refused, %d ranges left\n", op, fails,
	    nlive);
	ATF_CHECK(fails > 100);
	ATF_CHECK_EQ(0, kh_masked);
}

ATF_TC_WITHOUT_HEAD(region_limits);
ATF_TC_BODY(region_limits, tc)
{
	setup(NPAGES);
	ATF_CHECK_EQ(0, kva_alloc(0));
	ATF_CHECK_EQ(0, kva_alloc(ptoa(REGION_PAGES + 1)));
	ATF_CHECK_EQ(KVA_MIN, kva_alloc(ptoa(REGION_PAGES)));
	ATF_CHECK_EQ(REGION_PAGES, kva_pages_inuse());
	ATF_CHECK_EQ(0, kva_alloc(1));
	kva_free(KVA_MIN, ptoa(REGION_PAGES));
	ATF_CHECK_EQ(0, kva_pages_inuse());
	/* The last page, and then nothing. */
	ATF_CHECK_EQ(KVA_MIN, kva_alloc(ptoa(REGION_PAGES - 1)));
	ATF_CHECK_EQ(KVA_MIN + ptoa(REGION_PAGES - 1), kva_alloc(1));
	ATF_CHECK_EQ(0, kva_alloc(1));
	/* A byte rounds up to a page. */
	kva_free(KVA_MIN + ptoa(10), ptoa(2));
	ATF_CHECK_EQ(KVA_MIN + ptoa(10), kva_alloc(PAGE_SIZE + 1));
	ATF_CHECK_EQ(0, kh_masked);
}

/* Out of pages in the middle of a block: everything given back. */
ATF_TC_WITHOUT_HEAD(kmem_unwinds_when_pages_run_out);
ATF_TC_BODY(kmem_unwinds_when_pages_run_out, tc)
{
	u_long freepages, ptable;
	vm_offset_t va;

	setup(1024);
	ATF_REQUIRE((va = kmem_malloc(ptoa(8), 0)) == KVA_MIN);
	kmem_free(va, ptoa(8));
	freepages = vm_page_free_count();
	ptable = vm_page_stats.vs_ptable;
	ATF_CHECK_EQ(0, kmem_malloc(ptoa(2000), 0));
	/* The tables made for the block stay, as in the kernel. */
	ATF_CHECK(vm_page_stats.vs_ptable > ptable);
	ATF_CHECK_EQ(freepages + ptable,
	    vm_page_free_count() + vm_page_stats.vs_ptable);
	ATF_CHECK_EQ(0, kva_pages_inuse());
	ATF_CHECK_EQ(PMAP_NOPAGE, pmap_extract(kernel_pmap, KVA_MIN));
	ATF_CHECK_EQ(KVA_MIN, kmem_malloc(ptoa(8), 0));
	ATF_CHECK_EQ(0, kh_masked);
}

/* Module memory: the same first fit, in its own arena. */
ATF_TC_WITHOUT_HEAD(kmod_arena_cycles);
ATF_TC_BODY(kmod_arena_cycles, tc)
{
	vm_offset_t a, b;
	u_long ptable;
	int c;

	setup(NPAGES);
	a = kmem_malloc_kmod(ptoa(3), 0);
	ATF_CHECK_EQ(KMOD_MIN, a);
	ATF_CHECK_EQ(0, kva_pages_inuse());
	ATF_CHECK_EQ(3, kmod_pages_inuse());
	kmem_free_kmod(a, ptoa(3));
	ptable = vm_page_stats.vs_ptable;
	for (c = 0; c < 500; c++) {
		a = kmem_malloc_kmod(ptoa(3), 0);
		b = kmem_malloc_kmod(ptoa(40), 0);
		ATF_REQUIRE_EQ(KMOD_MIN, a);
		ATF_REQUIRE_EQ(KMOD_MIN + ptoa(3), b);
		kmem_free_kmod(a, ptoa(3));
		kmem_free_kmod(b, ptoa(40));
	}
	ATF_CHECK_EQ(ptable, vm_page_stats.vs_ptable);
	ATF_CHECK_EQ(0, kmod_pages_inuse());
	ATF_CHECK_EQ(0, fake_replaced);
}

/* A reused range was unmapped, its TLB flushed, before it was reused. */
ATF_TC_WITHOUT_HEAD(reuse_after_unmap);
ATF_TC_BODY(reuse_after_unmap, tc)
{
	vm_offset_t a;
	u_long flushes;

	setup(NPAGES);
	a = kmem_malloc(ptoa(4), 0);
	ATF_REQUIRE(a != 0);
	flushes = fake_flushes;
	kmem_free(a, ptoa(4));
	ATF_CHECK(fake_flushes > flushes);
	ATF_CHECK_EQ(PMAP_NOPAGE, pmap_extract(kernel_pmap, a + ptoa(3)));
	ATF_CHECK_EQ(a, kmem_malloc(ptoa(4), 0));
	ATF_CHECK_EQ(0, fake_replaced);
}

ATF_TC_WITHOUT_HEAD(free_unallocated_panics);
ATF_TC_BODY(free_unallocated_panics, tc)
{
	vm_offset_t a;

	setup(NPAGES);
	a = kva_alloc(ptoa(2));
	ATF_REQUIRE(a != 0);
	atf_tc_expect_signal(SIGABRT, "kva_free of a page never allocated "
	    "panics");
	kva_free(a, ptoa(3));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, cycles_reuse_addresses_and_tables);
	ATF_TP_ADD_TC(tp, first_fit_from_start);
	ATF_TP_ADD_TC(tp, word_boundaries);
	ATF_TP_ADD_TC(tp, matches_first_fit_model);
	ATF_TP_ADD_TC(tp, region_limits);
	ATF_TP_ADD_TC(tp, kmem_unwinds_when_pages_run_out);
	ATF_TP_ADD_TC(tp, kmod_arena_cycles);
	ATF_TP_ADD_TC(tp, reuse_after_unmap);
	ATF_TP_ADD_TC(tp, free_unallocated_panics);
	return (atf_no_error());
}
