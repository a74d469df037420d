/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Time under Xen.
 *
 * Timecounter.  Xen publishes, per vCPU, a snapshot {tsc_timestamp,
 * system_time} and the scale (tsc_to_system_mul, tsc_shift) that turns TSC
 * ticks since the snapshot into nanoseconds (<machine/pvclock.h>).  The
 * record is guarded by a version number that is odd while Xen rewrites
 * it: read the version, copy, re-check, retry on any change.  Xen system
 * time counts nanoseconds since the host booted; it is also what
 * SCHEDOP_poll and the one-shot timer take as deadlines, so the kernel's
 * uptime uses the same clock (made monotonic in kern_tc.c).
 *
 * Wall clock.  shared_info holds the UTC time at system time 0 (wc_sec,
 * wc_nsec, wc_sec_hi) under the same odd/even protocol (wc_version).
 *
 * Suspend and resume (xen_suspend(9)).  In a new domain -- after a restore
 * or a migration -- system time is the new host's, which may be far ahead
 * (time spent saved) or behind (another host); the time record's scale
 * changes too.  The kernel's clock is therefore Xen system time plus an
 * offset, 0 until the first resume and then set so that the clock goes on
 * from the last reading before the suspend: uptime never goes back and
 * does not count the time the domain did not exist.  Deadlines handed to
 * Xen (the one-shot timer, SCHEDOP_poll) are converted back to system
 * time (xen_clock_to_system).  The wall clock is read again from the new
 * shared_info, so it follows the new host.  A new vCPU also comes with
 * Xen's default periodic timer and no VIRQ_TIMER binding: both are dealt
 * with as at boot.
 *
 * Event timer.  A PV vCPU starts with a 10 ms periodic timer; we stop it
 * and program a one-shot (VCPUOP_set_singleshot_timer) for the earliest
 * callout instead.  Either raises VIRQ_TIMER, bound to an event channel
 * whose handler runs callout_process().  A deadline already past fires at
 * once (Xen 4.17 ignores VCPU_SSHOTTMR_future).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/callout.h>
#include <sys/kernel.h>
#include <sys/timetc.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/hypercall.h>
#include <machine/pvclock.h>
#include <machine/xen.h>
#include <xen/xen_evtchn.h>
#include <xen/xen_suspend.h>

static evtchn_port_t xen_timer_port;
u_long xen_timer_interrupts;
static int64_t xen_clock_offset;	/* kernel clock - Xen system time */
static uint64_t xen_clock_suspended;	/* kernel clock at suspend */

/*
 * Xen system time, ns, at TSC reading 'tsc' (0: now), from vCPU 0's time
 * record: usable as soon as shared_info is mapped.  The timecounter and
 * the first instruction's reading use the very same arithmetic, so that
 * the two lie on one clock.
 */
uint64_t
xen_clock_tsc_ns(uint64_t tsc)
{
	volatile struct vcpu_time_info *t;
	uint64_t tsc_stamp, sys, now;
	uint32_t version, mul;
	int8_t shift;

	t = &HYPERVISOR_shared_info->vcpu_info[0].time;
	do {
		version = t->version;
		rmb();
		tsc_stamp = t->tsc_timestamp;
		sys = t->system_time;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		now = tsc != 0 ? tsc : rdtsc();
		rmb();
	} while ((version & 1) != 0 || version != t->version);
	return (sys + pvclock_scale(now - tsc_stamp, mul, shift) +
	    (uint64_t)xen_clock_offset);
}

/* A deadline on the kernel's clock as Xen system time. */
uint64_t
xen_clock_to_system(uint64_t ns)
{
	return (ns - (uint64_t)xen_clock_offset);
}

/* Xen system time, ns: the timecounter. */
uint64_t
xen_clock_ns(void)
{
	return (xen_clock_tsc_ns(0));
}

static struct timecounter xen_timecounter = {
	.tc_name = "XENTIMER (vcpu_time_info)",
	.tc_get_ns = xen_clock_ns,
	.tc_quality = 100,
};

static void
xen_read_wallclock(void)
{
	volatile shared_info_t *s = HYPERVISOR_shared_info;
	uint32_t version;
	uint64_t sec;
	long nsec;

	do {
		version = s->wc_version;
		rmb();
		sec = ((uint64_t)s->wc_sec_hi << 32) | s->wc_sec;
		nsec = s->wc_nsec;
		rmb();
	} while ((version & 1) != 0 || version != s->wc_version);
	/* That was the wall clock at system time 0: our offset. */
	tc_setclock_wall((int64_t)sec, nsec, (uint64_t)xen_clock_offset);
}

static int
xen_et_start(uint64_t deadline)
{
	struct vcpu_set_singleshot_timer t = {
		.timeout_abs_ns = xen_clock_to_system(deadline),
		.flags = 0,
	};

	return (xen_errno(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0,
	    &t)));
}

static void
xen_et_stop(void)
{
	(void)HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
}

static struct eventtimer xen_eventtimer = {
	.et_name = "XENTIMER (one-shot, VIRQ_TIMER)",
	.et_start = xen_et_start,
	.et_stop = xen_et_stop,
};

static void
xen_timer_intr(void *arg)
{
	xen_timer_interrupts++;
	callout_process(nanouptime_ns());
}

static void
xen_clock_init(void *arg)
{
	struct timespec ts;
	int error;

	tc_init(&xen_timecounter);
	xen_read_wallclock();
	(void)HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	error = evtchn_bind_virq(VIRQ_TIMER, xen_timer_intr, NULL, "timer",
	    &xen_timer_port);
	if (error != 0)
		panic("clock: cannot bind VIRQ_TIMER: %d", error);
	et_register(&xen_eventtimer);
	nanotime(&ts);
	printf("clock: Xen system time %lu.%09lu s, wall clock %ld s UTC, "
	    "timer on event channel %u\n", nanouptime_ns() / 1000000000,
	    nanouptime_ns() % 1000000000, (long)ts.tv_sec, xen_timer_port);
}
SYSINIT(xen_clock, SI_SUB_CLOCKS, SI_ORDER_FIRST, xen_clock_init, NULL);

/*
 * Before the suspend hypercall (events masked): stop the one-shot timer
 * and note the clock.
 */
void
xen_clock_suspend(void)
{
	xen_et_stop();
	xen_clock_suspended = nanouptime_ns();
}

/*
 * After it (events masked, shared_info mapped again).  In a new domain:
 * continue the clock from where it stopped, read the new wall clock, stop
 * the default periodic timer and bind VIRQ_TIMER again (event channels
 * were all lost).  In both cases arm the timer for the next callout.
 */
void
xen_clock_resume(bool newdom)
{
	int error;

	if (newdom) {
		xen_clock_offset = 0;
		xen_clock_offset = (int64_t)(xen_clock_suspended -
		    xen_clock_ns());
		xen_read_wallclock();
		(void)HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
		error = evtchn_bind_virq(VIRQ_TIMER, xen_timer_intr, NULL,
		    "timer", &xen_timer_port);
		if (error != 0)
			panic("clock: cannot bind VIRQ_TIMER after resume: %d",
			    error);
	}
	callout_rearm_timer();
}
