/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* The knobs of kernel_host.c, for tests. */
#ifndef _KERNEL_HOST_H_
#define	_KERNEL_HOST_H_

#include <stdint.h>
#include <sys/types.h>

extern uint64_t	kh_now_ns;		/* nanouptime_ns() */
extern void	(*kh_sleep_hook)(const void *);	/* runs for each sleep */
extern u_long	kh_sleeps, kh_wakeups;
extern int	kh_masked;		/* events "masked" depth */
extern int	kh_masked_max;		/* deepest it went */

#endif /* !_KERNEL_HOST_H_ */
