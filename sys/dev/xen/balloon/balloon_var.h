/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _DEV_XEN_BALLOON_BALLOON_VAR_H_
#define	_DEV_XEN_BALLOON_BALLOON_VAR_H_

#include <sys/queue.h>

/*
 * The balloon's bookkeeping (balloon_core.c, see balloon(4)): which pages
 * it holds with no memory behind them, how far it may go down, and the
 * steps that move the domain toward a target.  The reservation itself is
 * reached through balloon_ops (xen_mem(9) in the kernel, a fake Xen in
 * the host tests).  Sizes are in pages unless a name says KiB.
 */

#define	BALLOON_BATCH		256	/* pages per step */
#define	BALLOON_MINFREE		512	/* free pages never given away (2 MiB) */
#define	BALLOON_KIB_MAX		(1UL << 40)	/* 1 PiB: larger is garbage */

struct balloon_ops {
	/* xen_mem_decrease(9) and xen_mem_populate(9). */
	int	(*bo_decrease)(vm_page_t *, u_int, u_int *);
	int	(*bo_populate)(vm_page_t *, u_int, u_int *);
};

struct balloon_stats {
	u_long	bs_decreased;	/* pages given back to the hypervisor */
	u_long	bs_populated;	/* pages taken again */
	u_long	bs_errors;	/* steps the hypervisor cut short */
	u_long	bs_refused;	/* targets refused (garbage, too large) */
	u_long	bs_floor_hits;	/* targets below the floor */
};

struct balloon {
	const struct balloon_ops *b_ops;
	TAILQ_HEAD(, vm_page) b_held;	/* unbacked pages, via plinks */
	u_long		b_nheld;
	u_long		b_minfree;
	struct balloon_stats b_stats;
	vm_page_t	b_batch[BALLOON_BATCH];
};

/* What balloon_parse_target() found wrong. */
#define	BALLOON_TGT_OK		0
#define	BALLOON_TGT_EMPTY	1
#define	BALLOON_TGT_GARBAGE	2	/* not only decimal digits */
#define	BALLOON_TGT_HUGE	3	/* above BALLOON_KIB_MAX */

void	balloon_init(struct balloon *, const struct balloon_ops *, u_long);
u_long	balloon_adopt(struct balloon *);
u_long	balloon_current(const struct balloon *);
u_long	balloon_floor(const struct balloon *);
u_long	balloon_high(const struct balloon *);
int	balloon_parse_target(const char *, size_t, u_long *);
const char *balloon_target_problem(int);
int	balloon_step(struct balloon *, u_long, u_long *, bool *);
int	balloon_release(struct balloon *, u_long *);

#endif /* !_DEV_XEN_BALLOON_BALLOON_VAR_H_ */
