/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The page allocator's counters as sysctl variables: hw.physmem and the
 * vm.stats node (FreeBSD keeps its vm.stats in a file of this name).
 * vm_page.c keeps the counts; this file only shows them.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/sysctl.h>
#include <vm/vm_page.h>

/* sysctl: hw.physmem, vm.stats. */
static int
vm_page_sysctl_physmem(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	return (sysctl_emit(req, NULL, "%lu",
	    (vm_page_stats.vs_npages - vm_page_stats.vs_unbacked) * PAGE_SIZE));
}
SYSCTL_PROC(_hw, physmem, vm_page_sysctl_physmem, NULL, 0,
    "bytes of memory the domain has (pages not given back to the hypervisor)");
SYSCTL_NODE(_vm, stats, "the page allocator");
SYSCTL_ULONG(_vm_stats, npages, &vm_page_stats.vs_npages, "pages in all");
SYSCTL_ULONG(_vm_stats, free, &vm_page_stats.vs_free, "free pages");
SYSCTL_ULONG(_vm_stats, reserved, &vm_page_stats.vs_reserved,
    "pages reserved (kernel, p2m, Xen's)");
SYSCTL_ULONG(_vm_stats, ptable, &vm_page_stats.vs_ptable,
    "page-table pages");
SYSCTL_ULONG(_vm_stats, unbacked, &vm_page_stats.vs_unbacked,
    "pages whose memory was given back to the hypervisor");
SYSCTL_ULONG(_vm_stats, allocs, &vm_page_stats.vs_allocs,
    "allocations ever made");
SYSCTL_ULONG(_vm_stats, failures, &vm_page_stats.vs_failures,
    "allocations refused: no free page");
