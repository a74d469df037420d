/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Included first (cc -include) by the host tests of the network stack
 * (mbufs, interfaces, Ethernet, ARP, IPv4, UDP, the netfront ring code).
 * The C library stands in for the kernel's headers where it has them;
 * host/ (on the include path before the C library) stands in for the
 * kernel headers that must behave differently on the host: systm.h
 * (assertions abort), malloc.h (counted, tests/sys/kern/malloc_host.c),
 * mutex.h, kernel.h, sysctl.h and callout.h (no-ops), timetc.h (a clock
 * the test sets).  The kernel's own headers (<sys/mbuf.h>, <net/...>,
 * <netinet/...>) come from sys/ after the C library (-idirafter).
 */
#ifndef _NET_HOST_H_
#define	_NET_HOST_H_

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>
#include <errno.h>

#define	INVARIANTS	1

#ifndef __printflike
#define	__printflike(f, a)	__attribute__((__format__(__printf__, f, a)))
#endif
#ifndef __section
#define	__section(x)		__attribute__((__section__(x)))
#endif
#ifndef __used
#define	__used			__attribute__((__used__))
#endif
#ifndef __dead2
#define	__dead2			__attribute__((__noreturn__))
#endif
#ifndef __packed
#define	__packed		__attribute__((__packed__))
#endif
#ifndef __aligned
#define	__aligned(x)		__attribute__((__aligned__(x)))
#endif
#ifndef __predict_false
#define	__predict_true(e)	__builtin_expect((e), 1)
#define	__predict_false(e)	__builtin_expect((e), 0)
#endif

#define	PAGE_SHIFT	12
#define	PAGE_SIZE	(1UL << PAGE_SHIFT)
#define	PAGE_MASK	(PAGE_SIZE - 1)
#ifndef nitems
#define	nitems(x)	(sizeof((x)) / sizeof((x)[0]))
#endif

typedef uint64_t	vm_offset_t;
typedef uint64_t	vm_size_t;

#endif /* !_NET_HOST_H_ */
