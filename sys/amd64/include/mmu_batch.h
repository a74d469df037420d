/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_MMU_BATCH_H_
#define	_MACHINE_MMU_BATCH_H_

#include <xen/xen.h>

/*
 * A queue of page-table writes (mmu_update requests) and MMU extended
 * operations (pin, unpin, TLB flushes, new base pointer) sent to Xen in as
 * few hypercalls as possible.  Operations run in the order they were
 * queued: a run of updates becomes one mmu_update call, a run of extended
 * operations one mmuext_op call, and several runs go together in one
 * multicall.  A full queue flushes itself.
 */

#define	MMU_BATCH_NREQ	128	/* mmu_update requests per batch */
#define	MMU_BATCH_NEXT	32	/* mmuext ops per batch */
#define	MMU_BATCH_NSEG	8	/* alternating runs per batch */

struct mmu_batch_seg {
	u_int		ms_ext;		/* 0: updates, 1: extended ops */
	u_int		ms_first;	/* index in mb_req or mb_ext */
	u_int		ms_count;
	u_int		ms_done;	/* completed, from Xen */
};

struct mmu_batch {
	mmu_update_t	 mb_req[MMU_BATCH_NREQ];
	struct mmuext_op mb_ext[MMU_BATCH_NEXT];
	struct mmu_batch_seg mb_seg[MMU_BATCH_NSEG];
	u_int		 mb_nreq;
	u_int		 mb_next;
	u_int		 mb_nseg;
	int		 mb_error;	/* first error since last check */
};

/* Counters for sysctl and the pmap tests. */
struct mmu_stats {
	u_long	ms_hypercalls;	/* mmu_update + mmuext_op + multicall */
	u_long	ms_multicalls;
	u_long	ms_updates;	/* mmu_update requests sent */
	u_long	ms_extops;	/* mmuext operations sent */
	u_long	ms_errors;
};
extern struct mmu_stats mmu_stats;

void	mmu_batch_init(struct mmu_batch *);
void	mmu_batch_update(struct mmu_batch *, uint64_t, uint64_t);
void	mmu_batch_ext(struct mmu_batch *, u_int, u_long, u_long);
int	mmu_batch_flush(struct mmu_batch *);

/* The hypercalls underneath (machine/hypercall.h; faked in host tests). */
long	xen_hyp_mmu_update(mmu_update_t *, u_int, u_int *);
long	xen_hyp_mmuext_op(struct mmuext_op *, u_int, u_int *);
long	xen_hyp_multicall(multicall_entry_t *, u_int);

#endif /* !_MACHINE_MMU_BATCH_H_ */
