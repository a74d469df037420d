/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Autoconfiguration at boot: the root bus, the drivers built into the
 * kernel, and the first probe and attach of the device tree.
 *
 * Every DRIVER_MODULE() leaves a module metadata record of type MDT_DRIVER
 * in the linker set modmetadata_set, and the kernel linker has made each
 * one a module of the kernel (kern_linker.c, at SI_SUB_KMEM).  In
 * SI_SUB_CONFIGURE, in order: the root bus appears; the built-in drivers'
 * modules get MOD_LOAD (driver_module_handler() adds each driver to its
 * bus's devclass), at SI_ORDER_MIDDLE like any DECLARE_MODULE there; then
 * the root bus probes and attaches its children, and each bus does the
 * same below it.  Drivers in a .ko get MOD_LOAD at the same point among
 * the file's SYSINITs, and their buses re-probe (BUS_DRIVER_ADDED).
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/linker_set.h>
#include <sys/queue.h>
#include <sys/kobj.h>
#include <sys/bus.h>
#include <sys/module.h>

SET_DECLARE(modmetadata_set, struct mod_metadata);

static void
configure_first(void *arg)
{
	root_bus_init();
}
SYSINIT(configure_first, SI_SUB_CONFIGURE, SI_ORDER_FIRST, configure_first,
    NULL);

static void
configure_drivers(void *arg)
{
	struct mod_metadata **mdp;

	SET_FOREACH(mdp, modmetadata_set) {
		if ((*mdp)->md_version == MDT_STRUCT_VERSION &&
		    (*mdp)->md_type == MDT_DRIVER)
			module_register_init(*mdp);
	}
}
SYSINIT(configure_drivers, SI_SUB_CONFIGURE, SI_ORDER_MIDDLE,
    configure_drivers, NULL);

static void
configure(void *arg)
{
	root_bus_configure();
}
SYSINIT(configure, SI_SUB_CONFIGURE, SI_ORDER_ANY, configure, NULL);
