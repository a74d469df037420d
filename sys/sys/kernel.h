/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_KERNEL_H_
#define	_SYS_KERNEL_H_

#include <sys/linker_set.h>

/*
 * SYSINIT: boot-time initialisation, in order.  Each subsystem declares
 * what it starts and where; mi_startup() sorts the whole linker set by
 * (subsystem, order) and calls them.  The order below is the PV boot
 * narrative after the machine-dependent start (console, traps, pmap):
 * memory allocators, event channels, clocks, then events on, threads and
 * the scheduler, Xen services, buses and drivers, preloaded modules,
 * tests, and the end of boot.  SYSUNINITs are declared the same way; the
 * kernel linker is to run a module's in reverse order when it unloads it
 * (nothing walks the kernel's own: it is never unloaded).
 */
enum sysinit_sub_id {
	SI_SUB_DUMMY		= 0x0000000,
	SI_SUB_TUNABLES		= 0x0700000,	/* kernel environment */
	SI_SUB_VM		= 0x1000000,	/* pages, pmap (MD, done) */
	SI_SUB_KMEM		= 0x1800000,	/* zones, malloc */
	SI_SUB_INTR		= 0x2800000,	/* event channels */
	SI_SUB_CLOCKS		= 0x4800000,	/* timecounter, event timer */
	SI_SUB_INTR_ON		= 0x4c00000,	/* events unmasked */
	SI_SUB_SCHED		= 0x5000000,	/* threads, scheduler */
	SI_SUB_XEN		= 0x8000000,	/* grant tables, xenstore */
	SI_SUB_CONFIGURE	= 0x9000000,	/* buses and drivers */
	SI_SUB_KLD		= 0xa000000,	/* preloaded modules */
	SI_SUB_KTEST		= 0xe000000,	/* in-kernel tests */
	SI_SUB_LAST		= 0xfffffff
};

enum sysinit_elem_order {
	SI_ORDER_FIRST		= 0x0000000,
	SI_ORDER_SECOND		= 0x0000001,
	SI_ORDER_THIRD		= 0x0000002,
	SI_ORDER_MIDDLE		= 0x1000000,
	SI_ORDER_ANY		= 0xfffffff
};

struct sysinit {
	enum sysinit_sub_id	 subsystem;
	enum sysinit_elem_order	 order;
	void			(*func)(void *);
	void			*udata;
	const char		*name;
};

#define	SYSINIT(uniq, sub, order, func, ident)				\
	static struct sysinit uniq##_sys_init = {			\
		sub, order, (void (*)(void *))(func), (void *)(ident),	\
		#func							\
	};								\
	DATA_SET(sysinit_set, uniq##_sys_init)

#define	SYSUNINIT(uniq, sub, order, func, ident)			\
	static struct sysinit uniq##_sys_uninit = {			\
		sub, order, (void (*)(void *))(func), (void *)(ident),	\
		#func							\
	};								\
	DATA_SET(sysuninit_set, uniq##_sys_uninit)

extern int bootverbose;
extern int hz;				/* callout ticks per second */

void	mi_startup(void) __dead2;
void	sysinit_sort(struct sysinit **, int);

#endif /* !_SYS_KERNEL_H_ */
