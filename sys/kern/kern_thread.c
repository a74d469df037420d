/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Kernel threads and the scheduler.
 *
 * One run queue per priority (0 most urgent .. PRI_IDLE), FIFO within a
 * priority, and a bitmap of the non-empty queues: picking the next thread
 * is a find-first-set.  A thread runs until it sleeps, blocks on a mutex,
 * yields or exits, or until a more urgent thread becomes runnable: a
 * wakeup from thread context switches at once (when not in a critical
 * section); one from an interrupt handler sets sched_need_resched, and
 * trap() switches on the way out of the upcall if the interrupted code
 * had events enabled.  Equal priorities share the vCPU in 10 ms slices.
 *
 * The boot context becomes thread0.  The idle thread runs at PRI_IDLE and
 * blocks the vCPU in Xen (SCHEDOP_block) when nothing else can run, so an
 * idle domain costs the host nothing (it may poll briefly first: see
 * idle_poll below).  A thread that exits is put on a zombie list and
 * freed by the next thread to run, off its stack.
 *
 * Every scheduler structure is protected by masking events.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/callout.h>
#include <sys/errno.h>
#include <sys/kenv.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/timetc.h>
#include <machine/cpufunc.h>
#include <machine/md_var.h>

MALLOC_DEFINE(M_THREAD, "thread", "kernel threads");

#define	KSTACK_SIZE	(4 * PAGE_SIZE)
#define	SCHED_SLICE_NS	(10 * 1000 * 1000)

struct thread thread0;
struct thread *curthread = &thread0;
static struct thread *idlethread;
static TAILQ_HEAD(, thread) sched_runq[PRI_NQS];
static u_long sched_runq_bits;
static TAILQ_HEAD(, thread) thread_all = TAILQ_HEAD_INITIALIZER(thread_all);
static TAILQ_HEAD(, thread) thread_zombies =
    TAILQ_HEAD_INITIALIZER(thread_zombies);
static struct callout sched_slice;
static void	sched_slice_tick(void *);
static int thread_nextid = 1;
static bool sched_ready;
bool sched_need_resched;
u_long sched_switches;
u_long sched_preemptions;

/*
 * Wakeup latency: from setrunnable() to the thread's switch-in, in
 * buckets of powers of 4 microseconds (<4us, <16us, ... <16ms, the rest),
 * and the largest seen.  sched_upcall_deferred counts upcalls that left a
 * wakeup of a more urgent thread pending on their way out (the switch
 * then waits for the next chance: the running thread's next sleep, an
 * unmask, a later upcall).
 */
#define	SCHED_WLAT_NB	9
static u_long sched_wlat[SCHED_WLAT_NB];
static uint64_t sched_wlat_max_ns;
u_long sched_upcall_deferred;
static uint64_t sched_idle_left_ns;	/* the idle thread last switched out */


void
sched_add(struct thread *td)
{
	KASSERT(td->td_pri >= 0 && td->td_pri < PRI_NQS,
	    ("sched_add: %s: priority %d", td->td_name, td->td_pri));
	td->td_state = TDS_RUNQ;
	TAILQ_INSERT_TAIL(&sched_runq[td->td_pri], td, td_runq);
	sched_runq_bits |= 1UL << td->td_pri;
}

void
sched_rem(struct thread *td)
{
	TAILQ_REMOVE(&sched_runq[td->td_pri], td, td_runq);
	if (TAILQ_EMPTY(&sched_runq[td->td_pri]))
		sched_runq_bits &= ~(1UL << td->td_pri);
}

static struct thread *
sched_choose(void)
{
	struct thread *td;

	if (sched_runq_bits == 0)
		return (NULL);
	td = TAILQ_FIRST(&sched_runq[__builtin_ctzl(sched_runq_bits)]);
	sched_rem(td);
	return (td);
}

/* Make a sleeping or blocked thread runnable; events masked. */
void
setrunnable(struct thread *td)
{
	sched_add(td);
	td->td_woken_ns = nanouptime_ns();
	if (td->td_pri < curthread->td_pri)
		sched_need_resched = true;
	if (sched_ready && !callout_pending(&sched_slice))
		callout_reset_ns(&sched_slice, SCHED_SLICE_NS,
		    sched_slice_tick, NULL);
}

/* Free what exited threads left; never called on a zombie's stack. */
static void
thread_reap(void)
{
	struct thread *td;

	while ((td = TAILQ_FIRST(&thread_zombies)) != NULL) {
		TAILQ_REMOVE(&thread_zombies, td, td_runq);
		cpu_thread_free(td);
		free(td, M_THREAD);
	}
}

