/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel tests of malloc(9), zones, kmem and callout(9), run in the lab
 * (ktest=all), and panic(9)'s report (ktest=panic_backtrace, which crashes
 * the domain on purpose).  With ktest_sched.c and ktest_kld.c this is the test module
 * ktest_kern.ko (sys/modules/ktest_kern), which ktest= loads (ktest(9)).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/callout.h>
#include <sys/cons.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/module.h>
#include <sys/proc.h>
#include <sys/timetc.h>
#include <machine/cpufunc.h>
#include <machine/hypercall.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>

MODULE_VERSION(ktest_kern, 1);

static MALLOC_DEFINE(M_KTEST, "ktest", "in-kernel tests");

/*
 * Every size class and a few large blocks, written to the last byte; the
 * type's counters and the free page count come back to where they were.
 */
KTEST(malloc_sizes, "malloc and free every size class; counters balance", 0)
{
	static const size_t sizes[] = { 1, 16, 17, 100, 512, 2048, 2049,
	    4096, 12345, 65536 };
	void *p[nitems(sizes)];
	u_long inuse, memuse, kva, pages_before;
	size_t i;
	int error;

	/* No other thread may allocate meanwhile: the counts are exact. */
	critical_enter();
	error = 0;
	inuse = M_KTEST->ks_inuse;
	memuse = M_KTEST->ks_memuse;
	kva = kva_pages_inuse();
	for (i = 0; i < nitems(sizes); i++) {
		p[i] = malloc(sizes[i], M_KTEST, M_NOWAIT | M_ZERO);
		if (p[i] == NULL) {
			ktest_fail("malloc(%zu) failed", sizes[i]);
			error = ENOMEM;
			break;
		}
		if (((char *)p[i])[sizes[i] - 1] != 0) {
			ktest_fail("malloc(%zu, M_ZERO) not zeroed", sizes[i]);
			error = EINVAL;
		}
		memset(p[i], 0xa5, sizes[i]);
	}
	if (error == 0 && M_KTEST->ks_inuse != inuse + nitems(sizes)) {
		ktest_fail("ks_inuse %lu, expected %lu", M_KTEST->ks_inuse,
		    inuse + nitems(sizes));
		error = EINVAL;
	}
	while (i-- > 0)
		free(p[i], M_KTEST);
	if (error == 0 && (M_KTEST->ks_inuse != inuse ||
	    M_KTEST->ks_memuse != memuse || kva_pages_inuse() != kva)) {
		ktest_fail("after free: %ld allocations, %ld bytes, %ld KVA "
		    "pages left", (long)(M_KTEST->ks_inuse - inuse),
		    (long)(M_KTEST->ks_memuse - memuse),
		    (long)(kva_pages_inuse() - kva));
		error = EINVAL;
	}
	critical_exit();
	if (error != 0)
		return (error);
	/*
	 * A large block's pages go back to the page allocator.  Mapping it
	 * may take a page-table page for a new stretch of KVA, which stays:
	 * that one is counted apart (vm.stats.ptable), not as a leak.
	 */
	critical_enter();
	pages_before = vm_page_free_count() + vm_page_stats.vs_ptable;
	p[0] = malloc(64 * 1024, M_KTEST, M_WAITOK);
	free(p[0], M_KTEST);
	critical_exit();
	if (vm_page_free_count() + vm_page_stats.vs_ptable != pages_before) {
		ktest_fail("large block leaked %ld pages",
		    (long)(pages_before - vm_page_free_count() -
		    vm_page_stats.vs_ptable));
		return (EINVAL);
	}
	return (0);
}

/* Exhaustion is an error, not a hang: M_NOWAIT returns NULL. */
KTEST(malloc_exhaustion, "M_NOWAIT gives NULL when memory runs out", 0)
{
	void **chain, *p;
	u_long n, free_before;
	int error;

	/* No other thread may allocate meanwhile: the counts are exact. */
	critical_enter();
	free_before = vm_page_free_count();
	chain = NULL;
	for (n = 0; (p = malloc(2048, M_KTEST, M_NOWAIT)) != NULL; n++) {
		*(void **)p = chain;
		chain = p;
	}
	while (chain != NULL) {
		p = chain;
		chain = *(void **)p;
		free(p, M_KTEST);
	}
	error = 0;
	if (n == 0) {
		ktest_fail("no allocation succeeded");
		error = ENOMEM;
	} else if (M_KTEST->ks_inuse != 0) {
		ktest_fail("%lu allocations left", M_KTEST->ks_inuse);
		error = EINVAL;
	} else if (vm_page_free_count() != free_before) {
		/* Empty slabs must have gone back to the page allocator. */
		ktest_fail("%ld pages not returned",
		    (long)(free_before - vm_page_free_count()));
		error = EINVAL;
	}
	critical_exit();
	printf("ktest: malloc_exhaustion: %lu blocks of 2 KiB before NULL "
	    "(%lu pages were free)\n", n, free_before);
	return (error);
}

