/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _XEN_XEN_SUSPEND_H_
#define	_XEN_XEN_SUSPEND_H_

/*
 * Suspending the domain for the toolstack (xl save, xl migrate): see
 * xen_suspend(9).
 */
int	xen_suspend(void);

/*
 * While DEVICE_RESUME methods run: true if the suspend was cancelled (the
 * same domain goes on, every port, grant and backend connection is as it
 * was), false if this is a new domain (restore or migration: everything
 * shared with Xen or another domain must be set up again).
 */
extern bool	xen_suspend_cancelled;

struct xen_suspend_stats {
	u_long	xss_suspends;		/* hypercalls made */
	u_long	xss_cancelled;		/* ... that returned 1 */
	u_long	xss_resumed;		/* ... returned 0: new domain */
	u_long	xss_refused;		/* a device or xenstore said no */
	u_long	xss_last_suspend_us;	/* guest's part: entry to hypercall */
	u_long	xss_last_resume_us;	/* hypercall return to done */
};
extern struct xen_suspend_stats xen_suspend_stats;

/*
 * The machine-dependent steps (sys/amd64/xen: machdep.c, clock.c), called
 * by xen_suspend() with events masked.  xen_md_suspend() makes the
 * hypercall: 0 with *newdom set when resumed (in a new domain or not),
 * or the error of a refused hypercall.
 */
int	xen_md_suspend(bool *newdom);
void	xen_clock_suspend(void);
void	xen_clock_resume(bool newdom);

#endif /* !_XEN_XEN_SUSPEND_H_ */