static void
sched_wlat_record(uint64_t ns)
{
	uint64_t us = ns / 1000, lim;
	u_int b;

	for (b = 0, lim = 4; b < SCHED_WLAT_NB - 1 && us >= lim; b++)
		lim *= 4;
	sched_wlat[b]++;
	if (ns > sched_wlat_max_ns)
		sched_wlat_max_ns = ns;
}

/*
 * Switch to the most urgent runnable thread.  The caller has masked
 * events and set curthread's state (back on the run queue, asleep,
 * blocked or dead).
 */
void
mi_switch(void)
{
	struct thread *old = curthread, *new;
	uint64_t now;

	KASSERT(intr_masked(), ("mi_switch with events on"));
	sched_need_resched = false;
	new = sched_choose();
	KASSERT(new != NULL, ("mi_switch: nothing to run, not even idle"));
	if (new == old) {
		new->td_state = TDS_RUNNING;
		new->td_woken_ns = 0;
		return;
	}
	new->td_state = TDS_RUNNING;
	if (new->td_woken_ns != 0 || old == idlethread) {
		now = nanouptime_ns();
		if (new->td_woken_ns != 0)
			sched_wlat_record(now - new->td_woken_ns);
		new->td_woken_ns = 0;
		if (old == idlethread)
			sched_idle_left_ns = now;
	}
	new->td_switches++;
	sched_switches++;
	curthread = new;
	cpu_switch_md(old, new);
	/* Back on 'old', later. */
	if (!TAILQ_EMPTY(&thread_zombies) && curthread != idlethread)
		thread_reap();
}

void
sched_yield(void)
{
	register_t s;

	s = intr_disable();
	sched_add(curthread);
	mi_switch();
	intr_restore(s);
}

/*
 * Called where preemption is safe: switch if someone more urgent waits.
 * Not while the caller has events masked -- it is in the middle of an
 * atomic section (msleep releasing its mutex, say: the thread is already
 * on a sleep queue) -- and never for a thread that is not running; the
 * pending switch then happens at the caller's next mi_switch or at the
 * next upcall.
 */
void
sched_preempt_check(void)
{
	if (!sched_need_resched || intr_masked())
		return;
	(void)intr_disable();
	sched_preempt_locked();
	intr_restore(0);
}

/*
 * The same with events already masked.  True if it switched (and the
 * caller is running again).
 */
bool
sched_preempt_locked(void)
{
	KASSERT(intr_masked(), ("sched_preempt_locked with events on"));
	if (!sched_need_resched || !sched_ready ||
	    curthread->td_state != TDS_RUNNING ||
	    curthread->td_critnest != 0 || curthread->td_intr != 0)
		return (false);
	sched_preemptions++;
	sched_add(curthread);
	mi_switch();
	return (true);
}

/*
 * From the machine-dependent upcall code on its way out, events masked:
 * a handler woke a more urgent thread; switch now if the interrupted
 * code may be switched away from ('can': it had events enabled).
 */
void
sched_upcall_exit(bool can)
{
	if (!sched_need_resched)
		return;
	if (!can || !sched_preempt_locked())
		sched_upcall_deferred++;
}

void
critical_enter(void)
{
	curthread->td_critnest++;
}

void
critical_exit(void)
{
	KASSERT(curthread->td_critnest > 0, ("critical_exit: not entered"));
	if (--curthread->td_critnest == 0)
		sched_preempt_check();
}

/*
 * A time slice: while threads of the running priority (or more urgent)
 * wait, switch every 10 ms.  The callout is armed only while there is a
 * thread waiting to run, so an idle domain takes no timer events.
 */
static void
sched_slice_tick(void *arg)
{
	if (sched_runq_bits == 0 || curthread == idlethread)
		return;
	if (__builtin_ctzl(sched_runq_bits) <= curthread->td_pri)
		sched_need_resched = true;
	callout_reset_ns(&sched_slice, SCHED_SLICE_NS, sched_slice_tick,
	    NULL);
}

/* First code of every new thread (from fork_trampoline). */
void
thread_start(void (*func)(void *), void *arg)
{
	thread_reap();
	intr_restore(0);		/* switched to with events masked */
	func(arg);
	thread_exit();
}

int
thread_create(void (*func)(void *), void *arg, int pri, const char *name,
    struct thread **tdp)
{
	struct thread *td;
	register_t s;
	int error;

