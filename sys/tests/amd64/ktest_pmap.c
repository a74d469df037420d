/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel tests of the page allocator and pmap, run in the lab under real
 * Xen (ktest=all): Xen validates every page-table write these make.  Built
 * as the test module ktest_pmap.ko (sys/modules/ktest_pmap, ktest(9)).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/ktest.h>
#include <sys/module.h>
#include <sys/proc.h>
#include <machine/md_var.h>
#include <machine/mmu_batch.h>
#include <machine/pmap.h>
#include <machine/xen_mem.h>
#include <vm/vm_page.h>

MODULE_VERSION(ktest_pmap, 1);

/* Test mappings live at the top of KVA, away from kmem's allocations. */
#define	PMAP_TEST_VA	(KVA_MAX - (8UL << 20))

/*
 * Take every free page, chaining them through their own memory (so each
 * one is also written through the direct map), give them all back, twice.
 */
KTEST(vm_page_all_twice, "allocate and free every free page, twice", 0)
{
	vm_page_t m, head, next;
	u_long before, n[2], fails;
	int round, error;

	/* No other thread may allocate meanwhile: the counts are exact. */
	critical_enter();
	error = 0;
	before = vm_page_free_count();
	for (round = 0; round < 2; round++) {
		fails = vm_page_stats.vs_failures;
		head = NULL;
		n[round] = 0;
		while ((m = vm_page_alloc(0)) != NULL) {
			*(vm_page_t *)PHYS_TO_DMAP(m->phys_addr) = head;
			head = m;
			n[round]++;
		}
		if (vm_page_free_count() != 0 ||
		    vm_page_stats.vs_failures != fails + 1) {
			ktest_fail("exhaustion not reported: %lu free left",
			    vm_page_free_count());
			error = EINVAL;
		}
		for (m = head; m != NULL; m = next) {
			next = *(vm_page_t *)PHYS_TO_DMAP(m->phys_addr);
			vm_page_free(m);
		}
		if (error == 0 && (n[round] != before ||
		    vm_page_free_count() != before)) {
			ktest_fail("round %d: %lu allocated, %lu free, expected "
			    "%lu", round, n[round], vm_page_free_count(),
			    before);
			error = EINVAL;
		}
	}
	critical_exit();
	if (error == 0)
		printf("ktest: vm_page_all_twice: %lu pages allocated and "
		    "freed twice\n", before);
	return (error);
}

KTEST(pmap_protect_fault, "map, write, write-protect: a write faults", 0)
{
	volatile u_long *p;
	vm_offset_t va = PMAP_TEST_VA;
	u_long v, faults;
	vm_page_t m;
	int error;

	if ((m = vm_page_alloc(VM_ALLOC_ZERO)) == NULL) {
		ktest_fail("no page");
		return (ENOMEM);
	}
	if ((error = pmap_enter(kernel_pmap, va, m->phys_addr,
	    VM_PROT_RW)) != 0) {
		ktest_fail("pmap_enter: %d", error);
		goto out;
	}
	p = (volatile u_long *)va;
	*p = 0x5eed5eed;
	error = EINVAL;
	if (*(u_long *)PHYS_TO_DMAP(m->phys_addr) != 0x5eed5eed) {
		ktest_fail("write through %#lx not seen in the direct map", va);
		goto unmap;
	}
	if (pmap_extract(kernel_pmap, va + 8) != m->phys_addr + 8) {
		ktest_fail("pmap_extract: %#lx", (u_long)pmap_extract(
		    kernel_pmap, va + 8));
		goto unmap;
	}
	pmap_protect(kernel_pmap, va, va + PAGE_SIZE, VM_PROT_READ);
	faults = trap_onfault_count;
	if (probe_write_long(p, 1) != EFAULT ||
	    trap_onfault_count != faults + 1) {
		ktest_fail("write to a read-only page did not fault");
		goto unmap;
	}
	if (probe_read_long(p, &v) != 0 || v != 0x5eed5eed) {
		ktest_fail("read-only page not readable (%#lx)", v);
		goto unmap;
	}
	pmap_remove(kernel_pmap, va, va + PAGE_SIZE);
	if (pmap_extract(kernel_pmap, va) != PMAP_NOPAGE ||
	    probe_read_long(p, &v) != EFAULT) {
		ktest_fail("mapping still there after pmap_remove");
		goto out;
	}
	error = 0;
	goto out;
unmap:
	pmap_remove(kernel_pmap, va, va + PAGE_SIZE);
out:
	vm_page_free(m);
	return (error);
}

