/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Grant tables, v1.
 *
 * A PV frontend lets its backend touch a page by granting access: it
 * fills an entry {flags, domid, frame} of the shared grant table and gives
 * the backend the entry's index (the grant reference).  Xen owns the table
 * frames; GNTTABOP_setup_table returns their machine frames, which we map
 * into kernel virtual memory.  The table starts with the frames Xen gives
 * by default and grows, up to GNTTABOP_query_size's maximum, when the free
 * list runs dry.
 *
 * Granting writes frame and domid first, then (after a write barrier) the
 * flags: the backend must never see GTF_permit_access with stale fields.
 * Revoking must not pull a page from under a backend that still has it
 * mapped: the flags are cleared with a compare-and-swap that fails while
 * Xen has GTF_reading or GTF_writing set, in which case the grant stays
 * and EBUSY is returned; the caller retries later and must not reuse the
 * page until then.  When references run out, callers can queue a callback
 * that runs once enough are free again.
 *
 * Reservations.  A driver whose I/O path must not fail for want of a
 * reference (one per ring slot, one per page of a request) reserves them
 * at attach, growing the table if needed, and claims them later: a claim
 * is a pop from the reservation's own chain (gnttab_freelist.c), so other
 * consumers exhausting the free list cannot take them.  A claimed ref is
 * granted, revoked and granted again in place (gnttab_grant_access_ref,
 * gnttab_end_access_ref), released back into its reservation, and the
 * reservation is given back whole at detach.  gnttab_grant_buffer grants
 * a buffer that spans pages, one reference per page, each page's machine
 * frame found through pmap.
 *
 * Lock: gnttab_lock (a spin mutex: revokes happen in interrupt handlers).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <machine/atomic.h>
#include <machine/hypercall.h>
#include <machine/pmap.h>
#include <vm/vm_kern.h>
#include <xen/gnttab.h>

MALLOC_DEFINE(M_GNTTAB, "gnttab", "grant table bookkeeping");

#define	GNTTAB_PER_FRAME	(PAGE_SIZE / sizeof(grant_entry_v1_t))

static struct mtx gnttab_lock;
static struct gnttab_freelist gnttab_fl;
static volatile grant_entry_v1_t *gnttab_table;	/* KVA for max frames */
static struct gnttab_free_callback *gnttab_callbacks;
static u_int gnttab_max_frames;
struct gnttab_stats gnttab_stats;

/* Mirror the free list's counts into the statistics.  Lock held. */
static void
gnttab_sync_stats(void)
{
	gnttab_stats.gs_free = gnttab_fl.gf_nfree;
	gnttab_stats.gs_reserved = gnttab_fl.gf_nreserved;
}

/* Ask Xen for nframes table frames and map the new ones.  Lock held. */
static int
gnttab_map_frames(u_int nframes)
{
	struct gnttab_setup_table setup;
	xen_pfn_t *frames;
	u_int i;
	long rv;

	frames = malloc(nframes * sizeof(*frames), M_GNTTAB, M_NOWAIT);
	if (frames == NULL)
		return (ENOMEM);
	setup.dom = DOMID_SELF;
	setup.nr_frames = nframes;
	set_xen_guest_handle(setup.frame_list, frames);
	rv = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1);
	if (rv != 0 || setup.status != GNTST_okay) {
		free(frames, M_GNTTAB);
		printf("gnttab: setup_table for %u frames failed: %ld/%d\n",
		    nframes, rv, setup.status);
		return (rv != 0 ? xen_errno(rv) : ENOMEM);
	}
	for (i = gnttab_stats.gs_frames; i < nframes; i++)
		pmap_kenter_ma((vm_offset_t)gnttab_table + ptoa(i), frames[i],
		    VM_PROT_RW);
	free(frames, M_GNTTAB);
	gnttab_stats.gs_frames = nframes;
	return (0);
}