	if (pri < PRI_MIN || pri > PRI_IDLE)
		return (EINVAL);
	td = malloc(sizeof(*td), M_THREAD, M_NOWAIT | M_ZERO);
	if (td == NULL)
		return (ENOMEM);
	if ((error = cpu_thread_alloc(td, KSTACK_SIZE)) != 0) {
		free(td, M_THREAD);
		return (error);
	}
	strlcpy(td->td_name, name, sizeof(td->td_name));
	td->td_pri = pri;
	callout_init(&td->td_slpcallout);
	cpu_thread_setup(td, func, arg);
	s = intr_disable();
	td->td_tid = thread_nextid++;
	TAILQ_INSERT_TAIL(&thread_all, td, td_alllist);
	setrunnable(td);
	intr_restore(s);
	if (tdp != NULL)
		*tdp = td;
	sched_preempt_check();
	return (0);
}

void
thread_exit(void)
{
	struct thread *td = curthread;

	KASSERT(td != &thread0 && td != idlethread,
	    ("thread_exit: %s may not exit", td->td_name));
	(void)intr_disable();
	fpu_thread_exit(td);
	TAILQ_REMOVE(&thread_all, td, td_alllist);
	td->td_state = TDS_DEAD;
	TAILQ_INSERT_TAIL(&thread_zombies, td, td_runq);
	mi_switch();
	panic("thread_exit: a dead thread ran again");
}

/*
 * Idle polling (off unless kern.sched.idle_poll_us is set in the kernel
 * environment).  Blocking the vCPU in Xen costs the host nothing, but
 * the wakeup that follows goes through Xen's scheduler, which may leave
 * the vCPU runnable for a while before it runs (hw.xen.runstate counts
 * that time).  With a window set, the idle thread first spins with
 * events enabled: an event in the window is taken at once and the woken
 * thread switched to on the upcall's way out, with no block.  The window
 * adapts as haltpoll's does: an idle period that blocked and ended
 * within the longest window doubles it (from 8 us), a longer one halves
 * it, so a domain that stays idle stops spinning.  In the TCG lab a 1 ms
 * window took 76-87% of 4 KiB I/O completions without a block, but the
 * vCPU's runnable time and the I/O rates did not improve beyond the
 * host's noise, hence off by default.
 */
#define	IDLE_POLL_US_DEFAULT	0
#define	IDLE_POLL_START_NS	(8 * 1000)
uint64_t sched_idle_poll_max_ns = IDLE_POLL_US_DEFAULT * 1000;
uint64_t sched_idle_poll_ns;		/* the current window */
u_long sched_idle_poll_hits, sched_idle_blocks;

/* Spin up to the window with events on; true if work came.  Masked. */
static bool
idle_poll(void)
{
	uint64_t end;
	u_long sw = sched_switches;

	if (sched_idle_poll_ns == 0)
		return (false);
	end = nanouptime_ns() + sched_idle_poll_ns;
	intr_restore(0);
	while (sched_runq_bits == 0 && sched_switches == sw &&
	    nanouptime_ns() < end)
		cpu_spinwait();
	(void)intr_disable();
	if (sched_runq_bits == 0 && sched_switches == sw)
		return (false);
	sched_idle_poll_hits++;
	return (true);
}

/*
 * The next window after an idle period that blocked for 'slept' ns (up to
 * the first switch away from the idle thread).
 */
static uint64_t
idle_poll_next(uint64_t cur, uint64_t slept, uint64_t max)
{
	if (slept > max)
		return (cur / 2);
	return (MIN(max, MAX(2 * cur, IDLE_POLL_START_NS)));
}

static void
idle_loop(void *arg)
{
	uint64_t t0, t1;

	for (;;) {
		(void)intr_disable();
		thread_reap();
		if (sched_runq_bits == 0 && idle_poll())
			continue;
		if (sched_runq_bits == 0) {
			sched_idle_blocks++;
			t0 = nanouptime_ns();
			cpu_idle();	/* returns with events on */
			(void)intr_disable();
			t1 = sched_idle_left_ns > t0 ? sched_idle_left_ns :
			    nanouptime_ns();
			sched_idle_poll_ns = idle_poll_next(sched_idle_poll_ns,
			    t1 - t0, sched_idle_poll_max_ns);
			continue;
		}
		sched_add(curthread);
		mi_switch();
		intr_restore(0);
	}
}

