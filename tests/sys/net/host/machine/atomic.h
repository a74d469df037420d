/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/* Host stand-in for <machine/atomic.h>: the barriers <xen/io/ring.h> uses. */
#ifndef _MACHINE_ATOMIC_H_
#define	_MACHINE_ATOMIC_H_

#define	mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define	rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define	wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)

#endif /* !_MACHINE_ATOMIC_H_ */
