/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Traps, the PV way.
 *
 * Instead of an IDT, a PV kernel hands Xen a trap table (set_trap_table):
 * for each exception vector, the entry point Xen bounces to, the privilege
 * a software INT needs, and whether events are masked on entry.  Event
 * upcalls, the failsafe path and virtual NMIs arrive through callbacks
 * registered with CALLBACKOP_register.  All of them land in exception.S,
 * which builds a trapframe and calls trap() with events masked.
 *
 * trap() dispatches: upcalls to the event-channel code, #NM to the lazy
 * FPU switch, page faults to pmap (once it handles faults), and anything
 * else the kernel did not expect to a fatal report: trap name, fault
 * address (Xen leaves CR2 in vcpu_info, where we read it before events
 * could let another fault overwrite it), registers and a symbolized
 * backtrace (printed by panic() through cpu_backtrace()), then panic(),
 * which crashes the domain so xl says "crash".
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/linker.h>
#include <sys/proc.h>
#include <machine/frame.h>
#include <machine/hypercall.h>
#include <machine/pmap.h>
#include <machine/trap.h>
#include <machine/xen.h>

#define	TI_MASK		4	/* trap_info.flags: mask events on entry */

static const trap_info_t trap_table[] = {
	{ T_DIVIDE,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xdiv },
	{ T_DEBUG,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xdbg },
	{ T_BPTFLT,	TI_MASK | 3,	FLAT_KERNEL_CS, (u_long)Xbpt },
	{ T_OFLOW,	TI_MASK | 3,	FLAT_KERNEL_CS, (u_long)Xofl },
	{ T_BOUND,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xbnd },
	{ T_PRIVINFLT,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xill },
	{ T_DNA,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xdna },
	{ T_DOUBLEFLT,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xdblfault },
	{ T_FPOPFLT,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xfpusegm },
	{ T_TSSFLT,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xtss },
	{ T_SEGNPFLT,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xmissing },
	{ T_STKFLT,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xstk },
	{ T_PROTFLT,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xprot },
	{ T_PAGEFLT,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xpage },
	{ T_ARITHTRAP,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xfpu },
	{ T_ALIGNFLT,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xalign },
	{ T_MCHK,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xmchk },
	{ T_XMMFLT,	TI_MASK,	FLAT_KERNEL_CS, (u_long)Xxmm },
	{ 0, 0, 0, 0 }
};

static const char *const trap_names[] = {
	[T_DIVIDE] = "integer divide fault",
	[T_DEBUG] = "debug exception",
	[T_NMI] = "non-maskable interrupt",
	[T_BPTFLT] = "breakpoint instruction fault",
	[T_OFLOW] = "overflow trap",
	[T_BOUND] = "bound range exceeded",
	[T_PRIVINFLT] = "privileged instruction fault",
	[T_DNA] = "FPU device not available",
	[T_DOUBLEFLT] = "double fault",
	[T_FPOPFLT] = "coprocessor segment overrun",
	[T_TSSFLT] = "invalid TSS fault",
	[T_SEGNPFLT] = "segment not present fault",
	[T_STKFLT] = "stack fault",
	[T_PROTFLT] = "general protection fault",
	[T_PAGEFLT] = "page fault",
	[T_ARITHTRAP] = "FPU error",
	[T_ALIGNFLT] = "alignment fault",
	[T_MCHK] = "machine check",
	[T_XMMFLT] = "SIMD floating-point exception",
};

/* Hooks filled in by the subsystems that take these traps. */
void	(*trap_upcall_hook)(struct trapframe *);
int	(*trap_dna_hook)(struct trapframe *);
int	(*trap_pfault_hook)(struct trapframe *, u_long);

u_long	trap_counts[T_FAILSAFE + 1];

#define	PSL_I		0x200	/* RFLAGS.IF: events were enabled */

/* Recovery address for a kernel access that may fault (support.S). */
u_long	trap_onfault;
u_long	trap_onfault_count;

static void
trap_register_callback(int type, void *entry, int flags)
{
	struct callback_register cb = {
		.type = type,
		.flags = flags,
		.address = (u_long)entry,
	};
	long rv;

	rv = HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
	if (rv != 0)
		panic("trap_init: callback %d not registered: %d", type,
		    xen_errno(rv));
}

void
trap_init(void)
{
	long rv;

	rv = HYPERVISOR_set_trap_table(trap_table);
	if (rv != 0)
		panic("trap_init: set_trap_table: %d", xen_errno(rv));
	trap_register_callback(CALLBACKTYPE_event, Xupcall, 0);
	trap_register_callback(CALLBACKTYPE_failsafe, Xfailsafe,
	    CALLBACKF_mask_events);
	trap_register_callback(CALLBACKTYPE_nmi, Xnmi, 0);
}

/*
 * Walk the %rbp chain from 'rbp' and print each return address with its
 * symbol, found by the kernel linker: the kernel's own, or a loaded
 * module's followed by the module's file name in brackets.  Frames must
 * move up the stack, stay within 64 KiB of the start and above the
 * hypervisor's hole (thread stacks are in kmem), so a corrupt chain ends
 * the walk instead of faulting again.
 */
void	db_backtrace(u_long, u_long);

