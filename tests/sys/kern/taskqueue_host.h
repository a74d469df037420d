/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _TASKQUEUE_HOST_H_
#define	_TASKQUEUE_HOST_H_

/*
 * The host tests' task queues (taskqueue_host.c) run nothing by
 * themselves: the test runs the queued tasks when it wants to.
 */
int	taskqueue_host_run_all(void);	/* tasks run */
int	taskqueue_host_pending_all(void);	/* tasks queued */

#endif /* !_TASKQUEUE_HOST_H_ */
