/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel tests of threads, the scheduler, sleep/wakeup, mutexes and the
 * lazy FPU switch, run in the lab (ktest=all).  The boot thread (thread0)
 * starts the test threads and sleeps until they report back, with a
 * timeout so that a lost wakeup fails the test instead of hanging it.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/callout.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/timetc.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>
#include <vm/vm_page.h>

static struct mtx kt_mtx;
static int kt_done;

/* Sleep until 'n' test threads have finished, at most 'secs' seconds. */
static int
kt_wait(int n, int secs)
{
	int error = 0;

	mtx_lock(&kt_mtx);
	while (kt_done < n && error == 0)
		error = msleep(&kt_done, &kt_mtx, 0, "ktwait", secs * hz);
	mtx_unlock(&kt_mtx);
	return (kt_done < n ? ETIMEDOUT : 0);
}

static void
kt_finish(void)
{
	mtx_lock(&kt_mtx);
	kt_done++;
	wakeup(&kt_done);
	mtx_unlock(&kt_mtx);
}

static void
kt_start(int nthreads)
{
	static bool inited;

	if (!inited) {
		mtx_init(&kt_mtx, "ktest", MTX_DEF);
		inited = true;
	}
	kt_done = 0;
	(void)nthreads;
}

/* Two threads hand a token back and forth through sleep and wakeup. */
#define	PINGPONG_ROUNDS	10000

static int pp_turn;

static void
pp_thread(void *arg)
{
	int me = (int)(uintptr_t)arg, i;

	for (i = 0; i < PINGPONG_ROUNDS; i++) {
		mtx_lock(&kt_mtx);
		while (pp_turn != me)
			msleep(&pp_turn, &kt_mtx, 0, "pingpong", 0);
		pp_turn = !me;
		wakeup(&pp_turn);
		mtx_unlock(&kt_mtx);
	}
	kt_finish();
}

KTEST(sched_pingpong, "two threads ping-pong 10000 times via sleep/wakeup",
    0)
{
	u_long sw0, sw;
	uint64_t t0, ns;
	int error;

	kt_start(2);
	pp_turn = 0;
	sw0 = sched_switches;
	t0 = nanouptime_ns();
	if ((error = thread_create(pp_thread, (void *)0, PRI_KERN, "ping",
	    NULL)) != 0 || (error = thread_create(pp_thread, (void *)1,
	    PRI_KERN, "pong", NULL)) != 0) {
		ktest_fail("thread_create: %d", error);
		return (error);
	}
	if ((error = kt_wait(2, 60)) != 0) {
		ktest_fail("only %d of 2 threads finished in 60 s", kt_done);
		return (error);
	}
	ns = nanouptime_ns() - t0;
	sw = sched_switches - sw0;
	printf("ktest: sched_pingpong: %d round trips, %lu context switches "
	    "in %lu ms (%lu switches/s)\n", PINGPONG_ROUNDS, sw,
	    ns / 1000000, ns != 0 ? sw * 1000000000UL / ns : 0);
	if (sw < 2 * PINGPONG_ROUNDS) {
		ktest_fail("only %lu switches for %d round trips", sw,
		    PINGPONG_ROUNDS);
		return (EINVAL);
	}
	return (0);
}

/* Each thread keeps its own xmm0 across switches. */
static int fpu_errors;

static void
fpu_thread(void *arg)
{
	uint64_t mine = (uint64_t)arg, got;
	int i;

	for (i = 0; i < 200; i++) {
		__asm __volatile("movq %0, %%xmm0" : : "r" (mine));
		sched_yield();
		__asm __volatile("movq %%xmm0, %0" : "=r" (got));
		if (got != mine)
			fpu_errors++;
	}
	kt_finish();
}

KTEST(fpu_separate, "the FPU state of two threads stays separate", 0)
{
	u_long traps0;
	int error;

	kt_start(2);
	fpu_errors = 0;
	traps0 = fpu_traps;
	if ((error = thread_create(fpu_thread, (void *)0x1111222233334444UL,
	    PRI_KERN, "fpu-a", NULL)) != 0 ||
	    (error = thread_create(fpu_thread, (void *)0xaaaabbbbccccddddUL,
	    PRI_KERN, "fpu-b", NULL)) != 0) {
		ktest_fail("thread_create: %d", error);
		return (error);
	}
	if ((error = kt_wait(2, 60)) != 0) {
		ktest_fail("threads did not finish");
		return (error);
	}
	printf("ktest: fpu_separate: %lu #NM traps for 400 switches\n",
	    fpu_traps - traps0);
	if (fpu_errors != 0) {
		ktest_fail("%d readings of xmm0 held the other thread's value",
		    fpu_errors);
		return (EINVAL);
	}
	if (fpu_traps - traps0 < 2) {
		ktest_fail("the FPU was not switched lazily (%lu #NM traps)",
		    fpu_traps - traps0);
		return (EINVAL);
	}
	return (0);
}