/* Grow by one frame (512 refs), if Xen allows.  Lock held. */
static int
gnttab_grow(void)
{
	u_int old = gnttab_fl.gf_nentries, new;
	uint32_t *next;
	int error;

	if (gnttab_stats.gs_frames >= gnttab_max_frames)
		return (ENOSPC);
	new = (gnttab_stats.gs_frames + 1) * GNTTAB_PER_FRAME;
	next = malloc(new * sizeof(*next), M_GNTTAB, M_NOWAIT);
	if (next == NULL)
		return (ENOMEM);
	if ((error = gnttab_map_frames(gnttab_stats.gs_frames + 1)) != 0) {
		free(next, M_GNTTAB);
		return (error);
	}
	memcpy(next, gnttab_fl.gf_next, old * sizeof(*next));
	free(gnttab_fl.gf_next, M_GNTTAB);
	gnttab_fl_extend(&gnttab_fl, next, new);
	gnttab_stats.gs_nentries = new;
	gnttab_sync_stats();
	return (0);
}

/* Fill entry 'ref': frame and domain first, then the flags.  Lock held. */
static void
gnttab_fill(grant_ref_t ref, domid_t domid, u_long mfn, bool readonly)
{
	gnttab_table[ref].frame = (uint32_t)mfn;
	gnttab_table[ref].domid = domid;
	wmb();
	gnttab_table[ref].flags = GTF_permit_access |
	    (readonly ? GTF_readonly : 0);
	gnttab_stats.gs_grants++;
}

/*
 * Clear the flags of 'ref' unless the other end is reading or writing the
 * page (EBUSY).  EINVAL if the entry grants nothing.  Lock held.
 */
