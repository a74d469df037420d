/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * What the PV machine-dependent layer knows about the domain it runs in:
 * the copy of start_info, the mapped shared_info page, and the translations
 * between the bootstrap mapping, pseudo-physical frames and machine frames.
 */
#ifndef _MACHINE_XEN_H_
#define	_MACHINE_XEN_H_

#include <sys/types.h>
#include <xen/xen.h>
#include <xen/event_channel.h>

/* VA of pseudo-physical address 0: the kernel is linked here (ldscript). */
#define	KERNBASE	0xffffffff80000000UL

/* PTE bits used for the few mappings made before pmap exists. */
#define	PG_V		0x001UL
#define	PG_RW		0x002UL
#define	PG_A		0x020UL
#define	PG_M		0x040UL
#define	PG_NX		(1UL << 63)

extern start_info_t	 xen_start_info;	/* copy made at entry */
extern shared_info_t	*HYPERVISOR_shared_info;
extern u_long		 xen_boot_end;		/* end of bootstrap mapping */

/* The m2p table Xen maps read-only into every PV guest. */
#define	xen_m2p(mfn)	(((const u_long *)HYPERVISOR_VIRT_START)[(mfn)])

/* A frame of the bootstrap area, found from its MFN through the m2p. */
static __inline void *
xen_mfn_to_bootva(u_long mfn)
{
	return ((void *)(KERNBASE + (xen_m2p(mfn) << 12)));
}

void	xen_shutdown(u_int) __dead2;

uint64_t xen_clock_ns(void);
uint64_t xen_clock_tsc_ns(uint64_t);
uint64_t xen_clock_to_system(uint64_t);

void	xen_start(start_info_t *, u_long, uint64_t) __dead2; /* locore.S */

#endif /* !_MACHINE_XEN_H_ */
