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

#endif /* !_MACHINE_CPUFUNC_H_ */
