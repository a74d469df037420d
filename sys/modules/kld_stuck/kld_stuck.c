/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A file whose load fails while one of its drivers cannot let go, for the
 * kernel linker's unwind (sys/kern/kern_linker.c; the lab's kld scenario
 * loads it).
 *
 * In the file's SYSINIT order: the driver kld_stuck joins the root bus
 * and its device kld_stuck0 attaches; then the module kld_stuck's
 * MOD_LOAD fails with ENXIO.  The linker unwinds: MOD_UNLOAD to the
 * driver, whose device refuses to detach the first time it is asked
 * (EBUSY).  Freeing the file then would leave an attached device running
 * code that is gone, so the linker must keep the file loaded, and a
 * kldunload later, when the device agrees, must take it down as any
 * other.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/bus.h>
#include <sys/module.h>

#include "device_if.h"
#include "bus_if.h"

static int kld_stuck_refusals;

static void
kld_stuck_identify(driver_t *driver, device_t parent)
{
	if (device_find_child(parent, "kld_stuck", -1) == NULL)
		(void)device_add_child(parent, "kld_stuck", DEVICE_UNIT_ANY);
}

static int
kld_stuck_probe(device_t dev)
{
	device_set_desc(dev, "kernel linker keep-loaded test device");
	return (BUS_PROBE_DEFAULT);
}

static int
kld_stuck_attach(device_t dev)
{
	return (0);
}

static int
kld_stuck_detach(device_t dev)
{
	if (kld_stuck_refusals++ == 0) {
		device_printf(dev, "refusing to detach (once)\n");
		return (EBUSY);
	}
	return (0);
}

static kobj_method_t kld_stuck_methods[] = {
	DEVMETHOD(device_identify,	kld_stuck_identify),
	DEVMETHOD(device_probe,		kld_stuck_probe),
	DEVMETHOD(device_attach,	kld_stuck_attach),
	DEVMETHOD(device_detach,	kld_stuck_detach),
	DEVMETHOD_END
};

static driver_t kld_stuck_driver = {
	"kld_stuck",
	kld_stuck_methods,
	0
};

/* The device identify added is the module's to delete. */
static int
kld_stuck_drv_modevent(module_t mod, int what, void *arg)
{
	device_t dev;

	if (what == MOD_UNLOAD &&
	    (dev = device_find_child(root_bus, "kld_stuck", -1)) != NULL)
		return (device_delete_child(root_bus, dev));
	return (0);
}

DRIVER_MODULE(kld_stuck, root, kld_stuck_driver, kld_stuck_drv_modevent,
    NULL);

static int
kld_stuck_modevent(module_t mod, int what, void *arg)
{
	switch (what) {
	case MOD_LOAD:
		printf("kld_stuck: MOD_LOAD fails with ENXIO\n");
		return (ENXIO);
	case MOD_UNLOAD:
		printf("kld_stuck: MOD_UNLOAD after a failed MOD_LOAD, which "
		    "must not happen\n");
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

static moduledata_t kld_stuck_mod = {
	"kld_stuck",
	kld_stuck_modevent,
	NULL
};

DECLARE_MODULE(kld_stuck, kld_stuck_mod, SI_SUB_KLD, SI_ORDER_MIDDLE);
MODULE_VERSION(kld_stuck, 1);
