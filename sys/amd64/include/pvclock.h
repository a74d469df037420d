/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_PVCLOCK_H_
#define	_MACHINE_PVCLOCK_H_

/*
 * Xen's TSC scaling (vcpu_time_info): a TSC delta becomes nanoseconds by
 * shifting it by tsc_shift (left if positive, right if negative) and
 * multiplying by tsc_to_system_mul, a 32.32 fixed-point factor.  The
 * product needs 96 bits.
 */
static __inline uint64_t
pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return ((uint64_t)(((unsigned __int128)delta * mul) >> 32));
}

#endif /* !_MACHINE_PVCLOCK_H_ */
