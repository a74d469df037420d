/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * taskqueue(9) for host tests.  There is no thread: enqueued tasks wait,
 * with the kernel's coalescing and priority order, until the test calls
 * taskqueue_host_run_all() -- as the queue's thread would run them later,
 * never inside the caller of taskqueue_enqueue().  Drains and free run
 * the queue to the point they would have waited for.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/taskqueue.h>
#include "taskqueue_host.h"

struct taskqueue {
	TAILQ_HEAD(, task) tq_queue;
	LIST_ENTRY(taskqueue) tq_link;
	struct task	*tq_running;
	bool		 tq_exiting;
	char		 tq_name[24];
};

static LIST_HEAD(, taskqueue) tq_all = LIST_HEAD_INITIALIZER(tq_all);

struct taskqueue *
taskqueue_create(const char *name, int mflags, int pri)
{
	struct taskqueue *tq;

	if ((tq = calloc(1, sizeof(*tq))) == NULL)
		return (NULL);
	TAILQ_INIT(&tq->tq_queue);
	snprintf(tq->tq_name, sizeof(tq->tq_name), "%s", name);
	LIST_INSERT_HEAD(&tq_all, tq, tq_link);
	return (tq);
}

/* Run the first task; false if there was none. */
static bool
taskqueue_host_run_one(struct taskqueue *tq)
{
	struct task *task;
	int pending;

	if ((task = TAILQ_FIRST(&tq->tq_queue)) == NULL)
		return (false);
	TAILQ_REMOVE(&tq->tq_queue, task, ta_link);
	pending = task->ta_pending;
	task->ta_pending = 0;
	tq->tq_running = task;
	task->ta_func(task->ta_context, pending);
	tq->tq_running = NULL;
	return (true);
}

void
taskqueue_free(struct taskqueue *tq)
{
	tq->tq_exiting = true;
	while (taskqueue_host_run_one(tq))
		;
	LIST_REMOVE(tq, tq_link);
	free(tq);
}

int
taskqueue_enqueue(struct taskqueue *tq, struct task *task)
{
	struct task *t;

	if (tq->tq_exiting)
		return (EPIPE);
	if (task->ta_pending > 0) {
		if (task->ta_pending < 0xffff)
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
	return (0);
}

int
taskqueue_cancel(struct taskqueue *tq, struct task *task, u_int *pendp)
{
	u_int pending = task->ta_pending;

	if (pending > 0) {
		TAILQ_REMOVE(&tq->tq_queue, task, ta_link);
		task->ta_pending = 0;
	}
	if (pendp != NULL)
		*pendp = pending;
	return (tq->tq_running == task ? EBUSY : 0);
}

void
taskqueue_drain(struct taskqueue *tq, struct task *task)
{
	while (task->ta_pending > 0 && taskqueue_host_run_one(tq))
		;
}

void
taskqueue_drain_all(struct taskqueue *tq)
{
	while (taskqueue_host_run_one(tq))
		;
}

int
taskqueue_member(struct taskqueue *tq, struct thread *td)
{
	return (0);
}

const char *
taskqueue_name(struct taskqueue *tq)
{
	return (tq->tq_name);
}

int
taskqueue_host_run_all(void)
{
	struct taskqueue *tq;
	bool ran;
	int n = 0;

	do {
		ran = false;
		LIST_FOREACH(tq, &tq_all, tq_link) {
			while (taskqueue_host_run_one(tq)) {
				ran = true;
				n++;
			}
		}
	} while (ran);
	return (n);
}

int
taskqueue_host_pending_all(void)
{
	struct taskqueue *tq;
	struct task *t;
	int n = 0;

	LIST_FOREACH(tq, &tq_all, tq_link)
		TAILQ_FOREACH(t, &tq->tq_queue, ta_link)
			n++;
	return (n);
}
