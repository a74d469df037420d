/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The PV interrupt flag.
 *
 * A PV kernel cannot use CLI/STI: its "interrupts" are event-channel
 * upcalls, and what holds them off is evtchn_upcall_mask in this vCPU's
 * vcpu_info.  Masking is a plain store.  Unmasking must not lose an event
 * that arrived while masked: Xen only delivers an upcall on its way back
 * into the guest, so after clearing the mask we look at upcall_pending and,
 * if set, make a cheap hypercall (xen_version) to get it delivered now.
 * Checking before unmasking would leave a window in which the event is
 * noticed by nobody.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <machine/cpufunc.h>
#include <machine/hypercall.h>
#include <machine/xen.h>

static __inline volatile struct vcpu_info *
intr_vcpu(void)
{
	return (&HYPERVISOR_shared_info->vcpu_info[0]);
}

register_t
intr_disable(void)
{
	volatile struct vcpu_info *v = intr_vcpu();
	register_t old;

	old = v->evtchn_upcall_mask;
	v->evtchn_upcall_mask = 1;
	__compiler_membar();
	return (old);
}

void
intr_restore(register_t s)
{
	volatile struct vcpu_info *v = intr_vcpu();

	if (s != 0)
		return;
	__compiler_membar();
	v->evtchn_upcall_mask = 0;
	__compiler_membar();
	if (v->evtchn_upcall_pending)
		(void)HYPERVISOR_xen_version(XENVER_version, NULL);
}

bool
intr_masked(void)
{
	return (intr_vcpu()->evtchn_upcall_mask != 0);
}
