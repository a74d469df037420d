/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A module that watches the system go down, for the lab's shutdown test
 * (tests/lab/scenarios/shutdown.sh): every hook kern_reboot(9) offers
 * prints one line when it runs, so the console shows which ran, in which
 * order, and with which howto.
 *
 *   - shutdown_pre_sync: two handlers, registered last-priority first,
 *     which must still run first-priority first;
 *   - a device on root0 (shutdown_test0) whose DEVICE_SHUTDOWN prints;
 *   - shutdown_post_sync and shutdown_final handlers;
 *   - the module's MOD_SHUTDOWN.
 *
 * MOD_LOAD registers the handlers (all or none), MOD_UNLOAD deregisters
 * them: the lab loads, unloads and loads it again, and each line must
 * appear once.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/eventhandler.h>
#include <sys/kernel.h>
#include <sys/bus.h>
#include <sys/module.h>

#include "device_if.h"
#include "bus_if.h"

static eventhandler_tag sdt_pre_last, sdt_pre_first, sdt_post, sdt_final;

static void
sdt_pre_sync_last(void *arg, int howto)
{
	printf("shutdown_test: shutdown_pre_sync (priority last), "
	    "howto %#x\n", howto);
}

static void
sdt_pre_sync_first(void *arg, int howto)
{
	printf("shutdown_test: shutdown_pre_sync (priority first), "
	    "howto %#x\n", howto);
}

static void
sdt_post_sync(void *arg, int howto)
{
	printf("shutdown_test: shutdown_post_sync, howto %#x\n", howto);
}

static void
sdt_final_handler(void *arg, int howto)
{
	printf("shutdown_test: shutdown_final, howto %#x\n", howto);
}

static void
sdt_deregister(void)
{
	EVENTHANDLER_DEREGISTER(shutdown_pre_sync, sdt_pre_last);
	EVENTHANDLER_DEREGISTER(shutdown_pre_sync, sdt_pre_first);
	EVENTHANDLER_DEREGISTER(shutdown_post_sync, sdt_post);
	EVENTHANDLER_DEREGISTER(shutdown_final, sdt_final);
	sdt_pre_last = sdt_pre_first = sdt_post = sdt_final = NULL;
}

static int
sdt_register(void)
{
	sdt_pre_last = EVENTHANDLER_REGISTER(shutdown_pre_sync,
	    sdt_pre_sync_last, NULL, SHUTDOWN_PRI_LAST);
	sdt_pre_first = EVENTHANDLER_REGISTER(shutdown_pre_sync,
	    sdt_pre_sync_first, NULL, SHUTDOWN_PRI_FIRST);
	sdt_post = EVENTHANDLER_REGISTER(shutdown_post_sync, sdt_post_sync,
	    NULL, SHUTDOWN_PRI_DEFAULT);
	sdt_final = EVENTHANDLER_REGISTER(shutdown_final, sdt_final_handler, NULL,
	    SHUTDOWN_PRI_DEFAULT);
	if (sdt_pre_last == NULL || sdt_pre_first == NULL ||
	    sdt_post == NULL || sdt_final == NULL) {
		printf("shutdown_test: cannot register its handlers\n");
		sdt_deregister();
		return (ENOMEM);
	}
	return (0);
}

static int
shutdown_test_modevent(module_t mod, int what, void *arg)
{
	switch (what) {
	case MOD_LOAD:
		return (sdt_register());
	case MOD_UNLOAD:
		sdt_deregister();
		return (0);
	case MOD_SHUTDOWN:
		printf("shutdown_test: MOD_SHUTDOWN\n");
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

static moduledata_t shutdown_test_mod = {
	"shutdown_test",
	shutdown_test_modevent,
	NULL
};

DECLARE_MODULE(shutdown_test, shutdown_test_mod, SI_SUB_KLD, SI_ORDER_ANY);
MODULE_VERSION(shutdown_test, 1);

/* The device: one on root0, added by identify. */
static void
sdt_identify(driver_t *driver, device_t parent)
{
	if (device_find_child(parent, "shutdown_test", DEVICE_UNIT_ANY) ==
	    NULL)
		(void)device_add_child(parent, "shutdown_test",
		    DEVICE_UNIT_ANY);
}

static int
sdt_probe(device_t dev)
{
	device_set_desc(dev, "shutdown test device");
	return (BUS_PROBE_DEFAULT);
}

static int
sdt_shutdown(device_t dev)
{
	device_printf(dev, "DEVICE_SHUTDOWN\n");
	return (0);
}

static kobj_method_t sdt_methods[] = {
	DEVMETHOD(device_identify,	sdt_identify),
	DEVMETHOD(device_probe,		sdt_probe),
	DEVMETHOD(device_shutdown,	sdt_shutdown),
	DEVMETHOD_END
};

static driver_t sdt_driver = {
	"shutdown_test",
	sdt_methods,
	0
};

static int
sdt_driver_modevent(module_t mod, int what, void *arg)
{
	device_t dev;

	if (what == MOD_UNLOAD && (dev = device_find_child(root_bus,
	    "shutdown_test", DEVICE_UNIT_ANY)) != NULL)
		return (device_delete_child(root_bus, dev));
	return (0);
}

DRIVER_MODULE(shutdown_test, root, sdt_driver, sdt_driver_modevent, NULL);
