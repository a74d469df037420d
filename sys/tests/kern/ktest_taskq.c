/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel tests of taskqueue(9) and sx(9), run in the lab (ktest=all).
 *
 * taskqueue: work enqueued from a callout -- an event handler, with
 * events masked -- runs in the queue's own thread, once for several
 * enqueues; drain waits for a task that sleeps; cancel, priorities and
 * timeout tasks; freeing a queue with work still queued runs that work,
 * refuses more, and gives back the queue and its thread.
 *
 * sx: two readers hold the lock at once; writers exclude readers and each
 * other while they sleep holding it; a writer is not kept out by a stream
 * of overlapping readers; the try, upgrade and downgrade operations.
 *
 * Every wait here is bounded, so a lost wakeup fails a test instead of
 * hanging the run.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/callout.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/sx.h>
#include <sys/taskqueue.h>
#include <sys/timetc.h>

extern struct malloc_type M_THREAD[1];

#define	MS(n)	((n) * hz / 1000)

static int ktq_chan;

/* Sleep in 10 ms steps until *v >= want, at most 'secs' seconds. */
static int
ktq_wait(volatile int *v, int want, int secs)
{
	int i;

	for (i = 0; i < secs * 100 && *v < want; i++)
		tsleep(&ktq_chan, 0, "ktqwait", MS(10));
	return (*v >= want ? 0 : ETIMEDOUT);
}

static u_long
ktq_malloc_inuse(const char *name)
{
	struct malloc_type *mt;

	for (mt = malloc_type_list(); mt != NULL; mt = mt->ks_next)
		if (strcmp(mt->ks_shortdesc, name) == 0)
			return (mt->ks_inuse);
	return (0);
}

/*
 * Enqueued from a callout.
 */
static struct taskqueue *ev_tq;
static struct task ev_task;
static struct callout ev_callout;
static volatile int ev_runs, ev_pending, ev_member, ev_cointr;
static int ev_errors[3];
static struct thread *ev_td;

static void
ev_task_fn(void *arg, int pending)
{
	ev_td = curthread;
	ev_member = taskqueue_member(ev_tq, curthread);
	ev_pending = pending;
	ev_runs++;
}

static void
ev_callout_fn(void *arg)
{
	int i;

	ev_cointr = curthread->td_intr;
	for (i = 0; i < 3; i++)
		ev_errors[i] = taskqueue_enqueue(ev_tq, &ev_task);
}

KTEST(taskq_event, "a task enqueued 3 times from a callout runs once in "
    "the queue's thread", 0)
{
	int error;

	if ((ev_tq = taskqueue_create("ktq_event", M_WAITOK, PRI_KERN)) ==
	    NULL) {
		ktest_fail("taskqueue_create failed");
		return (ENOMEM);
	}
	TASK_INIT(&ev_task, 0, ev_task_fn, NULL);
	ev_runs = ev_pending = ev_member = ev_cointr = 0;
	ev_td = NULL;
	callout_init(&ev_callout);
	callout_reset(&ev_callout, MS(20), ev_callout_fn, NULL);
	error = ktq_wait(&ev_runs, 1, 5);
	tsleep(&ktq_chan, 0, "ktqwait", MS(50));	/* a second run? */
	taskqueue_free(ev_tq);
	if (error != 0) {
		ktest_fail("the task did not run within 5 s");
		return (error);
	}
	printf("ktest: taskq_event: callout in event context (td_intr %d), "
	    "task in thread \"%s\", pending %d\n", ev_cointr,
	    ev_td != NULL ? ev_td->td_name : "?", ev_pending);
	if (ev_cointr == 0) {
		ktest_fail("the callout did not run in an event handler");
		return (EINVAL);
	}
	if (ev_errors[0] != 0 || ev_errors[1] != 0 || ev_errors[2] != 0) {
		ktest_fail("enqueue returned %d, %d, %d", ev_errors[0],
		    ev_errors[1], ev_errors[2]);
		return (EINVAL);
	}
	if (!ev_member || ev_td == curthread) {
		ktest_fail("the task ran in \"%s\", not the queue's thread",
		    ev_td->td_name);
		return (EINVAL);
	}
	if (ev_runs != 1 || ev_pending != 3) {
		ktest_fail("%d runs with pending %d, expected 1 run with 3",
		    ev_runs, ev_pending);
		return (EINVAL);
	}
	return (0);
}

