/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Batching of page-table updates (see <machine/mmu_batch.h>).
 *
 * A PV guest may not write its page tables directly: each entry is
 * validated by Xen through mmu_update (page-table writes, given as the
 * machine address of the entry and its new value) or changed implicitly
 * by mmuext_op (pin, unpin, TLB flush, invlpg, new base pointer).  Each
 * hypercall is a trip through the hypervisor, so pmap queues its work here
 * and flushes it once per logical operation.
 *
 * Order matters: a frame must be made read-only before it can be linked
 * as a table, a stale TLB entry flushed after a PTE changes.  The queue is
 * therefore a list of segments, each a run of one kind; the flush sends
 * one hypercall per segment, wrapped in a single multicall when there is
 * more than one.  Xen runs multicall entries in order, and a failing entry
 * does not stop the others, so every result is checked and the first
 * failure is reported (and counted) with what it was doing.
 *
 * Callers hold whatever lock protects the page tables; the batch itself
 * is not shared.  Builds on the host too (tests/sys/amd64/mmu_batch_test.c)
 * against fake hypercalls.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <machine/hypercall.h>

#include <machine/mmu_batch.h>

struct mmu_stats mmu_stats;

static void	mmu_batch_submit(struct mmu_batch *);

void
mmu_batch_init(struct mmu_batch *mb)
{
	mb->mb_nreq = mb->mb_next = mb->mb_nseg = 0;
	mb->mb_error = 0;
}

/* The segment for a new operation of kind 'ext', or NULL if full. */
static struct mmu_batch_seg *
mmu_batch_seg(struct mmu_batch *mb, u_int ext)
{
	struct mmu_batch_seg *seg;

	if (mb->mb_nseg > 0) {
		seg = &mb->mb_seg[mb->mb_nseg - 1];
		if (seg->ms_ext == ext)
			return (seg);
	}
	if (mb->mb_nseg == MMU_BATCH_NSEG)
		return (NULL);
	seg = &mb->mb_seg[mb->mb_nseg++];
	seg->ms_ext = ext;
	seg->ms_first = ext ? mb->mb_next : mb->mb_nreq;
	seg->ms_count = 0;
	seg->ms_done = 0;
	return (seg);
}

/* Queue "*ptr = val" (ptr: machine address of a PTE; or an m2p update). */
void
mmu_batch_update(struct mmu_batch *mb, uint64_t ptr, uint64_t val)
{
	struct mmu_batch_seg *seg;

	if (mb->mb_nreq == MMU_BATCH_NREQ ||
	    (seg = mmu_batch_seg(mb, 0)) == NULL) {
		mmu_batch_submit(mb);
		seg = mmu_batch_seg(mb, 0);
	}
	mb->mb_req[mb->mb_nreq].ptr = ptr;
	mb->mb_req[mb->mb_nreq].val = val;
	mb->mb_nreq++;
	seg->ms_count++;
}

void
mmu_batch_ext(struct mmu_batch *mb, u_int cmd, u_long arg1, u_long arg2)
{
	struct mmu_batch_seg *seg;
	struct mmuext_op *op;

	if (mb->mb_next == MMU_BATCH_NEXT ||
	    (seg = mmu_batch_seg(mb, 1)) == NULL) {
		mmu_batch_submit(mb);
		seg = mmu_batch_seg(mb, 1);
	}
	op = &mb->mb_ext[mb->mb_next++];
	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->arg1.mfn = arg1;
	op->arg2.nr_ents = (u_int)arg2;
	if (cmd == MMUEXT_COPY_PAGE)
		op->arg2.src_mfn = arg2;
	seg->ms_count++;
}

static void
mmu_batch_report(struct mmu_batch *mb, struct mmu_batch_seg *seg, long rv)
{
	u_int i = seg->ms_first + seg->ms_done;

	mmu_stats.ms_errors++;
	if (mb->mb_error == 0)
		mb->mb_error = xen_errno(rv);
	if (seg->ms_ext)
		printf("mmu_batch: mmuext_op %u of %u (cmd %u, arg %#lx) "
		    "failed: %d\n", seg->ms_done + 1, seg->ms_count,
		    mb->mb_ext[i].cmd, (u_long)mb->mb_ext[i].arg1.mfn,
		    xen_errno(rv));
	else
		printf("mmu_batch: mmu_update %u of %u (ptr %#lx, val %#lx) "
		    "failed: %d\n", seg->ms_done + 1, seg->ms_count,
		    (u_long)mb->mb_req[i].ptr, (u_long)mb->mb_req[i].val,
		    xen_errno(rv));
}

/*
 * Send everything queued, keeping the first error in mb_error.  The queue
 * does this by itself when it is full; mmu_batch_flush() then reports
 * that error too.
 */
static void
mmu_batch_submit(struct mmu_batch *mb)
{
	multicall_entry_t mc[MMU_BATCH_NSEG];
	struct mmu_batch_seg *seg;
	long rv;
	u_int i;

	if (mb->mb_nseg == 1) {
		seg = &mb->mb_seg[0];
		if (seg->ms_ext)
			rv = xen_hyp_mmuext_op(&mb->mb_ext[seg->ms_first],
			    seg->ms_count, &seg->ms_done);
		else
			rv = xen_hyp_mmu_update(&mb->mb_req[seg->ms_first],
			    seg->ms_count, &seg->ms_done);
		mmu_stats.ms_hypercalls++;
		if (rv < 0)
			mmu_batch_report(mb, seg, rv);
	} else if (mb->mb_nseg > 1) {
		memset(mc, 0, sizeof(mc));
		for (i = 0; i < mb->mb_nseg; i++) {
			seg = &mb->mb_seg[i];
			mc[i].op = seg->ms_ext ? __HYPERVISOR_mmuext_op :
			    __HYPERVISOR_mmu_update;
			mc[i].args[0] = seg->ms_ext ?
			    (uintptr_t)&mb->mb_ext[seg->ms_first] :
			    (uintptr_t)&mb->mb_req[seg->ms_first];
			mc[i].args[1] = seg->ms_count;
			mc[i].args[2] = (uintptr_t)&seg->ms_done;
			mc[i].args[3] = DOMID_SELF;
		}
		rv = xen_hyp_multicall(mc, mb->mb_nseg);
		mmu_stats.ms_hypercalls++;
		mmu_stats.ms_multicalls++;
		for (i = 0; i < mb->mb_nseg; i++) {
			seg = &mb->mb_seg[i];
			if (rv < 0)
				mmu_batch_report(mb, seg, rv);
			else if ((long)mc[i].result < 0)
				mmu_batch_report(mb, seg, (long)mc[i].result);
		}
	}
	mmu_stats.ms_updates += mb->mb_nreq;
	mmu_stats.ms_extops += mb->mb_next;
	mb->mb_nreq = mb->mb_next = mb->mb_nseg = 0;
}

/*
 * Send everything queued.  Returns 0, or the errno of the first failure
 * since the previous mmu_batch_flush(), including failures of the flushes
 * the queue made by itself when full.
 */
int
mmu_batch_flush(struct mmu_batch *mb)
{
	int error;

	mmu_batch_submit(mb);
	error = mb->mb_error;
	mb->mb_error = 0;
	return (error);
}