static int
gnttab_revoke(grant_ref_t ref)
{
	volatile uint16_t *flagsp;
	uint16_t flags;

	flagsp = &gnttab_table[ref].flags;
	do {
		flags = *flagsp;
		if ((flags & GTF_permit_access) == 0)
			return (EINVAL);
		if ((flags & (GTF_reading | GTF_writing)) != 0) {
			gnttab_stats.gs_busy++;
			return (EBUSY);
		}
	} while (!__atomic_compare_exchange_n(flagsp, &flags, 0, false,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	return (0);
}

/* Run the queued callbacks that can now be satisfied.  Lock held. */
static void
gnttab_run_callbacks(void)
{
	struct gnttab_free_callback *cb, **prevp;

	prevp = &gnttab_callbacks;
	while ((cb = *prevp) != NULL) {
		if (cb->gfc_count > gnttab_fl.gf_nfree) {
			prevp = &cb->gfc_next;
			continue;
		}
		*prevp = cb->gfc_next;
		cb->gfc_queued = false;
		cb->gfc_fn(cb->gfc_arg);
	}
}

/*
 * Let 'domid' map (or copy) machine frame 'mfn', read-only if asked.
 * Returns the reference in *refp; ENOSPC when none is free and the table
 * cannot grow.
 */
int
gnttab_grant_foreign_access(domid_t domid, u_long mfn, bool readonly,
    grant_ref_t *refp)
{
	uint32_t ref;
	int error;

	if (mfn > UINT_MAX)
		return (EINVAL);
	mtx_lock_spin(&gnttab_lock);
	if ((error = gnttab_fl_get(&gnttab_fl, &ref)) != 0 &&
	    (gnttab_grow() != 0 || (error = gnttab_fl_get(&gnttab_fl,
	    &ref)) != 0)) {
		gnttab_stats.gs_exhausted++;
		mtx_unlock_spin(&gnttab_lock);
		return (ENOSPC);
	}
	gnttab_fill(ref, domid, mfn, readonly);
	gnttab_stats.gs_inuse++;
	gnttab_sync_stats();
	mtx_unlock_spin(&gnttab_lock);
	*refp = ref;
	return (0);
}

/*
 * Grant access through 'ref', a reference the caller holds (claimed from
 * a reservation, or kept after gnttab_end_access_ref): a ring slot reuses
 * its reference for each request.  EINVAL if the caller does not hold
 * 'ref' or the frame does not fit the entry, EBUSY if 'ref' grants
 * something already.
 */
int
gnttab_grant_access_ref(grant_ref_t ref, domid_t domid, u_long mfn,
    bool readonly)
{
	mtx_lock_spin(&gnttab_lock);
	if (mfn > UINT_MAX || !gnttab_fl_inuse(&gnttab_fl, ref)) {
		mtx_unlock_spin(&gnttab_lock);
		return (EINVAL);
	}
	if ((gnttab_table[ref].flags & GTF_permit_access) != 0) {
		mtx_unlock_spin(&gnttab_lock);
		return (EBUSY);
	}
	gnttab_fill(ref, domid, mfn, readonly);
	mtx_unlock_spin(&gnttab_lock);
	return (0);
}

/*
 * Revoke the grant of 'ref' but keep the reference, to grant through it
 * again or release it into its reservation.  EBUSY while the other end
 * uses the page; EINVAL if 'ref' is not held or grants nothing.
 */
int
gnttab_end_access_ref(grant_ref_t ref)
{
	int error;

	mtx_lock_spin(&gnttab_lock);
	if (!gnttab_fl_inuse(&gnttab_fl, ref))
		error = EINVAL;
	else
		error = gnttab_revoke(ref);
	mtx_unlock_spin(&gnttab_lock);
	return (error);
}

/*
 * Set 'count' references aside in 'res', growing the table as needed: all
 * or nothing.  ENOSPC if the table, grown to Xen's maximum, has not that
 * many free; EINVAL for a count of 0.
 */
int
gnttab_reserve(u_int count, struct gnttab_reservation *res)
{
	int error;

	gnttab_res_init(res);
	if (count == 0)
		return (EINVAL);
	mtx_lock_spin(&gnttab_lock);
	while (gnttab_fl.gf_nfree < count)
		if (gnttab_grow() != 0)
			break;
	if ((error = gnttab_fl_reserve(&gnttab_fl, res, count)) != 0)
		gnttab_stats.gs_exhausted++;
	gnttab_sync_stats();
	mtx_unlock_spin(&gnttab_lock);
	return (error);
}

/* A reference from 'res'; ENOSPC only if every one is claimed already. */
int
gnttab_claim(struct gnttab_reservation *res, grant_ref_t *refp)
{
	uint32_t ref;
	int error;

	mtx_lock_spin(&gnttab_lock);
	if ((error = gnttab_fl_claim(&gnttab_fl, res, &ref)) == 0) {
		gnttab_stats.gs_inuse++;
		gnttab_sync_stats();
	}
	mtx_unlock_spin(&gnttab_lock);
	if (error == 0)
		*refp = ref;
	return (error);
}

/*
 * Put a held reference back into 'res' (not necessarily the one it was
 * claimed from).  EBUSY if it still grants access (revoke it first),
 * EINVAL if the caller does not hold it.
 */
int
gnttab_release(struct gnttab_reservation *res, grant_ref_t ref)
{
	int error;

	mtx_lock_spin(&gnttab_lock);
	if (gnttab_fl_inuse(&gnttab_fl, ref) &&
	    (gnttab_table[ref].flags & GTF_permit_access) != 0)
		error = EBUSY;
	else if ((error = gnttab_fl_release(&gnttab_fl, res, ref)) == 0) {
		gnttab_stats.gs_inuse--;
		gnttab_sync_stats();
	}
	mtx_unlock_spin(&gnttab_lock);
	return (error);
}

/*
 * Give every unclaimed reference of 'res' back to the free list.  Claimed
 * ones stay with their holders, who free them with
 * gnttab_end_foreign_access.
 */
void
gnttab_unreserve(struct gnttab_reservation *res)
{
	mtx_lock_spin(&gnttab_lock);
	if (gnttab_fl_unreserve(&gnttab_fl, res) > 0) {
		gnttab_sync_stats();
		gnttab_run_callbacks();
	}
	mtx_unlock_spin(&gnttab_lock);
}

/*
 * Grant the buffer [buf, buf + len) of kernel memory, one reference per
 * page it touches, in page order, into refs[].  *nrefsp holds the room in
 * refs[] and returns the references used (GNTTAB_BUFFER_NREFS).  With a
 * reservation the references are claimed from it, otherwise taken from
 * the free list.  All or nothing: on failure whatever was granted is
 * revoked.  EINVAL for an empty buffer or too little room, EFAULT for a
 * page that is not mapped, ENOSPC when references run out.
 */
int
gnttab_grant_buffer(domid_t domid, const void *buf, size_t len,
    bool readonly, struct gnttab_reservation *res, grant_ref_t *refs,
    u_int *nrefsp)
{
	vm_offset_t va;
	vm_paddr_t pa;
	u_int n, i;
	int error;

	if (len == 0 || (n = GNTTAB_BUFFER_NREFS(buf, len)) > *nrefsp)
		return (EINVAL);
	va = trunc_page((vm_offset_t)buf);
	error = 0;
	for (i = 0; i < n; i++, va += PAGE_SIZE) {
		pa = pmap_extract(kernel_pmap, va);
		if (pa == PMAP_NOPAGE) {
			error = EFAULT;
			break;
		}
		if (res != NULL) {
			if ((error = gnttab_claim(res, &refs[i])) != 0)
				break;
			error = gnttab_grant_access_ref(refs[i], domid,
			    pfn_to_mfn(atop(pa)), readonly);
			if (error != 0) {
				(void)gnttab_release(res, refs[i]);
				break;
			}
		} else if ((error = gnttab_grant_foreign_access(domid,
		    pfn_to_mfn(atop(pa)), readonly, &refs[i])) != 0)
			break;
	}
	if (error != 0) {
		/* Nobody has had the references: revoking cannot be refused. */
		while (i-- > 0) {
			if (res != NULL) {
				(void)gnttab_end_access_ref(refs[i]);
				(void)gnttab_release(res, refs[i]);
			} else
				(void)gnttab_end_foreign_access(refs[i]);
			refs[i] = GNTTAB_REF_INVALID;
		}
		return (error);
	}
	*nrefsp = n;
	return (0);
}

/*
 * Revoke the grants of a buffer: each reference that is revoked goes back
 * to 'res' (or the free list, without one) and becomes GNTTAB_REF_INVALID
 * in refs[]; one the other end still uses stays as it is, and EBUSY is
 * returned, so that the caller can call again later with the same array.
 */
int
gnttab_end_buffer(struct gnttab_reservation *res, grant_ref_t *refs, u_int n)
{
	u_int i;
	int error, rv;

	rv = 0;
	for (i = 0; i < n; i++) {
		if (refs[i] == GNTTAB_REF_INVALID)
			continue;
		if (res != NULL) {
			if ((error = gnttab_end_access_ref(refs[i])) == 0)
				error = gnttab_release(res, refs[i]);
		} else
			error = gnttab_end_foreign_access(refs[i]);
		if (error == 0)
			refs[i] = GNTTAB_REF_INVALID;
		else if (rv != EBUSY)
			rv = error;
	}
	return (rv);
}

/*
 * The entry of 'ref' as Xen and the other end see it, for diagnostics and
 * tests; NULL beyond the table.  Read it, never write it.
 */
const volatile grant_entry_v1_t *
gnttab_entry(grant_ref_t ref)
{
	if (ref >= gnttab_stats.gs_nentries)
		return (NULL);
	return (&gnttab_table[ref]);
}

/* Is the other end using the grant (mapped or copying) right now? */
bool
gnttab_query_foreign_access(grant_ref_t ref)
{
	if (ref >= gnttab_stats.gs_nentries)
		return (false);
	return ((gnttab_table[ref].flags & (GTF_reading | GTF_writing)) != 0);
}

/*
 * Revoke a grant.  EBUSY if the other end still has it mapped: the grant
 * stays valid and the page must not be reused; try again later.  EINVAL
 * for a reference that is not granted.
 */
int
gnttab_end_foreign_access(grant_ref_t ref)
{
	int error;

	mtx_lock_spin(&gnttab_lock);
	if (!gnttab_fl_inuse(&gnttab_fl, ref)) {
		mtx_unlock_spin(&gnttab_lock);
		return (EINVAL);
	}
	/* A held ref that grants nothing (claimed, or revoked) just goes. */
	error = gnttab_revoke(ref);
	if (error == EBUSY) {
		mtx_unlock_spin(&gnttab_lock);
		return (EBUSY);
	}
	if ((error = gnttab_fl_put(&gnttab_fl, ref)) == 0) {
		gnttab_stats.gs_inuse--;
		gnttab_sync_stats();
		gnttab_run_callbacks();
	}
	mtx_unlock_spin(&gnttab_lock);
	return (error);
}

/*
 * Call fn(arg) once 'count' references are free (at once, if they are);
 * from the revoking context, with the grant-table lock held: fn must only
 * schedule work, not grant.
 */
void
gnttab_request_free_callback(struct gnttab_free_callback *cb,
    gnttab_free_callback_t *fn, void *arg, u_int count)
{
	mtx_lock_spin(&gnttab_lock);
	if (!cb->gfc_queued) {
		cb->gfc_fn = fn;
		cb->gfc_arg = arg;
		cb->gfc_count = count;
		cb->gfc_next = gnttab_callbacks;
		cb->gfc_queued = true;
		gnttab_callbacks = cb;
	}
	gnttab_run_callbacks();
	mtx_unlock_spin(&gnttab_lock);
}

void
gnttab_cancel_free_callback(struct gnttab_free_callback *cb)
{
	struct gnttab_free_callback **prevp;

	mtx_lock_spin(&gnttab_lock);
	for (prevp = &gnttab_callbacks; *prevp != NULL;
	    prevp = &(*prevp)->gfc_next)
		if (*prevp == cb) {
			*prevp = cb->gfc_next;
			cb->gfc_queued = false;
			break;
		}
	mtx_unlock_spin(&gnttab_lock);
}

static void
gnttab_init(void *arg)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	u_int nframes;
	uint32_t *next;
	long rv;

	mtx_init(&gnttab_lock, "gnttab", MTX_SPIN);
	rv = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1);
	if (rv != 0 || q.status != GNTST_okay || q.max_nr_frames == 0) {
		printf("gnttab: query_size failed: %ld/%d; no grant table\n",
		    rv, q.status);
		return;
	}
	gnttab_max_frames = q.max_nr_frames;
	gnttab_stats.gs_max_frames = q.max_nr_frames;
	nframes = q.nr_frames > 0 ? q.nr_frames : 1;
	gnttab_table = (volatile grant_entry_v1_t *)kva_alloc(
	    ptoa(gnttab_max_frames));
	if (gnttab_table == NULL ||
	    pmap_growkernel((vm_offset_t)gnttab_table) != 0 ||
	    pmap_growkernel((vm_offset_t)gnttab_table +
	    ptoa(gnttab_max_frames) - 1) != 0)
		panic("gnttab: no kernel virtual memory for the table");
	next = malloc(nframes * GNTTAB_PER_FRAME * sizeof(*next), M_GNTTAB,
	    M_WAITOK);
	mtx_lock_spin(&gnttab_lock);
	if (gnttab_map_frames(nframes) != 0)
		panic("gnttab: cannot set up the grant table");
	gnttab_fl_init(&gnttab_fl, next, nframes * GNTTAB_PER_FRAME);
	gnttab_stats.gs_nentries = nframes * GNTTAB_PER_FRAME;
	gnttab_sync_stats();
	mtx_unlock_spin(&gnttab_lock);
	printf("gnttab: v1, %u of at most %u frames, %lu references\n",
	    nframes, gnttab_max_frames, gnttab_stats.gs_nentries);
}
SYSINIT(gnttab, SI_SUB_XEN, SI_ORDER_FIRST, gnttab_init, NULL);

