/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_MD_VAR_H_
#define	_MACHINE_MD_VAR_H_

/*
 * What the machine-dependent layer (sys/amd64/xen) offers the rest of the
 * kernel beyond pmap and the clock: the facts of the machine the MI kernel
 * needs, probes that survive a fault, and counters of the trap path.  The
 * MI kernel learns about the machine from here, never from Xen's
 * start_info itself.
 */

/*
 * Set by the PV entry (machdep.c) before mi_startup() and not changed
 * afterwards.
 */
extern u_long		 physmem;	/* pages of pseudo-physical memory */
extern vm_offset_t	 boot_mapped_end; /* end of the builder's mappings */
extern const void	*preload_addr;	/* the preload image, or NULL */
extern size_t		 preload_size;	/* its length in bytes */

/* Read or write a word; EFAULT instead of a fatal trap (support.S). */
int	probe_read_long(volatile u_long *, u_long *);
int	probe_write_long(volatile u_long *, u_long);

extern u_long	trap_onfault_count;	/* faults the probes recovered */
extern u_long	fpu_traps;		/* #NM traps: lazy FPU switches */

/* The kernel image's bounds (the linker script) and thread0's stack. */
extern char	_begin[], _etext[], _edata[], _end[];
extern char	boot_stack[];			/* locore.S */

/* The lazy FPU switch, between fpu.c and cpu_switch (vm_machdep.c). */
struct thread;
extern struct thread *fpcurthread;	/* whose state is in the registers */
extern bool	fpu_ts_set;		/* the virtual CR0.TS as last set */

#endif /* !_MACHINE_MD_VAR_H_ */
