/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

#ifndef _SYS_CDEFS_H_
#define	_SYS_CDEFS_H_

#define	__aligned(x)		__attribute__((__aligned__(x)))
#define	__packed		__attribute__((__packed__))
#define	__section(x)		__attribute__((__section__(x)))
#define	__unused		__attribute__((__unused__))
#define	__used			__attribute__((__used__))
#define	__dead2			__attribute__((__noreturn__))
#define	__noinline		__attribute__((__noinline__))
#define	__always_inline		__attribute__((__always_inline__))
#define	__printflike(f, a)	__attribute__((__format__(__printf__, f, a)))
#define	__predict_true(e)	__builtin_expect((e), 1)
#define	__predict_false(e)	__builtin_expect((e), 0)
#define	__containerof(p, t, f)	((t *)((char *)(p) - __builtin_offsetof(t, f)))
#define	__offsetof(t, f)	__builtin_offsetof(t, f)
#define	__CONCAT1(x, y)		x ## y
#define	__CONCAT(x, y)		__CONCAT1(x, y)
#define	__STRING(x)		#x
#define	__XSTRING(x)		__STRING(x)

#define	__compiler_membar()	__asm __volatile(" " : : : "memory")

#endif /* !_SYS_CDEFS_H_ */
