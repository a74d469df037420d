/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The domain's memory reservation: frames given back to Xen and taken
 * again, for a balloon driver.
 *
 * A PV domain owns machine frames; its pseudo-physical pages are the p2m's
 * view of them.  To shrink, the domain hands frames back with
 * XENMEM_decrease_reservation; the pages that had them stay in the page
 * array but have no memory behind them (VM_PAGE_UNBACKED) until
 * XENMEM_populate_physmap gives each of them a frame again -- a new one,
 * anywhere in the machine.
 *
 * Giving back, per batch of up to XM_BATCH pages the caller has allocated
 * (vm_page_alloc) and mapped nowhere but the direct map:
 *   1. pmap unmaps each page from the direct map and marks its p2m entry
 *      invalid (the toolstack reads the same p2m through the frame lists
 *      published at boot; only entries change, never the p2m's pages);
 *   2. decrease_reservation with the frames; Xen answers how many it took,
 *      in order;
 *   3. the pages it took become unbacked; any it refused get their old
 *      frames back (p2m, m2p, direct map) and stay the caller's.
 * Populating, per batch of unbacked pages:
 *   1. populate_physmap with the pfns; Xen writes a new frame for each of
 *      the first n it could back, and updates the m2p itself;
 *   2. pmap writes the p2m, repeats the m2p entry with MMU_MACHPHYS_UPDATE
 *      (the protocol's own step, harmless when Xen has done it) and maps
 *      the page writable in the direct map again, in one batch;
 *   3. those pages are allocated to the caller, who uses or frees them.
 * Both stop at the first batch Xen cuts short and report how many pages
 * moved; the rest are as they were.
 *
 * Context: thread context, one caller at a time: xen_mem_lock is a sleep
 * mutex held across the hypercalls.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <machine/hypercall.h>
#include <machine/pmap.h>
#include <machine/xen_mem.h>
#include <vm/vm_page.h>
#include <xen/memory.h>

#define	XM_BATCH	64	/* pages per hypercall */

struct xen_mem_stats xen_mem_stats;
static struct mtx xen_mem_lock;

/* decrease_reservation or populate_physmap of n single-page extents. */
static long
xen_mem_op(int cmd, xen_pfn_t *frames, u_int n)
{
	struct xen_memory_reservation r = {
		.nr_extents = n,
		.extent_order = 0,
		.mem_flags = 0,
		.domid = DOMID_SELF,
	};

	set_xen_guest_handle(r.extent_start, frames);
	return (HYPERVISOR_memory_op(cmd, &r));
}

/*
 * Give the frames behind pages[0..count) back to Xen.  Returns 0 when all
 * went, else an errno, with *donep the number that went (pages[0..*donep)
 * are unbacked now; the others are still allocated to the caller).
 * EINVAL if a page is not allocated (nothing is done then).
 */
int
xen_mem_decrease(vm_page_t *pages, u_int count, u_int *donep)
{
	xen_pfn_t frames[XM_BATCH];
	u_int done, k, i;
	long rv;
	int error;

	*donep = 0;
	for (i = 0; i < count; i++)
		if (pages[i]->state != VM_PAGE_ALLOCATED)
			return (EINVAL);
	error = 0;
	mtx_lock(&xen_mem_lock);
	for (done = 0; done < count && error == 0; done += k) {
		k = MIN(XM_BATCH, count - done);
		pmap_p2m_unback(pages + done, k, frames);
		rv = xen_mem_op(XENMEM_decrease_reservation, frames, k);
		if (rv < 0 || rv > k) {
			error = rv < 0 ? xen_errno(rv) : EIO;
			rv = 0;
		} else if (rv < k)
			error = EINVAL;		/* Xen refused a frame */
		for (i = 0; i < rv; i++)
			vm_page_set_state(pages[done + i], VM_PAGE_UNBACKED);
		xen_mem_stats.xm_decreased += rv;
		if (rv < k) {
			pmap_p2m_back(pages + done + rv, k - rv, frames + rv);
			xen_mem_stats.xm_refused += k - rv;
			k = rv;
		}
	}
	mtx_unlock(&xen_mem_lock);
	*donep = done;
	if (error != 0)
		printf("xen_mem: decrease_reservation took %u of %u pages: "
		    "%d\n", done, count, error);
	return (error);
}

/*
 * Have Xen back the unbacked pages[0..count) with memory again.  Returns
 * 0 when all were, else an errno (ENOMEM: Xen had no memory for us, or
 * the domain is at its maximum), with *donep the number populated
 * (pages[0..*donep) are allocated to the caller now, mapped in the direct
 * map; the others stay unbacked).  EINVAL if a page is not unbacked.
 */
int
xen_mem_populate(vm_page_t *pages, u_int count, u_int *donep)
{
	xen_pfn_t frames[XM_BATCH];
	u_int done, k, i;
	long rv;
	int error;

	*donep = 0;
	for (i = 0; i < count; i++)
		if (pages[i]->state != VM_PAGE_UNBACKED)
			return (EINVAL);
	error = 0;
	mtx_lock(&xen_mem_lock);
	for (done = 0; done < count && error == 0; done += k) {
		k = MIN(XM_BATCH, count - done);
		for (i = 0; i < k; i++)
			frames[i] = atop(pages[done + i]->phys_addr);
		rv = xen_mem_op(XENMEM_populate_physmap, frames, k);
		if (rv < 0 || rv > k) {
			error = rv < 0 ? xen_errno(rv) : EIO;
			rv = 0;
		} else if (rv < k)
			error = ENOMEM;
		pmap_p2m_back(pages + done, rv, frames);
		for (i = 0; i < rv; i++)
			vm_page_set_state(pages[done + i], VM_PAGE_ALLOCATED);
		xen_mem_stats.xm_populated += rv;
		if (rv < k) {
			xen_mem_stats.xm_refused += k - rv;
			k = rv;
		}
	}
	mtx_unlock(&xen_mem_lock);
	*donep = done;
	if (error != 0)
		printf("xen_mem: populate_physmap backed %u of %u pages: %d\n",
		    done, count, error);
	return (error);
}

/*
 * Xen's view of the domain: the pages it holds now and the most it may
 * hold (xl's memory= and maxmem=), in pages.
 */
int
xen_mem_reservation(u_long *curp, u_long *maxp)
{
	domid_t self = DOMID_SELF;
	long rv;

	if (curp != NULL) {
		rv = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
		if (rv < 0)
			return (xen_errno(rv));
		*curp = rv;
	}
	if (maxp != NULL) {
		rv = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
		if (rv < 0)
			return (xen_errno(rv));
		*maxp = rv;
	}
	return (0);
}

static void
xen_mem_init(void *arg)
{
	mtx_init(&xen_mem_lock, "xen_mem", MTX_DEF);
}
SYSINIT(xen_mem, SI_SUB_XEN, SI_ORDER_ANY, xen_mem_init, NULL);

#include <sys/sysctl.h>

/* sysctl: hw.xen.mem. */
SYSCTL_DECL(_hw_xen);
SYSCTL_NODE(_hw_xen, mem, "the domain's memory reservation");

static int
xen_mem_sysctl_current(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	u_long cur;
	int error;

	if ((error = xen_mem_reservation(&cur, NULL)) != 0)
		return (error);
	return (sysctl_emit(req, NULL, "%lu", cur));
}
SYSCTL_PROC(_hw_xen_mem, current, xen_mem_sysctl_current, NULL, 0,
    "pages Xen gives the domain now (XENMEM_current_reservation)");
SYSCTL_ULONG(_hw_xen_mem, decreased, &xen_mem_stats.xm_decreased,
    "pages given back to Xen");
SYSCTL_ULONG(_hw_xen_mem, populated, &xen_mem_stats.xm_populated,
    "pages populated again");
SYSCTL_ULONG(_hw_xen_mem, refused, &xen_mem_stats.xm_refused,
    "pages Xen would not take or give");
