/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Force-included (cc -include) into a kernel source built for a host test,
 * and only into that source (CFLAGS.<test>.<src> in test.mk), so the
 * kernel file needs no include switch: the C library's headers stand in
 * for the kernel's where both exist (<sys/param.h>, <sys/errno.h>,
 * <sys/queue.h>), the kernel's own are found after them (-idirafter sys),
 * <machine/...> comes from tests/sys/kern/hostinc, and malloc(9) and
 * free(9) are the host emulation in malloc_host.c.  kernel_host.c
 * supplies the rest (mutexes, sleep, time, panic).
 */
#ifndef _HOST_KERNEL_H_
#define	_HOST_KERNEL_H_

#include "kern_host.h"
#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

/* The kernel's errno numbers that the C library lacks. */
#ifndef EFTYPE
#define	EFTYPE		79	/* inappropriate file type or format */
#endif

/* Kernel types the C library lacks. */
typedef uint64_t	vm_offset_t;
typedef uint64_t	vm_paddr_t;
typedef uint64_t	vm_size_t;

#define	INVARIANTS	1

#ifndef nitems
#define	nitems(x)		(sizeof((x)) / sizeof((x)[0]))
#endif
#ifndef PAGE_SIZE
#define	PAGE_SHIFT		12
#define	PAGE_SIZE		(1UL << PAGE_SHIFT)
#define	PAGE_MASK		(PAGE_SIZE - 1)
#endif
#ifndef round_page
#define	round_page(x)		(((x) + PAGE_MASK) & ~PAGE_MASK)
#define	trunc_page(x)		((x) & ~PAGE_MASK)
#endif
#ifndef atop
#define	atop(x)			((uint64_t)(x) >> PAGE_SHIFT)
#define	ptoa(x)			((vm_paddr_t)(x) << PAGE_SHIFT)
#endif

/* <sys/timetc.h> has its own; the C library's came first. */
#define	timespec	kern_timespec

#define	malloc	kern_malloc
#define	free	kern_free

#endif /* !_HOST_KERNEL_H_ */
