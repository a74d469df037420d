/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * pmap: page tables for a Xen PV guest.
 *
 * The guest sees pseudo-physical frames 0..nr_pages-1; the machine frames
 * behind them are wherever Xen put them.  Page tables must hold machine
 * frames, and Xen validates them: a page-table page may never be mapped
 * writable anywhere, and every change to a table goes through a hypercall
 * (mmu_update for entries, update_va_mapping for one leaf of the current
 * tables, mmuext_op for pins and TLB flushes).  So pmap keeps:
 *
 *   - the p2m, pfn -> mfn: the array Xen built at start_info.mfn_list,
 *     which is the shadow of what our tables point to;
 *   - Xen's m2p, mfn -> pfn, read-only at HYPERVISOR_VIRT_START, to turn an
 *     entry read back from a table into a pseudo-physical page (checked
 *     against the p2m: an m2p entry for a frame that is not ours is
 *     meaningless);
 *   - a direct map (DMAP) of every page, 4 KiB pages only (Xen refuses
 *     PSE), with page-table pages mapped read-only;
 *   - kernel virtual memory (KVA) whose tables grow on demand.
 *
 * Bootstrap.  Xen maps our image and its bootstrap area at KERNBASE with
 * its own tables (pinned L4 at start_info.pt_base); the mapping runs to
 * the next 4 MiB boundary past what the builder placed, so in a 4 MiB
 * domain it covers every page.  pmap_bootstrap() first unmaps the unused
 * tail of that area (from the first free page on): its pages would
 * otherwise keep a writable alias and could never become tables.  It
 * then builds the DMAP tables in pages taken from the top of memory,
 * filling each through a scratch mapping of one page, and links the new
 * L3 into the L4 with one mmu_update: Xen validates the whole new tree
 * there.  Last the page array is carved out for vm_page right after what
 * the builder used, and everything between it and the tables is free.
 *
 * Room to grow.  The builder gives us nr_pages pages, but XENMEM_memory_map
 * may say the domain's pseudo-physical space is larger (xl's maxmem above
 * memory): a balloon driver can populate those pfns later.  When it is,
 * the pfn space (xen_npages) runs to the end of that map, at most
 * PMAP_GROW_MAX times nr_pages and only as far as the extra page array,
 * p2m and direct-map tables fit in boot memory (each extra page costs
 * about 48 bytes).  The p2m then moves from Xen's list into a larger
 * array after the page array (Xen's list stays reserved: its pages keep
 * the builder's writable alias), the pages above nr_pages start unbacked
 * (VM_PAGE_UNBACKED, p2m entry invalid, no direct-map entry), and their
 * direct-map L1 tables exist from boot so populating them needs no
 * table allocation.
 *
 * Batching.  Bulk work (pmap_qenter, pmap_qremove, pmap_protect, table
 * allocation) queues mmu_update and mmuext operations in one struct
 * mmu_batch and flushes once; single mappings use update_va_mapping with a
 * local INVLPG.  Every failure Xen reports is a bug in pmap and panics with
 * the operation that failed.
 *
 * Context: the kernel pmap is changed with events masked (single vCPU).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/hypercall.h>
#include <machine/mmu_batch.h>
#include <machine/pmap.h>
#include <machine/xen.h>
#include <vm/vm_page.h>
#include <xen/memory.h>

struct pmap kernel_pmap_store;
struct pmap_stats pmap_stats;
u_long xen_npages;
u_long xen_boot_npages;
u_long *xen_p2m;

static u_long pmap_p2m_pfn0;	/* the p2m's first pfn (contiguous) */

#define	PMAP_GROW_MAX	8	/* pfn space: at most this times nr_pages */

static bool pmap_dmap_ready;
static u_long pmap_l4_pfn;		/* the L4's pseudo-physical frame */
static struct mmu_batch pmap_batch;
static char pmap_scratch[PAGE_SIZE] __aligned(PAGE_SIZE);

#define	PTE_KERN_RW	(PG_V | PG_RW | PG_A | PG_M | PG_NX)
#define	PTE_TABLE	(PG_V | PG_RW | PG_A | PG_M)	/* upper levels */
#define	PTE_XEN_BITS	(PG_U | PG_G | (1UL << 52))	/* added by Xen */

long
xen_hyp_mmu_update(mmu_update_t *req, u_int count, u_int *done)
{
	return (HYPERVISOR_mmu_update(req, count, done, DOMID_SELF));
}

long
xen_hyp_mmuext_op(struct mmuext_op *op, u_int count, u_int *done)
{
	return (HYPERVISOR_mmuext_op(op, count, done, DOMID_SELF));
}

long
xen_hyp_multicall(multicall_entry_t *mc, u_int count)
{
	return (HYPERVISOR_multicall(mc, count));
}

u_long
pfn_to_mfn(u_long pfn)
{
	KASSERT(pfn < xen_npages, ("pfn_to_mfn: pfn %#lx out of range", pfn));
	return (xen_p2m[pfn]);
}

/* The pfn of one of our machine frames, or ~0 if the frame is not ours. */
u_long
mfn_to_pfn(u_long mfn)
{
	u_long pfn;

	pfn = xen_m2p(mfn);
	if (pfn >= xen_npages || xen_p2m[pfn] != mfn)
		return (~0UL);
	return (pfn);
}

/* A readable view of the table an entry points to. */
static uint64_t *
pmap_table(uint64_t entry)
{
	u_long pfn;

	pfn = mfn_to_pfn((entry & PG_FRAME) >> PAGE_SHIFT);
	if (pfn == ~0UL)
		panic("pmap: table entry %#lx points outside the domain",
		    (u_long)entry);
	return ((uint64_t *)(pmap_dmap_ready ? PHYS_TO_DMAP(ptoa(pfn)) :
	    KERNBASE + ptoa(pfn)));
}

/*
 * Find va's leaf entry: returns its machine address (0 if a table above
 * is missing) and, through *ptep, a read-only pointer to it.
 */
static uint64_t
pmap_pte_ma(pmap_t pmap, vm_offset_t va, uint64_t **ptep)
{
	uint64_t e, *t;

	e = pmap->pm_l4_ma;
	t = pmap_table(e);
	e = t[PT_INDEX(va, L4_SHIFT)];
	if ((e & PG_V) == 0)
		return (0);
	t = pmap_table(e);
	e = t[PT_INDEX(va, L3_SHIFT)];
	if ((e & PG_V) == 0)
		return (0);
	t = pmap_table(e);
	e = t[PT_INDEX(va, L2_SHIFT)];
	if ((e & PG_V) == 0)
		return (0);
	if (ptep != NULL)
		*ptep = pmap_table(e) + PT_INDEX(va, L1_SHIFT);
	return ((e & PG_FRAME) + PT_INDEX(va, L1_SHIFT) * 8);
}

/* The machine address of a table we see through the direct map. */
static uint64_t
pmap_table_ma(const uint64_t *t)
{
	return ((uint64_t)pfn_to_mfn(atop(DMAP_TO_PHYS((vm_offset_t)t))) <<
	    PAGE_SHIFT);
}

static uint64_t
pmap_pte_val(vm_paddr_t pa, int prot)
{
	uint64_t v;

	v = ((uint64_t)pfn_to_mfn(atop(pa)) << PAGE_SHIFT) | PG_V | PG_A;
	if ((prot & VM_PROT_WRITE) != 0)
		v |= PG_RW | PG_M;
	if ((prot & VM_PROT_EXECUTE) == 0)
		v |= PG_NX;
	return (v);
}

static void
pmap_flush(const char *what)
{
	int error;

	error = mmu_batch_flush(&pmap_batch);
	if (error != 0)
		panic("pmap: %s: Xen refused a page-table update: %d", what,
		    error);
}

/* Map the scratch page onto frame 'pfn' (bootstrap only). */
static uint64_t *
pmap_scratch_map(u_long pfn)
{
	long rv;

	rv = HYPERVISOR_update_va_mapping((u_long)pmap_scratch,
	    ((uint64_t)pfn_to_mfn(pfn) << PAGE_SHIFT) | PTE_KERN_RW,
	    UVMF_INVLPG | UVMF_LOCAL);
	if (rv != 0)
		panic("pmap: cannot map pfn %#lx for bootstrap: %d", pfn,
		    xen_errno(rv));
	return ((uint64_t *)pmap_scratch);
}

/* The end (pfn) of the bootstrap area Xen mapped at KERNBASE. */
static u_long
pmap_boot_end(void)
{
	uint64_t *pte;
	u_long pfn;

	for (pfn = 0; pfn < xen_npages; pfn++) {
		if (pmap_pte_ma(kernel_pmap, KERNBASE + ptoa(pfn), &pte) == 0 ||
		    (*pte & PG_V) == 0)
			break;
	}
	return (pfn);
}

void
pmap_zero_page(vm_page_t m)
{
	KASSERT(m->state != VM_PAGE_PTABLE,
	    ("pmap_zero_page: page-table page %#lx", (u_long)m->phys_addr));
	memset((void *)PHYS_TO_DMAP(m->phys_addr), 0, PAGE_SIZE);
}

/*
 * The end (pfn) of RAM in the domain's pseudo-physical memory map
 * (XENMEM_memory_map: xl gives a PV domain one RAM entry up to maxmem),
 * or nboot if there is no map or it says less.
 */
static u_long
pmap_memmap_end(u_long nboot)
{
	struct __packed {
		uint64_t addr;
		uint64_t size;
		uint32_t type;
	} map[8];
	struct xen_memory_map mm;
	u_long end, i;
	long rv;

	mm.nr_entries = nitems(map);
	set_xen_guest_handle(mm.buffer, (void *)map);
	rv = HYPERVISOR_memory_op(XENMEM_memory_map, &mm);
	if (rv != 0 || mm.nr_entries > nitems(map))
		return (nboot);
	end = nboot;
	for (i = 0; i < mm.nr_entries; i++) {
		if (map[i].type != 1 || map[i].size > (1UL << 52) ||
		    map[i].addr > (1UL << 52))	/* E820_RAM, sane */
			continue;
		end = MAX(end, atop(map[i].addr + map[i].size));
	}
	return (end);
}

/* Pages of page array, p2m and direct-map tables for a pfn space. */
static u_long
pmap_boot_cost(u_long npfn, u_long nboot, u_long *ntabp, u_long *arrayp,
    u_long *p2mp)
{
	u_long nl1, nl2;

	nl1 = howmany(npfn, NPTEPG);
	nl2 = howmany(nl1, NPTEPG);
	*ntabp = 1 + nl2 + nl1;
	*arrayp = howmany(npfn * sizeof(struct vm_page), PAGE_SIZE);
	*p2mp = npfn > nboot ? howmany(npfn * sizeof(u_long), PAGE_SIZE) : 0;
	return (*ntabp + *arrayp + *p2mp);
}

void
pmap_bootstrap(u_long first_free)
{
	const start_info_t *si = &xen_start_info;
	u_long boot_end, nl1, nl2, ntab, tab0, pt0, npt, pfn, i, j, k;
	u_long array_pages, p2m_pages, p2m0, nboot, npfn, want;
	uint64_t *p, v;
	u_long *p2m;
	vm_page_t array;

	nboot = xen_boot_npages = xen_npages = si->nr_pages;
	xen_p2m = (u_long *)si->mfn_list;
	pmap_p2m_pfn0 = (si->mfn_list - KERNBASE) >> PAGE_SHIFT;
	pt0 = (si->pt_base - KERNBASE) >> PAGE_SHIFT;
	npt = si->nr_pt_frames;
	pmap_l4_pfn = pt0;
	kernel_pmap->pm_l4_ma = (uint64_t)pfn_to_mfn(pt0) << PAGE_SHIFT;
	mmu_batch_init(&pmap_batch);
	boot_end = pmap_boot_end();

	/*
	 * Drop the writable alias of the unused bootstrap tail first: the
	 * direct-map tables may come from it (in a small domain the area
	 * is all of memory), and the scratch page, the p2m and Xen's
	 * tables, which the steps below still use, lie below first_free.
	 */
	for (pfn = first_free; pfn < boot_end; pfn++)
		mmu_batch_update(&pmap_batch, pmap_pte_ma(kernel_pmap,
		    KERNBASE + ptoa(pfn), NULL), 0);
	mmu_batch_ext(&pmap_batch, MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	pmap_flush("unmapping the bootstrap tail");

	/*
	 * The pfn space: boot memory, or up to the end of the memory map
	 * if that is larger and what it costs fits, halving the growth
	 * until it does.
	 */
	want = npfn = MIN(pmap_memmap_end(nboot), nboot * PMAP_GROW_MAX);
	while (npfn > nboot && first_free + pmap_boot_cost(npfn, nboot,
	    &ntab, &array_pages, &p2m_pages) + nboot / 8 > nboot)
		npfn = nboot + (npfn - nboot) / 2;
	if (want > nboot)
		printf("pmap: pfn space %lu pages (memory map %lu, boot %lu)\n",
		    npfn, pmap_memmap_end(nboot), nboot);

	/*
	 * DMAP tables: one L3, its L2s, their L1s, from the top of boot
	 * memory, above the page array (and the new p2m) that follow what
	 * the builder used.
	 */
	(void)pmap_boot_cost(npfn, nboot, &ntab, &array_pages, &p2m_pages);
	nl1 = howmany(npfn, NPTEPG);
	nl2 = howmany(nl1, NPTEPG);
	if (nl2 > NPTEPG || nboot < ntab ||
	    nboot - ntab < first_free + array_pages + p2m_pages)
		panic("pmap: %lu pages do not hold the page array (%lu pages) "
		    "and %lu direct-map tables above the %lu the builder used",
		    nboot, array_pages, ntab, first_free);
	tab0 = nboot - ntab;
	p2m0 = first_free + array_pages;

	for (i = 0; i < nl1; i++) {
		p = pmap_scratch_map(tab0 + 1 + nl2 + i);
		for (j = 0; j < NPTEPG; j++) {
			pfn = i * NPTEPG + j;
			if (pfn >= nboot || xen_p2m[pfn] == PMAP_P2M_INVALID) {
				p[j] = 0;
				continue;
			}
			v = ((uint64_t)xen_p2m[pfn] << PAGE_SHIFT) | PG_V |
			    PG_A | PG_NX;
			/* Tables, Xen's and ours, stay read-only. */
			if (!(pfn >= pt0 && pfn < pt0 + npt) && pfn < tab0)
				v |= PG_RW | PG_M;
			p[j] = v;
		}
	}
	for (i = 0; i < nl2; i++) {
		p = pmap_scratch_map(tab0 + 1 + i);
		for (j = 0; j < NPTEPG; j++) {
			k = i * NPTEPG + j;
			p[j] = k < nl1 ? ((uint64_t)pfn_to_mfn(tab0 + 1 + nl2 +
			    k) << PAGE_SHIFT) | PTE_TABLE : 0;
		}
	}
	p = pmap_scratch_map(tab0);
	for (j = 0; j < NPTEPG; j++)
		p[j] = j < nl2 ? ((uint64_t)pfn_to_mfn(tab0 + 1 + j) <<
		    PAGE_SHIFT) | PTE_TABLE : 0;
	/* Give the scratch page its own frame back before Xen validates. */
	(void)pmap_scratch_map(((u_long)pmap_scratch - KERNBASE) >> PAGE_SHIFT);

	/*
	 * Pin the new tables bottom-up -- Xen validates each (every frame
	 * it maps must be ours, no table writable anywhere) and keeps its
	 * type for as long as it is pinned -- then link the L3 into our L4.
	 */
	for (i = 0; i < nl1; i++)
		mmu_batch_ext(&pmap_batch, MMUEXT_PIN_L1_TABLE,
		    pfn_to_mfn(tab0 + 1 + nl2 + i), 0);
	for (i = 0; i < nl2; i++)
		mmu_batch_ext(&pmap_batch, MMUEXT_PIN_L2_TABLE,
		    pfn_to_mfn(tab0 + 1 + i), 0);
	mmu_batch_ext(&pmap_batch, MMUEXT_PIN_L3_TABLE, pfn_to_mfn(tab0), 0);
	mmu_batch_update(&pmap_batch, kernel_pmap->pm_l4_ma + DMAP_SLOT * 8,
	    ((uint64_t)pfn_to_mfn(tab0) << PAGE_SHIFT) | PTE_TABLE);
	pmap_flush("pinning and linking the direct map");
	pmap_dmap_ready = true;

	/*
	 * A larger pfn space gets its own p2m after the page array: Xen's
	 * entries, then invalid ones for the pages not populated yet.
	 */
	if (npfn > nboot) {
		p2m = (u_long *)PHYS_TO_DMAP(ptoa(p2m0));
		memcpy(p2m, xen_p2m, nboot * sizeof(u_long));
		for (pfn = nboot; pfn < npfn; pfn++)
			p2m[pfn] = PMAP_P2M_INVALID;
		xen_p2m = p2m;
		pmap_p2m_pfn0 = p2m0;
		xen_npages = npfn;
	}

	/* The page array, right after what the builder used. */
	array = (vm_page_t)PHYS_TO_DMAP(ptoa(first_free));
	vm_page_startup(array, npfn);
	vm_page_release_range(first_free + array_pages + p2m_pages, tab0);
	for (pfn = pt0; pfn < pt0 + npt; pfn++)
		vm_page_set_state(PHYS_TO_VM_PAGE(ptoa(pfn)), VM_PAGE_PTABLE);
	for (pfn = tab0; pfn < nboot; pfn++)
		vm_page_set_state(PHYS_TO_VM_PAGE(ptoa(pfn)), VM_PAGE_PTABLE);
	for (pfn = nboot; pfn < npfn; pfn++)
		vm_page_set_state(PHYS_TO_VM_PAGE(ptoa(pfn)),
		    VM_PAGE_UNBACKED);
	pmap_stats.ps_tables = ntab;

	printf("pmap: direct map of %lu pages at %#lx, %lu table pages; "
	    "bootstrap area %lu pages, %lu unmapped\n", npfn, DMAP_MIN,
	    ntab, boot_end, boot_end - first_free);
	if (npfn > nboot)
		printf("pmap: %lu pages above the boot memory start unbacked "
		    "(p2m moved to pfn %#lx, %lu pages)\n", npfn - nboot, p2m0,
		    p2m_pages);
	printf("pmap: %lu pages reserved, %lu free (%lu KiB)\n",
	    vm_page_stats.vs_reserved, vm_page_stats.vs_free,
	    vm_page_stats.vs_free * (PAGE_SIZE / 1024));
}

/*
 * A new, zeroed page-table page of the given level (1 for an L1): queued
 * to become read-only in the direct map (and its stale writable TLB entry
 * flushed), then pinned, before the caller queues the entry that links it.
 * NULL when memory is exhausted.
 */
static vm_page_t
pmap_alloc_table(int level)
{
	vm_offset_t dva;
	vm_page_t m;
	uint64_t ma;

	if ((m = vm_page_alloc(VM_ALLOC_ZERO)) == NULL)
		return (NULL);
	dva = PHYS_TO_DMAP(m->phys_addr);
	ma = pmap_pte_ma(kernel_pmap, dva, NULL);
	mmu_batch_update(&pmap_batch, ma,
	    ((uint64_t)pfn_to_mfn(atop(m->phys_addr)) << PAGE_SHIFT) | PG_V |
	    PG_A | PG_NX);
	mmu_batch_ext(&pmap_batch, MMUEXT_INVLPG_LOCAL, dva, 0);
	mmu_batch_ext(&pmap_batch, MMUEXT_PIN_L1_TABLE + level - 1,
	    pfn_to_mfn(atop(m->phys_addr)), 0);
	vm_page_set_state(m, VM_PAGE_PTABLE);
	pmap_stats.ps_tables++;
	return (m);
}

/*
 * Make sure the tables that map kernel va exist: va in KVA or in the
 * module arena.  Both lie in L4 slot 511, whose L3 Xen built with the
 * bootstrap tables; the module arena's L3 entry (index 511) is free as
 * long as the bootstrap area ends below KMOD_MIN (xen_boot_end is
 * checked when the arena is first used).  0, EINVAL or ENOMEM.
 */
int
pmap_growkernel(vm_offset_t va)
{
	uint64_t *t, e;
	vm_page_t m;
	int shift;
	register_t s;

	if (!(va >= KVA_MIN && va < KVA_MAX) &&
	    !(va >= KMOD_MIN && va < KMOD_MAX))
		return (EINVAL);
	s = intr_disable();
	t = pmap_table(kernel_pmap->pm_l4_ma);
	e = t[PT_INDEX(va, L4_SHIFT)];
	KASSERT((e & PG_V) != 0, ("pmap_growkernel: no L3 for %#lx", va));
	for (shift = L3_SHIFT; shift > L1_SHIFT; shift -= 9) {
		t = pmap_table(e);
		e = t[PT_INDEX(va, shift)];
		if ((e & PG_V) != 0)
			continue;
		/* An entry in a table at 'shift' links a lower level. */
		if ((m = pmap_alloc_table(shift == L3_SHIFT ? 2 : 1)) == NULL) {
			(void)mmu_batch_flush(&pmap_batch);
			intr_restore(s);
			return (ENOMEM);
		}
		e = ((uint64_t)pfn_to_mfn(atop(m->phys_addr)) << PAGE_SHIFT) |
		    PTE_TABLE;
		mmu_batch_update(&pmap_batch,
		    pmap_table_ma(t) + PT_INDEX(va, shift) * 8, e);
		pmap_flush("growing the kernel map");
	}
	intr_restore(s);
	return (0);
}

/* Map one page at kernel va (tables must exist: pmap_growkernel). */
void
pmap_kenter(vm_offset_t va, vm_paddr_t pa, int prot)
{
	long rv;

	rv = HYPERVISOR_update_va_mapping(va, pmap_pte_val(pa, prot),
	    UVMF_INVLPG | UVMF_LOCAL);
	if (rv != 0)
		panic("pmap_kenter: va %#lx -> pa %#lx: %d", va, (u_long)pa,
		    xen_errno(rv));
	pmap_stats.ps_kenter++;
}

/*
 * Map a machine frame that is not one of our pseudo-physical pages (a
 * grant-table frame Xen owns, say) at kernel va.
 */
void
pmap_kenter_ma(vm_offset_t va, u_long mfn, int prot)
{
	uint64_t v;
	long rv;

	v = ((uint64_t)mfn << PAGE_SHIFT) | PG_V | PG_A;
	if ((prot & VM_PROT_WRITE) != 0)
		v |= PG_RW | PG_M;
	if ((prot & VM_PROT_EXECUTE) == 0)
		v |= PG_NX;
	rv = HYPERVISOR_update_va_mapping(va, v, UVMF_INVLPG | UVMF_LOCAL);
	if (rv != 0)
		panic("pmap_kenter_ma: va %#lx -> mfn %#lx: %d", va, mfn,
		    xen_errno(rv));
	pmap_stats.ps_kenter++;
}

void
pmap_kremove(vm_offset_t va)
{
	long rv;

	rv = HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG | UVMF_LOCAL);
	if (rv != 0)
		panic("pmap_kremove: va %#lx: %d", va, xen_errno(rv));
}

/*
 * Map 'count' pages at va in one batch: one mmu_update call for up to
 * MMU_BATCH_NREQ pages, plus a TLB flush only if something was replaced.
 */
void
pmap_qenter(vm_offset_t va, vm_page_t *ma, int count, int prot)
{
	uint64_t *pte, ptema;
	bool replaced;
	register_t s;
	int i;

	replaced = false;
	s = intr_disable();
	for (i = 0; i < count; i++, va += PAGE_SIZE) {
		ptema = pmap_pte_ma(kernel_pmap, va, &pte);
		if (ptema == 0)
			panic("pmap_qenter: no page table for va %#lx", va);
		if ((*pte & PG_V) != 0)
			replaced = true;
		mmu_batch_update(&pmap_batch, ptema,
		    pmap_pte_val(ma[i]->phys_addr, prot));
	}
	if (replaced)
		mmu_batch_ext(&pmap_batch, MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	pmap_flush("pmap_qenter");
	pmap_stats.ps_qenter += count;
	intr_restore(s);
}

void
pmap_qremove(vm_offset_t va, int count)
{
	uint64_t ptema;
	register_t s;
	int i;

	s = intr_disable();
	for (i = 0; i < count; i++, va += PAGE_SIZE) {
		ptema = pmap_pte_ma(kernel_pmap, va, NULL);
		if (ptema != 0)
			mmu_batch_update(&pmap_batch, ptema, 0);
	}
	mmu_batch_ext(&pmap_batch, MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	pmap_flush("pmap_qremove");
	intr_restore(s);
}

/*
 * Enter a mapping in a pmap.  Only the kernel pmap exists until there are
 * processes; its va must be kernel virtual memory.  0, EINVAL or ENOMEM.
 */
int
pmap_enter(pmap_t pmap, vm_offset_t va, vm_paddr_t pa, int prot)
{
	uint64_t *pte;
	int error;

	if (pmap != kernel_pmap || va < KVA_MIN || va >= KVA_MAX ||
	    (va & PAGE_MASK) != 0 || atop(pa) >= xen_npages)
		return (EINVAL);
	if ((error = pmap_growkernel(va)) != 0)
		return (error);
	(void)pmap_pte_ma(pmap, va, &pte);
	if ((*pte & PG_V) == 0)
		pmap->pm_count++;
	pmap_kenter(va, pa, prot);
	return (0);
}

void
pmap_remove(pmap_t pmap, vm_offset_t sva, vm_offset_t eva)
{
	uint64_t *pte, ptema;
	vm_offset_t va;
	register_t s;
	u_long n;

	s = intr_disable();
	n = 0;
	for (va = sva; va < eva; va += PAGE_SIZE) {
		ptema = pmap_pte_ma(pmap, va, &pte);
		if (ptema == 0 || (*pte & PG_V) == 0)
			continue;
		mmu_batch_update(&pmap_batch, ptema, 0);
		if (n++ < 16)
			mmu_batch_ext(&pmap_batch, MMUEXT_INVLPG_LOCAL, va, 0);
		pmap->pm_count--;
	}
	if (n >= 16)
		mmu_batch_ext(&pmap_batch, MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	pmap_flush("pmap_remove");
	intr_restore(s);
}

/* Lower the protection of [sva, eva); VM_PROT_NONE removes. */
void
pmap_protect(pmap_t pmap, vm_offset_t sva, vm_offset_t eva, int prot)
{
	uint64_t *pte, ptema, v;
	vm_offset_t va;
	register_t s;

	if ((prot & VM_PROT_READ) == 0) {
		pmap_remove(pmap, sva, eva);
		return;
	}
	s = intr_disable();
	for (va = sva; va < eva; va += PAGE_SIZE) {
		ptema = pmap_pte_ma(pmap, va, &pte);
		if (ptema == 0 || (*pte & PG_V) == 0)
			continue;
		v = *pte & ~PTE_XEN_BITS;
		if ((prot & VM_PROT_WRITE) == 0)
			v &= ~(PG_RW | PG_M);
		if ((prot & VM_PROT_EXECUTE) == 0)
			v |= PG_NX;
		mmu_batch_update(&pmap_batch, ptema | MMU_PT_UPDATE_PRESERVE_AD,
		    v);
		mmu_batch_ext(&pmap_batch, MMUEXT_INVLPG_LOCAL, va, 0);
	}
	pmap_flush("pmap_protect");
	intr_restore(s);
}

/* The pseudo-physical address va maps to, or PMAP_NOPAGE. */
vm_paddr_t
pmap_extract(pmap_t pmap, vm_offset_t va)
{
	uint64_t *pte;
	u_long pfn;

	if (va >= DMAP_MIN && va < DMAP_MIN + ptoa(xen_npages))
		return (DMAP_TO_PHYS(va));
	if (pmap_pte_ma(pmap, va, &pte) == 0 || (*pte & PG_V) == 0)
		return (PMAP_NOPAGE);
	pfn = mfn_to_pfn((*pte & PG_FRAME) >> PAGE_SHIFT);
	if (pfn == ~0UL)
		return (PMAP_NOPAGE);
	return (ptoa(pfn) | (va & PAGE_MASK));
}

/*
 * Balloon support (xen_mem.c).  Before the frames behind 'pages' go back
 * to Xen: store each page's frame in mfns[], unmap the page from the
 * direct map (one batch, one TLB flush) and mark its p2m entry invalid,
 * which is also what the toolstack reads through the published frame
 * lists.  The pages must be allocated, mapped nowhere else, and not be
 * page tables.
 */
void
pmap_p2m_unback(vm_page_t *pages, u_int n, u_long *mfns)
{
	vm_offset_t dva;
	register_t s;
	u_long pfn;
	u_int i;

	s = intr_disable();
	for (i = 0; i < n; i++) {
		KASSERT(pages[i]->state == VM_PAGE_ALLOCATED,
		    ("pmap_p2m_unback: page %#lx in state %d",
		    (u_long)pages[i]->phys_addr, pages[i]->state));
		pfn = atop(pages[i]->phys_addr);
		mfns[i] = pfn_to_mfn(pfn);
		dva = PHYS_TO_DMAP(pages[i]->phys_addr);
		mmu_batch_update(&pmap_batch, pmap_pte_ma(kernel_pmap, dva,
		    NULL), 0);
	}
	mmu_batch_ext(&pmap_batch, MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
	pmap_flush("unmapping pages for Xen");
	for (i = 0; i < n; i++)
		xen_p2m[atop(pages[i]->phys_addr)] = PMAP_P2M_INVALID;
	intr_restore(s);
}

/*
 * The reverse, with frames Xen has just given us (or the old ones, when
 * Xen refused to take them): p2m entry, m2p entry (MMU_MACHPHYS_UPDATE)
 * and a writable direct-map entry for each page, in one batch.
 */
void
pmap_p2m_back(vm_page_t *pages, u_int n, const u_long *mfns)
{
	vm_offset_t dva;
	register_t s;
	u_long pfn;
	u_int i;

	s = intr_disable();
	for (i = 0; i < n; i++) {
		pfn = atop(pages[i]->phys_addr);
		KASSERT(xen_p2m[pfn] == PMAP_P2M_INVALID,
		    ("pmap_p2m_back: pfn %#lx has frame %#lx", pfn,
		    xen_p2m[pfn]));
		xen_p2m[pfn] = mfns[i];
		mmu_batch_update(&pmap_batch,
		    ((uint64_t)mfns[i] << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
		    pfn);
		dva = PHYS_TO_DMAP(pages[i]->phys_addr);
		mmu_batch_update(&pmap_batch, pmap_pte_ma(kernel_pmap, dva,
		    NULL), ((uint64_t)mfns[i] << PAGE_SHIFT) | PTE_KERN_RW);
	}
	pmap_flush("mapping pages from Xen");
	intr_restore(s);
}

/*
 * Entries of the p2m that Xen's m2p does not map back (frames we gave
 * back to Xen, marked invalid, are skipped).
 */
u_long
pmap_p2m_mismatches(const u_long *p2m, u_long npages)
{
	u_long pfn, bad;

	bad = 0;
	for (pfn = 0; pfn < npages; pfn++)
		if (p2m[pfn] != PMAP_P2M_INVALID && xen_m2p(p2m[pfn]) != pfn)
			bad++;
	return (bad);
}

/*
 * Tell the toolstack where our p2m is (for save/restore and dump-core): a
 * three-level tree of frame lists, 512 MFNs per page at each level, rooted
 * in shared_info.arch.pfn_to_mfn_frame_list_list.  The list pages are
 * allocated once; pmap_p2m_fill() writes the MFNs into them, at boot and
 * again after every resume in a new domain, where every MFN (the lists'
 * own included) has changed and the restore cleared the root.
 */
static u_long *pmap_p2m_fll;			/* the top page */
static u_long *pmap_p2m_fl[NPTEPG];		/* the middle pages */
static u_long pmap_p2m_nframes;

static void
pmap_p2m_fill(void)
{
	u_long i, p2m_pfn0;

	p2m_pfn0 = pmap_p2m_pfn0;
	for (i = 0; i < pmap_p2m_nframes; i++) {
		if (i % NPTEPG == 0)
			pmap_p2m_fll[i / NPTEPG] = pfn_to_mfn(atop(DMAP_TO_PHYS(
			    (vm_offset_t)pmap_p2m_fl[i / NPTEPG])));
		pmap_p2m_fl[i / NPTEPG][i % NPTEPG] = pfn_to_mfn(p2m_pfn0 + i);
	}
	HYPERVISOR_shared_info->arch.max_pfn = xen_npages;
	wmb();
	HYPERVISOR_shared_info->arch.pfn_to_mfn_frame_list_list =
	    pfn_to_mfn(atop(DMAP_TO_PHYS((vm_offset_t)pmap_p2m_fll)));
}

void
pmap_publish_p2m(void)
{
	u_long np2m, nfl, i;
	vm_page_t m;

	np2m = howmany(xen_npages * sizeof(u_long), PAGE_SIZE);
	nfl = howmany(np2m, NPTEPG);
	if (nfl > NPTEPG) {
		printf("pmap: p2m too large to publish\n");
		return;
	}
	for (i = 0; i <= nfl; i++) {
		if ((m = vm_page_alloc(VM_ALLOC_ZERO)) == NULL) {
			printf("pmap: no memory to publish the p2m\n");
			return;
		}
		if (i == 0)
			pmap_p2m_fll = (u_long *)PHYS_TO_DMAP(m->phys_addr);
		else
			pmap_p2m_fl[i - 1] = (u_long *)PHYS_TO_DMAP(
			    m->phys_addr);
	}
	pmap_p2m_nframes = np2m;
	pmap_p2m_fill();
	printf("pmap: p2m published for the toolstack (%lu frames, %lu "
	    "lists)\n", np2m, nfl);
}

/*
 * After a resume in a new domain (xen_suspend(9)): Xen's restore gave
 * every page a new machine frame, rewrote our page tables and the p2m
 * (in place) to match, and left the m2p right.  What pmap itself keeps
 * in machine terms is the L4's machine address and the published frame
 * lists; both are computed again from the p2m.
 */
void
pmap_resume(void)
{
	kernel_pmap->pm_l4_ma = (uint64_t)pfn_to_mfn(pmap_l4_pfn) <<
	    PAGE_SHIFT;
	if (pmap_p2m_fll != NULL)
		pmap_p2m_fill();
}

#include <sys/sysctl.h>

/* sysctl: vm.pmap. */
SYSCTL_NODE(_vm, pmap, "the PV pmap");
SYSCTL_ULONG(_vm_pmap, tables, &pmap_stats.ps_tables,
    "page-table pages allocated");
SYSCTL_ULONG(_vm_pmap, kenter, &pmap_stats.ps_kenter,
    "single kernel mappings");
SYSCTL_ULONG(_vm_pmap, qenter, &pmap_stats.ps_qenter,
    "pages mapped in bulk");

/* sysctl: vm.mmu, the batches' counters (mmu_batch.c). */
SYSCTL_NODE(_vm, mmu, "page-table updates sent to Xen");
SYSCTL_ULONG(_vm_mmu, updates, &mmu_stats.ms_updates,
    "mmu_update requests");
SYSCTL_ULONG(_vm_mmu, extops, &mmu_stats.ms_extops, "mmuext operations");
SYSCTL_ULONG(_vm_mmu, hypercalls, &mmu_stats.ms_hypercalls,
    "mmu_update, mmuext_op and multicall hypercalls");
SYSCTL_ULONG(_vm_mmu, multicalls, &mmu_stats.ms_multicalls,
    "multicalls");
SYSCTL_ULONG(_vm_mmu, errors, &mmu_stats.ms_errors, "requests refused");
