/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A module that holds one of each resource a PV driver holds, for the
 * kernel linker's leak test (the kld_cycle in-kernel test loads and
 * unloads it 100 times and compares the kernel's counters): memory of its
 * own malloc type, small and page-sized; a grant of a page to dom0; an
 * unbound event channel; a xenstore watch; a sysctl node; a device on the
 * root bus through DRIVER_MODULE; a SYSINIT whose SYSUNINIT frees what it
 * took.  MOD_LOAD takes them (all or nothing), MOD_UNLOAD gives them back.
 * It prints nothing: it is loaded a hundred times in a row.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/bus.h>
#include <sys/module.h>

#include "device_if.h"
#include "bus_if.h"
#include "kld_take.h"

static MALLOC_DEFINE(M_KLDRES, "kld_res", "the kernel linker's leak test");

static struct kld_take kr;
static void *kld_res_early;		/* the SYSINIT's */

SYSCTL_NODE(_kern, kld_res, "the kernel linker's leak test module");
SYSCTL_ULONG(_kern_kld_res, events, &kr.kt_events,
    "events on its event channel");
SYSCTL_ULONG(_kern_kld_res, watch_events, &kr.kt_watch_events,
    "xenstore watch events");

/* A device on the root bus, quiet: it comes and goes a hundred times. */
static void
kld_resdev_identify(driver_t *driver, device_t parent)
{
	device_t dev;

	if (device_find_child(parent, "kld_resdev", -1) == NULL &&
	    (dev = device_add_child(parent, "kld_resdev",
	    DEVICE_UNIT_ANY)) != NULL)
		device_quiet(dev);
}

static int
kld_resdev_probe(device_t dev)
{
	device_set_desc(dev, "kernel linker leak test device");
	return (BUS_PROBE_DEFAULT);
}

static kobj_method_t kld_resdev_methods[] = {
	DEVMETHOD(device_identify,	kld_resdev_identify),
	DEVMETHOD(device_probe,		kld_resdev_probe),
	DEVMETHOD_END
};

static driver_t kld_resdev_driver = {
	"kld_resdev",
	kld_resdev_methods,
	0
};

static int
kld_resdev_modevent(module_t mod, int what, void *arg)
{
	device_t dev;

	if (what == MOD_UNLOAD &&
	    (dev = device_find_child(root_bus, "kld_resdev", -1)) != NULL)
		return (device_delete_child(root_bus, dev));
	return (0);
}

DRIVER_MODULE(kld_resdev, root, kld_resdev_driver, kld_resdev_modevent,
    NULL);

static void
kld_res_sysinit(void *arg)
{
	kld_res_early = malloc(200, M_KLDRES, M_NOWAIT);
}
SYSINIT(kld_res, SI_SUB_KMEM, SI_ORDER_ANY, kld_res_sysinit, NULL);

static void
kld_res_sysuninit(void *arg)
{
	free(kld_res_early, M_KLDRES);
	kld_res_early = NULL;
}
SYSUNINIT(kld_res, SI_SUB_KMEM, SI_ORDER_ANY, kld_res_sysuninit, NULL);

static int
kld_res_modevent(module_t mod, int what, void *arg)
{
	int error;

	switch (what) {
	case MOD_LOAD:
		error = kld_take(&kr, M_KLDRES, "kld_res", 64, "data/kld_res");
		if (error != 0)
			printf("kld_res: cannot take its resources: error "
			    "%d\n", error);
		return (error);
	case MOD_UNLOAD:
		kld_give(&kr);
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

static moduledata_t kld_res_mod = {
	"kld_res",
	kld_res_modevent,
	NULL
};

DECLARE_MODULE(kld_res, kld_res_mod, SI_SUB_KLD, SI_ORDER_ANY);
MODULE_VERSION(kld_res, 1);