/*
 * Drain.
 */
static struct taskqueue *dr_tq;
static volatile int dr_done, dr_order_n;
static int dr_order[4];

static void
dr_sleeper(void *arg, int pending)
{
	tsleep(&ktq_chan, 0, "ktqslp", MS(100));
	dr_done++;
}

static void
dr_record(void *arg, int pending)
{
	if (dr_order_n < (int)nitems(dr_order))
		dr_order[dr_order_n++] = (int)(uintptr_t)arg;
}

KTEST(taskq_drain, "drain waits for a task that sleeps 100 ms; cancel, "
    "priorities, timeout tasks", 0)
{
	struct task sleeper, lo, hi, gone;
	struct timeout_task tt, tt2;
	uint64_t t0, ms;
	u_int pend;
	int error;

	if ((dr_tq = taskqueue_create("ktq_drain", M_WAITOK, PRI_KERN)) ==
	    NULL) {
		ktest_fail("taskqueue_create failed");
		return (ENOMEM);
	}
	error = EINVAL;
	TASK_INIT(&sleeper, 0, dr_sleeper, NULL);
	dr_done = 0;
	t0 = nanouptime_ns();
	taskqueue_enqueue(dr_tq, &sleeper);
	taskqueue_drain(dr_tq, &sleeper);
	ms = (nanouptime_ns() - t0) / 1000000;
	if (dr_done != 1 || ms < 100) {
		ktest_fail("drain returned after %lu ms, task done %d", ms,
		    dr_done);
		goto out;
	}
	printf("ktest: taskq_drain: drain returned after %lu ms\n", ms);

	/* Behind a sleeping task: priorities, cancel, running is EBUSY. */
	TASK_INIT(&lo, 0, dr_record, (void *)1);
	TASK_INIT(&hi, 5, dr_record, (void *)2);
	TASK_INIT(&gone, 0, dr_record, (void *)3);
	dr_order_n = 0;
	taskqueue_enqueue(dr_tq, &sleeper);
	tsleep(&ktq_chan, 0, "ktqwait", MS(10));	/* let it start */
	taskqueue_enqueue(dr_tq, &lo);
	taskqueue_enqueue(dr_tq, &gone);
	taskqueue_enqueue(dr_tq, &hi);
	if (taskqueue_cancel(dr_tq, &gone, &pend) != 0 || pend != 1) {
		ktest_fail("cancel of a queued task: pending %u", pend);
		goto out;
	}
	if (taskqueue_cancel(dr_tq, &sleeper, &pend) != EBUSY) {
		ktest_fail("cancel of the running task did not say EBUSY");
		goto out;
	}
	taskqueue_drain_all(dr_tq);
	if (dr_done != 2 || dr_order_n != 2 || dr_order[0] != 2 ||
	    dr_order[1] != 1) {
		ktest_fail("after drain_all: sleeper %d, order %d:%d,%d",
		    dr_done, dr_order_n, dr_order[0], dr_order[1]);
		goto out;
	}

	/* A timeout task runs no earlier than asked; a cancelled one never. */
	TIMEOUT_TASK_INIT(dr_tq, &tt, 0, dr_record, (void *)4);
	TIMEOUT_TASK_INIT(dr_tq, &tt2, 0, dr_record, (void *)5);
	dr_order_n = 0;
	t0 = nanouptime_ns();
	taskqueue_enqueue_timeout(dr_tq, &tt, MS(50));
	taskqueue_enqueue_timeout(dr_tq, &tt2, MS(50));
	if (taskqueue_cancel_timeout(dr_tq, &tt2, &pend) != 0 || pend != 1) {
		ktest_fail("cancel_timeout: pending %u", pend);
		goto out;
	}
	(void)ktq_wait(&dr_order_n, 1, 5);
	ms = (nanouptime_ns() - t0) / 1000000;
	tsleep(&ktq_chan, 0, "ktqwait", MS(100));
	if (dr_order_n != 1 || dr_order[0] != 4 || ms < 50) {
		ktest_fail("timeout tasks: %d ran (first %d) after %lu ms",
		    dr_order_n, dr_order[0], ms);
		goto out;
	}
	taskqueue_drain_timeout(dr_tq, &tt);
	error = 0;
out:
	taskqueue_free(dr_tq);
	return (error);
}