#define	BULK_PAGES	1024

KTEST(pmap_bulk, "bulk mapping is batched: >= 32 updates per hypercall", 0)
{
	static vm_page_t pages[BULK_PAGES];
	struct mmu_stats before;
	vm_offset_t va = PMAP_TEST_VA;
	u_long calls, ops;
	int i, n, error;

	n = 0;
	error = 0;
	for (i = 0; i < BULK_PAGES; i += NPTEPG)
		if ((error = pmap_growkernel(va + ptoa(i))) != 0) {
			ktest_fail("pmap_growkernel: %d", error);
			return (error);
		}
	for (n = 0; n < BULK_PAGES; n++)
		if ((pages[n] = vm_page_alloc(0)) == NULL)
			break;
	if (n < BULK_PAGES) {
		ktest_fail("only %d pages free", n);
		error = ENOMEM;
		goto out;
	}
	before = mmu_stats;
	pmap_qenter(va, pages, n, VM_PROT_RW);
	calls = mmu_stats.ms_hypercalls - before.ms_hypercalls;
	ops = mmu_stats.ms_updates - before.ms_updates;
	for (i = 0; i < n; i++)
		*(volatile u_long *)(va + ptoa(i)) = i;
	for (i = 0; i < n; i++)
		if (*(u_long *)PHYS_TO_DMAP(pages[i]->phys_addr) != (u_long)i) {
			ktest_fail("page %d: mapped to the wrong frame", i);
			error = EINVAL;
		}
	pmap_qremove(va, n);
	printf("ktest: pmap_bulk: %d pages mapped with %lu mmu_update "
	    "operations in %lu hypercalls (%lu per call)\n", n, ops, calls,
	    calls != 0 ? ops / calls : 0);
	if (error == 0 && (calls == 0 || ops / calls < 32)) {
		ktest_fail("only %lu operations per hypercall",
		    calls != 0 ? ops / calls : 0);
		error = EINVAL;
	}
out:
	while (n-- > 0)
		vm_page_free(pages[n]);
	return (error);
}

#define	XM_TEST_PAGES	64

/*
 * The balloon's two moves under real Xen: 64 pages' frames go back to
 * Xen and come back as new frames.  Xen's count of our pages and our
 * free count go down and up by exactly 64; while unbacked a page has no
 * p2m entry and no direct-map mapping; populated again it is mapped,
 * writable, and its new frame maps back through the m2p, as does every
 * other entry of the p2m.
 */
