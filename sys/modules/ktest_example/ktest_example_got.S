/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Relocations that C code built with -mcmodel=kernel -fno-pic never gets,
 * but that hand-written assembly or a future code model may: loads through
 * the GOT (the loader builds a small one) and a 64-bit PC-relative word.
 * Part of the kernel linker's tests; see ktest_example.c.
 */

	.text
	/* int ktest_example_got_hz(void): hz, read through its GOT slot. */
	.globl	ktest_example_got_hz
	.type	ktest_example_got_hz, @function
ktest_example_got_hz:
	movq	hz@GOTPCREL(%rip), %rax		/* R_X86_64_REX_GOTPCRELX */
	movl	(%rax), %eax
	ret
	.size	ktest_example_got_hz, . - ktest_example_got_hz

	/* int ktest_example_got_printf(const char *, ...): a tail call. */
	.globl	ktest_example_got_printf
	.type	ktest_example_got_printf, @function
ktest_example_got_printf:
	xorl	%eax, %eax			/* no vector registers */
	jmp	*printf@GOTPCREL(%rip)		/* R_X86_64_GOTPCRELX */
	.size	ktest_example_got_printf, . - ktest_example_got_printf

	.data
	.p2align 3
	/* hz - . and the GOT slot of printf, relative to this word. */
	.globl	ktest_example_pcrel
	.type	ktest_example_pcrel, @object
ktest_example_pcrel:
	.quad	hz - .				/* R_X86_64_PC64 */
	.long	printf@GOTPCREL			/* R_X86_64_GOTPCREL */
	.long	0
	.size	ktest_example_pcrel, . - ktest_example_pcrel

	.section .note.GNU-stack,"",@progbits
