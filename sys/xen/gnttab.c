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

static __inline long
HYPERVISOR_grant_table_op(u_int cmd, void *arg, u_int count)
{
	return (_hypercall3(20, cmd, arg, count));
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
	return (0);
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

	mtx_lock_spin(&gnttab_lock);
	if ((error = gnttab_fl_get(&gnttab_fl, &ref)) != 0 &&
	    (gnttab_grow() != 0 || (error = gnttab_fl_get(&gnttab_fl,
	    &ref)) != 0)) {
		gnttab_stats.gs_exhausted++;
		mtx_unlock_spin(&gnttab_lock);
		return (ENOSPC);
	}
	gnttab_table[ref].frame = (uint32_t)mfn;
	gnttab_table[ref].domid = domid;
	wmb();
	gnttab_table[ref].flags = GTF_permit_access |
	    (readonly ? GTF_readonly : 0);
	gnttab_stats.gs_inuse++;
	gnttab_stats.gs_grants++;
	mtx_unlock_spin(&gnttab_lock);
	*refp = ref;
	return (0);
}

/* Is the other end using the grant (mapped or copying) right now? */
bool
gnttab_query_foreign_access(grant_ref_t ref)
{
	return ((gnttab_table[ref].flags & (GTF_reading | GTF_writing)) != 0);
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
 * Revoke a grant.  EBUSY if the other end still has it mapped: the grant
 * stays valid and the page must not be reused; try again later.  EINVAL
 * for a reference that is not granted.
 */
int
gnttab_end_foreign_access(grant_ref_t ref)
{
	volatile uint16_t *flagsp;
	uint16_t flags;
	int error;

	mtx_lock_spin(&gnttab_lock);
	if (ref < GNTTAB_NR_RESERVED || ref >= gnttab_fl.gf_nentries) {
		mtx_unlock_spin(&gnttab_lock);
		return (EINVAL);
	}
	flagsp = &gnttab_table[ref].flags;
	do {
		flags = *flagsp;
		if ((flags & (GTF_reading | GTF_writing)) != 0) {
			gnttab_stats.gs_busy++;
			mtx_unlock_spin(&gnttab_lock);
			return (EBUSY);
		}
	} while (!__atomic_compare_exchange_n(flagsp, &flags, 0, false,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	if ((error = gnttab_fl_put(&gnttab_fl, ref)) == 0) {
		gnttab_stats.gs_inuse--;
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
	mtx_unlock_spin(&gnttab_lock);
	printf("gnttab: v1, %u of at most %u frames, %lu references\n",
	    nframes, gnttab_max_frames, gnttab_stats.gs_nentries);
}
SYSINIT(gnttab, SI_SUB_XEN, SI_ORDER_FIRST, gnttab_init, NULL);

#include <sys/sysctl.h>

/* sysctl: hw.xen.gnttab. */
SYSCTL_DECL(_hw_xen);
SYSCTL_NODE(_hw_xen, gnttab, "grant tables");
SYSCTL_ULONG(_hw_xen_gnttab, inuse, &gnttab_stats.gs_inuse,
    "grants handed out now");
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
SYSCTL_ULONG(_hw_xen_gnttab, exhausted, &gnttab_stats.gs_exhausted,
    "requests refused: no free reference");
