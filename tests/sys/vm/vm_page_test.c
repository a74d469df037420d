/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The page allocator's bookkeeping (sys/vm/vm_page.c) on the host: a
 * synthetic domain of pages, reserved ranges released, exhaustion reported
 * with NULL and counted, zeroing through the (faked) direct map.
 */

#include <atf-c.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "vm_host.h"
#include <vm/vm_page.h>

#define	NPAGES	64

static struct vm_page array[NPAGES];
static int zeroed;

void
pmap_zero_page(vm_page_t m)
{
	(void)m;
	zeroed++;
}

static void
setup(u_long first, u_long last)
{
	vm_page_startup(array, NPAGES);
	vm_page_release_range(first, last);
}

ATF_TC_WITHOUT_HEAD(startup_and_release);
ATF_TC_BODY(startup_and_release, tc)
{
	setup(10, 60);
	ATF_CHECK_EQ(NPAGES, vm_page_stats.vs_npages);
	ATF_CHECK_EQ(50, vm_page_free_count());
	ATF_CHECK_EQ(14, vm_page_stats.vs_reserved);
	ATF_CHECK_EQ(VM_PAGE_RESERVED, array[9].state);
	ATF_CHECK_EQ(VM_PAGE_FREE, array[10].state);
	ATF_CHECK_EQ(VM_PAGE_RESERVED, array[60].state);
	ATF_CHECK_EQ(ptoa(33), array[33].phys_addr);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa(33) + 5) == &array[33]);
	ATF_CHECK(PHYS_TO_VM_PAGE(ptoa(NPAGES)) == NULL);
}

ATF_TC_WITHOUT_HEAD(low_pages_first);
ATF_TC_BODY(low_pages_first, tc)
{
	vm_page_t m;

	setup(10, 60);
	m = vm_page_alloc(0);
	ATF_REQUIRE(m != NULL);
	ATF_CHECK_EQ(ptoa(10), m->phys_addr);
	ATF_CHECK_EQ(VM_PAGE_ALLOCATED, m->state);
	vm_page_free(m);
	ATF_CHECK_EQ(50, vm_page_free_count());
}

ATF_TC_WITHOUT_HEAD(exhaustion);
ATF_TC_BODY(exhaustion, tc)
{
	vm_page_t got[NPAGES];
	int n, i;

	setup(4, 20);
	for (n = 0; (got[n] = vm_page_alloc(0)) != NULL; n++)
		ATF_REQUIRE(n < NPAGES);
	ATF_CHECK_EQ(16, n);
	ATF_CHECK_EQ(0, vm_page_free_count());
	ATF_CHECK_EQ(1, vm_page_stats.vs_failures);
	ATF_CHECK(vm_page_alloc(0) == NULL);
	ATF_CHECK_EQ(2, vm_page_stats.vs_failures);
	for (i = 0; i < n; i++)
		vm_page_free(got[i]);
	ATF_CHECK_EQ(16, vm_page_free_count());
	ATF_CHECK_EQ(16, vm_page_stats.vs_allocs);
}

ATF_TC_WITHOUT_HEAD(zeroing);
ATF_TC_BODY(zeroing, tc)
{
	vm_page_t m;

	setup(4, 20);
	zeroed = 0;
	m = vm_page_alloc(VM_ALLOC_ZERO);
	ATF_CHECK_EQ(1, zeroed);
	vm_page_free(m);
	m = vm_page_alloc(0);
	ATF_CHECK_EQ(1, zeroed);
	vm_page_free(m);
}

ATF_TC_WITHOUT_HEAD(ptable_state);
ATF_TC_BODY(ptable_state, tc)
{
	vm_page_t m;

	setup(4, 20);
	vm_page_set_state(&array[2], VM_PAGE_PTABLE);	/* boot table */
	ATF_CHECK_EQ(1, vm_page_stats.vs_ptable);
	ATF_CHECK_EQ(NPAGES - 16 - 1, vm_page_stats.vs_reserved);
	m = vm_page_alloc(0);
	vm_page_set_state(m, VM_PAGE_PTABLE);
	ATF_CHECK_EQ(2, vm_page_stats.vs_ptable);
	vm_page_set_state(m, VM_PAGE_ALLOCATED);
	ATF_CHECK_EQ(1, vm_page_stats.vs_ptable);
	vm_page_free(m);
}

/* Freeing a page twice is a kernel bug: the allocator must stop. */
ATF_TC_WITHOUT_HEAD(double_free_panics);
ATF_TC_BODY(double_free_panics, tc)
{
	vm_page_t m;

	setup(4, 20);
	m = vm_page_alloc(0);
	vm_page_free(m);
	atf_tc_expect_signal(6, "vm_page_free panics on a free page");
	vm_page_free(m);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, startup_and_release);
	ATF_TP_ADD_TC(tp, low_pages_first);
	ATF_TP_ADD_TC(tp, exhaustion);
	ATF_TP_ADD_TC(tp, zeroing);
	ATF_TP_ADD_TC(tp, ptable_state);
	ATF_TP_ADD_TC(tp, double_free_panics);
	return (atf_no_error());
}
