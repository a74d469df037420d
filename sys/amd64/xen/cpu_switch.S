/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The register half of a context switch.
 *
 *	void cpu_switch(struct pcb *old, struct pcb *new)
 *
 * Saves the callee-saved registers, %rsp and a resume address into 'old'
 * and continues 'new' where it was saved.  Everything Xen must know about
 * the switch -- the new kernel stack (stack_switch) and the FPU trap
 * (fpu_taskswitch) -- has been told already, in one multicall, by
 * cpu_switch_md() in vm_machdep.c; events are masked throughout.
 *
 * A new thread's pcb resumes at fork_trampoline with the function in %r12
 * and its argument in %r13.
 */

#include <machine/pcb.h>

	.text
	.globl	cpu_switch
	.type	cpu_switch, @function
cpu_switch:
	movq	%rbx, PCB_RBX(%rdi)
	movq	%rbp, PCB_RBP(%rdi)
	movq	%r12, PCB_R12(%rdi)
	movq	%r13, PCB_R13(%rdi)
	movq	%r14, PCB_R14(%rdi)
	movq	%r15, PCB_R15(%rdi)
	movq	%rsp, PCB_RSP(%rdi)
	leaq	1f(%rip), %rax
	movq	%rax, PCB_RIP(%rdi)

	movq	PCB_RBX(%rsi), %rbx
	movq	PCB_RBP(%rsi), %rbp
	movq	PCB_R12(%rsi), %r12
	movq	PCB_R13(%rsi), %r13
	movq	PCB_R14(%rsi), %r14
	movq	PCB_R15(%rsi), %r15
	movq	PCB_RSP(%rsi), %rsp
	jmp	*PCB_RIP(%rsi)
1:	ret
	.size	cpu_switch, . - cpu_switch

	.globl	fork_trampoline
	.type	fork_trampoline, @function
fork_trampoline:
	movq	%r12, %rdi
	movq	%r13, %rsi
	xorl	%ebp, %ebp		/* the end of the backtrace */
	call	thread_start
	ud2				/* thread_start does not return */
	.size	fork_trampoline, . - fork_trampoline
