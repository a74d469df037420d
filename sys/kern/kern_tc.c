/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Timekeeping: uptime from the timecounter, wall-clock time from a base
 * set by the machine-dependent clock, and DELAY().
 *
 * The timecounter's reading may step back a little -- under Xen, when the
 * hypervisor re-synchronises a vCPU's time record -- so the uptime seen by
 * the rest of the kernel is clamped to never decrease (and the clamps are
 * counted).  Until a timecounter registers, uptime is 0.
 *
 * Boot time.  The machine-dependent start notes the clock's reading at
 * the kernel's first instruction (boot_first_ns; under Xen, system time
 * from the TSC read there); the last SYSINIT before the end of boot reads
 * it again and reports the interval, from the guest's own side, in dmesg
 * and as kern.boot_to_prompt_us.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/timetc.h>
#include <machine/cpufunc.h>

static struct timecounter *timecounter;
static uint64_t tc_last;
static int64_t tc_wall_sec;		/* wall clock at uptime tc_wall_at */
static long tc_wall_nsec;
static uint64_t tc_wall_at;
u_long tc_backsteps;
uint64_t boot_first_ns;
uint64_t boot_done_ns;
static u_long boot_to_prompt_us;

void
tc_init(struct timecounter *tc)
{
	if (timecounter == NULL || tc->tc_quality > timecounter->tc_quality) {
		timecounter = tc;
		printf("timecounter: %s\n", tc->tc_name);
	}
}

uint64_t
nanouptime_ns(void)
{
	register_t s;
	uint64_t now;

	if (timecounter == NULL)
		return (0);
	s = intr_disable();
	now = timecounter->tc_get_ns();
	if (now < tc_last) {
		tc_backsteps++;
		now = tc_last;
	}
	tc_last = now;
	intr_restore(s);
	return (now);
}

/* The wall clock was (sec, nsec) at uptime 'at'. */
void
tc_setclock_wall(int64_t sec, long nsec, uint64_t at)
{
	tc_wall_sec = sec;
	tc_wall_nsec = nsec;
	tc_wall_at = at;
}

void
nanotime(struct timespec *ts)
{
	uint64_t ns;

	ns = (uint64_t)tc_wall_nsec + (nanouptime_ns() - tc_wall_at);
	ts->tv_sec = tc_wall_sec + (int64_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
}

/* Busy-wait at least 'us' microseconds. */
void
DELAY(u_int us)
{
	uint64_t end;

	KASSERT(timecounter != NULL, ("DELAY before the timecounter"));
	end = nanouptime_ns() + (uint64_t)us * 1000;
	while (nanouptime_ns() < end)
		cpu_spinwait();
}

/*
 * The end of boot, just before the console monitor prints its first
 * prompt (or the kernel powers off after its tests).
 */
static void
tc_boot_done(void *arg)
{
	uint64_t ns;

	boot_done_ns = nanouptime_ns();
	if (boot_first_ns == 0 || boot_done_ns < boot_first_ns) {
		printf("boot: no reading of the clock at the first "
		    "instruction\n");
		return;
	}
	ns = boot_done_ns - boot_first_ns;
	boot_to_prompt_us = ns / 1000;
	printf("boot: %lu.%03lu ms from first instruction to prompt\n",
	    ns / 1000000, ns / 1000 % 1000);
}
SYSINIT(tc_boot_done, SI_SUB_LAST, SI_ORDER_ANY - 1, tc_boot_done, NULL);

#include <sys/sysctl.h>

/* sysctl: kern.boot_to_prompt_us, kern.boot_first_ns, kern.boot_done_ns. */
SYSCTL_ULONG(_kern, boot_to_prompt_us, &boot_to_prompt_us,
    "microseconds from the first instruction to the end of boot");
SYSCTL_ULONG(_kern, boot_first_ns, &boot_first_ns,
    "clock (Xen system time) at the first instruction, ns");
SYSCTL_ULONG(_kern, boot_done_ns, &boot_done_ns,
    "clock (Xen system time) at the end of boot, ns");

/* sysctl: kern.uptime_ns (never goes back), kern.wallclock (UTC seconds). */
static int
tc_sysctl_uptime(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	return (sysctl_emit(req, NULL, "%lu", (u_long)nanouptime_ns()));
}
SYSCTL_PROC(_kern, uptime_ns, tc_sysctl_uptime, NULL, 0,
    "uptime, ns (monotonic, also across a save and restore)");

static int
tc_sysctl_wallclock(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct timespec ts;

	nanotime(&ts);
	return (sysctl_emit(req, NULL, "%ld", (long)ts.tv_sec));
}
SYSCTL_PROC(_kern, wallclock, tc_sysctl_wallclock, NULL, 0,
    "wall clock, seconds since 1970 UTC");
