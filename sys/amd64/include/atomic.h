/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_ATOMIC_H_
#define	_MACHINE_ATOMIC_H_

/*
 * Memory barriers for memory shared with Xen and with other domains.  amd64
 * keeps stores in order and loads in order (TSO), so rmb() and wmb() only
 * have to stop the compiler; mb() orders a store before a later load.
 */
#define	mb()	__asm __volatile("mfence" : : : "memory")
#define	rmb()	__asm __volatile("" : : : "memory")
#define	wmb()	__asm __volatile("" : : : "memory")

static __inline void
atomic_set_long(volatile u_long *p, u_long v)
{
	__asm __volatile("lock; orq %1, %0" : "+m" (*p) : "r" (v) : "memory");
}

static __inline void
atomic_clear_long(volatile u_long *p, u_long v)
{
	__asm __volatile("lock; andq %1, %0" : "+m" (*p) : "r" (~v) : "memory");
}

static __inline u_long
atomic_swap_long(volatile u_long *p, u_long v)
{
	__asm __volatile("xchgq %1, %0" : "+m" (*p), "+r" (v) : : "memory");
	return (v);
}

/* Atomically clear bit 'bit' of the bitmap at 'p'; returns its old value. */
static __inline int
atomic_testandclear_long(volatile u_long *p, u_int bit)
{
	u_char old;

	__asm __volatile("lock; btrq %2, %0; setc %1"
	    : "+m" (*p), "=q" (old) : "Jr" ((u_long)(bit & 63)) : "memory", "cc");
	return (old);
}

static __inline int
atomic_testandset_long(volatile u_long *p, u_int bit)
{
	u_char old;

	__asm __volatile("lock; btsq %2, %0; setc %1"
	    : "+m" (*p), "=q" (old) : "Jr" ((u_long)(bit & 63)) : "memory", "cc");
	return (old);
}

#endif /* !_MACHINE_ATOMIC_H_ */
