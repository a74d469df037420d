/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_MD_VAR_H_
#define	_MACHINE_MD_VAR_H_

/*
 * What the machine-dependent layer (sys/amd64/xen) offers the rest of the
 * kernel beyond pmap and the clock: probes that survive a fault, and
 * counters of the trap path.
 */

/* Read or write a word; EFAULT instead of a fatal trap (support.S). */
int	probe_read_long(volatile u_long *, u_long *);
int	probe_write_long(volatile u_long *, u_long);

extern u_long	trap_onfault_count;	/* faults the probes recovered */
extern u_long	fpu_traps;		/* #NM traps: lazy FPU switches */

#endif /* !_MACHINE_MD_VAR_H_ */