/*
 * Free with work pending.
 */
static struct taskqueue *fr_tq;
static volatile int fr_ran;
static int fr_late_error;
static struct task fr_late;

static void
fr_first(void *arg, int pending)
{
	tsleep(&ktq_chan, 0, "ktqslp", MS(50));
	fr_ran++;
	/* taskqueue_free() has begun by now: this must be refused. */
	fr_late_error = taskqueue_enqueue(fr_tq, &fr_late);
}

static void
fr_count(void *arg, int pending)
{
	fr_ran++;
}

KTEST(taskq_free, "free with 3 tasks queued runs them, refuses more and "
    "reaps the thread", 0)
{
	struct task a, b, c;
	struct timeout_task never;
	u_long threads0, queues0;

	threads0 = M_THREAD->ks_inuse;
	queues0 = ktq_malloc_inuse("taskqueue");
	if ((fr_tq = taskqueue_create("ktq_free", M_WAITOK, PRI_KERN)) ==
	    NULL) {
		ktest_fail("taskqueue_create failed");
		return (ENOMEM);
	}
	TASK_INIT(&a, 0, fr_first, NULL);
	TASK_INIT(&b, 0, fr_count, NULL);
	TASK_INIT(&c, 0, fr_count, NULL);
	TASK_INIT(&fr_late, 0, fr_count, NULL);
	TIMEOUT_TASK_INIT(fr_tq, &never, 0, fr_count, NULL);
	fr_ran = 0;
	fr_late_error = -1;
	taskqueue_enqueue(fr_tq, &a);
	taskqueue_enqueue(fr_tq, &b);
	taskqueue_enqueue(fr_tq, &c);
	taskqueue_enqueue_timeout(fr_tq, &never, 10 * hz);
	taskqueue_free(fr_tq);
	if (fr_ran != 3) {
		ktest_fail("%d of 3 queued tasks ran before free returned",
		    fr_ran);
		return (EINVAL);
	}
	if (fr_late_error != EPIPE) {
		ktest_fail("enqueue during free returned %d, not EPIPE",
		    fr_late_error);
		return (EINVAL);
	}
	if (callout_pending(&never.to_callout)) {
		ktest_fail("the timeout task's callout is still armed");
		return (EINVAL);
	}
	if (M_THREAD->ks_inuse != threads0 ||
	    ktq_malloc_inuse("taskqueue") != queues0) {
		ktest_fail("%ld threads, %ld queues not given back",
		    (long)(M_THREAD->ks_inuse - threads0),
		    (long)(ktq_malloc_inuse("taskqueue") - queues0));
		return (EINVAL);
	}
	return (0);
}

/*
 * sx.
 */
static struct sx ksx;
static volatile int sx_done, sx_inside, sx_maxinside, sx_violations;
static volatile int sx_a, sx_b;

static void
sx_reader(void *arg)
{
	sx_slock(&ksx);
	sx_assert(&ksx, SA_SLOCKED);
	if (++sx_inside > sx_maxinside)
		sx_maxinside = sx_inside;
	tsleep(&ksx, 0, "ktqslp", MS(50));	/* the other comes in now */
	sx_inside--;
	sx_sunlock(&ksx);
	sx_done++;
}

