/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Entry points Xen bounces to: one stub per exception vector (installed by
 * set_trap_table), the event upcall, the failsafe and the NMI callbacks.
 *
 * A PV guest has no IDT.  Xen builds a bounce frame on the kernel stack,
 * just below the interrupted %rsp (we run without a red zone for this):
 *
 *	0(%rsp)  RCX    8(%rsp)  R11    [16(%rsp) error code]
 *	then RIP, CS (saved event mask in bits 39:32), RFLAGS, RSP, SS
 *
 * Each stub reloads RCX and R11 (they carry the interrupted values and
 * would otherwise be lost), pushes an error code where the CPU has none,
 * pushes its trap number and joins alltraps, which saves the remaining
 * registers into a struct trapframe (<machine/frame.h>) and calls trap().
 *
 * Every return goes through HYPERVISOR_iret: it restores the event mask
 * from the frame's RFLAGS.IF along with RIP/CS/RFLAGS/RSP/SS, so an upcall
 * that arrived while events were enabled returns with them enabled and
 * Xen re-checks for pending events on the way back -- no critical-region
 * fixup is needed, at the price of one hypercall per return.  The iret
 * stub wants [flags][RIP][CS][RFLAGS][RSP][SS] at %rsp with RAX, RCX and
 * R11 holding the values to restore; the error-code slot becomes flags.
 */

#include <machine/trap.h>
#include <xen/xen.h>

#define	TF_REGS		(15 * 8)

#define	TRAP_NOERR(name, num)						\
	.globl	name;							\
	.type	name, @function;					\
name:									\
	popq	%rcx;							\
	popq	%r11;							\
	pushq	$0;							\
	pushq	$(num);							\
	jmp	alltraps;						\
	.size	name, . - name

#define	TRAP_ERR(name, num)						\
	.globl	name;							\
	.type	name, @function;					\
name:									\
	popq	%rcx;							\
	popq	%r11;							\
	pushq	$(num);							\
	jmp	alltraps;						\
	.size	name, . - name

	.text
	.p2align 4
TRAP_NOERR(Xdiv,	T_DIVIDE)
TRAP_NOERR(Xdbg,	T_DEBUG)
TRAP_NOERR(Xbpt,	T_BPTFLT)
TRAP_NOERR(Xofl,	T_OFLOW)
TRAP_NOERR(Xbnd,	T_BOUND)
TRAP_NOERR(Xill,	T_PRIVINFLT)
TRAP_NOERR(Xdna,	T_DNA)
TRAP_ERR(Xdblfault,	T_DOUBLEFLT)
TRAP_NOERR(Xfpusegm,	T_FPOPFLT)
TRAP_ERR(Xtss,		T_TSSFLT)
TRAP_ERR(Xmissing,	T_SEGNPFLT)
TRAP_ERR(Xstk,		T_STKFLT)
TRAP_ERR(Xprot,		T_PROTFLT)
TRAP_ERR(Xpage,		T_PAGEFLT)
TRAP_NOERR(Xfpu,	T_ARITHTRAP)
TRAP_ERR(Xalign,	T_ALIGNFLT)
TRAP_NOERR(Xmchk,	T_MCHK)
TRAP_NOERR(Xxmm,	T_XMMFLT)
TRAP_NOERR(Xnmi,	T_NMI)
TRAP_NOERR(Xupcall,	T_UPCALL)

	/* Failsafe: Xen also pushed DS, ES, FS, GS after R11; drop them. */
	.globl	Xfailsafe
	.type	Xfailsafe, @function
Xfailsafe:
	popq	%rcx
	popq	%r11
	addq	$32, %rsp
	pushq	$0
	pushq	$T_FAILSAFE
	jmp	alltraps
	.size	Xfailsafe, . - Xfailsafe

	.type	alltraps, @function
alltraps:
	subq	$TF_REGS, %rsp
	movq	%rdi, 0(%rsp)
	movq	%rsi, 8(%rsp)
	movq	%rdx, 16(%rsp)
	movq	%rcx, 24(%rsp)
	movq	%r8, 32(%rsp)
	movq	%r9, 40(%rsp)
	movq	%rax, 48(%rsp)
	movq	%rbx, 56(%rsp)
	movq	%rbp, 64(%rsp)
	movq	%r10, 72(%rsp)
	movq	%r11, 80(%rsp)
	movq	%r12, 88(%rsp)
	movq	%r13, 96(%rsp)
	movq	%r14, 104(%rsp)
	movq	%r15, 112(%rsp)
	cld
	/* Link the frame into the %rbp chain so backtraces cross traps. */
	movq	%rsp, %rdi
	pushq	TF_REGS + 16(%rdi)	/* interrupted RIP */
	pushq	%rbp
	movq	%rsp, %rbp
	call	trap
	addq	$16, %rsp
	.globl	doreti
doreti:
	movq	0(%rsp), %rdi
	movq	8(%rsp), %rsi
	movq	16(%rsp), %rdx
	movq	24(%rsp), %rcx
	movq	32(%rsp), %r8
	movq	40(%rsp), %r9
	movq	48(%rsp), %rax
	movq	56(%rsp), %rbx
	movq	64(%rsp), %rbp
	movq	72(%rsp), %r10
	movq	80(%rsp), %r11
	movq	88(%rsp), %r12
	movq	96(%rsp), %r13
	movq	104(%rsp), %r14
	movq	112(%rsp), %r15
	addq	$TF_REGS + 8, %rsp	/* registers and trap number */
	movq	$0, (%rsp)		/* error code slot := iret flags */
	jmp	hypercall_page + __HYPERVISOR_iret * 32
	.size	alltraps, . - alltraps
