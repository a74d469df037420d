/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Suspending the domain: the guest's side of xl save, xl save -c and xl
 * migrate (xen_suspend(9); the walk-through is in xen(4), SUSPEND AND
 * RESUME).
 *
 * The toolstack asks (the control driver hears "suspend" in
 * control/shutdown and calls xen_suspend() from a thread of its own); the
 * guest puts everything it shares with Xen and other domains in a state
 * that survives being copied into a file, then calls
 * SCHEDOP_shutdown(SHUTDOWN_suspend).  The domain stops there.  The call
 * returns 1 in the same domain if the toolstack cancelled or merely
 * checkpointed it (xl save -c), 0 in a new domain made from the saved
 * image (xl restore, or the far end of a migration), where machine
 * frames, event channels, grant table, xenstore connection and backends
 * are all new.  The order:
 *
 *   device_suspend(root)   drivers quiesce, children first; any refusal
 *                          resumes what was suspended and ends it here
 *   xs_suspend             no xenstore request left in flight
 *   events masked          from here on nothing else runs
 *   xen_clock_suspend      timer stopped, clock noted
 *   gnttab_suspend         table frames unmapped (they are not our RAM)
 *   xen_md_suspend         shared_info unmapped, start_info prepared, the
 *                          hypercall; then shared_info mapped again and,
 *                          in a new domain, start_info, the L4 and the
 *                          published p2m brought up to date, and the
 *                          console told (cnresume: its new port)
 *   gnttab_resume          table frames mapped again
 *   evtchn_resume          new domain: every old binding dropped
 *   xen_clock_resume       clock continued, VIRQ_TIMER bound, timer armed
 *   events unmasked
 *   xs_resume              new port, domid, every watch registered again
 *   device_resume(root)    parents first: the bus, then each driver
 *                          (xen_suspend_cancelled says which case)
 *
 * The steps are plain calls so that a host test can run this file over
 * the real newbus code with the Xen steps recorded (tests/sys/xen).  The
 * counters (hw.xen.suspend) are declared with the other hw.xen nodes in
 * machdep.c.
 *
 * Context: a thread that may sleep and is neither the xenstore watch
 * thread nor a bus's task thread (drivers waiting for their backends
 * need those).  It holds the topology lock throughout: no device comes
 * or goes during a suspend.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/queue.h>
#include <sys/kobj.h>
#include <sys/bus.h>
#include <sys/timetc.h>
#include <machine/cpufunc.h>
#include <xen/gnttab.h>
#include <xen/xen_evtchn.h>
#include <xen/xen_suspend.h>
#include <xen/xenstore/xenstorevar.h>

bool xen_suspend_cancelled;
struct xen_suspend_stats xen_suspend_stats;
static bool xen_suspending;

int
xen_suspend(void)
{
	uint64_t t0, t1, t2;
	register_t s;
	bool newdom;
	int error;
	u_int dropped;

	bus_topo_lock();
	if (xen_suspending) {
		bus_topo_unlock();
		return (EBUSY);
	}
	xen_suspending = true;
	/* A device that refuses makes the others resume in place. */
	xen_suspend_cancelled = true;
	t0 = nanouptime_ns();
	printf("xen_suspend: suspending devices\n");
	if ((error = device_suspend(root_bus)) != 0) {
		printf("xen_suspend: a device refused to suspend (error %d); "
		    "not suspending\n", error);
		xen_suspend_stats.xss_refused++;
		goto out;
	}
	if ((error = xs_suspend()) != 0) {
		xen_suspend_stats.xss_refused++;
		(void)xs_resume(false);
		(void)device_resume(root_bus);
		goto out;
	}
	printf("xen_suspend: suspending the domain\n");

	s = intr_disable();
	xen_clock_suspend();
	t1 = nanouptime_ns();
	gnttab_suspend();
	xen_suspend_stats.xss_suspends++;
	error = xen_md_suspend(&newdom);
	gnttab_resume(newdom);
	dropped = evtchn_resume(newdom);
	xen_clock_resume(newdom);
	xen_suspend_cancelled = !newdom;
	intr_restore(s);
	t2 = nanouptime_ns();

	if (error != 0) {
		/* Xen refused: nothing happened; go on as after a cancel. */
		printf("xen_suspend: the suspend hypercall failed: %d\n",
		    error);
	} else if (newdom) {
		xen_suspend_stats.xss_resumed++;
		printf("xen_suspend: resumed in a new domain (%u event "
		    "channel bindings dropped)\n", dropped);
	} else {
		xen_suspend_stats.xss_cancelled++;
		printf("xen_suspend: suspend cancelled, resuming in place\n");
	}
	if (xs_resume(newdom) != 0)
		printf("xen_suspend: xenstore did not come back; devices "
		    "will not reconnect\n");
	(void)device_resume(root_bus);
	xen_suspend_stats.xss_last_suspend_us = (t1 - t0) / 1000;
	xen_suspend_stats.xss_last_resume_us = (nanouptime_ns() - t2) / 1000;
	printf("xen_suspend: done (guest: %lu us to suspend, %lu us to "
	    "resume)\n", (u_long)xen_suspend_stats.xss_last_suspend_us,
	    (u_long)xen_suspend_stats.xss_last_resume_us);
out:
	xen_suspending = false;
	bus_topo_unlock();
	return (error);
}
