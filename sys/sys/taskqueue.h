/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_TASKQUEUE_H_
#define	_SYS_TASKQUEUE_H_

#include <sys/queue.h>
#include <sys/callout.h>
#include <sys/priority.h>

/*
 * taskqueue(9): work deferred to a kernel thread.  A task is enqueued from
 * any context, interrupt handlers and callouts included, and runs later in
 * the queue's own thread, where it may sleep.  A task already queued is
 * not queued twice: its pending count grows and it runs once, told how
 * many times it was asked for.  Lock: events masked [e]; [I] set by
 * TASK_INIT and left alone while the task is queued or running.
 */
struct taskqueue;
struct thread;

typedef void task_fn_t(void *context, int pending);

struct task {
	TAILQ_ENTRY(task) ta_link;	/* [e] on the queue */
	u_short		 ta_pending;	/* [e] times enqueued, 0: not queued */
	u_short		 ta_priority;	/* [I] higher runs first */
	task_fn_t	*ta_func;	/* [I] */
	void		*ta_context;	/* [I] */
};

struct timeout_task {
	struct taskqueue *to_queue;	/* [I] */
	struct task	 to_task;
	struct callout	 to_callout;	/* [e] */
	LIST_ENTRY(timeout_task) to_link; /* [e] armed, on the queue's list */
	int		 to_flags;	/* [e] */
};

#define	TASK_INIT(task, priority, func, context) do {			\
	(task)->ta_pending = 0;						\
	(task)->ta_priority = (priority);				\
	(task)->ta_func = (func);					\
	(task)->ta_context = (context);					\
} while (0)

#define	TIMEOUT_TASK_INIT(queue, timeout_task, priority, func, context)	\
	_timeout_task_init((queue), (timeout_task), (priority), (func),	\
	    (context))

struct taskqueue *taskqueue_create(const char *, int, int);
void	taskqueue_free(struct taskqueue *);
int	taskqueue_enqueue(struct taskqueue *, struct task *);
int	taskqueue_cancel(struct taskqueue *, struct task *, u_int *);
void	taskqueue_drain(struct taskqueue *, struct task *);
void	taskqueue_drain_all(struct taskqueue *);
int	taskqueue_member(struct taskqueue *, struct thread *);
const char *taskqueue_name(struct taskqueue *);

void	_timeout_task_init(struct taskqueue *, struct timeout_task *, int,
	    task_fn_t *, void *);
int	taskqueue_enqueue_timeout(struct taskqueue *, struct timeout_task *,
	    int);
int	taskqueue_cancel_timeout(struct taskqueue *, struct timeout_task *,
	    u_int *);
void	taskqueue_drain_timeout(struct taskqueue *, struct timeout_task *);

/* The system queue, for work that needs no queue of its own. */
extern struct taskqueue *taskqueue_thread;

#endif /* !_SYS_TASKQUEUE_H_ */
