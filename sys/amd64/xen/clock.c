/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Xen system time.
 *
 * Xen publishes, per vCPU, a snapshot {tsc_timestamp, system_time} and the
 * scale (tsc_to_system_mul, tsc_shift) that turns TSC ticks since the
 * snapshot into nanoseconds.  The record is guarded by a version number
 * that is odd while Xen rewrites it: read the version, copy, re-read, and
 * retry on any change.  Xen system time counts nanoseconds since the host
 * booted; it is what SCHEDOP_poll and the one-shot timer take as deadlines.
 *
 * This is the raw reader used from the first lines of boot (console
 * waits).  The timecounter and event timer built on it come with the clock
 * subsystem.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/xen.h>

/*
 * Scale a TSC delta to nanoseconds: shift by tsc_shift, then multiply by
 * the 32.32 fixed-point factor.  The product needs 96 bits.
 */
uint64_t
xen_tsc_delta_ns(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return ((uint64_t)(((unsigned __int128)delta * mul) >> 32));
}

uint64_t
xen_clock_ns(void)
{
	volatile struct vcpu_time_info *t;
	uint64_t tsc_stamp, sys, ns;
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
		ns = rdtsc();
		rmb();
	} while ((version & 1) != 0 || version != t->version);
	return (sys + xen_tsc_delta_ns(ns - tsc_stamp, mul, shift));
}
