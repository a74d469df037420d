/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Hypercalls of a 64-bit PV guest.
 *
 * Xen fills the page at hypercall_page (see locore.S) with 128 stubs of 32
 * bytes; calling stub N makes hypercall N.  Arguments go in %rdi, %rsi,
 * %rdx, %r10 and %r8, the result comes back in %rax (negative: a Linux-
 * numbered errno), and the argument registers are clobbered, so each one is
 * an in/out operand below.  The numbers are Xen's (__HYPERVISOR_* in
 * <xen/xen.h>).  iret is never called this way: it does not return (see
 * exception.S).
 */
#ifndef _MACHINE_HYPERCALL_H_
#define	_MACHINE_HYPERCALL_H_

#include <sys/types.h>
#include <sys/errno.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/version.h>
#include <xen/vcpu.h>
#include <xen/memory.h>
#include <xen/callback.h>
#include <xen/grant_table.h>

extern char hypercall_page[];

/* Hypercalls made, by number (a multicall's entries count as one). */
#define	XEN_NHYPERCALLS	64
extern u_long xen_hypercall_count[XEN_NHYPERCALLS];

#define	_HYPERCALL_STUB(n)	"call hypercall_page + " __XSTRING(n) " * 32"
#define	_HYPERCALL_COUNT(n)	(xen_hypercall_count[(n)]++)

#define	_hypercall1(n, a1) ({						\
	long __r;							\
	_HYPERCALL_COUNT(n);						\
	register u_long __a1 __asm("rdi") = (u_long)(a1);		\
	__asm __volatile(_HYPERCALL_STUB(n)				\
	    : "=a" (__r), "+r" (__a1)					\
	    : : "memory", "rsi", "rdx", "r10", "r8");			\
	__r;								\
})

#define	_hypercall2(n, a1, a2) ({					\
	long __r;							\
	_HYPERCALL_COUNT(n);						\
	register u_long __a1 __asm("rdi") = (u_long)(a1);		\
	register u_long __a2 __asm("rsi") = (u_long)(a2);		\
	__asm __volatile(_HYPERCALL_STUB(n)				\
	    : "=a" (__r), "+r" (__a1), "+r" (__a2)			\
	    : : "memory", "rdx", "r10", "r8");				\
	__r;								\
})

#define	_hypercall3(n, a1, a2, a3) ({					\
	long __r;							\
	_HYPERCALL_COUNT(n);						\
	register u_long __a1 __asm("rdi") = (u_long)(a1);		\
	register u_long __a2 __asm("rsi") = (u_long)(a2);		\
	register u_long __a3 __asm("rdx") = (u_long)(a3);		\
	__asm __volatile(_HYPERCALL_STUB(n)				\
	    : "=a" (__r), "+r" (__a1), "+r" (__a2), "+r" (__a3)	\
	    : : "memory", "r10", "r8");					\
	__r;								\
})

#define	_hypercall4(n, a1, a2, a3, a4) ({				\
	long __r;							\
	_HYPERCALL_COUNT(n);						\
	register u_long __a1 __asm("rdi") = (u_long)(a1);		\
	register u_long __a2 __asm("rsi") = (u_long)(a2);		\
	register u_long __a3 __asm("rdx") = (u_long)(a3);		\
	register u_long __a4 __asm("r10") = (u_long)(a4);		\
	__asm __volatile(_HYPERCALL_STUB(n)				\
	    : "=a" (__r), "+r" (__a1), "+r" (__a2), "+r" (__a3),	\
	      "+r" (__a4)						\
	    : : "memory", "r8");					\
	__r;								\
})

#define	_hypercall5(n, a1, a2, a3, a4, a5) ({				\
	long __r;							\
	_HYPERCALL_COUNT(n);						\
	register u_long __a1 __asm("rdi") = (u_long)(a1);		\
	register u_long __a2 __asm("rsi") = (u_long)(a2);		\
	register u_long __a3 __asm("rdx") = (u_long)(a3);		\
	register u_long __a4 __asm("r10") = (u_long)(a4);		\
	register u_long __a5 __asm("r8") = (u_long)(a5);		\
	__asm __volatile(_HYPERCALL_STUB(n)				\
	    : "=a" (__r), "+r" (__a1), "+r" (__a2), "+r" (__a3),	\
	      "+r" (__a4), "+r" (__a5)					\
	    : : "memory");						\
	__r;								\
})