void
db_backtrace(u_long rip, u_long rbp)
{
	const char *file, *name;
	uintptr_t off;
	u_long limit, *fp;
	int depth;

	limit = rbp + 65536;
	for (depth = 0; depth < 32; depth++) {
		if (linker_search_symbol_name(rip, &name, &off, &file) != 0)
			printf("#%d %#lx\n", depth, rip);
		else if (file == NULL)
			printf("#%d %#lx at %s+%#lx\n", depth, rip, name,
			    (u_long)off);
		else
			printf("#%d %#lx at %s+%#lx [%s]\n", depth, rip, name,
			    (u_long)off, file);
		if (rbp == 0 || (rbp & 7) != 0 || rbp >= limit ||
		    rbp < DMAP_MIN)
			break;
		fp = (u_long *)rbp;
		rip = fp[1];
		if (rip == 0 || fp[0] <= rbp)
			break;
		rbp = fp[0];
	}
}

/*
 * panic(9)'s backtrace: the stack of the code a fatal trap interrupted,
 * or else that of panic()'s caller.
 */
static struct trapframe *trap_fatal_frame;

void
cpu_backtrace(void)
{
	u_long *fp;

	printf("backtrace:\n");
	if (trap_fatal_frame != NULL) {
		db_backtrace(trap_fatal_frame->tf_rip,
		    trap_fatal_frame->tf_rbp);
		return;
	}
	/* Our own frame: the saved %rbp and return address of panic(). */
	fp = __builtin_frame_address(0);
	db_backtrace(fp[1], fp[0]);
}

static void
trap_fatal(struct trapframe *tf, u_long cr2)
{
	const char *name;

	name = tf->tf_trapno < nitems(trap_names) &&
	    trap_names[tf->tf_trapno] != NULL ?
	    trap_names[tf->tf_trapno] : "unknown trap";
	printf("\nFatal trap %lu: %s while in %s mode\n", tf->tf_trapno, name,
	    TRAPF_USERMODE(tf) ? "user" : "kernel");
	if (tf->tf_trapno == T_PAGEFLT)
		printf("fault virtual address\t= %#lx (%s, %s)\n", cr2,
		    (tf->tf_err & PGEX_W) ? "write" :
		    (tf->tf_err & PGEX_I) ? "instruction fetch" : "read",
		    (tf->tf_err & PGEX_P) ? "protection violation" :
		    "page not present");
	printf("error code\t\t= %#lx\n", tf->tf_err);
	printf("instruction pointer\t= %#lx:%#lx\n", tf->tf_cs & 0xffff,
	    tf->tf_rip);
	printf("stack pointer\t\t= %#lx:%#lx\n", tf->tf_ss & 0xffff,
	    tf->tf_rsp);
	printf("rflags\t\t\t= %#lx, event mask %lu\n", tf->tf_rflags,
	    (tf->tf_cs >> 32) & 0xff);
	printf("rax %016lx rbx %016lx rcx %016lx\n", tf->tf_rax, tf->tf_rbx,
	    tf->tf_rcx);
	printf("rdx %016lx rsi %016lx rdi %016lx\n", tf->tf_rdx, tf->tf_rsi,
	    tf->tf_rdi);
	printf("rbp %016lx r8  %016lx r9  %016lx\n", tf->tf_rbp, tf->tf_r8,
	    tf->tf_r9);
	printf("r10 %016lx r11 %016lx r12 %016lx\n", tf->tf_r10, tf->tf_r11,
	    tf->tf_r12);
	printf("r13 %016lx r14 %016lx r15 %016lx\n", tf->tf_r13, tf->tf_r14,
	    tf->tf_r15);
	/* panic() prints the backtrace, from here: cpu_backtrace(). */
	trap_fatal_frame = tf;
	panic("%s", name);
}

void
trap(struct trapframe *tf)
{
	u_long cr2;

	if (tf->tf_trapno < nitems(trap_counts))
		trap_counts[tf->tf_trapno]++;
	switch (tf->tf_trapno) {
	case T_UPCALL:
		curthread->td_intr++;
		if (trap_upcall_hook != NULL)
			trap_upcall_hook(tf);
		curthread->td_intr--;
		/*
		 * A handler woke a more urgent thread: switch now, unless
		 * the interrupted code had events masked (it may be in the
		 * middle of a scheduler or allocator operation).
		 */
		sched_upcall_exit((tf->tf_rflags & PSL_I) != 0);
		return;
	case T_FAILSAFE:
		/* A segment reload failed; we use none, so just go on. */
		return;
	case T_NMI:
		printf("NMI received, ignored\n");
		return;
	case T_DNA:
		if (trap_dna_hook != NULL && trap_dna_hook(tf) == 0)
			return;
		break;
	case T_PAGEFLT:
		cr2 = HYPERVISOR_shared_info->vcpu_info[0].arch.cr2;
		if (trap_pfault_hook != NULL && trap_pfault_hook(tf, cr2) == 0)
			return;
		if (!TRAPF_USERMODE(tf) && trap_onfault != 0) {
			printf("trap: kernel %s fault at %#lx (%s) caught at "
			    "%#lx\n", (tf->tf_err & PGEX_W) ? "write" : "read",
			    cr2, (tf->tf_err & PGEX_P) ?
			    "protection violation" : "page not present",
			    tf->tf_rip);
			tf->tf_rip = trap_onfault;
			trap_onfault_count++;
			return;
		}
		trap_fatal(tf, cr2);
		/* NOTREACHED */
	}
	trap_fatal(tf, 0);
}
