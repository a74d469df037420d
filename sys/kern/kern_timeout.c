/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * callout(9) on a one-shot event timer.
 *
 * Pending callouts sit in one list sorted by deadline.  The event timer is
 * always armed for the head (or stopped when the list is empty); when it
 * fires, callout_process() runs every callout whose deadline has passed,
 * in deadline order, then re-arms for the next.  No periodic tick: an idle
 * kernel takes no timer interrupts at all.
 *
 * Insertion is linear in the number of pending callouts, which is small
 * here.  A callout function runs with events masked, from the timer's
 * event-channel handler, and may reset or stop any callout, its own
 * included.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/callout.h>
#include <sys/kernel.h>
#include <sys/timetc.h>
#include <machine/cpufunc.h>

int hz = 1000;

static TAILQ_HEAD(, callout) callout_queue =
    TAILQ_HEAD_INITIALIZER(callout_queue);
static struct eventtimer *eventtimer;
static uint64_t callout_armed;		/* deadline the timer is set for */
static u_long callout_npending;

static void	callout_rearm(void);

void
et_register(struct eventtimer *et)
{
	register_t s;

	eventtimer = et;
	printf("eventtimer: %s\n", et->et_name);
	/* Callouts queued before there was a timer: arm for them now. */
	s = intr_disable();
	callout_armed = 0;
	callout_rearm();
	intr_restore(s);
}

/* Arm the timer for the head of the queue.  Events masked. */
static void
callout_rearm(void)
{
	struct callout *c;

	if (eventtimer == NULL)
		return;
	c = TAILQ_FIRST(&callout_queue);
	if (c == NULL) {
		if (callout_armed != 0)
			eventtimer->et_stop();
		callout_armed = 0;
		return;
	}
	if (c->c_time != callout_armed) {
		callout_armed = c->c_time;
		(void)eventtimer->et_start(c->c_time);
	}
}

/*
 * The event timer lost its deadline (the machine was suspended): arm it
 * again for the head of the queue.  Events masked.
 */
void
callout_rearm_timer(void)
{
	callout_armed = 0;
	callout_rearm();
}

void
callout_init(struct callout *c)
{
	memset(c, 0, sizeof(*c));
}

static void
callout_dequeue(struct callout *c)
{
	TAILQ_REMOVE(&callout_queue, c, c_link);
	c->c_flags &= ~CALLOUT_PENDING;
	callout_npending--;
}

/* Run func(arg) 'ns' nanoseconds from now.  1 if it was already pending. */
int
callout_reset_ns(struct callout *c, uint64_t ns, void (*func)(void *),
    void *arg)
{
	struct callout *t;
	register_t s;
	int was;

	s = intr_disable();
	was = callout_pending(c);
	if (was)
		callout_dequeue(c);
	c->c_time = nanouptime_ns() + ns;
	c->c_func = func;
	c->c_arg = arg;
	c->c_flags |= CALLOUT_PENDING | CALLOUT_ACTIVE;
	TAILQ_FOREACH(t, &callout_queue, c_link)
		if (t->c_time > c->c_time)
			break;
	if (t != NULL)
		TAILQ_INSERT_BEFORE(t, c, c_link);
	else
		TAILQ_INSERT_TAIL(&callout_queue, c, c_link);
	callout_npending++;
	callout_rearm();
	intr_restore(s);
	return (was);
}

/* The same in ticks of 1/hz second; a negative or zero delay means "now". */
int
callout_reset(struct callout *c, int ticks, void (*func)(void *), void *arg)
{
	if (ticks < 0)
		ticks = 0;
	return (callout_reset_ns(c, (uint64_t)ticks * (1000000000 / hz),
	    func, arg));
}

/* Cancel; 1 if it was pending (and now will not run). */
int
callout_stop(struct callout *c)
{
	register_t s;
	int was;

	s = intr_disable();
	was = callout_pending(c);
	if (was) {
		callout_dequeue(c);
		callout_rearm();
	}
	c->c_flags &= ~CALLOUT_ACTIVE;
	intr_restore(s);
	return (was);
}

/* The event timer fired: run what is due.  Events masked. */
void
callout_process(uint64_t now)
{
	struct callout *c;

	callout_armed = 0;
	while ((c = TAILQ_FIRST(&callout_queue)) != NULL &&
	    c->c_time <= now) {
		callout_dequeue(c);
		c->c_func(c->c_arg);
		now = nanouptime_ns();
	}
	callout_rearm();
}

u_long
callout_count(void)
{
	return (callout_npending);
}