/*
 * Suspend and resume (xen_suspend(9)), events masked.  The table frames
 * are Xen's, not our RAM, and a save refuses page tables that map them:
 * gnttab_suspend unmaps them.  gnttab_resume asks Xen for as many frames
 * again and maps them at the same place.  After a cancelled suspend they
 * are the same frames with every entry intact.  A new domain has a fresh
 * table (only the toolstack's entries for the console and xenstore
 * rings): every grant we had made is void, though our bookkeeping still
 * counts the references as in use until their owners -- drivers that
 * reconnect in DEVICE_RESUME -- grant them again or release them.
 */
void
gnttab_suspend(void)
{
	u_int i;

	mtx_lock_spin(&gnttab_lock);
	for (i = 0; i < gnttab_stats.gs_frames; i++)
		pmap_kremove((vm_offset_t)gnttab_table + ptoa(i));
	mtx_unlock_spin(&gnttab_lock);
}

void
gnttab_resume(bool newdom)
{
	u_int nframes;
	int error;

	mtx_lock_spin(&gnttab_lock);
	nframes = gnttab_stats.gs_frames;
	gnttab_stats.gs_frames = 0;
	if (nframes != 0 && (error = gnttab_map_frames(nframes)) != 0)
		panic("gnttab: cannot map %u table frames after resume: %d",
		    nframes, error);
	if (newdom)
		gnttab_stats.gs_resumes++;
	mtx_unlock_spin(&gnttab_lock);
}

