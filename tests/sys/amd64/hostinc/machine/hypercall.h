/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * <machine/hypercall.h> for the host test of mmu_batch.c: no hypercall
 * can be made here; the test's fake hypervisor defines the xen_hyp_*
 * calls <machine/mmu_batch.h> declares.  What is left is the kernel's
 * conversion of a hypercall's result to an errno value.
 */
#ifndef _HOSTINC_MACHINE_HYPERCALL_H_
#define	_HOSTINC_MACHINE_HYPERCALL_H_

static __inline int
xen_errno(long rv)
{
	return (rv < 0 ? (int)-rv : 0);
}

#endif
