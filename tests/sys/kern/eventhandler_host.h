/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Force-included (cc -include, after kern_host.h) by the host build of
 * sys/kern/subr_eventhandler.c, which is written as plain kernel code:
 * the kernel's <sys/systm.h>, <sys/malloc.h>, <sys/mutex.h> and
 * <sys/kernel.h> are used as they are, with the C library underneath,
 * malloc(9) from malloc_host.c, and mutex(9) and sleep(9) from the test
 * (eventhandler_test.c, over POSIX threads).  <sys/proc.h> is kept out:
 * its threads need the machine-dependent headers.
 */
#ifndef _EVENTHANDLER_HOST_H_
#define	_EVENTHANDLER_HOST_H_

#include <sys/types.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "malloc_host.h"

#ifndef __dead2
#define	__dead2			__attribute__((__noreturn__))
#endif

#define	malloc	kern_malloc
#define	free	kern_free

#define	_SYS_PROC_H_
void	wakeup(const void *);

#endif /* !_EVENTHANDLER_HOST_H_ */