/* Xen's view of our table now: frames set up and the most it allows. */
int
gnttab_query_size(u_int *nframesp, u_int *maxp)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	long rv;

	rv = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1);
	if (rv != 0)
		return (xen_errno(rv));
	if (q.status != GNTST_okay)
		return (EINVAL);
	*nframesp = q.nr_frames;
	*maxp = q.max_nr_frames;
	return (0);
}

#include <sys/sysctl.h>

/* sysctl: hw.xen.gnttab. */
SYSCTL_DECL(_hw_xen);
SYSCTL_NODE(_hw_xen, gnttab, "grant tables");
SYSCTL_ULONG(_hw_xen_gnttab, inuse, &gnttab_stats.gs_inuse,
    "references handed out now: granted or claimed");
SYSCTL_ULONG(_hw_xen_gnttab, reserved, &gnttab_stats.gs_reserved,
    "references set aside in reservations, not claimed");
SYSCTL_ULONG(_hw_xen_gnttab, free, &gnttab_stats.gs_free,
    "references on the free list");
SYSCTL_ULONG(_hw_xen_gnttab, entries, &gnttab_stats.gs_nentries,
    "entries in the table");
SYSCTL_ULONG(_hw_xen_gnttab, frames, &gnttab_stats.gs_frames,
    "table frames");
SYSCTL_ULONG(_hw_xen_gnttab, max_frames, &gnttab_stats.gs_max_frames,
    "most frames Xen allows");
SYSCTL_ULONG(_hw_xen_gnttab, grants, &gnttab_stats.gs_grants,
    "grants ever made");
SYSCTL_ULONG(_hw_xen_gnttab, busy, &gnttab_stats.gs_busy,
    "revokes refused: still mapped");
SYSCTL_ULONG(_hw_xen_gnttab, resumes, &gnttab_stats.gs_resumes,
    "fresh tables after a resume in a new domain");
SYSCTL_ULONG(_hw_xen_gnttab, exhausted, &gnttab_stats.gs_exhausted,
    "requests refused: no free reference");