KTEST(xen_mem_balloon, "give 64 pages back to Xen and populate them again", 0)
{
	vm_page_t pages[XM_TEST_PAGES], m;
	u_long cur0, cur1, cur2, free0, free1, free2, unb0, pfn, mfn, v, bad;
	volatile u_long *p;
	u_int done, i;
	int error, e;

	if ((error = xen_mem_reservation(&cur0, NULL)) != 0) {
		ktest_fail("XENMEM_current_reservation: %d", error);
		return (error);
	}
	/* No other thread may allocate meanwhile: the counts are exact. */
	critical_enter();
	free0 = vm_page_free_count();
	unb0 = vm_page_stats.vs_unbacked;
	for (i = 0; i < XM_TEST_PAGES; i++)
		if ((pages[i] = vm_page_alloc(0)) == NULL) {
			while (i-- > 0)
				vm_page_free(pages[i]);
			critical_exit();
			return (ENOMEM);
		}
	/* Refusals first: a free page cannot go, an allocated one not come. */
	error = 0;
	if ((m = vm_page_alloc(0)) != NULL) {
		vm_page_free(m);
		if (xen_mem_decrease(&m, 1, &done) != EINVAL || done != 0) {
			ktest_fail("a free page was given back to Xen");
			error = EINVAL;
		}
	}
	if (xen_mem_populate(pages, 1, &done) != EINVAL || done != 0) {
		ktest_fail("an allocated page was populated");
		error = EINVAL;
	}
	if ((e = xen_mem_decrease(pages, XM_TEST_PAGES, &done)) != 0 ||
	    done != XM_TEST_PAGES) {
		critical_exit();
		ktest_fail("decrease_reservation: %d, %u of %d pages", e, done,
		    XM_TEST_PAGES);
		return (e != 0 ? e : EINVAL);
	}
	(void)xen_mem_reservation(&cur1, NULL);
	free1 = vm_page_free_count();
	for (i = 0; i < XM_TEST_PAGES && error == 0; i++) {
		pfn = atop(pages[i]->phys_addr);
		p = (volatile u_long *)PHYS_TO_DMAP(pages[i]->phys_addr);
		if (pages[i]->state != VM_PAGE_UNBACKED ||
		    xen_p2m[pfn] != PMAP_P2M_INVALID ||
		    probe_read_long(p, &v) != EFAULT) {
			ktest_fail("pfn %#lx given back but state %d, p2m %#lx, "
			    "still mapped %d", pfn, pages[i]->state,
			    xen_p2m[pfn], probe_read_long(p, &v) == 0);
			error = EINVAL;
		}
	}
	if ((e = xen_mem_populate(pages, XM_TEST_PAGES, &done)) != 0 ||
	    done != XM_TEST_PAGES) {
		critical_exit();
		ktest_fail("populate_physmap: %d, %u of %d pages", e, done,
		    XM_TEST_PAGES);
		return (e != 0 ? e : EINVAL);
	}
	(void)xen_mem_reservation(&cur2, NULL);
	for (i = 0; i < XM_TEST_PAGES && error == 0; i++) {
		pfn = atop(pages[i]->phys_addr);
		mfn = xen_p2m[pfn];
		p = (volatile u_long *)PHYS_TO_DMAP(pages[i]->phys_addr);
		if (pages[i]->state != VM_PAGE_ALLOCATED ||
		    mfn == PMAP_P2M_INVALID || mfn_to_pfn(mfn) != pfn) {
			ktest_fail("pfn %#lx populated: state %d, mfn %#lx, m2p "
			    "%#lx", pfn, pages[i]->state, mfn, mfn_to_pfn(mfn));
			error = EINVAL;
			break;
		}
		if (probe_write_long(p, pfn ^ 0xba11005eedUL) != 0 ||
		    probe_write_long(p + 511, ~pfn) != 0 ||
		    probe_read_long(p, &v) != 0 || v != (pfn ^ 0xba11005eedUL) ||
		    probe_read_long(p + 511, &v) != 0 || v != ~pfn) {
			ktest_fail("populated pfn %#lx not usable", pfn);
			error = EINVAL;
		}
	}
	bad = pmap_p2m_mismatches(xen_p2m, xen_npages);
	for (i = 0; i < XM_TEST_PAGES; i++)
		if (pages[i]->state == VM_PAGE_ALLOCATED)
			vm_page_free(pages[i]);
	free2 = vm_page_free_count();
	critical_exit();
	printf("ktest: xen_mem_balloon: Xen's reservation %lu -> %lu -> %lu "
	    "pages, free %lu -> %lu -> %lu, %lu p2m entries off the m2p\n",
	    cur0, cur1, cur2, free0, free1, free2, bad);
	if (error != 0)
		return (error);
	if (cur1 != cur0 - XM_TEST_PAGES || cur2 != cur0) {
		ktest_fail("Xen's reservation went %lu -> %lu -> %lu", cur0,
		    cur1, cur2);
		return (EINVAL);
	}
	if (free1 != free0 - XM_TEST_PAGES || free2 != free0 ||
	    vm_page_stats.vs_unbacked != unb0) {
		ktest_fail("free pages went %lu -> %lu -> %lu, %lu unbacked",
		    free0, free1, free2, vm_page_stats.vs_unbacked - unb0);
		return (EINVAL);
	}
	if (bad != 0) {
		ktest_fail("%lu p2m entries disagree with the m2p", bad);
		return (EINVAL);
	}
	return (0);
}
