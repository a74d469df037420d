/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* Host stand-in for <sys/kernel.h>: no SYSINITs on the host. */
#ifndef _SYS_KERNEL_H_
#define	_SYS_KERNEL_H_

#define	SYSINIT(uniq, sub, order, func, ident)				\
	static __attribute__((__unused__)) void (*uniq##_sys_init)(void *) = \
	    (void (*)(void *))(func)
#define	SYSUNINIT(uniq, sub, order, func, ident)			\
	static __attribute__((__unused__)) void (*uniq##_sys_uninit)(void *) = \
	    (void (*)(void *))(func)

extern int hz;

#endif /* !_SYS_KERNEL_H_ */
