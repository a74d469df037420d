/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Included first (cc -include) by host tests that compile kernel sources:
 * the C library's <sys/cdefs.h> stands in for the kernel's, and these are
 * the few macros of ours it lacks.  Only what the kernel headers used on
 * the host need; nothing here may change the meaning of a libc header.
 */
#ifndef _KERN_HOST_H_
#define	_KERN_HOST_H_

/* The kernel's <sys/types.h> has these; the C library's does not. */
#include <stddef.h>
#include <stdint.h>

#ifndef __printflike
#define	__printflike(f, a)	__attribute__((__format__(__printf__, f, a)))
#endif
#ifndef __section
#define	__section(x)		__attribute__((__section__(x)))
#endif
#ifndef __dead2
#define	__dead2			__attribute__((__noreturn__))
#endif
#ifndef __used
#define	__used			__attribute__((__used__))
#endif
#ifndef __predict_false
#define	__predict_true(e)	__builtin_expect((e), 1)
#define	__predict_false(e)	__builtin_expect((e), 0)
#endif

#endif /* !_KERN_HOST_H_ */
