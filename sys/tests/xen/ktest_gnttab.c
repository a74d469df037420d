/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel tests of the grant table under real Xen: grants to dom0 are
 * made and revoked, the table grows when references run out -- up to the
 * maximum GNTTABOP_query_size gives, which Xen confirms -- exhaustion
 * is an error (not a hang) and wakes the free callback once grants come
 * back, and the counters return to where they were.  Reservations: 100
 * references set aside are all claimed while another consumer has taken
 * every other reference the table can hold; buffers spanning pages get one
 * reference per page, each naming that page's machine frame.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <machine/pmap.h>
#include <vm/vm_kern.h>
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
	u_int nframes, maxframes;
	int error, qerror;

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
	/* Xen's own word: the table is at its maximum size, and full. */
	if ((qerror = gnttab_query_size(&nframes, &maxframes)) != 0) {
		ktest_fail("GNTTABOP_query_size: error %d", qerror);
		error = EINVAL;
	} else {
		printf("ktest: gnttab_exhaust: Xen says %u of at most %u "
		    "frames\n", nframes, maxframes);
		if (nframes != maxframes ||
		    gnttab_stats.gs_frames != maxframes) {
			ktest_fail("exhausted at %u frames (we count %lu), "
			    "not Xen's maximum %u", nframes,
			    gnttab_stats.gs_frames, maxframes);
			error = EINVAL;
		}
		/* Every entry: ours, in use before, or set aside. */
		if (inuse0 + n + gnttab_stats.gs_reserved != maxframes *
		    (PAGE_SIZE / sizeof(grant_entry_v1_t)) -
		    GNTTAB_NR_RESERVED || gnttab_stats.gs_free != 0) {
			ktest_fail("%lu grants, %lu in use before and %lu "
			    "reserved: not every entry of %u frames", n,
			    inuse0, gnttab_stats.gs_reserved, maxframes);
			error = EINVAL;
		}
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

/* The books: free + reserved + in use = the entries past the toolstack's. */
static int
gt_books(const char *when)
{
	if (gnttab_stats.gs_free + gnttab_stats.gs_reserved +
	    gnttab_stats.gs_inuse + GNTTAB_NR_RESERVED !=
	    gnttab_stats.gs_nentries) {
		ktest_fail("%s: %lu free + %lu reserved + %lu in use + %d "
		    "!= %lu entries", when, gnttab_stats.gs_free,
		    gnttab_stats.gs_reserved, gnttab_stats.gs_inuse,
		    GNTTAB_NR_RESERVED, gnttab_stats.gs_nentries);
		return (EINVAL);
	}
	return (0);
}

/* Does 'ref' grant 'mfn' to dom0 with exactly these flags? */
static int
gt_check_entry(grant_ref_t ref, u_long mfn, uint16_t flags)
{
	const volatile grant_entry_v1_t *e;

	if ((e = gnttab_entry(ref)) == NULL) {
		ktest_fail("ref %u beyond the table", ref);
		return (EINVAL);
	}
	if (e->frame != mfn || e->domid != 0 || e->flags != flags) {
		ktest_fail("ref %u: frame %#x domid %u flags %#x, want frame "
		    "%#lx domid 0 flags %#x", ref, e->frame, e->domid,
		    e->flags, mfn, flags);
		return (EINVAL);
	}
	return (0);
}

#define	GT_NRES	100

KTEST(gnttab_reserve, "100 reserved references are all claimed while the "
    "free list is exhausted; unreserve restores the counters", 0)
{
	struct gnttab_reservation res;
	grant_ref_t *other, mine[GT_NRES], ref;
	u_long inuse0, reserved0, free0, n, i, max;
	vm_page_t m;
	u_long mfn;
	int error, err2;

	if ((m = vm_page_alloc(VM_ALLOC_ZERO)) == NULL)
		return (ENOMEM);
	mfn = pfn_to_mfn(atop(m->phys_addr));
	inuse0 = gnttab_stats.gs_inuse;
	reserved0 = gnttab_stats.gs_reserved;
	max = gnttab_stats.gs_max_frames * (PAGE_SIZE /
	    sizeof(grant_entry_v1_t));
	other = malloc(max * sizeof(*other), M_TEMP, M_WAITOK);
	error = 0;
	if ((err2 = gnttab_reserve(GT_NRES, &res)) != 0) {
		ktest_fail("gnttab_reserve(%d): %d", GT_NRES, err2);
		error = err2;
		goto out;
	}
	if (gnttab_stats.gs_reserved != reserved0 + GT_NRES ||
	    res.gr_count != GT_NRES) {
		ktest_fail("%lu reserved after reserving %d (%lu before)",
		    gnttab_stats.gs_reserved, GT_NRES, reserved0);
		error = EINVAL;
	}
	if (error == 0)
		error = gt_books("reserved");
	/* Another consumer takes every reference the table can hold. */
	for (n = 0; n < max; n++)
		if (gnttab_grant_foreign_access(0, mfn, true, &other[n]) != 0)
			break;
	printf("ktest: gnttab_reserve: another consumer took %lu references "
	    "(%lu frames of %lu), %lu free\n", n, gnttab_stats.gs_frames,
	    gnttab_stats.gs_max_frames, gnttab_stats.gs_free);
	if (gnttab_stats.gs_free != 0 || gnttab_stats.gs_frames !=
	    gnttab_stats.gs_max_frames) {
		ktest_fail("free list not exhausted: %lu free, %lu frames",
		    gnttab_stats.gs_free, gnttab_stats.gs_frames);
		error = EINVAL;
	}
	if (gnttab_reserve(1, &(struct gnttab_reservation){ 0 }) != ENOSPC) {
		ktest_fail("a reservation from an empty table succeeded");
		error = EINVAL;
	}
	/* Every reserved reference is still there, and grants. */
	for (i = 0; i < GT_NRES; i++) {
		if ((err2 = gnttab_claim(&res, &mine[i])) != 0) {
			ktest_fail("claim %lu of %d failed: %d", i, GT_NRES,
			    err2);
			error = err2;
			break;
		}
		if ((err2 = gnttab_grant_access_ref(mine[i], 0, mfn,
		    (i & 1) != 0)) != 0) {
			ktest_fail("grant through claimed ref %u: %d",
			    mine[i], err2);
			error = err2;
		}
		if (error == 0)
			error = gt_check_entry(mine[i], mfn, GTF_permit_access |
			    ((i & 1) != 0 ? GTF_readonly : 0));
	}
	if (i == GT_NRES && gnttab_claim(&res, &ref) != ENOSPC) {
		ktest_fail("a claim past the reservation succeeded");
		error = EINVAL;
	}
	if (error == 0)
		error = gt_books("all claimed");
	/* A ring slot: revoke, grant again in place, revoke, release. */
	if (i > 0 && (gnttab_grant_access_ref(mine[0], 0, mfn, true) !=
	    EBUSY || gnttab_release(&res, mine[0]) != EBUSY)) {
		ktest_fail("a granted ref was granted again or released");
		error = EINVAL;
	}
	while (i-- > 0) {
		if ((err2 = gnttab_end_access_ref(mine[i])) != 0 ||
		    (err2 = gt_check_entry(mine[i], mfn, 0)) != 0 ||
		    (err2 = gnttab_grant_access_ref(mine[i], 0, mfn, true)) !=
		    0 || (err2 = gnttab_end_access_ref(mine[i])) != 0 ||
		    (err2 = gnttab_release(&res, mine[i])) != 0) {
			ktest_fail("revoke, grant again or release of ref %u: "
			    "%d", mine[i], err2);
			error = err2;
		}
	}
	if (gnttab_release(&res, mine[0]) != EINVAL) {
		ktest_fail("ref %u released twice", mine[0]);
		error = EINVAL;
	}
	free0 = gnttab_stats.gs_free;
	gnttab_unreserve(&res);
	if (gnttab_stats.gs_free != free0 + GT_NRES || res.gr_count != 0) {
		ktest_fail("unreserve freed %lu references, not %d",
		    gnttab_stats.gs_free - free0, GT_NRES);
		error = EINVAL;
	}
	for (i = 0; i < n; i++)
		if (gnttab_end_foreign_access(other[i]) != 0) {
			ktest_fail("revoke of ref %u failed", other[i]);
			error = EINVAL;
		}
	if (gnttab_stats.gs_inuse != inuse0 ||
	    gnttab_stats.gs_reserved != reserved0) {
		ktest_fail("in use %lu (was %lu), reserved %lu (was %lu)",
		    gnttab_stats.gs_inuse, inuse0, gnttab_stats.gs_reserved,
		    reserved0);
		error = EINVAL;
	}
	if (error == 0)
		error = gt_books("after");
out:
	free(other, M_TEMP);
	vm_page_free(m);
	return (error);
}

/* Grant len bytes at off into a 4-page block; check every reference. */
static int
gt_buffer(vm_offset_t va, size_t off, size_t len, u_int want,
    struct gnttab_reservation *res)
{
	grant_ref_t refs[5];
	u_int n, i;
	u_long mfn;
	int error;

	n = nitems(refs);
	if ((error = gnttab_grant_buffer(0, (void *)(va + off), len, false,
	    res, refs, &n)) != 0) {
		ktest_fail("grant of %zu bytes at +%#zx: %d", len, off, error);
		return (error);
	}
	printf("ktest: gnttab_buffer: %zu bytes at +%#zx: %u references\n",
	    len, off, n);
	if (n != want || GNTTAB_BUFFER_NREFS(va + off, len) != want) {
		ktest_fail("%zu bytes at +%#zx: %u references, want %u", len,
		    off, n, want);
		error = EINVAL;
	}
	for (i = 0; i < n && error == 0; i++) {
		mfn = pfn_to_mfn(atop(pmap_extract(kernel_pmap,
		    trunc_page(va + off) + ptoa(i))));
		error = gt_check_entry(refs[i], mfn, GTF_permit_access);
	}
	if (gnttab_end_buffer(res, refs, n) != 0) {
		ktest_fail("revoking the buffer's grants failed");
		error = EINVAL;
	}
	for (i = 0; i < n; i++)
		if (refs[i] != GNTTAB_REF_INVALID) {
			ktest_fail("ref %u of the buffer not revoked", refs[i]);
			error = EINVAL;
		}
	return (error);
}

KTEST(gnttab_buffer, "buffers spanning pages get one reference per page "
    "with each page's frame", 0)
{
	struct gnttab_reservation res;
	grant_ref_t refs[2];
	u_long inuse0, reserved0;
	vm_offset_t va;
	u_int n;
	int error;

	inuse0 = gnttab_stats.gs_inuse;
	reserved0 = gnttab_stats.gs_reserved;
	if ((va = kmem_malloc(4 * PAGE_SIZE, M_ZERO)) == 0)
		return (ENOMEM);
	/* 3 pages aligned: 3 refs; unaligned: 4; one byte; page-sized tail. */
	error = gt_buffer(va, 0, 3 * PAGE_SIZE, 3, NULL);
	if (error == 0)
		error = gt_buffer(va, 0x234, 3 * PAGE_SIZE, 4, NULL);
	if (error == 0)
		error = gt_buffer(va, PAGE_SIZE - 1, 2, 2, NULL);
	if (error == 0)
		error = gt_buffer(va, 3 * PAGE_SIZE + 17, 1, 1, NULL);
	/* From a reservation: claimed and released back, none lost. */
	if (error == 0 && (error = gnttab_reserve(4, &res)) == 0) {
		error = gt_buffer(va, 0x800, 3 * PAGE_SIZE, 4, &res);
		if (error == 0 && res.gr_count != 4) {
			ktest_fail("%u of 4 references back in the "
			    "reservation", res.gr_count);
			error = EINVAL;
		}
		/* Too few left in the reservation: refused, none taken. */
		(void)gnttab_claim(&res, &refs[0]);
		n = 5;
		if (error == 0 && gnttab_grant_buffer(0, (void *)va,
		    4 * PAGE_SIZE, true, &res, (grant_ref_t [5]){ 0 }, &n) !=
		    ENOSPC) {
			ktest_fail("a 4-page grant from 3 reserved refs "
			    "succeeded");
			error = EINVAL;
		}
		if (error == 0 && res.gr_count != 3) {
			ktest_fail("a failed grant kept %u references",
			    3 - res.gr_count);
			error = EINVAL;
		}
		(void)gnttab_release(&res, refs[0]);
		gnttab_unreserve(&res);
	}
	/* Too little room in refs[]: refused. */
	n = nitems(refs);
	if (error == 0 && gnttab_grant_buffer(0, (void *)va, 3 * PAGE_SIZE,
	    false, NULL, refs, &n) != EINVAL) {
		ktest_fail("a 3-page grant into 2 references succeeded");
		error = EINVAL;
	}
	kmem_free(va, 4 * PAGE_SIZE);
	if (error == 0 && (gnttab_stats.gs_inuse != inuse0 ||
	    gnttab_stats.gs_reserved != reserved0)) {
		ktest_fail("in use %lu (was %lu), reserved %lu (was %lu)",
		    gnttab_stats.gs_inuse, inuse0, gnttab_stats.gs_reserved,
		    reserved0);
		error = EINVAL;
	}
	if (error == 0)
		error = gt_books("after");
	return (error);
}
