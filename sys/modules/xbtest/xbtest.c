/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * xbtest: a xenbus test driver whose attach sleeps (lab scenario xbtest).
 *
 * It claims devices of type "xbtest" (device/xbtest/<id>, planted by dom0
 * with xenstore-write; no backend behind them) and spends 500 ms in
 * attach, printing a line when it starts -- naming the thread it runs in
 * -- and one when it ends.  If the node has a "plug" entry naming another
 * id, attach first creates device/xbtest/<plug> itself, so that a second
 * device appears while the first attach sleeps, at a known moment.  The
 * bus must see it at once ("xenbusb_front0: device/xbtest/<plug>
 * appeared"), before the first attach ends: it would not if attach ran in
 * the xenstore watch thread, which would then be asleep in here.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/bus.h>
#include <sys/module.h>
#include <sys/timetc.h>
#include <xen/xenstore/xenstorevar.h>
#include <xen/xenbus/xenbusvar.h>

#include "device_if.h"
#include "bus_if.h"
#include "xenbus_if.h"

#define	XBTEST_SLEEP_MS	500

static int
xbtest_probe(device_t dev)
{
	if (strcmp(xenbus_get_type(dev), "xbtest") != 0)
		return (ENXIO);
	device_set_desc(dev, "xenbus hot-plug test device");
	return (BUS_PROBE_DEFAULT);
}

/* Plant device/xbtest/<id> next to ours, with the same kind of backend. */
static void
xbtest_plug(device_t dev, u_long id)
{
	char node[64], backend[256];
	size_t n;
	int error;

	snprintf(node, sizeof(node), "device/xbtest/%lu", id);
	strlcpy(backend, xenbus_get_otherend_path(dev), sizeof(backend));
	for (n = strlen(backend); n > 0 && backend[n - 1] != '/'; n--)
		;
	snprintf(backend + n, sizeof(backend) - n, "%lu", id);
	device_printf(dev, "planting %s\n", node);
	if ((error = xs_write(0, node, "backend-id", "0")) != 0 ||
	    (error = xs_write(0, node, "backend", backend)) != 0)
		device_printf(dev, "cannot plant %s: %d\n", node, error);
}

static int
xbtest_attach(device_t dev)
{
	uint64_t t0;
	u_long plug;

	t0 = nanouptime_ns();
	device_printf(dev, "attach start (%s) in thread %s\n",
	    xenbus_get_node(dev), curthread->td_name);
	if (xs_read_ulong(0, xenbus_get_node(dev), "plug", 9999, &plug) == 0)
		xbtest_plug(dev, plug);
	tsleep(&t0, 0, "xbtest", XBTEST_SLEEP_MS * hz / 1000);
	device_printf(dev, "attach end after %lu ms\n",
	    (u_long)((nanouptime_ns() - t0) / 1000000));
	return (0);
}

static int
xbtest_detach(device_t dev)
{
	return (0);
}

static kobj_method_t xbtest_methods[] = {
	DEVMETHOD(device_probe,		xbtest_probe),
	DEVMETHOD(device_attach,	xbtest_attach),
	DEVMETHOD(device_detach,	xbtest_detach),
	DEVMETHOD_END
};

static driver_t xbtest_driver = {
	"xbtest",
	xbtest_methods,
	0
};

DRIVER_MODULE(xbtest, xenbusb_front, xbtest_driver, NULL, NULL);
MODULE_VERSION(xbtest, 1);
MODULE_DEPEND(xbtest, kernel, 1, 1, 1);
