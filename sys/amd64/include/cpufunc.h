/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_CPUFUNC_H_
#define	_MACHINE_CPUFUNC_H_

static __inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm __volatile("rdtsc" : "=a" (lo), "=d" (hi));
	return (((uint64_t)hi << 32) | lo);
}

static __inline void
cpu_spinwait(void)
{
	__asm __volatile("pause");
}

/*
 * The PV "interrupt flag" is vCPU 0's event-channel upcall mask in
 * shared_info (CLI/STI would not mask events).  intr_disable() masks and
 * returns the previous state; intr_restore() puts it back and, when that
 * unmasks, delivers any event that arrived meanwhile.  See xen_intr.c.
 */
register_t	intr_disable(void);
void		intr_restore(register_t);
bool		intr_masked(void);

#endif /* !_MACHINE_CPUFUNC_H_ */