/* A counter updated under a sleep mutex by threads that yield inside. */
static struct mtx mx_test;
static int mx_counter;

static void
mx_thread(void *arg)
{
	int i, v;

	for (i = 0; i < 500; i++) {
		mtx_lock(&mx_test);
		mtx_assert(&mx_test, MA_OWNED);
		v = mx_counter;
		sched_yield();		/* others must block, not enter */
		mx_counter = v + 1;
		mtx_unlock(&mx_test);
	}
	kt_finish();
}

KTEST(mutex_exclusion, "a sleep mutex excludes: 3 x 500 increments", 0)
{
	int error, i;

	kt_start(3);
	mtx_init(&mx_test, "mxtest", MTX_DEF);
	mx_counter = 0;
	for (i = 0; i < 3; i++)
		if ((error = thread_create(mx_thread, NULL, PRI_KERN, "mx",
		    NULL)) != 0) {
			ktest_fail("thread_create: %d", error);
			return (error);
		}
	if ((error = kt_wait(3, 60)) != 0) {
		ktest_fail("threads did not finish");
		return (error);
	}
	if (mx_counter != 1500 || mx_test.mtx_contested == 0) {
		ktest_fail("counter %d (expected 1500), %lu contentions",
		    mx_counter, mx_test.mtx_contested);
		return (EINVAL);
	}
	mtx_destroy(&mx_test);
	return (0);
}

KTEST(sleep_timeout, "tsleep with a timeout returns EWOULDBLOCK in time", 0)
{
	static int nobody;
	uint64_t t0, ms;
	int error;

	t0 = nanouptime_ns();
	error = tsleep(&nobody, 0, "timeout", hz / 20);	/* 50 ms */
	ms = (nanouptime_ns() - t0) / 1000000;
	/* Never early; the late bound allows for a slow emulated vCPU. */
	if (error != EWOULDBLOCK || ms < 50 || ms > 250) {
		ktest_fail("returned %d after %lu ms", error, ms);
		return (EINVAL);
	}
	return (0);
}

/* Threads that exit give back their stacks and structures. */
static void
exit_thread(void *arg)
{
	kt_finish();
}

KTEST(thread_exit_reaps, "50 threads exit; stacks and memory come back", 0)
{
	u_long pages0, inuse0;
	int error, i;

	kt_start(50);
	pages0 = vm_page_free_count();
	inuse0 = M_THREAD->ks_inuse;
	for (i = 0; i < 50; i++)
		if ((error = thread_create(exit_thread, NULL, PRI_KERN, "exit",
		    NULL)) != 0) {
			ktest_fail("thread_create %d: %d", i, error);
			return (error);
		}
	if ((error = kt_wait(50, 30)) != 0) {
		ktest_fail("threads did not finish");
		return (error);
	}
	/* The last ones are reaped by the next thread to run: let it. */
	tsleep(&pages0, 0, "reap", hz / 100);
	if (M_THREAD->ks_inuse != inuse0 || vm_page_free_count() != pages0) {
		ktest_fail("%ld threads and %ld pages not returned",
		    (long)(M_THREAD->ks_inuse - inuse0),
		    (long)(pages0 - vm_page_free_count()));
		return (EINVAL);
	}
	return (0);
}

/*
 * A thread woken from an event handler (here a callout, run in the timer's
 * upcall) that is more urgent than the interrupted thread runs on the
 * upcall's way out, before the interrupted code goes on: the busy loop
 * below must never see the callout's flag before the woken thread has
 * run.  Not a timed test: it counts loop passes made after the wakeup.
 */
static volatile int up_fired, up_ran;
static volatile u_long up_spins, up_spins_seen;
static int up_chan;

