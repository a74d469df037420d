/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_XEN_MEM_H_
#define	_MACHINE_XEN_MEM_H_

/*
 * The domain's memory reservation (see xen_mem(9)): give the frames
 * behind pages back to Xen and have Xen populate those pages again, with
 * the p2m, the m2p and the direct map kept in step.  For a balloon driver.
 */

struct vm_page;

struct xen_mem_stats {
	u_long	xm_decreased;	/* pages given back to Xen */
	u_long	xm_populated;	/* pages populated again */
	u_long	xm_refused;	/* pages Xen would not take or give */
};
extern struct xen_mem_stats xen_mem_stats;

int	xen_mem_decrease(struct vm_page **, u_int, u_int *);
int	xen_mem_populate(struct vm_page **, u_int, u_int *);
int	xen_mem_reservation(u_long *, u_long *);

#endif /* !_MACHINE_XEN_MEM_H_ */
