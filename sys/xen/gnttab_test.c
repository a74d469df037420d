/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel tests of the grant table under real Xen: grants to dom0 are
 * made and revoked, the table grows when references run out, exhaustion
 * is an error (not a hang) and wakes the free callback once grants come
 * back, and the counters return to where they were.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <machine/pmap.h>
#include <vm/vm_page.h>
#include <xen/gnttab.h>

static int gt_callback_ran;

static void
gt_callback(void *arg)
{
	gt_callback_ran++;
}

KTEST(gnttab_exhaust, "grant until the table is full; revoke all", 0)
{
	struct gnttab_free_callback cb = { 0 };
	grant_ref_t *refs;
	u_long inuse0, frames0, n, i, max;
	vm_page_t m;
	u_long mfn;
	int error;

	if ((m = vm_page_alloc(VM_ALLOC_ZERO)) == NULL)
		return (ENOMEM);
	mfn = pfn_to_mfn(atop(m->phys_addr));
	inuse0 = gnttab_stats.gs_inuse;
	frames0 = gnttab_stats.gs_frames;
	max = gnttab_stats.gs_max_frames * (PAGE_SIZE /
	    sizeof(grant_entry_v1_t));
	refs = malloc(max * sizeof(*refs), M_TEMP, M_WAITOK);
	for (n = 0; n < max; n++)
		if ((error = gnttab_grant_foreign_access(0, mfn, true,
		    &refs[n])) != 0)
			break;
	printf("ktest: gnttab_exhaust: %lu grants in %lu frames (%lu at "
	    "boot, at most %lu) before %d\n", n, gnttab_stats.gs_frames,
	    frames0, gnttab_stats.gs_max_frames, error);
	error = 0;
	if (n == 0 || gnttab_grant_foreign_access(0, mfn, true, &refs[0]) !=
	    ENOSPC) {
		ktest_fail("exhaustion not reported as ENOSPC");
		error = EINVAL;
	}
	gt_callback_ran = 0;
	gnttab_request_free_callback(&cb, gt_callback, NULL, 4);
	if (gt_callback_ran != 0) {
		ktest_fail("free callback ran with no free reference");
		error = EINVAL;
	}
	for (i = 0; i < n; i++)
		if (gnttab_end_foreign_access(refs[i]) != 0) {
			ktest_fail("revoke of ref %u failed", refs[i]);
			error = EINVAL;
		}
	if (gt_callback_ran != 1) {
		ktest_fail("free callback ran %d times", gt_callback_ran);
		error = EINVAL;
	}
	if (gnttab_end_foreign_access(refs[0]) != EINVAL) {
		ktest_fail("a second revoke of ref %u was not refused",
		    refs[0]);
		error = EINVAL;
	}
	if (gnttab_stats.gs_inuse != inuse0) {
		ktest_fail("%lu grants still counted in use",
		    gnttab_stats.gs_inuse - inuse0);
		error = EINVAL;
	}
	free(refs, M_TEMP);
	vm_page_free(m);
	return (error);
}
