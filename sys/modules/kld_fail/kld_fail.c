/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A module whose MOD_LOAD handler fails, for the kernel linker's unwind
 * test (the kld_fail in-kernel test, sys/tests/kern/ktest_kld.c, loads it
 * and compares the kernel's counters before and after).  Both sides of
 * the contract are exercised:
 *
 *   what the kernel must undo -- its file mapping and symbols, its malloc
 *   type, its sysctl node kern.kld_fail and the oid below it, the driver
 *   kld_faildev (added to the root bus, whose device attaches and
 *   allocates its softc), and the SYSINIT kld_fail_take, which takes
 *   memory of its own type, kmem pages, a grant to dom0, an unbound event
 *   channel and a xenstore watch: its SYSUNINIT gives them back, and the
 *   kernel must run it;
 *
 *   what the module undoes itself -- MOD_LOAD takes memory and a grant,
 *   gives them back and fails with ENXIO.
 *
 * In the file's SYSINIT order: the driver (SI_SUB_CONFIGURE), then
 * kld_fail_take (SI_SUB_KLD, SI_ORDER_FIRST), then MOD_LOAD (SI_SUB_KLD,
 * SI_ORDER_MIDDLE), then kld_fail_late (SI_SUB_KLD, SI_ORDER_ANY), which
 * must never run, nor its SYSUNINIT.  Each step prints a line.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
#include <sys/bus.h>
#include <sys/module.h>
#include <machine/pmap.h>
#include <vm/vm_kern.h>
#include <xen/gnttab.h>
#include <xen/xen_evtchn.h>
#include <xen/xenstore/xenstorevar.h>

#include "device_if.h"
#include "bus_if.h"
#include "kld_take.h"

static MALLOC_DEFINE(M_KLDFAIL, "kld_fail", "the kernel linker's unwind test");

#define	KF_KMEM_PAGES	4

static struct kld_take kf;
static vm_offset_t kld_fail_kmem;

static u_int kld_fail_loads;

SYSCTL_NODE(_kern, kld_fail, "the kernel linker's unwind test module");
SYSCTL_UINT(_kern_kld_fail, loads, &kld_fail_loads, "MOD_LOADs tried");

static void
kld_fail_give(void)
{
	kld_give(&kf);
	if (kld_fail_kmem != 0)
		kmem_free(kld_fail_kmem, KF_KMEM_PAGES * PAGE_SIZE);
	kld_fail_kmem = 0;
}

static void
kld_fail_untake(void *arg)
{
	kld_fail_give();
	printf("kld_fail: SYSUNINIT gave back its memory, kmem, grant, event "
	    "channel and watch\n");
}
SYSUNINIT(kld_fail_take, SI_SUB_KLD, SI_ORDER_FIRST, kld_fail_untake, NULL);

static void
kld_fail_take(void *arg)
{
	int error;

	kld_fail_kmem = kmem_malloc(KF_KMEM_PAGES * PAGE_SIZE,
	    M_NOWAIT | M_ZERO);
	if (kld_fail_kmem == 0)
		error = ENOMEM;
	else
		error = kld_take(&kf, M_KLDFAIL, "kld_fail", 48,
		    "data/kld_fail");
	if (error != 0) {
		/* MOD_LOAD fails anyway; the SYSUNINIT finds nothing to give. */
		printf("kld_fail: SYSINIT could not take its resources: "
		    "error %d\n", error);
		kld_fail_give();
		return;
	}
	printf("kld_fail: SYSINIT took memory, %d kmem pages, grant %u, "
	    "event channel %u and a watch\n", KF_KMEM_PAGES, kf.kt_ref,
	    kf.kt_port);
}
SYSINIT(kld_fail_take, SI_SUB_KLD, SI_ORDER_FIRST, kld_fail_take, NULL);

static void
kld_fail_late(void *arg)
{
	printf("kld_fail: SYSINIT after the failed MOD_LOAD ran, which must "
	    "not happen\n");
}
SYSINIT(kld_fail_late, SI_SUB_KLD, SI_ORDER_ANY, kld_fail_late, NULL);

static void
kld_fail_late_undo(void *arg)
{
	printf("kld_fail: SYSUNINIT of a SYSINIT that never ran, which must "
	    "not happen\n");
}
SYSUNINIT(kld_fail_late, SI_SUB_KLD, SI_ORDER_ANY, kld_fail_late_undo, NULL);

/* A device on the root bus whose attach allocates its softc. */
struct kld_faildev_softc {
	char	kfs_buf[128];
};

static void
kld_faildev_identify(driver_t *driver, device_t parent)
{
	if (device_find_child(parent, "kld_faildev", -1) == NULL)
		(void)device_add_child(parent, "kld_faildev",
		    DEVICE_UNIT_ANY);
}

static int
kld_faildev_probe(device_t dev)
{
	device_set_desc(dev, "kernel linker unwind test device");
	return (BUS_PROBE_DEFAULT);
}

static int
kld_faildev_attach(device_t dev)
{
	return (0);
}

static int
kld_faildev_detach(device_t dev)
{
	return (0);
}

static kobj_method_t kld_faildev_methods[] = {
	DEVMETHOD(device_identify,	kld_faildev_identify),
	DEVMETHOD(device_probe,		kld_faildev_probe),
	DEVMETHOD(device_attach,	kld_faildev_attach),
	DEVMETHOD(device_detach,	kld_faildev_detach),
	DEVMETHOD_END
};

static driver_t kld_faildev_driver = {
	"kld_faildev",
	kld_faildev_methods,
	sizeof(struct kld_faildev_softc)
};

/* The device identify added is the module's to delete. */
static int
kld_faildev_modevent(module_t mod, int what, void *arg)
{
	device_t dev;

	if (what == MOD_UNLOAD &&
	    (dev = device_find_child(root_bus, "kld_faildev", -1)) != NULL)
		return (device_delete_child(root_bus, dev));
	return (0);
}

DRIVER_MODULE(kld_faildev, root, kld_faildev_driver, kld_faildev_modevent,
    NULL);

static int
kld_fail_modevent(module_t mod, int what, void *arg)
{
	grant_ref_t ref;
	void *p;
	int error;

	switch (what) {
	case MOD_LOAD:
		kld_fail_loads++;
		/* Take, give back, fail: the module's own part. */
		if ((p = malloc(PAGE_SIZE, M_KLDFAIL, M_NOWAIT)) == NULL)
			return (ENOMEM);
		error = gnttab_grant_foreign_access(0, pfn_to_mfn(atop(
		    pmap_extract(kernel_pmap, (vm_offset_t)p))), true, &ref);
		if (error == 0 && gnttab_end_foreign_access(ref) != 0)
			printf("kld_fail: grant %u still mapped\n", ref);
		free(p, M_KLDFAIL);
		printf("kld_fail: MOD_LOAD gave back what it took and fails "
		    "with ENXIO\n");
		return (ENXIO);
	case MOD_UNLOAD:
		printf("kld_fail: MOD_UNLOAD after a failed MOD_LOAD, which "
		    "must not happen\n");
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

static moduledata_t kld_fail_mod = {
	"kld_fail",
	kld_fail_modevent,
	NULL
};

DECLARE_MODULE(kld_fail, kld_fail_mod, SI_SUB_KLD, SI_ORDER_MIDDLE);
MODULE_VERSION(kld_fail, 1);
