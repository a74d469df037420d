/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The PV boot contract, as seen from the kernel image.
 *
 * The Xen ELF notes below are what xl's domain builder reads: we are a
 * "generic" loader image for the xen-3.0 ABI, linked at VIRT_BASE with
 * pseudo-physical address 0 there (PADDR_OFFSET = VIRT_BASE), our entry
 * point, the page Xen fills with hypercall stubs, and a request to load the
 * kernel's symbol table after the image (BSD_SYMTAB).
 *
 * Xen enters xen_entry on vCPU 0 in (ring-3) guest kernel mode with events
 * masked, %rsi = start_info and %rsp at the top of a single bootstrap stack
 * page.  There is no trap table yet, so any fault here kills the domain.
 * The first instruction reads the TSC: xen_start() turns it into Xen
 * system time once shared_info is mapped, the start of the guest's own
 * boot time.  We move to our own stack and hand start_info, the entry %rsp
 * (which marks the end of everything the builder placed) and that TSC to
 * xen_start().  Xen has already zero-filled .bss (p_filesz..p_memsz of
 * every PT_LOAD).
 */

#include <xen/elfnote.h>

#define	KERNBASE	0xffffffff80000000

#define	ELFNOTE(type, vtype, value)					\
	.pushsection .note.Xen, "a", @note;				\
	.p2align 2;							\
	.long	2f - 1f;						\
	.long	4f - 3f;						\
	.long	type;							\
1:	.asciz	"Xen";							\
2:	.p2align 2;							\
3:	vtype	value;							\
4:	.p2align 2;							\
	.popsection

	ELFNOTE(XEN_ELFNOTE_GUEST_OS,	    .asciz, "pvbsd")
	ELFNOTE(XEN_ELFNOTE_GUEST_VERSION,  .asciz, PVBSD_VERSION)
	ELFNOTE(XEN_ELFNOTE_XEN_VERSION,    .asciz, "xen-3.0")
	ELFNOTE(XEN_ELFNOTE_LOADER,	    .asciz, "generic")
	ELFNOTE(XEN_ELFNOTE_VIRT_BASE,	    .quad,  KERNBASE)
	ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET,   .quad,  KERNBASE)
	ELFNOTE(XEN_ELFNOTE_ENTRY,	    .quad,  xen_entry)
	ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad,  hypercall_page)
	ELFNOTE(XEN_ELFNOTE_BSD_SYMTAB,	    .asciz, "yes")

	.section .text.entry, "ax", @progbits
	.globl	xen_entry
	.type	xen_entry, @function
xen_entry:
	rdtsc				/* the guest's boot starts here */
	shlq	$32, %rdx
	orq	%rax, %rdx		/* arg 3: TSC at entry */
	cld
	movq	%rsi, %rdi		/* arg 1: start_info */
	movq	%rsp, %rsi		/* arg 2: entry %rsp */
	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp		/* terminate frame-pointer chains */
	call	xen_start
	ud2				/* xen_start() does not return */
	.size	xen_entry, . - xen_entry

	/* Filled by Xen at domain build time with 128 32-byte stubs. */
	.section .text.hypercall, "ax", @progbits
	.p2align 12
	.globl	hypercall_page
	.type	hypercall_page, @object
hypercall_page:
	.skip	4096, 0xcc
	.size	hypercall_page, 4096

	.section .bss.stack, "aw", @nobits
	.p2align 12
	.globl	boot_stack
boot_stack:
	.skip	16384
boot_stack_top:
