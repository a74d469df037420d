/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * taskqueue(9): deferred work, each queue served by its own kernel thread.
 *
 * A queue is a list of tasks, highest priority first and in arrival order
 * within a priority, plus the thread that runs them.  Everything about a
 * queue is protected by masking events -- the same lock the scheduler and
 * callouts use -- so taskqueue_enqueue() may be called from an event
 * handler or a callout: it never sleeps and never allocates.  A task that
 * is already queued is not queued again; its pending count goes up and
 * the function is told the count when it runs once.
 *
 * The thread takes the first task off the list, clears its count, marks
 * it running and calls it with events on; the function may sleep.  After
 * each task it wakes whoever drains; with the list empty it sleeps until
 * an enqueue wakes it.  A task enqueued while it runs is queued again and
 * runs again afterwards.
 *
 * taskqueue_drain() waits until a task is neither queued nor running;
 * taskqueue_cancel() takes it off the list if it has not started.  A
 * timeout task is a task plus a callout: the callout (events masked)
 * enqueues the task when it fires.
 *
 * Freeing a queue drains it: taskqueue_free() refuses new work (enqueue
 * returns EPIPE), cancels the timeout tasks whose callouts have not fired
 * yet, lets the thread run everything already queued, and waits for the
 * thread to say it is leaving; the thread then exits, and the scheduler
 * frees its stack before the freeing thread runs again.  Only then is the
 * queue's memory given back.  Neither drain nor free may be called from
 * the queue's own thread: it would wait for itself.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/taskqueue.h>
#include <machine/cpufunc.h>

static MALLOC_DEFINE(M_TASKQUEUE, "taskqueue", "task queues");

#define	TQ_EXITING	0x0001		/* being freed: no new work */
#define	TQ_EXITED	0x0002		/* the thread will not touch it again */

#define	TT_ARMED	0x0001		/* timeout task: callout pending */

#define	TASK_PENDING_MAX	0xffff

struct taskqueue {
	TAILQ_HEAD(, task) tq_queue;		/* [e] by priority */
	LIST_HEAD(, timeout_task) tq_timeouts;	/* [e] armed callouts */
	struct task	*tq_running;		/* [e] task being run */
	struct thread	*tq_thread;		/* [I] */
	int		 tq_flags;		/* [e] TQ_* */
	u_long		 tq_ran;		/* [e] tasks run */
	char		 tq_name[24];		/* [I] */
};

struct taskqueue *taskqueue_thread;

static void
taskqueue_run(void *arg)
{
	struct taskqueue *tq = arg;
	struct task *task;
	int pending;

	(void)intr_disable();
	for (;;) {
		while ((task = TAILQ_FIRST(&tq->tq_queue)) != NULL) {
			TAILQ_REMOVE(&tq->tq_queue, task, ta_link);
			pending = task->ta_pending;
			task->ta_pending = 0;
			tq->tq_running = task;
			intr_restore(0);
			task->ta_func(task->ta_context, pending);
			(void)intr_disable();
			tq->tq_running = NULL;
			tq->tq_ran++;
			wakeup(&tq->tq_running);
		}
		if ((tq->tq_flags & TQ_EXITING) != 0)
			break;
		(void)msleep(tq, NULL, 0, "-", 0);
	}
	/* Events stay masked from here: nothing runs before we are gone. */
	tq->tq_flags |= TQ_EXITED;
	wakeup(&tq->tq_flags);
	thread_exit();
}

/*
 * A queue named 'name' (also its thread's name) whose thread runs at
 * priority 'pri' (PRI_KERN for ordinary work).  NULL if memory (with
 * M_NOWAIT) or the thread could not be had.
 */
struct taskqueue *
taskqueue_create(const char *name, int mflags, int pri)
{
	struct taskqueue *tq;

	tq = malloc(sizeof(*tq), M_TASKQUEUE, (mflags & M_NOWAIT) | M_ZERO |
	    ((mflags & M_NOWAIT) == 0 ? M_WAITOK : 0));
	if (tq == NULL)
		return (NULL);
	TAILQ_INIT(&tq->tq_queue);
	LIST_INIT(&tq->tq_timeouts);
	strlcpy(tq->tq_name, name, sizeof(tq->tq_name));
	if (thread_create(taskqueue_run, tq, pri, tq->tq_name,
	    &tq->tq_thread) != 0) {
		free(tq, M_TASKQUEUE);
		return (NULL);
	}
	return (tq);
}

