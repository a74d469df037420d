/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Accesses that may fault on purpose.  Before the access the routine
 * publishes a recovery address in trap_onfault; trap() sends a kernel page
 * fault there (and reports it) instead of panicking.
 *
 *	int probe_write_long(volatile u_long *addr, u_long val)
 *	int probe_read_long(volatile u_long *addr, u_long *valp)
 *
 * return 0, or EFAULT (14) if the access faulted.
 */

#define	EFAULT	14

	.text
	.globl	probe_write_long
	.type	probe_write_long, @function
probe_write_long:
	leaq	1f(%rip), %rax
	movq	%rax, trap_onfault(%rip)
	movq	%rsi, (%rdi)
	movq	$0, trap_onfault(%rip)
	xorl	%eax, %eax
	ret
1:	movq	$0, trap_onfault(%rip)
	movl	$EFAULT, %eax
	ret
	.size	probe_write_long, . - probe_write_long

	.globl	probe_read_long
	.type	probe_read_long, @function
probe_read_long:
	leaq	1f(%rip), %rax
	movq	%rax, trap_onfault(%rip)
	movq	(%rdi), %rax
	movq	%rax, (%rsi)
	movq	$0, trap_onfault(%rip)
	xorl	%eax, %eax
	ret
1:	movq	$0, trap_onfault(%rip)
	movl	$EFAULT, %eax
	ret
	.size	probe_read_long, . - probe_read_long