KTEST(sx_shared, "two readers hold an sx at once", 0)
{
	int error, i;

	sx_init(&ksx, "ktest_sx");
	sx_done = sx_inside = sx_maxinside = 0;
	for (i = 0; i < 2; i++)
		if ((error = thread_create(sx_reader, NULL, PRI_KERN, "sxr",
		    NULL)) != 0) {
			ktest_fail("thread_create: %d", error);
			return (error);
		}
	if ((error = ktq_wait(&sx_done, 2, 10)) != 0) {
		ktest_fail("readers did not finish");
		return (error);
	}
	sx_destroy(&ksx);
	if (sx_maxinside != 2) {
		ktest_fail("at most %d reader(s) inside at once",
		    sx_maxinside);
		return (EINVAL);
	}
	return (0);
}

#define	SXW_ROUNDS	20

static void
sx_writer(void *arg)
{
	int i, v;

	for (i = 0; i < SXW_ROUNDS; i++) {
		sx_xlock(&ksx);
		sx_assert(&ksx, SA_XLOCKED);
		if (++sx_inside != 1)
			sx_violations++;
		v = sx_a;
		tsleep(&ksx, 0, "ktqslp", 1);	/* sleep holding it */
		sx_a = v + 1;
		tsleep(&ksx, 0, "ktqslp", 1);
		sx_b = sx_b + 1;
		sx_inside--;
		sx_xunlock(&ksx);
	}
	sx_done++;
}

static void
sx_checker(void *arg)
{
	int i;

	for (i = 0; i < SXW_ROUNDS; i++) {
		sx_slock(&ksx);
		if (sx_inside != 0 || sx_a != sx_b)
			sx_violations++;
		tsleep(&ksx, 0, "ktqslp", 1);
		if (sx_inside != 0 || sx_a != sx_b)
			sx_violations++;
		sx_sunlock(&ksx);
		tsleep(&ksx, 0, "ktqslp", 1);
	}
	sx_done++;
}

KTEST(sx_exclusive, "writers that sleep holding an sx exclude each other "
    "and readers", 0)
{
	int error, i;

	sx_init(&ksx, "ktest_sx");
	sx_done = sx_inside = sx_violations = sx_a = sx_b = 0;
	for (i = 0; i < 4; i++)
		if ((error = thread_create(i < 3 ? sx_writer : sx_checker,
		    NULL, PRI_KERN, i < 3 ? "sxw" : "sxc", NULL)) != 0) {
			ktest_fail("thread_create: %d", error);
			return (error);
		}
	if ((error = ktq_wait(&sx_done, 4, 30)) != 0) {
		ktest_fail("threads did not finish");
		return (error);
	}
	if (sx_a != 3 * SXW_ROUNDS || sx_b != 3 * SXW_ROUNDS ||
	    sx_violations != 0 || ksx.sx_contested == 0) {
		ktest_fail("a %d b %d (expected %d), %d violations, %lu "
		    "contentions", sx_a, sx_b, 3 * SXW_ROUNDS, sx_violations,
		    ksx.sx_contested);
		return (EINVAL);
	}
	sx_destroy(&ksx);
	return (0);
}

/* Two readers whose holds overlap for 1 s; a writer must still get in. */
static volatile int sxf_stop, sxf_after;
static volatile uint64_t sxf_wait_ns;

static void
sxf_reader(void *arg)
{
	while (!sxf_stop) {
		sx_slock(&ksx);
		if (sxf_wait_ns != 0)
			sxf_after++;
		tsleep(&ksx, 0, "ktqslp", MS(10));
		sx_sunlock(&ksx);
	}
	sx_done++;
}

static void
sxf_writer(void *arg)
{
	uint64_t t0;

	t0 = nanouptime_ns();
	sx_xlock(&ksx);
	sxf_wait_ns = nanouptime_ns() - t0;
	sx_xunlock(&ksx);
	sx_done++;
}

