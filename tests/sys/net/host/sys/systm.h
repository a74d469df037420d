/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* Host stand-in for <sys/systm.h>: the C library, assertions that abort. */
#ifndef _SYS_SYSTM_H_
#define	_SYS_SYSTM_H_

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void	host_panic(const char *, ...) __dead2 __printflike(1, 2);
#define	panic	host_panic
#define	KASSERT(exp, msg) do {						\
	if (__predict_false(!(exp)))					\
		panic msg;						\
} while (0)
#define	CTASSERT(x)	_Static_assert(x, "compile-time assertion failed")
#define	bzero(p, n)	memset((p), 0, (n))
#define	bcopy(s, d, n)	memmove((d), (s), (n))
size_t	strlcpy(char *, const char *, size_t);

#endif /* !_SYS_SYSTM_H_ */
