/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _MACHINE_FRAME_H_
#define	_MACHINE_FRAME_H_

/*
 * The trap frame built by exception.S on every exception, event upcall,
 * failsafe and NMI callback.  Xen delivers a "bounce frame" of RCX, R11,
 * [error code,] RIP, CS, RFLAGS, RSP, SS; the entry stubs put RCX and R11
 * back into their registers, push the error code (0 if the vector has none)
 * and the trap number, then save every general register below that.  The
 * last five fields are a native iretq frame.  CS bits 39:32 hold the event
 * mask Xen saved; RFLAGS.IF is its inverse.
 */
struct trapframe {
	uint64_t	tf_rdi;
	uint64_t	tf_rsi;
	uint64_t	tf_rdx;
	uint64_t	tf_rcx;
	uint64_t	tf_r8;
	uint64_t	tf_r9;
	uint64_t	tf_rax;
	uint64_t	tf_rbx;
	uint64_t	tf_rbp;
	uint64_t	tf_r10;
	uint64_t	tf_r11;
	uint64_t	tf_r12;
	uint64_t	tf_r13;
	uint64_t	tf_r14;
	uint64_t	tf_r15;
	uint64_t	tf_trapno;
	uint64_t	tf_err;
	uint64_t	tf_rip;
	uint64_t	tf_cs;
	uint64_t	tf_rflags;
	uint64_t	tf_rsp;
	uint64_t	tf_ss;
};

#define	TF_SIZE		(22 * 8)
#define	TF_REGS		(15 * 8)	/* the saved general registers */

/* Xen clears the RPL of CS for a bounce from guest kernel mode. */
#define	TRAPF_USERMODE(tf)	(((tf)->tf_cs & 3) == 3)

#endif /* !_MACHINE_FRAME_H_ */