static __inline long
HYPERVISOR_mmu_update(mmu_update_t *req, u_int count, u_int *done,
    domid_t dom)
{
	return (_hypercall4(__HYPERVISOR_mmu_update, req, count, done, dom));
}

static __inline long
HYPERVISOR_mmuext_op(struct mmuext_op *op, u_int count, u_int *done,
    domid_t dom)
{
	return (_hypercall4(__HYPERVISOR_mmuext_op, op, count, done, dom));
}

static __inline long
HYPERVISOR_multicall(multicall_entry_t *calls, u_int count)
{
	return (_hypercall2(__HYPERVISOR_multicall, calls, count));
}

static __inline long
HYPERVISOR_set_trap_table(const trap_info_t *table)
{
	return (_hypercall1(__HYPERVISOR_set_trap_table, table));
}

static __inline long
HYPERVISOR_stack_switch(u_long ss, u_long sp)
{
	return (_hypercall2(__HYPERVISOR_stack_switch, ss, sp));
}

static __inline long
HYPERVISOR_fpu_taskswitch(int set)
{
	return (_hypercall1(__HYPERVISOR_fpu_taskswitch, set));
}

static __inline long
HYPERVISOR_sched_op(int cmd, void *arg)
{
	return (_hypercall2(__HYPERVISOR_sched_op, cmd, arg));
}

/*
 * SCHEDOP_shutdown(SHUTDOWN_suspend): a 64-bit PV guest passes the MFN of
 * its start_info page as the third argument (%rdx); the toolstack finds
 * the page there and rewrites it for the new domain.  Returns 0 when
 * resumed in a new domain, 1 when the suspend was cancelled (or was a
 * checkpoint) and the domain is the same one, <0 on error.
 */
static __inline long
HYPERVISOR_suspend(u_long start_info_mfn)
{
	struct sched_shutdown sd = { .reason = SHUTDOWN_suspend };

	return (_hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &sd,
	    start_info_mfn));
}

static __inline long
HYPERVISOR_event_channel_op(int cmd, void *arg)
{
	return (_hypercall2(__HYPERVISOR_event_channel_op, cmd, arg));
}

static __inline long
HYPERVISOR_xen_version(int cmd, void *arg)
{
	return (_hypercall2(__HYPERVISOR_xen_version, cmd, arg));
}

static __inline long
HYPERVISOR_update_va_mapping(u_long va, uint64_t pte, u_long flags)
{
	return (_hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags));
}

static __inline long
HYPERVISOR_vcpu_op(int cmd, int vcpu, void *arg)
{
	return (_hypercall3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg));
}

static __inline long
HYPERVISOR_memory_op(int cmd, void *arg)
{
	return (_hypercall2(__HYPERVISOR_memory_op, cmd, arg));
}

static __inline long
HYPERVISOR_vm_assist(u_int cmd, u_int type)
{
	return (_hypercall2(__HYPERVISOR_vm_assist, cmd, type));
}

static __inline long
HYPERVISOR_callback_op(int cmd, void *arg)
{
	return (_hypercall2(__HYPERVISOR_callback_op, cmd, arg));
}

static __inline long
HYPERVISOR_grant_table_op(u_int cmd, void *arg, u_int count)
{
	return (_hypercall3(__HYPERVISOR_grant_table_op, cmd, arg, count));
}

/*
 * Translate a hypercall result into a BSD errno: 0 for success, else the
 * BSD value of Xen's (Linux-numbered) error.
 */
static __inline int
xen_errno(long rv)
{
	if (rv >= 0)
		return (0);
	switch (-rv) {
	case 1:		return (EPERM);
	case 2:		return (ENOENT);
	case 3:		return (ESRCH);
	case 4:		return (EINTR);
	case 5:		return (EIO);
	case 6:		return (ENXIO);
	case 7:		return (E2BIG);
	case 11:	return (EAGAIN);
	case 12:	return (ENOMEM);
	case 13:	return (EACCES);
	case 14:	return (EFAULT);
	case 16:	return (EBUSY);
	case 17:	return (EEXIST);
	case 19:	return (ENODEV);
	case 22:	return (EINVAL);
	case 28:	return (ENOSPC);
	case 34:	return (ERANGE);
	case 38:	return (ENOSYS);
	case 62:	return (ETIMEDOUT);	/* ETIME */
	case 95:	return (EOPNOTSUPP);
	case 110:	return (ETIMEDOUT);
	default:	return (EIO);
	}
}

#endif /* !_MACHINE_HYPERCALL_H_ */
