/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Machine-dependent thread support: kernel stacks and the hypercall half
 * of a context switch.
 *
 * Stacks come from kernel virtual memory with one unmapped guard page
 * below them: an overflow faults instead of silently corrupting whatever
 * lies below.
 *
 * Switching threads, a PV kernel tells Xen two things, batched in one
 * multicall: the new kernel stack (stack_switch: where Xen builds the
 * bounce frame when the thread enters the kernel from user mode, the TSS
 * RSP0 of a native kernel) and whether the FPU holds the new thread's
 * state (fpu_taskswitch: setting the virtual CR0.TS makes the thread's
 * first FPU instruction trap with #NM, see fpu.c).  The hypercall for TS
 * is only made when its value must change.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/proc.h>
#include <machine/cpufunc.h>
#include <machine/hypercall.h>
#include <machine/md_var.h>
#include <machine/pmap.h>
#include <vm/vm_kern.h>
#include <vm/vm_page.h>

u_long cpu_switch_hypercalls;

/* A stack of 'size' bytes (whole pages) plus a guard page. */
int
cpu_thread_alloc(struct thread *td, size_t size)
{
	vm_page_t pages[16];
	vm_offset_t va;
	u_long n, i;

	n = atop(round_page(size));
	if (n == 0 || n > nitems(pages))
		return (EINVAL);
	if ((va = kva_alloc(ptoa(n + 1))) == 0)
		return (ENOMEM);
	if (pmap_growkernel(va) != 0 || pmap_growkernel(va + ptoa(n)) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		if ((pages[i] = vm_page_alloc(0)) == NULL) {
			while (i-- > 0)
				vm_page_free(pages[i]);
			goto fail;
		}
	pmap_qenter(va + PAGE_SIZE, pages, (int)n, VM_PROT_RW);
	td->td_kstack = va + PAGE_SIZE;
	td->td_kstack_size = ptoa(n);
	return (0);
fail:
	kva_free(va, ptoa(n + 1));
	return (ENOMEM);
}

void
cpu_thread_free(struct thread *td)
{
	vm_offset_t va;
	vm_paddr_t pa;
	vm_page_t pages[16];
	u_long n, i;

	n = atop(td->td_kstack_size);
	for (i = 0; i < n; i++) {
		pa = pmap_extract(kernel_pmap, td->td_kstack + ptoa(i));
		KASSERT(pa != PMAP_NOPAGE, ("cpu_thread_free: stack unmapped"));
		pages[i] = PHYS_TO_VM_PAGE(pa);
	}
	pmap_qremove(td->td_kstack, (int)n);
	for (i = 0; i < n; i++)
		vm_page_free(pages[i]);
	va = td->td_kstack - PAGE_SIZE;
	kva_free(va, ptoa(n + 1));
	td->td_kstack = 0;
}

/* The first switch to td runs func(arg) through fork_trampoline. */
void
cpu_thread_setup(struct thread *td, void (*func)(void *), void *arg)
{
	memset(&td->td_pcb, 0, sizeof(td->td_pcb));
	/* Return-address alignment: %rsp + 8 is 16-byte aligned at entry. */
	td->td_pcb.pcb_rsp = td->td_kstack + td->td_kstack_size - 8;
	td->td_pcb.pcb_rip = (uint64_t)fork_trampoline;
	td->td_pcb.pcb_r12 = (uint64_t)func;
	td->td_pcb.pcb_r13 = (uint64_t)arg;
}

/* Events masked.  Tell Xen, then switch registers. */
void
cpu_switch_md(struct thread *old, struct thread *new)
{
	multicall_entry_t mc[2];
	bool want_ts;
	u_int n;
	long rv;

	memset(mc, 0, sizeof(mc));
	mc[0].op = __HYPERVISOR_stack_switch;
	mc[0].args[0] = FLAT_KERNEL_SS;
	mc[0].args[1] = new->td_kstack + new->td_kstack_size;
	n = 1;
	want_ts = (new != fpcurthread);
	if (want_ts != fpu_ts_set) {
		mc[1].op = __HYPERVISOR_fpu_taskswitch;
		mc[1].args[0] = want_ts;
		fpu_ts_set = want_ts;
		n = 2;
	}
	rv = HYPERVISOR_multicall(mc, n);
	cpu_switch_hypercalls++;
	if (rv != 0 || (long)mc[0].result != 0 ||
	    (n == 2 && (long)mc[1].result != 0))
		panic("cpu_switch_md: stack_switch/fpu_taskswitch failed: %ld "
		    "%ld %ld", rv, (long)mc[0].result, (long)mc[1].result);
	cpu_switch(&old->td_pcb, &new->td_pcb);
}

/*
 * Nothing to run: block the vCPU in Xen until an event arrives.
 * SCHEDOP_block clears the event mask atomically with blocking, so an
 * event that arrives between our check and the block still wakes us; it
 * returns with events enabled and the upcall already taken.
 */
void
cpu_idle(void)
{
	(void)HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}