/* Disarm a timeout task's callout; events masked. */
static bool
taskqueue_disarm(struct timeout_task *tt)
{
	if ((tt->to_flags & TT_ARMED) == 0)
		return (false);
	(void)callout_stop(&tt->to_callout);
	LIST_REMOVE(tt, to_link);
	tt->to_flags &= ~TT_ARMED;
	return (true);
}

void
taskqueue_free(struct taskqueue *tq)
{
	struct timeout_task *tt;
	register_t s;
	int ncancelled;

	KASSERT(curthread != tq->tq_thread,
	    ("taskqueue_free: %s from its own thread", tq->tq_name));
	ncancelled = 0;
	s = intr_disable();
	tq->tq_flags |= TQ_EXITING;
	while ((tt = LIST_FIRST(&tq->tq_timeouts)) != NULL) {
		(void)taskqueue_disarm(tt);
		ncancelled++;
	}
	wakeup(tq);
	while ((tq->tq_flags & TQ_EXITED) == 0)
		(void)msleep(&tq->tq_flags, NULL, 0, "tqfree", 0);
	intr_restore(s);
	if (ncancelled > 0)
		printf("taskqueue %s: %d timeout task(s) cancelled by free\n",
		    tq->tq_name, ncancelled);
	free(tq, M_TASKQUEUE);
}

/* Queue 'task' (or count it again); events masked. */
static int
taskqueue_enqueue_locked(struct taskqueue *tq, struct task *task)
{
	struct task *t;

	if ((tq->tq_flags & TQ_EXITING) != 0)
		return (EPIPE);
	if (task->ta_pending > 0) {
		if (task->ta_pending < TASK_PENDING_MAX)
			task->ta_pending++;
		return (0);
	}
	TAILQ_FOREACH(t, &tq->tq_queue, ta_link)
		if (t->ta_priority < task->ta_priority)
			break;
	if (t != NULL)
		TAILQ_INSERT_BEFORE(t, task, ta_link);
	else
		TAILQ_INSERT_TAIL(&tq->tq_queue, task, ta_link);
	task->ta_pending = 1;
	wakeup(tq);
	return (0);
}

/*
 * Run 'task' in the queue's thread soon.  Any context; never sleeps.
 * 0, or EPIPE if the queue is being freed.
 */
int
taskqueue_enqueue(struct taskqueue *tq, struct task *task)
{
	register_t s;
	int error;

	s = intr_disable();
	error = taskqueue_enqueue_locked(tq, task);
	intr_restore(s);
	sched_preempt_check();
	return (error);
}

/*
 * Take 'task' off the queue if it has not started; *pendp (if not NULL)
 * gets the count it had.  EBUSY if it is running now (it then finishes;
 * taskqueue_drain() waits for that), else 0.
 */
int
taskqueue_cancel(struct taskqueue *tq, struct task *task, u_int *pendp)
{
	register_t s;
	u_int pending;
	int error;

	s = intr_disable();
	pending = task->ta_pending;
	if (pending > 0) {
		TAILQ_REMOVE(&tq->tq_queue, task, ta_link);
		task->ta_pending = 0;
	}
	error = tq->tq_running == task ? EBUSY : 0;
	intr_restore(s);
	if (pendp != NULL)
		*pendp = pending;
	return (error);
}

/* Wait until 'task' is neither queued nor running. */
void
taskqueue_drain(struct taskqueue *tq, struct task *task)
{
	register_t s;

	KASSERT(curthread != tq->tq_thread,
	    ("taskqueue_drain: %s from its own thread", tq->tq_name));
	s = intr_disable();
	while (task->ta_pending > 0 || tq->tq_running == task)
		(void)msleep(&tq->tq_running, NULL, 0, "tqdrain", 0);
	intr_restore(s);
}