static volatile uint64_t callout_test_fired;

static void
callout_test_func(void *arg)
{
	callout_test_fired = nanouptime_ns();
}

/* Wait for an event with the vCPU blocked in Xen, not spinning. */
static void
ktest_block_until(volatile uint64_t *flag, uint64_t limit_ns)
{
	register_t s;

	while (*flag == 0 && nanouptime_ns() < limit_ns) {
		s = intr_disable();
		if (*flag == 0)
			(void)HYPERVISOR_sched_op(SCHEDOP_block, NULL);
		intr_restore(s);
	}
}

#define	CALLOUT_TEST_NS		(200 * 1000 * 1000UL)
/*
 * Never early; late by at most this.  Under QEMU's emulation on a busy
 * host the vCPU itself may not run for tens of milliseconds, so the bound
 * is loose; the lateness is printed for the record.
 */
#define	CALLOUT_TOLERANCE_NS	(150 * 1000 * 1000UL)

KTEST(callout_200ms, "a 200 ms callout fires on time (timecounter)", 0)
{
	struct callout c;
	struct timespec w0, w1;
	uint64_t t0, late;

	callout_init(&c);
	callout_test_fired = 0;
	nanotime(&w0);
	printf("ktest: callout_200ms: armed at wall clock %ld.%06ld\n",
	    (long)w0.tv_sec, w0.tv_nsec / 1000);
	t0 = nanouptime_ns();
	callout_reset_ns(&c, CALLOUT_TEST_NS, callout_test_func, NULL);
	ktest_block_until(&callout_test_fired, t0 + 5 * CALLOUT_TEST_NS);
	nanotime(&w1);
	if (callout_test_fired == 0) {
		callout_stop(&c);
		ktest_fail("did not fire within 1 s");
		return (ETIMEDOUT);
	}
	printf("ktest: callout_200ms: fired after %lu us at wall clock "
	    "%ld.%06ld\n", (callout_test_fired - t0) / 1000, (long)w1.tv_sec,
	    w1.tv_nsec / 1000);
	if (callout_test_fired - t0 < CALLOUT_TEST_NS) {
		ktest_fail("fired early, after %lu us",
		    (callout_test_fired - t0) / 1000);
		return (EINVAL);
	}
	late = callout_test_fired - t0 - CALLOUT_TEST_NS;
	if (late > CALLOUT_TOLERANCE_NS) {
		ktest_fail("fired %lu us late", late / 1000);
		return (EINVAL);
	}
	return (0);
}

/*
 * For the lab's comparison with dom0's clock (scenario clock): 30 200 ms
 * callouts in a row, with a line before the first is armed, after the
 * first fired and after the last, each with the guest's own measure of
 * the time since the first line.  dom0 notes when each line shows up in
 * xenconsoled's log, which it polls: over six seconds that is fine
 * enough to hold both measures to 25% of each other, over one callout it
 * is not.  The test first waits (up to 60 s) for "go" on the console,
 * which dom0 types once it is ready to watch.
 */
#define	CALLOUT_DOM0_N		30

static int
callout_dom0_handshake(void)
{
	static int chan;
	char line[8];
	size_t n;
	int c, i;

	while (cncheckc() != -1)
		;		/* what was typed before the question */
	printf("ktest: callout_dom0: type \"go\" to start\n");
	n = 0;
	for (i = 0; i < 60 * 20; i++) {
		while ((c = cncheckc()) != -1) {
			if (c != '\n' && c != '\r') {
				if (n < sizeof(line) - 1)
					line[n++] = (char)c;
				continue;
			}
			line[n] = '\0';
			if (strcmp(line, "go") == 0)
				return (0);
			n = 0;
		}
		(void)tsleep(&chan, 0, "ktcons", hz / 20);
	}
	return (ETIMEDOUT);
}