KTEST(sx_fair, "a writer is not starved by overlapping readers, nor are "
    "readers by it", 0)
{
	int error;

	sx_init(&ksx, "ktest_sx");
	sx_done = sxf_stop = sxf_after = 0;
	sxf_wait_ns = 0;
	if ((error = thread_create(sxf_reader, NULL, PRI_KERN, "sxr",
	    NULL)) != 0 || (error = thread_create(sxf_reader, NULL, PRI_KERN,
	    "sxr", NULL)) != 0) {
		ktest_fail("thread_create: %d", error);
		return (error);
	}
	tsleep(&ktq_chan, 0, "ktqwait", MS(100));
	if ((error = thread_create(sxf_writer, NULL, PRI_KERN, "sxw",
	    NULL)) != 0) {
		ktest_fail("thread_create: %d", error);
		return (error);
	}
	tsleep(&ktq_chan, 0, "ktqwait", MS(1000));
	sxf_stop = 1;
	if ((error = ktq_wait(&sx_done, 3, 10)) != 0) {
		ktest_fail("threads did not finish");
		return (error);
	}
	printf("ktest: sx_fair: the writer waited %lu ms; readers got in "
	    "%d times after it\n", (u_long)(sxf_wait_ns / 1000000),
	    sxf_after);
	sx_destroy(&ksx);
	if (sxf_wait_ns == 0 || sxf_wait_ns > 500 * 1000000UL) {
		ktest_fail("the writer waited %lu ms for overlapping readers",
		    (u_long)(sxf_wait_ns / 1000000));
		return (EINVAL);
	}
	if (sxf_after == 0) {
		ktest_fail("no reader got in after the writer");
		return (EINVAL);
	}
	return (0);
}

static void
sxt_holder(void *arg)
{
	sx_slock(&ksx);
	tsleep(&ksx, 0, "ktqslp", MS(100));
	sx_sunlock(&ksx);
	sx_done++;
}

KTEST(sx_try, "try_slock, try_xlock, try_upgrade and downgrade", 0)
{
	int error;

	sx_init(&ksx, "ktest_sx");
	sx_done = 0;
	sx_slock(&ksx);
	if (!sx_try_upgrade(&ksx) || !sx_xlocked(&ksx)) {
		ktest_fail("a sole reader could not upgrade");
		return (EINVAL);
	}
	sx_assert(&ksx, SA_XLOCKED);
	sx_downgrade(&ksx);
	sx_assert(&ksx, SA_SLOCKED);
	sx_sunlock(&ksx);
	sx_assert(&ksx, SA_UNLOCKED);
	if ((error = thread_create(sxt_holder, NULL, PRI_KERN, "sxh",
	    NULL)) != 0) {
		ktest_fail("thread_create: %d", error);
		return (error);
	}
	tsleep(&ktq_chan, 0, "ktqwait", MS(20));	/* it holds it shared */
	sx_slock(&ksx);
	if (sx_try_upgrade(&ksx)) {
		ktest_fail("upgraded while another thread shares the lock");
		return (EINVAL);
	}
	sx_sunlock(&ksx);
	if (sx_try_xlock(&ksx)) {
		ktest_fail("try_xlock succeeded while the lock is shared");
		return (EINVAL);
	}
	if (!sx_try_slock(&ksx)) {
		ktest_fail("try_slock failed while the lock is only shared");
		return (EINVAL);
	}
	sx_sunlock(&ksx);
	if ((error = ktq_wait(&sx_done, 1, 5)) != 0) {
		ktest_fail("the holder did not finish");
		return (error);
	}
	if (!sx_try_xlock(&ksx)) {
		ktest_fail("try_xlock failed on a free lock");
		return (EINVAL);
	}
	sx_xunlock(&ksx);
	sx_destroy(&ksx);
	return (0);
}