/* Wait until the queue is empty and its thread idle. */
void
taskqueue_drain_all(struct taskqueue *tq)
{
	register_t s;

	KASSERT(curthread != tq->tq_thread,
	    ("taskqueue_drain_all: %s from its own thread", tq->tq_name));
	s = intr_disable();
	while (!TAILQ_EMPTY(&tq->tq_queue) || tq->tq_running != NULL)
		(void)msleep(&tq->tq_running, NULL, 0, "tqdrain", 0);
	intr_restore(s);
}

/* Is 'td' the queue's thread? */
int
taskqueue_member(struct taskqueue *tq, struct thread *td)
{
	return (tq->tq_thread == td);
}

const char *
taskqueue_name(struct taskqueue *tq)
{
	return (tq->tq_name);
}

/*
 * Timeout tasks.
 */

void
_timeout_task_init(struct taskqueue *tq, struct timeout_task *tt,
    int priority, task_fn_t *func, void *context)
{
	memset(tt, 0, sizeof(*tt));
	TASK_INIT(&tt->to_task, priority, func, context);
	callout_init(&tt->to_callout);
	tt->to_queue = tq;
}

/* The callout fired (events masked): queue the task. */
static void
taskqueue_timeout_fire(void *arg)
{
	struct timeout_task *tt = arg;

	LIST_REMOVE(tt, to_link);
	tt->to_flags &= ~TT_ARMED;
	(void)taskqueue_enqueue_locked(tt->to_queue, &tt->to_task);
}

/*
 * Queue 'tt' in 'ticks' ticks (1/hz s); 0 or less queues it now.  An
 * armed timeout is moved to the new time.  0, or EPIPE if the queue is
 * being freed.
 */
int
taskqueue_enqueue_timeout(struct taskqueue *tq, struct timeout_task *tt,
    int ticks)
{
	register_t s;
	int error;

	KASSERT(tt->to_queue == tq, ("taskqueue_enqueue_timeout: %s: the "
	    "timeout task belongs to another queue", tq->tq_name));
	s = intr_disable();
	if ((tq->tq_flags & TQ_EXITING) != 0)
		error = EPIPE;
	else if (ticks <= 0) {
		(void)taskqueue_disarm(tt);
		error = taskqueue_enqueue_locked(tq, &tt->to_task);
	} else {
		callout_reset(&tt->to_callout, ticks, taskqueue_timeout_fire,
		    tt);
		if ((tt->to_flags & TT_ARMED) == 0) {
			LIST_INSERT_HEAD(&tq->tq_timeouts, tt, to_link);
			tt->to_flags |= TT_ARMED;
		}
		error = 0;
	}
	intr_restore(s);
	sched_preempt_check();
	return (error);
}

/*
 * Stop the callout and take the task off the queue; *pendp counts an
 * armed callout as one.  EBUSY if the task is running now.
 */
int
taskqueue_cancel_timeout(struct taskqueue *tq, struct timeout_task *tt,
    u_int *pendp)
{
	register_t s;
	u_int pending;
	bool armed;
	int error;

	s = intr_disable();
	armed = taskqueue_disarm(tt);
	error = taskqueue_cancel(tq, &tt->to_task, &pending);
	intr_restore(s);
	if (pendp != NULL)
		*pendp = pending + (armed ? 1 : 0);
	return (error);
}

/* Stop the callout, then wait until the task is neither queued nor running. */
void
taskqueue_drain_timeout(struct taskqueue *tq, struct timeout_task *tt)
{
	register_t s;

	s = intr_disable();
	(void)taskqueue_disarm(tt);
	intr_restore(s);
	taskqueue_drain(tq, &tt->to_task);
}

/* The system queue. */
static void
taskqueue_thread_init(void *arg)
{
	taskqueue_thread = taskqueue_create("taskq", M_WAITOK, PRI_KERN);
	if (taskqueue_thread == NULL)
		panic("taskqueue: cannot start the system queue");
}
SYSINIT(taskqueue_thread, SI_SUB_SCHED, SI_ORDER_MIDDLE,
    taskqueue_thread_init, NULL);
