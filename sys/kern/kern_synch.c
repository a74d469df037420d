/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * sleep(9): tsleep, msleep, wakeup.
 *
 * A sleeping thread waits on a "wait channel", any address both sides
 * agree on.  Sleepers hang on one of 64 queues chosen by hashing the
 * channel; wakeup() makes runnable every thread on the channel's queue
 * that sleeps on that very channel, wakeup_one() the longest sleeper.
 *
 * No wakeup is lost: the sleeper is queued, and msleep's mutex released,
 * with events masked, before it switches away; a waker that runs after
 * the mutex is released finds it queued.  A timeout is a callout that, if
 * the thread is still asleep when it fires, takes it off the queue and
 * makes msleep return EWOULDBLOCK.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <machine/cpufunc.h>

#define	SLEEPQ_HASH	64
#define	SLEEPQ_INDEX(wc)	((((uintptr_t)(wc)) >> 4) % SLEEPQ_HASH)

static TAILQ_HEAD(sleepq, thread) sleepq[SLEEPQ_HASH];
static bool sleepq_ready;

static struct sleepq *
sleepq_lookup(const void *wchan)
{
	int i;

	if (!sleepq_ready) {
		for (i = 0; i < SLEEPQ_HASH; i++)
			TAILQ_INIT(&sleepq[i]);
		sleepq_ready = true;
	}
	return (&sleepq[SLEEPQ_INDEX(wchan)]);
}

/* Take td off its sleep queue and make it runnable; events masked. */
static void
sleepq_resume(struct thread *td)
{
	TAILQ_REMOVE(sleepq_lookup(td->td_wchan), td, td_runq);
	td->td_wchan = NULL;
	td->td_wmesg = NULL;
	setrunnable(td);
}

static void
sleepq_timeout(void *arg)
{
	struct thread *td = arg;

	if (td->td_state == TDS_SLEEPING && td->td_wchan != NULL) {
		td->td_timedout = 1;
		sleepq_resume(td);
	}
}

/*
 * Sleep on wchan until woken or, if timo > 0, for timo ticks (1/hz s).
 * 'mtx', if given, is released while asleep and held again on return.
 * Returns 0 when woken, EWOULDBLOCK on timeout.
 */
int
msleep(const void *wchan, struct mtx *mtx, int pri, const char *wmesg,
    int timo)
{
	struct thread *td = curthread;
	register_t s;
	int timedout;

	KASSERT(td->td_intr == 0, ("msleep in an interrupt handler"));
	KASSERT(wchan != NULL, ("msleep on a NULL channel"));
	s = intr_disable();
	td->td_wchan = wchan;
	td->td_wmesg = wmesg;
	td->td_timedout = 0;
	td->td_state = TDS_SLEEPING;
	TAILQ_INSERT_TAIL(sleepq_lookup(wchan), td, td_runq);
	if (timo > 0)
		callout_reset(&td->td_slpcallout, timo, sleepq_timeout, td);
	if (mtx != NULL)
		mtx_unlock(mtx);
	mi_switch();
	if (timo > 0)
		callout_stop(&td->td_slpcallout);
	timedout = td->td_timedout;
	intr_restore(s);
	if (mtx != NULL)
		mtx_lock(mtx);
	return (timedout ? EWOULDBLOCK : 0);
}

int
tsleep(const void *wchan, int pri, const char *wmesg, int timo)
{
	return (msleep(wchan, NULL, pri, wmesg, timo));
}

static void
wakeup_common(const void *wchan, bool one)
{
	struct thread *td, *next;
	struct sleepq *sq;
	register_t s;

	s = intr_disable();
	sq = sleepq_lookup(wchan);
	TAILQ_FOREACH_SAFE(td, sq, td_runq, next) {
		if (td->td_wchan != wchan)
			continue;
		sleepq_resume(td);
		if (one)
			break;
	}
	intr_restore(s);
	sched_preempt_check();
}

void
wakeup(const void *wchan)
{
	wakeup_common(wchan, false);
}

void
wakeup_one(const void *wchan)
{
	wakeup_common(wchan, true);
}