static void
up_thread(void *arg)
{
	register_t s;

	s = intr_disable();
	while (!up_fired)
		(void)tsleep(&up_chan, 0, "upwait", 0);
	intr_restore(s);
	up_spins_seen = up_spins;
	up_ran = 1;
	kt_finish();
}

static void
up_callout(void *arg)
{
	up_fired = 1;
	wakeup(&up_chan);
}

KTEST(sched_upcall_preempt, "a more urgent thread woken by an event "
    "handler runs on the upcall's way out", 0)
{
	static struct callout c;
	u_long deferred0;
	uint64_t end;
	int error, i;

	for (i = 0; i < 20; i++) {
		kt_start(1);
		up_fired = up_ran = 0;
		up_spins = up_spins_seen = 0;
		/* More urgent than us: it runs at once, up to its sleep. */
		if ((error = thread_create(up_thread, NULL, PRI_KERN - 2,
		    "upcall", NULL)) != 0) {
			ktest_fail("thread_create: %d", error);
			return (error);
		}
		deferred0 = sched_upcall_deferred;
		callout_init(&c);
		callout_reset_ns(&c, 2 * 1000 * 1000, up_callout, NULL);
		end = nanouptime_ns() + 2ULL * 1000 * 1000 * 1000;
		while (!up_ran && nanouptime_ns() < end)
			if (up_fired)
				up_spins++;
		if (!up_ran) {
			ktest_fail("round %d: the woken thread did not run in "
			    "2 s of a busy loop (callout %s)", i,
			    up_fired ? "fired" : "did not fire");
			return (ETIMEDOUT);
		}
		if (up_spins_seen != 0 ||
		    sched_upcall_deferred != deferred0) {
			ktest_fail("round %d: the interrupted loop ran %lu "
			    "times before the woken thread; %lu upcalls "
			    "deferred the switch", i, up_spins_seen,
			    sched_upcall_deferred - deferred0);
			return (EINVAL);
		}
		if ((error = kt_wait(1, 10)) != 0)
			return (error);
	}
	return (0);
}

/*
 * The idle thread polls before it blocks the vCPU: with the window set
 * (for the test) to 200 ms, a thread sleeping until a callout 2 ms away
 * is woken twenty times in a row without the idle thread blocking once.
 * Counted, not timed: the margin is a hundredfold.
 */
static volatile int ip_woken;
static int ip_chan;

static void
ip_callout(void *arg)
{
	ip_woken = 1;
	wakeup(&ip_chan);
}

KTEST(sched_idle_poll, "a wakeup soon after the vCPU goes idle is taken "
    "in the idle poll, without blocking in Xen", 0)
{
	static struct callout c;
	uint64_t omax, ocur;
	u_long blocks0, hits0, blocks, hits;
	register_t s;
	int i;

	omax = sched_idle_poll_max_ns;
	ocur = sched_idle_poll_ns;
	s = intr_disable();
	sched_idle_poll_max_ns = sched_idle_poll_ns = 200ULL * 1000 * 1000;
	blocks0 = sched_idle_blocks;
	hits0 = sched_idle_poll_hits;
	intr_restore(s);
	callout_init(&c);
	for (i = 0; i < 20; i++) {
		s = intr_disable();
		ip_woken = 0;
		callout_reset_ns(&c, 2 * 1000 * 1000, ip_callout, NULL);
		while (!ip_woken)
			(void)tsleep(&ip_chan, 0, "idlepoll", 0);
		intr_restore(s);
	}
	s = intr_disable();
	blocks = sched_idle_blocks - blocks0;
	hits = sched_idle_poll_hits - hits0;
	sched_idle_poll_max_ns = omax;
	sched_idle_poll_ns = ocur;
	intr_restore(s);
	printf("ktest: sched_idle_poll: 20 wakeups, %lu idle polls found "
	    "work, %lu blocks\n", hits, blocks);
	/*
	 * Without the poll every one of the 20 blocks.  With it, a wakeup
	 * is taken in the poll unless the vCPU was not idle at all (another
	 * thread ran: seen under load, 18 of 20) or Xen kept the vCPU away
	 * for longer than the window; the idle thread counts the last hit
	 * only when it next runs.  So: a clear majority of hits, at most
	 * two blocks.
	 */
	if (blocks > 2 || hits < 10) {
		ktest_fail("%lu blocks and %lu polls that found work for 20 "
		    "wakeups 2 ms after going idle", blocks, hits);
		return (EINVAL);
	}
	return (0);
}