static void
sched_init(void *arg)
{
	long v;
	int i;

	for (i = 0; i < PRI_NQS; i++)
		TAILQ_INIT(&sched_runq[i]);
	strlcpy(thread0.td_name, "thread0", sizeof(thread0.td_name));
	thread0.td_pri = PRI_KERN;
	thread0.td_state = TDS_RUNNING;
	thread0.td_kstack = (vm_offset_t)boot_stack;
	thread0.td_kstack_size = 16384;
	callout_init(&thread0.td_slpcallout);
	TAILQ_INSERT_TAIL(&thread_all, &thread0, td_alllist);
	if (thread_create(idle_loop, NULL, PRI_IDLE, "idle", &idlethread) != 0)
		panic("sched_init: cannot create the idle thread");
	callout_init(&sched_slice);
	if (getenv_long("kern.sched.idle_poll_us", &v) == 0 && v >= 0 &&
	    v <= 1000000)
		sched_idle_poll_max_ns = (uint64_t)v * 1000;
	sched_ready = true;
	if (sched_idle_poll_max_ns == 0)
		printf("sched: %d priorities, 10 ms slices, idle blocks in "
		    "Xen\n", PRI_NQS);
	else
		printf("sched: %d priorities, 10 ms slices, idle polls up to "
		    "%lu us, then blocks in Xen\n", PRI_NQS,
		    (u_long)(sched_idle_poll_max_ns / 1000));
}
SYSINIT(sched, SI_SUB_SCHED, SI_ORDER_FIRST, sched_init, NULL);

#include <sys/sysctl.h>

/* sysctl: kern.sched. */
SYSCTL_NODE(_kern, sched, "the scheduler");
SYSCTL_ULONG(_kern_sched, switches, &sched_switches, "context switches");
SYSCTL_ULONG(_kern_sched, preemptions, &sched_preemptions,
    "switches to a more urgent thread");
SYSCTL_ULONG(_kern_sched, idle_poll_hits, &sched_idle_poll_hits,
    "idle polls that found work (no block)");
SYSCTL_ULONG(_kern_sched, idle_blocks, &sched_idle_blocks,
    "times the idle thread blocked the vCPU");
SYSCTL_ULONG(_kern_sched, idle_poll_max_ns, &sched_idle_poll_max_ns,
    "longest idle poll window, ns (kern.sched.idle_poll_us)");
SYSCTL_ULONG(_kern_sched, idle_poll_ns, &sched_idle_poll_ns,
    "current idle poll window, ns");
SYSCTL_ULONG(_kern_sched, upcall_deferred, &sched_upcall_deferred,
    "upcalls that left a more urgent thread waiting");

static int
sched_sysctl_wlat(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	static const char *const names[SCHED_WLAT_NB] = { "lt4us", "lt16us",
	    "lt64us", "lt256us", "lt1ms", "lt4ms", "lt16ms", "lt64ms",
	    "ge64ms" };
	u_long v[SCHED_WLAT_NB];
	uint64_t max;
	register_t s;
	u_int i;

	s = intr_disable();
	memcpy(v, sched_wlat, sizeof(v));
	max = sched_wlat_max_ns;
	intr_restore(s);
	for (i = 0; i < SCHED_WLAT_NB; i++)
		(void)sysctl_emit(req, names[i], "%lu", v[i]);
	(void)sysctl_emit(req, "max_us", "%lu", (u_long)(max / 1000));
	return (0);
}
SYSCTL_PROC(_kern_sched, wakeup_latency, sched_sysctl_wlat, NULL, 0,
    "wakeup to switch-in, threads by microseconds");

static const char *
thread_state_name(int state)
{
	switch (state) {
	case TDS_RUNNING:
		return ("run");
	case TDS_RUNQ:
		return ("runq");
	case TDS_SLEEPING:
		return ("sleep");
	case TDS_BLOCKED:
		return ("lock");
	case TDS_DEAD:
		return ("dead");
	default:
		return ("new");
	}
}

/*
 * kern.threads.<tid>: "name state priority wait" for every thread, in tid
 * order.  Each thread is copied with events masked, one at a time, and
 * emitted with them on: the list may change in between, which at worst
 * leaves out a thread that came or went meanwhile.
 */
static int
thread_sysctl_list(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct thread *td, *found;
	char name[sizeof(td->td_name)], sub[16];
	const char *wmesg;
	register_t s;
	int last, tid, pri, state;

	for (last = -1;; last = tid) {
		s = intr_disable();
		found = NULL;
		TAILQ_FOREACH(td, &thread_all, td_alllist)
			if (td->td_tid > last &&
			    (found == NULL || td->td_tid < found->td_tid))
				found = td;
		if (found != NULL) {
			tid = found->td_tid;
			pri = found->td_pri;
			state = found->td_state;
			wmesg = found->td_wmesg;
			strlcpy(name, found->td_name, sizeof(name));
		}
		intr_restore(s);
		if (found == NULL)
			break;
		snprintf(sub, sizeof(sub), "%d", tid);
		(void)sysctl_emit(req, sub, "%s %s %d %s", name,
		    thread_state_name(state), pri,
		    (state == TDS_SLEEPING || state == TDS_BLOCKED) &&
		    wmesg != NULL ? wmesg : "-");
	}
	return (0);
}
SYSCTL_PROC(_kern, threads, thread_sysctl_list, NULL, 0,
    "per thread: name, state, priority, what it sleeps on");
