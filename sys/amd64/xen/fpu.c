/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Lazy FPU switching.
 *
 * The FPU, SSE and AVX registers are large and most switches do not need
 * them, so they are switched lazily: a context switch sets the virtual
 * CR0.TS (fpu_taskswitch, in the switch multicall) unless the incoming
 * thread already owns the registers; the thread's first FPU instruction
 * then raises #NM.  Xen clears TS before delivering #NM, and fpu_trap()
 * saves the previous owner's state (fxsave) into its save area, loads the
 * current thread's (fxrstor) or gives it a clean state, and makes it the
 * owner.  The kernel itself is compiled without SSE; only code that asks
 * for the FPU explicitly uses it.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <machine/frame.h>
#include <machine/md_var.h>
#include <machine/trap.h>

MALLOC_DEFINE(M_FPU, "fpu", "FPU save areas");

#define	FPU_SAVE_SIZE	512	/* fxsave area; the 512 zone aligns it */

struct thread *fpcurthread;	/* whose state is in the registers */
bool fpu_ts_set;		/* the virtual CR0.TS as we last set it */
u_long fpu_traps;


static int
fpu_trap(struct trapframe *tf)
{
	struct thread *td = curthread;
	static const uint32_t mxcsr_default = 0x1f80;

	fpu_traps++;
	fpu_ts_set = false;		/* Xen cleared TS to deliver #NM */
	if (fpcurthread == td)
		return (0);
	if (fpcurthread != NULL && fpcurthread->td_fpu != NULL) {
		__asm __volatile("fxsave64 (%0)" : : "r" (fpcurthread->td_fpu)
		    : "memory");
		fpcurthread->td_fpu_used = true;
	}
	if (td->td_fpu == NULL) {
		td->td_fpu = malloc(FPU_SAVE_SIZE, M_FPU, M_NOWAIT | M_ZERO);
		if (td->td_fpu == NULL)
			panic("fpu_trap: no memory for %s's FPU state",
			    td->td_name);
	}
	if (td->td_fpu_used)
		__asm __volatile("fxrstor64 (%0)" : : "r" (td->td_fpu));
	else
		__asm __volatile("fninit; ldmxcsr %0" : : "m" (mxcsr_default));
	fpcurthread = td;
	return (0);
}

/* A dying thread's state is dropped, not saved. */
void
fpu_thread_exit(struct thread *td)
{
	if (fpcurthread == td)
		fpcurthread = NULL;
	free(td->td_fpu, M_FPU);
	td->td_fpu = NULL;
}

static void
fpu_init(void *arg)
{
	trap_dna_hook = fpu_trap;
}
SYSINIT(fpu, SI_SUB_SCHED, SI_ORDER_SECOND, fpu_init, NULL);
