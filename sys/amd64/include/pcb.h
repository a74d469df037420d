/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_PCB_H_
#define	_MACHINE_PCB_H_

#ifndef __ASSEMBLY__
/*
 * What cpu_switch() saves of a thread that is not running: the registers
 * the C calling convention preserves, the stack pointer, and where to
 * resume.  The FPU state lives apart (fpu.c) and is saved lazily.
 */
struct pcb {
	uint64_t	pcb_rbx;
	uint64_t	pcb_rbp;
	uint64_t	pcb_r12;
	uint64_t	pcb_r13;
	uint64_t	pcb_r14;
	uint64_t	pcb_r15;
	uint64_t	pcb_rsp;
	uint64_t	pcb_rip;
};
#endif

#define	PCB_RBX		0
#define	PCB_RBP		8
#define	PCB_R12		16
#define	PCB_R13		24
#define	PCB_R14		32
#define	PCB_R15		40
#define	PCB_RSP		48
#define	PCB_RIP		56

#ifndef __ASSEMBLY__
void	cpu_switch(struct pcb *, struct pcb *);
void	fork_trampoline(void);
#endif

#endif /* !_MACHINE_PCB_H_ */
