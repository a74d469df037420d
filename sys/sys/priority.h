/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_PRIORITY_H_
#define	_SYS_PRIORITY_H_

/*
 * Thread priorities: 0 is the most urgent, PRI_IDLE the least (see
 * kthread(9)).  Apart from <sys/proc.h> so that code which only names a
 * priority (taskqueue_create(), say) need not see struct thread.
 */
#define	PRI_MIN		0
#define	PRI_KERN	32	/* ordinary kernel threads */
#define	PRI_IDLE	63
#define	PRI_NQS		64

#endif /* !_SYS_PRIORITY_H_ */