KTEST(callout_dom0, "30 200 ms callouts in a row, timed for dom0",
    KTEST_EXPLICIT)
{
	struct callout c;
	struct timespec w0;
	uint64_t t0, t1, start;
	int i;

	if (callout_dom0_handshake() != 0) {
		ktest_fail("no console input within 60 s");
		return (ETIMEDOUT);
	}
	callout_init(&c);
	nanotime(&w0);
	t0 = nanouptime_ns();
	printf("ktest: callout_dom0: arming %d callouts of 200 ms in a row at "
	    "wall clock %ld.%06ld\n", CALLOUT_DOM0_N, (long)w0.tv_sec,
	    w0.tv_nsec / 1000);
	for (i = 0; i < CALLOUT_DOM0_N; i++) {
		callout_test_fired = 0;
		start = nanouptime_ns();
		callout_reset_ns(&c, CALLOUT_TEST_NS, callout_test_func, NULL);
		ktest_block_until(&callout_test_fired,
		    start + 5 * CALLOUT_TEST_NS);
		if (callout_test_fired == 0) {
			callout_stop(&c);
			ktest_fail("callout %d did not fire within 1 s", i);
			return (ETIMEDOUT);
		}
		if (callout_test_fired - start < CALLOUT_TEST_NS) {
			ktest_fail("callout %d fired early, after %lu us", i,
			    (callout_test_fired - start) / 1000);
			return (EINVAL);
		}
		if (i == 0)
			printf("ktest: callout_dom0: the first fired, %lu us "
			    "since the line before\n",
			    (nanouptime_ns() - t0) / 1000);
	}
	t1 = nanouptime_ns();
	printf("ktest: callout_dom0: %d callouts fired, %lu us since the "
	    "line before\n", CALLOUT_DOM0_N, (t1 - t0) / 1000);
	return (0);
}

static int callout_order[4], callout_norder;

static void
callout_order_func(void *arg)
{
	if (callout_norder < 4)
		callout_order[callout_norder++] = (int)(uintptr_t)arg;
}

KTEST(callout_order, "callouts run in deadline order; stop cancels", 0)
{
	struct callout c[4];
	static volatile uint64_t done;
	uint64_t t0;
	int i;

	callout_norder = 0;
	for (i = 0; i < 4; i++)
		callout_init(&c[i]);
	callout_reset_ns(&c[0], 30000000, callout_order_func, (void *)3);
	callout_reset_ns(&c[1], 10000000, callout_order_func, (void *)1);
	callout_reset_ns(&c[2], 20000000, callout_order_func, (void *)2);
	callout_reset_ns(&c[3], 15000000, callout_order_func, (void *)9);
	if (!callout_stop(&c[3]) || callout_stop(&c[3])) {
		ktest_fail("callout_stop did not report the pending callout");
		return (EINVAL);
	}
	t0 = nanouptime_ns();
	done = 0;
	while (callout_norder < 3 && nanouptime_ns() < t0 + 1000000000UL)
		ktest_block_until(&done, nanouptime_ns() + 5000000);
	if (callout_norder != 3 || callout_order[0] != 1 ||
	    callout_order[1] != 2 || callout_order[2] != 3) {
		ktest_fail("ran %d callouts: %d %d %d", callout_norder,
		    callout_order[0], callout_order[1], callout_order[2]);
		return (EINVAL);
	}
	/*
	 * Ours, not the whole wheel's count: a callout of the rest of the
	 * kernel may come or go meanwhile (seen: one fewer at the end).
	 */
	for (i = 0; i < 4; i++) {
		if (callout_pending(&c[i])) {
			ktest_fail("callout %d still pending", i);
			return (EINVAL);
		}
	}
	return (0);
}

/*
 * panic(9) outside a trap: the message, then a backtrace that starts in
 * panic() and goes up through the caller.  The domain crashes.
 */
static __noinline void
panic_test_call(int n)
{
	panic("ktest: deliberate panic %d", n);
}

KTEST(panic_backtrace, "panic() prints its message and a backtrace",
    KTEST_CRASHES)
{
	panic_test_call(42);
	ktest_fail("panic returned");
	return (EFAULT);
}
