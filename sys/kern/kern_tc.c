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
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/timetc.h>
#include <machine/cpufunc.h>

static struct timecounter *timecounter;
static uint64_t tc_last;
static int64_t tc_wall_sec;		/* wall clock at uptime tc_wall_at */
static long tc_wall_nsec;
static uint64_t tc_wall_at;
u_long tc_backsteps;

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
