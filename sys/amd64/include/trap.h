/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_TRAP_H_
#define	_MACHINE_TRAP_H_

/* Hardware exception vectors. */
#define	T_DIVIDE	0	/* #DE divide error */
#define	T_DEBUG		1	/* #DB debug */
#define	T_NMI		2	/* NMI (a Xen callback, not a vector) */
#define	T_BPTFLT	3	/* #BP breakpoint (int3) */
#define	T_OFLOW		4	/* #OF overflow (into) */
#define	T_BOUND		5	/* #BR bound range */
#define	T_PRIVINFLT	6	/* #UD invalid opcode */
#define	T_DNA		7	/* #NM device (FPU) not available */
#define	T_DOUBLEFLT	8	/* #DF double fault */
#define	T_FPOPFLT	9	/* coprocessor segment overrun */
#define	T_TSSFLT	10	/* #TS invalid TSS */
#define	T_SEGNPFLT	11	/* #NP segment not present */
#define	T_STKFLT	12	/* #SS stack fault */
#define	T_PROTFLT	13	/* #GP general protection */
#define	T_PAGEFLT	14	/* #PF page fault */
#define	T_ARITHTRAP	16	/* #MF x87 error */
#define	T_ALIGNFLT	17	/* #AC alignment check */
#define	T_MCHK		18	/* #MC machine check */
#define	T_XMMFLT	19	/* #XM SIMD error */

/* Xen callbacks, numbered after the vectors. */
#define	T_UPCALL	256	/* event channel upcall */
#define	T_FAILSAFE	257	/* Xen could not load a segment */

/* Page-fault error code bits. */
#define	PGEX_P		0x01	/* protection violation (else not present) */
#define	PGEX_W		0x02	/* write access */
#define	PGEX_U		0x04	/* from user mode */
#define	PGEX_I		0x10	/* instruction fetch */

#ifndef __ASSEMBLY__
struct trapframe;

void	trap(struct trapframe *);
void	trap_init(void);

/* Hooks filled in by the subsystems that take these traps (trap.c). */
extern void	(*trap_upcall_hook)(struct trapframe *);	/* evtchn */
extern int	(*trap_dna_hook)(struct trapframe *);		/* fpu */

/* The entry points Xen's trap table names (exception.S). */
extern char Xdiv[], Xdbg[], Xbpt[], Xofl[], Xbnd[], Xill[], Xdna[];
extern char Xdblfault[], Xfpusegm[], Xtss[], Xmissing[], Xstk[], Xprot[];
extern char Xpage[], Xfpu[], Xalign[], Xmchk[], Xxmm[];
extern char Xnmi[], Xupcall[], Xfailsafe[];
#endif

#endif /* !_MACHINE_TRAP_H_ */
