/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Autoconfiguration at boot: the root bus, the drivers built into the
 * kernel, and the first probe and attach of the device tree.
 *
 * Every DRIVER_MODULE() leaves a driver_module_data in the linker set
 * modmetadata_set.  For drivers compiled into the kernel nobody loads a
 * module, so this SYSINIT hands each one to its handler (MOD_LOAD), which
 * adds the driver to its bus's devclass; then the root bus probes and
 * attaches its children, and each bus does the same below it.  Drivers in
 * modules go through the same handler when the kernel linker loads them.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/linker_set.h>
#include <sys/queue.h>
#include <sys/kobj.h>
#include <sys/bus.h>

SET_DECLARE(modmetadata_set, struct driver_module_data);

static void
configure(void *arg)
{
	struct driver_module_data **dmdp, *dmd;
	int error;

	root_bus_init();
	SET_FOREACH(dmdp, modmetadata_set) {
		dmd = *dmdp;
		if (dmd->dmd_handler != driver_module_handler)
			continue;	/* other module metadata */
		if ((error = dmd->dmd_handler(NULL, MOD_LOAD, dmd)) != 0)
			printf("autoconf: driver %s not registered: %d\n",
			    dmd->dmd_name, error);
	}
	root_bus_configure();
}
SYSINIT(configure, SI_SUB_CONFIGURE, SI_ORDER_FIRST, configure, NULL);
